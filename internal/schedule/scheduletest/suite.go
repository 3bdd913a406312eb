package scheduletest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
)

// RunStore runs the conformance suite on stores made by newStore, one
// fresh store per subtest.
func RunStore(t *testing.T, newStore func(t *testing.T) schedule.Store) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123e6, time.UTC)
	sample := func(name string) *schedule.Definition {
		return &schedule.Definition{
			Name: name, Expression: "cron(0 8 ? * MON-FRI *)", TimeZone: "Europe/Brussels",
			Start: at, End: at.AddDate(1, 0, 0), State: schedule.StateEnabled,
			Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}, Input: `{"day": "<aws.scheduler.scheduled-time>"}`,
			Overlap: schedule.OverlapQueue, CatchUp: schedule.CatchUpAll, Description: "weekday loads",
			Created: at, Updated: at, Since: at, LastFire: at.Add(time.Hour), LastRunID: "arn:x",
			Queued: []time.Time{at.Add(2 * time.Hour), at.Add(3 * time.Hour)},
		}
	}
	run := func(i int, st schedule.RunStatus) schedule.Run {
		return schedule.Run{FireTime: at.Add(time.Duration(i) * time.Minute), Status: st, RunID: "r", Reason: "because", Time: at.Add(time.Duration(i)*time.Minute + time.Second), Late: i%2 == 0}
	}
	check := func(t *testing.T, what string, err, sentinel error, kind errs.Kind) {
		t.Helper()
		if !errors.Is(err, sentinel) || !errors.Is(err, kind) {
			t.Errorf("%s: %v; want %v (%v)", what, err, sentinel, kind)
		}
	}
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		q := &schedule.Definition{Name: "a.q", Expression: "rate(1 hour)", State: schedule.StateDisabled,
			Target: schedule.Target{Kind: schedule.TargetQuery, Name: "SELECT 1: two"}, Overlap: schedule.OverlapSkip, CatchUp: schedule.CatchUpNone,
			Created: at, Updated: at, Since: at}
		for _, d := range []*schedule.Definition{sample("b-nightly"), q} {
			if err := s.CreateSchedule(ctx, d); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetSchedule(ctx, d.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, d) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, d)
			}
		}
		list, err := s.ListSchedules(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "a.q" || list[1].Name != "b-nightly" {
			t.Errorf("ListSchedules = %v, %v; want a.q, b-nightly", list, err)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateSchedule(ctx, sample("s")); err != nil {
			t.Fatal(err)
		}
		check(t, "second create", s.CreateSchedule(ctx, sample("s")), schedule.ErrScheduleExists, errs.Exists)
		_, err := s.GetSchedule(ctx, "nope")
		check(t, "get missing", err, schedule.ErrScheduleNotFound, errs.NotFound)
		check(t, "update missing", s.UpdateSchedule(ctx, "nope", []schedule.Run{run(1, schedule.RunStarted)}, nil), schedule.ErrScheduleNotFound, errs.NotFound)
		check(t, "delete missing", s.DeleteSchedule(ctx, "nope"), schedule.ErrScheduleNotFound, errs.NotFound)
		_, err = s.ListRuns(ctx, "nope", 0)
		check(t, "runs of missing", err, schedule.ErrScheduleNotFound, errs.NotFound)
	})
	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateSchedule(ctx, sample("s")); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := s.UpdateSchedule(ctx, "s", []schedule.Run{run(1, schedule.RunStarted)}, func(d *schedule.Definition) error {
			d.Expression = "rate(5 minutes)"
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("update with a failing fn: %v", err)
		}
		got, _ := s.GetSchedule(ctx, "s")
		if got.Expression != sample("s").Expression {
			t.Errorf("a failed update changed the schedule: %s", got.Expression)
		}
		if runs, _ := s.ListRuns(ctx, "s", 0); len(runs) != 0 {
			t.Errorf("a failed update recorded runs: %v", runs)
		}
		err = s.UpdateSchedule(ctx, "s", nil, func(d *schedule.Definition) error {
			d.Name, d.State, d.Queued = "renamed", schedule.StateDisabled, nil
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err = s.GetSchedule(ctx, "s")
		if err != nil || got.State != schedule.StateDisabled || got.Queued != nil {
			t.Errorf("after update: %+v, %v", got, err)
		}
		if _, err := s.GetSchedule(ctx, "renamed"); err == nil {
			t.Error("fn renamed the schedule")
		}
	})
	t.Run("Runs", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateSchedule(ctx, sample("s")); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSchedule(ctx, sample("other")); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSchedule(ctx, "s", []schedule.Run{run(2, schedule.RunQueued), run(1, schedule.RunStarted), run(3, schedule.RunSkipped)}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSchedule(ctx, "other", []schedule.Run{run(2, schedule.RunMissed)}, nil); err != nil {
			t.Fatal(err)
		}
		// The queued run starts: same fire time, replaced.
		started := run(2, schedule.RunStarted)
		started.RunID = "r2"
		if err := s.UpdateSchedule(ctx, "s", []schedule.Run{started}, nil); err != nil {
			t.Fatal(err)
		}
		runs, err := s.ListRuns(ctx, "s", 0)
		want := []schedule.Run{run(3, schedule.RunSkipped), started, run(1, schedule.RunStarted)}
		if err != nil || !reflect.DeepEqual(runs, want) {
			t.Errorf("ListRuns = %+v, %v\nwant %+v", runs, err, want)
		}
		if runs, _ := s.ListRuns(ctx, "s", 2); len(runs) != 2 || !runs[0].FireTime.Equal(run(3, "").FireTime) {
			t.Errorf("ListRuns limit 2 = %+v", runs)
		}
		if err := s.DeleteSchedule(ctx, "s"); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSchedule(ctx, sample("s")); err != nil {
			t.Fatal(err)
		}
		if runs, err := s.ListRuns(ctx, "s", 0); err != nil || len(runs) != 0 {
			t.Errorf("runs of a deleted and re-created schedule = %v, %v", runs, err)
		}
		if runs, err := s.ListRuns(ctx, "other", 0); err != nil || len(runs) != 1 {
			t.Errorf("runs of another schedule = %v, %v", runs, err)
		}
	})
	t.Run("HistoryLimit", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		if err := s.CreateSchedule(ctx, sample("s")); err != nil {
			t.Fatal(err)
		}
		var runs []schedule.Run
		for i := range schedule.HistoryLimit + 5 {
			runs = append(runs, run(i, schedule.RunStarted))
		}
		if err := s.UpdateSchedule(ctx, "s", runs[:10], nil); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSchedule(ctx, "s", runs[10:], nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListRuns(ctx, "s", 0)
		if err != nil || len(got) != schedule.HistoryLimit || !got[len(got)-1].FireTime.Equal(runs[5].FireTime) {
			t.Errorf("kept %d runs (err %v), want the newest %d", len(got), err, schedule.HistoryLimit)
		}
	})
	t.Run("Copies", func(t *testing.T) {
		s := newStore(t)
		ctx := t.Context()
		d := sample("s")
		if err := s.CreateSchedule(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.Queued[0] = time.Time{}
		got, _ := s.GetSchedule(ctx, "s")
		got.Queued[1] = time.Time{}
		got.Expression = "changed"
		again, _ := s.GetSchedule(ctx, "s")
		if !reflect.DeepEqual(again, sample("s")) {
			t.Errorf("the store shares memory with its callers: %+v", again)
		}
	})
}
