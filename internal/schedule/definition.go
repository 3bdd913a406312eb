package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Definition is a stored schedule: what the user wrote (name, expression,
// time zone, window, target, input and policies) and what the scheduler
// keeps between runs (state, last fire time, the previous run, queued
// fire times). Store implementations keep it whole.
type Definition struct {
	Name        string    `json:"Name"`
	Expression  string    `json:"ScheduleExpression"`
	TimeZone    string    `json:"ScheduleExpressionTimezone,omitempty"`
	Start       time.Time `json:"StartDate,omitzero"`
	End         time.Time `json:"EndDate,omitzero"`
	State       State     `json:"State"`
	Target      Target    `json:"Target"`
	Input       string    `json:"Input,omitempty"` // JSON text; see Target
	Overlap     Overlap   `json:"OverlapPolicy"`
	CatchUp     CatchUp   `json:"CatchUpPolicy"`
	Description string    `json:"Description,omitempty"`
	Created     time.Time `json:"CreationDate"`
	Updated     time.Time `json:"LastModificationDate"`

	// Since is when the schedule was created, last enabled or last had
	// its timetable changed: fire times before it are never run nor
	// counted as missed.
	Since time.Time `json:"Since"`
	// LastFire is the latest fire time the scheduler has handled
	// (started, skipped, queued or counted as missed). It is durable so
	// that a restarted scheduler neither fires a time twice nor misses
	// one beyond the catch-up policy.
	LastFire time.Time `json:"LastFireTime,omitzero"`
	// LastRunID is the run the schedule started last (an execution ARN,
	// a query id, a crawl), which the overlap policy asks about.
	LastRunID string `json:"LastRunId,omitempty"`
	// Queued are fire times waiting for the previous run to end
	// (overlap policy queue), oldest first.
	Queued []time.Time `json:"Queued,omitempty"`
}

// Clone returns a deep copy of d.
func (d *Definition) Clone() *Definition {
	c := *d
	c.Queued = append([]time.Time(nil), d.Queued...)
	if len(c.Queued) == 0 {
		c.Queued = nil
	}
	return &c
}

// Spec returns the timetable part of d for [New].
func (d *Definition) Spec() Spec {
	return Spec{Expression: d.Expression, TimeZone: d.TimeZone, Start: d.Start, End: d.End, Created: d.Created}
}

// Limits on names and policies.
const (
	// MaxNameLength is EventBridge Scheduler's limit on schedule names.
	MaxNameLength = 64
	// MaxQueued is how many fire times the queue overlap policy keeps
	// waiting; later ones are skipped.
	MaxQueued = 10
	// HistoryLimit is how many runs a Store keeps per schedule; older
	// ones are dropped.
	HistoryLimit = 1000
)

var nameRE = regexp.MustCompile(`^[0-9A-Za-z_.-]+$`)

// ValidateName checks a schedule name as EventBridge Scheduler does: 1
// to 64 letters, digits, '.', '-' and '_'.
func ValidateName(name string) error {
	if len(name) == 0 || len(name) > MaxNameLength || !nameRE.MatchString(name) {
		return errs.Errorf("schedule", errs.Invalid, "schedule name %q: want 1 to %d letters, digits, '.', '-' or '_'", name, MaxNameLength)
	}
	return nil
}

// Validate checks everything a user gives (name, timetable, target,
// input, policies) without I/O. Errors are [errs.Invalid].
func (d *Definition) Validate() error {
	if err := ValidateName(d.Name); err != nil {
		return err
	}
	if _, err := New(d.Spec()); err != nil {
		return err
	}
	if err := d.Target.validate(); err != nil {
		return err
	}
	// The input is JSON once its context attributes are filled in.
	if err := d.Target.checkInput(expandInput(d.Input, Fire{Schedule: d.Name, FireTime: d.Created})); err != nil {
		return err
	}
	if _, err := ParseOverlap(string(d.Overlap)); err != nil {
		return err
	}
	if _, err := ParseCatchUp(string(d.CatchUp)); err != nil {
		return err
	}
	switch d.State {
	case StateEnabled, StateDisabled, StateCompleted:
	default:
		return errs.Errorf("schedule", errs.Invalid, "state %q: want ENABLED or DISABLED", d.State)
	}
	return nil
}

// TargetKind is what a schedule starts.
type TargetKind string

// The target kinds, as written before the colon of a target.
const (
	TargetStateMachine TargetKind = "state-machine" // an execution of a stored state machine
	TargetCrawler      TargetKind = "crawler"       // a crawl
	TargetQuery        TargetKind = "query"         // an Athena query execution
	TargetFunction     TargetKind = "function"      // an asynchronous invocation of a function
)

// Target is what a schedule starts: written state-machine:NAME,
// crawler:NAME, function:NAME or query:SQL. For a query, Name is the
// SQL text.
type Target struct {
	Kind TargetKind `json:"Kind"`
	Name string     `json:"Name"` // the machine, the crawler, the function, or the SQL of a query
}

// String returns the target as it is written: kind:name.
func (t Target) String() string { return string(t.Kind) + ":" + t.Name }

// targetHelp says how to write a target.
const targetHelp = "want state-machine:NAME, crawler:NAME, function:NAME or query:SQL"

// ParseTarget reads a target written kind:name, such as
// state-machine:etl, crawler:raw, function:load or query:SELECT 1. The SQL of a query
// target is taken as it is, colons and all.
func ParseTarget(s string) (Target, error) {
	kind, name, ok := strings.Cut(s, ":")
	if !ok {
		return Target{}, errs.Errorf("schedule", errs.Invalid, "target %q: %s", s, targetHelp)
	}
	t := Target{Kind: TargetKind(strings.TrimSpace(kind)), Name: name}
	if t.Kind != TargetQuery {
		t.Name = strings.TrimSpace(name)
	}
	if err := t.validate(); err != nil {
		return Target{}, err
	}
	return t, nil
}

func (t Target) validate() error {
	switch t.Kind {
	case TargetStateMachine, TargetCrawler, TargetFunction:
		if t.Name == "" || strings.ContainsAny(t.Name, " \t\n") {
			return errs.Errorf("schedule", errs.Invalid, "target %q: the %s name is missing or has spaces: %s", t.String(), t.Kind, targetHelp)
		}
	case TargetQuery:
		if strings.TrimSpace(t.Name) == "" {
			return errs.Errorf("schedule", errs.Invalid, "target %q: the query is empty: write query:SQL, e.g. query:SELECT 1", t.String())
		}
	default:
		return errs.Errorf("schedule", errs.Invalid, "target %q: unknown kind %q: %s", t.String(), t.Kind, targetHelp)
	}
	return nil
}

// checkInput checks that input suits the target: a state machine takes
// any JSON value (its execution input), so does a function (its event);
// a query takes an object with
// Athena's StartQueryExecution fields QueryExecutionContext.Database and
// ResultConfiguration.OutputLocation; a crawler takes none.
func (t Target) checkInput(input string) error {
	if strings.TrimSpace(input) == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(input), &v); err != nil {
		return errs.Errorf("schedule", errs.Invalid, "input is not JSON: %v", err)
	}
	switch t.Kind {
	case TargetCrawler:
		if m, ok := v.(map[string]any); !ok || len(m) != 0 {
			return errs.Errorf("schedule", errs.Invalid, "a crawler target takes no input: leave --input out")
		}
	case TargetQuery:
		if _, err := ParseQueryInput(input); err != nil {
			return err
		}
	}
	return nil
}

// QueryInput is the input of a query target: the parts of Athena's
// StartQueryExecution request other than the query string.
type QueryInput struct {
	Database       string
	OutputLocation string
}

// ParseQueryInput reads a query target's input:
// {"QueryExecutionContext": {"Database": "..."}, "ResultConfiguration":
// {"OutputLocation": "s3://..."}}, both parts optional; "" is no input.
func ParseQueryInput(input string) (QueryInput, error) {
	var q QueryInput
	if strings.TrimSpace(input) == "" {
		return q, nil
	}
	var in struct {
		QueryExecutionContext struct{ Database string }
		ResultConfiguration   struct{ OutputLocation string }
	}
	dec := json.NewDecoder(strings.NewReader(input))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return q, errs.Errorf("schedule", errs.Invalid,
			`query input %s: %v: want {"QueryExecutionContext": {"Database": "db"}, "ResultConfiguration": {"OutputLocation": "s3://bucket/prefix/"}}`, input, err)
	}
	return QueryInput{Database: in.QueryExecutionContext.Database, OutputLocation: in.ResultConfiguration.OutputLocation}, nil
}

// Overlap is what happens when a fire time comes while the schedule's
// previous run is still open.
type Overlap string

// The overlap policies.
const (
	OverlapSkip  Overlap = "skip"  // the fire time is skipped (the default)
	OverlapAllow Overlap = "allow" // the run starts anyway
	OverlapQueue Overlap = "queue" // the run starts when the previous one ends
)

// ParseOverlap reads an overlap policy; "" is skip.
func ParseOverlap(s string) (Overlap, error) {
	return parsePolicy(s, "overlap", "skip, allow or queue", OverlapSkip, OverlapAllow, OverlapQueue)
}

// parsePolicy reads one of a policy's values, case-insensitively; "" is
// the first value, the default.
func parsePolicy[T ~string](s, what, want string, values ...T) (T, error) {
	if s == "" {
		return values[0], nil
	}
	for _, v := range values {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	return "", errs.Errorf("schedule", errs.Invalid, "%s policy %q: want %s", what, s, want)
}

// CatchUp is what happens to fire times missed while no scheduler ran
// (weir serve was stopped, the machine slept).
type CatchUp string

// The catch-up policies.
const (
	CatchUpNone CatchUp = "none" // missed fire times are recorded as missed, nothing runs
	CatchUpOne  CatchUp = "one"  // the latest missed fire time runs (the default)
	CatchUpAll  CatchUp = "all"  // every missed fire time runs, up to MaxCatchUp
)

// ParseCatchUp reads a catch-up policy; "" is one.
func ParseCatchUp(s string) (CatchUp, error) {
	return parsePolicy(s, "catch-up", "none, one or all", CatchUpOne, CatchUpNone, CatchUpAll)
}

// State is a schedule's state.
type State string

// The schedule states. EventBridge Scheduler has ENABLED and DISABLED;
// weir adds COMPLETED for a schedule that will never fire again (an at()
// schedule that fired, a recurring one past its end).
const (
	StateEnabled   State = "ENABLED"
	StateDisabled  State = "DISABLED"
	StateCompleted State = "COMPLETED"
)

// Event is something that happens to a schedule.
type Event string

// The schedule events.
const (
	EventEnable   Event = "enable"   // the user enables it
	EventDisable  Event = "disable"  // the user disables it
	EventComplete Event = "complete" // its last fire time has been handled
	EventRearm    Event = "rearm"    // an update gave a completed schedule new fire times
)

// ErrInvalidTransition is an event the schedule state table does not
// allow from the current state.
var ErrInvalidTransition = errs.E("", errs.Conflict, errors.New("invalid schedule state transition"))

// transitions is the schedule state table: from each state, where each
// event leads. Enabling an enabled schedule and disabling a disabled one
// are allowed and change nothing, as UpdateSchedule is idempotent.
var transitions = map[State]map[Event]State{
	StateEnabled: {
		EventEnable:   StateEnabled,
		EventDisable:  StateDisabled,
		EventComplete: StateCompleted,
	},
	StateDisabled: {
		EventEnable:  StateEnabled,
		EventDisable: StateDisabled,
	},
	StateCompleted: {
		EventRearm:   StateEnabled,
		EventDisable: StateDisabled,
	},
}

// Apply returns the state ev leads to from s, or an error wrapping
// ErrInvalidTransition that leaves the state as it was.
func (s State) Apply(ev Event) (State, error) {
	if to, ok := transitions[s][ev]; ok {
		return to, nil
	}
	return s, fmt.Errorf("%w from %v: %v", ErrInvalidTransition, s, ev)
}

// RunStatus is what became of one fire time.
type RunStatus string

// The run statuses.
const (
	RunStarted RunStatus = "STARTED" // the target was started; RunID names the run
	RunSkipped RunStatus = "SKIPPED" // overlap policy skip: the previous run was open
	RunQueued  RunStatus = "QUEUED"  // overlap policy queue: waiting for the previous run
	RunMissed  RunStatus = "MISSED"  // no scheduler ran at the time; the catch-up policy did not run it
	RunFailed  RunStatus = "FAILED"  // the target could not be started
)

// Run is one fire time of a schedule and what became of it.
type Run struct {
	FireTime time.Time `json:"FireTime"`
	Status   RunStatus `json:"Status"`
	// RunID names what was started: an execution ARN, a query execution
	// id, or crawler:NAME@start-time.
	RunID string `json:"RunId,omitempty"`
	// Reason says why a fire time was skipped, missed or failed.
	Reason string `json:"Reason,omitempty"`
	// Time is when the scheduler handled the fire time (started it).
	Time time.Time `json:"Time"`
	// Late is set on runs started by the catch-up policy.
	Late bool `json:"Late,omitempty"`
}

// Sentinel errors of schedules.
var (
	ErrScheduleNotFound = errs.E("", errs.NotFound, errors.New("schedule does not exist"))
	ErrScheduleExists   = errs.E("", errs.Exists, errors.New("schedule already exists"))
)
