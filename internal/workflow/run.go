package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/asl"
)

// MaxPayloadBytes is Step Functions' limit on a state's or an
// execution's input and output: 256 KiB of UTF-8 JSON.
const MaxPayloadBytes = 262144

// Options configure a Runner.
type Options struct {
	Logger *slog.Logger
	Clock  Clock
	Tasks  *Registry
	// MaxPayloadBytes overrides MaxPayloadBytes (tests).
	MaxPayloadBytes int
	// MaxHistoryEvents is the most events an execution's history holds
	// (AWS Standard: 25,000): one that would record more fails with
	// States.Runtime. Negative for no limit.
	MaxHistoryEvents int
	// MaxInlineConcurrency caps the iterations of an inline Map that
	// run at once (AWS: 40); MaxDistributedConcurrency the child
	// executions of a distributed Map (AWS: 10,000).
	MaxInlineConcurrency      int
	MaxDistributedConcurrency int
	// Store records executions; nil keeps each Run's execution in
	// memory.
	Store Store
	// StopPoll is how often a running execution checks the store for a
	// StopExecution from another process.
	StopPoll time.Duration
	// Objects is the object store of distributed Maps' ItemReader and
	// ResultWriter (weir's lake); nil fails them with
	// States.ItemReaderFailed and States.ResultWriterFailed.
	Objects Objects
}

// DefaultOptions returns the options of a Runner on the system clock
// with an empty task registry.
func DefaultOptions() Options {
	return Options{
		Logger:                    slog.New(slog.DiscardHandler),
		Clock:                     SystemClock{},
		Tasks:                     NewRegistry(),
		MaxPayloadBytes:           MaxPayloadBytes,
		MaxHistoryEvents:          25000,
		MaxInlineConcurrency:      40,
		MaxDistributedConcurrency: 10000,
		StopPoll:                  200 * time.Millisecond,
	}
}

// Runner interprets state machine definitions.
type Runner struct {
	opts      Options
	callbacks callbacks // tasks waiting for their token

	mu   sync.Mutex
	defs map[string]*asl.Definition // parsed definitions by text; see parse
}

// parse parses a definition, reusing the parse of the same text: a
// stored state machine's executions all run one text. A definition is
// not changed by running it.
func (r *Runner) parse(src string) (*asl.Definition, error) {
	r.mu.Lock()
	def, ok := r.defs[src]
	r.mu.Unlock()
	if ok {
		return def, nil
	}
	def, err := asl.Parse([]byte(src))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.defs == nil || len(r.defs) >= 64 {
		r.defs = map[string]*asl.Definition{}
	}
	r.defs[src] = def
	return def, nil
}

// NewRunner returns a Runner; zero fields of opts take their defaults.
func NewRunner(opts Options) *Runner {
	d := DefaultOptions()
	if opts.Logger == nil {
		opts.Logger = d.Logger
	}
	if opts.Clock == nil {
		opts.Clock = d.Clock
	}
	if opts.Tasks == nil {
		opts.Tasks = d.Tasks
	}
	if opts.MaxPayloadBytes == 0 {
		opts.MaxPayloadBytes = d.MaxPayloadBytes
	}
	if opts.MaxHistoryEvents == 0 {
		opts.MaxHistoryEvents = d.MaxHistoryEvents
	}
	if opts.MaxInlineConcurrency == 0 {
		opts.MaxInlineConcurrency = d.MaxInlineConcurrency
	}
	if opts.MaxDistributedConcurrency == 0 {
		opts.MaxDistributedConcurrency = d.MaxDistributedConcurrency
	}
	if opts.StopPoll <= 0 {
		opts.StopPoll = d.StopPoll
	}
	return &Runner{opts: opts}
}

// ExecutionInfo names an execution and its state machine, for the
// context object and the history.
type ExecutionInfo struct {
	ARN, Name                string
	StateMachineARN, Machine string
	RoleARN                  string
}

// Result is a finished execution.
type Result struct {
	Execution
	Events []Event
}

// Run records an execution of def in the runner's store (a new MemStore
// when Options.Store is nil) and runs it to its end. The error is
// non-nil only when the execution could not run at all; failed
// executions are a Result.
func (r *Runner) Run(ctx context.Context, def *asl.Definition, input any, info ExecutionInfo) (*Result, error) {
	store := r.opts.Store
	if store == nil {
		store = NewMemStore()
	}
	e, _, err := r.create(ctx, store, def, "", input, info)
	if err != nil {
		return nil, err
	}
	if _, err := r.resume(ctx, store, def, e, true); err != nil {
		return nil, err
	}
	return r.result(ctx, store, e.ARN)
}

// Create records a new execution of the definition src (which must
// parse) without running it; Resume runs it. An execution with the same
// name and input is returned as it is (created=false), as StartExecution
// is idempotent; the same name with another input is
// ErrExecutionAlreadyExists.
func (r *Runner) Create(ctx context.Context, src string, input any, info ExecutionInfo) (*Execution, bool, error) {
	def, err := r.parse(src)
	if err != nil {
		return nil, false, err
	}
	if r.opts.Store == nil {
		return nil, false, errors.New("workflow: Create needs a Store")
	}
	return r.create(ctx, r.opts.Store, def, src, input, info)
}

func (r *Runner) create(ctx context.Context, store Store, def *asl.Definition, src string, input any, info ExecutionInfo) (*Execution, bool, error) {
	if info.Name == "" {
		info.Name = uuid.NewString()
	}
	if info.Machine == "" {
		info.Machine = "machine"
	}
	if info.StateMachineARN == "" {
		info.StateMachineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:" + info.Machine
	}
	if info.ARN == "" {
		info.ARN = "arn:aws:states:us-east-1:000000000000:execution:" + info.Machine + ":" + info.Name
	}
	now := r.opts.Clock.Now().UTC().Truncate(time.Millisecond)
	e := &Execution{ARN: info.ARN, Name: info.Name, StateMachineARN: info.StateMachineARN, Machine: info.Machine,
		Definition: src, Status: StatusRunning, Input: input, StartDate: now}
	root := &Thread{ID: "root", State: def.StartAt, Phase: PhaseEnter, Input: input, PrevEventID: 1}
	first := &Checkpoint{
		Events: []Event{{ID: 1, Timestamp: now, Type: "ExecutionStarted", Details: map[string]any{
			"input": encodeJSON(input), "inputDetails": map[string]any{"truncated": false}, "roleArn": info.RoleARN,
		}}},
		Threads: []*Thread{root},
	}
	old, created, err := store.CreateExecution(ctx, e, first)
	if err != nil {
		return nil, false, err
	}
	if !created {
		if encodeJSON(old.Input) != encodeJSON(input) {
			return nil, false, fmt.Errorf("execution %s: %w", info.Name, ErrExecutionAlreadyExists)
		}
		return old, false, nil
	}
	return e, true, nil
}

// Resume runs a recorded execution from its last committed transition
// to its end and returns it with its history; an execution that has
// ended is returned as it is.
func (r *Runner) Resume(ctx context.Context, arn string) (*Result, error) {
	if _, err := r.Execute(ctx, arn); err != nil {
		return nil, err
	}
	return r.result(ctx, r.opts.Store, arn)
}

// Execute is Resume without reading the history back.
func (r *Runner) Execute(ctx context.Context, arn string) (*Execution, error) {
	if r.opts.Store == nil {
		return nil, errors.New("workflow: Resume needs a Store")
	}
	e, err := r.opts.Store.GetExecution(ctx, arn)
	if err != nil {
		return nil, err
	}
	def, err := r.parse(e.Definition)
	if err != nil {
		return nil, fmt.Errorf("workflow: execution %s: its definition no longer parses: %w", arn, err)
	}
	return r.resume(ctx, r.opts.Store, def, e, false)
}

// resume runs e to its end. When ctx ends first, the execution is
// aborted if abortOnCancel (an execution of this process only), and
// otherwise left RUNNING for another process to resume (this process is
// stopping).
func (r *Runner) resume(ctx context.Context, store Store, def *asl.Definition, e *Execution, abortOnCancel bool) (*Execution, error) {
	if e.Status.Terminal() {
		return e, nil
	}
	threads, err := store.Threads(ctx, e.ARN)
	if err != nil {
		return nil, err
	}
	history, err := store.History(ctx, e.ARN)
	if err != nil {
		return nil, err
	}
	x := &execution{r: r, store: store, def: def, rec: e, threads: map[string]*Thread{}}
	for _, t := range threads {
		x.threads[t.ID] = t
	}
	for _, ev := range history {
		x.nextID = max(x.nextID, ev.ID)
	}
	for _, t := range threads {
		x.counted.Add(t.Counted)
	}
	x.nextID++
	if def.TimeoutSeconds > 0 {
		x.deadline = e.StartDate.Add(time.Duration(def.TimeoutSeconds) * time.Second)
	}
	root := x.threads["root"]
	if root == nil {
		return nil, fmt.Errorf("workflow: execution %s has no root thread", e.ARN)
	}
	t := x.thread(root, nil)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	x.cancel = cancel
	if !x.deadline.IsZero() {
		if _, virtual := r.opts.Clock.(*VirtualClock); !virtual {
			runCtx, cancel = context.WithDeadline(runCtx, x.deadline)
			defer cancel()
		}
	}
	stopWatch := x.watchStop(runCtx, cancel)
	var out any
	var f *failure
	if n := len(encodeJSON(e.Input)); n > r.opts.MaxPayloadBytes {
		f = &failure{asl.ErrNameDataLimitExceeded, fmt.Sprintf("The execution input is %d bytes; the limit is %d", n, r.opts.MaxPayloadBytes)}
	} else {
		out, f = x.runMachine(runCtx, t, def)
	}
	stopWatch()
	if x.storeErr != nil {
		return nil, x.storeErr
	}
	end := &Execution{StopDate: r.opts.Clock.Now().UTC().Truncate(time.Millisecond)}
	if x.historyFull.Load() && ctx.Err() == nil {
		f = x.stopped(context.Canceled)
	}
	switch {
	case f == nil:
		end.Status, end.Output = StatusSucceeded, out
		t.event("ExecutionSucceeded", map[string]any{"output": encodeJSON(out), "outputDetails": map[string]any{"truncated": false}})
		t.rec.Phase, t.rec.Output = PhaseDone, out
	case f.Name == asl.ErrNameTimeout && x.timedOut.Load():
		end.Status, end.Error, end.Cause = StatusTimedOut, f.Name, f.Cause
		t.event("ExecutionTimedOut", map[string]any{"error": f.Name, "cause": f.Cause})
		t.rec.Phase = PhaseFailed
	case x.stopRequested.Load() || ctx.Err() != nil && abortOnCancel:
		end.Status, end.Error, end.Cause = StatusAborted, "States.Aborted", "The execution was stopped"
		x.mu.Lock()
		if x.stopCause != "" {
			end.Cause = x.stopCause
		}
		x.mu.Unlock()
		t.event("ExecutionAborted", map[string]any{"error": end.Error, "cause": end.Cause})
		t.rec.Phase = PhaseAborted
	case ctx.Err() != nil:
		// This process is stopping: the execution stays RUNNING, to be
		// resumed from its last transition.
		return nil, ctx.Err()
	default:
		end.Status, end.Error, end.Cause = StatusFailed, f.Name, f.Cause
		t.event("ExecutionFailed", map[string]any{"error": f.Name, "cause": f.Cause})
		t.rec.Phase, t.rec.Error, t.rec.Cause = PhaseFailed, f.Name, f.Cause
	}
	if _, err := Transition(StatusRunning, end.Status); err != nil {
		return nil, err
	}
	if err := t.commit(context.WithoutCancel(ctx), end); err != nil {
		return nil, err
	}
	return store.GetExecution(context.WithoutCancel(ctx), e.ARN)
}

// Redrive restarts a FAILED, TIMED_OUT or ABORTED execution from the
// state that did not succeed, as RedriveExecution does, and runs it to
// its end. A Parallel or Map state that failed runs again whole.
func (r *Runner) Redrive(ctx context.Context, arn string) (*Result, error) {
	if r.opts.Store == nil {
		return nil, errors.New("workflow: Redrive needs a Store")
	}
	store := r.opts.Store
	e, err := store.GetExecution(ctx, arn)
	if err != nil {
		return nil, err
	}
	if _, err := Transition(e.Status, StatusRunning); err != nil {
		return nil, fmt.Errorf("execution %s is %s: %w", arn, e.Status, ErrExecutionNotRedrivable)
	}
	threads, err := store.Threads(ctx, arn)
	if err != nil {
		return nil, err
	}
	history, err := store.History(ctx, arn)
	if err != nil {
		return nil, err
	}
	var root *Thread
	for _, t := range threads {
		if t.ID == "root" {
			root = t
		}
	}
	if root == nil {
		return nil, fmt.Errorf("workflow: execution %s has no root thread", arn)
	}
	last := int64(len(history))
	redriven := *root
	redriven.Phase, redriven.Error, redriven.Cause, redriven.Until = PhaseEnter, "", "", time.Time{}
	redriven.PrevEventID = last + 1
	c := &Checkpoint{
		Events: []Event{{ID: last + 1, PreviousEventID: last, Timestamp: r.opts.Clock.Now(), Type: "ExecutionRedriven",
			Details: map[string]any{"redriveCount": e.RedriveCount + 1}}},
		Threads: []*Thread{&redriven},
	}
	if err := store.Redrive(ctx, arn, c); err != nil {
		return nil, err
	}
	return r.Resume(ctx, arn)
}

// Abort ends a RUNNING execution that no process runs (StopExecution
// when nothing holds the data directory) as ABORTED; an execution that
// has ended is left as it is.
func (r *Runner) Abort(ctx context.Context, arn, cause string) error {
	store := r.opts.Store
	if store == nil {
		return errors.New("workflow: Abort needs a Store")
	}
	e, err := store.GetExecution(ctx, arn)
	if err != nil {
		return err
	}
	if e.Status.Terminal() {
		return nil
	}
	history, err := store.History(ctx, arn)
	if err != nil {
		return err
	}
	last := int64(len(history))
	now := r.opts.Clock.Now()
	return store.Commit(ctx, arn, &Checkpoint{
		Events: []Event{{ID: last + 1, PreviousEventID: last, Timestamp: now, Type: "ExecutionAborted",
			Details: map[string]any{"error": "States.Aborted", "cause": cause}}},
		End: &Execution{Status: StatusAborted, Error: "States.Aborted", Cause: cause, StopDate: now.UTC().Truncate(time.Millisecond)},
	})
}

func (r *Runner) result(ctx context.Context, store Store, arn string) (*Result, error) {
	e, err := store.GetExecution(context.WithoutCancel(ctx), arn)
	if err != nil {
		return nil, err
	}
	events, err := store.History(context.WithoutCancel(ctx), arn)
	if err != nil {
		return nil, err
	}
	return &Result{Execution: *e, Events: events}, nil
}

// failure is an error raised in a state, with its Step Functions name.
type failure struct {
	Name, Cause string
}

func failureOf(err error, defaultName string) *failure {
	var ae *asl.Error
	if errors.As(err, &ae) {
		return &failure{ae.Name, ae.Cause}
	}
	var te *TaskError
	if errors.As(err, &te) {
		return &failure{te.Name, te.Cause}
	}
	return &failure{defaultName, err.Error()}
}

type execution struct {
	r        *Runner
	store    Store
	def      *asl.Definition
	rec      *Execution
	deadline time.Time
	timedOut atomic.Bool
	cancel   context.CancelFunc
	// counted is the number of events in the history that count toward
	// MaxHistoryEvents; historyFull is set when one more was refused.
	counted     atomic.Int64
	historyFull atomic.Bool
	// stopRequested is set when StopExecution asked for the abort, with
	// stopCause (under mu).
	stopRequested atomic.Bool
	stopCause     string

	mu       sync.Mutex // commits: ids are given in commit order
	nextID   int64
	queue    []*commitRequest   // flushed checkpoints not yet written
	writing  bool               // a writeQueue goroutine runs
	threads  map[string]*Thread // as loaded, to find children on resume
	storeErr error
}

// watchStop polls the store for a stop request from another process and
// cancels the run when one comes; it returns a function that ends the
// polling.
func (x *execution) watchStop(ctx context.Context, cancel context.CancelFunc) func() {
	if _, mem := x.store.(*MemStore); mem {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(x.r.opts.StopPoll)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				e, err := x.store.GetExecution(ctx, x.rec.ARN)
				if err == nil && e.StopRequested {
					x.mu.Lock()
					x.stopCause = e.StopCause
					x.mu.Unlock()
					x.stopRequested.Store(true)
					cancel()
					return
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// thread is one running thread of an execution: its durable record, its
// events not yet committed, and its variables.
type thread struct {
	x       *execution
	rec     *Thread
	pending []Event
	scope   *scope
	// uncounted: the thread runs a distributed Map's child execution,
	// whose events AWS keeps in the child's own history, so they do not
	// count toward the execution's MaxHistoryEvents.
	uncounted bool
}

func (x *execution) thread(rec *Thread, parent *thread) *thread {
	var ps *scope
	if parent != nil {
		ps = parent.scope
	}
	sc := newScope(ps)
	for k, v := range rec.Vars {
		sc.vals[k] = v
	}
	return &thread{x: x, rec: rec, scope: sc, uncounted: parent != nil && parent.uncounted}
}

// event adds an event to the thread's next commit. An event past the
// execution's MaxHistoryEvents (but for the execution's end) is dropped
// and stops the execution, which then fails with States.Runtime as on
// AWS, its ExecutionFailed being the last event the limit allows.
func (t *thread) event(typ string, details map[string]any) {
	x := t.x
	if limit := x.r.opts.MaxHistoryEvents; limit > 0 && !t.uncounted && !strings.HasPrefix(typ, "Execution") {
		if x.counted.Add(1) > int64(limit-2) { // ExecutionStarted and the end count too
			if !x.historyFull.Swap(true) && x.cancel != nil {
				x.cancel()
			}
			return
		}
		t.rec.Counted++
	}
	t.pending = append(t.pending, Event{Timestamp: x.r.opts.Clock.Now(), Type: typ, Details: details})
}

// commit writes the thread's pending events and its record, and end when
// the execution ends, and waits until they are stored.
func (t *thread) commit(ctx context.Context, end *Execution) error {
	return t.flush(end)()
}

// flush gives the thread's pending events their ids, in order, each
// following the thread's previous event, and queues them with the
// thread's record (and end) for the next group commit. It returns a
// function that waits until they are stored.
//
// Several threads' flushes are written in one transaction (see write),
// and a thread flushes only when durability matters: before a task
// runs, a timer starts or branches start, at its end, and every
// maxPendingEvents events. Transitions of Pass, Choice and Succeed states
// in between ride with the next flush; a crash before it loses nothing
// that had an effect, and the resumed execution goes through them again
// from the last stored transition, so none is recorded twice.
func (t *thread) flush(end *Execution) func() error {
	x := t.x
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.storeErr != nil {
		err := x.storeErr
		return func() error { return err }
	}
	events := make([]Event, len(t.pending))
	prev := t.rec.PrevEventID
	for i, ev := range t.pending {
		ev.ID, ev.PreviousEventID = x.nextID, prev
		prev = ev.ID
		x.nextID++
		events[i] = ev
	}
	t.rec.PrevEventID = prev
	t.pending = t.pending[:0]
	rec := *t.rec
	rec.Vars = t.scope.own()
	rec.Retries = append([]int(nil), t.rec.Retries...)
	req := &commitRequest{c: &Checkpoint{Events: events, Threads: []*Thread{&rec}, End: end}, done: make(chan error, 1)}
	// Queued under x.mu: the queue is in id order, and every batch
	// written is a prefix of it, so a crash never leaves a gap in ids.
	x.queue = append(x.queue, req)
	if !x.writing {
		x.writing = true
		go x.writeQueue()
	}
	return func() error { return <-req.done }
}

// maxPendingEvents bounds the events a thread keeps before it flushes.
const maxPendingEvents = 64

type commitRequest struct {
	c    *Checkpoint
	done chan error
}

// writeQueue writes the queued checkpoints, all that are queued at a time
// in one transaction, until the queue is empty.
func (x *execution) writeQueue() {
	for {
		x.mu.Lock()
		batch := x.queue
		x.queue = nil
		if len(batch) == 0 {
			x.writing = false
			x.mu.Unlock()
			return
		}
		x.mu.Unlock()
		merged := &Checkpoint{}
		for _, r := range batch {
			merged.Events = append(merged.Events, r.c.Events...)
			merged.Threads = append(merged.Threads, r.c.Threads...)
			if r.c.End != nil {
				merged.End = r.c.End
			}
		}
		err := x.store.Commit(context.Background(), x.rec.ARN, merged)
		if err != nil {
			err = fmt.Errorf("workflow: execution %s: record a transition: %w", x.rec.ARN, err)
			x.mu.Lock()
			if x.storeErr == nil {
				x.storeErr = err
			}
			x.mu.Unlock()
			if x.cancel != nil {
				x.cancel()
			}
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// scope holds variables (Assign). Parallel branches and Map iterations
// read their parent's variables and assign their own.
type scope struct {
	mu     sync.Mutex
	vals   map[string]any
	parent *scope
}

func newScope(parent *scope) *scope { return &scope{vals: map[string]any{}, parent: parent} }

func (s *scope) get(name string) (any, bool) {
	for c := s; c != nil; c = c.parent {
		c.mu.Lock()
		v, ok := c.vals[name]
		c.mu.Unlock()
		if ok {
			return v, true
		}
	}
	return nil, false
}

func (s *scope) setAll(vals map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range vals {
		s.vals[k] = v
	}
}

// own returns a copy of the scope's own variables, nil if none.
func (s *scope) own() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.vals) == 0 {
		return nil
	}
	out := make(map[string]any, len(s.vals))
	for k, v := range s.vals {
		out[k] = v
	}
	return out
}

// encodeJSON renders a JSON value as history events hold it.
func encodeJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (x *execution) encode(v any) string { return encodeJSON(v) }

func (x *execution) size(v any) int { return len(encodeJSON(v)) }

// isoTime formats a time as the context object does: milliseconds,
// trailing zeros dropped.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999Z07:00")
}

// contextObject builds $$ for a state.
func (x *execution) contextObject(st *asl.State, thread string, entered time.Time, retries int, item map[string]any) map[string]any {
	e := x.rec
	c := map[string]any{
		"Execution": map[string]any{
			"Id": e.ARN, "Input": e.Input, "Name": e.Name, "RoleArn": "",
			"StartTime": isoTime(e.StartDate), "RedriveCount": json.Number(strconv.Itoa(e.RedriveCount)),
		},
		"State": map[string]any{
			"EnteredTime": isoTime(entered), "Name": st.Name, "RetryCount": json.Number(strconv.Itoa(retries)),
		},
		"StateMachine": map[string]any{"Id": e.StateMachineARN, "Name": e.Machine},
	}
	if st.Type == asl.TypeTask {
		c["Task"] = map[string]any{"Token": taskToken(e.ARN, thread, entered, retries)}
	}
	if item != nil {
		c["Map"] = map[string]any{"Item": item}
	}
	return c
}

// runMachine runs the thread's machine from its current position to its
// end; it returns the output or the failure that ended it, with the
// thread's last events pending for the caller to commit with its end.
func (x *execution) runMachine(ctx context.Context, t *thread, def *asl.Definition) (any, *failure) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, x.stopped(err)
		}
		st, ok := def.States[t.rec.State]
		if !ok {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("the state %q is not in the definition", t.rec.State)}
		}
		r := x.runState(ctx, t, st)
		if r.fail != nil {
			return nil, r.fail
		}
		if r.end {
			return r.output, nil
		}
		t.rec.State, t.rec.Input, t.rec.Phase = r.next, r.output, PhaseEnter
		t.rec.Until, t.rec.Retries, t.rec.Attempt = time.Time{}, nil, 0
		if len(t.pending) >= maxPendingEvents {
			t.flush(nil) // written in the background; see flush
		}
	}
}

// stopped is the failure of a machine whose context ended.
func (x *execution) stopped(err error) *failure {
	if x.historyFull.Load() {
		return &failure{asl.ErrNameRuntime, fmt.Sprintf("The execution reached the maximum number of history events (%d).", x.r.opts.MaxHistoryEvents)}
	}
	if errors.Is(err, context.DeadlineExceeded) && !x.deadline.IsZero() {
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	return &failure{"States.Aborted", "The execution was stopped"}
}

// sleepUntil waits until the time on the execution's clock, failing with
// States.Timeout when the execution's deadline comes first.
func (x *execution) sleepUntil(ctx context.Context, until time.Time) *failure {
	clock := x.r.opts.Clock
	if !x.deadline.IsZero() && until.After(x.deadline) {
		if err := clock.Sleep(ctx, x.deadline.Sub(clock.Now())); err != nil {
			return x.stopped(err)
		}
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	if err := clock.Sleep(ctx, until.Sub(clock.Now())); err != nil {
		return x.stopped(err)
	}
	return nil
}

type stateResult struct {
	output any
	next   string
	end    bool
	fail   *failure
}

// runState runs the thread's current state, from the phase its record
// is in: entering it, or resuming its work, wait or retry.
func (x *execution) runState(ctx context.Context, t *thread, st *asl.State) stateResult {
	typ := string(st.Type)
	if t.rec.Phase == PhaseEnter {
		t.rec.Entered = x.r.opts.Clock.Now()
		t.rec.Phase, t.rec.Retries, t.rec.Attempt = PhaseRun, make([]int, len(st.Retry)), 0
		t.event(typ+"StateEntered", map[string]any{
			"name": st.Name, "input": x.encode(t.rec.Input), "inputDetails": map[string]any{"truncated": false},
		})
	}
	if len(t.rec.Retries) != len(st.Retry) {
		t.rec.Retries = make([]int, len(st.Retry))
	}
	s := &stateRun{x: x, t: t, st: st, raw: t.rec.Input, sc: t.scope, entered: t.rec.Entered}
	for _, n := range t.rec.Retries {
		s.retries += n
	}
	out, next, f := s.run(ctx)
	if f == nil {
		if n := x.size(out); n > x.r.opts.MaxPayloadBytes {
			f = &failure{asl.ErrNameDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit (%d bytes > %d)", st.Name, n, x.r.opts.MaxPayloadBytes)}
		}
	}
	if f != nil {
		return stateResult{fail: f}
	}
	if st.Type != asl.TypeFail {
		details := map[string]any{"name": st.Name, "output": x.encode(out), "outputDetails": map[string]any{"truncated": false}}
		if s.assigned != nil {
			details["assignedVariables"] = s.assigned
		}
		t.event(typ+"StateExited", details)
	}
	end := st.End || st.Type == asl.TypeSucceed
	if next == "" && !end && st.Type != asl.TypeChoice {
		end = true
	}
	return stateResult{output: out, next: next, end: end && next == ""}
}

// stateRun is one visit of a state by a thread.
type stateRun struct {
	x        *execution
	t        *thread
	st       *asl.State
	raw      any
	sc       *scope
	entered  time.Time
	retries  int
	assigned map[string]any // variables assigned, for the history
}

func (s *stateRun) scope(input any, item map[string]any) asl.Scope {
	return asl.Scope{Input: input, Context: s.x.contextObject(s.st, s.t.rec.ID, s.entered, s.retries, item), Var: s.sc.get}
}

// run computes the state's output and the next state's name.
func (s *stateRun) run(ctx context.Context) (out any, next string, f *failure) {
	st := s.st
	switch st.Type {
	case asl.TypeFail:
		return nil, "", s.fail()
	}
	effective, f := s.inputPath()
	if f != nil {
		return nil, "", f
	}
	switch st.Type {
	case asl.TypePass:
		result := effective
		if st.Parameters != nil {
			if result, f = s.template(st.Parameters, effective, "Parameters"); f != nil {
				return nil, "", f
			}
		}
		if st.HasResult {
			result = st.Result
		}
		return s.finish(result, result)
	case asl.TypeSucceed:
		out, f := s.outputPath(effective)
		return out, "", f
	case asl.TypeChoice:
		sc := s.scope(effective, nil)
		for i, rule := range st.Choices {
			ok, err := rule.Eval(sc)
			if err != nil {
				return nil, "", failureOf(err, asl.ErrNameRuntime)
			}
			if ok {
				if f := s.assign(st.ChoiceAssigns[i], effective); f != nil {
					return nil, "", f
				}
				out, f := s.outputPath(effective)
				return out, rule.Next, f
			}
		}
		if st.Default == "" {
			return nil, "", &failure{asl.ErrNameNoChoiceMatched, fmt.Sprintf("No Choice Rules in the state '%s' matched the input, and the state has no Default", st.Name)}
		}
		if f := s.assignState(effective); f != nil {
			return nil, "", f
		}
		out, f := s.outputPath(effective)
		return out, st.Default, f
	case asl.TypeWait:
		if f := s.wait(ctx, effective); f != nil {
			return nil, "", f
		}
		if f := s.assignState(effective); f != nil {
			return nil, "", f
		}
		out, f := s.outputPath(effective)
		return out, st.Next, f
	}
	// Task, Parallel and Map: parameters, attempts with Retry, Catch.
	t := s.t
	for {
		if t.rec.Phase == PhaseRetry {
			// Resumed, or just failed: wait for the retry's time.
			if sf := s.x.sleepUntil(ctx, t.rec.Until); sf != nil {
				return nil, "", sf
			}
			t.rec.Phase, t.rec.Until = PhaseRun, time.Time{}
		}
		// Each attempt has its own parameters: $$.State.RetryCount and
		// $$.Task.Token differ.
		params := effective
		if st.Parameters != nil {
			if params, f = s.template(st.Parameters, effective, "Parameters"); f != nil {
				return s.catch(f)
			}
		}
		result, f := s.attempt(ctx, params, effective)
		if f == nil {
			if st.ResultSelector != nil {
				if result, f = s.template(st.ResultSelector, result, "ResultSelector"); f != nil {
					return s.catch(f)
				}
			}
			return s.finish(result, result)
		}
		if ctx.Err() != nil {
			return nil, "", f
		}
		i := s.retrier(f.Name)
		if i < 0 || t.rec.Retries[i] >= st.Retry[i].MaxAttempts {
			return s.catch(f)
		}
		delay := retryDelay(st.Retry[i], t.rec.Retries[i])
		t.rec.Retries[i]++
		t.rec.Attempt++
		s.retries++
		t.rec.Phase, t.rec.Until = PhaseRetry, s.x.r.opts.Clock.Now().Add(delay)
		if err := t.commit(ctx, nil); err != nil {
			return nil, "", &failure{asl.ErrNameRuntime, err.Error()}
		}
	}
}

// retrier returns the first retrier whose ErrorEquals matches name.
func (s *stateRun) retrier(name string) int {
	for i, r := range s.st.Retry {
		if asl.ErrorMatches(r.ErrorEquals, name) {
			return i
		}
	}
	return -1
}

// retryDelay is the wait before retry number n+1 of r: IntervalSeconds
// times BackoffRate^n, capped by MaxDelaySeconds, with full jitter if
// asked.
func retryDelay(r asl.Retrier, n int) time.Duration {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(n))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	if r.JitterStrategy == "FULL" {
		secs = rand.Float64() * secs
	}
	return time.Duration(secs * float64(time.Second))
}

// catch applies the first matching catcher, or returns f.
func (s *stateRun) catch(f *failure) (any, string, *failure) {
	for _, c := range s.st.Catch {
		if !asl.ErrorMatches(c.ErrorEquals, f.Name) {
			continue
		}
		errOut := map[string]any{"Error": f.Name, "Cause": f.Cause}
		out, err := s.resultPath(c.ResultPath, errOut)
		if err != nil {
			return nil, "", failureOf(err, asl.ErrNameResultPathMatchFailure)
		}
		if af := s.assign(c.Assign, errOut); af != nil {
			return nil, "", af
		}
		return out, c.Next, nil
	}
	return nil, "", f
}

// finish applies Assign (on assignIn), ResultPath (merging result into
// the raw input) and OutputPath.
func (s *stateRun) finish(result, assignIn any) (any, string, *failure) {
	if f := s.assignState(assignIn); f != nil {
		return nil, "", f
	}
	merged, err := s.resultPath(s.st.ResultPath, result)
	if err != nil {
		return s.catch(failureOf(err, asl.ErrNameResultPathMatchFailure))
	}
	out, f := s.outputPath(merged)
	if f != nil {
		return nil, "", f
	}
	return out, s.st.Next, nil
}

var rootPath = asl.MustParsePath("$")

func (s *stateRun) resultPath(rp asl.OptionalPath, result any) (any, error) {
	switch {
	case !rp.Set:
		return asl.ApplyResultPath(s.raw, result, rootPath, false)
	case rp.Null:
		return asl.ApplyResultPath(s.raw, result, nil, true)
	}
	return asl.ApplyResultPath(s.raw, result, rp.Path, false)
}

func (s *stateRun) inputPath() (any, *failure) {
	ip := s.st.InputPath
	if !ip.Set {
		return s.raw, nil
	}
	out, err := asl.ApplyInputPath(s.raw, ip.Path, s.scope(s.raw, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameRuntime)
	}
	return out, nil
}

func (s *stateRun) outputPath(v any) (any, *failure) {
	op := s.st.OutputPath
	if !op.Set {
		return v, nil
	}
	out, err := asl.ApplyOutputPath(v, op.Path, s.scope(v, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameRuntime)
	}
	return out, nil
}

func (s *stateRun) template(t *asl.Template, input any, field string) (any, *failure) {
	out, err := t.Eval(s.scope(input, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameParameterPathFailure)
	}
	return out, nil
}

func (s *stateRun) assignState(input any) *failure {
	return s.assign(s.st.Assign, input)
}

// assign evaluates an Assign template on input and sets the variables.
func (s *stateRun) assign(t *asl.Template, input any) *failure {
	if t == nil {
		return nil
	}
	v, err := t.Eval(s.scope(input, nil))
	if err != nil {
		return failureOf(err, asl.ErrNameRuntime)
	}
	vals, ok := v.(map[string]any)
	if !ok {
		return &failure{asl.ErrNameRuntime, "Assign must give an object of variables"}
	}
	s.sc.setAll(vals)
	if s.assigned == nil {
		s.assigned = map[string]any{}
	}
	for k, val := range vals {
		s.assigned[k] = s.x.encode(val)
	}
	return nil
}

func (s *stateRun) fail() *failure {
	st := s.st
	sc := s.scope(s.raw, nil)
	read := func(static string, dyn asl.PathOrIntrinsic) (string, *failure) {
		var v any
		var err error
		switch {
		case dyn.Path != nil:
			v, err = dyn.Path.Select(sc)
		case dyn.Intrinsic != nil:
			v, err = dyn.Intrinsic.Eval(sc)
		default:
			return static, nil
		}
		if err != nil {
			return "", failureOf(err, asl.ErrNameRuntime)
		}
		str, ok := v.(string)
		if !ok {
			return "", &failure{asl.ErrNameRuntime, fmt.Sprintf("The Fail state '%s' got %s for its error or cause, not a string", st.Name, s.x.encode(v))}
		}
		return str, nil
	}
	errName, f := read(st.Error, st.ErrorPath)
	if f != nil {
		return f
	}
	cause, f := read(st.Cause, st.CausePath)
	if f != nil {
		return f
	}
	return &failure{errName, cause}
}

func (s *stateRun) wait(ctx context.Context, effective any) *failure {
	st, t := s.st, s.t
	clock := s.x.r.opts.Clock
	if t.rec.Phase != PhaseWait {
		var until time.Time
		switch {
		case st.Seconds.Path != nil:
			v, err := st.Seconds.Path.Select(s.scope(effective, nil))
			if err != nil {
				return failureOf(err, asl.ErrNameRuntime)
			}
			n, ok := v.(json.Number)
			secs, perr := n.Int64()
			if !ok || perr != nil || secs < 0 {
				return &failure{asl.ErrNameRuntime, fmt.Sprintf("The SecondsPath '%s' of the Wait state '%s' gave %s, not a non-negative integer", st.Seconds.Path, st.Name, s.x.encode(v))}
			}
			until = clock.Now().Add(time.Duration(secs) * time.Second)
		case st.Seconds.Set:
			until = clock.Now().Add(time.Duration(st.Seconds.Value) * time.Second)
		case st.HasTimestamp:
			until = st.Timestamp
		case st.TimestampPath != nil:
			v, err := st.TimestampPath.Select(s.scope(effective, nil))
			if err != nil {
				return failureOf(err, asl.ErrNameRuntime)
			}
			str, _ := v.(string)
			ts, terr := asl.ParseTimestamp(str)
			if terr != nil {
				return &failure{asl.ErrNameRuntime, fmt.Sprintf("The TimestampPath '%s' of the Wait state '%s' gave %s: %v", st.TimestampPath, st.Name, s.x.encode(v), terr)}
			}
			until = ts
		}
		if !until.After(clock.Now()) {
			return nil
		}
		// The timer is durable: a resumed execution waits for what is left.
		t.rec.Phase, t.rec.Until = PhaseWait, until
		if err := t.commit(ctx, nil); err != nil {
			return &failure{asl.ErrNameRuntime, err.Error()}
		}
	}
	return s.x.sleepUntil(ctx, t.rec.Until)
}

// attempt runs a Task, Parallel or Map once on its parameters.
func (s *stateRun) attempt(ctx context.Context, params, effective any) (any, *failure) {
	switch s.st.Type {
	case asl.TypeTask:
		return s.task(ctx, params, effective)
	case asl.TypeParallel:
		return s.parallel(ctx, params)
	case asl.TypeMap:
		return s.mapItems(ctx, effective)
	}
	return nil, &failure{asl.ErrNameRuntime, "unknown state type " + string(s.st.Type)}
}
