package workflow

import (
	"errors"
	"fmt"
)

// Status is an execution's status, as Step Functions names it.
type Status string

// The execution statuses.
const (
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
)

// ErrInvalidTransition is returned for a status change the table does
// not allow.
var ErrInvalidTransition = errors.New("workflow: invalid execution status transition")

// transitions is the execution status table: an execution runs, then
// ends once; a failed, timed-out or aborted execution may be redriven,
// which makes it run again.
var transitions = map[Status][]Status{
	StatusRunning:   {StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted},
	StatusFailed:    {StatusRunning},
	StatusTimedOut:  {StatusRunning},
	StatusAborted:   {StatusRunning},
	StatusSucceeded: nil,
}

// Transition checks that an execution may go from one status to another
// and returns the new status.
func Transition(from, to Status) (Status, error) {
	for _, s := range transitions[from] {
		if s == to {
			return to, nil
		}
	}
	return from, fmt.Errorf("%w from %v: %v", ErrInvalidTransition, from, to)
}

// Terminal reports whether an execution in status s has ended.
func (s Status) Terminal() bool { return s != StatusRunning }
