package metastore

import (
	"context"
	"fmt"
)

// Counts are the figures weir's /metrics reads from the metastore at
// scrape time: they survive restarts, so counters built on them never go
// back.
type Counts struct {
	ExecutionsByStatus map[string]int64 // executions of state machines by status
	QueriesByState     map[string]int64 // query executions by state
	BytesScanned       int64            // DataScannedInBytes summed over all query executions
	HistoryEvents      int64            // execution history events recorded (state transitions record them)
}

// Counts reads the metrics figures in one read transaction.
func (db *DB) Counts(ctx context.Context) (Counts, error) {
	c := Counts{ExecutionsByStatus: map[string]int64{}, QueriesByState: map[string]int64{}}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return c, fmt.Errorf("metastore: counts: %w", err)
	}
	defer tx.Rollback()
	group := func(q string, into map[string]int64) error {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			into[k] = n
		}
		return rows.Err()
	}
	if err := group(`SELECT status, count(*) FROM executions GROUP BY status`, c.ExecutionsByStatus); err != nil {
		return c, fmt.Errorf("metastore: count executions: %w", err)
	}
	if err := group(`SELECT state, count(*) FROM query_executions GROUP BY state`, c.QueriesByState); err != nil {
		return c, fmt.Errorf("metastore: count queries: %w", err)
	}
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(json_extract(record, '$.Statistics.DataScannedInBytes')), 0) FROM query_executions`).Scan(&c.BytesScanned)
	if err != nil {
		return c, fmt.Errorf("metastore: sum bytes scanned: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM execution_events`).Scan(&c.HistoryEvents); err != nil {
		return c, fmt.Errorf("metastore: count history events: %w", err)
	}
	return c, nil
}
