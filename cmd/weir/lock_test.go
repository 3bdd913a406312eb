package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLock holds the data directory with a long query: commands that work
// in it fail at once with exit 3 naming the holder, read-only ones still
// work, and 'queries cancel' from another process stops the query.
func TestLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	source{events: 2000, mult: 100}.create(t, dir)
	mustWeir(t, dir, "lake", "mb", "s3://lock-test")

	p := startWeir(t, dir, nil, "query", endlessQuery)
	x := waitRunning(t, dir, p)

	holder := fmt.Sprintf(`in use by another weir process (pid %d, "weir query", since `, p.cmd.Process.Pid)
	for _, args := range [][]string{
		{"query", "SELECT 1"},
		{"demo", "--events", "10", "--sensors", "1"},
		{"lake", "mb", "s3://lock-other"},
		{"lake", "rm", "s3://lock-test/x"},
	} {
		start := time.Now()
		stdout, stderr, code := weir(t, dir, "", args...)
		wantRun(t, strings.Join(args, " "), stdout, stderr, code, 3, "weir: data directory "+dir, holder, "wait for it to finish, or use another --data-dir")
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s waited %v for the lock instead of failing at once", args, d)
		}
	}

	// Read-only commands work alongside.
	if out := mustWeir(t, dir, "lake", "ls"); !strings.Contains(out, " lock-test\n") || !strings.Contains(out, " src\n") {
		t.Errorf("lake ls while locked:\n%s", out)
	}
	if got := lakeLs(t, dir, "s3://src/events/"); len(got) != 1 || got[0].Name != "events.json" {
		t.Errorf("lake ls s3://src/events/ while locked: %+v", got)
	}
	if out := mustWeir(t, dir, "lake", "cat", "s3://src/mult/mult.json"); !strings.HasPrefix(out, `{"k":0}`) {
		t.Errorf("lake cat while locked: %q", out)
	}
	out := mustWeir(t, dir, "queries", "list")
	if !regexp.MustCompile(`(?m)^` + x.ID + `  +RUNNING +SELECT `).MatchString(out) {
		t.Errorf("queries list while locked:\n%s", out)
	}
	if got := getExecution(t, dir, x.ID); got.State != "RUNNING" {
		t.Errorf("queries get while locked: %s", got.State)
	}

	// Cancel from another process: the holder stops the query.
	out = mustWeir(t, dir, "queries", "cancel", x.ID)
	if out != x.ID+" CANCELLED\n" {
		t.Errorf("queries cancel printed %q", out)
	}
	_, stderr, code := p.wait(t)
	wantRun(t, "cancelled query", "", stderr, code, 1, "weir: query "+x.ID+" was cancelled")
	if got := getExecution(t, dir, x.ID); got.State != "CANCELLED" || got.StateChangeReason != "Query cancelled by user" {
		t.Errorf("after cancel: %+v", got)
	}

	// The lock is free again.
	if out := mustWeir(t, dir, "query", "SELECT 42 AS answer"); out != "answer\n------\n    42\n" {
		t.Errorf("query after the holder exited: %q", out)
	}
}

// TestAsync queues a query with --async: the id comes back at once, a
// background runner holds the data directory until the query is done,
// and then the results can be read and the directory used again.
func TestAsync(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const events, mult, below = 20000, 100, 30
	source{events: events, mult: mult}.create(t, dir)

	// About 1 s of work: 60 M rows of a cross join.
	sql := fmt.Sprintf("SELECT sum(a.id * b.k * c.k) AS s FROM events a CROSS JOIN mult b CROSS JOIN mult c WHERE c.k < %d", below)
	want := int64(events*(events-1)/2) * int64(mult*(mult-1)/2) * int64(below*(below-1)/2)

	start := time.Now()
	p := startWeir(t, dir, nil, "query", "--async", sql)
	stdout, stderr, code := p.wait(t)
	if code != 0 {
		t.Fatalf("query --async: exit %d\n%s", code, stderr)
	}
	id := strings.TrimSpace(stdout)
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(id) {
		t.Fatalf("query --async printed %q, want a query execution id", stdout)
	}
	t.Logf("query --async returned in %v", time.Since(start))
	x := getExecution(t, dir, id)
	if x.State != "QUEUED" && x.State != "RUNNING" {
		t.Errorf("right after query --async the execution is %s, want QUEUED or RUNNING", x.State)
	}

	// The runner holds the directory and says so.
	stdout, stderr, code = weir(t, dir, "", "query", "SELECT 1")
	switch code {
	case 3:
		wantRun(t, "query while the runner works", stdout, stderr, code, 3, `"weir (background query runner)"`)
		m := regexp.MustCompile(`\(pid (\d+), `).FindStringSubmatch(stderr)
		if m == nil {
			t.Errorf("the lock error names no pid:\n%s", stderr)
		} else if pid, _ := strconv.Atoi(m[1]); pid == p.cmd.Process.Pid {
			t.Errorf("the lock error names pid %d, the process that queued the query and exited, not the runner", pid)
		}
	case 0:
		t.Logf("the runner was done before the lock could be checked")
	default:
		t.Errorf("query while the runner works: exit %d\n%s", code, stderr)
	}

	waitFor(t, 2*time.Minute, "the async query to succeed", func() bool {
		x = getExecution(t, dir, id)
		if x.State == "FAILED" || x.State == "CANCELLED" {
			t.Fatalf("async query %s: %s", x.State, x.StateChangeReason)
		}
		return x.State == "SUCCEEDED"
	})
	if x.Statistics.ResultRows != 1 {
		t.Errorf("ResultRows = %d, want 1", x.Statistics.ResultRows)
	}
	if out := mustWeir(t, dir, "queries", "results", "-o", "csv", id); out != fmt.Sprintf("\"s\"\n\"%d\"\n", want) {
		t.Errorf("queries results: %q, want %d", out, want)
	}

	// Once the runner has exited, the directory can be worked in again.
	waitFor(t, time.Minute, "the runner to release the data directory", func() bool {
		stdout, stderr, code := weir(t, dir, "", "query", "SELECT 42 AS answer")
		switch code {
		case 0:
			if stdout != "answer\n------\n    42\n" {
				t.Errorf("query after the runner: %q", stdout)
			}
			return true
		case 3:
			return false
		}
		t.Fatalf("query after the runner: exit %d\n%s", code, stderr)
		return false
	})
	// A second async query runs too.
	id2 := strings.TrimSpace(mustWeir(t, dir, "query", "--async", "-o", "json", "SELECT 7 AS seven"))
	m := regexp.MustCompile(`^\{"query_execution_id":"([0-9a-f-]{36})"\}$`).FindStringSubmatch(id2)
	if m == nil {
		t.Fatalf("query --async -o json printed %q", id2)
	}
	waitFor(t, time.Minute, "the second async query to succeed", func() bool {
		return getExecution(t, dir, m[1]).State == "SUCCEEDED"
	})
	if out := mustWeir(t, dir, "queries", "results", m[1]); out != "seven\n-----\n    7\n" {
		t.Errorf("second async query's results: %q", out)
	}
	// Wait for its runner too, so that the data directory can be removed.
	waitFor(t, time.Minute, "the second runner to exit", func() bool {
		_, _, code := weir(t, dir, "", "query", "SELECT 1")
		return code == 0
	})
	if log := readFile(t, dir, "weir-runner.log"); log != "" {
		t.Logf("weir-runner.log:\n%s", log)
	}
}
