package query_test

import (
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// putObjects stores objects (key → body) in a bucket of env's lake,
// creating the bucket.
func putObjects(t *testing.T, env *querytest.Env, bucket string, objects map[string]string) {
	t.Helper()
	ctx := t.Context()
	b, err := env.Lake.Bucket(ctx, bucket)
	if err != nil {
		if b, err = env.Lake.CreateBucket(ctx, bucket); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range objects {
		if _, err := b.Put(ctx, k, strings.NewReader(v)); err != nil {
			t.Fatal(err)
		}
	}
}

// resultRows returns all rows of a succeeded execution, one string per
// row with values joined by " | " and NULL written as NULL.
func resultRows(t *testing.T, env *querytest.Env, id string) []string {
	t.Helper()
	_, rows := env.Rows(t, id)
	out := make([]string, len(rows))
	for i, r := range rows {
		vals := make([]string, len(r))
		for j, v := range r {
			if v == nil {
				vals[j] = "NULL"
			} else {
				vals[j] = *v
			}
		}
		out[i] = strings.Join(vals, " | ")
	}
	return out
}

// step is one statement of a sequence and what it must do.
type step struct {
	sql    string
	reason string   // the FAILED reason; "" means it must succeed
	rows   []string // with reason "": the result rows, joined by " | "
	// prefix makes reason a prefix of the FAILED reason.
	prefix bool
}

func runSteps(t *testing.T, env *querytest.Env, steps []step) {
	t.Helper()
	for _, st := range steps {
		e := env.Exec(t, "", st.sql)
		if st.reason != "" {
			match := e.StateChangeReason == st.reason || st.prefix && strings.HasPrefix(e.StateChangeReason, st.reason)
			if e.State != query.StateFailed || !match {
				t.Errorf("%s\n state %s: %q\n want FAILED: %q", st.sql, e.State, e.StateChangeReason, st.reason)
			}
			continue
		}
		if e.State != query.StateSucceeded {
			t.Errorf("%s\n state %s: %s", st.sql, e.State, e.StateChangeReason)
			continue
		}
		got := resultRows(t, env, e.ID)
		if strings.Join(got, "\n") != strings.Join(st.rows, "\n") {
			t.Errorf("%s\n got rows\n\t%s\n want\n\t%s", st.sql, strings.Join(got, "\n\t"), strings.Join(st.rows, "\n\t"))
		}
	}
}

// TestDDLWithoutEngine runs Hive DDL and SHOW/DESCRIBE on a service that
// has no engine: none of them needs one.
func TestDDLWithoutEngine(t *testing.T) {
	env := fakeEnv(t, nil)
	putObjects(t, env, "lake", map[string]string{
		"events/dt=2024-01-01/hour=1/a.json":  `{"id":1}`,
		"events/dt=2024-01-02/hour=2/b.json":  `{"id":2}`,
		"events/dt=2024-01-02/hour=2/c.json":  `{"id":3}`,
		"events/dt=2024-01-03/hour=xx/d.json": `{"id":4}`, // hour is not an int
		"events/_temporary/dt=x/hour=3/e":     "x",        // hidden
		"events/loose.json":                   "x",        // above the partition folders
		"events/other/f.json":                 "x",        // not a partition folder
	})
	runSteps(t, env, []step{
		{sql: "CREATE DATABASE sales COMMENT 'orders' LOCATION 's3://lake/'"},
		{sql: "CREATE DATABASE sales", reason: "ALREADY_EXISTS: line 1:17: Database sales already exists"},
		{sql: "CREATE DATABASE IF NOT EXISTS sales"},
		{sql: "SHOW DATABASES", rows: []string{"default", "sales"}},
		{sql: "SHOW SCHEMAS LIKE 'S*'", rows: []string{"sales"}},
		{sql: `CREATE EXTERNAL TABLE sales.events (
  id bigint COMMENT 'the id',
  tags array<string>)
PARTITIONED BY (dt string, hour int)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://lake/events'
TBLPROPERTIES ('classification' = 'json')`},
		{sql: "CREATE EXTERNAL TABLE sales.events (a int) LOCATION 's3://lake/x/'", reason: "ALREADY_EXISTS: line 1:23: Table sales.events already exists"},
		{sql: "CREATE EXTERNAL TABLE nope.t (a int) LOCATION 's3://lake/x/'", reason: "SCHEMA_NOT_FOUND: line 1:23: Database nope does not exist; create it with CREATE DATABASE nope"},
		{sql: "CREATE TABLE sales.managed (a int)", reason: "NOT_SUPPORTED: line 1:14: only external tables can be created with Hive DDL; write CREATE EXTERNAL TABLE ... LOCATION 's3://...', or use CREATE TABLE ... AS SELECT"},
		{sql: "SHOW TABLES IN sales", rows: []string{"events"}},
		{sql: "SHOW TABLES IN sales '*ENTS'", rows: []string{"events"}},
		{sql: "SHOW TABLES IN sales LIKE 'x*|*v*'", rows: []string{"events"}},
		{sql: "SHOW TABLES IN sales LIKE '*x'", rows: nil},
		{sql: "SHOW TABLES IN nope", reason: "SCHEMA_NOT_FOUND: Schema 'nope' does not exist"},
		{sql: "DESCRIBE sales.events", rows: []string{
			"id | bigint | the id",
			"tags | array<string> | ",
			" |  | ",
			"# Partition Information |  | ",
			"# col_name | data_type | comment",
			" |  | ",
			"dt | string | ",
			"hour | int | ",
		}},
		{sql: "DESCRIBE sales.events hour", rows: []string{"hour | int | "}},
		{sql: "DESCRIBE sales.missing", reason: "TABLE_NOT_FOUND: line 1:10: Table 'awsdatacatalog.sales.missing' does not exist"},
		{sql: "SHOW COLUMNS IN sales.events", rows: []string{"id", "tags", "dt", "hour"}},
		{sql: "SHOW TBLPROPERTIES sales.events", rows: []string{"EXTERNAL | TRUE", "classification | json"}},
		{sql: "SHOW PARTITIONS sales.events", rows: nil},
		{sql: "MSCK REPAIR TABLE sales.events", rows: []string{
			"Partitions not in metastore:\tevents:dt=2024-01-01/hour=1\tevents:dt=2024-01-02/hour=2",
			"Repair: Added partition to metastore events:dt=2024-01-01/hour=1",
			"Repair: Added partition to metastore events:dt=2024-01-02/hour=2",
		}},
		{sql: "MSCK REPAIR TABLE sales.events", rows: nil},
		{sql: "ALTER TABLE sales.events ADD PARTITION (dt = '2024-02-01', hour = 5) LOCATION 's3://lake/elsewhere'"},
		{sql: "ALTER TABLE sales.events ADD PARTITION (dt = '2024-02-01', hour = 5)", reason: "ALREADY_EXISTS: line 1:30: Partition already exists: dt=2024-02-01/hour=5; use ADD IF NOT EXISTS to skip existing partitions"},
		{sql: "ALTER TABLE sales.events ADD PARTITION (dt = 'x', hour = 'y')", reason: `INVALID_PARTITION_VALUE: line 1:51: value "y" of partition key hour is not a valid integer`},
		{sql: "SHOW PARTITIONS sales.events", rows: []string{"dt=2024-01-01/hour=1", "dt=2024-01-02/hour=2", "dt=2024-02-01/hour=5"}},
		{sql: "ALTER TABLE sales.events DROP PARTITION (dt = '2024-01-02')"},
		{sql: "SHOW PARTITIONS sales.events", rows: []string{"dt=2024-01-01/hour=1", "dt=2024-02-01/hour=5"}},
		{sql: "DROP DATABASE sales", reason: "SCHEMA_NOT_EMPTY: line 1:15: Database sales is not empty. One or more tables exist; drop them first or use DROP DATABASE sales CASCADE"},
		{sql: "DROP TABLE sales.events"},
		{sql: "DROP TABLE sales.events", reason: "TABLE_NOT_FOUND: line 1:12: Table not found sales.events"},
		{sql: "DROP TABLE IF EXISTS sales.events"},
		{sql: "DROP DATABASE sales"},
		{sql: "SHOW DATABASES", rows: []string{"default"}},
		{sql: "SELECT 1", reason: "GENERIC_INTERNAL_ERROR: no query engine is configured"},
	})
	// The files are untouched: Hive DDL never changes the lake.
	b, err := env.Lake.Bucket(t.Context(), "lake")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(t.Context(), "events/dt=2024-01-01/hour=1/a.json"); err != nil {
		t.Errorf("a data file is gone after DROP TABLE: %v", err)
	}
}

// TestShowCreateTableRoundTrip runs the DDL SHOW CREATE TABLE prints and
// checks that it makes the same table.
func TestShowCreateTableRoundTrip(t *testing.T) {
	env := fakeEnv(t, nil)
	ctx := t.Context()
	env.MustExec(t, "", `CREATE EXTERNAL TABLE orders (
  id bigint COMMENT 'it\'s the key',
  items array<struct<sku:string,qty:int>>,
  attrs map<string,string>,
  amount decimal(10,2))
COMMENT 'one row per order'
PARTITIONED BY (dt string)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
STORED AS TEXTFILE
LOCATION 's3://lake/orders/'
TBLPROPERTIES ('skip.header.line.count' = '1', 'note' = 'a\nb')`)
	before, err := env.Meta.GetTable(ctx, "default", "orders")
	if err != nil {
		t.Fatal(err)
	}
	e := env.MustExec(t, "", "SHOW CREATE TABLE orders")
	ddl := resultRows(t, env, e.ID) // one line per row
	env.MustExec(t, "", "DROP TABLE orders")
	env.MustExec(t, "", strings.Join(ddl, "\n"))
	after, err := env.Meta.GetTable(ctx, "default", "orders")
	if err != nil {
		t.Fatal(err)
	}
	before.CreateTime, before.UpdateTime = after.CreateTime, after.UpdateTime
	if got, want := query.CreateTableDDL(after), query.CreateTableDDL(before); got != want {
		t.Errorf("recreated table differs\n got %s\nwant %s", got, want)
	}
	if !sameTable(before, after) {
		t.Errorf("recreated table differs\n got %+v\nwant %+v", after, before)
	}
}

// sameTable compares tables field by field.
func sameTable(a, b *catalog.Table) bool {
	eqCols := func(x, y []catalog.Column) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].Name != y[i].Name || !x[i].Type.Equal(y[i].Type) || x[i].Comment != y[i].Comment {
				return false
			}
		}
		return true
	}
	eqMap := func(x, y map[string]string) bool {
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || w != v {
				return false
			}
		}
		return true
	}
	return a.Database == b.Database && a.Name == b.Name && a.Description == b.Description &&
		a.TableType == b.TableType && a.Location == b.Location &&
		eqCols(a.Columns, b.Columns) && eqCols(a.PartitionKeys, b.PartitionKeys) &&
		a.Storage.InputFormat == b.Storage.InputFormat && a.Storage.OutputFormat == b.Storage.OutputFormat &&
		a.Storage.SerDe == b.Storage.SerDe && eqMap(a.Storage.SerDeParameters, b.Storage.SerDeParameters) &&
		eqMap(a.Parameters, b.Parameters)
}
