package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
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

func testTableRoundTrip(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	check(t, s.CreateDatabase(ctx, &catalog.Database{Name: "sales"}))
	view := fullTable("sales", "view")
	view.TableType = catalog.VirtualView
	view.PartitionKeys = nil
	view.Storage = catalog.Storage{}
	view.Parameters = map[string]string{"presto_view": "true"}
	tests := []struct {
		name  string
		table *catalog.Table
	}{
		{"full", fullTable("sales", "orders")},
		{"minimal", minimalTable("sales", "lines")},
		{"default database", fullTable(catalog.DefaultDatabase, "orders")},
		{"view", view},
		{"parquet", func() *catalog.Table {
			t := minimalTable("sales", "events")
			t.Storage = catalog.StorageFor(catalog.FormatParquet)
			t.CreateTime = time3
			return t
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, s.CreateTable(ctx, tt.table))
			checkTable(t, must(s.GetTable(ctx, tt.table.Database, tt.table.Name))(t), tt.table)
		})
	}
}

func testListTables(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	for _, db := range []string{"a", "b", "empty"} {
		check(t, s.CreateDatabase(ctx, &catalog.Database{Name: db}))
	}
	for _, name := range []string{"c", "a_1", "b", "a", "a-2"} {
		check(t, s.CreateTable(ctx, fullTable("a", name)))
	}
	check(t, s.CreateTable(ctx, minimalTable("b", "zz")))
	tests := []struct {
		db   string
		want []string
	}{
		{"a", []string{"a", "a-2", "a_1", "b", "c"}},
		{"b", []string{"zz"}},
		{"empty", nil},
		{catalog.DefaultDatabase, nil},
	}
	for _, tt := range tests {
		t.Run(tt.db, func(t *testing.T) {
			tables := must(s.ListTables(ctx, tt.db))(t)
			names := make([]string, 0, len(tables))
			for _, tbl := range tables {
				names = append(names, tbl.Name)
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("ListTables(%s) = %q, want %q", tt.db, names, tt.want)
			}
			for _, got := range tables {
				want := fullTable(tt.db, got.Name)
				if tt.db == "b" {
					want = minimalTable(tt.db, got.Name)
				}
				checkTable(t, got, want)
			}
		})
	}
}

func testUpdateTable(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	check(t, s.CreateTable(ctx, fullTable(catalog.DefaultDatabase, "orders")))
	check(t, s.CreateTable(ctx, fullTable(catalog.DefaultDatabase, "other")))
	must(s.AddPartitions(ctx, catalog.DefaultDatabase, "orders", []*catalog.Partition{part("2020", "1"), part("2020", "2")}, false))(t)

	updated := minimalTable(catalog.DefaultDatabase, "orders")
	updated.Description = "rewritten"
	updated.Columns = append(updated.Columns, catalog.Column{Name: "extra", Type: catalog.MustParseType("map<string,array<int>>"), Comment: "new"})
	updated.PartitionKeys = []catalog.Column{{Name: "year", Type: catalog.TypeString}, {Name: "month", Type: catalog.TypeInt}}
	updated.Location = "s3://elsewhere/orders/"
	updated.Storage = catalog.StorageFor(catalog.FormatParquet)
	updated.Storage.SerDeParameters = map[string]string{"serialization.format": "1"}
	updated.Parameters = map[string]string{"classification": "parquet"}
	updated.CreateTime = time1
	updated.UpdateTime = time3
	check(t, s.UpdateTable(ctx, updated))

	checkTable(t, must(s.GetTable(ctx, catalog.DefaultDatabase, "orders"))(t), updated)
	checkTable(t, must(s.GetTable(ctx, catalog.DefaultDatabase, "other"))(t), fullTable(catalog.DefaultDatabase, "other"))
	checkPartitions(t, must(s.ListPartitions(ctx, catalog.DefaultDatabase, "orders"))(t),
		[]*catalog.Partition{part("2020", "1"), part("2020", "2")})
	if tables := must(s.ListTables(ctx, catalog.DefaultDatabase))(t); len(tables) != 2 {
		t.Errorf("ListTables after UpdateTable returned %d tables, want 2", len(tables))
	}
}

func testDropTable(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	for _, name := range []string{"orders", "other"} {
		check(t, s.CreateTable(ctx, fullTable(catalog.DefaultDatabase, name)))
		must(s.AddPartitions(ctx, catalog.DefaultDatabase, name, []*catalog.Partition{part("2020", "1"), part("2020", "2")}, false))(t)
	}
	check(t, s.DropTable(ctx, catalog.DefaultDatabase, "orders"))
	checkErr(t, second(s.GetTable(ctx, catalog.DefaultDatabase, "orders")), catalog.ErrTableNotFound)
	checkErr(t, second(s.ListPartitions(ctx, catalog.DefaultDatabase, "orders")), catalog.ErrTableNotFound)

	// A table of the same name starts without partitions.
	check(t, s.CreateTable(ctx, fullTable(catalog.DefaultDatabase, "orders")))
	if parts := must(s.ListPartitions(ctx, catalog.DefaultDatabase, "orders"))(t); len(parts) != 0 {
		t.Errorf("recreated table has %d partitions, want 0", len(parts))
	}
	must(s.AddPartitions(ctx, catalog.DefaultDatabase, "orders", []*catalog.Partition{part("2020", "1")}, false))(t)
	checkPartitions(t, must(s.ListPartitions(ctx, catalog.DefaultDatabase, "other"))(t),
		[]*catalog.Partition{part("2020", "1"), part("2020", "2")})
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

func testErrors(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const db, tbl = "sales", "orders"
	check(t, s.CreateDatabase(ctx, &catalog.Database{Name: db}))
	check(t, s.CreateTable(ctx, fullTable(db, tbl)))
	must(s.AddPartitions(ctx, db, tbl, []*catalog.Partition{part("2020", "1")}, false))(t)
	some := []*catalog.Partition{part("2021", "1")}
	someValues := [][]string{{"2021", "1"}}

	tests := []struct {
		name string
		call func(ctx context.Context) error
		want error
	}{
		{"GetDatabase missing", func(ctx context.Context) error { return second(s.GetDatabase(ctx, "nope")) }, catalog.ErrDatabaseNotFound},
		{"DropDatabase missing", func(ctx context.Context) error { return s.DropDatabase(ctx, "nope", true) }, catalog.ErrDatabaseNotFound},
		{"CreateDatabase existing", func(ctx context.Context) error { return s.CreateDatabase(ctx, &catalog.Database{Name: db}) }, catalog.ErrDatabaseExists},
		{"DropDatabase not empty", func(ctx context.Context) error { return s.DropDatabase(ctx, db, false) }, catalog.ErrDatabaseNotEmpty},

		{"CreateTable in missing database", func(ctx context.Context) error { return s.CreateTable(ctx, fullTable("nope", tbl)) }, catalog.ErrDatabaseNotFound},
		{"GetTable in missing database", func(ctx context.Context) error { return second(s.GetTable(ctx, "nope", tbl)) }, catalog.ErrDatabaseNotFound},
		{"ListTables in missing database", func(ctx context.Context) error { return second(s.ListTables(ctx, "nope")) }, catalog.ErrDatabaseNotFound},
		{"UpdateTable in missing database", func(ctx context.Context) error { return s.UpdateTable(ctx, fullTable("nope", tbl)) }, catalog.ErrDatabaseNotFound},
		{"DropTable in missing database", func(ctx context.Context) error { return s.DropTable(ctx, "nope", tbl) }, catalog.ErrDatabaseNotFound},
		{"AddPartitions in missing database", func(ctx context.Context) error { return second(s.AddPartitions(ctx, "nope", tbl, some, true)) }, catalog.ErrDatabaseNotFound},
		{"DropPartitions in missing database", func(ctx context.Context) error { return s.DropPartitions(ctx, "nope", tbl, someValues, true) }, catalog.ErrDatabaseNotFound},
		{"ListPartitions in missing database", func(ctx context.Context) error { return second(s.ListPartitions(ctx, "nope", tbl)) }, catalog.ErrDatabaseNotFound},

		{"CreateTable existing", func(ctx context.Context) error { return s.CreateTable(ctx, minimalTable(db, tbl)) }, catalog.ErrTableExists},
		{"GetTable missing", func(ctx context.Context) error { return second(s.GetTable(ctx, db, "nope")) }, catalog.ErrTableNotFound},
		{"UpdateTable missing", func(ctx context.Context) error { return s.UpdateTable(ctx, fullTable(db, "nope")) }, catalog.ErrTableNotFound},
		{"DropTable missing", func(ctx context.Context) error { return s.DropTable(ctx, db, "nope") }, catalog.ErrTableNotFound},
		{"AddPartitions to missing table", func(ctx context.Context) error { return second(s.AddPartitions(ctx, db, "nope", some, true)) }, catalog.ErrTableNotFound},
		{"AddPartitions of nothing to missing table", func(ctx context.Context) error { return second(s.AddPartitions(ctx, db, "nope", nil, false)) }, catalog.ErrTableNotFound},
		{"DropPartitions of missing table", func(ctx context.Context) error { return s.DropPartitions(ctx, db, "nope", someValues, true) }, catalog.ErrTableNotFound},
		{"ListPartitions of missing table", func(ctx context.Context) error { return second(s.ListPartitions(ctx, db, "nope")) }, catalog.ErrTableNotFound},

		{"AddPartitions existing", func(ctx context.Context) error {
			return second(s.AddPartitions(ctx, db, tbl, []*catalog.Partition{part("2020", "1")}, false))
		}, catalog.ErrPartitionExists},
		{"DropPartitions missing", func(ctx context.Context) error {
			return s.DropPartitions(ctx, db, tbl, [][]string{{"1999", "1"}}, false)
		}, catalog.ErrPartitionNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.call(ctx), tt.want)
		})
	}
	// Nothing above changed the store.
	checkTable(t, must(s.GetTable(ctx, db, tbl))(t), fullTable(db, tbl))
	checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), []*catalog.Partition{part("2020", "1")})
	if names := databaseNames(must(s.ListDatabases(ctx))(t)); !slices.Equal(names, []string{catalog.DefaultDatabase, db}) {
		t.Errorf("ListDatabases = %q after failed calls", names)
	}
}

func testAddPartitions(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const db = catalog.DefaultDatabase
	tests := []struct {
		name        string
		existing    []*catalog.Partition
		add         []*catalog.Partition
		ifNotExists bool
		wantErr     error
		wantAdded   []*catalog.Partition
		wantList    []*catalog.Partition
	}{
		{
			name:      "insertion order, not sorted",
			existing:  []*catalog.Partition{part("2020", "5"), part("2019", "1")},
			add:       []*catalog.Partition{part("2021", "3"), part("2000", "12"), part("2020", "1")},
			wantAdded: []*catalog.Partition{part("2021", "3"), part("2000", "12"), part("2020", "1")},
			wantList:  []*catalog.Partition{part("2020", "5"), part("2019", "1"), part("2021", "3"), part("2000", "12"), part("2020", "1")},
		},
		{
			name:     "nothing",
			existing: []*catalog.Partition{part("2020", "1")},
			wantList: []*catalog.Partition{part("2020", "1")},
		},
		{
			name:     "existing fails the whole call",
			existing: []*catalog.Partition{part("2020", "1")},
			add:      []*catalog.Partition{part("2020", "2"), part("2020", "1"), part("2020", "3")},
			wantErr:  catalog.ErrPartitionExists,
			wantList: []*catalog.Partition{part("2020", "1")},
		},
		{
			name:        "ifNotExists skips existing",
			existing:    []*catalog.Partition{part("2020", "1"), part("2020", "3")},
			add:         []*catalog.Partition{part("2020", "2"), withLocation(part("2020", "1"), "s3://other/"), part("2020", "3"), part("2020", "4")},
			ifNotExists: true,
			wantAdded:   []*catalog.Partition{part("2020", "2"), part("2020", "4")},
			wantList:    []*catalog.Partition{part("2020", "1"), part("2020", "3"), part("2020", "2"), part("2020", "4")},
		},
		{
			name:        "ifNotExists with nothing new",
			existing:    []*catalog.Partition{part("2020", "1")},
			add:         []*catalog.Partition{part("2020", "1")},
			ifNotExists: true,
			wantList:    []*catalog.Partition{part("2020", "1")},
		},
		{
			name:     "repeated within the call",
			add:      []*catalog.Partition{part("2020", "1"), part("2020", "2"), withLocation(part("2020", "1"), "s3://other/")},
			wantErr:  catalog.ErrPartitionExists,
			wantList: nil,
		},
		{
			name:        "repeated within the call, ifNotExists keeps the first",
			add:         []*catalog.Partition{part("2020", "1"), part("2020", "2"), withLocation(part("2020", "1"), "s3://other/")},
			ifNotExists: true,
			wantAdded:   []*catalog.Partition{part("2020", "1"), part("2020", "2")},
			wantList:    []*catalog.Partition{part("2020", "1"), part("2020", "2")},
		},
		{
			name: "fields round-trip",
			add: []*catalog.Partition{
				{Values: []string{"2020", "1"}},
				{Values: []string{"2020", "2"}, Location: "s3://b/p/", Parameters: map[string]string{"a": "1", "b": ""}, CreateTime: time2},
				{Values: []string{"2020", "3"}, Parameters: map[string]string{}, CreateTime: time3},
			},
			wantAdded: []*catalog.Partition{
				{Values: []string{"2020", "1"}},
				{Values: []string{"2020", "2"}, Location: "s3://b/p/", Parameters: map[string]string{"a": "1", "b": ""}, CreateTime: time2},
				{Values: []string{"2020", "3"}, Parameters: map[string]string{}, CreateTime: time3},
			},
			wantList: []*catalog.Partition{
				{Values: []string{"2020", "1"}},
				{Values: []string{"2020", "2"}, Location: "s3://b/p/", Parameters: map[string]string{"a": "1", "b": ""}, CreateTime: time2},
				{Values: []string{"2020", "3"}, Parameters: map[string]string{}, CreateTime: time3},
			},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := fmt.Sprintf("t%d", i)
			check(t, s.CreateTable(ctx, fullTable(db, tbl)))
			if len(tt.existing) > 0 {
				must(s.AddPartitions(ctx, db, tbl, tt.existing, false))(t)
			}
			added, err := s.AddPartitions(ctx, db, tbl, tt.add, tt.ifNotExists)
			if tt.wantErr != nil {
				checkErr(t, err, tt.wantErr)
			} else {
				check(t, err)
				checkPartitions(t, added, tt.wantAdded)
			}
			checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), tt.wantList)
		})
	}
}

func testDropPartitions(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const db = catalog.DefaultDatabase
	existing := []*catalog.Partition{part("2020", "1"), part("2020", "2"), part("2020", "3"), part("2021", "1")}
	tests := []struct {
		name     string
		drop     [][]string
		ifExists bool
		wantErr  error
		wantList []*catalog.Partition
	}{
		{
			name:     "keeps the order of the rest",
			drop:     [][]string{{"2020", "2"}, {"2020", "1"}},
			wantList: []*catalog.Partition{part("2020", "3"), part("2021", "1")},
		},
		{
			name:     "nothing",
			wantList: existing,
		},
		{
			name:     "missing fails the whole call",
			drop:     [][]string{{"2020", "1"}, {"1999", "1"}, {"2020", "2"}},
			wantErr:  catalog.ErrPartitionNotFound,
			wantList: existing,
		},
		{
			name:     "ifExists skips missing",
			drop:     [][]string{{"2020", "1"}, {"1999", "1"}, {"2020", "2"}},
			ifExists: true,
			wantList: []*catalog.Partition{part("2020", "3"), part("2021", "1")},
		},
		{
			name:     "values are not prefixes",
			drop:     [][]string{{"2020", ""}},
			wantErr:  catalog.ErrPartitionNotFound,
			wantList: existing,
		},
		{
			name:     "all",
			drop:     [][]string{{"2021", "1"}, {"2020", "3"}, {"2020", "2"}, {"2020", "1"}},
			wantList: nil,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := fmt.Sprintf("t%d", i)
			check(t, s.CreateTable(ctx, fullTable(db, tbl)))
			must(s.AddPartitions(ctx, db, tbl, existing, false))(t)
			err := s.DropPartitions(ctx, db, tbl, tt.drop, tt.ifExists)
			if tt.wantErr != nil {
				checkErr(t, err, tt.wantErr)
			} else {
				check(t, err)
			}
			checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), tt.wantList)
		})
	}
	t.Run("then add again", func(t *testing.T) {
		check(t, s.DropPartitions(ctx, db, "t0", [][]string{{"2020", "3"}}, false))
		must(s.AddPartitions(ctx, db, "t0", []*catalog.Partition{part("2020", "1"), part("2020", "3")}, false))(t)
		checkPartitions(t, must(s.ListPartitions(ctx, db, "t0"))(t),
			[]*catalog.Partition{part("2021", "1"), part("2020", "1"), part("2020", "3")})
	})
}

// testPartitionValues checks that values are kept exactly: distinct value
// lists never collide, whatever characters they hold.
func testPartitionValues(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const db, tbl = catalog.DefaultDatabase, "orders"
	check(t, s.CreateTable(ctx, fullTable(db, tbl)))
	values := [][]string{
		{"2020", "05"},
		{"2020", "5"},
		{"a/b", "c"},
		{"a", "b/c"},
		{"", "x"},
		{catalog.NullPartitionValue, "x"},
		{"x", ""},
		{"", ""},
		{"/", "x"},
		{"%2F", "x"},
		{"%", "x"},
		{"100%", "x"},
		{"A", "x"},
		{"a", "x"},
		{"a ", "x"},
		{"zürich", "日本"},
		{`quote'"`, `back\slash`},
		{"k=v", "x"},
		{"[\"a\",\"b\"]", "x"},
		{"a\",\"b", "x"},
		{"tab\there", "new\nline"},
		{"\x00", "x"},
	}
	parts := make([]*catalog.Partition, len(values))
	for i, v := range values {
		parts[i] = &catalog.Partition{Values: v, Location: fmt.Sprintf("s3://b/p%d/", i)}
	}
	checkPartitions(t, must(s.AddPartitions(ctx, db, tbl, parts, false))(t), parts)
	checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), parts)
	for i, v := range values {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			checkErr(t, second(s.AddPartitions(ctx, db, tbl, []*catalog.Partition{{Values: v}}, false)), catalog.ErrPartitionExists)
			check(t, s.DropPartitions(ctx, db, tbl, [][]string{v}, false))
			checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), parts[i+1:])
			checkErr(t, s.DropPartitions(ctx, db, tbl, [][]string{v}, false), catalog.ErrPartitionNotFound)
		})
	}
}

func testInvalidPartitions(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const db = catalog.DefaultDatabase
	check(t, s.CreateTable(ctx, fullTable(db, "orders")))
	check(t, s.CreateTable(ctx, minimalTable(db, "lines")))
	tests := []struct {
		name  string
		table string
		parts []*catalog.Partition
	}{
		{"too few values", "orders", []*catalog.Partition{part("2020", "1"), {Values: []string{"2020"}}}},
		{"too many values", "orders", []*catalog.Partition{part("2020", "1"), {Values: []string{"2020", "1", "x"}}}},
		{"no values", "orders", []*catalog.Partition{{}}},
		{"unpartitioned table", "lines", []*catalog.Partition{{Values: []string{"x"}}}},
		{"unpartitioned table, no values", "lines", []*catalog.Partition{{}}},
		{"invalid UTF-8", "orders", []*catalog.Partition{part("2020", "1"), {Values: []string{"2020", "\xff"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ifNotExists := range []bool{false, true} {
				checkKind(t, second(s.AddPartitions(ctx, db, tt.table, tt.parts, ifNotExists)), errs.Invalid)
			}
			if parts := must(s.ListPartitions(ctx, db, tt.table))(t); len(parts) != 0 {
				t.Errorf("a refused AddPartitions left %d partitions", len(parts))
			}
		})
	}
}

// testCopies checks that stores neither keep what callers pass in nor hand
// out what they keep.
func testCopies(t *testing.T, s catalog.Store) {
	const tbl = "orders"
	newDB := func(name string) *catalog.Database {
		return &catalog.Database{Name: name, Description: "d", Parameters: map[string]string{"k": "v"}, CreateTime: time1}
	}
	newParts := func() []*catalog.Partition { return []*catalog.Partition{part("2020", "1"), part("2020", "2")} }
	mutateTable := func(t *catalog.Table) {
		t.Description = "changed"
		t.Columns[0].Name = "changed"
		t.Columns[1].Type.Elem.Fields[1].Type.Value.Precision = 3
		t.Columns[1].Type.Elem.Fields[0].Name = "changed"
		t.Columns = append(t.Columns[:1], t.Columns[2:]...) // shifts the shared array
		t.PartitionKeys[0].Type = catalog.TypeDouble
		t.Parameters["classification"] = "changed"
		t.Parameters["new"] = "x"
		t.Storage.SerDeParameters["separatorChar"] = "changed"
	}
	mutatePartition := func(p *catalog.Partition) {
		p.Values[0] = "1999"
		p.Parameters["numFiles"] = "changed"
		p.Location = "changed"
	}
	// inputs are what each case passed to the store to set it up.
	type inputs struct {
		db    *catalog.Database
		table *catalog.Table
		parts []*catalog.Partition
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T, ctx context.Context, db string, in inputs)
	}{
		{"database passed to CreateDatabase", func(t *testing.T, ctx context.Context, db string, in inputs) {
			in.db.Parameters["k"] = "changed"
			in.db.Description = "changed"
		}},
		{"table passed to CreateTable", func(t *testing.T, ctx context.Context, db string, in inputs) {
			mutateTable(in.table)
		}},
		{"partitions passed to AddPartitions", func(t *testing.T, ctx context.Context, db string, in inputs) {
			for _, p := range in.parts {
				mutatePartition(p)
			}
		}},
		{"database from GetDatabase", func(t *testing.T, ctx context.Context, db string, in inputs) {
			got := must(s.GetDatabase(ctx, db))(t)
			got.Parameters["k"] = "changed"
			got.Description = "changed"
		}},
		{"databases from ListDatabases", func(t *testing.T, ctx context.Context, db string, in inputs) {
			for _, got := range must(s.ListDatabases(ctx))(t) {
				if got.Parameters != nil {
					got.Parameters["k"] = "changed"
				}
				got.Name = "changed"
			}
		}},
		{"table from GetTable", func(t *testing.T, ctx context.Context, db string, in inputs) {
			mutateTable(must(s.GetTable(ctx, db, tbl))(t))
		}},
		{"tables from ListTables", func(t *testing.T, ctx context.Context, db string, in inputs) {
			for _, got := range must(s.ListTables(ctx, db))(t) {
				mutateTable(got)
			}
		}},
		{"table passed to UpdateTable", func(t *testing.T, ctx context.Context, db string, in inputs) {
			up := fullTable(db, tbl)
			check(t, s.UpdateTable(ctx, up))
			mutateTable(up)
		}},
		{"partitions from ListPartitions", func(t *testing.T, ctx context.Context, db string, in inputs) {
			got := must(s.ListPartitions(ctx, db, tbl))(t)
			for _, p := range got {
				mutatePartition(p)
			}
			got[0] = nil
		}},
		{"partitions from AddPartitions", func(t *testing.T, ctx context.Context, db string, in inputs) {
			added := must(s.AddPartitions(ctx, db, tbl, []*catalog.Partition{part("2020", "3")}, false))(t)
			mutatePartition(added[0])
			check(t, s.DropPartitions(ctx, db, tbl, [][]string{{"2020", "3"}}, false))
		}},
		{"values passed to DropPartitions", func(t *testing.T, ctx context.Context, db string, in inputs) {
			must(s.AddPartitions(ctx, db, tbl, []*catalog.Partition{part("2020", "3")}, false))(t)
			values := [][]string{{"2020", "3"}}
			check(t, s.DropPartitions(ctx, db, tbl, values, false))
			values[0][0], values[0][1] = "2020", "1"
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			db := fmt.Sprintf("db%d", i)
			in := inputs{newDB(db), fullTable(db, tbl), newParts()}
			check(t, s.CreateDatabase(ctx, in.db))
			check(t, s.CreateTable(ctx, in.table))
			must(s.AddPartitions(ctx, db, tbl, in.parts, false))(t)
			tt.mutate(t, ctx, db, in)
			checkDatabase(t, must(s.GetDatabase(ctx, db))(t), newDB(db))
			checkTable(t, must(s.GetTable(ctx, db, tbl))(t), fullTable(db, tbl))
			checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), newParts())
		})
	}
}

func testConcurrent(t *testing.T, s catalog.Store) {
	const (
		db       = catalog.DefaultDatabase
		workers  = 8
		perBatch = 10
		batches  = 5
	)
	ctx := t.Context()
	check(t, s.CreateTable(ctx, fullTable(db, "orders")))

	t.Run("writers and readers", func(t *testing.T) {
		var writers, readers sync.WaitGroup
		done := make(chan struct{})
		for w := range workers {
			writers.Go(func() {
				for b := range batches {
					parts := make([]*catalog.Partition, perBatch)
					for i := range parts {
						parts[i] = part(fmt.Sprint(w), fmt.Sprintf("%03d", b*perBatch+i))
					}
					if _, err := s.AddPartitions(ctx, db, "orders", parts, false); err != nil {
						t.Errorf("worker %d: AddPartitions: %v", w, err)
						return
					}
					if err := s.CreateTable(ctx, minimalTable(db, fmt.Sprintf("t_%d_%d", w, b))); err != nil {
						t.Errorf("worker %d: CreateTable: %v", w, err)
						return
					}
				}
			})
		}
		for r := range 2 {
			readers.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					if _, err := s.ListPartitions(ctx, db, "orders"); err != nil {
						t.Errorf("reader %d: ListPartitions: %v", r, err)
						return
					}
					if _, err := s.ListTables(ctx, db); err != nil {
						t.Errorf("reader %d: ListTables: %v", r, err)
						return
					}
					if _, err := s.GetTable(ctx, db, "orders"); err != nil {
						t.Errorf("reader %d: GetTable: %v", r, err)
						return
					}
				}
			})
		}
		writers.Wait()
		close(done)
		readers.Wait()

		parts := must(s.ListPartitions(ctx, db, "orders"))(t)
		if len(parts) != workers*batches*perBatch {
			t.Fatalf("ListPartitions returned %d partitions, want %d", len(parts), workers*batches*perBatch)
		}
		// Each worker's partitions appear in the order it added them.
		last := map[string]string{}
		for _, p := range parts {
			if prev, ok := last[p.Values[0]]; ok && p.Values[1] <= prev {
				t.Fatalf("worker %s: partition %s listed after %s", p.Values[0], p.Values[1], prev)
			}
			last[p.Values[0]] = p.Values[1]
		}
		if tables := must(s.ListTables(ctx, db))(t); len(tables) != 1+workers*batches {
			t.Errorf("ListTables returned %d tables, want %d", len(tables), 1+workers*batches)
		}
	})

	// Racing calls for the same names: exactly one wins each race.
	races := []struct {
		name     string
		call     func(ctx context.Context, w int) (won int, err error)
		wantWon  int
		loserErr error
	}{
		{"CreateDatabase", func(ctx context.Context, w int) (int, error) {
			return 1, s.CreateDatabase(ctx, &catalog.Database{Name: "race"})
		}, 1, catalog.ErrDatabaseExists},
		{"CreateTable", func(ctx context.Context, w int) (int, error) {
			return 1, s.CreateTable(ctx, fullTable(db, "race"))
		}, 1, catalog.ErrTableExists},
		{"AddPartitions", func(ctx context.Context, w int) (int, error) {
			_, err := s.AddPartitions(ctx, db, "race", []*catalog.Partition{part("r", "1"), part("r", "2"), part("r", "3")}, false)
			return 1, err
		}, 1, catalog.ErrPartitionExists},
		{"AddPartitions ifNotExists", func(ctx context.Context, w int) (int, error) {
			parts := make([]*catalog.Partition, 20)
			for i := range parts {
				parts[i] = part("i", fmt.Sprint((w+i)%20)) // every worker adds the same 20, in a different order
			}
			added, err := s.AddPartitions(ctx, db, "race", parts, true)
			return len(added), err
		}, 20, nil},
		{"DropPartitions", func(ctx context.Context, w int) (int, error) {
			return 1, s.DropPartitions(ctx, db, "race", [][]string{{"r", "1"}, {"r", "2"}}, false)
		}, 1, catalog.ErrPartitionNotFound},
		{"DropPartitions ifExists", func(ctx context.Context, w int) (int, error) {
			return 1, s.DropPartitions(ctx, db, "race", [][]string{{"i", fmt.Sprint(w)}}, true)
		}, workers, nil},
	}
	for _, rc := range races {
		t.Run("race "+rc.name, func(t *testing.T) {
			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				won int
			)
			for w := range workers {
				wg.Go(func() {
					n, err := rc.call(ctx, w)
					if err != nil {
						if rc.loserErr == nil || !errors.Is(err, rc.loserErr) {
							t.Errorf("worker %d: %v", w, err)
						}
						return
					}
					mu.Lock()
					won += n
					mu.Unlock()
				})
			}
			wg.Wait()
			if won != rc.wantWon {
				t.Errorf("%d won, want %d", won, rc.wantWon)
			}
		})
	}
	parts := must(s.ListPartitions(ctx, db, "race"))(t)
	if len(parts) != 20-workers+1 { // r/3 and i/8..i/19
		t.Errorf("after the races, ListPartitions returned %d partitions, want %d", len(parts), 20-workers+1)
	}
}

func testManyPartitions(t *testing.T, s catalog.Store) {
	const n = 2500
	ctx := t.Context()
	const db, tbl = catalog.DefaultDatabase, "orders"
	check(t, s.CreateTable(ctx, fullTable(db, tbl)))
	parts := make([]*catalog.Partition, n)
	values := make([][]string, n)
	for i := range parts {
		// Not in sorted order, so that insertion order is visible.
		parts[i] = part(fmt.Sprint(2000+(i*7919)%n), fmt.Sprint(i%12+1))
		values[i] = parts[i].Values
	}
	checkPartitions(t, must(s.AddPartitions(ctx, db, tbl, parts, false))(t), parts)
	checkPartitions(t, must(s.ListPartitions(ctx, db, tbl))(t), parts)
	if added := must(s.AddPartitions(ctx, db, tbl, parts, true))(t); len(added) != 0 {
		t.Errorf("re-adding with ifNotExists added %d partitions", len(added))
	}
	checkErr(t, s.DropPartitions(ctx, db, tbl, append(values, []string{"1999", "1"}), false), catalog.ErrPartitionNotFound)
	if got := must(s.ListPartitions(ctx, db, tbl))(t); len(got) != n {
		t.Fatalf("a refused DropPartitions left %d partitions, want %d", len(got), n)
	}
	check(t, s.DropPartitions(ctx, db, tbl, values, false))
	if got := must(s.ListPartitions(ctx, db, tbl))(t); len(got) != 0 {
		t.Errorf("after dropping all, ListPartitions returned %d partitions", len(got))
	}
}

// Helpers.

func withLocation(p *catalog.Partition, loc string) *catalog.Partition {
	p.Location = loc
	return p
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
