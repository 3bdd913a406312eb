package workflow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Execution is one run of a state machine, as DescribeExecution shows it.
type Execution struct {
	ARN             string
	Name            string
	StateMachineARN string
	Machine         string // the state machine's name
	Definition      string // the definition it runs (a copy: updates do not change running executions)
	Status          Status
	Input           any
	Output          any
	Error, Cause    string
	StartDate       time.Time
	StopDate        time.Time
	RedriveCount    int
	// StopRequested asks the process running the execution to abort it
	// (StopExecution from another process), giving StopCause as the
	// abort's cause.
	StopRequested bool
	StopCause     string
}

// Phase is where a thread of an execution is within its current state.
type Phase string

// The phases of a thread.
const (
	PhaseEnter    Phase = "enter"    // about to enter State with Input
	PhaseRun      Phase = "run"      // State entered; its work (a task, branches) is under way
	PhaseWait     Phase = "wait"     // a Wait state, sleeping until Until
	PhaseRetry    Phase = "retry"    // a failed attempt, retrying at Until
	PhaseDone     Phase = "done"     // the thread's machine ended with Output
	PhaseFailed   Phase = "failed"   // the thread's machine failed with Error and Cause
	PhaseAborted  Phase = "aborted"  // stopped with the rest of the execution
	PhaseChildren Phase = "children" // a Parallel or Map state waiting for its branches or items
	PhaseCallback Phase = "callback" // a .waitForTaskToken task waiting for its token until Until (zero: no timeout)
)

// Thread is the durable position of one thread of an execution: the top
// level, a Parallel branch or a Map iteration. Each committed transition
// updates it together with the events it adds, so that an execution
// resumes after a crash from its last committed transition.
type Thread struct {
	ID          string // "root", or the parent's ID, "/", the state, "#", the redrive and the attempt, "/", the branch or item index
	Parent      string // "" for the root
	State       string
	Phase       Phase
	Input       any // the state's raw input
	Output      any
	Error       string
	Cause       string
	Until       time.Time // PhaseWait and PhaseRetry
	Entered     time.Time // when State was entered
	Retries     []int     // uses of each retrier of State so far
	Attempt     int       // attempts of State so far (Parallel and Map child IDs use it)
	PrevEventID int64     // the thread's last event
	Vars        map[string]any
	// Items are what a Map state's ItemReader read, kept while its items
	// run (see MapItems).
	Items *MapItems `json:",omitempty"`
	// Started and Stopped bound a distributed Map's child execution, for
	// its ResultWriter.
	Started time.Time `json:",omitzero"`
	Stopped time.Time `json:",omitzero"`
	// Submitted is when a callback task's integration returned: its
	// HeartbeatSeconds count from then until the first heartbeat.
	Submitted time.Time `json:",omitzero"`
	// Counted is how many of the thread's events count toward the
	// execution's MaxHistoryEvents (a distributed Map's child executions'
	// do not); their sum is the execution's count when it resumes.
	Counted int64 `json:",omitempty"`
}

// Checkpoint is what one committed transition writes: new events, the
// threads they moved, and, when the execution ends, its end.
type Checkpoint struct {
	Events  []Event
	Threads []*Thread
	End     *Execution // Status, Output, Error, Cause, StopDate set; nil while running
}

// ListFilter selects executions.
type ListFilter struct {
	Machine string // "" for all
	Status  Status // "" for all
	Limit   int    // 0 for all
}

// Store persists executions, their threads and history. The metastore
// implements it; MemStore keeps everything in memory.
type Store interface {
	// CreateExecution records a new execution with its first checkpoint.
	// An execution of the same machine with the same name exists already:
	// it returns that one and created=false.
	CreateExecution(ctx context.Context, e *Execution, first *Checkpoint) (existing *Execution, created bool, err error)
	// Commit writes a checkpoint atomically.
	Commit(ctx context.Context, arn string, c *Checkpoint) error
	GetExecution(ctx context.Context, arn string) (*Execution, error)
	ListExecutions(ctx context.Context, f ListFilter) ([]*Execution, error)
	History(ctx context.Context, arn string) ([]Event, error)
	Threads(ctx context.Context, arn string) ([]*Thread, error)
	// RequestStop marks a running execution to be aborted with cause.
	RequestStop(ctx context.Context, arn, cause string) error
	// Redrive moves a failed, timed-out or aborted execution back to
	// RUNNING with the given checkpoint (the threads to run again).
	Redrive(ctx context.Context, arn string, c *Checkpoint) error
	// PutTaskOutcome records what was sent for a callback task's token:
	// a heartbeat (Status "") sets its Heartbeat; a success or failure is
	// kept with the heartbeat before it. Once a success or failure is
	// recorded, the token takes nothing more: ErrTaskDoesNotExist.
	PutTaskOutcome(ctx context.Context, o *TaskOutcome) error
	// TaskOutcome returns what was sent for token, nil when nothing was.
	TaskOutcome(ctx context.Context, token string) (*TaskOutcome, error)
}

// ErrExecutionDoesNotExist is Step Functions' ExecutionDoesNotExist.
var ErrExecutionDoesNotExist = errs.E("", errs.NotFound, errors.New("ExecutionDoesNotExist: the execution does not exist"))

// ErrExecutionAlreadyExists is returned when a name is reused with a
// different input.
var ErrExecutionAlreadyExists = errs.E("", errs.Exists, errors.New("ExecutionAlreadyExists: an execution with this name exists with another input"))

// ErrExecutionClosed is ExecutionAlreadyExists for a start that names
// an execution that has ended.
var ErrExecutionClosed = errs.E("", errs.Exists, errors.New("ExecutionAlreadyExists: an execution with this name has ended, and a closed execution is not started again"))

// StartedAgain checks a start that found an execution of the same name
// and input (created false), as StartExecution does: while that
// execution runs, the start returns it; once it has ended, the start
// fails with ErrExecutionClosed.
func StartedAgain(x *Execution, created bool) error {
	if created || x.Status == StatusRunning {
		return nil
	}
	return fmt.Errorf("execution %s:%s ended %s: %w; give another name, or redrive it", x.Machine, x.Name, x.Status, ErrExecutionClosed)
}

// ErrExecutionNotRedrivable is returned for redriving an execution that
// did not fail.
var ErrExecutionNotRedrivable = errs.E("", errs.Conflict, errors.New("ExecutionNotRedrivable: only FAILED, TIMED_OUT and ABORTED executions can be redriven"))

// MemStore is a Store in memory, for executions that need not survive
// the process (weir states run) and for tests.
type MemStore struct {
	mu       sync.Mutex
	execs    map[string]*Execution
	events   map[string][]Event
	threads  map[string]map[string]*Thread
	outcomes map[string]TaskOutcome
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{execs: map[string]*Execution{}, events: map[string][]Event{}, threads: map[string]map[string]*Thread{},
		outcomes: map[string]TaskOutcome{}}
}

// CreateExecution implements Store.
func (m *MemStore) CreateExecution(ctx context.Context, e *Execution, first *Checkpoint) (*Execution, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.execs[e.ARN]; ok {
		c := *old
		return &c, false, nil
	}
	c := *e
	m.execs[e.ARN] = &c
	m.threads[e.ARN] = map[string]*Thread{}
	if err := m.apply(e.ARN, first); err != nil {
		return nil, false, err
	}
	return nil, true, nil
}

func (m *MemStore) apply(arn string, c *Checkpoint) error {
	if c.End != nil {
		if _, err := Transition(m.execs[arn].Status, c.End.Status); err != nil {
			return err
		}
	}
	m.events[arn] = append(m.events[arn], c.Events...)
	for _, t := range c.Threads {
		cp := *t
		m.threads[arn][t.ID] = &cp
	}
	if c.End != nil {
		e := m.execs[arn]
		e.Status, e.Output, e.Error, e.Cause, e.StopDate = c.End.Status, c.End.Output, c.End.Error, c.End.Cause, c.End.StopDate
		e.StopRequested = false
	}
	return nil
}

// Commit implements Store.
func (m *MemStore) Commit(ctx context.Context, arn string, c *Checkpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.execs[arn]; !ok {
		return ErrExecutionDoesNotExist
	}
	return m.apply(arn, c)
}

// GetExecution implements Store.
func (m *MemStore) GetExecution(ctx context.Context, arn string) (*Execution, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.execs[arn]
	if !ok {
		return nil, ErrExecutionDoesNotExist
	}
	c := *e
	return &c, nil
}

// ListExecutions implements Store: newest first.
func (m *MemStore) ListExecutions(ctx context.Context, f ListFilter) ([]*Execution, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Execution
	for _, e := range m.execs {
		if (f.Machine == "" || e.Machine == f.Machine) && (f.Status == "" || e.Status == f.Status) {
			c := *e
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartDate.After(out[j].StartDate) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// History implements Store.
func (m *MemStore) History(ctx context.Context, arn string) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.execs[arn]; !ok {
		return nil, ErrExecutionDoesNotExist
	}
	out := append([]Event(nil), m.events[arn]...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Threads implements Store.
func (m *MemStore) Threads(ctx context.Context, arn string) ([]*Thread, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Thread
	for _, t := range m.threads[arn] {
		c := *t
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// RequestStop implements Store.
func (m *MemStore) RequestStop(ctx context.Context, arn, cause string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.execs[arn]
	if !ok {
		return ErrExecutionDoesNotExist
	}
	if e.Status == StatusRunning {
		e.StopRequested, e.StopCause = true, cause
	}
	return nil
}

// Redrive implements Store.
func (m *MemStore) Redrive(ctx context.Context, arn string, c *Checkpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.execs[arn]
	if !ok {
		return ErrExecutionDoesNotExist
	}
	if _, err := Transition(e.Status, StatusRunning); err != nil {
		return ErrExecutionNotRedrivable
	}
	e.Status, e.StopRequested, e.RedriveCount = StatusRunning, false, e.RedriveCount+1
	e.Error, e.Cause, e.StopDate = "", "", time.Time{}
	return m.apply(arn, c)
}

// PutTaskOutcome implements Store.
func (m *MemStore) PutTaskOutcome(ctx context.Context, o *TaskOutcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.outcomes[o.Token]
	if ok && old.Status != "" {
		return ErrTaskDoesNotExist
	}
	next := *o
	next.Heartbeat = later(old.Heartbeat, o.Heartbeat)
	m.outcomes[o.Token] = next
	return nil
}

// TaskOutcome implements Store.
func (m *MemStore) TaskOutcome(ctx context.Context, token string) (*TaskOutcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.outcomes[token]
	if !ok {
		return nil, nil
	}
	return &o, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
