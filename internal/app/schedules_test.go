package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/schedule"
)

// TestFunctionTarget starts a function as a schedule's target: it runs
// in the background with the input as its event, the run is its
// request id, which stays open (so an overlap policy sees it) until the
// function returns; a missing function fails the start with what to do.
func TestFunctionTarget(t *testing.T) {
	ctx := context.Background()
	a := openTestApp(t)
	tmp := t.TempDir()
	out, gate := filepath.Join(tmp, "event.json"), filepath.Join(tmp, "go")
	err := a.Functions.Create(ctx, &function.Function{Name: "hold", Runtime: function.RuntimeCommand, Timeout: 30,
		Command:     `cat > "$OUT.part" && mv "$OUT.part" "$OUT"; while [ ! -e "$GATE" ]; do sleep 0.02; done; echo '{}'`,
		Environment: map[string]string{"OUT": out, "GATE": gate}})
	if err != nil {
		t.Fatal(err)
	}
	target := schedule.Target{Kind: schedule.TargetFunction, Name: "hold"}
	fire := schedule.Fire{Schedule: "hourly", FireTime: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Target: target, Input: `{"day": "2026-03-01"}`}
	id, err := a.starter.Start(ctx, fire)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	var event []byte
	for time.Now().Before(deadline) {
		if event, err = os.ReadFile(out); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(string(event), `"day":"2026-03-01"`) {
		t.Fatalf("the function's event: %q (%v)", event, err)
	}
	if open, err := a.starter.Open(ctx, target, id); err != nil || !open {
		t.Errorf("a running invocation: open %v, %v", open, err)
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a.WaitScheduledRuns()
	if open, err := a.starter.Open(ctx, target, id); err != nil || open {
		t.Errorf("an ended invocation: open %v, %v", open, err)
	}
	fire.Target.Name = "nosuch"
	if _, err := a.starter.Start(ctx, fire); err == nil || !strings.Contains(err.Error(), "weir functions create nosuch") {
		t.Errorf("a missing function: %v", err)
	}
}

// TestMissingTargets: a schedule whose target does not exist fails its
// start with what to do, in the words of the verb that makes it (a
// missing crawler said "crawler nope: metastore: update crawler nope:
// EntityNotFoundException: crawler does not exist").
func TestMissingTargets(t *testing.T) {
	ctx := context.Background()
	a := openTestApp(t)
	for _, tc := range []struct {
		kind schedule.TargetKind
		want string
	}{
		{schedule.TargetStateMachine, "state machine nosuch does not exist; store it with 'weir states create nosuch'"},
		{schedule.TargetCrawler, "crawler nosuch does not exist; create it with 'weir crawlers create nosuch --database"},
		{schedule.TargetFunction, "function nosuch does not exist; create it with 'weir functions create nosuch'"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			fire := schedule.Fire{Schedule: "s", FireTime: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
				Target: schedule.Target{Kind: tc.kind, Name: "nosuch"}}
			if _, err := a.starter.Start(ctx, fire); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Start = %v, want %q", err, tc.want)
			}
		})
	}
}

// openTestApp opens an App on a new data directory, closed when the test
// ends.
func openTestApp(t *testing.T) *App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := Open(context.Background(), Options{Config: cfg, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
