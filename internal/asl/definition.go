package asl

import (
	"fmt"
	"strings"
	"time"
)

// Definition is a parsed and validated state machine, or one branch of a
// Parallel state or the item processor of a Map state.
type Definition struct {
	Comment string
	StartAt string
	// TimeoutSeconds bounds a whole execution (top level only); zero
	// means no bound beyond the service's (one year).
	TimeoutSeconds int
	// States by name, and Names in the order the definition lists them.
	States map[string]*State
	Names  []string
	// Warnings are the problems that do not stop the definition from
	// running (AWS's NO_DOLLAR, NO_PATH, PASS_RESULT_IS_STATIC).
	Warnings []Diagnostic
}

// StateType is the Type of a state.
type StateType string

// The state types.
const (
	TypePass     StateType = "Pass"
	TypeTask     StateType = "Task"
	TypeChoice   StateType = "Choice"
	TypeWait     StateType = "Wait"
	TypeSucceed  StateType = "Succeed"
	TypeFail     StateType = "Fail"
	TypeParallel StateType = "Parallel"
	TypeMap      StateType = "Map"
)

// OptionalPath is a path field that may be absent (its default applies),
// null (AWS's special meaning: discard), or a path.
type OptionalPath struct {
	Set  bool  // the field is present
	Null bool  // present with the value null
	Path *Path // present with a path
}

// PathOrIntrinsic is a field that takes a path or an intrinsic function
// call (Fail's ErrorPath and CausePath).
type PathOrIntrinsic struct {
	Path      *Path
	Intrinsic *Intrinsic
}

// IntOrPath is a numeric field with a ...Path variant (TimeoutSeconds,
// MaxConcurrency, ...): Path is set when the path variant is used.
type IntOrPath struct {
	Set   bool
	Value int
	Path  *Path
}

// FloatOrPath is ToleratedFailurePercentage and its Path variant.
type FloatOrPath struct {
	Set   bool
	Value float64
	Path  *Path
}

// State is one state of a definition. Which fields mean something
// depends on Type.
type State struct {
	Name    string
	Type    StateType
	Comment string
	// Next names the following state; End marks a terminal state.
	Next string
	End  bool

	InputPath, OutputPath, ResultPath OptionalPath
	Parameters, ResultSelector        *Template
	// Assign is the Assign field (variables), nil if absent.
	Assign *Template
	Retry  []Retrier
	Catch  []Catcher

	// Pass.
	Result    any
	HasResult bool

	// Task.
	Resource         string
	TimeoutSeconds   IntOrPath
	HeartbeatSeconds IntOrPath
	// Credentials is the raw Credentials field (not used locally).
	Credentials any

	// Choice: the rules, each rule's compiled Assign (nil if none),
	// and Default.
	Choices       []*ChoiceRule
	ChoiceAssigns []*Template
	Default       string

	// Wait: exactly one of the four.
	Seconds       IntOrPath
	Timestamp     time.Time
	HasTimestamp  bool
	TimestampPath *Path

	// Fail.
	Error, Cause         string
	ErrorPath, CausePath PathOrIntrinsic

	// Parallel.
	Branches []*Definition

	// Map.
	ItemsPath                  OptionalPath
	ItemSelector               *Template
	ItemProcessor              *Definition
	ProcessorMode              string // INLINE or DISTRIBUTED
	ExecutionType              string // STANDARD or EXPRESS (distributed)
	MaxConcurrency             IntOrPath
	ToleratedFailureCount      IntOrPath
	ToleratedFailurePercentage FloatOrPath
	// ItemReader, ItemBatcher and ResultWriter are kept raw, with their
	// templates compiled: the workflow package interprets them.
	ItemReader   map[string]any
	ItemBatcher  map[string]any
	ResultWriter map[string]any
	Label        string
}

// Retrier is one element of a Retry field.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds int     // default 1
	MaxAttempts     int     // default 3
	BackoffRate     float64 // default 2.0
	MaxDelaySeconds int     // 0: no cap
	JitterStrategy  string  // FULL or NONE (default)
}

// Catcher is one element of a Catch field.
type Catcher struct {
	ErrorEquals []string
	Next        string
	ResultPath  OptionalPath
	Assign      *Template
}

// Diagnostic is one problem found in a definition, in the shape of AWS's
// ValidateStateMachineDefinition diagnostics.
type Diagnostic struct {
	Severity string `json:"severity"` // ERROR or WARNING
	Code     string `json:"code"`     // SCHEMA_VALIDATION_FAILED, MISSING_TRANSITION_TARGET, ...
	Message  string `json:"message"`
	// Location is a JSON pointer into the definition: /States/Check/Next.
	Location string `json:"location"`
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s at %s", d.Code, d.Message, d.Location)
}

// ValidationError reports every error found in a definition.
type ValidationError struct {
	Diagnostics []Diagnostic // errors first, in definition order; then warnings
}

func (e *ValidationError) Error() string {
	var errs []string
	for _, d := range e.Diagnostics {
		if d.Severity != "WARNING" {
			errs = append(errs, d.String())
		}
	}
	if len(errs) == 1 {
		return "invalid state machine definition: " + errs[0]
	}
	return fmt.Sprintf("invalid state machine definition (%d problems): %s", len(errs), strings.Join(errs, "; "))
}

// Parse reads a state machine definition, in JSON or YAML, and validates
// it. A definition with errors gives a *ValidationError listing all of
// them; warnings are kept in Definition.Warnings.
func Parse(data []byte) (*Definition, error) {
	def, diags := Validate(data)
	var errs []Diagnostic
	for _, d := range diags {
		if d.Severity != "WARNING" {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Diagnostics: diags}
	}
	return def, nil
}

// Validate reads and checks a definition and returns every problem found,
// errors before warnings. The definition is nil when there are errors.
func Validate(data []byte) (*Definition, []Diagnostic) {
	doc, diag := decodeDefinition(data)
	if diag != nil {
		diag.Severity = "ERROR"
		return nil, []Diagnostic{*diag}
	}
	v := &validator{doc: doc, names: map[string]string{}}
	def := v.machine(doc.root.(map[string]any), "", true)
	v.checkAssigns()
	var errs, warns []Diagnostic
	for _, d := range v.diags {
		if d.Severity == "WARNING" {
			warns = append(warns, d)
		} else {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, append(errs, warns...)
	}
	def.Warnings = warns
	return def, warns
}
