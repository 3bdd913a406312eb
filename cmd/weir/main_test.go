package main

// End-to-end tests of the weir command. The test binary re-executes itself
// as weir (STYLE rule 24): with WEIR_TEST_MAIN=1 in its environment,
// TestMain runs main instead of the tests. The environment is inherited by
// the background runner 'weir query --async' starts (it re-executes
// os.Executable()), so that runner is this binary too.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// mainEnv makes the test binary run as weir.
const mainEnv = "WEIR_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

// commandTimeout bounds every weir process a test runs, so that a hang
// fails the test instead of the whole package timing out.
const commandTimeout = 3 * time.Minute

// weirCommand returns an exec.Cmd that runs the test binary as weir on
// dataDir. The caller's WEIR_* variables are dropped so that the tests do
// not depend on the environment; extraEnv is added.
func weirCommand(ctx context.Context, t testing.TB, dataDir string, extraEnv []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe, append([]string{"--data-dir", dataDir}, args...)...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEIR_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(append(env, mainEnv+"=1"), extraEnv...)
	cmd.Dir = filepath.Dir(dataDir) // a stray relative path lands in the test's temporary folder, not in the source tree
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// weir runs weir with --data-dir dataDir and args, feeding it stdin, and
// returns its output and exit code.
func weir(t testing.TB, dataDir, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return weirEnv(t, dataDir, nil, stdin, args...)
}

// weirEnv is weir with extra environment variables.
func weirEnv(t testing.TB, dataDir string, env []string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := weirCommand(ctx, t, dataDir, env, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code = exitCode(t, err)
	if ctx.Err() != nil {
		t.Fatalf("weir %s: did not finish within %v\nstderr:\n%s", strings.Join(args, " "), commandTimeout, errOut.String())
	}
	return out.String(), errOut.String(), code
}

func exitCode(t testing.TB, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatalf("run weir: %v", err)
	return -1
}

// mustWeir runs weir and fails the test unless it exits 0; it returns
// standard output.
func mustWeir(t testing.TB, dataDir string, args ...string) string {
	t.Helper()
	stdout, stderr, code := weir(t, dataDir, "", args...)
	if code != 0 {
		t.Fatalf("weir %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// wantRun checks a command's exit code and that stderr holds each of
// substrings.
func wantRun(t testing.TB, name string, stdout, stderr string, code, wantCode int, substrings ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, wantCode, stdout, stderr)
		return
	}
	for _, s := range substrings {
		if !strings.Contains(stderr, s) {
			t.Errorf("%s: stderr does not mention %q:\n%s", name, s, stderr)
		}
	}
}

// proc is a weir process running in the background.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	errOut bytes.Buffer
	done   chan struct{}
	err    error
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// startWeir starts weir in the background. The process is killed when the
// test ends if it is still running.
func startWeir(t testing.TB, dataDir string, env []string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	p := &proc{done: make(chan struct{})}
	p.cmd = weirCommand(ctx, t, dataDir, env, args...)
	p.cmd.Stdout = lockedWriter{&p.mu, &p.out}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.errOut}
	if err := p.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		cancel()
	})
	return p
}

// wait waits for the process to exit and returns its exit code and
// output.
func (p *proc) wait(t testing.TB) (stdout, stderr string, code int) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(commandTimeout):
		t.Fatalf("weir %v did not exit", p.cmd.Args[1:])
	}
	code = exitCode(t, p.err)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String(), p.errOut.String(), code
}

// exited reports whether the process has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// execution is the part of 'weir queries get -o json' the tests read.
type execution struct {
	ID                string `json:"QueryExecutionId"`
	Query             string
	State             string
	StateChangeReason string
	SubstatementType  string
	Statistics        struct {
		DataScannedInBytes int64
		ResultRows         int64
		UpdateCount        int64
	}
}

// getExecution reads an execution with 'weir queries get -o json'.
func getExecution(t testing.TB, dataDir, id string) execution {
	t.Helper()
	var x execution
	if err := json.Unmarshal([]byte(mustWeir(t, dataDir, "queries", "get", "-o", "json", id)), &x); err != nil {
		t.Fatalf("queries get -o json %s: %v", id, err)
	}
	return x
}

// listExecutions reads the newest executions, newest first, with 'weir
// queries list -o json'.
func listExecutions(t testing.TB, dataDir string) []execution {
	t.Helper()
	var list struct{ QueryExecutions []execution }
	out := mustWeir(t, dataDir, "queries", "list", "--limit", "50", "-o", "json")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("queries list -o json: %v: %s", err, out)
	}
	return list.QueryExecutions
}

// queryExecutionID finds the id a query printed in its summary line on
// standard error, e.g. "(2 rows, 14 ms, 64 B scanned, id 3b39...)".
func queryExecutionID(t testing.TB, stderr string) string {
	t.Helper()
	m := regexp.MustCompile(`id ([0-9a-f-]{36})\)`).FindAllStringSubmatch(stderr, -1)
	if m == nil {
		t.Fatalf("no query execution id in:\n%s", stderr)
	}
	return m[len(m)-1][1]
}

// csvRows runs a query with --output csv and returns its rows without
// the header, each field unquoted (Athena's CSV quotes every value).
func csvRows(t testing.TB, dataDir string, args ...string) [][]string {
	t.Helper()
	out := mustWeir(t, dataDir, append([]string{"query", "-o", "csv"}, args...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var rows [][]string
	for _, l := range lines[1:] {
		var row []string
		for _, f := range strings.Split(l, ",") {
			row = append(row, strings.Trim(f, `"`))
		}
		rows = append(rows, row)
	}
	return rows
}

// scalar runs a query returning one value and returns it.
func scalar(t testing.TB, dataDir string, args ...string) string {
	t.Helper()
	rows := csvRows(t, dataDir, args...)
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("query %v: want one value, got %q", args, rows)
	}
	return rows[0][0]
}

// lsEntry is one line of 'weir lake ls'.
type lsEntry struct {
	Prefix bool
	Size   int64
	Name   string
}

var (
	lsObject = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +(\d+) (\S.*)$`)
	lsPrefix = regexp.MustCompile(`^ +PRE (\S.*)$`)
	lsBucket = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (\S+)$`)
)

// lakeLs runs 'weir lake ls args...' and parses its lines.
func lakeLs(t testing.TB, dataDir string, args ...string) []lsEntry {
	t.Helper()
	out := mustWeir(t, dataDir, append([]string{"lake", "ls"}, args...)...)
	var entries []lsEntry
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		if m := lsPrefix.FindStringSubmatch(l); m != nil {
			entries = append(entries, lsEntry{Prefix: true, Name: m[1]})
			continue
		}
		m := lsObject.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("lake ls %v: unexpected line %q", args, l)
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		entries = append(entries, lsEntry{Size: n, Name: m[2]})
	}
	return entries
}

// filesUnder lists the regular files under dir, relative to it (with
// slashes), with their sizes; a missing dir holds no files.
func filesUnder(t testing.TB, dir string) map[string]int64 {
	t.Helper()
	files := map[string]int64{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return nil // dir is missing, or a file went away while listing
		}
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// stagingEntries lists what is left in a data directory's staging folder.
func stagingEntries(t testing.TB, dataDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dataDir, "staging"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// source is a lake fixture: a bucket "src" holding two JSON tables in the
// default database, events (id bigint, name string, v double) with ids
// 0..events-1, and mult (k int) with k 0..mult-1. Cross joins of the two
// make large or slow queries out of small files.
type source struct {
	events, mult int
}

// create writes the fixture's files with 'lake cp' and catalogues them.
func (s source) create(t testing.TB, dataDir string) {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	for i := range s.events {
		fmt.Fprintf(&b, `{"id":%d,"name":"sensor-%d","v":%g}`+"\n", i, i%97, float64(i)*0.25)
	}
	if err := os.WriteFile(filepath.Join(dir, "events.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	for k := range s.mult {
		fmt.Fprintf(&b, `{"k":%d}`+"\n", k)
	}
	if err := os.WriteFile(filepath.Join(dir, "mult.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	mustWeir(t, dataDir, "lake", "mb", "s3://src")
	mustWeir(t, dataDir, "lake", "cp", filepath.Join(dir, "events.json"), "s3://src/events/events.json")
	mustWeir(t, dataDir, "lake", "cp", filepath.Join(dir, "mult.json"), "s3://src/mult/mult.json")
	mustWeir(t, dataDir, "query", `
CREATE EXTERNAL TABLE events (id bigint, name string, v double)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://src/events/';
CREATE EXTERNAL TABLE mult (k int)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://src/mult/'`)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out := mustWeir(t, t.TempDir(), "version")
	if !strings.HasPrefix(out, "weir ") {
		t.Errorf("version printed %q", out)
	}
}

// readFile returns the content of a file of the data directory, "" if
// it does not exist.
func readFile(t testing.TB, dataDir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}
