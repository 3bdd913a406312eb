package workflow

import (
	"strings"
	"time"
)

// MapRun is one run of a distributed Map state, as Step Functions'
// ListMapRuns and DescribeMapRun tell of it, read from its execution's
// history: each Map Run starts with a MapRunStarted event, and every
// event whose previousEventId leads back to it, before one that starts
// another, is of that run.
type MapRun struct {
	MapRunArn    string `json:"mapRunArn"`
	ExecutionArn string `json:"executionArn"`
	// StateMachineArn is the Map Run's own, the parent's followed by
	// /Label (or /StateName), as AWS names it.
	StateMachineArn string     `json:"stateMachineArn"`
	Status          string     `json:"status"` // RUNNING, SUCCEEDED, FAILED or ABORTED
	StartDate       time.Time  `json:"startDate"`
	StopDate        *time.Time `json:"stopDate,omitempty"`
	// ExecutionCounts count the run's child executions (one per item, or
	// per batch with an ItemBatcher) that have started so far: children
	// not yet started are not counted, as the history does not hold the
	// number of items.
	ExecutionCounts MapRunCounts `json:"executionCounts"`
	Error           string       `json:"error,omitempty"`
	Cause           string       `json:"cause,omitempty"`
}

// MapRunCounts count a Map Run's child executions by status.
type MapRunCounts struct {
	Running   int `json:"running"`
	Succeeded int `json:"succeeded"`
	Failed    int `json:"failed"`
	Aborted   int `json:"aborted"`
	Total     int `json:"total"`
}

// The statuses of a Map Run.
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// MapRuns reads the Map Runs of an execution from its history, in the
// order they started. A run with no end event in the history of an
// execution that has ended was cut short with it: ABORTED when the
// execution ended.
func MapRuns(executionARN string, history []Event) []MapRun {
	runs := []MapRun{}
	runOf := map[int64]int{} // event id → index in runs, for the events of a run
	enclosing := []int{}     // by run: the run it runs in (a child's own distributed Map), or -1
	var ended *Event
	for i := range history {
		ev := &history[i]
		if ev.Type == "MapRunStarted" {
			arn, _ := ev.Details["mapRunArn"].(string)
			outer, ok := runOf[ev.PreviousEventID]
			if !ok {
				outer = -1
			}
			runOf[ev.ID] = len(runs)
			enclosing = append(enclosing, outer)
			runs = append(runs, MapRun{MapRunArn: arn, ExecutionArn: executionARN, StateMachineArn: mapRunMachine(arn),
				Status: MapRunRunning, StartDate: stamp(ev.Timestamp)})
			continue
		}
		switch ev.Type {
		case "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted":
			ended = ev
		}
		r, ok := runOf[ev.PreviousEventID]
		if !ok {
			continue
		}
		run := &runs[r]
		c := &run.ExecutionCounts
		switch ev.Type {
		case "MapIterationStarted":
			c.Total++
			c.Running++
		case "MapIterationSucceeded":
			c.Running--
			c.Succeeded++
		case "MapIterationFailed":
			c.Running--
			c.Failed++
		case "MapIterationAborted":
			c.Running--
			c.Aborted++
		case "MapRunSucceeded", "MapRunFailed":
			run.Status = MapRunSucceeded
			if ev.Type == "MapRunFailed" {
				run.Status = MapRunFailed
				run.Error, _ = ev.Details["error"].(string)
				run.Cause, _ = ev.Details["cause"].(string)
			}
			stop := stamp(ev.Timestamp)
			run.StopDate = &stop
			// The run's last event: what follows is its state's, in the
			// run that state runs in, if any.
			if outer := enclosing[r]; outer >= 0 {
				runOf[ev.ID] = outer
			}
			continue
		}
		runOf[ev.ID] = r
	}
	for i := range runs {
		run := &runs[i]
		if run.Status != MapRunRunning || ended == nil {
			continue
		}
		run.Status = MapRunAborted
		stop := stamp(ended.Timestamp)
		run.StopDate = &stop
		run.ExecutionCounts.Aborted += run.ExecutionCounts.Running
		run.ExecutionCounts.Running = 0
	}
	return runs
}

// mapRunMachine is the state machine ARN of a Map Run's ARN
// (arn:…:mapRun:MACHINE/LABEL:ID → arn:…:stateMachine:MACHINE/LABEL).
func mapRunMachine(arn string) string {
	i := strings.Index(arn, ":mapRun:")
	j := strings.LastIndex(arn, ":")
	if i < 0 || j <= i+len(":mapRun:") {
		return ""
	}
	return arn[:i] + ":stateMachine:" + arn[i+len(":mapRun:"):j]
}

// stamp is an event's time as the API gives times: UTC, to the
// millisecond.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
