package metastore

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/catalog/catalogtest"
)

// openTest opens a database in a new temporary directory and closes it
// when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	return openPath(t, filepath.Join(t.TempDir(), "weir.db"))
}

func openPath(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path, DefaultOptions())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestCatalogStore(t *testing.T) {
	catalogtest.RunStore(t, func(t *testing.T) catalog.Store { return openTest(t) })
}

// TestAddPartitionsLarge times adding and listing many partitions, as
// publishing a large partitioned INSERT does.
func TestAddPartitionsLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow with -race; skipped in short mode")
	}
	const n = 10_000
	ctx := t.Context()
	db := openTest(t)
	if err := db.CreateTable(ctx, eventsTable("events")); err != nil {
		t.Fatal(err)
	}
	parts := manyPartitions(n)

	start := time.Now()
	added, err := db.AddPartitions(ctx, catalog.DefaultDatabase, "events", parts, false)
	addTime := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	listed, err := db.ListPartitions(ctx, catalog.DefaultDatabase, "events")
	listTime := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AddPartitions of %d partitions took %v; ListPartitions %v", n, addTime, listTime)
	if len(added) != n || len(listed) != n {
		t.Fatalf("added %d and listed %d partitions, want %d", len(added), len(listed), n)
	}
	for i, p := range listed {
		if !slices.Equal(p.Values, parts[i].Values) {
			t.Fatalf("partition %d has values %q, want %q", i, p.Values, parts[i].Values)
		}
	}
}

func BenchmarkAddPartitions10000(b *testing.B) {
	ctx := b.Context()
	db := openTest(b)
	parts := manyPartitions(10_000)
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("t%d", i)
		if err := db.CreateTable(ctx, eventsTable(name)); err != nil {
			b.Fatal(err)
		}
		if _, err := db.AddPartitions(ctx, catalog.DefaultDatabase, name, parts, false); err != nil {
			b.Fatal(err)
		}
	}
}

func eventsTable(name string) *catalog.Table {
	return &catalog.Table{
		Database:      catalog.DefaultDatabase,
		Name:          name,
		Columns:       []catalog.Column{{Name: "line", Type: catalog.TypeString}},
		PartitionKeys: []catalog.Column{{Name: "year", Type: catalog.TypeString}, {Name: "month", Type: catalog.TypeString}, {Name: "day", Type: catalog.TypeString}, {Name: "hour", Type: catalog.TypeString}},
	}
}

// manyPartitions returns n hourly partitions with typical fields set.
func manyPartitions(n int) []*catalog.Partition {
	parts := make([]*catalog.Partition, n)
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range parts {
		h := t0.Add(time.Duration(i) * time.Hour)
		values := []string{h.Format("2006"), h.Format("01"), h.Format("02"), h.Format("15")}
		parts[i] = &catalog.Partition{
			Values:     values,
			Location:   "s3://traffic-raw/" + strings.Join(values, "/") + "/",
			Parameters: map[string]string{"numFiles": "12", "totalSize": "123456"},
			CreateTime: h,
		}
	}
	return parts
}
