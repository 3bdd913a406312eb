package metastore

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
)

// fullExecution returns an execution with every field set.
func fullExecution(id string) *query.Execution {
	at := time.Date(2024, 5, 1, 12, 0, 0, 123_456_789, time.UTC)
	return &query.Execution{
		ID:                id,
		Query:             "SELECT 'it''s' AS \"q\"\nFROM t -- ✓",
		StatementType:     "DML",
		SubstatementType:  "SELECT",
		Database:          "sales",
		Catalog:           "AwsDataCatalog",
		WorkGroup:         "primary",
		OutputLocation:    "s3://weir-query-results/" + id + ".csv",
		State:             query.StateFailed,
		StateChangeReason: "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.sales.t' does not exist",
		Error: &query.AthenaError{
			ErrorCategory: query.CategoryUser, ErrorType: 1110, Retryable: true,
			ErrorMessage: "TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.sales.t' does not exist",
		},
		SubmissionTime: at,
		StartTime:      at.Add(time.Second),
		CompletionTime: at.Add(3 * time.Second),
		Statistics: query.Statistics{
			EngineExecutionTimeMillis: 1, QueryQueueTimeMillis: 2, QueryPlanningTimeMillis: 3, TotalExecutionTimeMillis: 4,
			DataScannedInBytes: 5, DataManifestLocation: "s3://weir-query-results/" + id + "-manifest.csv",
			ResultRows: 6, UpdateCount: 7,
		},
		CancelRequested: true,
	}
}

func TestExecutionRoundTrip(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	want := fullExecution("q1")
	if err := db.CreateExecution(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetExecution(ctx, "q1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetExecution after create\n got %+v\nwant %+v", got, want)
	}

	// An update replaces every field.
	upd := want.Clone()
	upd.State, upd.StateChangeReason, upd.Error = query.StateSucceeded, "", nil
	upd.Statistics = query.Statistics{ResultRows: 42}
	upd.CompletionTime = upd.CompletionTime.Add(time.Hour)
	if err := db.UpdateExecution(ctx, upd); err != nil {
		t.Fatal(err)
	}
	got, err = db.GetExecution(ctx, "q1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, upd) {
		t.Errorf("GetExecution after update\n got %+v\nwant %+v", got, upd)
	}

	if err := db.CreateExecution(ctx, fullExecution("q1")); err == nil {
		t.Error("creating an execution twice succeeded")
	}
}

func TestExecutionNotFound(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"GetExecution", func() error { _, err := db.GetExecution(ctx, "nope"); return err }},
		{"UpdateExecution", func() error { return db.UpdateExecution(ctx, fullExecution("nope")) }},
		{"RequestCancel", func() error { return db.RequestCancel(ctx, "nope") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, query.ErrExecutionNotFound) || !errors.Is(err, errs.NotFound) {
				t.Errorf("err = %v, want ErrExecutionNotFound", err)
			}
			if err != nil && !strings.Contains(err.Error(), "nope") {
				t.Errorf("error %q does not name the execution", err)
			}
		})
	}
}

func TestRequestCancel(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	e := &query.Execution{ID: "q1", Query: "SELECT 1", State: query.StateQueued}
	if err := db.CreateExecution(ctx, e); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetExecution(ctx, "q1"); got.CancelRequested {
		t.Fatal("a new execution has CancelRequested set")
	}
	if err := db.RequestCancel(ctx, "q1"); err != nil {
		t.Fatal(err)
	}
	// The process running the execution still holds its copy without the
	// request, and records progress with it.
	e.State = query.StateRunning
	if err := db.UpdateExecution(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetExecution(ctx, "q1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.CancelRequested || got.State != query.StateRunning {
		t.Errorf("after an update without the request: state %s, CancelRequested %v; want RUNNING, true", got.State, got.CancelRequested)
	}
	// Requesting again is harmless.
	if err := db.RequestCancel(ctx, "q1"); err != nil {
		t.Errorf("second RequestCancel: %v", err)
	}
	// The listing sees it too.
	list, _, err := db.ListExecutions(ctx, query.ListOptions{})
	if err != nil || len(list) != 1 || !list[0].CancelRequested {
		t.Errorf("ListExecutions = %+v, %v; want the request", list, err)
	}
}

func TestListExecutions(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	states := []query.State{query.StateSucceeded, query.StateQueued, query.StateFailed, query.StateRunning, query.StateQueued, query.StateCancelled, query.StateSucceeded}
	var all []string // newest first
	for i, s := range states {
		id := fmt.Sprintf("q%d", i)
		// Ids do not sort like submission order, which is what counts.
		id = fmt.Sprintf("%c-%s", 'z'-i, id)
		if err := db.CreateExecution(ctx, &query.Execution{ID: id, State: query.StateQueued}); err != nil {
			t.Fatal(err)
		}
		if s != query.StateQueued {
			if err := db.UpdateExecution(ctx, &query.Execution{ID: id, State: s}); err != nil {
				t.Fatal(err)
			}
		}
		all = append([]string{id}, all...)
	}
	byState := func(keep ...query.State) []string {
		var ids []string
		for i := len(states) - 1; i >= 0; i-- {
			for _, k := range keep {
				if states[i] == k {
					ids = append(ids, all[len(states)-1-i])
				}
			}
		}
		return ids
	}
	tests := []struct {
		name string
		opts query.ListOptions
		want []string
	}{
		{"all", query.ListOptions{}, all},
		{"pages of 3", query.ListOptions{Limit: 3}, all},
		{"pages of 1", query.ListOptions{Limit: 1}, all},
		{"pages of 7", query.ListOptions{Limit: 7}, all},
		{"queued", query.ListOptions{States: []query.State{query.StateQueued}}, byState(query.StateQueued)},
		{"finished, pages of 2", query.ListOptions{Limit: 2, States: []query.State{query.StateSucceeded, query.StateFailed, query.StateCancelled}},
			byState(query.StateSucceeded, query.StateFailed, query.StateCancelled)},
		{"none match", query.ListOptions{States: []query.State{"PAUSED"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			opts := tt.opts
			for page := 0; ; page++ {
				execs, next, err := db.ListExecutions(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				if opts.Limit > 0 && len(execs) > opts.Limit {
					t.Fatalf("page of %d with Limit %d", len(execs), opts.Limit)
				}
				for _, e := range execs {
					got = append(got, e.ID)
					if len(tt.opts.States) > 0 && !containsState(tt.opts.States, e.State) {
						t.Errorf("%s is %s, not one of %v", e.ID, e.State, tt.opts.States)
					}
				}
				if next == "" {
					break
				}
				if page > len(states) {
					t.Fatal("too many pages")
				}
				opts.NextToken = next
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("bad token", func(t *testing.T) {
		for _, tok := range []string{"abc", "-1", "1.5", "9999999999999999999999"} {
			_, _, err := db.ListExecutions(ctx, query.ListOptions{NextToken: tok})
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "invalid NextToken") {
				t.Errorf("token %q: %v, want an Invalid NextToken error", tok, err)
			}
		}
	})
}

func TestListExecutionsDefaultLimit(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	for i := range 52 {
		if err := db.CreateExecution(ctx, &query.Execution{ID: fmt.Sprintf("q%02d", i), State: query.StateQueued}); err != nil {
			t.Fatal(err)
		}
	}
	first, next, err := db.ListExecutions(ctx, query.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 50 || next == "" || first[0].ID != "q51" || first[49].ID != "q02" {
		t.Fatalf("first page: %d executions from %s, token %q; want 50 from q51 and a token", len(first), first[0].ID, next)
	}
	rest, next, err := db.ListExecutions(ctx, query.ListOptions{NextToken: next})
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || next != "" || rest[0].ID != "q01" || rest[1].ID != "q00" {
		t.Errorf("second page: %d executions, token %q; want q01, q00 and no token", len(rest), next)
	}
}

func containsState(states []query.State, s query.State) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// ptable returns a table partitioned by dt.
func ptable(name string) *catalog.Table {
	return &catalog.Table{
		Database: catalog.DefaultDatabase, Name: name, TableType: catalog.ExternalTable,
		Columns:       []catalog.Column{{Name: "n", Type: catalog.TypeBigInt}},
		PartitionKeys: []catalog.Column{{Name: "dt", Type: catalog.TypeString}},
		Location:      "s3://lake/" + name + "/",
		Storage:       catalog.StorageFor(catalog.FormatParquet),
		Parameters:    map[string]string{"EXTERNAL": "TRUE"},
	}
}

func partitionOf(table, dt string) *catalog.Partition {
	return &catalog.Partition{Values: []string{dt}, Location: "s3://lake/" + table + "/dt=" + dt + "/"}
}

func moves(queryID string, n int) []query.FileMove {
	var m []query.FileMove
	for i := range n {
		m = append(m, query.FileMove{From: fmt.Sprintf("/staging/%s/data/f %d ✓", queryID, i), To: fmt.Sprintf("s3://lake/t/%s_%d", queryID, i)})
	}
	return m
}

func partitionValues(t *testing.T, db *DB, table string) string {
	t.Helper()
	parts, err := db.ListPartitions(t.Context(), catalog.DefaultDatabase, table)
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, p := range parts {
		vals = append(vals, strings.Join(p.Values, "/"))
	}
	return strings.Join(vals, " ")
}

func pendingIDs(t *testing.T, db *DB) string {
	t.Helper()
	pending, err := db.PendingWrites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range pending {
		ids = append(ids, c.QueryID)
	}
	return strings.Join(ids, " ")
}

func TestCommitWrite(t *testing.T) {
	t.Run("CTAS with partitions", func(t *testing.T) {
		ctx := t.Context()
		db := openTest(t)
		c := &query.WriteCommit{
			QueryID:       "q1",
			CreateTable:   ptable("t"),
			Database:      catalog.DefaultDatabase,
			Table:         "t",
			AddPartitions: []*catalog.Partition{partitionOf("t", "a"), partitionOf("t", "b")},
			Moves:         moves("q1", 3),
		}
		if err := db.CommitWrite(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.GetTable(ctx, catalog.DefaultDatabase, "t"); err != nil {
			t.Errorf("the table: %v", err)
		}
		if got := partitionValues(t, db, "t"); got != "a b" {
			t.Errorf("partitions %q, want \"a b\"", got)
		}
		pending, err := db.PendingWrites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].QueryID != "q1" || !reflect.DeepEqual(pending[0].Moves, c.Moves) {
			t.Errorf("PendingWrites = %+v, want q1 with its moves", pending)
		}
	})

	t.Run("table exists", func(t *testing.T) {
		ctx := t.Context()
		db := openTest(t)
		if err := db.CreateTable(ctx, ptable("t")); err != nil {
			t.Fatal(err)
		}
		c := &query.WriteCommit{
			QueryID:       "q1",
			CreateTable:   ptable("t"),
			Database:      catalog.DefaultDatabase,
			Table:         "t",
			AddPartitions: []*catalog.Partition{partitionOf("t", "a")},
			Moves:         moves("q1", 1),
		}
		err := db.CommitWrite(ctx, c)
		if !errors.Is(err, catalog.ErrTableExists) || !errors.Is(err, errs.Exists) {
			t.Fatalf("CommitWrite = %v, want ErrTableExists", err)
		}
		if got := partitionValues(t, db, "t"); got != "" {
			t.Errorf("partitions %q were added", got)
		}
		if got := pendingIDs(t, db); got != "" {
			t.Errorf("journal holds %q", got)
		}
	})

	t.Run("INSERT adds missing partitions", func(t *testing.T) {
		ctx := t.Context()
		db := openTest(t)
		if err := db.CreateTable(ctx, ptable("t")); err != nil {
			t.Fatal(err)
		}
		existing := partitionOf("t", "a")
		existing.Location = "s3://elsewhere/a/"
		if _, err := db.AddPartitions(ctx, catalog.DefaultDatabase, "t", []*catalog.Partition{existing}, false); err != nil {
			t.Fatal(err)
		}
		c := &query.WriteCommit{
			QueryID: "q1", Database: catalog.DefaultDatabase, Table: "t",
			AddPartitions: []*catalog.Partition{partitionOf("t", "a"), partitionOf("t", "b")},
			Moves:         moves("q1", 2),
		}
		if err := db.CommitWrite(ctx, c); err != nil {
			t.Fatal(err)
		}
		parts, err := db.ListPartitions(ctx, catalog.DefaultDatabase, "t")
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2 || parts[0].Location != "s3://elsewhere/a/" || parts[1].Location != "s3://lake/t/dt=b/" {
			t.Errorf("partitions %+v %+v; want a kept as it was and b added", parts[0], parts[len(parts)-1])
		}
		if got := pendingIDs(t, db); got != "q1" {
			t.Errorf("journal holds %q, want q1", got)
		}
	})

	t.Run("partitions of a missing table", func(t *testing.T) {
		ctx := t.Context()
		db := openTest(t)
		c := &query.WriteCommit{
			QueryID: "q1", Database: catalog.DefaultDatabase, Table: "nope",
			AddPartitions: []*catalog.Partition{partitionOf("nope", "a")},
			Moves:         moves("q1", 1),
		}
		if err := db.CommitWrite(ctx, c); !errors.Is(err, catalog.ErrTableNotFound) {
			t.Errorf("CommitWrite = %v, want ErrTableNotFound", err)
		}
		if got := pendingIDs(t, db); got != "" {
			t.Errorf("journal holds %q", got)
		}
	})

	t.Run("journal failure undoes catalog changes", func(t *testing.T) {
		ctx := t.Context()
		db := openTest(t)
		if err := db.CreateTable(ctx, ptable("t")); err != nil {
			t.Fatal(err)
		}
		first := &query.WriteCommit{QueryID: "q1", Database: catalog.DefaultDatabase, Table: "t", AddPartitions: []*catalog.Partition{partitionOf("t", "a")}, Moves: moves("q1", 1)}
		if err := db.CommitWrite(ctx, first); err != nil {
			t.Fatal(err)
		}
		// The same query id again: the journal row cannot be written, so
		// neither the new table nor the new partition may stay.
		second := &query.WriteCommit{
			QueryID: "q1", CreateTable: ptable("u"),
			Database: catalog.DefaultDatabase, Table: "t", AddPartitions: []*catalog.Partition{partitionOf("t", "b")},
			Moves: moves("q1", 1),
		}
		if err := db.CommitWrite(ctx, second); err == nil {
			t.Fatal("a second commit with the same query id succeeded")
		}
		if _, err := db.GetTable(ctx, catalog.DefaultDatabase, "u"); !errors.Is(err, catalog.ErrTableNotFound) {
			t.Errorf("table u after the failed commit: %v", err)
		}
		if got := partitionValues(t, db, "t"); got != "a" {
			t.Errorf("partitions %q, want only a", got)
		}
	})
}

func TestFinishWrite(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	for _, id := range []string{"q1", "q2", "q3"} {
		if err := db.CommitWrite(ctx, &query.WriteCommit{QueryID: id, Moves: moves(id, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	if got := pendingIDs(t, db); got != "q1 q2 q3" {
		t.Fatalf("pending %q, want q1 q2 q3 (oldest first)", got)
	}
	if err := db.FinishWrite(ctx, "q2"); err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, db); got != "q1 q3" {
		t.Errorf("pending %q after finishing q2", got)
	}
	// Finishing is idempotent, as recovery may repeat it.
	for _, id := range []string{"q2", "unknown"} {
		if err := db.FinishWrite(ctx, id); err != nil {
			t.Errorf("FinishWrite(%s): %v", id, err)
		}
	}
	for _, id := range []string{"q1", "q3"} {
		if err := db.FinishWrite(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := db.PendingWrites(ctx)
	if err != nil || len(pending) != 0 {
		t.Errorf("PendingWrites = %v, %v; want none", pending, err)
	}
}
