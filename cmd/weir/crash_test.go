package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// Crash tests: a write is staged under <data-dir>/staging/<query-id>/,
// then its catalog changes and file moves are committed in one metadata
// transaction, then the files are moved into place. A process killed
// before the commit leaves nothing visible; one killed after it has its
// write finished by the next process that works in the directory.

const targetDDL = `CREATE EXTERNAL TABLE target (id bigint, name string, v double, k int)
PARTITIONED BY (part int)
STORED AS PARQUET
LOCATION 's3://crash-out/target/'`

// TestCrashDuringWrite kills weir with SIGKILL while an INSERT into a
// partitioned Parquet table is writing its staged files.
func TestCrashDuringWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// 20,000 events × 100 = 2 M rows in 20 partitions: a few seconds of
	// writing, from small source files.
	const events, mult, parts = 20000, 100, 20
	source{events: events, mult: mult}.create(t, dir)
	mustWeir(t, dir, "lake", "mb", "s3://crash-out")
	mustWeir(t, dir, "query", targetDDL)
	// Data already there: 5,000 rows in partitions 0-4.
	mustWeir(t, dir, "query", "INSERT INTO target SELECT id, name, v, k, CAST(id % 20 AS int) FROM events CROSS JOIN mult WHERE k = 0 AND id % 20 < 5")
	const existing = 5000
	insert := fmt.Sprintf("INSERT INTO target SELECT id, name, v, k, CAST((id + k) %% %d AS int) FROM events CROSS JOIN mult", parts)

	lakeBefore := filesUnder(t, filepath.Join(dir, "lake"))
	lsBefore := mustWeir(t, dir, "lake", "ls", "--recursive", "s3://crash-out/")
	if n := len(lakeLs(t, dir, "--recursive", "s3://crash-out/target/")); n == 0 {
		t.Fatal("the first INSERT wrote no files")
	}

	// Start the big INSERT and kill it once it has staged files.
	p := startWeir(t, dir, nil, "query", insert)
	staging := filepath.Join(dir, "staging")
	var killedID string
	waitFor(t, 2*time.Minute, "the INSERT to stage files", func() bool {
		if p.exited() {
			_, stderr, code := p.wait(t)
			t.Fatalf("the INSERT finished (exit %d) before it could be killed mid-write; make it bigger:\n%s", code, stderr)
		}
		for name := range filesUnder(t, staging) {
			if strings.HasSuffix(name, ".parquet") {
				killedID, _, _ = strings.Cut(name, "/")
				return true
			}
		}
		return false
	})
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, _, code := p.wait(t); code != 137 {
		t.Fatalf("killed weir exited %d, want 137 (SIGKILL)", code)
	}
	staged := filesUnder(t, filepath.Join(staging, killedID))
	t.Logf("killed query %s with %d staged files", killedID, len(staged))

	// Before any process works in the directory again: nothing of the
	// write is visible, and the execution did not succeed.
	x := getExecution(t, dir, killedID)
	if x.State == "SUCCEEDED" || x.Query != insert {
		t.Fatalf("the killed INSERT: %+v", x)
	}
	if x.State != "RUNNING" {
		t.Errorf("the killed INSERT is %s, want RUNNING until a process recovers the directory", x.State)
	}
	if got := filesUnder(t, filepath.Join(dir, "lake")); !reflect.DeepEqual(got, lakeBefore) {
		t.Errorf("the killed INSERT changed the lake:\nbefore %v\nafter  %v", lakeBefore, got)
	}
	if ls := mustWeir(t, dir, "lake", "ls", "--recursive", "s3://crash-out/"); ls != lsBefore {
		t.Errorf("lake ls after the crash:\n%s\nbefore:\n%s", ls, lsBefore)
	}
	if len(staged) == 0 {
		t.Errorf("no staged files left by the killed INSERT")
	}

	// A new process: it sweeps the staging folder and fails the stale
	// execution before running anything. The catalog is as before the
	// crash; then the same INSERT runs again and succeeds.
	out := mustWeir(t, dir, "query", "-o", "json", strings.Join([]string{
		"SHOW PARTITIONS target",
		"SELECT count(*) AS n FROM target",
		insert,
		"SELECT count(*) AS n FROM target",
		"SHOW PARTITIONS target",
	}, ";\n"))
	type result struct {
		ID          string      `json:"query_execution_id"`
		Rows        [][]*string `json:"rows"`
		UpdateCount int64       `json:"update_count"`
	}
	var results []result
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		results = append(results, r)
	}
	if len(results) != 5 {
		t.Fatalf("want 5 results, got:\n%s", out)
	}
	column := func(rows [][]*string) []string {
		var vs []string
		for _, r := range rows {
			vs = append(vs, *r[0])
		}
		sort.Strings(vs)
		return vs
	}
	partitionNames := func(n int) []string {
		var names []string
		for i := range n {
			names = append(names, fmt.Sprintf("part=%d", i))
		}
		sort.Strings(names)
		return names
	}
	if got := column(results[0].Rows); !reflect.DeepEqual(got, partitionNames(5)) {
		t.Errorf("partitions after the crash: %q, want %q", got, partitionNames(5))
	}
	if got := column(results[1].Rows); !reflect.DeepEqual(got, []string{fmt.Sprint(existing)}) {
		t.Errorf("rows after the crash: %q, want %d", got, existing)
	}
	if results[2].UpdateCount != events*mult {
		t.Errorf("the INSERT run again wrote %d rows, want %d", results[2].UpdateCount, events*mult)
	}
	if got := column(results[3].Rows); !reflect.DeepEqual(got, []string{fmt.Sprint(existing + events*mult)}) {
		t.Errorf("rows after the INSERT ran again: %q, want %d", got, existing+events*mult)
	}
	if got := column(results[4].Rows); !reflect.DeepEqual(got, partitionNames(parts)) {
		t.Errorf("partitions after the INSERT ran again: %q, want %q", got, partitionNames(parts))
	}

	if left := stagingEntries(t, dir); len(left) != 0 {
		t.Errorf("staging holds %q after the INSERT ran again, want nothing", left)
	}
	x = getExecution(t, dir, killedID)
	if x.State != "FAILED" || !strings.Contains(x.StateChangeReason, "SERVER_SHUTTING_DOWN: weir stopped while the query was running (the process exited); run it again") {
		t.Errorf("the killed INSERT is %s (%s), want FAILED saying weir stopped while it ran", x.State, x.StateChangeReason)
	}
	// Every file of the table is the first INSERT's or the second's.
	rerunID := results[2].ID
	for name := range filesUnder(t, filepath.Join(dir, "lake", "crash-out", "target")) {
		if strings.Contains(name, killedID) {
			t.Errorf("a file of the killed INSERT reached the table: %s", name)
		}
		if _, ok := lakeBefore[filepath.ToSlash(filepath.Join("crash-out", "target", name))]; !ok && !strings.Contains(name, rerunID) {
			t.Errorf("unexpected file in the table: %s", name)
		}
	}
	if got := scalar(t, dir, "SELECT count(DISTINCT id * 1000 + k) FROM target"); got != fmt.Sprint(events*mult) {
		t.Errorf("distinct rows: %s, want %d", got, events*mult)
	}
	if left := stagingEntries(t, dir); len(left) != 0 {
		t.Errorf("staging holds %q after a SELECT, want nothing", left)
	}
}

// TestCrashAfterCommit stops weir after it committed an INSERT and moved
// one of its files into place: the next command finishes the write.
func TestCrashAfterCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const events, mult = 1000, 5 // 5,000 rows in 5 partitions
	source{events: events, mult: mult}.create(t, dir)
	mustWeir(t, dir, "lake", "mb", "s3://crash-out")
	mustWeir(t, dir, "query", targetDDL)
	insert := "INSERT INTO target SELECT id, name, v, k, k FROM events CROSS JOIN mult"

	stdout, stderr, code := weirEnv(t, dir, []string{"WEIR_TEST_CRASH_AFTER_MOVES=1"}, "", "query", insert)
	if code != 137 {
		t.Fatalf("INSERT with WEIR_TEST_CRASH_AFTER_MOVES=1: exit %d, want 137\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if stdout != "" {
		t.Errorf("the crashed INSERT printed %q", stdout)
	}
	xs := listExecutions(t, dir)
	x := xs[0]
	if x.Query != insert || x.State != "RUNNING" {
		t.Fatalf("newest execution after the crash: %+v", x)
	}
	// Mid-publish: one file moved, the others still staged.
	table := filepath.Join(dir, "lake", "crash-out", "target")
	moved := filesUnder(t, table)
	staged := filesUnder(t, filepath.Join(dir, "staging", x.ID))
	if len(moved) != 1 || len(staged) < mult-1 {
		t.Fatalf("after the crash: %d files in the table, %d staged; want 1 moved and the rest staged", len(moved), len(staged))
	}

	// The next command finishes the publish before running its query.
	if got := scalar(t, dir, "SELECT count(*) FROM target"); got != fmt.Sprint(events*mult) {
		t.Errorf("rows after recovery: %s, want %d", got, events*mult)
	}
	if left := stagingEntries(t, dir); len(left) != 0 {
		t.Errorf("staging holds %q after recovery, want nothing", left)
	}
	files := filesUnder(t, table)
	if len(files) != len(moved)+len(staged) {
		t.Errorf("the table holds %d files, want %d", len(files), len(moved)+len(staged))
	}
	for name := range files {
		if !strings.Contains(name, x.ID) {
			t.Errorf("unexpected file in the table: %s", name)
		}
	}
	out := mustWeir(t, dir, "query", "-o", "csv", "SHOW PARTITIONS target")
	if want := "\"partition\"\n\"part=0\"\n\"part=1\"\n\"part=2\"\n\"part=3\"\n\"part=4\"\n"; out != want {
		t.Errorf("SHOW PARTITIONS:\n%s\nwant:\n%s", out, want)
	}
	rows := csvRows(t, dir, "SELECT part, count(*), min(id), max(id) FROM target GROUP BY part ORDER BY part")
	for i, r := range rows {
		if want := []string{fmt.Sprint(i), fmt.Sprint(events), "0", fmt.Sprint(events - 1)}; !reflect.DeepEqual(r, want) {
			t.Errorf("partition %d: %q, want %q", i, r, want)
		}
	}
	// The execution failed, but its data is in place: running it again
	// would write it twice, and the reason says so.
	x = getExecution(t, dir, x.ID)
	if x.State != "FAILED" || !strings.Contains(x.StateChangeReason, "do not run it again") {
		t.Errorf("the crashed INSERT is %s (%s), want FAILED saying not to run it again", x.State, x.StateChangeReason)
	}
}
