package metastore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

func TestOpenSettings(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "foreign_keys", "1"},
		{"write", "synchronous", "1"}, // NORMAL; CommitWrite raises it to FULL
		{"write", "busy_timeout", "10000"},
		{"write", "query_only", "0"},
		{"read", "journal_mode", "wal"},
		{"read", "foreign_keys", "1"},
		{"read", "busy_timeout", "10000"},
		{"read", "query_only", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.pool+" "+tt.pragma, func(t *testing.T) {
			pool := db.write
			if tt.pool == "read" {
				pool = db.read
			}
			var got string
			if err := pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
			}
		})
	}
	t.Run("read pool cannot write", func(t *testing.T) {
		if _, err := db.read.ExecContext(t.Context(), `DELETE FROM databases`); err == nil {
			t.Error("a write through the read pool succeeded")
		}
	})
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "weir.db")},
		{"directory", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), tt.path, DefaultOptions())
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), "metastore: open ") {
				t.Errorf("err = %q, want it to name the operation", err)
			}
		})
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?#%20 name.db")
	db := openPath(t, path)
	if err := db.CreateDatabase(t.Context(), &catalog.Database{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not in the named file: %v", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) == 0 || migs[0].name != "catalog" {
		t.Fatalf("migrations = %+v, want 0001_catalog first", migs)
	}
	for i, m := range migs {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d", i, m.version)
		}
	}
}

func TestMigrations(t *testing.T) {
	embedded, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	n := len(embedded)
	next := migration{version: n + 1, name: "next", sql: `CREATE TABLE next (a INTEGER) STRICT; INSERT INTO next VALUES (1);`}
	broken := migration{version: n + 2, name: "broken", sql: `CREATE TABLE half (a INTEGER); INSERT INTO no_such_table VALUES (1);`}
	upgraded := append(embedded[:n:n], next)

	path := filepath.Join(t.TempDir(), "weir.db")
	// The steps run in order on one file, as successive versions of weir
	// would open it.
	steps := []struct {
		name        string
		migs        []migration
		wantErr     error
		wantApplied int // log lines
		wantVersion int
	}{
		{"fresh", embedded, nil, n, n},
		{"reopen", embedded, nil, 0, n},
		{"upgrade", upgraded, nil, 1, n + 1},
		{"reopen upgraded", upgraded, nil, 0, n + 1},
		{"older weir", embedded, ErrSchemaTooNew, 0, n + 1},
		{"failed migration", append(upgraded[:n+1:n+1], broken), nil, 0, n + 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			var logs bytes.Buffer
			db, err := open(t.Context(), path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, st.migs)
			switch {
			case st.name == "failed migration":
				if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("migration %04d_broken", n+2)) {
					t.Errorf("err = %v, want the broken migration named", err)
				}
			case st.wantErr != nil:
				if !errors.Is(err, st.wantErr) || !errors.Is(err, errs.Conflict) {
					t.Errorf("err = %v, want %v", err, st.wantErr)
				}
				if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("schema version %d is newer than version %d", n+1, n)) {
					t.Errorf("err = %q does not say which versions", err)
				}
			case err != nil:
				t.Fatalf("open: %v", err)
			}
			if err == nil {
				db.Close()
			}
			if got := strings.Count(logs.String(), "applied schema migration"); got != st.wantApplied {
				t.Errorf("logged %d applied migrations, want %d:\n%s", got, st.wantApplied, logs.String())
			}

			raw := openRaw(t, path)
			var version int
			if err := raw.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil {
				t.Fatal(err)
			}
			if version != st.wantVersion {
				t.Errorf("schema version = %d, want %d", version, st.wantVersion)
			}
			var tables []string
			rows, err := raw.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var name string
				rows.Scan(&name)
				tables = append(tables, name)
			}
			rows.Close()
			want := []string{"crawlers", "databases", "execution_events", "execution_threads", "executions", "functions", "partitions", "query_executions", "schedule_runs", "schedules", "schema_migrations", "state_machines", "tables", "task_outcomes", "trigger_objects", "trigger_runs", "triggers", "write_journal"}
			if st.wantVersion > n {
				want = []string{"crawlers", "databases", "execution_events", "execution_threads", "executions", "functions", "next", "partitions", "query_executions", "schedule_runs", "schedules", "schema_migrations", "state_machines", "tables", "task_outcomes", "trigger_objects", "trigger_runs", "triggers", "write_journal"}
			}
			if !reflect.DeepEqual(tables, want) {
				t.Errorf("tables = %q, want %q", tables, want)
			}
		})
	}
}

// openRaw opens a database file read-only, bypassing Open, as another
// program such as the sqlite3 shell would.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(path, "", "busy_timeout(10000)")+"&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "weir.db")
	db, err := Open(ctx, path, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2020, 5, 12, 9, 30, 15, 123_000_000, time.UTC)
	if err := db.CreateDatabase(ctx, &catalog.Database{Name: "traffic", Parameters: map[string]string{"a": "b"}, CreateTime: created}); err != nil {
		t.Fatal(err)
	}
	table := &catalog.Table{
		Database:      "traffic",
		Name:          "raw",
		TableType:     catalog.ExternalTable,
		Columns:       []catalog.Column{{Name: "payload", Type: catalog.MustParseType("array<struct<a:int,b:map<string,decimal(10,2)>>>"), Comment: "c"}},
		PartitionKeys: []catalog.Column{{Name: "partition_0", Type: catalog.TypeString}},
		Location:      "s3://traffic-raw/",
		Storage:       catalog.StorageFor(catalog.FormatJSON),
		Parameters:    map[string]string{"classification": "json"},
		CreateTime:    created,
	}
	if err := db.CreateTable(ctx, table); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPartitions(ctx, "traffic", "raw", []*catalog.Partition{
		{Values: []string{"2020"}, Location: "s3://traffic-raw/2020/", CreateTime: created},
		{Values: []string{"2019"}, Location: "s3://traffic-raw/2019/"},
	}, false); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openPath(t, path)
	if after := snapshot(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("after reopening:\n%+v\nwant\n%+v", after, before)
	}
}

// snapshot reads everything in the catalog.
func snapshot(t *testing.T, db *DB) map[string]any {
	t.Helper()
	ctx := t.Context()
	out := map[string]any{}
	dbs, err := db.ListDatabases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out["databases"] = dbs
	for _, d := range dbs {
		tables, err := db.ListTables(ctx, d.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[d.Name] = tables
		for _, tbl := range tables {
			if !tbl.IsPartitioned() {
				continue
			}
			parts, err := db.ListPartitions(ctx, d.Name, tbl.Name)
			if err != nil {
				t.Fatal(err)
			}
			out[tbl.QualifiedName()] = parts
		}
	}
	return out
}

// TestTwoHandles opens one file twice, as two weir processes would, and
// has both write while both, and a read-only connection, read.
func TestTwoHandles(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "weir.db")
	a, b := openPath(t, path), openPath(t, path)
	raw := openRaw(t, path)
	const (
		batches  = 25
		perBatch = 5
	)
	for _, db := range []*DB{a, b} {
		_ = db.CreateTable(ctx, &catalog.Table{ // the second fails with ErrTableExists
			Database:      catalog.DefaultDatabase,
			Name:          "events",
			Columns:       []catalog.Column{{Name: "line", Type: catalog.TypeString}},
			PartitionKeys: []catalog.Column{{Name: "writer", Type: catalog.TypeString}, {Name: "n", Type: catalog.TypeInt}},
		})
	}

	var writers, readers sync.WaitGroup
	done := make(chan struct{})
	for name, db := range map[string]*DB{"a": a, "b": b} {
		writers.Go(func() {
			for i := range batches {
				parts := make([]*catalog.Partition, perBatch)
				for j := range parts {
					parts[j] = &catalog.Partition{Values: []string{name, fmt.Sprint(i*perBatch + j)}}
				}
				if _, err := db.AddPartitions(ctx, catalog.DefaultDatabase, "events", parts, false); err != nil {
					t.Errorf("writer %s: %v", name, err)
					return
				}
			}
		})
	}
	read := func(name string, f func() error) {
		readers.Go(func() {
			for {
				if err := f(); err != nil {
					t.Errorf("reader %s: %v", name, err)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	for name, db := range map[string]*DB{"a": a, "b": b} {
		read(name, func() error {
			_, err := db.ListPartitions(ctx, catalog.DefaultDatabase, "events")
			return err
		})
	}
	read("read-only connection", func() error {
		var n int
		return raw.QueryRowContext(ctx, `SELECT count(*) FROM partitions`).Scan(&n)
	})
	writers.Wait()
	close(done)
	readers.Wait()

	for name, db := range map[string]*DB{"a": a, "b": b} {
		parts, err := db.ListPartitions(ctx, catalog.DefaultDatabase, "events")
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2*batches*perBatch {
			t.Errorf("handle %s lists %d partitions, want %d", name, len(parts), 2*batches*perBatch)
		}
	}
}

func TestCanceledContext(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := db.CreateDatabase(ctx, &catalog.Database{Name: "x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("CreateDatabase with a canceled context: err = %v", err)
	}
	if _, err := db.ListDatabases(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ListDatabases with a canceled context: err = %v", err)
	}
	// The write connection is free again.
	if err := db.CreateDatabase(t.Context(), &catalog.Database{Name: "x"}); err != nil {
		t.Errorf("CreateDatabase after a canceled one: %v", err)
	}
}

// TestQueryPlans checks that the catalog's frequent lookups use indexes.
func TestQueryPlans(t *testing.T) {
	db := openTest(t)
	tests := []struct {
		query string
		want  string
	}{
		{`DELETE FROM partitions WHERE table_id = 1 AND value_key = 'x'`, "INDEX sqlite_autoindex_partitions_1 (table_id=? AND value_key=?)"},
		{`SELECT value_list FROM partitions WHERE table_id = 1 ORDER BY id`, "INDEX partitions_in_order (table_id=?)"},
		{`SELECT id FROM tables WHERE db = 'a' AND name = 'b'`, "INDEX sqlite_autoindex_tables_1 (db=? AND name=?)"},
		{`SELECT name FROM tables WHERE db = 'a' ORDER BY name`, "INDEX sqlite_autoindex_tables_1 (db=?)"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			all := strings.Join(plan, "; ")
			if !strings.Contains(all, tt.want) || strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("plan = %q, want it to contain %q and no sort", all, tt.want)
			}
		})
	}
}

// TestDurableTx checks that a durable transaction runs with
// synchronous=FULL and leaves the connection at NORMAL afterwards.
func TestDurableTx(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "weir.db"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var inside, after int
	err = db.withDurableTx(t.Context(), func(tx *sql.Tx) error {
		return tx.QueryRow("PRAGMA synchronous").Scan(&inside)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.withTx(t.Context(), func(tx *sql.Tx) error {
		return tx.QueryRow("PRAGMA synchronous").Scan(&after)
	}); err != nil {
		t.Fatal(err)
	}
	if inside != 2 || after != 1 {
		t.Errorf("synchronous = %d inside a durable transaction and %d after, want 2 (FULL) and 1 (NORMAL)", inside, after)
	}
}
