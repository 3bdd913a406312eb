package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchedules stores schedules of the three target kinds, fires them
// with run-due, and reads their history.
func TestSchedules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "states", "create", "echo", "--definition", writeDefinition(t, "StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n"))
	mustWeir(t, dir, "crawlers", "create", "raw", "--database", "lakehouse", "--target", "s3://raw/events/")
	sqlFile := filepath.Join(t.TempDir(), "count.sql")
	if err := os.WriteFile(sqlFile, []byte("SELECT 42 AS answer\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	out := mustWeir(t, dir, "schedules", "create", "hourly", "--expression", "rate(1 hour)", "--target", "state-machine:echo",
		"--input", `{"at": "<aws.scheduler.scheduled-time>", "arn": "<aws.scheduler.schedule-arn>"}`)
	if !strings.Contains(out, "schedule hourly created: ENABLED; next fire time") || !strings.Contains(out, "weir serve") {
		t.Errorf("create said %q", out)
	}
	mustWeir(t, dir, "schedules", "create", "crawl", "--expression", "rate(1 day)", "--target", "crawler:raw", "--overlap", "queue", "--catch-up", "all")
	mustWeir(t, dir, "schedules", "create", "answer", "--expression", "rate(5 minutes)", "--target", "query:@"+sqlFile)
	mustWeir(t, dir, "schedules", "create", "nightly", "--expression", "cron(30 2 * * ? *)", "--timezone", "Europe/Brussels",
		"--target", "state-machine:echo", "--disabled", "--description", "night loads")

	list := squash(mustWeir(t, dir, "schedules", "list"))
	for _, want := range []string{"NAME", "NEXT FIRE TIME", "hourly ENABLED", "nightly DISABLED", "cron(30 2 * * ? *)", "Europe/Brussels", "query:SELECT 42 AS answer"} {
		if !strings.Contains(list, want) {
			t.Errorf("list does not show %q:\n%s", want, list)
		}
	}
	var got struct {
		Name          string
		State         string
		Arn           string
		NextFireTimes []string
		Target        struct{ Kind, Name string }
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "schedules", "get", "hourly", "-o", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Arn != "arn:aws:scheduler:us-east-1:000000000000:schedule/default/hourly" || len(got.NextFireTimes) != 5 || got.Target.Kind != "state-machine" {
		t.Errorf("get -o json = %+v", got)
	}
	text := squash(mustWeir(t, dir, "schedules", "get", "nightly"))
	if !strings.Contains(text, "State: DISABLED") || !strings.Contains(text, "NextFireTimes: none") {
		t.Errorf("get nightly:\n%s", text)
	}

	// The rate schedules are due at once (a rate counts from creation).
	due := mustWeir(t, dir, "schedules", "run-due")
	for _, want := range []string{"hourly", "crawl", "answer", "STARTED", "arn:aws:states:us-east-1:000000000000:execution:echo:hourly-", "raw@"} {
		if !strings.Contains(due, want) {
			t.Errorf("run-due does not show %q:\n%s", want, due)
		}
	}
	if due = squash(due); strings.Contains(due, "nightly") {
		t.Errorf("run-due fired a disabled schedule:\n%s", due)
	}
	if again := mustWeir(t, dir, "schedules", "run-due"); !strings.Contains(again, "nothing was due") {
		t.Errorf("second run-due:\n%s", again)
	}

	var history struct {
		Runs []struct{ FireTime, Status, RunId string }
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "schedules", "history", "hourly", "-o", "json")), &history); err != nil {
		t.Fatal(err)
	}
	runs := history.Runs
	if len(runs) != 1 || runs[0].Status != "STARTED" {
		t.Fatalf("history = %+v", runs)
	}
	// The execution ran to its end, with the context attributes filled in.
	x := mustWeir(t, dir, "executions", "describe", runs[0].RunId, "-o", "json")
	if !strings.Contains(x, `SUCCEEDED`) || !strings.Contains(x, strings.TrimSuffix(runs[0].FireTime[:19], "Z")) || !strings.Contains(x, "schedule/default/hourly") {
		t.Errorf("the scheduled execution:\n%s", x)
	}
	if c := mustWeir(t, dir, "crawlers", "get", "raw"); !strings.Contains(c, "READY") {
		t.Errorf("the scheduled crawl did not end:\n%s", c)
	}
	if h := mustWeir(t, dir, "schedules", "history", "answer"); !strings.Contains(h, "FIRE TIME") || !strings.Contains(h, "STARTED") {
		t.Errorf("history answer:\n%s", h)
	}

	mustWeir(t, dir, "schedules", "update", "hourly", "--expression", "cron(0 9 ? * MON-FRI *)", "--overlap", "allow")
	if g := squash(mustWeir(t, dir, "schedules", "get", "hourly")); !strings.Contains(g, "cron(0 9 ? * MON-FRI *)") || !strings.Contains(g, "Overlap: allow") || !strings.Contains(g, "LastRun: arn:") {
		t.Errorf("after update:\n%s", g)
	}
	mustWeir(t, dir, "schedules", "enable", "nightly")
	mustWeir(t, dir, "schedules", "disable", "hourly")
	mustWeir(t, dir, "schedules", "delete", "hourly")
	stdout, stderr, code := weir(t, dir, "", "schedules", "history", "hourly")
	wantRun(t, "history of a deleted schedule", stdout, stderr, code, 1, "schedule hourly does not exist")
}

func TestSchedulesErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "schedules", "create", "s", "--expression", "rate(1 hour)", "--target", "state-machine:etl")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"schedules", "create", "x", "--target", "crawler:raw"}, 2, "give the schedule's --expression and --target"},
		{[]string{"schedules", "create", "x", "--expression", "rate(1 hours)", "--target", "crawler:raw"}, 1, "write rate(1 hour)"},
		{[]string{"schedules", "create", "x", "--expression", "rate(1 hour)", "--target", "lambda:f"}, 2, `unknown kind "lambda"`},
		{[]string{"schedules", "create", "x", "--expression", "at(2020-01-01T00:00:00)", "--target", "crawler:raw"}, 1, "would never fire"},
		{[]string{"schedules", "create", "x", "--expression", "rate(1 hour)", "--target", "crawler:raw", "--overlap", "never"}, 1, "want skip, allow or queue"},
		{[]string{"schedules", "create", "x", "--expression", "rate(1 hour)", "--target", "crawler:raw", "--start", "tomorrow"}, 2, "want RFC 3339"},
		{[]string{"schedules", "create", "x", "--expression", "rate(1 hour)", "--target", "state-machine:etl", "--input", "{"}, 1, "input is not JSON"},
		{[]string{"schedules", "create", "s", "--expression", "rate(1 hour)", "--target", "state-machine:etl"}, 1, "schedule s already exists"},
		{[]string{"schedules", "get", "nope"}, 1, "schedule nope does not exist"},
		{[]string{"schedules", "list", "-o", "csv"}, 2, "must be table or json"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := weir(t, dir, "", tt.args...)
			wantRun(t, strings.Join(tt.args, " "), stdout, stderr, code, tt.code, tt.want)
		})
	}
	// A schedule whose state machine is missing records a failed run.
	out := mustWeir(t, dir, "schedules", "run-due")
	if !strings.Contains(out, "FAILED") || !strings.Contains(out, "state machine etl does not exist") {
		t.Errorf("run-due with a missing machine:\n%s", out)
	}
}

// squash replaces each run of white space in s by one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
