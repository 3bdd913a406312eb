package workflow

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

// TestMapRuns reads the Map Runs of an execution whose distributed Map
// tolerates a failed child, and whose children run a distributed Map of
// their own: each run counts its own children only.
func TestMapRuns(t *testing.T) {
	def, err := asl.Parse([]byte(`{"StartAt": "Outer", "States": {"Outer": {"Type": "Map", "End": true, "MaxConcurrency": 1,
		"ItemsPath": "$.groups", "ToleratedFailureCount": 1, "Label": "Groups",
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "Check", "States": {
			"Check": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "IsPresent": true, "Next": "Bad"}], "Default": "Inner"},
			"Bad": {"Type": "Fail", "Error": "Bad.Group"},
			"Inner": {"Type": "Map", "ItemsPath": "$.items", "End": true,
				"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	input := map[string]any{"groups": []any{
		map[string]any{"items": []any{json.Number("1"), json.Number("2")}},
		map[string]any{"bad": true},
		map[string]any{"items": []any{json.Number("3")}},
	}}
	res, err := NewRunner(Options{}).Run(context.Background(), def, input, ExecutionInfo{Name: "x", Machine: "m"})
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("%+v %v", res, err)
	}
	runs := MapRuns(res.ARN, res.Events)
	if len(runs) != 3 {
		t.Fatalf("%d map runs: %+v", len(runs), runs)
	}
	outer := runs[0]
	if outer.Status != MapRunSucceeded || outer.ExecutionCounts != (MapRunCounts{Succeeded: 2, Failed: 1, Total: 3}) ||
		outer.StateMachineArn != "arn:aws:states:us-east-1:000000000000:stateMachine:m/Groups" || outer.ExecutionArn != res.ARN ||
		outer.StopDate == nil || outer.StartDate.IsZero() {
		t.Errorf("outer run: %+v", outer)
	}
	for i, want := range []int{2, 1} {
		in := runs[i+1]
		if in.Status != MapRunSucceeded || in.ExecutionCounts != (MapRunCounts{Succeeded: want, Total: want}) ||
			in.StateMachineArn != "arn:aws:states:us-east-1:000000000000:stateMachine:m/Inner" {
			t.Errorf("inner run %d: %+v", i, in)
		}
	}
}

// TestMapRunsCutShort: a run without its end event in the history of an
// ended execution was aborted with it; in a running one it runs.
func TestMapRunsCutShort(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	history := []Event{
		{ID: 1, Type: "ExecutionStarted", Timestamp: at},
		{ID: 2, PreviousEventID: 1, Type: "MapStateEntered", Timestamp: at},
		{ID: 3, PreviousEventID: 2, Type: "MapRunStarted", Timestamp: at, Details: map[string]any{"mapRunArn": "arn:aws:states:us-east-1:1:mapRun:m/M:abc"}},
		{ID: 4, PreviousEventID: 3, Type: "MapIterationStarted", Timestamp: at},
		{ID: 5, PreviousEventID: 3, Type: "MapIterationStarted", Timestamp: at},
		{ID: 6, PreviousEventID: 4, Type: "PassStateEntered", Timestamp: at},
		{ID: 7, PreviousEventID: 6, Type: "MapIterationSucceeded", Timestamp: at},
	}
	runs := MapRuns("x", history)
	if len(runs) != 1 || runs[0].Status != MapRunRunning || runs[0].ExecutionCounts != (MapRunCounts{Running: 1, Succeeded: 1, Total: 2}) || runs[0].StopDate != nil {
		t.Fatalf("running: %+v", runs)
	}
	end := at.Add(time.Minute)
	history = append(history, Event{ID: 8, PreviousEventID: 5, Type: "ExecutionAborted", Timestamp: end})
	runs = MapRuns("x", history)
	if len(runs) != 1 || runs[0].Status != MapRunAborted || runs[0].ExecutionCounts != (MapRunCounts{Aborted: 1, Succeeded: 1, Total: 2}) ||
		runs[0].StopDate == nil || !runs[0].StopDate.Equal(end) || runs[0].StateMachineArn != "arn:aws:states:us-east-1:1:stateMachine:m/M" {
		t.Fatalf("aborted: %+v", runs)
	}
	if got := MapRuns("x", nil); got == nil || len(got) != 0 {
		t.Errorf("no history: %#v", got)
	}
}
