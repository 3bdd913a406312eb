package schedule

import (
	"container/heap"
	"context"
	"errors"
	"time"
)

// entry is a schedule as Run tracks it.
type entry struct {
	name   string
	def    *Definition // as last read or recorded
	sch    *Schedule   // def's timetable
	next   time.Time   // the next fire time, while in the heap
	index  int         // in the heap; -1 when not in it
	busy   bool        // being handled
	dirty  bool        // changed while busy: look again when done
	queued bool        // has queued fire times: poll its previous run
}

// fireHeap orders entries by next fire time.
type fireHeap []*entry

func (h fireHeap) Len() int           { return len(h) }
func (h fireHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h fireHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *fireHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *fireHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.index = -1
	return e
}

// loop is the state of one Run.
type loop struct {
	s       *Scheduler
	ctx     context.Context
	entries map[string]*entry
	queued  map[string]*entry // the entries with queued fire times
	heap    fireHeap
	done    chan handled
	sem     chan struct{}
	busy    int
}

type handled struct {
	e   *entry
	out outcome
	err error
}

// Run fires schedules until ctx is cancelled, then waits for the
// handling under way and returns nil. It keeps every enabled schedule's
// next fire time in a priority queue and sleeps on the Clock until the
// earliest, so that a fire time starts its target within milliseconds,
// however many schedules there are. On start it handles what came due
// while no scheduler ran, through each schedule's catch-up policy. Only
// one Run may run at a time.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.opts.Starter == nil {
		return errors.New("schedule: Run needs Options.Starter")
	}
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return errors.New("schedule: the scheduler is already running")
	}
	s.running = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = false
		clear(s.changed)
		s.mu.Unlock()
	}()

	l := &loop{s: s, ctx: ctx, entries: map[string]*entry{}, queued: map[string]*entry{}, done: make(chan handled), sem: make(chan struct{}, s.opts.Concurrency)}
	defs, err := s.opts.Store.ListSchedules(ctx)
	if err != nil {
		return err
	}
	for _, d := range defs {
		l.track(d)
	}
	s.logger.Info("scheduler running", "schedules", len(defs), "enabled", len(l.entries))
	var nextPoll time.Time
	for {
		now := s.opts.Clock.Now()
		for len(l.heap) > 0 && !l.heap[0].next.After(now) {
			l.dispatch(heap.Pop(&l.heap).(*entry))
		}
		// Schedules with queued fire times ask every Poll whether
		// their previous run has ended.
		polling := len(l.queued) > 0
		if polling && !now.Before(nextPoll) {
			for _, e := range l.queued {
				if e.busy {
					continue
				}
				if e.index >= 0 {
					heap.Remove(&l.heap, e.index)
				}
				l.dispatch(e)
			}
			nextPoll = now.Add(s.opts.Poll)
		}
		var timer Timer
		var tc <-chan time.Time
		var wake time.Time
		if len(l.heap) > 0 {
			wake = l.heap[0].next
		}
		if polling && (wake.IsZero() || nextPoll.Before(wake)) {
			wake = nextPoll
		}
		if !wake.IsZero() {
			timer = s.opts.Clock.NewTimer(wake)
			tc = timer.C()
		}
		select {
		case <-tc:
		case <-s.wake:
			l.changes()
		case h := <-l.done:
			l.finish(h)
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			for l.busy > 0 {
				l.finish(<-l.done)
			}
			s.logger.Info("scheduler stopped")
			return nil
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// track starts tracking d if it is enabled, with its next fire time
// (which may be past: it is then due at once).
func (l *loop) track(d *Definition) {
	if d.State != StateEnabled {
		return
	}
	sch, err := New(d.Spec())
	if err != nil {
		l.s.logger.Error("schedule no longer valid; not firing it", "schedule", d.Name, "err", err)
		return
	}
	e := &entry{name: d.Name, def: d, sch: sch, index: -1}
	l.entries[d.Name] = e
	l.setQueued(e, len(d.Queued) > 0)
	if next := NextFires(d, 1); len(next) == 1 {
		e.next = next[0]
		heap.Push(&l.heap, e)
	}
}

// dispatch handles e in a goroutine.
func (l *loop) dispatch(e *entry) {
	e.busy = true
	l.busy++
	go func() {
		l.sem <- struct{}{}
		out, err := l.s.handle(l.ctx, e.def, e.sch, l.s.opts.Clock.Now())
		<-l.sem
		l.done <- handled{e, out, err}
	}()
}

// finish takes back a handled entry.
func (l *loop) finish(h handled) {
	l.busy--
	e := h.e
	e.busy = false
	if l.entries[e.name] != e {
		return // deleted meanwhile
	}
	switch {
	case e.dirty:
		e.dirty = false
		l.reload(e.name)
		return
	case h.err != nil:
		if l.ctx.Err() == nil {
			l.s.logger.Error("schedule handling failed; trying again", "schedule", e.name, "err", h.err)
		}
		e.next = l.s.opts.Clock.Now().Add(l.s.opts.Poll)
		heap.Push(&l.heap, e)
		return
	}
	if h.out.def != nil {
		e.def = h.out.def
	}
	l.setQueued(e, h.out.queued)
	if !h.out.next.IsZero() {
		e.next = h.out.next
		heap.Push(&l.heap, e)
	} else if !e.queued {
		delete(l.entries, e.name)
	}
}

// setQueued records whether e has queued fire times.
func (l *loop) setQueued(e *entry, q bool) {
	e.queued = q
	if q {
		l.queued[e.name] = e
	} else {
		delete(l.queued, e.name)
	}
}

// changes looks again at the schedules changed through the Scheduler.
func (l *loop) changes() {
	l.s.mu.Lock()
	var names []string
	for n := range l.s.changed {
		names = append(names, n)
	}
	clear(l.s.changed)
	l.s.mu.Unlock()
	for _, n := range names {
		l.reload(n)
	}
}

// reload reads a schedule again and re-tracks it.
func (l *loop) reload(name string) {
	if e := l.entries[name]; e != nil {
		if e.busy {
			e.dirty = true
			return
		}
		if e.index >= 0 {
			heap.Remove(&l.heap, e.index)
		}
		delete(l.entries, name)
		delete(l.queued, name)
	}
	d, err := l.s.opts.Store.GetSchedule(l.ctx, name)
	if err != nil {
		return // deleted, or read next time it changes
	}
	l.track(d)
}

// RunDue handles once every schedule that has something due at the
// Clock's present (fire times up to now, missed ones through the
// catch-up policy; queued fire times whose previous run ended) and
// returns what it recorded, by schedule. It is Run's work without the
// waiting: weir schedules run-due uses it where no weir serve runs.
func (s *Scheduler) RunDue(ctx context.Context) (map[string][]Run, error) {
	if s.opts.Starter == nil {
		return nil, errors.New("schedule: RunDue needs Options.Starter")
	}
	defs, err := s.opts.Store.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	now := s.opts.Clock.Now()
	out := map[string][]Run{}
	var errs []error
	for _, d := range defs {
		if d.State != StateEnabled {
			continue
		}
		if next := NextFires(d, 1); len(d.Queued) == 0 && (len(next) == 0 || next[0].After(now)) {
			continue
		}
		o, err := s.handle(ctx, d, nil, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(o.runs) > 0 {
			out[d.Name] = o.runs
		}
	}
	return out, errors.Join(errs...)
}
