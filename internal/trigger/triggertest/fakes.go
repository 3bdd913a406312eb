package triggertest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/weirdata/weir/internal/trigger"
)

// Starter is a fake trigger.Starter that records what it starts.
type Starter struct {
	mu    sync.Mutex
	fires []trigger.Fire
	fail  error
}

// Start implements trigger.Starter: it records f and returns run-N, or
// the error set with Fail.
func (s *Starter) Start(ctx context.Context, f trigger.Fire) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return "", s.fail
	}
	s.fires = append(s.fires, f)
	return fmt.Sprintf("run-%d", len(s.fires)), nil
}

// Fail makes the next starts fail with err (nil: succeed again).
func (s *Starter) Fail(err error) {
	s.mu.Lock()
	s.fail = err
	s.mu.Unlock()
}

// Fires returns what was started, in order.
func (s *Starter) Fires() []trigger.Fire {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.fires)
}

// Watcher is a fake trigger.Watcher over runs the test adds and ends.
type Watcher struct {
	mu     sync.Mutex
	seq    int64
	runs   []trigger.RunState // queries and executions, by Seq
	kinds  []trigger.SourceKind
	crawls map[string]trigger.RunState
}

// Add adds an open (or, with a terminal state, ended) query or execution
// and returns its id.
func (w *Watcher) Add(kind trigger.SourceKind, name, state string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq++
	id := fmt.Sprintf("%s-%d", kind, w.seq)
	w.runs = append(w.runs, trigger.RunState{Seq: w.seq, ID: id, Name: name, State: state,
		Event: trigger.Event{DetailType: "Test", Source: "weir.test", Detail: map[string]any{"name": id, "status": state}}})
	w.kinds = append(w.kinds, kind)
	return id
}

// End moves a run added with Add to state.
func (w *Watcher) End(id, state string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.runs {
		if w.runs[i].ID == id {
			w.runs[i].State = state
			w.runs[i].Event.Detail["status"] = state
		}
	}
}

// Crawl records a finished crawl of crawler name.
func (w *Watcher) Crawl(name, id, state string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.crawls == nil {
		w.crawls = map[string]trigger.RunState{}
	}
	w.crawls[name] = trigger.RunState{ID: id, Name: name, State: state,
		Event: trigger.Event{DetailType: "Glue Crawler State Change", Source: "aws.glue", Detail: map[string]any{"crawlerName": name, "state": state}}}
}

// Since implements trigger.Watcher.
func (w *Watcher) Since(ctx context.Context, kind trigger.SourceKind, name string, seq int64, limit int) ([]trigger.RunState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []trigger.RunState
	for i, r := range w.runs {
		if w.kinds[i] == kind && r.Seq > seq && (name == trigger.Any || name == r.Name) && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

// Lookup implements trigger.Watcher.
func (w *Watcher) Lookup(ctx context.Context, kind trigger.SourceKind, ids []string) ([]trigger.RunState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []trigger.RunState
	for _, id := range ids {
		if kind == trigger.SourceCrawler {
			if c, ok := w.crawls[id]; ok {
				out = append(out, c)
			}
			continue
		}
		for i, r := range w.runs {
			if w.kinds[i] == kind && r.ID == id {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Head implements trigger.Watcher.
func (w *Watcher) Head(ctx context.Context, kind trigger.SourceKind, name string) (int64, []string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var seq int64
	var open []string
	for i, r := range w.runs {
		if w.kinds[i] != kind {
			continue
		}
		seq = max(seq, r.Seq)
		if !trigger.Terminal(kind, r.State) && (name == trigger.Any || name == r.Name) {
			open = append(open, r.ID)
		}
	}
	return seq, open, nil
}

var (
	_ trigger.Starter = (*Starter)(nil)
	_ trigger.Watcher = (*Watcher)(nil)
)
