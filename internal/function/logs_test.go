package function_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
)

// messages are the events' messages, with request ids and durations
// replaced by placeholders.
func messages(events []function.LogEvent) []string {
	var out []string
	for _, e := range events {
		m := strings.ReplaceAll(e.Message, e.RequestID, "ID")
		if i := strings.Index(m, "Duration: "); i >= 0 {
			j := strings.Index(m[i:], " ms")
			m = m[:i] + "Duration: D" + m[i+j:]
		}
		out = append(out, m)
	}
	return out
}

// TestLogs invokes functions that succeed, fail, crash and time out,
// and reads their logs back as Lambda writes them to CloudWatch.
func TestLogs(t *testing.T) {
	dir := t.TempDir()
	s, _ := newService(t, func(o *function.Options) { o.LogDir = dir })
	ctx := t.Context()
	for _, f := range []*function.Function{
		function.NewFunction("ok", `read -r e; echo "got $e" >&2; echo "line two" >&2; echo '{}'`),
		function.NewFunction("fails", `echo 'about to fail' >&2; echo '{"errorType": "Boom", "errorMessage": "it broke"}'`),
		function.NewFunction("crash", `echo 'bye' >&2; exit 3`),
	} {
		if err := s.Create(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	slow := function.NewFunction("slow", `echo 'sleeping' >&2; sleep 5`)
	slow.Timeout = 1
	if err := s.Create(ctx, slow); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Invoke(ctx, "ok", map[string]any{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	s.Invoke(ctx, "fails", nil)
	s.Invoke(ctx, "crash", nil)
	s.Invoke(ctx, "slow", nil)

	for name, want := range map[string][]string{
		"ok":    {"START RequestId: ID Version: $LATEST", `got {"n":1}`, "line two", "END RequestId: ID", "REPORT RequestId: ID Duration: D ms Status: success"},
		"fails": {"START RequestId: ID Version: $LATEST", "about to fail", "[ERROR] Boom: it broke", "END RequestId: ID", "REPORT RequestId: ID Duration: D ms Status: error Boom"},
		"crash": {"START RequestId: ID Version: $LATEST", "bye", "[ERROR] Runtime.ExitError: RequestId: ID Error: Runtime exited with error: exit status 3", "END RequestId: ID", "REPORT RequestId: ID Duration: D ms Status: error Lambda.Unknown"},
		"slow":  {"START RequestId: ID Version: $LATEST", "sleeping", "[ERROR] Sandbox.Timedout: RequestId: ID Error: Task timed out after 1.00 seconds", "END RequestId: ID", "REPORT RequestId: ID Duration: D ms Status: error Sandbox.Timedout"},
	} {
		events, err := s.Logs(ctx, name, function.LogQuery{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := messages(events); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s's log:\n%s\nwant:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for i := 1; i < len(events); i++ {
			if events[i].Timestamp.Before(events[i-1].Timestamp) || events[i].RequestID != events[0].RequestID {
				t.Errorf("%s: event %d out of order or of another invocation: %+v", name, i, events)
			}
		}
	}

	// A second invocation: filter by request id, by time, and the newest.
	again, err := s.Invoke(ctx, "ok", map[string]any{"n": 2})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := s.Logs(ctx, "ok", function.LogQuery{})
	one, _ := s.Logs(ctx, "ok", function.LogQuery{RequestID: inv.RequestID})
	later, _ := s.Logs(ctx, "ok", function.LogQuery{Since: all[5].Timestamp})
	last, _ := s.Logs(ctx, "ok", function.LogQuery{Limit: 2})
	if len(all) != 10 || len(one) != 5 || one[1].Message != `got {"n":1}` || len(later) < 5 || later[len(later)-1].RequestID != again.RequestID ||
		len(last) != 2 || !strings.HasPrefix(last[1].Message, "REPORT RequestId: "+again.RequestID) {
		t.Errorf("all %d, one %d, later %d, last %+v", len(all), len(one), len(later), last)
	}
	if future, _ := s.Logs(ctx, "ok", function.LogQuery{Since: time.Now().Add(time.Hour)}); len(future) != 0 {
		t.Errorf("events from the future: %+v", future)
	}

	// A function without logs: none if it exists, not found if not; a
	// deleted one keeps its logs; a name that is not one is refused.
	if err := s.Create(ctx, function.NewFunction("quiet", `echo '{}'`)); err != nil {
		t.Fatal(err)
	}
	if ev, err := s.Logs(ctx, "quiet", function.LogQuery{}); err != nil || len(ev) != 0 {
		t.Errorf("quiet: %+v %v", ev, err)
	}
	if _, err := s.Logs(ctx, "nope", function.LogQuery{}); !errors.Is(err, errs.NotFound) {
		t.Errorf("nope: %v", err)
	}
	if err := s.Delete(ctx, "ok"); err != nil {
		t.Fatal(err)
	}
	if ev, err := s.Logs(ctx, "ok", function.LogQuery{}); err != nil || len(ev) != 10 {
		t.Errorf("deleted: %d %v", len(ev), err)
	}
	if _, err := s.Logs(ctx, "../ok", function.LogQuery{}); !errors.Is(err, errs.Invalid) {
		t.Errorf("a path for a name: %v", err)
	}
}

// TestLogsConcurrentAndKept: concurrent invocations' lines are not
// interleaved in the file; a torn line is skipped; files older than the
// retention go when a new day's is begun; an invocation's log is capped.
func TestLogsConcurrentAndKept(t *testing.T) {
	dir := t.TempDir()
	s, _ := newService(t, func(o *function.Options) { o.LogDir = dir; o.LogRetention = 48 * time.Hour })
	ctx := t.Context()
	if err := s.Create(ctx, function.NewFunction("many", `for i in 1 2 3 4 5; do echo "line $i" >&2; done; echo '{}'`)); err != nil {
		t.Fatal(err)
	}
	// Leftovers: a day file past the retention, one within it with a torn
	// last line (a crash mid-write).
	fdir := filepath.Join(dir, "many")
	os.MkdirAll(fdir, 0o755)
	old := time.Now().UTC().Add(-5 * 24 * time.Hour).Format(time.DateOnly)
	recent := time.Now().UTC().Add(-24 * time.Hour)
	os.WriteFile(filepath.Join(fdir, old+".log"), []byte("2000-01-01T00:00:00.000Z\tx\told\n"), 0o644)
	os.WriteFile(filepath.Join(fdir, recent.Format(time.DateOnly)+".log"),
		[]byte(recent.Format("2006-01-02T15:04:05.000Z")+"\tr\tkept\n2024-03-0"), 0o644)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.Invoke(ctx, "many", nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, err := os.Stat(filepath.Join(fdir, old+".log")); !os.IsNotExist(err) {
		t.Errorf("the day file past the retention is still there: %v", err)
	}
	events, err := s.Logs(ctx, "many", function.LogQuery{})
	if err != nil || len(events) != 1+8*8 || events[0].Message != "kept" {
		t.Fatalf("%d events, %v", len(events), err)
	}
	// In the file, each invocation's 8 lines (START, 5, END, REPORT) are together.
	data, _ := os.ReadFile(filepath.Join(fdir, time.Now().UTC().Format(time.DateOnly)+".log"))
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for i := 0; i < len(lines); i += 8 {
		id := strings.Split(lines[i], "\t")[1]
		for _, l := range lines[i : i+8] {
			if strings.Split(l, "\t")[1] != id {
				t.Fatalf("interleaved lines at %d:\n%s", i, strings.Join(lines[i:i+8], "\n"))
			}
		}
	}

	// Past 1 MiB of standard error, lines are counted, not kept.
	if err := s.Create(ctx, function.NewFunction("loud", `yes 0123456789012345678901234567890123456789 | head -c 1200000 >&2; echo '{}'`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invoke(ctx, "loud", nil); err != nil {
		t.Fatal(err)
	}
	events, _ = s.Logs(ctx, "loud", function.LogQuery{})
	kept := 0
	for _, e := range events {
		kept += len(e.Message)
	}
	note := events[len(events)-3].Message
	if kept > 1<<20+1000 || !strings.Contains(note, "more bytes of standard error were not kept") {
		t.Errorf("kept %d bytes; note %q", kept, note)
	}
}
