package catalogtest

import (
	"context"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
)

func testUpdatePartition(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	check(t, s.CreateTable(ctx, fullTable(catalog.DefaultDatabase, "orders")))
	_, err := s.AddPartitions(ctx, catalog.DefaultDatabase, "orders", []*catalog.Partition{part("2020", "05"), part("2020", "06")}, false)
	check(t, err)

	moved := part("2020", "05")
	moved.Location = "s3://archive/orders/2020-05/"
	moved.Parameters = map[string]string{"moved": "yes"}
	check(t, s.UpdatePartition(ctx, catalog.DefaultDatabase, "orders", moved))

	got := must(s.ListPartitions(ctx, catalog.DefaultDatabase, "orders"))(t)
	want := []*catalog.Partition{moved, part("2020", "06")}
	want[0].CreateTime = time1 // the creation time is kept
	checkPartitions(t, got, want)

	checkErr(t, s.UpdatePartition(ctx, catalog.DefaultDatabase, "orders", part("1999", "01")), catalog.ErrPartitionNotFound)
	checkErr(t, s.UpdatePartition(ctx, catalog.DefaultDatabase, "missing", part("2020", "05")), catalog.ErrTableNotFound)
	checkErr(t, s.UpdatePartition(ctx, "nodb", "orders", part("2020", "05")), catalog.ErrDatabaseNotFound)
}
