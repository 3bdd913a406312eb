// Package workflowtest holds the conformance suite every workflow.Store
// must pass.
package workflowtest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/workflow"
)

// RunStore checks a Store: executions are created once per ARN, with
// their first checkpoint; commits append events in id order and replace
// threads; an end sets the status through the transition table; stop
// requests and redrives follow Step Functions' rules. It also runs a
// machine through a Runner on the store and resumes it.
func RunStore(t *testing.T, newStore func(t *testing.T) workflow.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	exec := func(name string) *workflow.Execution {
		return &workflow.Execution{ARN: "arn:aws:states:us-east-1:000000000000:execution:m:" + name, Name: name, Machine: "m",
			Status: workflow.StatusRunning, Input: map[string]any{"n": json.Number("1")}, StartDate: now, Definition: "{}"}
	}
	first := func() *workflow.Checkpoint {
		return &workflow.Checkpoint{
			Events:  []workflow.Event{{ID: 1, Timestamp: now, Type: "ExecutionStarted", Details: map[string]any{"input": `{"n":1}`}}},
			Threads: []*workflow.Thread{{ID: "root", State: "A", Phase: workflow.PhaseEnter, Input: map[string]any{"n": json.Number("1")}, PrevEventID: 1}},
		}
	}

	t.Run("CreateOnce", func(t *testing.T) {
		s := newStore(t)
		e := exec("once")
		if _, created, err := s.CreateExecution(ctx, e, first()); err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		old, created, err := s.CreateExecution(ctx, e, first())
		if err != nil || created || old == nil || old.ARN != e.ARN {
			t.Fatalf("second create: %v %v %+v", created, err, old)
		}
		h, err := s.History(ctx, e.ARN)
		if err != nil || len(h) != 1 || h[0].Type != "ExecutionStarted" || h[0].Details["input"] != `{"n":1}` {
			t.Fatalf("history: %v %+v", err, h)
		}
		got, err := s.GetExecution(ctx, e.ARN)
		if err != nil || got.Status != workflow.StatusRunning || got.Input.(map[string]any)["n"] != json.Number("1") {
			t.Fatalf("get: %v %+v", err, got)
		}
		if _, err := s.GetExecution(ctx, "arn:nope"); !errors.Is(err, workflow.ErrExecutionDoesNotExist) {
			t.Errorf("missing execution: %v", err)
		}
	})

	t.Run("CommitAndEnd", func(t *testing.T) {
		s := newStore(t)
		e := exec("commit")
		if _, _, err := s.CreateExecution(ctx, e, first()); err != nil {
			t.Fatal(err)
		}
		c := &workflow.Checkpoint{
			Events: []workflow.Event{
				{ID: 2, PreviousEventID: 1, Timestamp: now, Type: "PassStateEntered", Details: map[string]any{"name": "A"}},
				{ID: 3, PreviousEventID: 2, Timestamp: now, Type: "PassStateExited", Details: map[string]any{"name": "A"}},
			},
			Threads: []*workflow.Thread{{ID: "root", State: "B", Phase: workflow.PhaseWait, Until: now.Add(time.Hour), PrevEventID: 3,
				Vars: map[string]any{"x": json.Number("2")}}},
		}
		if err := s.Commit(ctx, e.ARN, c); err != nil {
			t.Fatal(err)
		}
		threads, err := s.Threads(ctx, e.ARN)
		if err != nil || len(threads) != 1 || threads[0].State != "B" || threads[0].Phase != workflow.PhaseWait ||
			!threads[0].Until.Equal(now.Add(time.Hour)) || threads[0].Vars["x"] != json.Number("2") {
			t.Fatalf("threads: %v %+v", err, threads)
		}
		end := &workflow.Checkpoint{
			Events:  []workflow.Event{{ID: 4, PreviousEventID: 3, Timestamp: now, Type: "ExecutionSucceeded"}},
			Threads: []*workflow.Thread{{ID: "root", Phase: workflow.PhaseDone, PrevEventID: 4}},
			End:     &workflow.Execution{Status: workflow.StatusSucceeded, Output: "done", StopDate: now.Add(time.Minute)},
		}
		if err := s.Commit(ctx, e.ARN, end); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetExecution(ctx, e.ARN)
		if got.Status != workflow.StatusSucceeded || got.Output != "done" || !got.StopDate.Equal(now.Add(time.Minute)) {
			t.Fatalf("after the end: %+v", got)
		}
		h, _ := s.History(ctx, e.ARN)
		if len(h) != 4 || h[3].ID != 4 || h[3].PreviousEventID != 3 {
			t.Fatalf("history: %+v", h)
		}
		// A succeeded execution cannot end again or be redriven.
		if err := s.Commit(ctx, e.ARN, &workflow.Checkpoint{End: &workflow.Execution{Status: workflow.StatusFailed}}); err == nil {
			t.Error("a succeeded execution ended again")
		}
		if err := s.Redrive(ctx, e.ARN, &workflow.Checkpoint{}); !errors.Is(err, workflow.ErrExecutionNotRedrivable) {
			t.Errorf("redrive of a success: %v", err)
		}
	})

	t.Run("StopAndRedrive", func(t *testing.T) {
		s := newStore(t)
		e := exec("stop")
		if _, _, err := s.CreateExecution(ctx, e, first()); err != nil {
			t.Fatal(err)
		}
		if err := s.RequestStop(ctx, e.ARN, "enough"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetExecution(ctx, e.ARN); !got.StopRequested || got.StopCause != "enough" {
			t.Fatal("stop not requested")
		}
		if err := s.Commit(ctx, e.ARN, &workflow.Checkpoint{End: &workflow.Execution{Status: workflow.StatusFailed, Error: "E", Cause: "C"}}); err != nil {
			t.Fatal(err)
		}
		redrive := &workflow.Checkpoint{Threads: []*workflow.Thread{{ID: "root", State: "A", Phase: workflow.PhaseEnter, PrevEventID: 1}}}
		if err := s.Redrive(ctx, e.ARN, redrive); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetExecution(ctx, e.ARN)
		if got.Status != workflow.StatusRunning || got.RedriveCount != 1 || got.StopRequested || got.Error != "" {
			t.Fatalf("after a redrive: %+v", got)
		}
		if err := s.RequestStop(ctx, "arn:nope", ""); !errors.Is(err, workflow.ErrExecutionDoesNotExist) {
			t.Errorf("stop of a missing execution: %v", err)
		}
	})

	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		for i, name := range []string{"a", "b", "c"} {
			e := exec(name)
			e.StartDate = now.Add(time.Duration(i) * time.Second)
			if _, _, err := s.CreateExecution(ctx, e, first()); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Commit(ctx, exec("b").ARN, &workflow.Checkpoint{End: &workflow.Execution{Status: workflow.StatusFailed}}); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListExecutions(ctx, workflow.ListFilter{Machine: "m"})
		if err != nil || len(all) != 3 || all[0].Name != "c" {
			t.Fatalf("list: %v %d", err, len(all))
		}
		failed, _ := s.ListExecutions(ctx, workflow.ListFilter{Status: workflow.StatusFailed})
		if len(failed) != 1 || failed[0].Name != "b" {
			t.Fatalf("failed: %+v", failed)
		}
		if one, _ := s.ListExecutions(ctx, workflow.ListFilter{Limit: 1}); len(one) != 1 {
			t.Fatalf("limit: %d", len(one))
		}
	})

	t.Run("RunAndResume", func(t *testing.T) {
		s := newStore(t)
		r := workflow.NewRunner(workflow.Options{Store: s, Clock: workflow.NewVirtualClock()})
		src := `{"StartAt": "W", "States": {
			"W": {"Type": "Wait", "Seconds": 60, "Next": "P"},
			"P": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}`
		if _, err := asl.Parse([]byte(src)); err != nil {
			t.Fatal(err)
		}
		e, _, err := r.Create(ctx, src, map[string]any{"items": []any{json.Number("1"), json.Number("2")}}, workflow.ExecutionInfo{Name: "run", Machine: "m"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Resume(ctx, e.ARN)
		if err != nil || res.Status != workflow.StatusSucceeded {
			t.Fatalf("%v %+v", err, res)
		}
		b, _ := json.Marshal(res.Output)
		if string(b) != `[1,2]` {
			t.Errorf("output %s", b)
		}
		for i, ev := range res.Events {
			if ev.ID != int64(i+1) {
				t.Fatalf("event %d has id %d", i, ev.ID)
			}
		}
	})
	t.Run("TaskOutcomes", func(t *testing.T) {
		s := newStore(t)
		if o, err := s.TaskOutcome(ctx, "tok"); err != nil || o != nil {
			t.Fatalf("nothing sent: %+v %v", o, err)
		}
		hb := now.Add(time.Minute)
		if err := s.PutTaskOutcome(ctx, &workflow.TaskOutcome{Token: "tok", ExecutionARN: "arn:x", Heartbeat: hb}); err != nil {
			t.Fatal(err)
		}
		if o, err := s.TaskOutcome(ctx, "tok"); err != nil || o.Status != "" || !o.Heartbeat.Equal(hb) || o.ExecutionARN != "arn:x" {
			t.Fatalf("after a heartbeat: %+v %v", o, err)
		}
		err := s.PutTaskOutcome(ctx, &workflow.TaskOutcome{Token: "tok", ExecutionARN: "arn:x", Status: workflow.TaskOutcomeSucceeded,
			Output: map[string]any{"n": json.Number("12345678901234567890")}})
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.TaskOutcome(ctx, "tok")
		if err != nil || o.Status != workflow.TaskOutcomeSucceeded || !o.Heartbeat.Equal(hb) {
			t.Fatalf("after success: %+v %v", o, err)
		}
		if b, _ := json.Marshal(o.Output); string(b) != `{"n":12345678901234567890}` {
			t.Errorf("output %s", b)
		}
		for _, again := range []*workflow.TaskOutcome{
			{Token: "tok", ExecutionARN: "arn:x", Status: workflow.TaskOutcomeFailed, Error: "E"},
			{Token: "tok", ExecutionARN: "arn:x", Heartbeat: hb.Add(time.Minute)},
		} {
			if err := s.PutTaskOutcome(ctx, again); !errors.Is(err, workflow.ErrTaskDoesNotExist) {
				t.Errorf("%+v after success: %v", again, err)
			}
		}
		if err := s.PutTaskOutcome(ctx, &workflow.TaskOutcome{Token: "t2", ExecutionARN: "arn:x", Status: workflow.TaskOutcomeFailed, Error: "Bad", Cause: "why"}); err != nil {
			t.Fatal(err)
		}
		if o, err := s.TaskOutcome(ctx, "t2"); err != nil || o.Status != workflow.TaskOutcomeFailed || o.Error != "Bad" || o.Cause != "why" || o.Output != nil {
			t.Errorf("failure: %+v %v", o, err)
		}
	})
}
