// Package functiontest helps test implementations and users of
// function.Store: MemStore is an in-memory Store, and RunStore the
// conformance suite every Store passes (the metastore's and MemStore).
//
// The contract it pins down: definitions round-trip exactly (times in UTC
// to the millisecond); ListFunctions is sorted by name; a duplicate create
// fails with function.ErrFunctionExists and a missing function with
// function.ErrFunctionNotFound, both matching their errs.Kind; an error
// from UpdateFunction's fn changes nothing; values are copies.
package functiontest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/weirdata/weir/internal/function"
)

// MemStore is a function.Store in memory.
type MemStore struct {
	mu sync.Mutex
	m  map[string]*function.Function
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{m: map[string]*function.Function{}} }

// CreateFunction implements function.Store.
func (s *MemStore) CreateFunction(ctx context.Context, f *function.Function) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[f.Name]; ok {
		return fmt.Errorf("create %s: %w", f.Name, function.ErrFunctionExists)
	}
	s.m[f.Name] = f.Clone()
	return nil
}

// GetFunction implements function.Store.
func (s *MemStore) GetFunction(ctx context.Context, name string) (*function.Function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.m[name]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", name, function.ErrFunctionNotFound)
	}
	return f.Clone(), nil
}

// ListFunctions implements function.Store.
func (s *MemStore) ListFunctions(ctx context.Context) ([]*function.Function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*function.Function
	for _, k := range slices.Sorted(maps.Keys(s.m)) {
		out = append(out, s.m[k].Clone())
	}
	return out, nil
}

// UpdateFunction implements function.Store.
func (s *MemStore) UpdateFunction(ctx context.Context, name string, fn func(f *function.Function) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.m[name]
	if !ok {
		return fmt.Errorf("update %s: %w", name, function.ErrFunctionNotFound)
	}
	c := f.Clone()
	if err := fn(c); err != nil {
		return err
	}
	s.m[name] = c
	return nil
}

// DeleteFunction implements function.Store.
func (s *MemStore) DeleteFunction(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[name]; !ok {
		return fmt.Errorf("delete %s: %w", name, function.ErrFunctionNotFound)
	}
	delete(s.m, name)
	return nil
}

var _ function.Store = (*MemStore)(nil)
