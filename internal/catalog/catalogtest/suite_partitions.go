package catalogtest

import (
	"fmt"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

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
