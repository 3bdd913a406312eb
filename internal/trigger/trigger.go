package trigger

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
)

// Trigger is a stored trigger (an EventBridge rule with one target):
// what the user wrote (name, event source, target, input, batching) and
// what the Engine keeps between polls (the cursor over the source, the
// pending batch, events due to fire). Store implementations keep it
// whole; a lake source's seen objects are kept apart (see Store).
type Trigger struct {
	Name        string          `json:"Name"`
	Source      Source          `json:"EventSource"`
	Target      schedule.Target `json:"Target"`
	Input       string          `json:"Input,omitempty"` // JSON template; see ExpandInput
	State       State           `json:"State"`
	Batch       Batch           `json:"Batch"`
	Description string          `json:"Description,omitempty"`
	Created     time.Time       `json:"CreationDate"`
	Updated     time.Time       `json:"LastModificationDate"`

	// Generation counts the times the trigger was primed (created,
	// enabled): the seen state of an older generation is not reused.
	Generation int64 `json:"Generation"`
	// Since is when the trigger was created or last enabled; events
	// before it do not fire it.
	Since time.Time `json:"Since"`
	// Cursor is how far the Engine has read a state-change source.
	Cursor Cursor `json:"Cursor"`
	// Pending counts a lake source's objects seen but not yet fired.
	Pending int `json:"PendingObjects,omitempty"`
	// BatchStart is when the oldest pending object was seen, and
	// LastArrival when the newest was; zero with none pending.
	BatchStart  time.Time `json:"BatchStart,omitzero"`
	LastArrival time.Time `json:"LastArrival,omitzero"`
	// Due are state-change events read from the source and not yet
	// fired, oldest first: kept durably between reading them and firing
	// them so that each fires once.
	Due []Due `json:"Due,omitempty"`
	// LastFire is the fire time of the latest firing; fire times of one
	// trigger strictly increase.
	LastFire time.Time `json:"LastFireTime,omitzero"`
}

// Cursor is how far a state-change source has been read.
type Cursor struct {
	// Seq is the sequence number of the newest query or execution seen.
	Seq int64 `json:"Seq,omitempty"`
	// Open are queries or executions seen while not yet ended.
	Open []string `json:"Open,omitempty"`
	// Crawl is the id of the latest crawl of a crawler source seen.
	Crawl string `json:"Crawl,omitempty"`
}

// Clone returns a deep copy of t.
func (t *Trigger) Clone() *Trigger {
	c := *t
	c.Source.States = append([]string(nil), t.Source.States...)
	c.Cursor.Open = append([]string(nil), t.Cursor.Open...)
	if len(c.Cursor.Open) == 0 {
		c.Cursor.Open = nil
	}
	c.Due = append([]Due(nil), t.Due...)
	if len(c.Due) == 0 {
		c.Due = nil
	}
	return &c
}

// Batch says how a lake source groups arrivals into firings: it fires
// once no object has arrived for Debounce, or when the batch holds Size
// objects, or when its oldest object has waited MaxWait.
type Batch struct {
	Debounce Duration `json:"Debounce"`
	Size     int      `json:"Size"`
	MaxWait  Duration `json:"MaxWait"`
}

// Defaults and limits of batches and names.
const (
	DefaultDebounce  = 10 * time.Second
	DefaultBatchSize = 1000
	DefaultMaxWait   = 5 * time.Minute
	// MaxBatchSize bounds Batch.Size: the keys of a batch go in one
	// target input.
	MaxBatchSize = 10000
	// MaxNameLength is EventBridge's limit on rule names.
	MaxNameLength = 64
	// HistoryLimit is how many runs a Store keeps per trigger.
	HistoryLimit = 1000
)

// withDefaults fills in the zero fields of b.
func (b Batch) withDefaults() Batch {
	if b.Debounce == 0 {
		b.Debounce = Duration(DefaultDebounce)
	}
	if b.Size == 0 {
		b.Size = DefaultBatchSize
	}
	if b.MaxWait == 0 {
		b.MaxWait = Duration(DefaultMaxWait)
	}
	return b
}

// Duration is a time.Duration written as text ("10s") in JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

var nameRE = regexp.MustCompile(`^[0-9A-Za-z_.-]+$`)

// ValidateName checks a trigger name as EventBridge checks rule names:
// 1 to 64 letters, digits, '.', '-' and '_'.
func ValidateName(name string) error {
	if len(name) == 0 || len(name) > MaxNameLength || !nameRE.MatchString(name) {
		return errs.Errorf("trigger", errs.Invalid, "trigger name %q: want 1 to %d letters, digits, '.', '-' or '_'", name, MaxNameLength)
	}
	return nil
}

// Validate checks what a user gives (name, source, target, input,
// batching, state) without I/O. Errors are errs.Invalid.
func (t *Trigger) Validate() error {
	if err := ValidateName(t.Name); err != nil {
		return err
	}
	if _, err := ParseSource(t.Source.String()); err != nil {
		return err
	}
	if _, err := schedule.ParseTarget(t.Target.String()); err != nil {
		return errs.Errorf("trigger", errs.Invalid, "target: %s", errs.Message(err))
	}
	if _, err := ExpandInput(t, sampleEvent(t)); err != nil {
		return err
	}
	b := t.Batch
	if b.Debounce < 0 || b.MaxWait < 0 || b.Size < 0 || b.Size > MaxBatchSize {
		return errs.Errorf("trigger", errs.Invalid, "batch: debounce %v, max wait %v and size %d must not be negative, and the size at most %d",
			time.Duration(b.Debounce), time.Duration(b.MaxWait), b.Size, MaxBatchSize)
	}
	if t.Source.Kind != SourceLake && (b != Batch{} && b != Batch{}.withDefaults()) {
		return errs.Errorf("trigger", errs.Invalid, "--debounce, --batch-size and --max-wait apply to lake sources only; %s fires once per event", t.Source.Kind)
	}
	switch t.State {
	case StateEnabled, StateDisabled:
	default:
		return errs.Errorf("trigger", errs.Invalid, "state %q: want ENABLED or DISABLED", t.State)
	}
	return nil
}

// State is a trigger's state, as EventBridge names a rule's.
type State string

// The trigger states.
const (
	StateEnabled  State = "ENABLED"
	StateDisabled State = "DISABLED"
)

// StateEvent is something that happens to a trigger.
type StateEvent string

// The trigger state events.
const (
	EventEnable  StateEvent = "enable"  // the user enables it: it is primed again
	EventDisable StateEvent = "disable" // the user disables it: its pending batch and due events are dropped
)

// ErrInvalidTransition is an event the trigger state table does not
// allow from the current state.
var ErrInvalidTransition = errs.E("", errs.Conflict, errors.New("invalid trigger state transition"))

// transitions is the trigger state table. Enabling an enabled trigger
// and disabling a disabled one change nothing, so both are allowed.
var transitions = map[State]map[StateEvent]State{
	StateEnabled:  {EventEnable: StateEnabled, EventDisable: StateDisabled},
	StateDisabled: {EventEnable: StateEnabled, EventDisable: StateDisabled},
}

// Apply returns the state ev leads to from s, or an error wrapping
// ErrInvalidTransition that leaves the state as it was.
func (s State) Apply(ev StateEvent) (State, error) {
	if to, ok := transitions[s][ev]; ok {
		return to, nil
	}
	return s, fmt.Errorf("%w from %v: %v", ErrInvalidTransition, s, ev)
}

// RunStatus is what became of one firing.
type RunStatus string

// The run statuses.
const (
	RunStarted RunStatus = "STARTED" // the target was started; RunID names the run
	RunFailed  RunStatus = "FAILED"  // the target could not be started; Reason says why
)

// Run is one firing of a trigger and what became of it.
type Run struct {
	// FireTime is the firing's time: when its batch began, or when its
	// event happened (made strictly increasing per trigger).
	FireTime time.Time `json:"FireTime"`
	Status   RunStatus `json:"Status"`
	// RunID names what was started: an execution ARN, a query execution
	// id, or crawler@start-time.
	RunID  string `json:"RunId,omitempty"`
	Reason string `json:"Reason,omitempty"`
	// Time is when the Engine fired it.
	Time time.Time `json:"Time"`
	// EventID is the id of the event (the object batch) passed.
	EventID string `json:"EventId"`
	// Objects counts a lake batch's objects.
	Objects int `json:"Objects,omitempty"`
	// Summary says what happened in a few words: "3 objects under
	// s3://raw/in/", "crawler raw SUCCEEDED".
	Summary string `json:"Summary"`
}

// Sentinel errors of triggers.
var (
	ErrTriggerNotFound = errs.E("", errs.NotFound, errors.New("trigger does not exist"))
	ErrTriggerExists   = errs.E("", errs.Exists, errors.New("trigger already exists"))
)

// ARN returns the trigger's ARN in weir's account, as EventBridge names
// rules of the default event bus.
func ARN(name string) string { return "arn:aws:events:us-east-1:000000000000:rule/" + name }
