package query_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
)

var (
	allStates = []query.State{query.StateQueued, query.StateRunning, query.StateSucceeded, query.StateFailed, query.StateCancelled}
	allEvents = []query.Event{query.EventStart, query.EventSucceed, query.EventFail, query.EventCancel}
)

func TestTransition(t *testing.T) {
	type edge struct {
		from  query.State
		event query.Event
	}
	legal := map[edge]query.State{
		{query.StateQueued, query.EventStart}:    query.StateRunning,
		{query.StateQueued, query.EventCancel}:   query.StateCancelled,
		{query.StateQueued, query.EventFail}:     query.StateFailed,
		{query.StateRunning, query.EventSucceed}: query.StateSucceeded,
		{query.StateRunning, query.EventFail}:    query.StateFailed,
		{query.StateRunning, query.EventCancel}:  query.StateCancelled,
	}
	for _, from := range allStates {
		for _, ev := range allEvents {
			t.Run(fmt.Sprintf("%s %s", from, ev), func(t *testing.T) {
				got, err := query.Transition(from, ev)
				if want, ok := legal[edge{from, ev}]; ok {
					if err != nil || got != want {
						t.Errorf("Transition = %s, %v; want %s", got, err, want)
					}
					return
				}
				if !errors.Is(err, query.ErrInvalidTransition) || !errors.Is(err, errs.Conflict) {
					t.Fatalf("Transition = %s, %v; want ErrInvalidTransition", got, err)
				}
				if got != from {
					t.Errorf("state after an illegal event = %s, want %s (unchanged)", got, from)
				}
				if want := fmt.Sprintf("invalid state transition from %s: %s", from, ev); err.Error() != want {
					t.Errorf("error %q, want %q", err, want)
				}
			})
		}
	}
	t.Run("unknown state", func(t *testing.T) {
		if got, err := query.Transition("PAUSED", query.EventStart); !errors.Is(err, query.ErrInvalidTransition) || got != "PAUSED" {
			t.Errorf("Transition(PAUSED) = %s, %v", got, err)
		}
	})
}

func TestStateTerminal(t *testing.T) {
	want := map[query.State]bool{query.StateSucceeded: true, query.StateFailed: true, query.StateCancelled: true}
	for _, s := range allStates {
		if s.Terminal() != want[s] {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
		// A state is terminal exactly when no event leaves it.
		leaves := false
		for _, ev := range allEvents {
			if _, err := query.Transition(s, ev); err == nil {
				leaves = true
			}
		}
		if leaves == s.Terminal() {
			t.Errorf("%s: Terminal() = %v but an event leaves it: %v", s, s.Terminal(), leaves)
		}
	}
}

func TestExecutionClone(t *testing.T) {
	e := &query.Execution{ID: "a", Error: &query.AthenaError{ErrorMessage: "x"}}
	c := e.Clone()
	c.ID, c.Error.ErrorMessage = "b", "y"
	if e.ID != "a" || e.Error.ErrorMessage != "x" {
		t.Errorf("changing a clone changed the original: %+v %+v", e, e.Error)
	}
}
