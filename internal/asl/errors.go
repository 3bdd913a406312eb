package asl

import (
	"errors"
	"fmt"
)

// Step Functions error names that the expression layer and the interpreter
// raise, and that Retry and Catch rules match.
const (
	ErrNameAll                    = "States.ALL"
	ErrNameDataLimitExceeded      = "States.DataLimitExceeded"
	ErrNameHeartbeatTimeout       = "States.HeartbeatTimeout"
	ErrNameTimeout                = "States.Timeout"
	ErrNameTaskFailed             = "States.TaskFailed"
	ErrNamePermissions            = "States.Permissions"
	ErrNameResultPathMatchFailure = "States.ResultPathMatchFailure"
	ErrNameParameterPathFailure   = "States.ParameterPathFailure"
	ErrNameBranchFailed           = "States.BranchFailed"
	ErrNameNoChoiceMatched        = "States.NoChoiceMatched"
	ErrNameIntrinsicFailure       = "States.IntrinsicFailure"
	ErrNameExceedToleratedFailure = "States.ExceedToleratedFailureThreshold"
	ErrNameItemReaderFailed       = "States.ItemReaderFailed"
	ErrNameResultWriterFailed     = "States.ResultWriterFailed"
	ErrNameQueryEvaluationError   = "States.QueryEvaluationError"
	ErrNameRuntime                = "States.Runtime"
	// ErrNameReferencePathConflict is what Step Functions reports when a
	// reference path such as ItemsPath cannot be applied to its input.
	ErrNameReferencePathConflict = "States.ReferencePathConflict"
)

// ErrPathNotFound reports that a path selected no node: a field that does not
// exist, an index out of range, a step into a value of the wrong type, or an
// undefined variable. [Path.Select] returns it wrapped with the details;
// callers test for it with errors.Is and turn it into the Step Functions
// error that fits the field (States.Runtime for InputPath, OutputPath and
// Choice rules, States.ParameterPathFailure for payload templates).
var ErrPathNotFound = errors.New("path not found")

// Error is a runtime failure carrying a Step Functions error name, such as
// States.Runtime or States.IntrinsicFailure, and a cause worded like AWS's.
// The interpreter reports both in the execution's history and matches the
// name against Retry and Catch rules.
type Error struct {
	Name, Cause string
}

// Error returns the name and the cause separated by a colon.
func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// newError returns an *Error named name whose cause is formatted from format
// and args.
func newError(name, format string, args ...any) *Error {
	return &Error{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// ErrorMatches reports whether a Retry or Catch rule's ErrorEquals list
// matches the error named name. States.ALL matches every error except
// States.DataLimitExceeded and States.Runtime, which are terminal;
// States.TaskFailed matches every error except States.Timeout and those two;
// any other entry matches by exact name.
func ErrorMatches(errorEquals []string, name string) bool {
	for _, e := range errorEquals {
		switch {
		case e == name:
			return true
		case name == ErrNameDataLimitExceeded || name == ErrNameRuntime:
			// Terminal errors match only by name.
		case e == ErrNameAll:
			return true
		case e == ErrNameTaskFailed && name != ErrNameTimeout:
			return true
		}
	}
	return false
}

// FieldError is a static problem found while compiling part of a state
// machine definition. Pointer is the JSON pointer (RFC 6901) of the offending
// value inside the definition, such as /States/Check/Choices/0/Next, and Msg
// says what is wrong and how to fix it.
type FieldError struct {
	Pointer, Msg string
}

// Error returns the pointer and the message separated by a colon.
func (e *FieldError) Error() string {
	if e.Pointer == "" {
		return e.Msg
	}
	return e.Pointer + ": " + e.Msg
}

// fieldErrorf returns a *FieldError at pointer with a formatted message.
func fieldErrorf(pointer, format string, args ...any) *FieldError {
	return &FieldError{Pointer: pointer, Msg: fmt.Sprintf(format, args...)}
}
