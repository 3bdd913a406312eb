package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTriggers stores triggers on a lake prefix, a crawler's success and
// failed queries, fires them with poll (no server), and reads their
// history: objects present at creation never fire, each arrival and each
// state change fires once.
func TestTriggers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "states", "create", "echo", "--definition", writeDefinition(t, "StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n"))
	mustWeir(t, dir, "crawlers", "create", "raw", "--database", "lakehouse", "--target", "s3://raw/events/")
	mustWeir(t, dir, "lake", "mb", "s3://raw")
	putFile(t, dir, "s3://raw/events/old.json", `{"id": 1}`+"\n")

	out := mustWeir(t, dir, "triggers", "create", "landed", "--on", "lake:s3://raw/events/", "--target", "crawler:raw", "--debounce", "1h")
	if !strings.Contains(out, "trigger landed created: ENABLED on lake:s3://raw/events/") || !strings.Contains(out, "weir serve") {
		t.Errorf("create said %q", out)
	}
	mustWeir(t, dir, "triggers", "create", "crawled", "--on", "crawler:raw:SUCCEEDED", "--target", "state-machine:echo")
	mustWeir(t, dir, "triggers", "create", "failed", "--on", "query:FAILED", "--target", "state-machine:echo",
		"--input", `{"rule": "<aws.events.rule-name>", "event": <aws.events.event.json>}`)

	if out := mustWeir(t, dir, "triggers", "poll"); !strings.Contains(out, "nothing was due") {
		t.Errorf("poll with nothing new:\n%s", out)
	}
	putFile(t, dir, "s3://raw/events/day=1/new.json", `{"id": 2}`+"\n")
	if out := mustWeir(t, dir, "triggers", "poll"); !strings.Contains(out, "nothing was due") {
		t.Errorf("poll inside the debounce fired:\n%s", out)
	}
	out = squash(mustWeir(t, dir, "triggers", "poll", "--flush"))
	for _, want := range []string{"landed", "STARTED", "1 object(s) under s3://raw/events/", "raw@"} {
		if !strings.Contains(out, want) {
			t.Errorf("poll --flush does not show %q:\n%s", want, out)
		}
	}
	// The crawl ended during that poll: the next one sees it.
	out = squash(mustWeir(t, dir, "triggers", "poll"))
	for _, want := range []string{"crawled", "STARTED", "Glue Crawler State Change raw Succeeded", "arn:aws:states:us-east-1:000000000000:execution:echo:crawled-"} {
		if !strings.Contains(out, want) {
			t.Errorf("poll does not show %q:\n%s", want, out)
		}
	}
	if out := mustWeir(t, dir, "triggers", "poll", "--flush"); !strings.Contains(out, "nothing was due") {
		t.Errorf("an event fired twice:\n%s", out)
	}

	if _, _, code := weir(t, dir, "", "query", "SELECT * FROM lakehouse.nope"); code == 0 {
		t.Fatal("a query of a missing table succeeded")
	}
	var poll struct {
		Runs []struct{ Trigger, Status, RunId, EventId string }
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "triggers", "poll", "-o", "json")), &poll); err != nil || len(poll.Runs) != 1 {
		t.Fatalf("poll -o json: %+v %v", poll, err)
	}
	fired := poll.Runs[0]
	if fired.Trigger != "failed" || fired.Status != "STARTED" || !strings.Contains(fired.RunId, ":execution:echo:failed-") {
		t.Errorf("poll -o json = %+v", fired)
	}
	var x struct{ Input string }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "describe", fired.RunId, "-o", "json")), &x); err != nil {
		t.Fatalf("describe: %v", err)
	}
	var in struct {
		Rule  string
		Event struct {
			DetailType string `json:"detail-type"`
			Detail     struct{ CurrentState string }
		}
	}
	if err := json.Unmarshal([]byte(x.Input), &in); err != nil || in.Rule != "failed" || in.Event.DetailType != "Athena Query State Change" || in.Event.Detail.CurrentState != "FAILED" {
		t.Errorf("execution input %s: %v", x.Input, err)
	}

	hist := squash(mustWeir(t, dir, "triggers", "history", "landed"))
	if !strings.Contains(hist, "STARTED") || !strings.Contains(hist, "1 object(s)") {
		t.Errorf("history:\n%s", hist)
	}
	list := squash(mustWeir(t, dir, "triggers", "list"))
	for _, want := range []string{"NAME", "crawled ENABLED crawler:raw:SUCCEEDED state-machine:echo", "failed ENABLED query:FAILED", "landed ENABLED lake:s3://raw/events/ crawler:raw"} {
		if !strings.Contains(list, want) {
			t.Errorf("list does not show %q:\n%s", want, list)
		}
	}
	var got struct {
		Name, State, Arn string
		EventSource      string
		Batch            struct{ Debounce, MaxWait string }
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "triggers", "get", "landed", "-o", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Arn != "arn:aws:events:us-east-1:000000000000:rule/landed" || got.EventSource != "lake:s3://raw/events/" || got.Batch.Debounce != "1h0m0s" {
		t.Errorf("get -o json = %+v", got)
	}

	// Disabled, a trigger drops what happens; enabled, it fires again
	// on what happens from then on.
	mustWeir(t, dir, "triggers", "disable", "landed")
	putFile(t, dir, "s3://raw/events/day=2/a.json", `{"id": 3}`+"\n")
	if out := mustWeir(t, dir, "triggers", "poll", "--flush"); strings.Contains(out, "landed") {
		t.Errorf("a disabled trigger fired:\n%s", out)
	}
	mustWeir(t, dir, "triggers", "enable", "landed")
	if out := mustWeir(t, dir, "triggers", "poll", "--flush"); strings.Contains(out, "landed") {
		t.Errorf("objects landed while disabled fired:\n%s", out)
	}
	mustWeir(t, dir, "triggers", "delete", "landed")
	_, stderr, code := weir(t, dir, "", "triggers", "get", "landed")
	if code == 0 || !strings.Contains(stderr, "trigger landed does not exist") {
		t.Errorf("get of a deleted trigger: exit %d, %s", code, stderr)
	}
}

// TestTriggersBadInput checks the errors of create.
func TestTriggersBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no on", []string{"x", "--target", "crawler:raw"}, "give the trigger's --on SOURCE and --target TARGET"},
		{"bad on", []string{"x", "--on", "lake:s3://raw/in", "--target", "crawler:raw"}, "does not end in '/'"},
		{"bad state", []string{"x", "--on", "execution:etl:DONE", "--target", "crawler:raw"}, "want one or more of SUCCEEDED, FAILED, TIMED_OUT, ABORTED"},
		{"bad target", []string{"x", "--on", "query:FAILED", "--target", "lambda:f"}, "unknown kind"},
		{"debounce on state", []string{"x", "--on", "query:FAILED", "--target", "crawler:raw", "--debounce", "5s"}, "apply to lake sources only"},
		{"bad input", []string{"x", "--on", "query:FAILED", "--target", "state-machine:etl", "--input", "{"}, "not JSON"},
		{"bad name", []string{"a b", "--on", "query:FAILED", "--target", "crawler:raw"}, "trigger name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := weir(t, dir, "", append([]string{"triggers", "create"}, tc.args...)...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want an error with %q", code, stderr, tc.want)
			}
		})
	}
}
