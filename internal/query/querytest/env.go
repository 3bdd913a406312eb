// Package querytest checks query engines and the query service together.
//
// RunScripts runs the SQL script tests in testdata/*.txt against a
// query.Service on a real lake (a temporary directory), a SQLite metadata
// store and the engine under test, so that any engine can be held to the
// same answers. FakeEngine is a scriptable engine for testing the service
// without one.
package querytest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/dialect"
	"github.com/weirdata/weir/internal/lake/fsbucket"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/query"
)

// Dirs are the directories an engine under test may use.
type Dirs struct {
	Lake, Staging, Temp string
}

// NewEngine makes the engine under test for one environment.
type NewEngine func(t *testing.T, dirs Dirs) query.Engine

// Env is a query service over a temporary data directory.
type Env struct {
	Service *query.Service
	Lake    *fsbucket.Store
	Meta    *metastore.DB
	Dirs    Dirs
}

// NewEnv builds an Env whose service runs until the test ends. opts may
// adjust the service options before it starts.
func NewEnv(t *testing.T, newEngine NewEngine, opts ...func(*query.Options)) *Env {
	t.Helper()
	root := t.TempDir()
	dirs := Dirs{Lake: filepath.Join(root, "lake"), Staging: filepath.Join(root, "staging"), Temp: filepath.Join(root, "tmp")}
	for _, d := range []string{dirs.Lake, dirs.Staging, dirs.Temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	store, err := fsbucket.Open(dirs.Lake)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := metastore.Open(context.Background(), filepath.Join(root, "weir.db"), metastore.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	o := query.DefaultOptions()
	o.Catalog, o.Lake, o.Store = meta, store, meta
	o.Translator = dialect.New()
	o.StagingDir = dirs.Staging
	if newEngine != nil {
		o.Engine = newEngine(t, dirs)
	}
	for _, f := range opts {
		f(&o)
	}
	svc, err := query.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("service: %v", err)
		}
	})
	return &Env{Service: svc, Lake: store, Meta: meta, Dirs: dirs}
}

// Exec runs one statement to completion and returns its execution.
func (e *Env) Exec(t *testing.T, database, sql string) *query.Execution {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	x, err := e.Service.Execute(ctx, query.StartInput{Query: sql, Database: database})
	if err != nil {
		t.Fatalf("execute %q: %v", sql, err)
	}
	return x
}

// MustExec runs a statement that must succeed.
func (e *Env) MustExec(t *testing.T, database, sql string) *query.Execution {
	t.Helper()
	x := e.Exec(t, database, sql)
	if x.State != query.StateSucceeded {
		t.Fatalf("%s\nstate %s: %s", sql, x.State, x.StateChangeReason)
	}
	return x
}

// Rows returns all result rows of a succeeded execution.
func (e *Env) Rows(t *testing.T, id string) ([]query.ColumnInfo, [][]*string) {
	t.Helper()
	var rows [][]*string
	var cols []query.ColumnInfo
	token := ""
	for {
		page, err := e.Service.Results(context.Background(), id, token, 0)
		if err != nil {
			t.Fatalf("results of %s: %v", id, err)
		}
		cols = page.Columns
		rows = append(rows, page.Rows...)
		if page.NextToken == "" {
			return cols, rows
		}
		token = page.NextToken
	}
}
