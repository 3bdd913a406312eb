package query_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/fsbucket"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// dataDir is what a weir process keeps on disk: the metastore, the lake
// and the staging directory. Services made with newService share it, as
// successive processes on one data directory do.
type dataDir struct {
	meta    *metastore.DB
	lake    *fsbucket.Store
	staging string
}

func newDataDir(t *testing.T) *dataDir {
	t.Helper()
	root := t.TempDir()
	d := &dataDir{staging: filepath.Join(root, "staging")}
	if err := os.MkdirAll(d.staging, 0o755); err != nil {
		t.Fatal(err)
	}
	var err error
	if d.lake, err = fsbucket.Open(filepath.Join(root, "lake")); err != nil {
		t.Fatal(err)
	}
	if d.meta, err = metastore.Open(t.Context(), filepath.Join(root, "weir.db"), metastore.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.meta.Close() })
	return d
}

// newService returns a service on d that is not running yet.
func (d *dataDir) newService(t *testing.T, eng query.Engine) *query.Service {
	t.Helper()
	o := query.DefaultOptions()
	o.Catalog, o.Lake, o.Store, o.Engine = d.meta, d.lake, d.meta, eng
	o.StagingDir = d.staging
	svc, err := query.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// stage writes a file under the staging directory and returns its path.
func (d *dataDir) stage(t *testing.T, rel, body string) string {
	t.Helper()
	p := filepath.Join(d.staging, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readObject(t *testing.T, l lake.Store, uri string) (string, error) {
	t.Helper()
	u, err := lake.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Bucket(t.Context(), u.Bucket)
	if err != nil {
		return "", err
	}
	r, err := b.Get(t.Context(), u.Key)
	if err != nil {
		return "", err
	}
	defer r.Close()
	body, err := io.ReadAll(r)
	return string(body), err
}

// TestRecover starts a service on a data directory a previous process
// left mid-work, as after a crash.
func TestRecover(t *testing.T) {
	ctx := t.Context()
	d := newDataDir(t)
	if _, err := d.lake.CreateBucket(ctx, "data"); err != nil {
		t.Fatal(err)
	}

	// A CTAS whose catalog changes and moves were committed, but whose
	// files were not all moved: part-1 was moved (its staged file is
	// gone), part-2 and part-3 were not.
	table := &catalog.Table{
		Database: catalog.DefaultDatabase, Name: "ctas", TableType: catalog.ExternalTable,
		Columns:  []catalog.Column{{Name: "n", Type: catalog.TypeBigInt}},
		Location: "s3://data/ctas/", Storage: catalog.StorageFor(catalog.FormatJSON),
		Parameters: map[string]string{"EXTERNAL": "TRUE"},
	}
	b, _ := d.lake.Bucket(ctx, "data")
	if _, err := b.Put(ctx, "ctas/part-1.json", strings.NewReader(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	commit := &query.WriteCommit{
		QueryID:     "q-write",
		CreateTable: table,
		Moves: []query.FileMove{
			{From: filepath.Join(d.staging, "q-write", "data", "part-1.json"), To: "s3://data/ctas/part-1.json"},
			{From: d.stage(t, "q-write/data/part-2.json", `{"n":2}`), To: "s3://data/ctas/part-2.json"},
			{From: d.stage(t, "q-write/data/part-3.json", `{"n":3}`), To: "s3://data/ctas/part-3.json"},
		},
	}
	if err := d.meta.CommitWrite(ctx, commit); err != nil {
		t.Fatal(err)
	}
	// Files of a write that never committed.
	d.stage(t, "q-abandoned/data/x.parquet", "PAR1")
	d.stage(t, "q-abandoned/result.csv", `"n"`)

	// Executions the previous process left behind.
	old := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	execs := []*query.Execution{
		{ID: "q-done", Query: "SELECT 0", StatementType: "DML", SubstatementType: "SELECT", State: query.StateSucceeded, SubmissionTime: old, StartTime: old, CompletionTime: old},
		{ID: "q-running", Query: "SELECT 1", StatementType: "DML", SubstatementType: "SELECT", State: query.StateRunning, SubmissionTime: old, StartTime: old},
		{ID: "q-queued", Query: "SELECT 2", StatementType: "DML", SubstatementType: "SELECT", State: query.StateQueued, SubmissionTime: old},
	}
	for _, e := range execs {
		e.Database, e.Catalog, e.WorkGroup = "default", "AwsDataCatalog", "primary"
		e.OutputLocation = "s3://weir-query-results/" + e.ID + ".csv"
		if err := d.meta.CreateExecution(ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	eng := &querytest.FakeEngine{QueryFunc: querytest.Sequence(3)}
	svc := d.newService(t, eng)
	drainCtx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	if err := svc.Drain(drainCtx); err != nil {
		t.Fatalf("Drain: %v", err)
	}

	t.Run("committed write is published", func(t *testing.T) {
		for i, want := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`} {
			uri := commit.Moves[i].To
			if got, err := readObject(t, d.lake, uri); err != nil || got != want {
				t.Errorf("%s = %q, %v; want %q", uri, got, err, want)
			}
		}
		pending, err := d.meta.PendingWrites(ctx)
		if err != nil || len(pending) != 0 {
			t.Errorf("PendingWrites = %v, %v; want none", pending, err)
		}
		if _, err := d.meta.GetTable(ctx, "default", "ctas"); err != nil {
			t.Errorf("the committed table: %v", err)
		}
	})
	t.Run("staging is swept", func(t *testing.T) {
		entries, err := os.ReadDir(d.staging)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("staging still holds %v", names)
		}
	})
	t.Run("running execution failed", func(t *testing.T) {
		e, err := svc.Get(ctx, "q-running")
		if err != nil {
			t.Fatal(err)
		}
		if e.State != query.StateFailed || !strings.Contains(e.StateChangeReason, "weir stopped while the query was running") {
			t.Errorf("state %s: %q; want FAILED because weir stopped", e.State, e.StateChangeReason)
		}
		want := query.AthenaError{ErrorCategory: query.CategorySystem, ErrorType: 100, Retryable: true, ErrorMessage: e.StateChangeReason}
		if e.Error == nil || *e.Error != want {
			t.Errorf("Error = %+v, want %+v", e.Error, want)
		}
	})
	t.Run("queued execution ran", func(t *testing.T) {
		e, err := svc.Get(ctx, "q-queued")
		if err != nil {
			t.Fatal(err)
		}
		if e.State != query.StateSucceeded || e.Statistics.ResultRows != 3 {
			t.Errorf("state %s (%s), %d rows; want SUCCEEDED with 3 rows", e.State, e.StateChangeReason, e.Statistics.ResultRows)
		}
		p, err := svc.Results(ctx, "q-queued", "", 0)
		if err != nil || len(p.Rows) != 3 {
			t.Errorf("Results = %+v, %v", p, err)
		}
	})
	t.Run("finished execution untouched", func(t *testing.T) {
		e, err := svc.Get(ctx, "q-done")
		if err != nil {
			t.Fatal(err)
		}
		if e.State != query.StateSucceeded || !e.CompletionTime.Equal(old) {
			t.Errorf("state %s, completed %v", e.State, e.CompletionTime)
		}
	})
	if got := eng.JobIDs(); len(got) != 1 || got[0] != "q-queued" {
		t.Errorf("engine ran %v, want [q-queued]", got)
	}
}

func TestDrain(t *testing.T) {
	t.Run("nothing to do", func(t *testing.T) {
		d := newDataDir(t)
		ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
		defer cancel()
		if err := d.newService(t, nil).Drain(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("runs what is queued", func(t *testing.T) {
		d := newDataDir(t)
		eng := &querytest.FakeEngine{QueryFunc: querytest.Sequence(1)}
		svc := d.newService(t, eng)
		var ids []string
		for _, sql := range []string{"SELECT 1", "SELECT 2", "CREATE DATABASE d", "SELECT 3", "SELECT 4", "SELECT 5"} {
			id, err := svc.Start(t.Context(), query.StartInput{Query: sql})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
		defer cancel()
		if err := svc.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			e, err := svc.Get(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if e.State != query.StateSucceeded {
				t.Errorf("%s (%s): state %s after Drain: %s", id, e.Query, e.State, e.StateChangeReason)
			}
		}
	})
}

// TestWrite runs a CTAS through a fake engine that writes files, checking
// the publish step: the table, its files in the lake, the manifest and
// the update count.
func TestWrite(t *testing.T) {
	eng := &querytest.FakeEngine{
		WriteFunc: func(ctx context.Context, job *query.Job, spec *query.WriteSpec) (*query.WriteResult, error) {
			cols := []query.ResultColumn{{Name: "id", Type: catalog.TypeInt}, {Name: "dt", Type: catalog.TypeString}}
			if _, err := spec.Target(cols); err != nil {
				return nil, err
			}
			res := &query.WriteResult{Rows: 3}
			for _, dt := range []string{"a", "b"} {
				p := filepath.Join(spec.Dir, spec.FilePrefix+"_"+dt+".json")
				if err := os.WriteFile(p, []byte(`{"id":1}`), 0o644); err != nil {
					return nil, err
				}
				res.Files = append(res.Files, query.WrittenFile{Path: p, Size: 8, Rows: -1, Partition: []string{dt}})
			}
			return res, nil
		},
	}
	env := fakeEnv(t, eng, seqIDs)
	ctx := t.Context()
	if _, err := env.Lake.CreateBucket(ctx, "out"); err != nil {
		t.Fatal(err)
	}
	e := env.MustExec(t, "", "CREATE TABLE t WITH (format = 'JSON', partitioned_by = ARRAY['dt'], external_location = 's3://out/t/') AS SELECT 1 AS id, 'a' AS dt")
	if e.Statistics.UpdateCount != 3 {
		t.Errorf("UpdateCount = %d, want 3", e.Statistics.UpdateCount)
	}
	p, err := env.Service.Results(ctx, e.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.UpdateCount != 3 || len(p.Rows) != 0 || len(p.Columns) != 1 || p.Columns[0].Name != "rows" {
		t.Errorf("result page %+v, want UpdateCount 3, a rows column and no rows", p)
	}
	tbl, err := env.Meta.GetTable(ctx, "default", "t")
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Location != "s3://out/t/" || len(tbl.Columns) != 1 || len(tbl.PartitionKeys) != 1 || tbl.Storage.Format() != catalog.FormatJSON {
		t.Errorf("table %+v", tbl)
	}
	parts, err := env.Meta.ListPartitions(ctx, "default", "t")
	if err != nil || len(parts) != 2 || parts[0].Location != "s3://out/t/dt=a/" {
		t.Errorf("partitions %v, %v", parts, err)
	}
	files := []string{"s3://out/t/dt=a/" + e.ID + "_a.json", "s3://out/t/dt=b/" + e.ID + "_b.json"}
	for _, uri := range files {
		if got, err := readObject(t, env.Lake, uri); err != nil || got != `{"id":1}` {
			t.Errorf("%s = %q, %v", uri, got, err)
		}
	}
	manifest, err := readObject(t, env.Lake, e.Statistics.DataManifestLocation)
	if want := strings.Join(files, "\n") + "\n"; err != nil || manifest != want {
		t.Errorf("manifest %s = %q, %v; want %q", e.Statistics.DataManifestLocation, manifest, err, want)
	}
	if pending, err := env.Meta.PendingWrites(ctx); err != nil || len(pending) != 0 {
		t.Errorf("PendingWrites = %v, %v", pending, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(env.Dirs.Staging, e.ID)); len(entries) != 0 {
		t.Errorf("staging of %s holds %d entries", e.ID, len(entries))
	}
	// The location now holds files, so a second CTAS there is refused.
	again := env.Exec(t, "", "CREATE TABLE t2 WITH (format = 'JSON', external_location = 's3://out/t/') AS SELECT 1 AS id")
	if again.State != query.StateFailed || !strings.HasPrefix(again.StateChangeReason, "HIVE_PATH_ALREADY_EXISTS: ") {
		t.Errorf("second CTAS: %s: %s", again.State, again.StateChangeReason)
	}
}
