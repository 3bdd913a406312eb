package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The CLI verbs through a weir serve (STYLE rule 3): each runs on a data
// directory in-process and, for the same data, through a server —
// found in the lock file, or named by --endpoint from another directory
// — and must print the same.

// remote runs weir verbs three ways, each on its own data: in-process
// on local, through the weir serve holding served (found in its lock
// file), and with --endpoint from an empty directory, other, against a
// weir serve holding far.
type remote struct {
	local, served, far, other string
	url                       string   // far's server
	servedURL                 string   // served's server
	env                       []string // the clients' environment
}

// newRemote prepares each data directory with seed (in-process) and
// starts the servers.
func newRemote(t *testing.T, serveEnv []string, seed func(dir string)) *remote {
	t.Helper()
	r := &remote{local: t.TempDir(), served: t.TempDir(), far: t.TempDir(), other: t.TempDir(), env: serveEnv}
	if seed != nil {
		for _, dir := range []string{r.local, r.served, r.far} {
			seed(dir)
		}
	}
	_, sc := startServe(t, r.served, serveEnv)
	r.servedURL = sc.Base()
	_, c := startServe(t, r.far, serveEnv)
	r.url = c.Base()
	return r
}

// ids stands for what differs between two runs of the same verb: ids,
// times, durations.
var ids = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|"[A-Za-z_]*(Millis|_ms|DurationMillis)":\d+|\b\d+(\.\d+)? ?(µs|ms|s|min)\b|\b\d\d:\d\d:\d\d\.\d{3}\b`)

func normalize(s string) string { return ids.ReplaceAllString(s, "X") }

// run runs args every way and checks that each prints the same as
// in-process (up to ids and times) and exits the same; it returns the
// in-process output.
func (r *remote) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = weir(t, r.local, "", args...)
	for _, way := range []struct {
		name string
		dir  string
		args []string
	}{
		{"through the server holding the directory", r.served, args},
		{"with --endpoint", r.other, append([]string{"--endpoint", r.url}, args...)},
	} {
		o, e, c := weirEnv(t, way.dir, r.env, "", way.args...)
		if c != code || normalize(o) != normalize(stdout) {
			t.Errorf("weir %s %s: exit %d, stdout:\n%s\nstderr:\n%s\nin-process: exit %d, stdout:\n%s\nstderr:\n%s",
				strings.Join(args, " "), way.name, c, o, e, code, stdout, stderr)
		}
	}
	return stdout, stderr, code
}

// must is run that wants exit 0.
func (r *remote) must(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := r.run(t, args...)
	if code != 0 {
		t.Fatalf("weir %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

func TestRemoteQuery(t *testing.T) {
	t.Parallel()
	r := newRemote(t, nil, nil)
	sql := "SELECT x, y FROM (VALUES (1, 'a b'), (2, NULL)) AS t(x, y) ORDER BY x"
	r.must(t, "query", sql)
	r.must(t, "query", "-o", "csv", sql)
	r.must(t, "query", "-o", "json", sql)
	r.must(t, "query", "CREATE DATABASE IF NOT EXISTS shop")
	r.must(t, "query", "SHOW DATABASES")
	// A failure: the same message and caret.
	_, stderr, code := r.run(t, "query", "SELECT 1,\n  nosuchfunction(2)")
	if code != 1 || !strings.Contains(stderr, "^") {
		t.Errorf("a failing query: exit %d\n%s", code, stderr)
	}
	r.must(t, "queries", "list", "-o", "json", "--limit", "3")

	// One execution, seen through the server both ways.
	id := strings.TrimSpace(mustWeir(t, r.served, "query", "--async", sql))
	waitFor(t, time.Minute, "the query to succeed", func() bool { return getExecution(t, r.served, id).State == "SUCCEEDED" })
	for _, args := range [][]string{{"queries", "get", id, "-o", "json"}, {"queries", "results", id}, {"queries", "results", id, "-o", "csv"}, {"queries", "cancel", id}} {
		viaLock := mustWeir(t, r.served, args...)
		viaURL := mustWeir(t, r.other, append([]string{"--endpoint", r.servedURL}, args...)...)
		if viaLock != viaURL || viaLock == "" {
			t.Errorf("weir %s: through the lock file:\n%s\nwith --endpoint:\n%s", strings.Join(args, " "), viaLock, viaURL)
		}
	}
	if out := mustWeir(t, r.served, "queries", "results", id); !strings.Contains(out, "a b") {
		t.Errorf("results: %s", out)
	}
	if out := mustWeir(t, r.served, "queries", "cancel", id); out != id+" already SUCCEEDED\n" {
		t.Errorf("cancel a finished query: %q", out)
	}
}

func TestRemoteCrawlers(t *testing.T) {
	t.Parallel()
	r := newRemote(t, nil, func(dir string) {
		mustWeir(t, dir, "lake", "mb", "s3://raw")
		putFile(t, dir, "s3://raw/events/day=1/a.json", `{"id":1,"name":"a"}`+"\n")
		putFile(t, dir, "s3://raw/events/day=2/b.json", `{"id":2,"name":"b"}`+"\n")
	})
	r.must(t, "crawlers", "create", "ev", "--database", "shop", "--target", "s3://raw/events/")
	r.must(t, "crawlers", "update", "ev", "--table-prefix", "t_", "--infer-types", "rich")
	r.must(t, "crawlers", "get", "ev", "-o", "json")
	r.must(t, "crawlers", "list", "-o", "csv")
	out := r.must(t, "crawlers", "start", "ev", "--wait")
	if !strings.Contains(out, "SUCCEEDED") {
		t.Errorf("crawlers start --wait: %s", out)
	}
	r.must(t, "crawlers", "start", "ev", "--wait", "-o", "json")
	r.must(t, "query", "SELECT id, name, day FROM shop.t_events ORDER BY id")
	r.run(t, "crawlers", "stop", "ev")
	r.run(t, "crawlers", "get", "nope")
	r.must(t, "crawlers", "delete", "ev")
	r.must(t, "crawlers", "list")
}

func TestRemoteFunctions(t *testing.T) {
	t.Parallel()
	r := newRemote(t, nil, nil)
	r.must(t, "functions", "create", "hello", "--command", `read -r event; echo "saw $event" >&2; echo "{\"got\": $event, \"who\": \"$WHO\"}"`, "--env", "WHO=weir", "--timeout", "10")
	if _, stderr, _ := r.run(t, "functions", "create", "hello", "--command", "true"); !strings.Contains(stderr, "function hello already exists") {
		t.Errorf("duplicate create: %s", stderr)
	}
	out, stderr, _ := r.run(t, "functions", "invoke", "hello", "--payload", `{"n": 1}`, "-o", "json")
	if out != `{"got":{"n":1},"who":"weir"}`+"\n" || !strings.Contains(stderr, `saw {"n":1}`) {
		t.Errorf("invoke: %s\n%s", out, stderr)
	}
	r.must(t, "functions", "invoke", "hello")
	r.must(t, "functions", "get", "hello", "-o", "json")
	r.must(t, "functions", "update", "hello", "--command", `echo '{"errorType": "NotReady", "errorMessage": "later"}'; exit 1`)
	if _, stderr, code := r.run(t, "functions", "invoke", "hello"); code != 1 || !strings.Contains(stderr, "NotReady") {
		t.Errorf("a failing function: exit %d, %s", code, stderr)
	}
	r.must(t, "functions", "list")
	r.must(t, "functions", "delete", "hello")
	if _, stderr, _ := r.run(t, "functions", "invoke", "hello"); !strings.Contains(stderr, "function hello does not exist") {
		t.Errorf("invoke a deleted function: %s", stderr)
	}
}

func TestRemoteStates(t *testing.T) {
	t.Parallel()
	r := newRemote(t, nil, nil)
	def := writeDefinition(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"day": "${DAY}"}, "End": true}}}`)
	r.must(t, "states", "create", "tick", "--definition", def, "--substitution", "DAY=monday")
	if _, stderr, code := r.run(t, "states", "create", "tick", "--definition", def); code == 0 {
		t.Errorf("a second create: exit 0 %s", stderr)
	}
	r.must(t, "states", "update", "tick", "--definition", def, "--substitution", "DAY=tuesday")
	r.must(t, "states", "list")
	r.must(t, "states", "list", "-o", "json")
	if out := r.must(t, "states", "describe", "tick"); !strings.Contains(out, "tuesday") {
		t.Errorf("describe after update: %s", out)
	}
	r.must(t, "states", "describe", "tick", "-o", "json")
	r.must(t, "executions", "start", "tick", "--name", "one", "--wait", "-o", "json")
	r.must(t, "executions", "history", "tick:one")
	r.must(t, "executions", "history", "tick:one", "-o", "json")
	r.must(t, "executions", "list", "--machine", "tick", "-o", "json")
	r.must(t, "executions", "list", "--status", "succeeded", "--limit", "1", "-o", "json")
	r.must(t, "states", "delete", "tick")
	r.run(t, "states", "describe", "tick")
	r.must(t, "states", "list")
}

// TestRemoteSchedulesAndTriggers: every schedules and triggers verb,
// reading ones included, answers from the server's data (they once read
// the client's data directory, so --endpoint showed the wrong one).
func TestRemoteSchedulesAndTriggers(t *testing.T) {
	t.Parallel()
	def := writeDefinition(t, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`)
	r := newRemote(t, nil, func(dir string) { mustWeir(t, dir, "states", "create", "tick", "--definition", def) })
	r.must(t, "schedules", "create", "nightly", "--expression", "cron(0 2 * * ? *)", "--timezone", "Europe/Brussels",
		"--target", "state-machine:tick", "--disabled")
	if out := r.must(t, "schedules", "get", "nightly"); !strings.Contains(out, "nightly") {
		t.Errorf("schedules get: %s", out)
	}
	r.must(t, "schedules", "get", "nightly", "-o", "json")
	if out := r.must(t, "schedules", "list"); !strings.Contains(out, "nightly") {
		t.Errorf("schedules list: %s", out)
	}
	r.must(t, "schedules", "list", "-o", "json")
	r.must(t, "schedules", "history", "nightly", "--limit", "5")
	if _, stderr, code := r.run(t, "schedules", "history", "nosuch"); code == 0 {
		t.Errorf("history of a missing schedule: exit 0 %s", stderr)
	}

	r.must(t, "triggers", "create", "landed", "--on", "lake:s3://raw/in/", "--target", "state-machine:tick", "--disabled")
	if out := r.must(t, "triggers", "get", "landed", "-o", "json"); !strings.Contains(out, "lake:s3://raw/in/") {
		t.Errorf("triggers get: %s", out)
	}
	if out := r.must(t, "triggers", "list"); !strings.Contains(out, "landed") {
		t.Errorf("triggers list: %s", out)
	}
	r.must(t, "triggers", "history", "landed")
	if _, stderr, code := r.run(t, "triggers", "get", "nosuch"); code == 0 {
		t.Errorf("get of a missing trigger: exit 0 %s", stderr)
	}
}

// TestRemoteAuth: a server started with a token refuses the CLI without
// it, clearly; --auth-token or WEIR_AUTH_TOKEN lets it in; --endpoint at
// no server fails with "unavailable".
func TestRemoteAuth(t *testing.T) {
	t.Parallel()
	served, other := t.TempDir(), t.TempDir()
	_, c := startServe(t, served, []string{"WEIR_AUTH_TOKEN=s3cret"})
	for _, tc := range []struct {
		name string
		dir  string
		env  []string
		args []string
		code int
		want string
	}{
		{"no token, lock file", served, nil, []string{"crawlers", "list"}, 1, "--auth-token or WEIR_AUTH_TOKEN"},
		{"no token, --endpoint", other, nil, []string{"--endpoint", c.Base(), "query", "SELECT 1"}, 1, "weir serve refused the request"},
		{"wrong token", other, nil, []string{"--endpoint", c.Base(), "--auth-token", "nope", "states", "list"}, 1, "--auth-token or WEIR_AUTH_TOKEN"},
		{"--auth-token", other, nil, []string{"--endpoint", c.Base(), "--auth-token", "s3cret", "functions", "list"}, 0, ""},
		{"WEIR_AUTH_TOKEN and WEIR_ENDPOINT", other, []string{"WEIR_AUTH_TOKEN=s3cret", "WEIR_ENDPOINT=" + c.Base()}, []string{"query", "SELECT 1"}, 0, ""},
		{"no server at --endpoint", other, nil, []string{"--endpoint", "http://127.0.0.1:1", "crawlers", "list"}, 3, "no weir serve answers at http://127.0.0.1:1"},
	} {
		stdout, stderr, code := weirEnv(t, tc.dir, tc.env, "", tc.args...)
		wantRun(t, tc.name, stdout, stderr, code, tc.code, tc.want)
	}
}
