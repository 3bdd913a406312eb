package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/schedule/scheduletest"
)

// t0 is when the tests' schedules are created; nothing reads the real
// clock.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

type harness struct {
	clock   *scheduletest.Clock
	store   *scheduletest.MemStore
	starter *scheduletest.Starter
	s       *schedule.Scheduler
	lags    []time.Duration
	mu      sync.Mutex
}

func newHarness(t *testing.T, now time.Time) *harness {
	t.Helper()
	h := &harness{clock: scheduletest.NewClock(now), store: scheduletest.NewMemStore(), starter: scheduletest.NewStarter()}
	h.s = h.scheduler(t)
	return h
}

// scheduler returns a new Scheduler over the harness's store, clock and
// starter, as a restarted process would make.
func (h *harness) scheduler(t *testing.T) *schedule.Scheduler {
	t.Helper()
	opts := schedule.DefaultOptions()
	opts.Store, opts.Clock, opts.Starter = h.store, h.clock, h.starter
	opts.Lag = func(d time.Duration) {
		h.mu.Lock()
		h.lags = append(h.lags, d)
		h.mu.Unlock()
	}
	s, err := schedule.NewScheduler(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (h *harness) create(t *testing.T, d schedule.Definition) *schedule.Definition {
	t.Helper()
	if d.Target.Kind == "" {
		d.Target = schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}
	}
	out, err := h.s.Create(t.Context(), &d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runDueAt sets the clock and fires what is due.
func (h *harness) runDueAt(t *testing.T, now time.Time) {
	t.Helper()
	h.clock.Set(now)
	if _, err := h.s.RunDue(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// history returns a schedule's runs, oldest first, as "15:04:05 STATUS
// runID" lines (with " late" for catch-up runs).
func (h *harness) history(t *testing.T, name string) []string {
	t.Helper()
	runs, err := h.s.History(t.Context(), name, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range slices.Backward(runs) {
		line := r.FireTime.UTC().Format("15:04:05") + " " + string(r.Status)
		if r.RunID != "" {
			line += " " + r.RunID
		}
		if r.Late {
			line += " late"
		}
		out = append(out, line)
	}
	return out
}

func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// runScheduler runs s until the test ends.
func runScheduler(t *testing.T, s *schedule.Scheduler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func receive(t *testing.T, c <-chan schedule.Fire) schedule.Fire {
	t.Helper()
	give := time.NewTimer(10 * time.Second)
	defer give.Stop()
	select {
	case f := <-c:
		return f
	case <-give.C:
		t.Fatal("no fire within 10s")
	}
	return schedule.Fire{}
}

// TestRunFireTimes runs the Scheduler on a fake clock and checks that it
// sleeps until exactly each expected fire time, across daylight saving
// changes, and starts the target then.
func TestRunFireTimes(t *testing.T) {
	brussels := func(s string) time.Time {
		loc, _ := time.LoadLocation("Europe/Brussels")
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name  string
		def   schedule.Definition
		now   time.Time
		fires []time.Time
	}{
		{"cron skips the spring-forward gap",
			schedule.Definition{Expression: "cron(30 2 * * ? *)", TimeZone: "Europe/Brussels"},
			brussels("2026-03-27 12:00"),
			[]time.Time{brussels("2026-03-28 02:30"), brussels("2026-03-30 02:30")}},
		{"cron fires once in the fall-back overlap",
			schedule.Definition{Expression: "cron(0 * * * ? *)", TimeZone: "Europe/Brussels"},
			time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), // 01:30 CEST
			[]time.Time{
				time.Date(2026, 10, 24, 23, 0, 0, 0, time.UTC).Add(time.Hour), // 02:00 CEST
				time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC),                 // 03:00 CET, two hours later
			}},
		{"rate counts elapsed time across the change",
			schedule.Definition{Expression: "rate(1 day)", Start: brussels("2026-03-28 09:00")},
			brussels("2026-03-28 08:00"),
			[]time.Time{brussels("2026-03-28 09:00"), brussels("2026-03-29 10:00"), brussels("2026-03-30 10:00")}},
		{"at in the gap fires later by the gap",
			schedule.Definition{Expression: "at(2026-03-29T02:30:00)", TimeZone: "Europe/Brussels"},
			brussels("2026-03-28 12:00"),
			[]time.Time{brussels("2026-03-29 03:30")}},
		{"cron within a window",
			schedule.Definition{Expression: "cron(0 9 * * ? *)", Start: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)},
			t0,
			[]time.Time{time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.now)
			h.starter.Started = make(chan schedule.Fire, 10)
			tt.def.Name = "s"
			h.create(t, tt.def)
			runScheduler(t, h.s)
			for i, want := range tt.fires {
				h.clock.AwaitTimer(t, want)
				h.clock.Set(want)
				f := receive(t, h.starter.Started)
				if !f.FireTime.Equal(want) || f.Late {
					t.Errorf("fire %d at %s (late %v), want %s", i, f.FireTime, f.Late, want)
				}
				h.starter.EndAll()
			}
			if len(h.lags) != len(tt.fires) || slices.Max(h.lags) != 0 {
				t.Errorf("lags %v, want %d of 0 on a fake clock", h.lags, len(tt.fires))
			}
			// After the last fire time the schedule completes.
			want := schedule.StateCompleted
			if tt.def.End.IsZero() && tt.def.Expression[:2] != "at" {
				want = schedule.StateEnabled
			}
			waitState(t, h, "s", want)
		})
	}
}

// waitState waits until the schedule's state is want (Run records it
// just after it starts the target).
func waitState(t *testing.T, h *harness, name string, want schedule.State) {
	t.Helper()
	give := time.Now().Add(10 * time.Second)
	for {
		d, err := h.s.Get(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if d.State == want {
			return
		}
		if time.Now().After(give) {
			t.Fatalf("state %s, want %s", d.State, want)
		}
		h.clock.AwaitTimer(t, time.Time{})
	}
}

func TestOverlap(t *testing.T) {
	tests := []struct {
		overlap schedule.Overlap
		want    []string
	}{
		{schedule.OverlapSkip, []string{"08:00:00 STARTED run-1", "08:01:00 SKIPPED", "08:02:00 SKIPPED", "08:03:00 STARTED run-2", "08:04:00 SKIPPED"}},
		{schedule.OverlapAllow, []string{"08:00:00 STARTED run-1", "08:01:00 STARTED run-2", "08:02:00 STARTED run-3", "08:03:00 STARTED run-4", "08:04:00 STARTED run-5"}},
		{schedule.OverlapQueue, []string{"08:00:00 STARTED run-1", "08:01:00 STARTED run-2", "08:02:00 STARTED run-3", "08:03:00 QUEUED", "08:04:00 QUEUED"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.overlap), func(t *testing.T) {
			h := newHarness(t, t0)
			h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 minute)", Overlap: tt.overlap})
			h.runDueAt(t, t0)
			h.runDueAt(t, t0.Add(time.Minute))
			h.runDueAt(t, t0.Add(2*time.Minute))
			h.starter.End("run-1") // a long run ends
			h.runDueAt(t, t0.Add(2*time.Minute+10*time.Second))
			h.starter.End("run-2")
			h.runDueAt(t, t0.Add(3*time.Minute))
			h.runDueAt(t, t0.Add(4*time.Minute))
			equalLines(t, "history", h.history(t, "s"), tt.want)
			if tt.overlap == schedule.OverlapSkip {
				runs, _ := h.s.History(t.Context(), "s", 0)
				if r := runs[len(runs)-2]; !strings.Contains(r.Reason, "previous run run-1 was still open") {
					t.Errorf("skip reason %q", r.Reason)
				}
			}
		})
	}
	t.Run("queue is bounded", func(t *testing.T) {
		h := newHarness(t, t0)
		h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 minute)", Overlap: schedule.OverlapQueue})
		for i := range schedule.MaxQueued + 3 {
			h.runDueAt(t, t0.Add(time.Duration(i)*time.Minute))
		}
		got := h.history(t, "s")
		if n := strings.Count(strings.Join(got, ","), "QUEUED"); n != schedule.MaxQueued || !strings.HasSuffix(got[len(got)-1], "SKIPPED") {
			t.Errorf("history %q: want %d queued, then skipped", got, schedule.MaxQueued)
		}
		if _, err := h.s.Disable(t.Context(), "s"); err != nil {
			t.Fatal(err)
		}
		if d, _ := h.s.Get(t.Context(), "s"); len(d.Queued) != 0 {
			t.Errorf("disable left %d queued", len(d.Queued))
		}
	})
}

// TestCatchUp stops the scheduler for five and a half hours (the fire
// times 09:00 to 13:00 pass) and checks what each policy runs when it is
// back.
func TestCatchUp(t *testing.T) {
	tests := []struct {
		catchUp schedule.CatchUp
		want    []string
	}{
		{schedule.CatchUpNone, []string{"08:00:00 STARTED run-1", "09:00:00 MISSED"}},
		{schedule.CatchUpOne, []string{"08:00:00 STARTED run-1", "09:00:00 MISSED", "13:00:00 STARTED run-2 late"}},
		{schedule.CatchUpAll, []string{"08:00:00 STARTED run-1", "09:00:00 STARTED run-2 late", "10:00:00 STARTED run-3 late",
			"11:00:00 STARTED run-4 late", "12:00:00 STARTED run-5 late", "13:00:00 STARTED run-6 late"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.catchUp), func(t *testing.T) {
			h := newHarness(t, t0)
			h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)", CatchUp: tt.catchUp, Overlap: schedule.OverlapAllow})
			h.runDueAt(t, t0)
			// A restarted process: a new Scheduler over the same store.
			h.s = h.scheduler(t)
			h.runDueAt(t, t0.Add(5*time.Hour+30*time.Minute))
			equalLines(t, "history", h.history(t, "s"), tt.want)
			if len(h.lags) != 1 {
				t.Errorf("lag recorded %d times, want once (late runs are not lag)", len(h.lags))
			}
			// Nothing is due again until 14:00.
			h.runDueAt(t, t0.Add(5*time.Hour+59*time.Minute))
			equalLines(t, "history after", h.history(t, "s"), tt.want)
		})
	}
	t.Run("missed reason", func(t *testing.T) {
		h := newHarness(t, t0)
		h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)", CatchUp: schedule.CatchUpOne})
		h.runDueAt(t, t0.Add(3*time.Hour+5*time.Minute))
		runs, _ := h.s.History(t.Context(), "s", 0)
		want := "3 fire times from 2026-03-02T08:00:00Z to 2026-03-02T10:00:00Z passed while no scheduler ran (weir serve was not running); catch-up policy one"
		if len(runs) != 2 || runs[1].Reason != want {
			t.Errorf("runs %+v\nwant the reason %q", runs, want)
		}
	})
	t.Run("on time within the grace", func(t *testing.T) {
		h := newHarness(t, t0)
		h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)", CatchUp: schedule.CatchUpNone})
		h.runDueAt(t, t0.Add(59*time.Second))
		equalLines(t, "history", h.history(t, "s"), []string{"08:00:00 STARTED run-1"})
		if h.lags[0] != 59*time.Second {
			t.Errorf("lag %v, want 59s", h.lags[0])
		}
	})
}

func TestDisabled(t *testing.T) {
	h := newHarness(t, t0)
	ctx := t.Context()
	h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)", State: schedule.StateDisabled})
	h.runDueAt(t, t0.Add(2*time.Hour))
	if len(h.starter.Fires()) != 0 {
		t.Fatalf("a disabled schedule fired: %v", h.starter.Fires())
	}
	h.clock.Set(t0.Add(2*time.Hour + 30*time.Minute))
	d, err := h.s.Enable(ctx, "s")
	if err != nil || d.State != schedule.StateEnabled {
		t.Fatalf("enable: %v, %v", d, err)
	}
	// Enabled at 10:30: the fire times while disabled are not caught up.
	h.runDueAt(t, t0.Add(2*time.Hour+30*time.Minute))
	h.runDueAt(t, t0.Add(3*time.Hour))
	equalLines(t, "history", h.history(t, "s"), []string{"11:00:00 STARTED run-1"})
	if _, err := h.s.Disable(ctx, "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Disable(ctx, "s"); err != nil {
		t.Errorf("disabling twice: %v", err)
	}
}

func TestCompleted(t *testing.T) {
	h := newHarness(t, t0)
	ctx := t.Context()
	h.create(t, schedule.Definition{Name: "once", Expression: "at(2026-03-02T09:00:00)", CatchUp: schedule.CatchUpNone})
	h.runDueAt(t, t0.Add(time.Hour))
	d, _ := h.s.Get(ctx, "once")
	if d.State != schedule.StateCompleted || len(schedule.NextFires(d, 5)) != 0 {
		t.Errorf("after its one fire: %s, next %v", d.State, schedule.NextFires(d, 5))
	}
	if _, err := h.s.Enable(ctx, "once"); !errors.Is(err, schedule.ErrInvalidTransition) || !strings.Contains(err.Error(), "give it a new expression") {
		t.Errorf("enable a completed schedule: %v", err)
	}
	d, err := h.s.Update(ctx, "once", func(d *schedule.Definition) error {
		d.Expression = "at(2026-03-02T12:00:00)"
		return nil
	})
	if err != nil || d.State != schedule.StateEnabled {
		t.Fatalf("update re-arms: %v, %v", d, err)
	}
	h.starter.EndAll()
	h.runDueAt(t, t0.Add(4*time.Hour))
	equalLines(t, "history", h.history(t, "once"), []string{"09:00:00 STARTED run-1", "12:00:00 STARTED run-2"})

	// A recurring schedule whose end has passed while no scheduler ran
	// records what it missed and completes.
	h.create(t, schedule.Definition{Name: "window", Expression: "rate(1 hour)", End: t0.Add(10 * time.Hour), CatchUp: schedule.CatchUpNone})
	h.runDueAt(t, t0.Add(24*time.Hour))
	if d, _ := h.s.Get(ctx, "window"); d.State != schedule.StateCompleted {
		t.Errorf("past its end: %s", d.State)
	}
}

func TestStateTable(t *testing.T) {
	tests := []struct {
		from schedule.State
		ev   schedule.Event
		to   schedule.State // "" : refused
	}{
		{schedule.StateEnabled, schedule.EventDisable, schedule.StateDisabled},
		{schedule.StateEnabled, schedule.EventEnable, schedule.StateEnabled},
		{schedule.StateEnabled, schedule.EventComplete, schedule.StateCompleted},
		{schedule.StateEnabled, schedule.EventRearm, ""},
		{schedule.StateDisabled, schedule.EventEnable, schedule.StateEnabled},
		{schedule.StateDisabled, schedule.EventDisable, schedule.StateDisabled},
		{schedule.StateDisabled, schedule.EventComplete, ""},
		{schedule.StateDisabled, schedule.EventRearm, ""},
		{schedule.StateCompleted, schedule.EventRearm, schedule.StateEnabled},
		{schedule.StateCompleted, schedule.EventDisable, schedule.StateDisabled},
		{schedule.StateCompleted, schedule.EventEnable, ""},
		{schedule.StateCompleted, schedule.EventComplete, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+" "+string(tt.ev), func(t *testing.T) {
			got, err := tt.from.Apply(tt.ev)
			if tt.to == "" {
				if !errors.Is(err, schedule.ErrInvalidTransition) || got != tt.from {
					t.Errorf("Apply = %s, %v; want refused, state unchanged", got, err)
				}
				return
			}
			if err != nil || got != tt.to {
				t.Errorf("Apply = %s, %v; want %s", got, err, tt.to)
			}
		})
	}
}

func TestCreateErrors(t *testing.T) {
	h := newHarness(t, t0)
	sm := schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}
	tests := []struct {
		name string
		def  schedule.Definition
		want string
	}{
		{"bad name", schedule.Definition{Name: "a b", Expression: "rate(1 hour)", Target: sm}, `schedule name "a b"`},
		{"bad expression", schedule.Definition{Name: "s", Expression: "rate(1 hours)", Target: sm}, "write rate(1 hour)"},
		{"at in the past", schedule.Definition{Name: "s", Expression: "at(2020-01-01T00:00:00)", Target: sm}, "would never fire"},
		{"end in the past", schedule.Definition{Name: "s", Expression: "rate(1 hour)", End: t0.Add(-time.Hour), Target: sm}, "would never fire"},
		{"bad zone", schedule.Definition{Name: "s", Expression: "rate(1 hour)", TimeZone: "Mars/Olympus", Target: sm}, "unknown time zone"},
		{"no target", schedule.Definition{Name: "s", Expression: "rate(1 hour)"}, "want state-machine:NAME"},
		{"crawler input", schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: schedule.Target{Kind: schedule.TargetCrawler, Name: "raw"}, Input: `{"a": 1}`}, "takes no input"},
		{"query input", schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: schedule.Target{Kind: schedule.TargetQuery, Name: "SELECT 1"}, Input: `{"Database": "x"}`}, "QueryExecutionContext"},
		{"bad input", schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: sm, Input: `{`}, "input is not JSON"},
		{"bad overlap", schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: sm, Overlap: "never"}, "want skip, allow or queue"},
		{"bad catch-up", schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: sm, CatchUp: "some"}, "want none, one or all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.s.Create(t.Context(), &tt.def)
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Create: %v; want an invalid error containing %q", err, tt.want)
			}
		})
	}
	h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)"})
	if _, err := h.s.Create(t.Context(), &schedule.Definition{Name: "s", Expression: "rate(1 hour)", Target: sm}); !errors.Is(err, schedule.ErrScheduleExists) {
		t.Errorf("second create: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want schedule.Target
		err  string
	}{
		{"state-machine:etl", schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}, ""},
		{"crawler: raw ", schedule.Target{Kind: schedule.TargetCrawler, Name: "raw"}, ""},
		{"function:load-hourly", schedule.Target{Kind: schedule.TargetFunction, Name: "load-hourly"}, ""},
		{"function:two words", schedule.Target{}, "name is missing or has spaces"},
		{"query:SELECT 'a:b' AS x", schedule.Target{Kind: schedule.TargetQuery, Name: "SELECT 'a:b' AS x"}, ""},
		{"etl", schedule.Target{}, "want state-machine:NAME"},
		{"lambda:f", schedule.Target{}, `unknown kind "lambda"`},
		{"query:  ", schedule.Target{}, "the query is empty"},
		{"crawler:", schedule.Target{}, "name is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := schedule.ParseTarget(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("ParseTarget = %v, %v; want an error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseTarget = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestFire(t *testing.T) {
	h := newHarness(t, t0)
	h.create(t, schedule.Definition{Name: "s", Expression: "rate(1 hour)",
		Input: `{"at": "<aws.scheduler.scheduled-time>", "arn": "<aws.scheduler.schedule-arn>", "id": "<aws.scheduler.execution-id>", "n": <aws.scheduler.attempt-number>}`})
	h.create(t, schedule.Definition{Name: "broken", Expression: "rate(1 hour)"})
	h.starter.Fail("broken", errors.New("state machine etl does not exist"))
	h.runDueAt(t, t0)
	f := h.starter.Fires()[0]
	want := `{"at": "2026-03-02T08:00:00Z", "arn": "arn:aws:scheduler:us-east-1:000000000000:schedule/default/s", "id": "`
	if !strings.HasPrefix(f.Input, want) || !strings.HasSuffix(f.Input, `", "n": 1}`) {
		t.Errorf("input %s\nwant the context attributes filled in", f.Input)
	}
	if got := f.Name(); got != "s-20260302T080000Z" {
		t.Errorf("Name = %s", got)
	}
	long := schedule.Fire{Schedule: strings.Repeat("x", 64), FireTime: t0.Add(123 * time.Millisecond)}
	if n := long.Name(); len(n) > 80 || !strings.HasSuffix(n, "-20260302T080000123Z") {
		t.Errorf("long Name = %s (%d)", n, len(n))
	}
	runs, _ := h.s.History(t.Context(), "broken", 0)
	if len(runs) != 1 || runs[0].Status != schedule.RunFailed || runs[0].Reason != "state machine etl does not exist" {
		t.Errorf("a failed start: %+v", runs)
	}
}

// TestRestart stops a running scheduler and starts another over the same
// store: a fire time is started once, and the next one on time.
func TestRestart(t *testing.T) {
	h := newHarness(t, t0.Add(-time.Minute))
	h.starter.Started = make(chan schedule.Fire, 10)
	h.create(t, schedule.Definition{Name: "s", Expression: "cron(0/5 * * * ? *)"})
	stop := runScheduler(t, h.s)
	h.clock.AwaitTimer(t, t0)
	h.clock.Set(t0)
	receive(t, h.starter.Started)
	h.clock.AwaitTimer(t, t0.Add(5*time.Minute)) // recorded, sleeping
	stop()
	h.starter.EndAll()

	h.s = h.scheduler(t)
	runScheduler(t, h.s)
	h.clock.AwaitTimer(t, t0.Add(5*time.Minute))
	h.clock.Set(t0.Add(5 * time.Minute))
	receive(t, h.starter.Started)
	h.clock.AwaitTimer(t, t0.Add(10*time.Minute))
	equalLines(t, "history", h.history(t, "s"), []string{"08:00:00 STARTED run-1", "08:05:00 STARTED run-2"})
}

// TestRunChanges changes schedules while Run runs.
func TestRunChanges(t *testing.T) {
	h := newHarness(t, t0)
	h.starter.Started = make(chan schedule.Fire, 10)
	ctx := t.Context()
	runScheduler(t, h.s)
	h.create(t, schedule.Definition{Name: "later", Expression: "at(2026-03-02T09:00:00)"})
	h.create(t, schedule.Definition{Name: "gone", Expression: "at(2026-03-02T08:30:00)"})
	h.create(t, schedule.Definition{Name: "moved", Expression: "at(2026-03-02T08:40:00)"})
	h.clock.AwaitTimer(t, t0.Add(30*time.Minute))
	if err := h.s.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Update(ctx, "moved", func(d *schedule.Definition) error {
		d.Expression = "at(2026-03-02T08:50:00)"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.clock.AwaitTimer(t, t0.Add(50*time.Minute))
	h.clock.Set(t0.Add(50 * time.Minute))
	if f := receive(t, h.starter.Started); f.Schedule != "moved" {
		t.Errorf("fired %s first, want moved", f.Schedule)
	}
	h.clock.AwaitTimer(t, t0.Add(time.Hour))
	h.clock.Set(t0.Add(time.Hour))
	if f := receive(t, h.starter.Started); f.Schedule != "later" {
		t.Errorf("fired %s, want later", f.Schedule)
	}
	if n := len(h.starter.Fires()); n != 2 {
		t.Errorf("%d fires, want 2 (the deleted schedule does not fire)", n)
	}
}

// TestRunQueue checks that Run polls a queued fire time and starts it
// when the previous run ends.
func TestRunQueue(t *testing.T) {
	h := newHarness(t, t0)
	h.starter.Started = make(chan schedule.Fire, 10)
	h.create(t, schedule.Definition{Name: "s", Expression: "rate(10 minutes)", Overlap: schedule.OverlapQueue})
	runScheduler(t, h.s)
	receive(t, h.starter.Started)
	h.clock.AwaitTimer(t, t0.Add(10*time.Minute))
	h.clock.Set(t0.Add(10 * time.Minute))
	h.clock.AwaitTimer(t, t0.Add(10*time.Minute+time.Second)) // queued: polling
	h.starter.End("run-1")
	h.clock.Set(t0.Add(10*time.Minute + time.Second))
	if f := receive(t, h.starter.Started); !f.FireTime.Equal(t0.Add(10 * time.Minute)) {
		t.Errorf("the queued run started for %s", f.FireTime)
	}
}

// TestThousandSchedules runs 1,000 schedules of various expressions for
// two hours of fake time and checks that each fires exactly at its fire
// times.
func TestThousandSchedules(t *testing.T) {
	h := newHarness(t, t0)
	h.starter.Started = make(chan schedule.Fire, 2000)
	exprs := []string{"rate(1 minute)", "rate(7 minutes)", "cron(0/15 * * * ? *)", "cron(30 * * * ? *)", "cron(0 9 ? * MON-FRI *)", "at(2026-03-02T08:59:00)"}
	want := map[string][]time.Time{}
	end := t0.Add(2 * time.Hour)
	for i := range 1000 {
		d := h.create(t, schedule.Definition{Name: fmt.Sprintf("s%04d", i), Expression: exprs[i%len(exprs)], Overlap: schedule.OverlapAllow,
			Start: t0.Add(time.Duration(i%13) * time.Minute)})
		for _, ft := range schedule.NextFires(d, 200) {
			if !ft.After(end) {
				want[d.Name] = append(want[d.Name], ft)
			}
		}
	}
	total := 0
	for _, v := range want {
		total += len(v)
	}
	runScheduler(t, h.s)
	got := map[string][]time.Time{}
	n := 0
	for now := t0; !now.After(end); now = now.Add(time.Minute) {
		h.clock.Set(now)
		for _, v := range want {
			for _, ft := range v {
				if ft.Equal(now) {
					f := receive(t, h.starter.Started)
					got[f.Schedule] = append(got[f.Schedule], f.FireTime)
					n++
				}
			}
		}
		h.clock.AwaitTimer(t, now.Add(time.Minute))
	}
	if n != total || len(h.starter.Started) != 0 {
		t.Fatalf("%d fires (+%d extra), want %d", n, len(h.starter.Started), total)
	}
	for name, v := range want {
		g := got[name]
		slices.SortFunc(g, time.Time.Compare)
		if !slices.EqualFunc(g, v, time.Time.Equal) {
			t.Errorf("%s fired at %v, want %v", name, g, v)
		}
	}
	if slices.Max(h.lags) != 0 {
		t.Errorf("max lag %v on a fake clock", slices.Max(h.lags))
	}
}
