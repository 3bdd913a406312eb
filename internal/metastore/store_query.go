package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
)

// CreateExecution records a new query execution.
func (db *DB) CreateExecution(ctx context.Context, e *query.Execution) error {
	rec, err := json.Marshal(e)
	if err != nil {
		return err
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO query_executions (id, state, record, cancel_requested) VALUES (?, ?, ?, ?)`,
			e.ID, string(e.State), string(rec), boolInt(e.CancelRequested))
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: create execution %s: %w", e.ID, err)
	}
	return nil
}

// UpdateExecution replaces an execution's record. A cancellation
// requested meanwhile (by any process) is kept.
func (db *DB) UpdateExecution(ctx context.Context, e *query.Execution) error {
	rec, err := json.Marshal(e)
	if err != nil {
		return err
	}
	err = db.updateExecution(ctx, `UPDATE query_executions SET state = ?, record = ?, cancel_requested = max(cancel_requested, ?) WHERE id = ?`,
		string(e.State), string(rec), boolInt(e.CancelRequested), e.ID)
	if err != nil {
		return fmt.Errorf("metastore: update execution %s: %w", e.ID, err)
	}
	return nil
}

// updateExecution runs an UPDATE of one execution, failing with
// query.ErrExecutionNotFound if it changed no row.
func (db *DB) updateExecution(ctx context.Context, stmt string, args ...any) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, stmt, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = query.ErrExecutionNotFound
		}
		return err
	})
}

// GetExecution returns an execution.
func (db *DB) GetExecution(ctx context.Context, id string) (*query.Execution, error) {
	var rec string
	var cancel int
	err := db.read.QueryRowContext(ctx, `SELECT record, cancel_requested FROM query_executions WHERE id = ?`, id).Scan(&rec, &cancel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("query execution %s: %w", id, query.ErrExecutionNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: get execution %s: %w", id, err)
	}
	return decodeExecution(rec, cancel)
}

func decodeExecution(rec string, cancel int) (*query.Execution, error) {
	var e query.Execution
	if err := json.Unmarshal([]byte(rec), &e); err != nil {
		return nil, fmt.Errorf("metastore: decode execution: %w", err)
	}
	e.CancelRequested = cancel != 0
	return &e, nil
}

// ListExecutions returns executions newest first, filtered by state.
func (db *DB) ListExecutions(ctx context.Context, opts query.ListOptions) ([]*query.Execution, string, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = 50
	}
	var where []string
	var args []any
	if opts.NextToken != "" {
		before, err := strconv.ParseInt(opts.NextToken, 10, 64)
		if err != nil || before < 0 {
			return nil, "", errs.Errorf("metastore.ListExecutions", errs.Invalid, "invalid NextToken %q; pass the token of the previous page unchanged", opts.NextToken)
		}
		where = append(where, "seq < ?")
		args = append(args, before)
	}
	if len(opts.States) > 0 {
		marks := make([]string, len(opts.States))
		for i, s := range opts.States {
			marks[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "state IN ("+strings.Join(marks, ", ")+")")
	}
	q := `SELECT seq, record, cancel_requested FROM query_executions`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("metastore: list executions: %w", err)
	}
	defer rows.Close()
	var out []*query.Execution
	var seqs []int64
	for rows.Next() {
		var seq int64
		var rec string
		var cancel int
		if err := rows.Scan(&seq, &rec, &cancel); err != nil {
			return nil, "", err
		}
		e, err := decodeExecution(rec, cancel)
		if err != nil {
			return nil, "", err
		}
		out = append(out, e)
		seqs = append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("metastore: list executions: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = strconv.FormatInt(seqs[limit-1], 10)
	}
	return out, next, nil
}

// RequestCancel marks an execution for cancellation.
func (db *DB) RequestCancel(ctx context.Context, id string) error {
	if err := db.updateExecution(ctx, `UPDATE query_executions SET cancel_requested = 1 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("metastore: cancel execution %s: %w", id, err)
	}
	return nil
}

// CommitWrite applies a write's catalog changes and records its file
// moves in one transaction.
func (db *DB) CommitWrite(ctx context.Context, c *query.WriteCommit) error {
	moves, err := json.Marshal(c.Moves)
	if err != nil {
		return err
	}
	err = db.withDurableTx(ctx, func(tx *sql.Tx) error {
		if c.CreateTable != nil {
			if err := createTableTx(ctx, tx, c.CreateTable); err != nil {
				return err
			}
		}
		if len(c.AddPartitions) > 0 {
			if _, err := addPartitionsTx(ctx, tx, c.Database, c.Table, c.AddPartitions, true); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO write_journal (query_id, moves, created) VALUES (?, ?, ?)`,
			c.QueryID, string(moves), time.Now().UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: commit write of %s: %w", c.QueryID, err)
	}
	return nil
}

// FinishWrite forgets a committed write.
func (db *DB) FinishWrite(ctx context.Context, queryID string) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM write_journal WHERE query_id = ?`, queryID)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: finish write of %s: %w", queryID, err)
	}
	return nil
}

// PendingWrites returns committed writes whose files may not all be in
// place yet, oldest first.
func (db *DB) PendingWrites(ctx context.Context) ([]*query.WriteCommit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT query_id, moves FROM write_journal ORDER BY created, query_id`)
	if err != nil {
		return nil, fmt.Errorf("metastore: pending writes: %w", err)
	}
	defer rows.Close()
	var out []*query.WriteCommit
	for rows.Next() {
		var id, moves string
		if err := rows.Scan(&id, &moves); err != nil {
			return nil, err
		}
		c := &query.WriteCommit{QueryID: id}
		if err := json.Unmarshal([]byte(moves), &c.Moves); err != nil {
			return nil, fmt.Errorf("metastore: pending write %s: %w", id, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Interface guards.
var (
	_ query.Store = (*DB)(nil)
)
