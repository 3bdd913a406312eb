package querytest

import (
	"context"
	"strings"
	"sync"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// QueryFunc is the behaviour of FakeEngine.Query.
type QueryFunc func(ctx context.Context, job *query.Job, sink query.RowSink) error

// FakeEngine is a query.Engine for testing the query service without a
// real engine. Each method calls the matching function field; a method
// whose field is nil fails with GENERIC_INTERNAL_ERROR. The helpers below
// (Rows, Sequence, Block, Fail, ResolveFiles) build common QueryFuncs.
//
// The fields must be set before the engine is used. Every call's job is
// recorded, so tests can check what reached the engine.
type FakeEngine struct {
	QueryFunc    QueryFunc
	WriteFunc    func(ctx context.Context, job *query.Job, spec *query.WriteSpec) (*query.WriteResult, error)
	DescribeFunc func(ctx context.Context, job *query.Job) ([]query.ResultColumn, error)

	mu   sync.Mutex
	jobs []query.Job
}

// Query calls QueryFunc.
func (f *FakeEngine) Query(ctx context.Context, job *query.Job, sink query.RowSink) error {
	f.record(job)
	if f.QueryFunc == nil {
		return query.Errorf("GENERIC_INTERNAL_ERROR", "FakeEngine: Query called but QueryFunc is not set")
	}
	return f.QueryFunc(ctx, job, sink)
}

// Write calls WriteFunc.
func (f *FakeEngine) Write(ctx context.Context, job *query.Job, spec *query.WriteSpec) (*query.WriteResult, error) {
	f.record(job)
	if f.WriteFunc == nil {
		return nil, query.Errorf("GENERIC_INTERNAL_ERROR", "FakeEngine: Write called but WriteFunc is not set")
	}
	return f.WriteFunc(ctx, job, spec)
}

// Describe calls DescribeFunc.
func (f *FakeEngine) Describe(ctx context.Context, job *query.Job) ([]query.ResultColumn, error) {
	f.record(job)
	if f.DescribeFunc == nil {
		return nil, query.Errorf("GENERIC_INTERNAL_ERROR", "FakeEngine: Describe called but DescribeFunc is not set")
	}
	return f.DescribeFunc(ctx, job)
}

func (f *FakeEngine) record(job *query.Job) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs = append(f.jobs, *job)
}

// Jobs returns the jobs the engine was given, in call order.
func (f *FakeEngine) Jobs() []query.Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]query.Job(nil), f.jobs...)
}

// JobIDs returns the execution ids of the jobs the engine was given, in
// call order.
func (f *FakeEngine) JobIDs() []string {
	var ids []string
	for _, j := range f.Jobs() {
		ids = append(ids, j.ID)
	}
	return ids
}

// Rows returns a QueryFunc that produces cols and rows. Row values are as
// query.RowSink.Row documents them.
func Rows(cols []query.ResultColumn, rows ...[]any) QueryFunc {
	return func(ctx context.Context, job *query.Job, sink query.RowSink) error {
		if err := sink.Columns(cols); err != nil {
			return err
		}
		for _, r := range rows {
			if err := sink.Row(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// Sequence returns a QueryFunc that produces one bigint column "n" with
// the values 1 to count, as SELECT * FROM UNNEST(sequence(1, count)) does.
func Sequence(count int) QueryFunc {
	return func(ctx context.Context, job *query.Job, sink query.RowSink) error {
		if err := sink.Columns([]query.ResultColumn{{Name: "n", Type: catalog.TypeBigInt}}); err != nil {
			return err
		}
		row := make([]any, 1)
		for i := 1; i <= count; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			row[0] = int64(i)
			if err := sink.Row(row); err != nil {
				return err
			}
		}
		return nil
	}
}

// Switch returns a QueryFunc that runs the case whose key the job's SQL
// contains, preferring the longest such key, so that one engine can serve
// several queries. A query no key matches fails with
// GENERIC_INTERNAL_ERROR.
func Switch(cases map[string]QueryFunc) QueryFunc {
	return func(ctx context.Context, job *query.Job, sink query.RowSink) error {
		best := ""
		var fn QueryFunc
		for key, f := range cases {
			if strings.Contains(job.SQL, key) && (fn == nil || len(key) > len(best)) {
				best, fn = key, f
			}
		}
		if fn == nil {
			return query.Errorf("GENERIC_INTERNAL_ERROR", "FakeEngine: no case for query %q", job.SQL)
		}
		return fn(ctx, job, sink)
	}
}

// Fail returns a QueryFunc that fails with err.
func Fail(err error) QueryFunc {
	return func(context.Context, *query.Job, query.RowSink) error { return err }
}

// Block returns a QueryFunc that sends the job's id on started (when not
// nil), then waits until release is closed or ctx is done. When released
// it produces an empty result with one bigint column "n"; when ctx is done
// it returns ctx's error, as an engine interrupted by cancellation does.
// A nil release blocks until ctx is done.
func Block(started chan<- string, release <-chan struct{}) QueryFunc {
	return func(ctx context.Context, job *query.Job, sink query.RowSink) error {
		if started != nil {
			select {
			case started <- job.ID:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		select {
		case <-release:
			return sink.Columns([]query.ResultColumn{{Name: "n", Type: catalog.TypeBigInt}})
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// FileColumns are the columns ResolveFiles produces.
var FileColumns = []query.ResultColumn{
	{Name: "table_name", Type: catalog.TypeString},
	{Name: "uri", Type: catalog.TypeString},
	{Name: "size", Type: catalog.TypeBigInt},
	{Name: "partition", Type: catalog.TypeString},
}

// ResolveFiles returns a QueryFunc that resolves each named table through
// the job's Resolver, as an engine planning a query does, passing filter,
// and produces one row per file (FileColumns: the relation's table name,
// the file's URI and size, and its partition values joined with "/", NULL
// when unpartitioned). The rows of virtual tables (Relation.Rows) are
// produced with a NULL uri and size and their values joined with "/" in
// the partition column. The first resolver error is returned unchanged.
//
// Names are as written in the query, "[[catalog.]database.]name"; each
// TableRef's Offset is the name's first occurrence in the job's SQL (0 if
// it does not occur), so that errors point at it.
func ResolveFiles(filter query.PartitionFilter, names ...string) QueryFunc {
	return func(ctx context.Context, job *query.Job, sink query.RowSink) error {
		var rels []*query.Relation
		for _, name := range names {
			rel, err := job.Resolver.ResolveTable(ctx, TableRef(job.SQL, name), filter)
			if err != nil {
				return err
			}
			rels = append(rels, rel)
		}
		if err := sink.Columns(FileColumns); err != nil {
			return err
		}
		for _, rel := range rels {
			for _, f := range rel.Files {
				var part any
				if f.Partition != nil {
					part = strings.Join(f.Partition, "/")
				}
				if err := sink.Row([]any{rel.Table.Name, f.URI, f.Size, part}); err != nil {
					return err
				}
			}
			for _, r := range rel.Rows {
				values := make([]string, len(r))
				for i, v := range r {
					if s, ok := v.(string); ok {
						values[i] = s
					} else {
						values[i] = "NULL"
					}
				}
				if err := sink.Row([]any{rel.Table.Name, nil, nil, strings.Join(values, "/")}); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// TableRef returns a reference to the table name, written
// "[[catalog.]database.]name", positioned at its first occurrence in sql
// (0 if it does not occur).
func TableRef(sql, name string) query.TableRef {
	var ref query.TableRef
	parts := strings.SplitN(name, ".", 3)
	switch len(parts) {
	case 1:
		ref.Name = parts[0]
	case 2:
		ref.Database, ref.Name = parts[0], parts[1]
	default:
		ref.Catalog, ref.Database, ref.Name = parts[0], parts[1], parts[2]
	}
	ref.Offset = max(strings.Index(sql, name), 0)
	return ref
}

// Interface guards.
var (
	_ query.Engine = (*FakeEngine)(nil)
)
