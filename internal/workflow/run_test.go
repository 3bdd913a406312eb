package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

var update = flag.Bool("update", false, "rewrite the expected results of testdata scripts")

// testTasks registers the task handlers the scripts use, all as Lambda
// functions: echo returns its input; fail fails with the input's
// errorType and errorMessage; flaky fails with Flaky.Error until it has
// been called input.failures times (per input.key); sleep waits
// input.seconds; beating does too, sending heartbeats; add returns a + b.
func testTasks() *Registry {
	reg := NewRegistry()
	var mu sync.Mutex
	calls := map[string]int{}
	fn := func(name string, h TaskHandlerFunc) {
		if err := reg.Register("arn:aws:lambda:us-east-1:000000000000:function:"+name, h); err != nil {
			panic(err)
		}
	}
	fn("echo", func(ctx context.Context, req *TaskRequest) (any, error) { return req.Input, nil })
	fn("fail", func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		name, _ := m["errorType"].(string)
		msg, _ := m["errorMessage"].(string)
		return nil, &TaskError{Name: name, Cause: msg}
	})
	fn("flaky", func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		key, _ := m["key"].(string)
		n, _ := m["failures"].(json.Number).Int64()
		mu.Lock()
		calls[key]++
		c := calls[key]
		mu.Unlock()
		if int64(c) <= n {
			return nil, &TaskError{Name: "Flaky.Error", Cause: fmt.Sprintf("call %d fails", c)}
		}
		return map[string]any{"calls": json.Number(fmt.Sprint(c))}, nil
	})
	fn("sleep", func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		secs, _ := m["seconds"].(json.Number).Float64()
		t := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer t.Stop()
		select {
		case <-t.C:
			return "slept", nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	fn("add", func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		a, _ := m["a"].(json.Number).Int64()
		b, _ := m["b"].(json.Number).Int64()
		return json.Number(fmt.Sprint(a + b)), nil
	})
	fn("panic", func(ctx context.Context, req *TaskRequest) (any, error) { panic("boom") })
	fn("beating", func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		secs, _ := m["seconds"].(json.Number).Float64()
		end := time.Now().Add(time.Duration(secs * float64(time.Second)))
		for time.Now().Before(end) {
			req.Heartbeat()
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return "alive", nil
	})
	return reg
}

type runRecord struct {
	name, definition, input, want string
	objects                       string // "--- object s3://bucket/key" sections, as written
}

// readRunScript reads a script of records: "=== name", a definition,
// "--- input", the execution input, "--- want", then the expected
// result (see renderResult).
func readRunScript(t testing.TB, path string) (header string, recs []runRecord) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "\n=== ")
	header = parts[0]
	for _, p := range parts[1:] {
		name, body, _ := strings.Cut(p, "\n")
		def, rest, ok1 := strings.Cut(body, "\n--- input\n")
		input, want, ok2 := strings.Cut(rest, "\n--- want\n")
		if !ok1 || !ok2 {
			t.Fatalf("%s: record %q needs '--- input' and '--- want' lines", path, name)
		}
		var objects string
		if i := strings.Index(def, "\n--- object "); i >= 0 {
			def, objects = def[:i], def[i:]
		}
		recs = append(recs, runRecord{name: name, definition: def, input: input, want: strings.TrimSpace(want), objects: objects})
	}
	return header, recs
}

// renderResult prints status, output or error and cause, and the event
// types: in order when the machine has no concurrency, else counted.
func renderResult(res *Result, ordered bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status: %s\n", res.Status)
	if res.Status == StatusSucceeded {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.Encode(res.Output)
		fmt.Fprintf(&b, "output: %s", out.String())
	} else {
		fmt.Fprintf(&b, "error: %s\ncause: %s\n", res.Error, res.Cause)
	}
	var types []string
	for _, e := range res.Events {
		types = append(types, e.Type)
	}
	if ordered {
		fmt.Fprintf(&b, "events: %s", strings.Join(types, " "))
	} else {
		// Branches and items race: count only the events of the
		// execution and of its Parallel and Map states, which do not.
		counts := map[string]int{}
		for _, t := range types {
			if strings.HasPrefix(t, "Execution") || strings.HasPrefix(t, "Parallel") || strings.HasPrefix(t, "Map") {
				counts[t]++
			}
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("event counts:")
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%d", k, counts[k])
		}
	}
	return b.String()
}

func decodeInput(t testing.TB, s string) any {
	s = strings.TrimSpace(s)
	if s == "" {
		return map[string]any{}
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("input %q: %v", s, err)
	}
	return v
}

// TestRunScripts runs testdata/run_*.txt: each definition on its input,
// on a virtual clock, with the test task handlers.
// replyARN is the scripts' integration that answers its own task token.
const replyARN = "arn:aws:states:::weir:test:reply"

func TestRunScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "run_*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			header, recs := readRunScript(t, path)
			var out strings.Builder
			out.WriteString(header)
			for _, r := range recs {
				got := runScriptRecord(t, r)
				if !*update && got != r.want {
					t.Errorf("%s:\ngot:\n%s\nwant:\n%s", r.name, got, r.want)
				}
				fmt.Fprintf(&out, "\n=== %s\n%s%s\n--- input\n%s\n--- want\n%s\n", r.name, r.definition, r.objects, r.input, got)
			}
			if *update {
				if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func runScriptRecord(t *testing.T, r runRecord) string {
	def, err := asl.Parse([]byte(r.definition))
	if err != nil {
		return "invalid: " + err.Error()
	}
	objs := scriptObjects(t, r.objects)
	tasks := testTasks()
	var runner *Runner
	// reply answers the token in its input: with "output" as the task's
	// result, or with "error" and "cause" as its failure; after it
	// returned.
	err = tasks.Register(replyARN, TaskHandlerFunc(func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		token, _ := m["token"].(string)
		errName, _ := m["error"].(string)
		cause, _ := m["cause"].(string)
		go func() {
			if errName != "" {
				runner.SendTaskFailure(context.Background(), token, errName, cause)
				return
			}
			runner.SendTaskSuccess(context.Background(), token, m["output"])
		}()
		return map[string]any{"sent": true}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	runner = NewRunner(Options{Clock: NewVirtualClock(), Tasks: tasks, Objects: objs})
	res, err := runner.Run(context.Background(), def, decodeInput(t, r.input), ExecutionInfo{Name: "test", Machine: "script"})
	if err != nil {
		return "error: " + err.Error()
	}
	return renderResult(res, !concurrent(def)) + objs.written()
}

// concurrent reports whether def has a Parallel or a Map with more than
// one item at once, whose events interleave.
func concurrent(def *asl.Definition) bool {
	for _, s := range def.States {
		if s.Type == asl.TypeParallel && len(s.Branches) > 1 {
			return true
		}
		if s.Type == asl.TypeMap && !(s.MaxConcurrency.Set && s.MaxConcurrency.Path == nil && s.MaxConcurrency.Value == 1) {
			return true
		}
	}
	return false
}

func TestTransitionTable(t *testing.T) {
	for _, tc := range []struct {
		from, to Status
		ok       bool
	}{
		{StatusRunning, StatusSucceeded, true},
		{StatusRunning, StatusAborted, true},
		{StatusFailed, StatusRunning, true}, // redrive
		{StatusSucceeded, StatusRunning, false},
		{StatusSucceeded, StatusFailed, false},
		{StatusRunning, StatusRunning, false},
	} {
		got, err := Transition(tc.from, tc.to)
		if (err == nil) != tc.ok {
			t.Errorf("%s → %s: err = %v", tc.from, tc.to, err)
		}
		if !tc.ok && got != tc.from {
			t.Errorf("%s → %s: a refused transition changed the status to %s", tc.from, tc.to, got)
		}
	}
}

func TestExecutionTimeoutOnRealClock(t *testing.T) {
	def, err := asl.Parse([]byte(`{"StartAt": "S", "TimeoutSeconds": 1, "States": {
		"S": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:sleep", "End": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	runner := NewRunner(Options{Tasks: testTasks()})
	start := time.Now()
	res, err := runner.Run(context.Background(), def, map[string]any{"seconds": json.Number("30")}, ExecutionInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusTimedOut || res.Error != "States.Timeout" {
		t.Fatalf("status %s error %s", res.Status, res.Error)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestAbort(t *testing.T) {
	def, err := asl.Parse([]byte(`{"StartAt": "S", "States": {
		"S": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:sleep", "End": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res, err := NewRunner(Options{Tasks: testTasks()}).Run(ctx, def, map[string]any{"seconds": json.Number("30")}, ExecutionInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusAborted || res.Events[len(res.Events)-1].Type != "ExecutionAborted" {
		t.Fatalf("status %s, last event %s", res.Status, res.Events[len(res.Events)-1].Type)
	}
}

func TestDataLimit(t *testing.T) {
	def, err := asl.Parse([]byte(`{"StartAt": "T", "States": {
		"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:echo", "Next": "Big",
		      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
		"Big": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s", "c.$": "$.s"}, "End": true},
		"Caught": {"Type": "Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	runner := NewRunner(Options{Clock: NewVirtualClock(), Tasks: testTasks(), MaxPayloadBytes: 100})
	input := map[string]any{"s": strings.Repeat("x", 40)}
	res, err := runner.Run(context.Background(), def, input, ExecutionInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusFailed || res.Error != "States.DataLimitExceeded" {
		t.Fatalf("status %s error %s (%s)", res.Status, res.Error, res.Cause)
	}
	res, err = runner.Run(context.Background(), def, map[string]any{"s": strings.Repeat("x", 200)}, ExecutionInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusFailed || res.Error != "States.DataLimitExceeded" || !strings.Contains(res.Cause, "execution input") {
		t.Fatalf("oversized input: status %s error %s (%s)", res.Status, res.Error, res.Cause)
	}
}

// TestHistoryLimit: an execution that would record more history events
// than MaxHistoryEvents fails with States.Runtime, its ExecutionFailed
// being the last event allowed, as on AWS (25,000); a distributed Map's
// children do not count (their histories are their own on AWS).
func TestHistoryLimit(t *testing.T) {
	loop, err := asl.Parse([]byte(`{"StartAt": "Spin", "States": {
		"Spin": {"Type": "Pass", "Next": "Again"},
		"Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Spin"},
		"Done": {"Type": "Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	store := NewMemStore()
	r := NewRunner(Options{Tasks: testTasks(), MaxHistoryEvents: 50, Store: store})
	res, err := r.Run(context.Background(), loop, map[string]any{}, ExecutionInfo{Name: "spin"})
	if err != nil {
		t.Fatal(err)
	}
	last := res.Events[len(res.Events)-1]
	if res.Status != StatusFailed || res.Error != asl.ErrNameRuntime || res.Cause != "The execution reached the maximum number of history events (50)." {
		t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
	}
	if len(res.Events) != 50 || last.ID != 50 || last.Type != "ExecutionFailed" {
		t.Errorf("%d events, the last %d %s", len(res.Events), last.ID, last.Type)
	}

	items := make([]any, 30)
	for i := range items {
		items[i] = json.Number(fmt.Sprint(i))
	}
	dmap, err := asl.Parse([]byte(`{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err = r.Run(context.Background(), dmap, items, ExecutionInfo{Name: "wide"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusSucceeded || len(res.Events) <= 50 {
		t.Errorf("distributed Map: %s %s, %d events", res.Status, res.Cause, len(res.Events))
	}
}
