package function

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Runtimes: how a function's code runs.
const (
	// RuntimeCommand runs Command with /bin/sh -c.
	RuntimeCommand = "command"
	// RuntimePython runs Handler of the Python module Module with
	// python3, through the embedded adapter.
	RuntimePython = "python3"
)

// Timeout bounds, in seconds. The default is Lambda's; Lambda's maximum
// is 900 s, but a local function may run a long batch job, so weir allows
// a day.
const (
	DefaultTimeout = 3
	MaxTimeout     = 86400
	// DefaultHandler is the Python handler called when none is given.
	DefaultHandler = "handle"
)

// Function is a user function's definition, with Lambda's field names
// where Lambda has the field.
type Function struct {
	Name    string `json:"FunctionName"`
	Runtime string `json:"Runtime"`
	// Command is the shell command of a command function.
	Command string `json:"Command,omitempty"`
	// Module is the absolute path of a Python function's module file;
	// Handler the function in it to call.
	Module  string `json:"Module,omitempty"`
	Handler string `json:"Handler,omitempty"`
	// Timeout is in seconds.
	Timeout int `json:"Timeout"`
	// Environment is added to the environment weir runs with.
	Environment map[string]string `json:"Environment,omitempty"`
	// WorkDir is the absolute directory the function runs in.
	WorkDir      string    `json:"WorkingDirectory,omitempty"`
	Description  string    `json:"Description,omitempty"`
	CreateTime   time.Time `json:"CreateTime"`
	LastModified time.Time `json:"LastModified"`
}

// Clone returns a deep copy of f.
func (f *Function) Clone() *Function {
	c := *f
	c.Environment = maps.Clone(f.Environment)
	return &c
}

// Errors. They match their errs.Kind with errors.Is.
var (
	ErrFunctionNotFound = errs.E("", errs.NotFound, errors.New("ResourceNotFoundException: function does not exist"))
	ErrFunctionExists   = errs.E("", errs.Exists, errors.New("ResourceConflictException: function already exists"))
)

var (
	nameRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	envKeyRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	handlerRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ValidName reports whether name is a function name Lambda accepts:
// 1 to 64 letters, digits, hyphens and underscores.
func ValidName(name string) error {
	if !nameRE.MatchString(name) {
		return errs.Errorf("function.ValidName", errs.Invalid,
			"the function name %q must be 1 to 64 letters, digits, hyphens (-) and underscores (_)", name)
	}
	return nil
}

// Validate checks a definition without I/O.
func (f *Function) Validate() error {
	var problems []string
	if err := ValidName(f.Name); err != nil {
		problems = append(problems, errs.Message(err))
	}
	switch f.Runtime {
	case RuntimeCommand:
		if strings.TrimSpace(f.Command) == "" {
			problems = append(problems, "a command function needs a command (--command)")
		}
		if f.Module != "" || f.Handler != "" {
			problems = append(problems, "a command function has no Python module or handler")
		}
	case RuntimePython:
		if f.Module == "" {
			problems = append(problems, "a Python function needs its module file (--python)")
		}
		if !handlerRE.MatchString(f.Handler) {
			problems = append(problems, fmt.Sprintf("the handler %q must be the name of a Python function", f.Handler))
		}
		if f.Command != "" {
			problems = append(problems, "a Python function has no command")
		}
	default:
		problems = append(problems, fmt.Sprintf("the runtime %q must be %s or %s", f.Runtime, RuntimeCommand, RuntimePython))
	}
	if f.Timeout < 1 || f.Timeout > MaxTimeout {
		problems = append(problems, fmt.Sprintf("the timeout %d must be from 1 to %d seconds", f.Timeout, MaxTimeout))
	}
	for _, k := range slices.Sorted(maps.Keys(f.Environment)) {
		if !envKeyRE.MatchString(k) {
			problems = append(problems, fmt.Sprintf("the environment variable name %q must be a letter followed by letters, digits and underscores", k))
		}
	}
	if len(f.Description) > 256 {
		problems = append(problems, "the description must be at most 256 characters")
	}
	if len(problems) > 0 {
		return errs.Errorf("function.Validate", errs.Invalid, "%s", strings.Join(problems, "; "))
	}
	return nil
}
