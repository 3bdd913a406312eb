package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// Inflight is the set of executions running in this process, shared
	// by its runners so that none runs an execution another is running;
	// nil gives the runner a set of its own.
	Inflight *Inflight
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
	if opts.Inflight == nil {
		opts.Inflight = NewInflight()
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
	// After waiting for another run of the execution, the execution is
	// read afresh: it has ended, or that run stopped with its process's
	// ctx and this one takes over.
	release, err := r.opts.Inflight.acquire(ctx, arn)
	if err != nil {
		return nil, err
	}
	defer release()
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
