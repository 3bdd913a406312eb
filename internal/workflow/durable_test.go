package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

// gate is a task handler that blocks the first call for each key until
// the context ends (a process being killed mid-task), then answers at
// once; it counts calls per key.
type gate struct {
	mu      sync.Mutex
	calls   map[string]int
	blocked chan string // receives the key of each blocked call
	block   map[string]bool
}

func newGate(block ...string) *gate {
	g := &gate{calls: map[string]int{}, blocked: make(chan string, 16), block: map[string]bool{}}
	for _, k := range block {
		g.block[k] = true
	}
	return g
}

func (g *gate) Invoke(ctx context.Context, req *TaskRequest) (any, error) {
	m, _ := req.Input.(map[string]any)
	key := fmt.Sprint(m["key"])
	g.mu.Lock()
	g.calls[key]++
	first := g.calls[key] == 1
	g.mu.Unlock()
	if first && g.block[key] {
		g.blocked <- key
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return map[string]any{"key": key, "done": true}, nil
}

func (g *gate) count(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[key]
}

const gateARN = "arn:aws:states:::weir:test:gate"

func durableRunner(t *testing.T, store Store, g *gate) *Runner {
	t.Helper()
	reg := NewRegistry()
	if err := reg.Register(gateARN, g); err != nil {
		t.Fatal(err)
	}
	return NewRunner(Options{Store: store, Tasks: reg, StopPoll: 10 * time.Millisecond})
}

// checkHistory checks ids are 1..n without gaps, that every previous id
// is an earlier event, and that no state was entered more often than
// want says; it returns the event types in order.
func checkHistory(t *testing.T, events []Event, entered map[string]int) []string {
	t.Helper()
	seen := map[int64]bool{}
	counts := map[string]int{}
	var types []string
	for i, e := range events {
		if e.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i, e.ID)
		}
		if e.PreviousEventID >= e.ID || (e.PreviousEventID != 0 && !seen[e.PreviousEventID]) {
			t.Errorf("event %d (%s) follows %d", e.ID, e.Type, e.PreviousEventID)
		}
		seen[e.ID] = true
		types = append(types, e.Type)
		if strings.HasSuffix(e.Type, "StateEntered") {
			counts[fmt.Sprint(e.Details["name"])]++
		}
	}
	for name, n := range entered {
		if counts[name] != n {
			t.Errorf("state %s entered %d times, want %d\n%s", name, counts[name], n, strings.Join(types, " "))
		}
	}
	return types
}

// interrupt runs arn until the gate blocks (n times), then stops the
// run as a killed process would, leaving the execution RUNNING.
func interrupt(t *testing.T, r *Runner, arn string, g *gate, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.Resume(ctx, arn)
		done <- err
	}()
	for range n {
		select {
		case <-g.blocked:
		case err := <-done:
			t.Fatalf("the run ended before the gate blocked: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("the gate never blocked")
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the interrupted run did not stop")
	}
}

func createExecution(t *testing.T, r *Runner, def string, input string) *Execution {
	t.Helper()
	var in any
	dec := json.NewDecoder(strings.NewReader(input))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	e, created, err := r.Create(context.Background(), def, in, ExecutionInfo{Name: "durable", Machine: "m"})
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	return e
}

func TestResumeRunsAnInterruptedTaskAgainAndNoTransitionTwice(t *testing.T) {
	store := NewMemStore()
	g := newGate("b")
	r := durableRunner(t, store, g)
	e := createExecution(t, r, `{"StartAt": "A", "States": {
		"A": {"Type": "Task", "Resource": "`+gateARN+`", "Parameters": {"key": "a"}, "ResultPath": "$.a", "Next": "B"},
		"B": {"Type": "Task", "Resource": "`+gateARN+`", "Parameters": {"key": "b"}, "ResultPath": "$.b", "Next": "C"},
		"C": {"Type": "Pass", "Assign": {"seen.$": "$.b.key"}, "Next": "D"},
		"D": {"Type": "Pass", "Parameters": {"seen.$": "$seen"}, "End": true}}}`, `{}`)
	interrupt(t, r, e.ARN, g, 1)
	if got, _ := store.GetExecution(context.Background(), e.ARN); got.Status != StatusRunning {
		t.Fatalf("after the interruption: %s", got.Status)
	}
	res, err := durableRunner(t, store, g).Resume(context.Background(), e.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusSucceeded || encodeJSON(res.Output) != `{"seen":"b"}` {
		t.Fatalf("%s %s %s", res.Status, encodeJSON(res.Output), res.Cause)
	}
	if g.count("a") != 1 || g.count("b") != 2 {
		t.Errorf("calls: a %d, b %d", g.count("a"), g.count("b"))
	}
	types := checkHistory(t, res.Events, map[string]int{"A": 1, "B": 1, "C": 1, "D": 1})
	got := strings.Join(types, " ")
	want := "ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskSucceeded TaskStateExited " +
		"TaskStateEntered TaskScheduled TaskStarted TaskScheduled TaskStarted TaskSucceeded TaskStateExited " +
		"PassStateEntered PassStateExited PassStateEntered PassStateExited ExecutionSucceeded"
	if got != want {
		t.Errorf("history:\n%s\nwant:\n%s", got, want)
	}
	// Resuming an ended execution changes nothing.
	again, err := r.Resume(context.Background(), e.ARN)
	if err != nil || len(again.Events) != len(res.Events) {
		t.Errorf("resume after the end: %v, %d events", err, len(again.Events))
	}
}

func TestResumeKeepsTimers(t *testing.T) {
	store := NewMemStore()
	g := newGate()
	r := durableRunner(t, store, g)
	e := createExecution(t, r, `{"StartAt": "W", "States": {
		"W": {"Type": "Wait", "Seconds": 3, "Next": "P"},
		"P": {"Type": "Pass", "End": true}}}`, `{"x": 1}`)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	_, err := r.Resume(ctx, e.ARN)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("interrupted run: %v", err)
	}
	threads, _ := store.Threads(context.Background(), e.ARN)
	if len(threads) != 1 || threads[0].Phase != PhaseWait || threads[0].Until.IsZero() {
		t.Fatalf("threads after the interruption: %+v", threads[0])
	}
	until := threads[0].Until
	start := time.Now()
	res, err := r.Resume(context.Background(), e.ARN)
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("%v %+v", err, res)
	}
	if time.Now().Before(until) {
		t.Errorf("the resumed wait ended before its timer")
	}
	if d := time.Since(start); d > 2700*time.Millisecond {
		t.Errorf("the resumed wait took %v: it started over instead of waiting what was left", d)
	}
	checkHistory(t, res.Events, map[string]int{"W": 1, "P": 1})
}

func TestResumeMapAndParallel(t *testing.T) {
	store := NewMemStore()
	g := newGate("item-2", "branch-1")
	r := durableRunner(t, store, g)
	e := createExecution(t, r, `{"StartAt": "M", "States": {
		"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.items", "Next": "P",
		      "ItemSelector": {"key.$": "States.Format('item-{}', $$.Map.Item.Value)"},
		      "ItemProcessor": {"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "`+gateARN+`", "OutputPath": "$.key", "End": true}}}},
		"P": {"Type": "Parallel", "ResultPath": "$.branches", "End": true, "Branches": [
		      {"StartAt": "B0", "States": {"B0": {"Type": "Task", "Resource": "`+gateARN+`", "Parameters": {"key": "branch-0"}, "OutputPath": "$.key", "End": true}}},
		      {"StartAt": "W1", "States": {"W1": {"Type": "Wait", "Seconds": 1, "Next": "B1"},
		                                   "B1": {"Type": "Task", "Resource": "`+gateARN+`", "Parameters": {"key": "branch-1"}, "OutputPath": "$.key", "End": true}}}]}}}`,
		`{"items": [0, 1, 2, 3]}`)
	interrupt(t, r, e.ARN, g, 1) // in the Map, at item 2
	interrupt(t, r, e.ARN, g, 1) // in the Parallel, at branch 1
	res, err := r.Resume(context.Background(), e.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
	}
	if got := encodeJSON(res.Output); got != `{"branches":["branch-0","branch-1"],"items":["item-0","item-1","item-2","item-3"]}` {
		t.Errorf("output %s", got)
	}
	for key, n := range map[string]int{"item-0": 1, "item-1": 1, "item-2": 2, "item-3": 1, "branch-0": 1, "branch-1": 2} {
		if g.count(key) != n {
			t.Errorf("%s called %d times, want %d", key, g.count(key), n)
		}
	}
	types := checkHistory(t, res.Events, map[string]int{"M": 1, "P": 1, "G": 4, "B0": 1, "W1": 1, "B1": 1})
	count := func(typ string) int {
		n := 0
		for _, x := range types {
			if x == typ {
				n++
			}
		}
		return n
	}
	if count("MapIterationStarted") != 4 || count("MapIterationSucceeded") != 4 || count("MapStateStarted") != 1 || count("ParallelStateStarted") != 1 {
		t.Errorf("history: %s", strings.Join(types, " "))
	}
}

func TestStopRequestAborts(t *testing.T) {
	store := NewMemStore()
	g := newGate("x")
	r := durableRunner(t, store, g)
	e := createExecution(t, r, `{"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "`+gateARN+`", "Parameters": {"key": "x"}, "End": true}}}`, `{}`)
	// A MemStore run polls nothing: a stop from another process needs a
	// persistent store, so this drives the stop through watchStop's
	// polling with a store that is not a MemStore.
	ps := &pollingStore{MemStore: store}
	r = durableRunner(t, ps, g)
	done := make(chan *Result, 1)
	go func() {
		res, err := r.Resume(context.Background(), e.ARN)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	select {
	case <-g.blocked:
	case res := <-done:
		t.Fatalf("the run ended before the gate blocked: %+v", res)
	case <-time.After(10 * time.Second):
		t.Fatal("the gate never blocked")
	}
	if err := ps.RequestStop(context.Background(), e.ARN, "not today"); err != nil {
		t.Fatal(err)
	}
	select {
	case res := <-done:
		if res == nil || res.Status != StatusAborted || res.Events[len(res.Events)-1].Type != "ExecutionAborted" || res.Cause != "not today" {
			t.Fatalf("after a stop request: %+v", res)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stop request was not seen")
	}
}

// pollingStore is a MemStore that does not look like one, so that
// executions poll it for stop requests.
type pollingStore struct{ *MemStore }

func TestCreateIsIdempotentByName(t *testing.T) {
	store := NewMemStore()
	r := NewRunner(Options{Store: store})
	def := `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`
	info := ExecutionInfo{Name: "daily-2024-03-01", Machine: "m"}
	first, created, err := r.Create(context.Background(), def, map[string]any{"a": json.Number("1")}, info)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	again, created, err := r.Create(context.Background(), def, map[string]any{"a": json.Number("1")}, info)
	if err != nil || created || again.ARN != first.ARN {
		t.Fatalf("same name and input: %v %v %+v", created, err, again)
	}
	_, _, err = r.Create(context.Background(), def, map[string]any{"a": json.Number("2")}, info)
	if !errors.Is(err, ErrExecutionAlreadyExists) {
		t.Fatalf("same name, other input: %v", err)
	}
	if _, _, err := r.Create(context.Background(), `{"StartAt": "X"}`, nil, ExecutionInfo{Name: "bad"}); err == nil {
		t.Fatal("an invalid definition was accepted")
	}
	var ve *asl.ValidationError
	if _, _, err := r.Create(context.Background(), `{"StartAt": "X"}`, nil, ExecutionInfo{Name: "bad"}); !errors.As(err, &ve) {
		t.Fatalf("invalid definition: %T %v", err, err)
	}
}

func TestRedriveRestartsTheFailedState(t *testing.T) {
	store := NewMemStore()
	reg := testTasks()
	r := NewRunner(Options{Store: store, Tasks: reg, Clock: NewVirtualClock()})
	def := `{"StartAt": "First", "States": {
		"First": {"Type": "Pass", "Result": {"key": "redrive", "failures": 1}, "Next": "Flaky"},
		"Flaky": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:flaky", "Next": "P"},
		"P": {"Type": "Parallel", "End": true, "Branches": [
			{"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"redrives.$": "$$.Execution.RedriveCount"}, "End": true}}}]}}}`
	e, _, err := r.Create(context.Background(), def, map[string]any{}, ExecutionInfo{Name: "redrive", Machine: "m"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resume(context.Background(), e.ARN)
	if err != nil || res.Status != StatusFailed || res.Error != "Flaky.Error" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	if _, err := r.Redrive(context.Background(), "arn:nope"); !errors.Is(err, ErrExecutionDoesNotExist) {
		t.Errorf("redrive of a missing execution: %v", err)
	}
	res, err = r.Redrive(context.Background(), e.ARN)
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("redrive: %v %+v", err, res)
	}
	if got := encodeJSON(res.Output); got != `[{"redrives":1}]` {
		t.Errorf("output %s", got)
	}
	if res.RedriveCount != 1 {
		t.Errorf("redrive count %d", res.RedriveCount)
	}
	types := checkHistory(t, res.Events, map[string]int{"First": 1, "Flaky": 2, "P": 1, "B": 1})
	if got := strings.Join(types, " "); !strings.Contains(got, "ExecutionFailed ExecutionRedriven TaskStateEntered") {
		t.Errorf("history: %s", got)
	}
	if _, err := r.Redrive(context.Background(), e.ARN); !errors.Is(err, ErrExecutionNotRedrivable) {
		t.Errorf("redrive of a success: %v", err)
	}
}
