package query_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// waitTimeout bounds every wait for an execution; executions under a
// FakeEngine finish in milliseconds.
const waitTimeout = 10 * time.Second

// fakeEnv returns a running service over a temporary lake and metastore
// whose engine is eng (none if eng is nil).
func fakeEnv(t *testing.T, eng *querytest.FakeEngine, opts ...func(*query.Options)) *querytest.Env {
	t.Helper()
	var newEngine querytest.NewEngine
	if eng != nil {
		newEngine = func(*testing.T, querytest.Dirs) query.Engine { return eng }
	}
	// The fake engine sees the query as written: the translator's
	// rewrites are tested with the real engine (duckengine).
	noTranslator := func(o *query.Options) { o.Translator = nil }
	return querytest.NewEnv(t, newEngine, append([]func(*query.Options){noTranslator}, opts...)...)
}

// seqIDs makes the service number its executions q1, q2, ...
func seqIDs(o *query.Options) {
	var n atomic.Int64
	o.NewID = func() string { return fmt.Sprintf("q%d", n.Add(1)) }
}

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func startQuery(t *testing.T, env *querytest.Env, sql string) string {
	t.Helper()
	id, err := env.Service.Start(t.Context(), query.StartInput{Query: sql})
	if err != nil {
		t.Fatalf("Start(%q): %v", sql, err)
	}
	return id
}

func getExecution(t *testing.T, env *querytest.Env, id string) *query.Execution {
	t.Helper()
	e, err := env.Service.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return e
}

func waitDone(t *testing.T, env *querytest.Env, id string) *query.Execution {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	e, err := env.Service.Wait(ctx, id)
	if err != nil {
		t.Fatalf("Wait(%s): %v", id, err)
	}
	return e
}

// receive returns the next value from ch, failing the test if none comes.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestStartRejects(t *testing.T) {
	env := fakeEnv(t, &querytest.FakeEngine{QueryFunc: querytest.Sequence(1)})
	tests := []struct {
		name string
		in   query.StartInput
		want string
	}{
		{"empty", query.StartInput{}, "the query is empty"},
		{"blank", query.StartInput{Query: " \n\t "}, "the query is empty"},
		{"too long", query.StartInput{Query: "SELECT '" + strings.Repeat("x", 262144) + "'"}, "Athena accepts at most 262144"},
		{"output location not s3", query.StartInput{Query: "SELECT 1", OutputLocation: "https://example.com/results/"}, "output location"},
		{"output location without bucket", query.StartInput{Query: "SELECT 1", OutputLocation: "s3://"}, "output location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := env.Service.Start(t.Context(), tt.in)
			if !errors.Is(err, errs.Invalid) {
				t.Fatalf("Start = %q, %v; want an error of kind Invalid", id, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	execs, _, err := env.Service.List(t.Context(), query.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(execs) != 0 {
		t.Errorf("rejected queries recorded %d executions", len(execs))
	}
}

// TestStartFailsAtOnce covers statements Start records as FAILED without
// queueing them.
func TestStartFailsAtOnce(t *testing.T) {
	eng := &querytest.FakeEngine{QueryFunc: querytest.Sequence(1)}
	env := fakeEnv(t, eng, seqIDs)
	tests := []struct {
		name          string
		sql           string
		reason        string
		errorType     int
		stmt, substmt string
		output        string
	}{
		{
			name:      "unknown statement",
			sql:       "SELEC 1",
			reason:    `SYNTAX_ERROR: line 1:1: unknown statement "SELEC"; did you mean SELECT?`,
			errorType: 1006, stmt: "DML", substmt: "UNKNOWN", output: ".csv",
		},
		{
			name:      "syntax error on a later line",
			sql:       "CREATE EXTERNAL TABLE t (\n  a int,\n  b",
			reason:    "SYNTAX_ERROR: line 3:4: ",
			errorType: 1006, stmt: "DML", substmt: "UNKNOWN", output: ".csv",
		},
		{
			name:      "COPY",
			sql:       "COPY t FROM 's3://b/k'",
			reason:    "NOT_SUPPORTED: COPY is not an Athena statement; use UNLOAD",
			errorType: 1006, stmt: "DML", substmt: "UNSUPPORTED", output: ".csv",
		},
		{
			name:      "CREATE VIEW",
			sql:       "CREATE VIEW v AS SELECT 1",
			reason:    "NOT_SUPPORTED: views are not supported by weir yet",
			errorType: 1006, stmt: "DDL", substmt: "UNSUPPORTED", output: ".txt",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := startQuery(t, env, tt.sql)
			e := getExecution(t, env, id) // no Wait: Start has already failed it
			if e.State != query.StateFailed {
				t.Fatalf("state %s (%s), want FAILED", e.State, e.StateChangeReason)
			}
			if !strings.HasPrefix(e.StateChangeReason, tt.reason) {
				t.Errorf("StateChangeReason = %q, want prefix %q", e.StateChangeReason, tt.reason)
			}
			if e.Error == nil {
				t.Fatal("Error is nil")
			}
			want := query.AthenaError{ErrorCategory: query.CategoryUser, ErrorType: tt.errorType, ErrorMessage: e.StateChangeReason}
			if *e.Error != want {
				t.Errorf("Error = %+v, want %+v", *e.Error, want)
			}
			if e.StatementType != tt.stmt || e.SubstatementType != tt.substmt {
				t.Errorf("statement type %s/%s, want %s/%s", e.StatementType, e.SubstatementType, tt.stmt, tt.substmt)
			}
			if want := "s3://weir-query-results/" + id + tt.output; e.OutputLocation != want {
				t.Errorf("OutputLocation = %s, want %s", e.OutputLocation, want)
			}
			if e.CompletionTime.IsZero() || !e.StartTime.IsZero() {
				t.Errorf("StartTime %v, CompletionTime %v; want only a completion time", e.StartTime, e.CompletionTime)
			}
		})
	}
	if jobs := eng.JobIDs(); len(jobs) != 0 {
		t.Errorf("the engine ran %v", jobs)
	}
}

func TestStartRecordsExecution(t *testing.T) {
	clock := newClock()
	// The engine never finishes, so executions stay as Start made them
	// (apart from the state) while the test looks at them.
	eng := &querytest.FakeEngine{QueryFunc: querytest.Block(nil, nil)}
	env := fakeEnv(t, eng, seqIDs, func(o *query.Options) { o.Now = clock.Now })
	tests := []struct {
		sql           string
		stmt, substmt string
		ext           string
	}{
		{"SELECT 1", "DML", "SELECT", ".csv"},
		{"VALUES (1, 2)", "DML", "SELECT", ".csv"},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "DML", "SELECT", ".csv"},
		{"INSERT INTO t SELECT 1", "DML", "INSERT", ".csv"},
		{"CREATE TABLE t AS SELECT 1", "DML", "CREATE_TABLE_AS_SELECT", ".csv"},
		{"UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'JSON')", "DML", "UNLOAD", ".csv"},
		{"CREATE DATABASE d", "DDL", "CREATE_DATABASE", ".txt"},
		{"CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t/'", "DDL", "CREATE_TABLE", ".txt"},
		{"DROP TABLE IF EXISTS t", "DDL", "DROP_TABLE", ".txt"},
		{"MSCK REPAIR TABLE t", "DDL", "MSCK_REPAIR_TABLE", ".txt"},
		{"ALTER TABLE t ADD PARTITION (dt = '1')", "DDL", "ALTER_TABLE_ADD_PARTITION", ".txt"},
		{"SHOW TABLES", "UTILITY", "SHOW_TABLES", ".txt"},
		{"DESCRIBE t", "UTILITY", "DESCRIBE_TABLE", ".txt"},
		{"EXPLAIN SELECT 1", "UTILITY", "EXPLAIN", ".txt"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			id, err := env.Service.Start(t.Context(), query.StartInput{Query: tt.sql, Database: "Sales"})
			if err != nil {
				t.Fatal(err)
			}
			e := getExecution(t, env, id)
			want := &query.Execution{
				ID:               id,
				Query:            tt.sql,
				StatementType:    tt.stmt,
				SubstatementType: tt.substmt,
				Database:         "sales",
				Catalog:          "AwsDataCatalog",
				WorkGroup:        "primary",
				OutputLocation:   "s3://weir-query-results/" + id + tt.ext,
				SubmissionTime:   t0,
			}
			got := e.Clone()
			got.State, got.StateChangeReason, got.Error = "", "", nil
			got.StartTime, got.CompletionTime, got.Statistics = time.Time{}, time.Time{}, query.Statistics{}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("execution\n got %+v\nwant %+v", got, want)
			}
		})
	}
	t.Run("default database", func(t *testing.T) {
		id := startQuery(t, env, "SELECT 1")
		if db := getExecution(t, env, id).Database; db != "default" {
			t.Errorf("Database = %q, want default", db)
		}
	})
}

func TestOutputLocation(t *testing.T) {
	tests := []struct {
		name    string
		service string // Options.OutputLocation; "" for the default
		query   string // StartInput.OutputLocation
		sql     string
		want    string // without the id and extension
	}{
		{"default", "", "", "SELECT 1", "s3://weir-query-results/"},
		{"per query", "", "s3://my-results/athena/", "SELECT 1", "s3://my-results/athena/"},
		{"per query without slash", "", "s3://my-results/athena", "SELECT 1", "s3://my-results/athena/"},
		{"per service", "s3://team-results/q/", "", "SELECT 1", "s3://team-results/q/"},
		{"per query wins", "s3://team-results/q/", "s3://mine/", "SELECT 1", "s3://mine/"},
		{"DDL", "s3://team-results/q/", "", "SHOW DATABASES", "s3://team-results/q/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &querytest.FakeEngine{QueryFunc: querytest.Sequence(2)}
			env := fakeEnv(t, eng, func(o *query.Options) {
				if tt.service != "" {
					o.OutputLocation = tt.service
				}
			})
			id, err := env.Service.Start(t.Context(), query.StartInput{Query: tt.sql, OutputLocation: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			e := waitDone(t, env, id)
			if e.State != query.StateSucceeded {
				t.Fatalf("state %s: %s", e.State, e.StateChangeReason)
			}
			ext := ".csv"
			if e.StatementType != "DML" {
				ext = ".txt"
			}
			if want := tt.want + id + ext; e.OutputLocation != want {
				t.Errorf("OutputLocation = %s, want %s", e.OutputLocation, want)
			}
			// The result is stored there (the bucket is created on demand).
			bucket, key, _ := strings.Cut(strings.TrimPrefix(e.OutputLocation, "s3://"), "/")
			b, err := env.Lake.Bucket(t.Context(), bucket)
			if err != nil {
				t.Fatalf("result bucket: %v", err)
			}
			for _, k := range []string{key, key + ".metadata"} {
				if _, err := b.Stat(t.Context(), k); err != nil {
					t.Errorf("result object %s: %v", k, err)
				}
			}
		})
	}
}

// TestQueueing checks that MaxConcurrent bounds running statements and
// that the queue and execution times are measured with the service clock.
func TestQueueing(t *testing.T) {
	clock := newClock()
	started := make(chan string, 2)
	release := make(chan struct{})
	eng := &querytest.FakeEngine{QueryFunc: querytest.Block(started, release)}
	env := fakeEnv(t, eng, func(o *query.Options) {
		o.MaxConcurrent = 1
		o.Now = clock.Now
	})

	first := startQuery(t, env, "SELECT 1")
	if id := receive(t, started, "the first query to start"); id != first {
		t.Fatalf("engine started %s, want %s", id, first)
	}
	second := startQuery(t, env, "SELECT 2")
	select {
	case id := <-started:
		t.Fatalf("%s started while %s was running with MaxConcurrent = 1", id, first)
	case <-time.After(100 * time.Millisecond):
	}
	if e := getExecution(t, env, second); e.State != query.StateQueued {
		t.Fatalf("second query is %s while the first runs, want QUEUED", e.State)
	}
	if e := getExecution(t, env, first); e.State != query.StateRunning || !e.StartTime.Equal(t0) {
		t.Fatalf("first query is %s since %v, want RUNNING since %v", e.State, e.StartTime, t0)
	}

	clock.Advance(5 * time.Second)
	close(release)
	a, b := waitDone(t, env, first), waitDone(t, env, second)
	if id := receive(t, started, "the second query to start"); id != second {
		t.Fatalf("engine started %s, want %s", id, second)
	}
	for _, e := range []*query.Execution{a, b} {
		if e.State != query.StateSucceeded {
			t.Fatalf("%s: state %s: %s", e.ID, e.State, e.StateChangeReason)
		}
	}
	tests := []struct {
		name                       string
		e                          *query.Execution
		start, completion          time.Time
		queue, engine, total, rows int64
	}{
		{"first", a, t0, t0.Add(5 * time.Second), 0, 5000, 5000, 0},
		{"second", b, t0.Add(5 * time.Second), t0.Add(5 * time.Second), 5000, 0, 5000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, s := tt.e, tt.e.Statistics
			if !e.StartTime.Equal(tt.start) || !e.CompletionTime.Equal(tt.completion) {
				t.Errorf("ran from %v to %v, want %v to %v", e.StartTime, e.CompletionTime, tt.start, tt.completion)
			}
			if s.QueryQueueTimeMillis != tt.queue || s.EngineExecutionTimeMillis != tt.engine || s.TotalExecutionTimeMillis != tt.total || s.ResultRows != tt.rows {
				t.Errorf("statistics %+v, want queue %d, engine %d, total %d ms and %d rows", s, tt.queue, tt.engine, tt.total, tt.rows)
			}
			if s.TotalExecutionTimeMillis < s.EngineExecutionTimeMillis {
				t.Errorf("total time %d < engine time %d", s.TotalExecutionTimeMillis, s.EngineExecutionTimeMillis)
			}
		})
	}
	if got := eng.JobIDs(); len(got) != 2 || got[0] != first || got[1] != second {
		t.Errorf("engine ran %v, want [%s %s]", got, first, second)
	}
}

func TestEngineErrors(t *testing.T) {
	tests := []struct {
		name     string
		sql      string
		err      error
		reason   string
		category int
		typ      int
		retry    bool
	}{
		{
			name:   "positioned Athena error",
			sql:    "SELECT a / 0\nFROM t",
			err:    query.ErrorAt("DIVISION_BY_ZERO", 9, "Division by zero"),
			reason: "DIVISION_BY_ZERO: line 1:10: Division by zero", category: query.CategoryUser, typ: 1001,
		},
		{
			name:   "offset on a later line",
			sql:    "SELECT a\nFROM t\nWHERE nope = 1",
			err:    query.ErrorAt("COLUMN_NOT_FOUND", 22, "Column 'nope' cannot be resolved"),
			reason: "COLUMN_NOT_FOUND: line 3:7: Column 'nope' cannot be resolved", category: query.CategoryUser, typ: 1006,
		},
		{
			name:   "unpositioned",
			sql:    "SELECT 1",
			err:    query.Errorf("EXCEEDED_LOCAL_MEMORY_LIMIT", "Query exceeded local memory limit"),
			reason: "EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded local memory limit", category: query.CategorySystem, typ: 1, retry: true,
		},
		{
			name:   "plain Go error",
			sql:    "SELECT 1",
			err:    errors.New("disk on fire"),
			reason: "GENERIC_INTERNAL_ERROR: disk on fire", category: query.CategorySystem, typ: 200,
		},
		{
			name:   "errs.Invalid",
			sql:    "SELECT 1",
			err:    errs.Errorf("engine.Query", errs.Invalid, "bad argument"),
			reason: "GENERIC_USER_ERROR: bad argument", category: query.CategoryUser, typ: 1000,
		},
		{
			name:   "unknown code",
			sql:    "SELECT 1",
			err:    query.Errorf("MADE_UP", "odd"),
			reason: "MADE_UP: odd", category: query.CategorySystem, typ: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(t, &querytest.FakeEngine{QueryFunc: querytest.Fail(tt.err)})
			e := waitDone(t, env, startQuery(t, env, tt.sql))
			if e.State != query.StateFailed {
				t.Fatalf("state %s, want FAILED", e.State)
			}
			if e.StateChangeReason != tt.reason {
				t.Errorf("StateChangeReason = %q, want %q", e.StateChangeReason, tt.reason)
			}
			want := query.AthenaError{ErrorCategory: tt.category, ErrorType: tt.typ, Retryable: tt.retry, ErrorMessage: tt.reason}
			if e.Error == nil || *e.Error != want {
				t.Errorf("Error = %+v, want %+v", e.Error, want)
			}
			_, err := env.Service.Results(t.Context(), e.ID, "", 0)
			if !errors.Is(err, query.ErrNotFinished) || !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("Results of a failed query: %v; want ErrNotFinished naming the state and reason", err)
			}
		})
	}
}

func TestNoEngine(t *testing.T) {
	env := fakeEnv(t, nil)
	e := waitDone(t, env, startQuery(t, env, "SELECT 1"))
	if e.State != query.StateFailed || e.StateChangeReason != "GENERIC_INTERNAL_ERROR: no query engine is configured" {
		t.Errorf("state %s: %s; want FAILED as no engine is configured", e.State, e.StateChangeReason)
	}
}

func TestCancel(t *testing.T) {
	t.Run("queued", func(t *testing.T) {
		started := make(chan string, 2)
		release := make(chan struct{})
		eng := &querytest.FakeEngine{QueryFunc: querytest.Block(started, release)}
		env := fakeEnv(t, eng, func(o *query.Options) { o.MaxConcurrent = 1 })
		first := startQuery(t, env, "SELECT 1")
		receive(t, started, "the first query to start")
		second := startQuery(t, env, "SELECT 2")
		if err := env.Service.Cancel(t.Context(), second); err != nil {
			t.Fatal(err)
		}
		// Cancelling a queued execution finishes it at once.
		e := getExecution(t, env, second)
		checkCancelled(t, e)
		if !e.StartTime.IsZero() {
			t.Errorf("a cancelled queued query has StartTime %v", e.StartTime)
		}
		close(release)
		if e := waitDone(t, env, first); e.State != query.StateSucceeded {
			t.Errorf("first query: %s (%s)", e.State, e.StateChangeReason)
		}
		// Start another query: once it has run, the worker is past where
		// the cancelled one would have been.
		third := startQuery(t, env, "SELECT 3")
		waitDone(t, env, third)
		if got := eng.JobIDs(); len(got) != 2 || got[0] != first || got[1] != third {
			t.Errorf("engine ran %v, want [%s %s]", got, first, third)
		}
	})

	t.Run("running", func(t *testing.T) {
		started := make(chan string, 1)
		engineErr := make(chan error, 1)
		block := querytest.Block(started, nil)
		eng := &querytest.FakeEngine{QueryFunc: func(ctx context.Context, job *query.Job, sink query.RowSink) error {
			err := block(ctx, job, sink)
			engineErr <- err
			return err
		}}
		env := fakeEnv(t, eng)
		id := startQuery(t, env, "SELECT 1")
		receive(t, started, "the query to start")
		if err := env.Service.Cancel(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		if err := receive(t, engineErr, "the engine to return"); !errors.Is(err, context.Canceled) {
			t.Errorf("engine returned %v, want context.Canceled", err)
		}
		e := waitDone(t, env, id)
		checkCancelled(t, e)
		if e.StartTime.IsZero() {
			t.Error("a cancelled running query has no StartTime")
		}
	})

	t.Run("by another process", func(t *testing.T) {
		started := make(chan string, 1)
		eng := &querytest.FakeEngine{QueryFunc: querytest.Block(started, nil)}
		env := fakeEnv(t, eng, func(o *query.Options) { o.CancelPoll = 10 * time.Millisecond })
		id := startQuery(t, env, "SELECT 1")
		receive(t, started, "the query to start")
		// Another process shares the metastore and only records the
		// request; this process must notice it.
		if err := env.Meta.RequestCancel(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		checkCancelled(t, waitDone(t, env, id))
	})

	t.Run("requested before it runs", func(t *testing.T) {
		// A request recorded while the execution is queued in this process
		// (by another process, so the queue still holds it) is honoured
		// when a worker takes it.
		started := make(chan string, 2)
		release := make(chan struct{})
		eng := &querytest.FakeEngine{QueryFunc: querytest.Block(started, release)}
		env := fakeEnv(t, eng, func(o *query.Options) { o.MaxConcurrent = 1 })
		first := startQuery(t, env, "SELECT 1")
		receive(t, started, "the first query to start")
		second := startQuery(t, env, "SELECT 2")
		if err := env.Meta.RequestCancel(t.Context(), second); err != nil {
			t.Fatal(err)
		}
		close(release)
		waitDone(t, env, first)
		checkCancelled(t, waitDone(t, env, second))
		if got := eng.JobIDs(); len(got) != 1 {
			t.Errorf("engine ran %v, want only %s", got, first)
		}
	})

	t.Run("finished", func(t *testing.T) {
		env := fakeEnv(t, &querytest.FakeEngine{QueryFunc: querytest.Sequence(1)})
		id := startQuery(t, env, "SELECT 1")
		before := waitDone(t, env, id)
		if err := env.Service.Cancel(t.Context(), id); err != nil {
			t.Fatalf("Cancel of a finished query: %v", err)
		}
		after := getExecution(t, env, id)
		if fmt.Sprintf("%+v", after) != fmt.Sprintf("%+v", before) {
			t.Errorf("Cancel changed a finished execution\nbefore %+v\n after %+v", before, after)
		}
	})

	t.Run("failed at start", func(t *testing.T) {
		env := fakeEnv(t, nil)
		id := startQuery(t, env, "SELEC 1")
		if err := env.Service.Cancel(t.Context(), id); err != nil {
			t.Fatalf("Cancel of a failed query: %v", err)
		}
		if e := getExecution(t, env, id); e.State != query.StateFailed || e.CancelRequested {
			t.Errorf("state %s, CancelRequested %v; want FAILED, not requested", e.State, e.CancelRequested)
		}
	})

	t.Run("unknown", func(t *testing.T) {
		env := fakeEnv(t, nil)
		err := env.Service.Cancel(t.Context(), "no-such-id")
		if !errors.Is(err, query.ErrExecutionNotFound) || !errors.Is(err, errs.NotFound) {
			t.Errorf("Cancel of an unknown id: %v, want ErrExecutionNotFound", err)
		}
	})
}

func checkCancelled(t *testing.T, e *query.Execution) {
	t.Helper()
	if e.State != query.StateCancelled {
		t.Fatalf("state %s (%s), want CANCELLED", e.State, e.StateChangeReason)
	}
	if e.StateChangeReason != "Query cancelled by user" {
		t.Errorf("StateChangeReason = %q", e.StateChangeReason)
	}
	want := query.AthenaError{ErrorCategory: query.CategoryUser, ErrorType: 1011, ErrorMessage: "Query cancelled by user"}
	if e.Error == nil || *e.Error != want {
		t.Errorf("Error = %+v, want %+v", e.Error, want)
	}
	if !e.CancelRequested {
		t.Error("CancelRequested is false")
	}
	if e.CompletionTime.IsZero() {
		t.Error("no CompletionTime")
	}
}

func TestGetUnknown(t *testing.T) {
	env := fakeEnv(t, nil)
	ctx := t.Context()
	if _, err := env.Service.Get(ctx, "nope"); !errors.Is(err, query.ErrExecutionNotFound) {
		t.Errorf("Get: %v, want ErrExecutionNotFound", err)
	}
	if _, err := env.Service.Results(ctx, "nope", "", 0); !errors.Is(err, query.ErrExecutionNotFound) {
		t.Errorf("Results: %v, want ErrExecutionNotFound", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := env.Service.Wait(ctx, "nope"); !errors.Is(err, query.ErrExecutionNotFound) {
		t.Errorf("Wait: %v, want ErrExecutionNotFound", err)
	}
}

func TestList(t *testing.T) {
	started := make(chan string, 1)
	eng := &querytest.FakeEngine{QueryFunc: querytest.Switch(map[string]querytest.QueryFunc{
		"ok":    querytest.Sequence(1),
		"block": querytest.Block(started, nil),
	})}
	env := fakeEnv(t, eng, seqIDs, func(o *query.Options) { o.MaxConcurrent = 1 })
	ok := waitDone(t, env, startQuery(t, env, "SELECT 'ok'")).ID // q1
	bad := startQuery(t, env, "SELEC 1")                         // q2
	running := startQuery(t, env, "SELECT 'block'")              // q3
	receive(t, started, "the blocking query to start")
	queued := startQuery(t, env, "SELECT 'ok' AS queued") // q4

	tests := []struct {
		name string
		opts query.ListOptions
		want []string
	}{
		{"all", query.ListOptions{}, []string{queued, running, bad, ok}},
		{"succeeded", query.ListOptions{States: []query.State{query.StateSucceeded}}, []string{ok}},
		{"unfinished", query.ListOptions{States: []query.State{query.StateQueued, query.StateRunning}}, []string{queued, running}},
		{"limit", query.ListOptions{Limit: 3}, []string{queued, running, bad}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			execs, _, err := env.Service.List(t.Context(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range execs {
				got = append(got, e.ID)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("List = %v, want %v", got, tt.want)
			}
		})
	}
}
