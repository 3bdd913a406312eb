package trigger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
)

// Options configure an Engine.
type Options struct {
	Store   Store
	Starter Starter // needed to fire: Run and Poll
	Lister  Lister  // needed by lake sources
	Watcher Watcher // needed by crawler, query and execution sources
	// Clock is the time the Engine sees; tests use
	// scheduletest.Clock.
	Clock  schedule.Clock
	Logger *slog.Logger
	// Interval is how often Run polls the sources.
	Interval time.Duration
	// MaxEvents bounds the queries or executions one poll reads per
	// trigger; the rest are read by the next polls.
	MaxEvents int
}

// DefaultOptions returns options with the system clock, a one-second
// poll interval and at most 1,000 events per trigger and poll.
func DefaultOptions() Options {
	return Options{Clock: schedule.SystemClock{}, Interval: time.Second, MaxEvents: 1000}
}

// Engine keeps triggers (create, enable, disable, delete, history) and,
// while Run runs or when Poll is called, fires them: it polls each
// enabled trigger's source and starts its target through the Starter
// for each batch of new lake objects and each matching state change.
// Its lifecycle: New(opts) → Run(ctx) until ctx is cancelled.
type Engine struct {
	opts   Options
	logger *slog.Logger

	poll sync.Mutex // one poll at a time
	mu   sync.Mutex
	seen map[string]*seenObjects // by trigger name
}

// seenObjects caches the objects a lake trigger has seen, for one
// generation of it.
type seenObjects struct {
	created    time.Time
	generation int64
	objects    map[string]Object
}

// New returns an Engine; it fails if opts has no Store.
func New(opts Options) (*Engine, error) {
	d := DefaultOptions()
	if opts.Store == nil {
		return nil, errors.New("trigger: Options.Store is required")
	}
	if opts.Clock == nil {
		opts.Clock = d.Clock
	}
	if opts.Interval <= 0 {
		opts.Interval = d.Interval
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = d.MaxEvents
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{opts: opts, logger: logger.With("component", "triggers"), seen: map[string]*seenObjects{}}, nil
}

func (e *Engine) now() time.Time { return e.opts.Clock.Now().UTC().Truncate(time.Millisecond) }

// Create validates t, primes it (a lake source's objects present now
// and a state-change source's events before now do not fire it) and
// stores it. An empty State is ENABLED; zero batch fields of a lake
// source get their defaults.
func (e *Engine) Create(ctx context.Context, t *Trigger) (*Trigger, error) {
	t = t.Clone()
	if t.State == "" {
		t.State = StateEnabled
	}
	if t.Source.Kind == SourceLake {
		t.Batch = t.Batch.withDefaults()
	}
	now := e.now()
	t.Created, t.Updated = now, now
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if _, err := e.opts.Store.GetTrigger(ctx, t.Name); err == nil {
		return nil, errs.E("trigger", errs.Exists, fmt.Errorf("trigger %s: %w", t.Name, ErrTriggerExists))
	}
	objs, err := e.prime(ctx, t, now)
	if err != nil {
		return nil, err
	}
	if err := e.opts.Store.CreateTrigger(ctx, t, objs); err != nil {
		return nil, err
	}
	return t, nil
}

// prime makes t start watching its source from now: it reads where the
// source is and returns a lake source's objects, all seen.
func (e *Engine) prime(ctx context.Context, t *Trigger, now time.Time) ([]Object, error) {
	t.Generation++
	t.Since = now
	t.Cursor, t.Due = Cursor{}, nil
	t.Pending, t.BatchStart, t.LastArrival = 0, time.Time{}, time.Time{}
	switch t.Source.Kind {
	case SourceLake:
		if e.opts.Lister == nil {
			return nil, errors.New("trigger: no lake to watch (Options.Lister)")
		}
		var objs []Object
		for o, err := range e.opts.Lister.List(ctx, t.Source.Bucket, t.Source.Prefix) {
			if err != nil {
				return nil, fmt.Errorf("trigger %s: list %s: %w", t.Name, t.Source.URI(), err)
			}
			if !o.IsPrefix {
				objs = append(objs, Object{Key: o.Key, Size: o.Size, ModTime: o.ModTime, Seen: now})
			}
		}
		return objs, nil
	case SourceCrawler:
		if e.opts.Watcher == nil {
			return nil, errors.New("trigger: no crawler states to watch (Options.Watcher)")
		}
		rs, err := e.opts.Watcher.Lookup(ctx, SourceCrawler, []string{t.Source.Name})
		if err != nil {
			return nil, fmt.Errorf("trigger %s: read crawler %s: %w", t.Name, t.Source.Name, err)
		}
		if len(rs) > 0 {
			t.Cursor.Crawl = rs[0].ID
		}
	default:
		if e.opts.Watcher == nil {
			return nil, fmt.Errorf("trigger: no %s states to watch (Options.Watcher)", t.Source.Kind)
		}
		seq, open, err := e.opts.Watcher.Head(ctx, t.Source.Kind, t.Source.Name)
		if err != nil {
			return nil, fmt.Errorf("trigger %s: read %ss: %w", t.Name, t.Source.Kind, err)
		}
		t.Cursor.Seq, t.Cursor.Open = seq, open
	}
	return nil, nil
}

// Get returns a trigger.
func (e *Engine) Get(ctx context.Context, name string) (*Trigger, error) {
	return e.opts.Store.GetTrigger(ctx, name)
}

// List returns all triggers sorted by name.
func (e *Engine) List(ctx context.Context) ([]*Trigger, error) { return e.opts.Store.ListTriggers(ctx) }

// History returns up to limit of a trigger's runs, newest first.
func (e *Engine) History(ctx context.Context, name string, limit int) ([]Run, error) {
	return e.opts.Store.ListTriggerRuns(ctx, name, limit)
}

// Delete removes a trigger and its history; runs it started go on.
func (e *Engine) Delete(ctx context.Context, name string) error {
	if err := e.opts.Store.DeleteTrigger(ctx, name); err != nil {
		return err
	}
	e.forget(name)
	return nil
}

// Enable enables a trigger. A disabled trigger is primed again: what
// happened while it was disabled does not fire it, as with EventBridge.
// Enabling an enabled trigger changes nothing.
func (e *Engine) Enable(ctx context.Context, name string) (*Trigger, error) {
	t, err := e.opts.Store.GetTrigger(ctx, name)
	if err != nil || t.State == StateEnabled {
		return t, err
	}
	now := e.now()
	primed := t.Clone()
	objs, err := e.prime(ctx, primed, now)
	if err != nil {
		return nil, err
	}
	var out *Trigger
	err = e.opts.Store.UpdateTrigger(ctx, name, &Change{Reset: true, Put: objs}, func(t *Trigger) error {
		st, err := t.State.Apply(EventEnable)
		if err != nil {
			return err
		}
		t.State, t.Updated = st, now
		t.Generation++
		t.Since, t.Cursor, t.Due = primed.Since, primed.Cursor, nil
		t.Pending, t.BatchStart, t.LastArrival = 0, time.Time{}, time.Time{}
		out = t.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.forget(name)
	return out, nil
}

// Disable disables a trigger: it does not fire until enabled, and its
// pending objects and due events are dropped.
func (e *Engine) Disable(ctx context.Context, name string) (*Trigger, error) {
	var out *Trigger
	err := e.opts.Store.UpdateTrigger(ctx, name, nil, func(t *Trigger) error {
		st, err := t.State.Apply(EventDisable)
		if err != nil {
			return err
		}
		if st != t.State {
			t.Updated = e.now()
		}
		t.State, t.Due = st, nil
		t.Pending, t.BatchStart, t.LastArrival = 0, time.Time{}, time.Time{}
		out = t.Clone()
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.forget(name)
	return out, nil
}

func (e *Engine) forget(name string) {
	e.mu.Lock()
	delete(e.seen, name)
	e.mu.Unlock()
}

// Fired is one firing of a Poll.
type Fired struct {
	Trigger string
	Run     Run
}

// PollOptions change what Poll fires.
type PollOptions struct {
	// Flush fires lake batches at once, without waiting for their quiet
	// period, size or age (weir triggers poll --flush, in CI).
	Flush bool
}

// Poll checks every enabled trigger's source once and fires what is
// due: each batch of new objects whose quiet period, size or age is
// reached, and each matching state change. It returns the firings, and
// the triggers' errors joined (one trigger failing does not stop the
// others).
func (e *Engine) Poll(ctx context.Context, opts PollOptions) ([]Fired, error) {
	if e.opts.Starter == nil {
		return nil, errors.New("trigger: Options.Starter is required to fire triggers")
	}
	e.poll.Lock()
	defer e.poll.Unlock()
	list, err := e.opts.Store.ListTriggers(ctx)
	if err != nil {
		return nil, err
	}
	var fired []Fired
	var errList []error
	for _, t := range list {
		if t.State != StateEnabled {
			continue
		}
		var runs []Run
		var err error
		if t.Source.Kind == SourceLake {
			runs, err = e.pollLake(ctx, t, opts.Flush)
		} else {
			runs, err = e.pollState(ctx, t)
		}
		for _, r := range runs {
			fired = append(fired, Fired{Trigger: t.Name, Run: r})
		}
		if err != nil && ctx.Err() == nil {
			if errors.Is(err, ErrTriggerNotFound) {
				continue // deleted meanwhile
			}
			e.logger.Warn("trigger poll failed", "trigger", t.Name, "source", t.Source.String(), "err", err)
			errList = append(errList, fmt.Errorf("trigger %s: %w", t.Name, err))
		}
	}
	return fired, errors.Join(errList...)
}

// Run polls the sources every Options.Interval and fires what is due
// until ctx is cancelled; the runs it starts are bounded by ctx. It
// returns nil when ctx is cancelled.
func (e *Engine) Run(ctx context.Context) error {
	if e.opts.Starter == nil {
		return errors.New("trigger: Options.Starter is required to fire triggers")
	}
	for {
		if _, err := e.Poll(ctx, PollOptions{}); err != nil && ctx.Err() == nil {
			e.logger.Debug("trigger poll", "err", err)
		}
		timer := e.opts.Clock.NewTimer(e.opts.Clock.Now().Add(e.opts.Interval))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		}
	}
}

// objectsOf returns the objects t has seen, cached between polls.
func (e *Engine) objectsOf(ctx context.Context, t *Trigger) (*seenObjects, error) {
	e.mu.Lock()
	s := e.seen[t.Name]
	e.mu.Unlock()
	if s != nil && s.generation == t.Generation && s.created.Equal(t.Created) {
		return s, nil
	}
	list, err := e.opts.Store.ListObjects(ctx, t.Name)
	if err != nil {
		return nil, err
	}
	s = &seenObjects{created: t.Created, generation: t.Generation, objects: make(map[string]Object, len(list))}
	for _, o := range list {
		s.objects[o.Key] = o
	}
	e.mu.Lock()
	e.seen[t.Name] = s
	e.mu.Unlock()
	return s, nil
}

// pollLake records the objects that arrived under t's prefix since the
// last poll and fires the batches that are due.
func (e *Engine) pollLake(ctx context.Context, t *Trigger, flush bool) ([]Run, error) {
	if e.opts.Lister == nil {
		return nil, errors.New("no lake to watch (Options.Lister)")
	}
	seen, err := e.objectsOf(ctx, t)
	if err != nil {
		return nil, err
	}
	now := e.now()
	ch := &Change{}
	pending, arrived := t.Pending, 0
	listed := make(map[string]bool, len(seen.objects))
	for o, err := range e.opts.Lister.List(ctx, t.Source.Bucket, t.Source.Prefix) {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", t.Source.URI(), err)
		}
		if o.IsPrefix {
			continue
		}
		listed[o.Key] = true
		old, ok := seen.objects[o.Key]
		if ok && old.Size == o.Size && old.ModTime.Equal(o.ModTime) {
			continue
		}
		if !ok || !old.Pending {
			pending++
		}
		arrived++
		ch.Put = append(ch.Put, Object{Key: o.Key, Size: o.Size, ModTime: o.ModTime, Pending: true, Seen: now})
	}
	for key, o := range seen.objects {
		if !listed[key] {
			ch.Delete = append(ch.Delete, key)
			if o.Pending {
				pending--
			}
		}
	}
	if !ch.Empty() {
		slices.Sort(ch.Delete)
		err := e.opts.Store.UpdateTrigger(ctx, t.Name, ch, func(st *Trigger) error {
			if st.Generation != t.Generation {
				return errs.E("trigger", errs.Conflict, errors.New("the trigger was re-enabled during the poll"))
			}
			st.Pending = pending
			if arrived > 0 {
				st.LastArrival = now
				if st.BatchStart.IsZero() {
					st.BatchStart = now
				}
			}
			if pending == 0 {
				st.BatchStart, st.LastArrival = time.Time{}, time.Time{}
			}
			*t = *st.Clone()
			return nil
		})
		if err != nil {
			e.forget(t.Name)
			return nil, err
		}
		e.mu.Lock()
		for _, k := range ch.Delete {
			delete(seen.objects, k)
		}
		for _, o := range ch.Put {
			seen.objects[o.Key] = o
		}
		e.mu.Unlock()
	}
	var runs []Run
	for t.Pending > 0 && (flush || batchDue(t, now)) {
		r, err := e.fireBatch(ctx, t, seen, now)
		if err != nil {
			return runs, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// batchDue reports whether t's pending objects should fire at now.
func batchDue(t *Trigger, now time.Time) bool {
	b := t.Batch.withDefaults()
	return t.Pending > 0 && (t.Pending >= b.Size ||
		now.Sub(t.LastArrival) >= time.Duration(b.Debounce) ||
		now.Sub(t.BatchStart) >= time.Duration(b.MaxWait))
}

// nextFire returns the fire time of a firing at or after at: strictly
// later than the previous one, so that each firing names its own
// execution.
func nextFire(at, last time.Time) time.Time {
	at = at.UTC().Truncate(time.Millisecond)
	if !at.After(last) {
		at = last.Add(time.Millisecond)
	}
	return at
}

// fireBatch fires the oldest pending objects of t, at most a batch.
func (e *Engine) fireBatch(ctx context.Context, t *Trigger, seen *seenObjects, now time.Time) (Run, error) {
	e.mu.Lock()
	var batch []Object
	for _, o := range seen.objects {
		if o.Pending {
			batch = append(batch, o)
		}
	}
	e.mu.Unlock()
	slices.SortFunc(batch, func(a, b Object) int {
		return cmp.Or(a.Seen.Compare(b.Seen), cmp.Compare(a.Key, b.Key))
	})
	size := t.Batch.withDefaults().Size
	rest := batch[min(size, len(batch)):]
	batch = batch[:min(size, len(batch))]
	fire := nextFire(t.BatchStart, t.LastFire)
	ev := objectsEvent(t, fire, batch)
	r := Run{FireTime: fire, EventID: ev.ID, Objects: len(batch), Summary: fmt.Sprintf("%d object(s) under %s", len(batch), t.Source.URI())}
	e.start(ctx, t, ev, &r, now)
	done := make([]Object, len(batch))
	for i, o := range batch {
		o.Pending = false
		done[i] = o
	}
	err := e.opts.Store.UpdateTrigger(ctx, t.Name, &Change{Put: done, Runs: []Run{r}}, func(st *Trigger) error {
		st.Pending = len(rest)
		st.LastFire = fire
		if len(rest) == 0 {
			st.BatchStart, st.LastArrival = time.Time{}, time.Time{}
		} else {
			st.BatchStart = rest[0].Seen
		}
		*t = *st.Clone()
		return nil
	})
	if err != nil {
		e.forget(t.Name)
		return r, err
	}
	e.mu.Lock()
	for _, o := range done {
		seen.objects[o.Key] = o
	}
	e.mu.Unlock()
	return r, nil
}

// start starts t's target with ev and records the outcome in r. A
// target that cannot be started is recorded, not retried: the event is
// dropped, as EventBridge drops it once its retries run out.
func (e *Engine) start(ctx context.Context, t *Trigger, ev Event, r *Run, now time.Time) {
	r.Time = now
	input, err := ExpandInput(t, ev)
	if err == nil {
		r.RunID, err = e.opts.Starter.Start(ctx, Fire{Trigger: t.Name, Target: t.Target, Input: input, FireTime: r.FireTime})
	}
	if err != nil {
		r.Status, r.Reason = RunFailed, errs.Message(err)
		e.logger.Warn("trigger could not start its target", "trigger", t.Name, "target", t.Target.String(), "event", ev.ID, "err", err)
		return
	}
	r.Status = RunStarted
	e.logger.Info("trigger started its target", "trigger", t.Name, "target", t.Target.String(), "event", ev.ID, "run", r.RunID)
}

// pollState reads the state changes of t's source since its cursor,
// queues the matching ones and fires the queue.
func (e *Engine) pollState(ctx context.Context, t *Trigger) ([]Run, error) {
	if e.opts.Watcher == nil {
		return nil, fmt.Errorf("no %s states to watch (Options.Watcher)", t.Source.Kind)
	}
	cur := Cursor{Seq: t.Cursor.Seq, Crawl: t.Cursor.Crawl}
	var ended []RunState
	src := t.Source
	if src.Kind == SourceCrawler {
		rs, err := e.opts.Watcher.Lookup(ctx, SourceCrawler, []string{src.Name})
		if err != nil {
			return nil, err
		}
		if len(rs) > 0 && rs[0].ID != "" && rs[0].ID != cur.Crawl {
			cur.Crawl = rs[0].ID
			ended = append(ended, rs[0])
		}
	} else {
		if len(t.Cursor.Open) > 0 {
			rs, err := e.opts.Watcher.Lookup(ctx, src.Kind, t.Cursor.Open)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if Terminal(src.Kind, r.State) {
					ended = append(ended, r)
				} else {
					cur.Open = append(cur.Open, r.ID)
				}
			}
		}
		name := Any
		if src.Kind == SourceExecution {
			name = src.Name
		}
		rs, err := e.opts.Watcher.Since(ctx, src.Kind, name, t.Cursor.Seq, e.opts.MaxEvents)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			cur.Seq = max(cur.Seq, r.Seq)
			if Terminal(src.Kind, r.State) {
				ended = append(ended, r)
			} else {
				cur.Open = append(cur.Open, r.ID)
			}
		}
	}
	changed := cur.Seq != t.Cursor.Seq || cur.Crawl != t.Cursor.Crawl || !slices.Equal(cur.Open, t.Cursor.Open)
	if changed {
		slices.SortStableFunc(ended, func(a, b RunState) int { return a.Time.Compare(b.Time) })
		err := e.opts.Store.UpdateTrigger(ctx, t.Name, nil, func(st *Trigger) error {
			if st.Generation != t.Generation || st.State != StateEnabled {
				return errs.E("trigger", errs.Conflict, errors.New("the trigger was disabled or re-enabled during the poll"))
			}
			last := st.LastFire
			if n := len(st.Due); n > 0 {
				last = st.Due[n-1].FireTime
			}
			for _, r := range ended {
				if !src.Matches(r.Name, r.State) {
					continue
				}
				fire := nextFire(r.Time, last)
				last = fire
				ev := envelope(r.Event, r.Time, st.Name, fmt.Sprint(st.Generation), string(src.Kind), r.ID, r.State)
				st.Due = append(st.Due, Due{FireTime: fire, Event: ev})
			}
			st.Cursor = cur
			*t = *st.Clone()
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var runs []Run
	for len(t.Due) > 0 {
		d := t.Due[0]
		r := Run{FireTime: d.FireTime, EventID: d.Event.ID, Summary: summary(d.Event)}
		e.start(ctx, t, d.Event, &r, e.now())
		err := e.opts.Store.UpdateTrigger(ctx, t.Name, &Change{Runs: []Run{r}}, func(st *Trigger) error {
			if len(st.Due) == 0 || st.Due[0].Event.ID != d.Event.ID {
				return errs.E("trigger", errs.Conflict, errors.New("the trigger's due events changed during the poll"))
			}
			st.Due = st.Due[1:]
			st.LastFire = d.FireTime
			*t = *st.Clone()
			return nil
		})
		if err != nil {
			return runs, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// summary words a state-change event for a run's history.
func summary(ev Event) string {
	s := ev.DetailType
	for _, k := range []string{"crawlerName", "name", "queryExecutionId"} {
		if v, ok := ev.Detail[k].(string); ok {
			s += " " + v
			break
		}
	}
	for _, k := range []string{"state", "status", "currentState"} {
		if v, ok := ev.Detail[k].(string); ok {
			s += " " + v
			break
		}
	}
	return s
}
