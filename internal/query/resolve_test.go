package query_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// keepHour is a partition filter keeping the partitions whose second key
// (hour) is one of hours, and recording the keys it was shown.
func keepHour(seen *[]string, hours ...string) query.PartitionFilter {
	return func(ctx context.Context, keys []catalog.Column, values [][]string) ([]bool, error) {
		for _, k := range keys {
			*seen = append(*seen, k.Name+" "+k.Type.String())
		}
		keep := make([]bool, len(values))
		for i, v := range values {
			keep[i] = slices.Contains(hours, v[1])
		}
		return keep, nil
	}
}

// TestResolver checks what an engine gets when it resolves the tables of
// a query, and the errors it gets for tables that do not exist.
func TestResolver(t *testing.T) {
	var filterKeys []string
	tests := []struct {
		name    string
		sql     string
		resolve string // the table the engine resolves
		filter  query.PartitionFilter
		reason  string   // FAILED reason, or "" for success
		rows    []string // table | uri | size | partition
		scanned int64
	}{
		{
			name: "unpartitioned", sql: "SELECT * FROM flat", resolve: "flat",
			rows: []string{
				"flat | s3://lake/flat/a.csv | 3 | NULL",
				"flat | s3://lake/flat/sub/b.csv | 5 | NULL",
			},
			scanned: 8,
		},
		{
			name: "qualified", sql: "SELECT * FROM default.flat", resolve: "default.flat",
			rows: []string{
				"flat | s3://lake/flat/a.csv | 3 | NULL",
				"flat | s3://lake/flat/sub/b.csv | 5 | NULL",
			},
			scanned: 8,
		},
		{
			name: "catalog", sql: "SELECT * FROM AwsDataCatalog.default.flat", resolve: "AwsDataCatalog.default.flat",
			rows: []string{
				"flat | s3://lake/flat/a.csv | 3 | NULL",
				"flat | s3://lake/flat/sub/b.csv | 5 | NULL",
			},
			scanned: 8,
		},
		{
			name: "partitioned", sql: "SELECT * FROM parts", resolve: "parts",
			rows: []string{
				"parts | s3://lake/parts/dt=1/hour=1/x.csv | 4 | 1/1",
				"parts | s3://lake/parts/dt=1/hour=2/y.csv | 6 | 1/2",
				"parts | s3://other/z/z.csv | 7 | 2/__HIVE_DEFAULT_PARTITION__",
			},
			scanned: 17,
		},
		{
			name: "partition filter", sql: "SELECT * FROM parts WHERE hour = 2", resolve: "parts", filter: keepHour(&filterKeys, "2"),
			rows:    []string{"parts | s3://lake/parts/dt=1/hour=2/y.csv | 6 | 1/2"},
			scanned: 6,
		},
		{
			name: "partition filter keeping none", sql: "SELECT * FROM parts WHERE hour = 9", resolve: "parts", filter: keepHour(&filterKeys, "9"),
		},
		{
			name: "partitions table", sql: `SELECT * FROM "parts$partitions"`, resolve: "parts$partitions",
			rows: []string{
				"parts$partitions | NULL | NULL | 1/1",
				"parts$partitions | NULL | NULL | 1/2",
				"parts$partitions | NULL | NULL | 2/NULL",
			},
		},
		{
			name: "filter error", sql: "SELECT * FROM parts WHERE hour = 'x'", resolve: "parts",
			filter: func(context.Context, []catalog.Column, [][]string) ([]bool, error) {
				return nil, query.Errorf("INVALID_CAST_ARGUMENT", "Cannot cast 'x' to INT")
			},
			reason: "INVALID_CAST_ARGUMENT: Cannot cast 'x' to INT",
		},
		{
			name: "missing table", sql: "SELECT *\nFROM missing", resolve: "missing",
			reason: "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.default.missing' does not exist",
		},
		{
			name: "missing database", sql: "SELECT * FROM nope.t", resolve: "nope.t",
			reason: "SCHEMA_NOT_FOUND: line 1:15: Schema 'nope' does not exist",
		},
		{
			name: "other catalog", sql: "SELECT * FROM glue.default.flat", resolve: "glue.default.flat",
			reason: "CATALOG_NOT_FOUND: line 1:15: Catalog 'glue' does not exist; weir has one catalog, awsdatacatalog",
		},
		{
			name: "partitions of an unpartitioned table", sql: `SELECT * FROM "flat$partitions"`, resolve: "flat$partitions",
			reason: "TABLE_NOT_FOUND: line 1:16: Table 'default.flat$partitions' does not exist: default.flat is not partitioned",
		},
		{
			name: "projection", sql: "SELECT * FROM projected", resolve: "projected",
			reason: "NOT_SUPPORTED: line 1:15: table default.projected uses partition projection, which weir does not support yet; register its partitions with MSCK REPAIR TABLE or ALTER TABLE ADD PARTITION and set 'projection.enabled'='false'",
		},
	}
	// The engine also records the resolver's errors, to check what they
	// wrap.
	var mu sync.Mutex
	resolveErrs := map[string]error{}
	cases := map[string]querytest.QueryFunc{}
	for _, tt := range tests {
		fn := querytest.ResolveFiles(tt.filter, tt.resolve)
		cases[tt.sql] = func(ctx context.Context, job *query.Job, sink query.RowSink) error {
			err := fn(ctx, job, sink)
			mu.Lock()
			resolveErrs[tt.sql] = err
			mu.Unlock()
			return err
		}
	}
	env := fakeEnv(t, &querytest.FakeEngine{QueryFunc: querytest.Switch(cases)}, func(o *query.Options) { o.MaxConcurrent = 1 })
	putObjects(t, env, "lake", map[string]string{
		"flat/a.csv":                           "1,2",
		"flat/sub/b.csv":                       "3,4,5",
		"flat/_SUCCESS":                        "x",
		"flat/.hidden":                         "x",
		"flat/empty.csv":                       "",
		"flat/tmp_$folder$":                    "x",
		"parts/dt=1/hour=1/x.csv":              "abcd",
		"parts/dt=1/hour=2/y.csv":              "abcdef",
		"parts/dt=3/hour=3/not-registered.csv": "abc",
	})
	putObjects(t, env, "other", map[string]string{"z/z.csv": "abcdefg"})
	env.MustExec(t, "", "CREATE EXTERNAL TABLE flat (a int) LOCATION 's3://lake/flat/'")
	env.MustExec(t, "", "CREATE EXTERNAL TABLE parts (a int) PARTITIONED BY (dt string, hour int) LOCATION 's3://lake/parts/'")
	env.MustExec(t, "", "ALTER TABLE parts ADD PARTITION (dt = '1', hour = 1) PARTITION (dt = '1', hour = 2) PARTITION (dt = '2', hour = '__HIVE_DEFAULT_PARTITION__') LOCATION 's3://other/z/'")
	env.MustExec(t, "", "CREATE EXTERNAL TABLE projected (a int) PARTITIONED BY (dt string) LOCATION 's3://lake/p/' TBLPROPERTIES ('projection.enabled' = 'TRUE')")

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env.Exec(t, "", tt.sql)
			if tt.reason != "" {
				if e.State != query.StateFailed || e.StateChangeReason != tt.reason {
					t.Errorf("state %s: %q\nwant FAILED: %q", e.State, e.StateChangeReason, tt.reason)
				}
				return
			}
			if e.State != query.StateSucceeded {
				t.Fatalf("state %s: %s", e.State, e.StateChangeReason)
			}
			if got := resultRows(t, env, e.ID); strings.Join(got, "\n") != strings.Join(tt.rows, "\n") {
				t.Errorf("files\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.rows, "\n\t"))
			}
			if e.Statistics.DataScannedInBytes != tt.scanned {
				t.Errorf("DataScannedInBytes = %d, want %d", e.Statistics.DataScannedInBytes, tt.scanned)
			}
		})
	}
	if want := []string{"dt string", "hour int", "dt string", "hour int"}; fmt.Sprint(filterKeys) != fmt.Sprint(want) {
		t.Errorf("filters were shown keys %v, want %v", filterKeys, want)
	}

	// The errors the engine gets are classified, so an engine can tell a
	// missing table from a failure.
	errTests := []struct {
		sql  string
		kind errs.Kind
		is   error
	}{
		{"SELECT *\nFROM missing", errs.NotFound, catalog.ErrTableNotFound},
		{"SELECT * FROM nope.t", errs.NotFound, catalog.ErrDatabaseNotFound},
		{"SELECT * FROM glue.default.flat", errs.NotFound, nil},
	}
	for _, tt := range errTests {
		t.Run("error of "+tt.sql, func(t *testing.T) {
			mu.Lock()
			err := resolveErrs[tt.sql]
			mu.Unlock()
			if !errors.Is(err, tt.kind) {
				t.Errorf("resolver error %v is not of kind %v", err, tt.kind)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("resolver error %v does not wrap %v", err, tt.is)
			}
		})
	}
}
