package trigger

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/schedule"
)

// Store keeps triggers, the objects their lake sources have seen, and
// their run history durably. Methods take and return copies.
// internal/metastore implements it; triggertest.MemStore is an
// in-memory one, and triggertest.RunStore the suite both pass.
type Store interface {
	// CreateTrigger adds a trigger with the objects its source holds
	// now (seen, not pending), or fails with ErrTriggerExists.
	CreateTrigger(ctx context.Context, t *Trigger, objects []Object) error
	// GetTrigger returns a trigger or ErrTriggerNotFound.
	GetTrigger(ctx context.Context, name string) (*Trigger, error)
	// ListTriggers returns all triggers sorted by name.
	ListTriggers(ctx context.Context) ([]*Trigger, error)
	// UpdateTrigger reads a trigger, lets fn change it, and writes it
	// back with ch in one transaction. An error from fn changes nothing;
	// fn may not rename the trigger. Missing: ErrTriggerNotFound.
	UpdateTrigger(ctx context.Context, name string, ch *Change, fn func(t *Trigger) error) error
	// DeleteTrigger removes a trigger, its objects and its runs, or
	// fails with ErrTriggerNotFound.
	DeleteTrigger(ctx context.Context, name string) error
	// ListTriggerRuns returns up to limit of a trigger's runs, newest
	// first (limit ≤ 0: all kept). Missing: ErrTriggerNotFound.
	ListTriggerRuns(ctx context.Context, name string, limit int) ([]Run, error)
	// ListObjects returns the objects a trigger has seen, by key.
	// Missing: ErrTriggerNotFound.
	ListObjects(ctx context.Context, name string) ([]Object, error)
}

// Change is what UpdateTrigger writes besides the trigger, in this
// order: all objects removed (Reset), Delete removed, Put added or
// replaced (by key), Runs appended (only the newest HistoryLimit kept).
type Change struct {
	Reset  bool
	Delete []string
	Put    []Object
	Runs   []Run
}

// Empty reports whether ch changes nothing.
func (ch *Change) Empty() bool {
	return ch == nil || !ch.Reset && len(ch.Delete) == 0 && len(ch.Put) == 0 && len(ch.Runs) == 0
}

// Starter starts a trigger's target. internal/app implements it with the
// same code that starts the targets of schedules.
type Starter interface {
	// Start starts f's target and returns the run's id. Starting the
	// same Fire twice (a restart after a crash between Start and the
	// record of the run) starts one execution of a state machine: the
	// execution is named after the trigger and f.FireTime.
	Start(ctx context.Context, f Fire) (runID string, err error)
}

// Fire is one start of a trigger's target.
type Fire struct {
	Trigger  string
	Target   schedule.Target
	Input    string // the expanded input (ExpandInput)
	FireTime time.Time
}

// Lister lists a lake prefix. LakeLister adapts a lake.Store.
type Lister interface {
	// List yields the objects under prefix of bucket, recursively, in
	// key order. A bucket that does not exist holds nothing.
	List(ctx context.Context, bucket, prefix string) iter.Seq2[lake.ObjectInfo, error]
}

// Watcher reads the states of crawls, queries and executions for
// state-change sources. internal/metastore implements it.
type Watcher interface {
	// Since returns the queries or executions (kind) created after seq,
	// in creation order, at most limit of them; an execution source
	// passes its machine as name (Any: all).
	Since(ctx context.Context, kind SourceKind, name string, seq int64, limit int) ([]RunState, error)
	// Lookup returns the states of the runs ids of kind; runs that no
	// longer exist are left out. For crawlers ids are crawler names and
	// the result is each crawler's latest finished crawl, if any.
	Lookup(ctx context.Context, kind SourceKind, ids []string) ([]RunState, error)
	// Head returns the sequence number of the newest query or execution
	// (kind) and the ids of those still open.
	Head(ctx context.Context, kind SourceKind, name string) (seq int64, open []string, err error)
}

// LakeLister returns a Lister over a lake store.
func LakeLister(s lake.Store) Lister { return lakeLister{s} }

type lakeLister struct{ s lake.Store }

func (l lakeLister) List(ctx context.Context, bucket, prefix string) iter.Seq2[lake.ObjectInfo, error] {
	return func(yield func(lake.ObjectInfo, error) bool) {
		b, err := l.s.Bucket(ctx, bucket)
		if errors.Is(err, lake.ErrBucketNotExist) {
			return
		}
		if err != nil {
			yield(lake.ObjectInfo{}, err)
			return
		}
		for o, err := range b.List(ctx, prefix, true) {
			if !yield(o, err) {
				return
			}
		}
	}
}
