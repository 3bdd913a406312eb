package catalogtest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

// RunStore runs the catalog.Store conformance suite. newStore is called once
// per subtest and must return an empty store (holding only the default
// database) that is safe for concurrent use; it should register any
// cleanup with t.Cleanup.
func RunStore(t *testing.T, newStore func(t *testing.T) catalog.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s catalog.Store)
	}{
		{"DefaultDatabase", testDefaultDatabase},
		{"Databases", testDatabases},
		{"DropDatabase", testDropDatabase},
		{"TableRoundTrip", testTableRoundTrip},
		{"ListTables", testListTables},
		{"UpdateTable", testUpdateTable},
		{"DropTable", testDropTable},
		{"Errors", testErrors},
		{"AddPartitions", testAddPartitions},
		{"DropPartitions", testDropPartitions},
		{"PartitionValues", testPartitionValues},
		{"InvalidPartitions", testInvalidPartitions},
		{"Copies", testCopies},
		{"Concurrent", testConcurrent},
		{"ManyPartitions", testManyPartitions},
		{"UpdatePartition", testUpdatePartition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t))
		})
	}
}

// Fixtures. Times carry nanoseconds and a zone other than UTC, to check
// that stores keep them in UTC to the millisecond.
var (
	cest  = time.FixedZone("CEST", 2*60*60)
	time1 = time.Date(2020, 5, 12, 9, 30, 15, 123456789, cest)
	time2 = time.Date(2021, 12, 31, 23, 59, 59, 999999999, time.UTC)
	time3 = time.Date(1969, 7, 20, 20, 17, 40, 500_000, time.UTC) // before the Unix epoch
)

// fullTable returns a table with every field set, including nested types
// and SerDe parameters.
func fullTable(db, name string) *catalog.Table {
	return &catalog.Table{
		Database:    db,
		Name:        name,
		Description: "Orders, one line per item — «exported» nightly",
		TableType:   catalog.ExternalTable,
		Columns: []catalog.Column{
			{Name: "id", Type: catalog.TypeBigInt, Comment: "primary key"},
			{Name: "items", Type: catalog.MustParseType("array<struct<a:int,b:map<string,decimal(10,2)>>>"), Comment: "nested"},
			{Name: "Some Header.With Dots", Type: catalog.MustParseType("struct<`my field`:string,x:array<double>,Y:map<int,boolean>>")},
			{Name: "name", Type: catalog.MustParseType("varchar(20)")},
			{Name: "code", Type: catalog.MustParseType("char(3)")},
			{Name: "amount", Type: catalog.DecimalOf(38, 9)},
			{Name: "small", Type: catalog.MustParseType("smallint")},
			{Name: "tiny", Type: catalog.MustParseType("tinyint")},
			{Name: "ratio", Type: catalog.MustParseType("float")},
			{Name: "ok", Type: catalog.TypeBoolean},
			{Name: "raw", Type: catalog.MustParseType("binary")},
			{Name: "day", Type: catalog.TypeDate},
			{Name: "ts", Type: catalog.TypeTimestamp, Comment: `with "quotes", back\slashes and ` + "\ttabs"},
		},
		PartitionKeys: []catalog.Column{
			{Name: "year", Type: catalog.TypeString, Comment: "partition year"},
			{Name: "month", Type: catalog.TypeInt},
		},
		Location: "s3://sales-bucket/warehouse/orders/",
		Storage: catalog.Storage{
			InputFormat:  catalog.InputFormatText,
			OutputFormat: catalog.OutputFormatText,
			SerDe:        catalog.SerDeOpenCSV,
			SerDeParameters: map[string]string{
				"separatorChar": ",",
				"quoteChar":     `"`,
				"escapeChar":    `\`,
			},
		},
		Parameters: map[string]string{
			"classification":         "csv",
			"skip.header.line.count": "1",
			"comment":                "zürich ✓ 日本",
			"empty":                  "",
		},
		CreateTime: time1,
		UpdateTime: time2,
	}
}

// minimalTable returns an unpartitioned table with as few fields set as
// possible.
func minimalTable(db, name string) *catalog.Table {
	return &catalog.Table{
		Database: db,
		Name:     name,
		Columns:  []catalog.Column{{Name: "line", Type: catalog.TypeString}},
	}
}

// part returns a partition of fullTable with the given values.
func part(values ...string) *catalog.Partition {
	return &catalog.Partition{
		Values:     values,
		Location:   "s3://sales-bucket/warehouse/orders/" + catalog.PartitionName(fullTable("", "").PartitionKeys, values) + "/",
		Parameters: map[string]string{"numFiles": "3"},
		CreateTime: time1,
	}
}

func testDefaultDatabase(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	db, err := s.GetDatabase(ctx, catalog.DefaultDatabase)
	if err != nil {
		t.Fatalf("GetDatabase(default): %v", err)
	}
	if db.Name != catalog.DefaultDatabase {
		t.Errorf("GetDatabase(default).Name = %q", db.Name)
	}
	dbs := must(s.ListDatabases(ctx))(t)
	if names := databaseNames(dbs); !slices.Equal(names, []string{catalog.DefaultDatabase}) {
		t.Errorf("ListDatabases of a new store = %q, want [default]", names)
	}
	check(t, s.CreateTable(ctx, minimalTable(catalog.DefaultDatabase, "t")))
	for _, cascade := range []bool{false, true} {
		t.Run(fmt.Sprintf("drop cascade=%v", cascade), func(t *testing.T) {
			checkKind(t, s.DropDatabase(ctx, catalog.DefaultDatabase, cascade), errs.Invalid)
			if _, err := s.GetDatabase(ctx, catalog.DefaultDatabase); err != nil {
				t.Errorf("default database gone after a refused drop: %v", err)
			}
			if _, err := s.GetTable(ctx, catalog.DefaultDatabase, "t"); err != nil {
				t.Errorf("table of the default database gone after a refused drop: %v", err)
			}
		})
	}
	checkErr(t, s.CreateDatabase(ctx, &catalog.Database{Name: catalog.DefaultDatabase}), catalog.ErrDatabaseExists)
}

func testDatabases(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		db   *catalog.Database
	}{
		{"all fields", &catalog.Database{
			Name:        "sales",
			Description: "Sales data — «ünïcode»",
			LocationURI: "s3://sales-bucket/warehouse/",
			Parameters:  map[string]string{"owner": "data-team", "empty": ""},
			CreateTime:  time1,
		}},
		{"zero fields", &catalog.Database{Name: "bare"}},
		{"before epoch", &catalog.Database{Name: "apollo", CreateTime: time3}},
		{"empty parameters", &catalog.Database{Name: "a-b_c1", Parameters: map[string]string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, s.CreateDatabase(ctx, tt.db))
			got := must(s.GetDatabase(ctx, tt.db.Name))(t)
			checkDatabase(t, got, tt.db)
		})
	}
	t.Run("list", func(t *testing.T) {
		dbs := must(s.ListDatabases(ctx))(t)
		want := []string{"a-b_c1", "apollo", "bare", catalog.DefaultDatabase, "sales"}
		if names := databaseNames(dbs); !slices.Equal(names, want) {
			t.Fatalf("ListDatabases = %q, want %q", names, want)
		}
		for _, tt := range tests {
			i := slices.Index(want, tt.db.Name)
			checkDatabase(t, dbs[i], tt.db)
		}
	})
}

func testDropDatabase(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	check(t, s.CreateDatabase(ctx, &catalog.Database{Name: "empty"}))
	check(t, s.CreateDatabase(ctx, &catalog.Database{Name: "full"}))
	check(t, s.CreateDatabase(ctx, &catalog.Database{Name: "other"}))
	for _, db := range []string{"full", "other"} {
		check(t, s.CreateTable(ctx, fullTable(db, "orders")))
		check(t, s.CreateTable(ctx, minimalTable(db, "lines")))
		must(s.AddPartitions(ctx, db, "orders", []*catalog.Partition{part("2020", "1"), part("2020", "2")}, false))(t)
	}

	t.Run("empty", func(t *testing.T) {
		check(t, s.DropDatabase(ctx, "empty", false))
		checkErr(t, second(s.GetDatabase(ctx, "empty")), catalog.ErrDatabaseNotFound)
	})
	t.Run("not empty", func(t *testing.T) {
		checkErr(t, s.DropDatabase(ctx, "full", false), catalog.ErrDatabaseNotEmpty)
		tables := must(s.ListTables(ctx, "full"))(t)
		if len(tables) != 2 {
			t.Errorf("refused drop left %d tables, want 2", len(tables))
		}
		if parts := must(s.ListPartitions(ctx, "full", "orders"))(t); len(parts) != 2 {
			t.Errorf("refused drop left %d partitions, want 2", len(parts))
		}
	})
	t.Run("cascade", func(t *testing.T) {
		check(t, s.DropDatabase(ctx, "full", true))
		checkErr(t, second(s.GetDatabase(ctx, "full")), catalog.ErrDatabaseNotFound)
		checkErr(t, second(s.GetTable(ctx, "full", "orders")), catalog.ErrDatabaseNotFound)
		// A database of the same name starts empty.
		check(t, s.CreateDatabase(ctx, &catalog.Database{Name: "full"}))
		if tables := must(s.ListTables(ctx, "full"))(t); len(tables) != 0 {
			t.Errorf("recreated database has %d tables, want 0", len(tables))
		}
		check(t, s.CreateTable(ctx, fullTable("full", "orders")))
		if parts := must(s.ListPartitions(ctx, "full", "orders"))(t); len(parts) != 0 {
			t.Errorf("recreated table has %d partitions, want 0", len(parts))
		}
	})
	t.Run("others untouched", func(t *testing.T) {
		if tables := must(s.ListTables(ctx, "other"))(t); len(tables) != 2 {
			t.Errorf("other database has %d tables, want 2", len(tables))
		}
		if parts := must(s.ListPartitions(ctx, "other", "orders"))(t); len(parts) != 2 {
			t.Errorf("other database's table has %d partitions, want 2", len(parts))
		}
	})
	if names := databaseNames(must(s.ListDatabases(ctx))(t)); !slices.Equal(names, []string{catalog.DefaultDatabase, "full", "other"}) {
		t.Errorf("ListDatabases = %q after drops", names)
	}
}

// sentinels are the catalog's errors; an error must match exactly one.
var sentinels = []error{
	catalog.ErrDatabaseNotFound,
	catalog.ErrDatabaseExists,
	catalog.ErrDatabaseNotEmpty,
	catalog.ErrTableNotFound,
	catalog.ErrTableExists,
	catalog.ErrPartitionNotFound,
	catalog.ErrPartitionExists,
}

func databaseNames(dbs []*catalog.Database) []string {
	names := make([]string, len(dbs))
	for i, db := range dbs {
		names[i] = db.Name
	}
	return names
}

// must returns a function that fails the test if err is not nil and
// otherwise returns v, so that calls read must(s.GetTable(...))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// checkErr checks that err matches want, want's errs.Kind, and no other
// catalog sentinel.
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Errorf("err = nil, want %v", want)
		return
	}
	if !errors.Is(err, want) {
		t.Errorf("err = %q, want one matching %q", err, want)
	}
	if kind := errs.KindOf(want); !errors.Is(err, kind) {
		t.Errorf("err = %q does not match errs.%v", err, kind)
	}
	for _, s := range sentinels {
		if s != want && errors.Is(err, s) {
			t.Errorf("err = %q also matches %q", err, s)
		}
	}
}

// checkKind checks that err is of the given kind and matches no catalog
// sentinel.
func checkKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if err == nil {
		t.Errorf("err = nil, want an error of kind %v", kind)
		return
	}
	if !errors.Is(err, kind) {
		t.Errorf("err = %q, want one of kind %v", err, kind)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			t.Errorf("err = %q matches %q", err, s)
		}
	}
}

// Views make values comparable: types by their Hive spelling, times in
// their location to the millisecond, empty and nil alike.

type databaseView struct {
	Name, Description, LocationURI string
	Parameters                     map[string]string
	CreateTime                     string
}

type columnView struct{ Name, Type, Comment string }

type tableView struct {
	Database, Name, Description, TableType string
	Columns, PartitionKeys                 []columnView
	Location                               string
	InputFormat, OutputFormat, SerDe       string
	SerDeParameters, Parameters            map[string]string
	CreateTime, UpdateTime                 string
}

type partitionView struct {
	Values     []string
	Location   string
	Parameters map[string]string
	CreateTime string
}

// viewTime shows a time as a store should return it: got must already be
// in UTC; want is converted.
func viewTime(tm time.Time, want bool) string {
	if tm.IsZero() {
		return "zero"
	}
	if want {
		tm = tm.UTC()
	}
	return tm.Truncate(time.Millisecond).Format(time.RFC3339Nano) + " " + tm.Location().String()
}

func viewMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func viewColumns(cols []catalog.Column) []columnView {
	var out []columnView
	for _, c := range cols {
		out = append(out, columnView{c.Name, c.Type.String(), c.Comment})
	}
	return out
}

func viewDatabase(db *catalog.Database, want bool) databaseView {
	return databaseView{db.Name, db.Description, db.LocationURI, viewMap(db.Parameters), viewTime(db.CreateTime, want)}
}

func viewTable(t *catalog.Table, want bool) tableView {
	return tableView{
		Database: t.Database, Name: t.Name, Description: t.Description, TableType: t.TableType,
		Columns: viewColumns(t.Columns), PartitionKeys: viewColumns(t.PartitionKeys),
		Location:    t.Location,
		InputFormat: t.Storage.InputFormat, OutputFormat: t.Storage.OutputFormat, SerDe: t.Storage.SerDe,
		SerDeParameters: viewMap(t.Storage.SerDeParameters), Parameters: viewMap(t.Parameters),
		CreateTime: viewTime(t.CreateTime, want), UpdateTime: viewTime(t.UpdateTime, want),
	}
}

func viewPartition(p *catalog.Partition, want bool) partitionView {
	var values []string
	if len(p.Values) > 0 {
		values = p.Values
	}
	return partitionView{values, p.Location, viewMap(p.Parameters), viewTime(p.CreateTime, want)}
}

// diff lists the fields in which two views differ; of slices, the
// elements.
func diff(got, want any) []string {
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	var out []string
	for i := range g.NumField() {
		name, gf, wf := g.Type().Field(i).Name, g.Field(i), w.Field(i)
		if reflect.DeepEqual(gf.Interface(), wf.Interface()) {
			continue
		}
		if gf.Kind() != reflect.Slice {
			out = append(out, fmt.Sprintf("%s = %#v, want %#v", name, gf.Interface(), wf.Interface()))
			continue
		}
		if gf.Len() != wf.Len() {
			out = append(out, fmt.Sprintf("%s has %d elements, want %d", name, gf.Len(), wf.Len()))
		}
		for j := range min(gf.Len(), wf.Len()) {
			if ge, we := gf.Index(j).Interface(), wf.Index(j).Interface(); !reflect.DeepEqual(ge, we) {
				out = append(out, fmt.Sprintf("%s[%d] = %#v, want %#v", name, j, ge, we))
			}
		}
	}
	return out
}

func checkDatabase(t *testing.T, got, want *catalog.Database) {
	t.Helper()
	for _, d := range diff(viewDatabase(got, false), viewDatabase(want, true)) {
		t.Errorf("database %s: %s", want.Name, d)
	}
}

func checkTable(t *testing.T, got, want *catalog.Table) {
	t.Helper()
	for _, d := range diff(viewTable(got, false), viewTable(want, true)) {
		t.Errorf("table %s: %s", want.QualifiedName(), d)
	}
	// Types must be equal as values too, not just in their spelling.
	if len(got.Columns) == len(want.Columns) {
		for i := range got.Columns {
			if !got.Columns[i].Type.Equal(want.Columns[i].Type) {
				t.Errorf("table %s: column %s has type %v, not equal to %v", want.QualifiedName(), want.Columns[i].Name, got.Columns[i].Type, want.Columns[i].Type)
			}
		}
	}
}

func checkPartitions(t *testing.T, got, want []*catalog.Partition) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d partitions, want %d", len(got), len(want))
	}
	reported := 0
	for i := range min(len(got), len(want)) {
		for _, d := range diff(viewPartition(got[i], false), viewPartition(want[i], true)) {
			if reported++; reported > 10 {
				t.Errorf("... and more differences")
				return
			}
			t.Errorf("partition %d: %s", i, d)
		}
	}
}
