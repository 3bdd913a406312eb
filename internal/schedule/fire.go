package schedule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// maxScan bounds the fire times one handling of a schedule steps through
// (a rate(1 minute) schedule stopped for two years); the rest are
// handled next time, at once.
const maxScan = 1 << 20

// outcome is what handling a schedule left to do.
type outcome struct {
	def    *Definition // the schedule as recorded; nil if unchanged
	next   time.Time   // the next fire time; zero if none
	queued bool        // fire times wait for the previous run
	runs   []Run       // what was recorded
}

// handle fires what is due of schedule name at now: queued fire times
// whose previous run ended, then every fire time after the last handled
// one up to now, missed ones through the catch-up policy and all through
// the overlap policy. It records the runs and the new last fire time in
// one store update.
func (s *Scheduler) handle(ctx context.Context, d *Definition, sch *Schedule, now time.Time) (outcome, error) {
	name := d.Name
	if d.State != StateEnabled {
		return outcome{}, nil
	}
	if sch == nil {
		var err error
		if sch, err = New(d.Spec()); err != nil {
			s.logger.Error("schedule no longer valid; not firing it", "schedule", name, "err", err)
			return outcome{}, nil
		}
	}

	// The fire times due: all of them counted, the first kept, and the
	// newest MaxCatchUp+2 kept (the ones catch-up may run, and the one
	// before them, to name the missed range).
	var (
		due            []time.Time
		count          int
		first, lastDue time.Time
	)
	keep := s.opts.MaxCatchUp + 2
	for t, ok := sch.Next(baseline(d)); ok && !t.After(now) && count < maxScan; t, ok = sch.Next(t) {
		if count == 0 {
			first = t
		}
		count++
		lastDue = t
		due = append(due, t)
		if len(due) > 2*keep {
			due = append(due[:0], due[len(due)-keep:]...)
		}
	}
	if len(due) > keep {
		due = due[len(due)-keep:]
	}
	dropped := count - len(due) // older than every kept one: missed

	// Split off the missed fire times and apply the catch-up policy.
	type fire struct {
		t    time.Time
		late bool
	}
	var fires []fire
	var runs []Run
	cutoff := now.Add(-s.opts.Grace)
	kept := 0 // missed fire times among due
	for kept < len(due) && due[kept].Before(cutoff) {
		kept++
	}
	missed, onTime := due[:kept], due[kept:]
	if nMissed := dropped + len(missed); nMissed > 0 {
		run := 0
		switch d.CatchUp {
		case CatchUpOne:
			run = 1
		case CatchUpAll:
			run = min(nMissed, s.opts.MaxCatchUp)
		}
		run = min(run, len(missed))
		for _, t := range missed[len(missed)-run:] {
			fires = append(fires, fire{t, true})
		}
		if n := nMissed - run; n > 0 {
			last := first
			if i := len(missed) - run - 1; i >= 0 {
				last = missed[i]
			}
			runs = append(runs, Run{FireTime: first, Status: RunMissed, Time: now, Reason: missedReason(n, first, last, d.CatchUp)})
		}
	}
	for _, t := range onTime {
		fires = append(fires, fire{t, false})
	}

	// The overlap policy. open is asked at most once: after a start, the
	// new run is open.
	lastRunID, queued := d.LastRunID, append([]time.Time(nil), d.Queued...)
	openKnown, open := false, false
	isOpen := func() bool {
		if !openKnown {
			openKnown = true
			open = s.isOpen(ctx, d, lastRunID)
		}
		return open
	}
	start := func(t time.Time, late bool) {
		r := Run{FireTime: t, Late: late}
		f := Fire{Schedule: d.Name, Target: d.Target, FireTime: t, Late: late}
		f.Input = expandInput(d.Input, f)
		if !late && s.opts.Lag != nil {
			s.opts.Lag(s.opts.Clock.Now().Sub(t))
		}
		id, err := s.opts.Starter.Start(ctx, f)
		r.Time = s.now()
		if err != nil {
			r.Status, r.Reason = RunFailed, errs.Message(err)
			s.logger.Warn("schedule could not start its target", "schedule", d.Name, "target", d.Target.String(), "fire_time", t, "err", err)
		} else {
			r.Status, r.RunID = RunStarted, id
			lastRunID, openKnown, open = id, true, true
			s.logger.Info("schedule started its target", "schedule", d.Name, "target", d.Target.String(), "fire_time", t, "run", id, "late", late)
		}
		runs = append(runs, r)
	}
	if d.Overlap == OverlapQueue && len(queued) > 0 && !isOpen() {
		t := queued[0]
		queued = queued[1:]
		start(t, false)
	}
	for _, f := range fires {
		switch {
		case d.Overlap == OverlapAllow:
			start(f.t, f.late)
		case d.Overlap == OverlapSkip && isOpen():
			runs = append(runs, Run{FireTime: f.t, Status: RunSkipped, Time: s.now(), Late: f.late,
				Reason: fmt.Sprintf("the previous run %s was still open (overlap policy skip)", lastRunID)})
		case d.Overlap == OverlapQueue && (len(queued) > 0 || isOpen()):
			if len(queued) >= MaxQueued {
				runs = append(runs, Run{FireTime: f.t, Status: RunSkipped, Time: s.now(), Late: f.late,
					Reason: fmt.Sprintf("%d fire times were already queued behind the open run %s (overlap policy queue)", MaxQueued, lastRunID)})
				continue
			}
			queued = append(queued, f.t)
			runs = append(runs, Run{FireTime: f.t, Status: RunQueued, Time: s.now(), Late: f.late,
				Reason: fmt.Sprintf("waiting for the previous run %s to end (overlap policy queue)", lastRunID)})
		default:
			start(f.t, f.late)
		}
	}
	if len(runs) == 0 && count == 0 {
		// Nothing due: just say when next.
		next, _ := sch.Next(baseline(d))
		return outcome{next: next, queued: len(queued) > 0}, nil
	}

	var out outcome
	err := s.opts.Store.UpdateSchedule(ctx, name, runs, func(cur *Definition) error {
		if lastDue.After(cur.LastFire) {
			cur.LastFire = lastDue
		}
		cur.LastRunID = lastRunID
		cur.Queued = queued
		if cur.State != StateEnabled {
			cur.Queued = nil
		}
		next, ok := sch.Next(baseline(cur))
		if ok && cur.State == StateEnabled {
			out.next = next
		}
		if !ok && len(cur.Queued) == 0 && cur.State == StateEnabled {
			st, err := cur.State.Apply(EventComplete)
			if err != nil {
				return err
			}
			cur.State = st
			s.logger.Info("schedule completed: no fire time left", "schedule", name)
		}
		out.queued = len(cur.Queued) > 0
		out.def = cur.Clone()
		return nil
	})
	if errors.Is(err, errs.NotFound) {
		return outcome{}, nil // deleted meanwhile
	}
	if err != nil {
		return outcome{}, fmt.Errorf("schedule %s: record runs: %w", name, err)
	}
	out.runs = runs
	return out, nil
}

// isOpen asks the Starter whether the run id of d is open; an error
// counts as ended (logged), so that a schedule does not stop for good
// because a run's record went away.
func (s *Scheduler) isOpen(ctx context.Context, d *Definition, id string) bool {
	if id == "" {
		return false
	}
	open, err := s.opts.Starter.Open(ctx, d.Target, id)
	if err != nil {
		s.logger.Warn("cannot tell whether the previous run is open; taking it as ended", "schedule", d.Name, "run", id, "err", err)
		return false
	}
	return open
}

func missedReason(n int, first, last time.Time, c CatchUp) string {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	what := "this fire time"
	if n > 1 {
		what = fmt.Sprintf("%d fire times from %s to %s", n, stamp(first), stamp(last))
	}
	return fmt.Sprintf("%s passed while no scheduler ran (weir serve was not running); catch-up policy %s", what, c)
}

// expandInput fills in EventBridge Scheduler's context attributes in a
// schedule's input: <aws.scheduler.schedule-arn>,
// <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id> and
// <aws.scheduler.attempt-number>.
func expandInput(input string, f Fire) string {
	if !strings.Contains(input, "<aws.scheduler.") {
		return input
	}
	sum := sha256.Sum256([]byte(f.Schedule + "\x00" + f.FireTime.UTC().Format(time.RFC3339Nano)))
	h := hex.EncodeToString(sum[:16])
	id := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	return strings.NewReplacer(
		"<aws.scheduler.schedule-arn>", ARN(f.Schedule),
		"<aws.scheduler.scheduled-time>", f.FireTime.UTC().Format(time.RFC3339),
		"<aws.scheduler.execution-id>", id,
		"<aws.scheduler.attempt-number>", strconv.Itoa(1),
	).Replace(input)
}
