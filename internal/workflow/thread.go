package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Threads: their events, commits (group-committed checkpoints) and
// variable scopes.

// thread is one running thread of an execution: its durable record, its
// events not yet committed, and its variables.
type thread struct {
	x       *execution
	rec     *Thread
	pending []Event
	scope   *scope
	// uncounted: the thread runs a distributed Map's child execution,
	// whose events AWS keeps in the child's own history, so they do not
	// count toward the execution's MaxHistoryEvents.
	uncounted bool
}

func (x *execution) thread(rec *Thread, parent *thread) *thread {
	var ps *scope
	if parent != nil {
		ps = parent.scope
	}
	sc := newScope(ps)
	for k, v := range rec.Vars {
		sc.vals[k] = v
	}
	return &thread{x: x, rec: rec, scope: sc, uncounted: parent != nil && parent.uncounted}
}

// event adds an event to the thread's next commit. An event past the
// execution's MaxHistoryEvents (but for the execution's end) is dropped
// and stops the execution, which then fails with States.Runtime as on
// AWS, its ExecutionFailed being the last event the limit allows.
func (t *thread) event(typ string, details map[string]any) {
	x := t.x
	if limit := x.r.opts.MaxHistoryEvents; limit > 0 && !t.uncounted && !strings.HasPrefix(typ, "Execution") {
		if x.counted.Add(1) > int64(limit-2) { // ExecutionStarted and the end count too
			if !x.historyFull.Swap(true) && x.cancel != nil {
				x.cancel()
			}
			return
		}
		t.rec.Counted++
	}
	t.pending = append(t.pending, Event{Timestamp: x.r.opts.Clock.Now(), Type: typ, Details: details})
}

// commit writes the thread's pending events and its record, and end when
// the execution ends, and waits until they are stored.
func (t *thread) commit(ctx context.Context, end *Execution) error {
	return t.flush(end)()
}

// flush gives the thread's pending events their ids, in order, each
// following the thread's previous event, and queues them with the
// thread's record (and end) for the next group commit. It returns a
// function that waits until they are stored.
//
// Several threads' flushes are written in one transaction (see write),
// and a thread flushes only when durability matters: before a task
// runs, a timer starts or branches start, at its end, and every
// maxPendingEvents events. Transitions of Pass, Choice and Succeed states
// in between ride with the next flush; a crash before it loses nothing
// that had an effect, and the resumed execution goes through them again
// from the last stored transition, so none is recorded twice.
func (t *thread) flush(end *Execution) func() error {
	x := t.x
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.storeErr != nil {
		err := x.storeErr
		return func() error { return err }
	}
	events := make([]Event, len(t.pending))
	prev := t.rec.PrevEventID
	for i, ev := range t.pending {
		ev.ID, ev.PreviousEventID = x.nextID, prev
		prev = ev.ID
		x.nextID++
		events[i] = ev
	}
	t.rec.PrevEventID = prev
	t.pending = t.pending[:0]
	rec := *t.rec
	rec.Vars = t.scope.own()
	rec.Retries = append([]int(nil), t.rec.Retries...)
	req := &commitRequest{c: &Checkpoint{Events: events, Threads: []*Thread{&rec}, End: end}, done: make(chan error, 1)}
	// Queued under x.mu: the queue is in id order, and every batch
	// written is a prefix of it, so a crash never leaves a gap in ids.
	x.queue = append(x.queue, req)
	if !x.writing {
		x.writing = true
		go x.writeQueue()
	}
	return func() error { return <-req.done }
}

// maxPendingEvents bounds the events a thread keeps before it flushes.
const maxPendingEvents = 64

type commitRequest struct {
	c    *Checkpoint
	done chan error
}

// writeQueue writes the queued checkpoints, all that are queued at a time
// in one transaction, until the queue is empty.
func (x *execution) writeQueue() {
	for {
		x.mu.Lock()
		batch := x.queue
		x.queue = nil
		if len(batch) == 0 {
			x.writing = false
			x.mu.Unlock()
			return
		}
		x.mu.Unlock()
		merged := &Checkpoint{}
		for _, r := range batch {
			merged.Events = append(merged.Events, r.c.Events...)
			merged.Threads = append(merged.Threads, r.c.Threads...)
			if r.c.End != nil {
				merged.End = r.c.End
			}
		}
		err := x.store.Commit(context.Background(), x.rec.ARN, merged)
		if err != nil {
			err = fmt.Errorf("workflow: execution %s: record a transition: %w", x.rec.ARN, err)
			x.mu.Lock()
			if x.storeErr == nil {
				x.storeErr = err
			}
			x.mu.Unlock()
			if x.cancel != nil {
				x.cancel()
			}
		}
		for _, r := range batch {
			r.done <- err
		}
	}
}

// scope holds variables (Assign). Parallel branches and Map iterations
// read their parent's variables and assign their own.
type scope struct {
	mu     sync.Mutex
	vals   map[string]any
	parent *scope
}

func newScope(parent *scope) *scope { return &scope{vals: map[string]any{}, parent: parent} }

func (s *scope) get(name string) (any, bool) {
	for c := s; c != nil; c = c.parent {
		c.mu.Lock()
		v, ok := c.vals[name]
		c.mu.Unlock()
		if ok {
			return v, true
		}
	}
	return nil, false
}

func (s *scope) setAll(vals map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range vals {
		s.vals[k] = v
	}
}

// own returns a copy of the scope's own variables, nil if none.
func (s *scope) own() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.vals) == 0 {
		return nil
	}
	out := make(map[string]any, len(s.vals))
	for k, v := range s.vals {
		out[k] = v
	}
	return out
}

// encodeJSON renders a JSON value as history events hold it.
func encodeJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (x *execution) encode(v any) string { return encodeJSON(v) }

func (x *execution) size(v any) int { return len(encodeJSON(v)) }

// isoTime formats a time as the context object does: milliseconds,
// trailing zeros dropped.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999Z07:00")
}
