package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
)

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
