// Package triggertest holds an in-memory trigger.Store, the conformance
// suite every trigger.Store passes (RunStore), and fakes of the
// Engine's other collaborators: a Starter and a Watcher.
package triggertest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/weirdata/weir/internal/trigger"
)

// MemStore is an in-memory trigger.Store.
type MemStore struct {
	mu       sync.Mutex
	triggers map[string]*trigger.Trigger
	objects  map[string]map[string]trigger.Object
	runs     map[string][]trigger.Run // oldest first
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{triggers: map[string]*trigger.Trigger{}, objects: map[string]map[string]trigger.Object{}, runs: map[string][]trigger.Run{}}
}

func notFound(name string) error {
	return fmt.Errorf("trigger %s: %w", name, trigger.ErrTriggerNotFound)
}

// CreateTrigger implements trigger.Store.
func (s *MemStore) CreateTrigger(ctx context.Context, t *trigger.Trigger, objects []trigger.Object) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.triggers[t.Name]; ok {
		return fmt.Errorf("trigger %s: %w", t.Name, trigger.ErrTriggerExists)
	}
	s.triggers[t.Name] = t.Clone()
	objs := map[string]trigger.Object{}
	for _, o := range objects {
		objs[o.Key] = o
	}
	s.objects[t.Name] = objs
	return nil
}

// GetTrigger implements trigger.Store.
func (s *MemStore) GetTrigger(ctx context.Context, name string) (*trigger.Trigger, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.triggers[name]
	if !ok {
		return nil, notFound(name)
	}
	return t.Clone(), nil
}

// ListTriggers implements trigger.Store.
func (s *MemStore) ListTriggers(ctx context.Context) ([]*trigger.Trigger, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*trigger.Trigger
	for _, t := range s.triggers {
		out = append(out, t.Clone())
	}
	slices.SortFunc(out, func(a, b *trigger.Trigger) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// UpdateTrigger implements trigger.Store.
func (s *MemStore) UpdateTrigger(ctx context.Context, name string, ch *trigger.Change, fn func(t *trigger.Trigger) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.triggers[name]
	if !ok {
		return notFound(name)
	}
	t := old.Clone()
	if fn != nil {
		if err := fn(t); err != nil {
			return err
		}
	}
	t.Name = name
	s.triggers[name] = t.Clone()
	if ch == nil {
		return nil
	}
	if ch.Reset {
		s.objects[name] = map[string]trigger.Object{}
	}
	for _, k := range ch.Delete {
		delete(s.objects[name], k)
	}
	for _, o := range ch.Put {
		s.objects[name][o.Key] = o
	}
	runs := append(s.runs[name], ch.Runs...)
	if n := len(runs) - trigger.HistoryLimit; n > 0 {
		runs = runs[n:]
	}
	s.runs[name] = runs
	return nil
}

// DeleteTrigger implements trigger.Store.
func (s *MemStore) DeleteTrigger(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.triggers[name]; !ok {
		return notFound(name)
	}
	delete(s.triggers, name)
	delete(s.objects, name)
	delete(s.runs, name)
	return nil
}

// ListTriggerRuns implements trigger.Store.
func (s *MemStore) ListTriggerRuns(ctx context.Context, name string, limit int) ([]trigger.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.triggers[name]; !ok {
		return nil, notFound(name)
	}
	runs := slices.Clone(s.runs[name])
	slices.Reverse(runs)
	if limit > 0 && len(runs) > limit {
		runs = runs[:limit]
	}
	return runs, nil
}

// ListObjects implements trigger.Store.
func (s *MemStore) ListObjects(ctx context.Context, name string) ([]trigger.Object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.triggers[name]; !ok {
		return nil, notFound(name)
	}
	var out []trigger.Object
	for _, o := range s.objects[name] {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b trigger.Object) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

var _ trigger.Store = (*MemStore)(nil)
