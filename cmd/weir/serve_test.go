package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/httpapi"
)

// startServe starts 'weir serve' on a random loopback port and returns
// the process and a client of it.
func startServe(t *testing.T, dir string, env []string, args ...string) (*proc, *apiclient.Client) {
	t.Helper()
	p := startWeir(t, dir, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	re := regexp.MustCompile(`listening on http://([0-9.:]+)`)
	var addr string
	waitFor(t, time.Minute, "weir serve to listen", func() bool {
		if p.exited() {
			_, stderr, code := p.wait(t)
			t.Fatalf("weir serve exited %d:\n%s", code, stderr)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if m := re.FindStringSubmatch(p.out.String()); m != nil {
			addr = m[1]
		}
		return addr != ""
	})
	return p, apiclient.New(addr, apiclient.Options{})
}

// TestServeBinary runs the real weir serve: the API answers, CLI verbs
// become its clients instead of failing with "locked", and SIGTERM stops
// it cleanly.
func TestServeBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "P"}, "P": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "nap", "--definition", def)
	p, c := startServe(t, dir, nil)
	ctx := context.Background()

	// The CLI talks to the server.
	stdout, stderr, code := weir(t, dir, "", "executions", "start", "nap", "--name", "cli", "--input", `{"wait": 0}`, "--wait", "-o", "json")
	wantRun(t, "executions start --wait through the server", stdout, stderr, code, 0, "in weir serve at")
	if !strings.Contains(stdout, `"status":"SUCCEEDED"`) {
		t.Errorf("start --wait: %s", stdout)
	}
	mustWeir(t, dir, "executions", "start", "nap", "--name", "long", "--input", `{"wait": 3600}`)
	if out := mustWeir(t, dir, "executions", "describe", "nap:long", "-o", "json"); !strings.Contains(out, `"status":"RUNNING"`) {
		t.Errorf("describe: %s", out)
	}
	if out := mustWeir(t, dir, "executions", "stop", "nap:long"); out != "execution nap:long ABORTED\n" {
		t.Errorf("stop: %q", out)
	}
	stdout, stderr, code = weir(t, dir, "", "executions", "describe", "nap:missing")
	wantRun(t, "describe a missing execution", stdout, stderr, code, 1, "ExecutionDoesNotExist")

	// The API sees what the CLI did.
	x, err := c.DescribeExecution(ctx, "nap:cli")
	if err != nil || x.Status != "SUCCEEDED" {
		t.Errorf("API describe: %+v %v", x, err)
	}
	if _, err := c.DescribeExecution(ctx, "nap:missing"); !errors.Is(err, errs.NotFound) {
		t.Errorf("API describe a missing execution: %v", err)
	}

	// A second server on the same directory is refused.
	stdout, stderr, code = weir(t, dir, "", "serve", "--addr", "127.0.0.1:0")
	wantRun(t, "a second weir serve", stdout, stderr, code, 3, "in use")

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := p.wait(t); code != 0 {
		t.Fatalf("weir serve after SIGTERM: exit %d\n%s", code, stderr)
	}
	// Without a server the verbs work in-process again.
	if out := mustWeir(t, dir, "executions", "describe", "nap:cli", "-o", "json"); !strings.Contains(out, `"status":"SUCCEEDED"`) {
		t.Errorf("describe after the server stopped: %s", out)
	}
}

// TestServeRestart kills weir serve with SIGKILL while an execution
// waits in a Wait state and a query runs; the next weir serve resumes
// the execution to its end and ends the query with a reason.
func TestServeRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "P"}, "P": {"Type": "Pass", "Result": "woke", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "nap", "--definition", def)
	p, c := startServe(t, dir, nil)
	ctx := context.Background()
	if _, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "nap", Name: "run"}); err != nil {
		t.Fatal(err)
	}
	id, err := c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: "SELECT count(*) FROM UNNEST(sequence(1, 10000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 10000)) AS b(y) CROSS JOIN UNNEST(sequence(1, 50)) AS c(z) WHERE (x * y + z) % 7 = 3"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the Wait state and the query to run", func() bool {
		h, err := c.ExecutionHistory(ctx, "nap:run", true, apiclient.Page{MaxResults: 1})
		q, qerr := c.GetQuery(ctx, id)
		return err == nil && qerr == nil && h.Events[0]["type"] == "WaitStateEntered" && q.State == "RUNNING"
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if _, _, code := p.wait(t); code != 137 {
		t.Fatalf("killed weir serve exited %d", code)
	}

	_, c = startServe(t, dir, nil)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	x, err := c.WaitExecution(wctx, "nap:run", 50*time.Millisecond)
	if err != nil || x.Status != "SUCCEEDED" || x.Output != "woke" {
		t.Fatalf("the execution after the restart: %+v %v", x, err)
	}
	q, err := c.WaitQuery(wctx, id, 0)
	if err != nil || !q.State.Terminal() || (q.State != "SUCCEEDED" && q.StateChangeReason == "") {
		t.Fatalf("the query after the restart: %+v %v", q, err)
	}
	h, err := c.ExecutionHistory(ctx, "nap:run", false, apiclient.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range h.Events {
		types = append(types, e["type"].(string))
	}
	if got := strings.Join(types, " "); got != "ExecutionStarted WaitStateEntered WaitStateExited PassStateEntered PassStateExited ExecutionSucceeded" {
		t.Errorf("history after the restart: %s", got)
	}
	b, _ := json.Marshal(q)
	t.Logf("query after the restart: %s", b)
}

// TestServeSchedulesFromTheCLI changes schedules with the CLI while a
// weir serve holds the data directory: the verbs go through its API.
func TestServeSchedulesFromTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "tick", "--definition", def)
	p := startWeir(t, dir, nil, "serve", "--addr", "127.0.0.1:0")
	waitFor(t, 30*time.Second, "weir serve to answer", func() bool {
		_, _, code := weir(t, dir, "", "schedules", "list")
		return code == 0 && strings.Contains(readFile(t, dir, "weir.lock"), `"address"`)
	})
	stdout := mustWeir(t, dir, "schedules", "create", "hourly", "--expression", "cron(0 * * * ? *)", "--target", "state-machine:tick")
	if !strings.Contains(stdout, "schedule hourly created: ENABLED") {
		t.Errorf("create through the server: %s", stdout)
	}
	mustWeir(t, dir, "schedules", "update", "hourly", "--description", "every hour")
	mustWeir(t, dir, "schedules", "disable", "hourly")
	stdout = mustWeir(t, dir, "schedules", "get", "hourly", "-o", "json")
	if !strings.Contains(stdout, `"DISABLED"`) || !strings.Contains(stdout, "every hour") {
		t.Errorf("after update and disable: %s", stdout)
	}
	mustWeir(t, dir, "schedules", "delete", "hourly")
	if _, stderr, code := weir(t, dir, "", "schedules", "get", "hourly"); code == 0 {
		t.Errorf("get after delete: exit 0, %s", stderr)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if _, _, code := p.wait(t); code != 0 {
		t.Errorf("weir serve exited %d after SIGTERM", code)
	}
}

// TestServeRestartSchedules kills weir serve with SIGKILL before a
// schedule's fire time and again right after it fired: the fire time
// that passed while no server ran fires once, late, and is never fired
// twice.
func TestServeRestartSchedules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "tick", "--definition", def)
	at := time.Now().UTC().Add(3 * time.Second)
	mustWeir(t, dir, "schedules", "create", "once", "--expression", "at("+at.Format("2006-01-02T15:04:05")+")", "--target", "state-machine:tick")

	kill := func(p *proc) {
		t.Helper()
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if _, _, code := p.wait(t); code != 137 {
			t.Fatalf("killed weir serve exited %d", code)
		}
	}
	runs := func(c *apiclient.Client) []string {
		h, err := c.ScheduleHistory(context.Background(), "once", apiclient.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range h.Runs {
			out = append(out, string(r.Status))
		}
		return out
	}

	// Down before the fire time, up after it.
	p, c := startServe(t, dir, nil)
	if n := runs(c); len(n) != 0 {
		t.Fatalf("runs before the fire time: %v", n)
	}
	kill(p)
	time.Sleep(time.Until(at.Add(time.Second)))
	p, c = startServe(t, dir, nil)
	waitFor(t, 30*time.Second, "the missed fire time to run", func() bool { return len(runs(c)) > 0 })
	// Killed right after it fired, the next server does not fire it again.
	kill(p)
	_, c = startServe(t, dir, nil)
	time.Sleep(time.Second)
	if got := runs(c); len(got) != 1 || got[0] != "STARTED" {
		t.Fatalf("runs after two restarts: %v, want one STARTED", got)
	}
	x, err := c.ListExecutions(context.Background(), "tick", "", apiclient.Page{})
	if err != nil || len(x.Executions) != 1 {
		t.Fatalf("executions of the scheduled machine: %+v %v", x, err)
	}
}

// TestServeTriggersFromTheCLI changes triggers with the CLI while a weir
// serve holds the data directory, and lets the server fire one: objects
// put through the CLI (which goes through the server too) start a state
// machine.
func TestServeTriggersFromTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "load", "--definition", def)
	mustWeir(t, dir, "lake", "mb", "s3://raw")
	p, c := startServe(t, dir, nil)
	stdout := mustWeir(t, dir, "triggers", "create", "landed", "--on", "lake:s3://raw/in/", "--target", "state-machine:load", "--debounce", "1s")
	if !strings.Contains(stdout, "trigger landed created: ENABLED") {
		t.Errorf("create through the server: %s", stdout)
	}
	if _, err := c.PutObject(context.Background(), "raw", "in/a.json", strings.NewReader("{}")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the trigger to fire", func() bool {
		out, _, code := weir(t, dir, "", "executions", "list", "--machine", "load")
		return code == 0 && strings.Contains(out, "SUCCEEDED")
	})
	mustWeir(t, dir, "triggers", "disable", "landed")
	if out := mustWeir(t, dir, "triggers", "get", "landed", "-o", "json"); !strings.Contains(out, `"DISABLED"`) {
		t.Errorf("after disable: %s", out)
	}
	mustWeir(t, dir, "triggers", "delete", "landed")
	p.cmd.Process.Signal(syscall.SIGTERM)
	if _, _, code := p.wait(t); code != 0 {
		t.Errorf("weir serve exited %d after SIGTERM", code)
	}
}

// TestServeLakeFromTheCLI runs the lake verbs while a weir serve holds
// the data directory: they go through its API and print what they print
// in process.
func TestServeLakeFromTheCLI(t *testing.T) {
	t.Parallel()
	local := filepath.Join(t.TempDir(), "src")
	for _, f := range []string{"a.json", "sub/b.json"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(local, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(local, f), []byte(`{"f": "`+f+`"}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	session := func(dir string) []string {
		var outs []string
		for _, args := range [][]string{
			{"lake", "mb", "s3://raw"},
			{"lake", "cp", "--recursive", local, "s3://raw/in/"},
			{"lake", "ls", "s3://raw/in/"},
			{"lake", "cat", "s3://raw/in/sub/b.json"},
			{"lake", "rm", "s3://raw/in/a.json"},
			{"lake", "ls", "--recursive", "s3://raw/"},
			{"lake", "rb", "--force", "s3://raw"},
			{"lake", "ls"},
		} {
			out := mustWeir(t, dir, args...)
			// Listing times differ between runs: keep names and sizes.
			out = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`).ReplaceAllString(out, "TIME")
			outs = append(outs, out)
		}
		return outs
	}
	want := session(t.TempDir())
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "ls") // creates the directory
	p, _ := startServe(t, dir, nil)
	got := session(dir)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d through the server:\n%s\nin process:\n%s", i, got[i], want[i])
		}
	}
	if _, stderr, code := weir(t, dir, "", "lake", "cat", "s3://nope/x"); code == 0 || !strings.Contains(stderr, "bucket") {
		t.Errorf("cat of a missing bucket through the server: exit %d, %s", code, stderr)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t)
}
