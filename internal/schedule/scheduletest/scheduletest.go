// Package scheduletest helps test implementations and users of the
// schedule package: MemStore is an in-memory schedule.Store and RunStore
// the conformance suite every Store passes (the metastore's and
// MemStore); Clock is a fake schedule.Clock that moves only when told,
// and Starter a fake schedule.Starter that records what it starts.
//
// The Store contract RunStore pins down: definitions round-trip exactly
// (times in UTC); ListSchedules is sorted by name; a duplicate create
// fails with schedule.ErrScheduleExists and a missing schedule with
// schedule.ErrScheduleNotFound, both matching their errs.Kind; an error
// from UpdateSchedule's fn changes nothing, runs included; a run replaces
// the run with the same fire time; ListRuns is newest first and keeps
// schedule.HistoryLimit runs; deleting a schedule deletes its runs;
// values are copies.
package scheduletest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/weirdata/weir/internal/schedule"
)

// MemStore is a schedule.Store in memory.
type MemStore struct {
	mu   sync.Mutex
	defs map[string]*schedule.Definition
	runs map[string][]schedule.Run // by schedule, oldest fire time first
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{defs: map[string]*schedule.Definition{}, runs: map[string][]schedule.Run{}}
}

// CreateSchedule implements schedule.Store.
func (s *MemStore) CreateSchedule(ctx context.Context, d *schedule.Definition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.defs[d.Name]; ok {
		return fmt.Errorf("create %s: %w", d.Name, schedule.ErrScheduleExists)
	}
	s.defs[d.Name] = d.Clone()
	return nil
}

// GetSchedule implements schedule.Store.
func (s *MemStore) GetSchedule(ctx context.Context, name string) (*schedule.Definition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.defs[name]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", name, schedule.ErrScheduleNotFound)
	}
	return d.Clone(), nil
}

// ListSchedules implements schedule.Store.
func (s *MemStore) ListSchedules(ctx context.Context) ([]*schedule.Definition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*schedule.Definition
	for _, k := range slices.Sorted(maps.Keys(s.defs)) {
		out = append(out, s.defs[k].Clone())
	}
	return out, nil
}

// UpdateSchedule implements schedule.Store.
func (s *MemStore) UpdateSchedule(ctx context.Context, name string, runs []schedule.Run, fn func(d *schedule.Definition) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.defs[name]
	if !ok {
		return fmt.Errorf("update %s: %w", name, schedule.ErrScheduleNotFound)
	}
	c := d.Clone()
	if fn != nil {
		if err := fn(c); err != nil {
			return err
		}
	}
	c.Name = name
	s.defs[name] = c.Clone()
	list := s.runs[name]
	for _, r := range runs {
		i := sort.Search(len(list), func(i int) bool { return !list[i].FireTime.Before(r.FireTime) })
		if i < len(list) && list[i].FireTime.Equal(r.FireTime) {
			list[i] = r
			continue
		}
		list = slices.Insert(list, i, r)
	}
	if n := len(list) - schedule.HistoryLimit; n > 0 {
		list = slices.Delete(list, 0, n)
	}
	s.runs[name] = list
	return nil
}

// DeleteSchedule implements schedule.Store.
func (s *MemStore) DeleteSchedule(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.defs[name]; !ok {
		return fmt.Errorf("delete %s: %w", name, schedule.ErrScheduleNotFound)
	}
	delete(s.defs, name)
	delete(s.runs, name)
	return nil
}

// ListRuns implements schedule.Store.
func (s *MemStore) ListRuns(ctx context.Context, name string, limit int) ([]schedule.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.defs[name]; !ok {
		return nil, fmt.Errorf("runs of %s: %w", name, schedule.ErrScheduleNotFound)
	}
	list := s.runs[name]
	var out []schedule.Run
	for i := len(list) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, list[i])
	}
	return out, nil
}

var _ schedule.Store = (*MemStore)(nil)
