package schedule

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Starter starts a schedule's target and tells whether a run it started
// is still open. internal/app implements it over state machines,
// crawlers and queries.
type Starter interface {
	// Start starts f's target and returns the id of the run: an
	// execution ARN, a query execution id, a crawl's id. The run goes on
	// in the background; ctx bounds it (the Scheduler passes the ctx of
	// Run or RunDue). Starting the same Fire twice (a restart after a
	// crash between Start and the record of the run) should start one
	// run where the target allows it: f.Name() is a stable name.
	Start(ctx context.Context, f Fire) (runID string, err error)
	// Open reports whether the run runID of target is still open
	// (running, queued); a run that no longer exists is not open.
	Open(ctx context.Context, target Target, runID string) (bool, error)
}

// Fire is one start of a schedule's target.
type Fire struct {
	Schedule string
	Target   Target
	// Input is the schedule's input with EventBridge Scheduler's context
	// attributes (<aws.scheduler.scheduled-time>, ...) filled in.
	Input    string
	FireTime time.Time
	// Late is set when the catch-up policy starts a fire time missed
	// while no scheduler ran.
	Late bool
}

// Name returns a name for the run that is the same every time this
// fire time of this schedule starts, at most 80 characters of letters,
// digits, '-' and '_' (a Step Functions execution name): the schedule's
// name and the fire time in UTC, e.g. nightly-20260301T090000Z.
func (f Fire) Name() string {
	stamp := f.FireTime.UTC().Format("20060102T150405")
	if ms := f.FireTime.Nanosecond() / 1e6; ms != 0 {
		stamp += fmt.Sprintf("%03d", ms)
	}
	stamp += "Z"
	name := strings.Map(func(r rune) rune {
		if r == '.' {
			return '_'
		}
		return r
	}, f.Schedule)
	if len(name)+1+len(stamp) > 80 {
		sum := sha256.Sum256([]byte(f.Schedule))
		name = name[:80-len(stamp)-1-9] + "-" + hex.EncodeToString(sum[:4])
	}
	return name + "-" + stamp
}

// ARN returns the schedule's ARN in weir's account, as EventBridge
// Scheduler names schedules of the default group.
func ARN(name string) string {
	return "arn:aws:scheduler:us-east-1:000000000000:schedule/default/" + name
}

// Options configure a Scheduler.
type Options struct {
	Store   Store
	Starter Starter // needed by Run and RunDue only
	Clock   Clock
	Logger  *slog.Logger
	// Lag, when set, is called with how late each on-time fire time is
	// started (fire time → Starter.Start called), for metrics.
	Lag func(time.Duration)
	// Grace is how late a fire time may be handled and still count as
	// on time; older fire times were missed (no scheduler ran) and go to
	// the catch-up policy.
	Grace time.Duration
	// MaxCatchUp bounds the missed fire times catch-up policy all runs
	// per schedule; older ones are recorded as missed.
	MaxCatchUp int
	// Poll is how often a schedule with queued fire times asks whether
	// its previous run has ended, and how soon a schedule whose handling
	// failed (the store was busy) is tried again.
	Poll time.Duration
	// Concurrency bounds the schedules handled at once.
	Concurrency int
}

// DefaultOptions returns options with the system clock, a one-minute
// grace, a catch-up of at most 100 runs, a one-second poll and 1,024
// schedules handled at once.
func DefaultOptions() Options {
	return Options{Clock: SystemClock{}, Grace: time.Minute, MaxCatchUp: 100, Poll: time.Second, Concurrency: 1024}
}

// Scheduler keeps schedules (create, update, enable, disable, delete,
// history) and, while Run runs, fires them: each fire time starts its
// target through the Starter within milliseconds, subject to the
// schedule's overlap and catch-up policies, and is recorded in the
// schedule's run history. Its lifecycle: New(opts) → Run(ctx) until ctx
// is cancelled. Changes made through the Scheduler while Run runs take
// effect at once.
type Scheduler struct {
	opts   Options
	logger *slog.Logger

	mu      sync.Mutex
	running bool
	changed map[string]bool
	wake    chan struct{}
}

// NewScheduler returns a Scheduler; it fails if opts has no Store.
func NewScheduler(opts Options) (*Scheduler, error) {
	d := DefaultOptions()
	if opts.Store == nil {
		return nil, errors.New("schedule: Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = d.Clock
	}
	if opts.Grace <= 0 {
		opts.Grace = d.Grace
	}
	if opts.MaxCatchUp <= 0 {
		opts.MaxCatchUp = d.MaxCatchUp
	}
	if opts.Poll <= 0 {
		opts.Poll = d.Poll
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = d.Concurrency
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{opts: opts, logger: logger.With("component", "scheduler"), changed: map[string]bool{}, wake: make(chan struct{}, 1)}, nil
}

// now is the clock's time in UTC, to the millisecond, as stored.
func (s *Scheduler) now() time.Time { return s.opts.Clock.Now().UTC().Truncate(time.Millisecond) }

// notify tells a running Run that a schedule changed.
func (s *Scheduler) notify(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	s.changed[name] = true
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Create stores a new schedule. Empty policies get their defaults (skip,
// one) and an empty state is ENABLED. A schedule that would never fire
// (an at() time or an end in the past) is refused.
func (s *Scheduler) Create(ctx context.Context, d *Definition) (*Definition, error) {
	d = d.Clone()
	now := s.now()
	d.Created, d.Updated, d.Since = now, now, now
	d.LastFire, d.LastRunID, d.Queued = time.Time{}, "", nil
	if d.State == "" {
		d.State = StateEnabled
	}
	if err := s.normalize(d); err != nil {
		return nil, err
	}
	if err := s.opts.Store.CreateSchedule(ctx, d); err != nil {
		return nil, fmt.Errorf("schedule %s: %w", d.Name, err)
	}
	s.notify(d.Name)
	return d, nil
}

// normalize fills in default policies, validates d and checks that an
// enabled d still fires.
func (s *Scheduler) normalize(d *Definition) error {
	var err error
	if d.Overlap, err = ParseOverlap(string(d.Overlap)); err != nil {
		return err
	}
	if d.CatchUp, err = ParseCatchUp(string(d.CatchUp)); err != nil {
		return err
	}
	d.Start, d.End = d.Start.UTC(), d.End.UTC()
	if err := d.Validate(); err != nil {
		return err
	}
	if d.State == StateEnabled && len(NextFires(d, 1)) == 0 {
		return errs.Errorf("schedule", errs.Invalid, "schedule %s would never fire: %s has no fire time after %s%s; give a later time, or disable the schedule",
			d.Name, d.Expression, s.now().Format(time.RFC3339), windowNote(d))
	}
	return nil
}

func windowNote(d *Definition) string {
	if !d.End.IsZero() {
		return " before its end " + d.End.Format(time.RFC3339)
	}
	return ""
}

// Get returns a schedule or an error wrapping ErrScheduleNotFound.
func (s *Scheduler) Get(ctx context.Context, name string) (*Definition, error) {
	d, err := s.opts.Store.GetSchedule(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", name, err)
	}
	return d, nil
}

// List returns all schedules sorted by name.
func (s *Scheduler) List(ctx context.Context) ([]*Definition, error) {
	return s.opts.Store.ListSchedules(ctx)
}

// History returns up to limit of a schedule's runs, newest first.
func (s *Scheduler) History(ctx context.Context, name string, limit int) ([]Run, error) {
	runs, err := s.opts.Store.ListRuns(ctx, name, limit)
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", name, err)
	}
	return runs, nil
}

// Update changes a schedule with fn, which may change what a user gives
// (expression, time zone, window, target, input, policies, description)
// but not the name or the state (see Enable and Disable). A change of
// timetable counts from now: fire times before it are not caught up. A
// completed schedule given new fire times is enabled again.
func (s *Scheduler) Update(ctx context.Context, name string, fn func(d *Definition) error) (*Definition, error) {
	return s.change(ctx, name, nil, func(d *Definition) error {
		old := d.Clone()
		if err := fn(d); err != nil {
			return err
		}
		d.Name, d.State = old.Name, old.State
		d.Created, d.LastFire, d.LastRunID, d.Queued = old.Created, old.LastFire, old.LastRunID, old.Queued
		now := s.now()
		d.Updated = now
		if d.Expression != old.Expression || d.TimeZone != old.TimeZone || !d.Start.Equal(old.Start) || !d.End.Equal(old.End) {
			d.Since = now
			if d.State == StateCompleted {
				d.State, _ = d.State.Apply(EventRearm)
			}
		}
		return s.normalize(d)
	})
}

// Enable enables a schedule; it fires from now on (fire times while it
// was disabled are not caught up).
func (s *Scheduler) Enable(ctx context.Context, name string) (*Definition, error) {
	return s.setState(ctx, name, EventEnable)
}

// Disable disables a schedule: it does not fire until enabled, and its
// queued fire times are dropped (recorded as skipped).
func (s *Scheduler) Disable(ctx context.Context, name string) (*Definition, error) {
	return s.setState(ctx, name, EventDisable)
}

func (s *Scheduler) setState(ctx context.Context, name string, ev Event) (*Definition, error) {
	var runs []Run
	if ev == EventDisable {
		cur, err := s.opts.Store.GetSchedule(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", name, err)
		}
		now := s.now()
		for _, t := range cur.Queued {
			runs = append(runs, Run{FireTime: t, Status: RunSkipped, Reason: "the schedule was disabled while this fire time was queued", Time: now})
		}
	}
	return s.change(ctx, name, runs, func(d *Definition) error {
		to, err := d.State.Apply(ev)
		if err != nil {
			if d.State == StateCompleted {
				return errs.E("schedule", errs.Conflict, fmt.Errorf("schedule %s has completed (it has no fire time left): give it a new expression or window with update: %w", name, err))
			}
			return err
		}
		now := s.now()
		if to == StateEnabled && d.State != StateEnabled {
			d.Since = now
		}
		if to == StateDisabled {
			d.Queued = nil
		}
		d.State, d.Updated = to, now
		if d.State == StateEnabled {
			return s.normalize(d)
		}
		return nil
	})
}

// change updates a schedule with fn and runs, tells a running Run, and
// returns the schedule as stored.
func (s *Scheduler) change(ctx context.Context, name string, runs []Run, fn func(d *Definition) error) (*Definition, error) {
	var out *Definition
	err := s.opts.Store.UpdateSchedule(ctx, name, runs, func(d *Definition) error {
		if err := fn(d); err != nil {
			return err
		}
		out = d.Clone()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("schedule %s: %w", name, err)
	}
	s.notify(name)
	return out, nil
}

// Delete removes a schedule and its history. Runs it started go on.
func (s *Scheduler) Delete(ctx context.Context, name string) error {
	if err := s.opts.Store.DeleteSchedule(ctx, name); err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	s.notify(name)
	return nil
}

// baseline is the time after which d's fire times are still to handle.
func baseline(d *Definition) time.Time {
	b := d.Since.Add(-time.Nanosecond)
	if d.LastFire.After(b) {
		b = d.LastFire
	}
	return b
}

// NextFires returns up to n fire times of d still to come: after its last
// handled fire time, and not before it was created, enabled or changed.
// Fire times already due but not yet handled come first. It returns nil
// for a schedule that is not ENABLED or does not parse.
func NextFires(d *Definition, n int) []time.Time {
	if d.State != StateEnabled {
		return nil
	}
	sch, err := New(d.Spec())
	if err != nil {
		return nil
	}
	return sch.NextN(baseline(d), n)
}
