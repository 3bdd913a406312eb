package metastore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/workflow"
)

// Workflows is the metastore's workflow.Store and state machine store.
type Workflows struct{ db *DB }

// Workflows returns the store of state machines and executions.
func (db *DB) Workflows() *Workflows { return &Workflows{db: db} }

var _ workflow.Store = (*Workflows)(nil)

// StateMachine is a stored state machine.
type StateMachine struct {
	Name       string
	Definition string
	Created    time.Time
	Updated    time.Time
}

// ErrStateMachineDoesNotExist is Step Functions' StateMachineDoesNotExist.
var ErrStateMachineDoesNotExist = errs.E("", errs.NotFound, errors.New("StateMachineDoesNotExist: the state machine does not exist"))

// ErrStateMachineAlreadyExists is Step Functions' StateMachineAlreadyExists.
var ErrStateMachineAlreadyExists = errs.E("", errs.Exists, errors.New("StateMachineAlreadyExists: a state machine with this name exists"))

// PutStateMachine creates a state machine, or replaces its definition
// when replace is set (UpdateStateMachine).
func (w *Workflows) PutStateMachine(ctx context.Context, m *StateMachine, replace bool) error {
	now := time.Now().UTC().UnixMilli()
	err := w.db.withTx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM state_machines WHERE name = ?`, m.Name).Scan(&exists); err != nil {
			return err
		}
		switch {
		case exists == 0 && replace:
			return ErrStateMachineDoesNotExist
		case exists > 0 && !replace:
			return ErrStateMachineAlreadyExists
		case exists > 0:
			_, err := tx.ExecContext(ctx, `UPDATE state_machines SET definition = ?, updated = ? WHERE name = ?`, m.Definition, now, m.Name)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO state_machines (name, definition, created, updated) VALUES (?, ?, ?, ?)`, m.Name, m.Definition, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("state machine %s: %w", m.Name, err)
	}
	return nil
}

// GetStateMachine returns a state machine.
func (w *Workflows) GetStateMachine(ctx context.Context, name string) (*StateMachine, error) {
	var m StateMachine
	var created, updated int64
	err := w.db.read.QueryRowContext(ctx, `SELECT name, definition, created, updated FROM state_machines WHERE name = ?`, name).
		Scan(&m.Name, &m.Definition, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("state machine %s: %w", name, ErrStateMachineDoesNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: get state machine %s: %w", name, err)
	}
	m.Created, m.Updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return &m, nil
}

// ListStateMachines returns the state machines by name.
func (w *Workflows) ListStateMachines(ctx context.Context) ([]*StateMachine, error) {
	rows, err := w.db.read.QueryContext(ctx, `SELECT name, definition, created, updated FROM state_machines ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list state machines: %w", err)
	}
	defer rows.Close()
	var out []*StateMachine
	for rows.Next() {
		var m StateMachine
		var created, updated int64
		if err := rows.Scan(&m.Name, &m.Definition, &created, &updated); err != nil {
			return nil, err
		}
		m.Created, m.Updated = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, &m)
	}
	return out, rows.Err()
}

// DeleteStateMachine removes a state machine; its executions stay.
func (w *Workflows) DeleteStateMachine(ctx context.Context, name string) error {
	err := w.db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM state_machines WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrStateMachineDoesNotExist
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("state machine %s: %w", name, err)
	}
	return nil
}

// storedEvent is an event as stored: its details included.
type storedEvent struct {
	ID        int64          `json:"id"`
	Prev      int64          `json:"previousEventId"`
	Timestamp time.Time      `json:"timestamp"`
	Type      string         `json:"type"`
	Details   map[string]any `json:"details,omitempty"`
}

// decodeNumbers decodes with numbers kept as json.Number, as the workflow
// package's values are.
func decodeNumbers(data string, v any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	dec.UseNumber()
	return dec.Decode(v)
}

// CreateExecution implements workflow.Store.
func (w *Workflows) CreateExecution(ctx context.Context, e *workflow.Execution, first *workflow.Checkpoint) (*workflow.Execution, bool, error) {
	rec, err := json.Marshal(e)
	if err != nil {
		return nil, false, err
	}
	var existing *workflow.Execution
	err = w.db.withDurableTx(ctx, func(tx *sql.Tx) error {
		var old string
		var stop int
		err := tx.QueryRowContext(ctx, `SELECT record, stop_requested FROM executions WHERE arn = ?`, e.ARN).Scan(&old, &stop)
		if err == nil {
			existing, err = decodeWorkflowExecution(old, stop)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO executions (arn, machine, status, record) VALUES (?, ?, ?, ?)`,
			e.ARN, e.Machine, string(e.Status), string(rec)); err != nil {
			return err
		}
		return writeCheckpoint(ctx, tx, e.ARN, first)
	})
	if err != nil {
		return nil, false, fmt.Errorf("metastore: create execution %s: %w", e.ARN, err)
	}
	if existing != nil {
		return existing, false, nil
	}
	return nil, true, nil
}

func decodeWorkflowExecution(rec string, stop int) (*workflow.Execution, error) {
	var e workflow.Execution
	if err := decodeNumbers(rec, &e); err != nil {
		return nil, fmt.Errorf("metastore: execution record: %w", err)
	}
	e.StopRequested = stop != 0
	return &e, nil
}

// writeCheckpoint appends a checkpoint's events, replaces its threads
// and records the execution's end.
func writeCheckpoint(ctx context.Context, tx *sql.Tx, arn string, c *workflow.Checkpoint) error {
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM executions WHERE arn = ?`, arn).Scan(&seq); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return workflow.ErrExecutionDoesNotExist
		}
		return err
	}
	if len(c.Events) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO execution_events (execution, id, record) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, ev := range c.Events {
			b, err := json.Marshal(storedEvent{ID: ev.ID, Prev: ev.PreviousEventID, Timestamp: ev.Timestamp, Type: ev.Type, Details: ev.Details})
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, seq, ev.ID, string(b)); err != nil {
				return fmt.Errorf("event %d: %w", ev.ID, err)
			}
		}
	}
	// A batch may hold several records of one thread: the last is its
	// state.
	last := map[string]int{}
	for i, t := range c.Threads {
		last[t.ID] = i
	}
	if len(last) > 0 {
		up, err := tx.PrepareContext(ctx, `INSERT INTO execution_threads (execution, id, record) VALUES (?, ?, ?)
			ON CONFLICT (execution, id) DO UPDATE SET record = excluded.record`)
		if err != nil {
			return err
		}
		defer up.Close()
		for i, t := range c.Threads {
			if last[t.ID] != i {
				continue
			}
			b, err := json.Marshal(t)
			if err != nil {
				return err
			}
			if _, err := up.ExecContext(ctx, seq, t.ID, string(b)); err != nil {
				return err
			}
		}
	}
	if c.End != nil {
		var rec string
		var stop int
		if err := tx.QueryRowContext(ctx, `SELECT record, stop_requested FROM executions WHERE arn = ?`, arn).Scan(&rec, &stop); err != nil {
			return err
		}
		e, err := decodeWorkflowExecution(rec, stop)
		if err != nil {
			return err
		}
		if _, err := workflow.Transition(e.Status, c.End.Status); err != nil {
			return err
		}
		e.Status, e.Output, e.Error, e.Cause, e.StopDate = c.End.Status, c.End.Output, c.End.Error, c.End.Cause, c.End.StopDate
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE executions SET status = ?, record = ?, stop_requested = 0 WHERE arn = ?`,
			string(e.Status), string(b), arn); err != nil {
			return err
		}
	}
	return nil
}

// Commit implements workflow.Store.
func (w *Workflows) Commit(ctx context.Context, arn string, c *workflow.Checkpoint) error {
	write := w.db.withTx
	if c.End != nil {
		write = w.db.withDurableTx
	}
	if err := write(ctx, func(tx *sql.Tx) error { return writeCheckpoint(ctx, tx, arn, c) }); err != nil {
		return fmt.Errorf("metastore: execution %s: %w", arn, err)
	}
	return nil
}

// GetExecution implements workflow.Store.
func (w *Workflows) GetExecution(ctx context.Context, arn string) (*workflow.Execution, error) {
	var rec string
	var stop int
	err := w.db.read.QueryRowContext(ctx, `SELECT record, stop_requested FROM executions WHERE arn = ?`, arn).Scan(&rec, &stop)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("execution %s: %w", arn, workflow.ErrExecutionDoesNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: get execution %s: %w", arn, err)
	}
	return decodeWorkflowExecution(rec, stop)
}

// ListExecutions implements workflow.Store: newest first.
func (w *Workflows) ListExecutions(ctx context.Context, f workflow.ListFilter) ([]*workflow.Execution, error) {
	q := `SELECT record, stop_requested FROM executions WHERE (? = '' OR machine = ?) AND (? = '' OR status = ?) ORDER BY seq DESC`
	args := []any{f.Machine, f.Machine, string(f.Status), string(f.Status)}
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := w.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("metastore: list executions: %w", err)
	}
	defer rows.Close()
	var out []*workflow.Execution
	for rows.Next() {
		var rec string
		var stop int
		if err := rows.Scan(&rec, &stop); err != nil {
			return nil, err
		}
		e, err := decodeWorkflowExecution(rec, stop)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// History implements workflow.Store.
func (w *Workflows) History(ctx context.Context, arn string) ([]workflow.Event, error) {
	if _, err := w.GetExecution(ctx, arn); err != nil {
		return nil, err
	}
	rows, err := w.db.read.QueryContext(ctx, `SELECT e.record FROM execution_events e JOIN executions x ON x.seq = e.execution
		WHERE x.arn = ? ORDER BY e.id`, arn)
	if err != nil {
		return nil, fmt.Errorf("metastore: history of %s: %w", arn, err)
	}
	defer rows.Close()
	var out []workflow.Event
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return nil, err
		}
		var se storedEvent
		if err := decodeNumbers(rec, &se); err != nil {
			return nil, fmt.Errorf("metastore: event of %s: %w", arn, err)
		}
		out = append(out, workflow.Event{ID: se.ID, PreviousEventID: se.Prev, Timestamp: se.Timestamp, Type: se.Type, Details: se.Details})
	}
	return out, rows.Err()
}

// Threads implements workflow.Store.
func (w *Workflows) Threads(ctx context.Context, arn string) ([]*workflow.Thread, error) {
	rows, err := w.db.read.QueryContext(ctx, `SELECT t.record FROM execution_threads t JOIN executions x ON x.seq = t.execution
		WHERE x.arn = ? ORDER BY t.id`, arn)
	if err != nil {
		return nil, fmt.Errorf("metastore: threads of %s: %w", arn, err)
	}
	defer rows.Close()
	var out []*workflow.Thread
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return nil, err
		}
		var t workflow.Thread
		if err := decodeNumbers(rec, &t); err != nil {
			return nil, fmt.Errorf("metastore: thread of %s: %w", arn, err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RequestStop implements workflow.Store.
func (w *Workflows) RequestStop(ctx context.Context, arn, cause string) error {
	err := w.db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE executions SET stop_requested = 1, record = json_set(record, '$.StopCause', ?)
			WHERE arn = ? AND status = 'RUNNING'`, cause, arn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM executions WHERE arn = ?`, arn).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return workflow.ErrExecutionDoesNotExist
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("execution %s: %w", arn, err)
	}
	return nil
}

// Redrive implements workflow.Store.
func (w *Workflows) Redrive(ctx context.Context, arn string, c *workflow.Checkpoint) error {
	err := w.db.withDurableTx(ctx, func(tx *sql.Tx) error {
		var rec string
		var stop int
		err := tx.QueryRowContext(ctx, `SELECT record, stop_requested FROM executions WHERE arn = ?`, arn).Scan(&rec, &stop)
		if errors.Is(err, sql.ErrNoRows) {
			return workflow.ErrExecutionDoesNotExist
		}
		if err != nil {
			return err
		}
		e, err := decodeWorkflowExecution(rec, stop)
		if err != nil {
			return err
		}
		if _, err := workflow.Transition(e.Status, workflow.StatusRunning); err != nil {
			return workflow.ErrExecutionNotRedrivable
		}
		e.Status, e.RedriveCount, e.StopRequested = workflow.StatusRunning, e.RedriveCount+1, false
		e.Error, e.Cause, e.StopDate = "", "", time.Time{}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE executions SET status = ?, record = ?, stop_requested = 0 WHERE arn = ?`,
			string(e.Status), string(b), arn); err != nil {
			return err
		}
		return writeCheckpoint(ctx, tx, arn, c)
	})
	if err != nil {
		return fmt.Errorf("execution %s: %w", arn, err)
	}
	return nil
}

// PutTaskOutcome implements workflow.Store.
func (w *Workflows) PutTaskOutcome(ctx context.Context, o *workflow.TaskOutcome) error {
	var output sql.NullString
	if o.Status == workflow.TaskOutcomeSucceeded {
		b, err := json.Marshal(o.Output)
		if err != nil {
			return fmt.Errorf("task token output: %w", err)
		}
		output = sql.NullString{String: string(b), Valid: true}
	}
	var hb int64
	if !o.Heartbeat.IsZero() {
		hb = o.Heartbeat.UnixNano()
	}
	err := w.db.withDurableTx(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM task_outcomes WHERE token = ?`, o.Token).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO task_outcomes (token, execution, status, output, error, cause, heartbeat)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, o.Token, o.ExecutionARN, string(o.Status), output, o.Error, o.Cause, hb)
			return err
		case err != nil:
			return err
		case status != "":
			return workflow.ErrTaskDoesNotExist
		}
		_, err = tx.ExecContext(ctx, `UPDATE task_outcomes SET status = ?, output = ?, error = ?, cause = ?, heartbeat = max(heartbeat, ?)
			WHERE token = ?`, string(o.Status), output, o.Error, o.Cause, hb, o.Token)
		return err
	})
	if err != nil {
		return fmt.Errorf("task token of %s: %w", o.ExecutionARN, err)
	}
	return nil
}

// TaskOutcome implements workflow.Store.
func (w *Workflows) TaskOutcome(ctx context.Context, token string) (*workflow.TaskOutcome, error) {
	o := &workflow.TaskOutcome{Token: token}
	var status string
	var output sql.NullString
	var hb int64
	err := w.db.read.QueryRowContext(ctx, `SELECT execution, status, output, error, cause, heartbeat FROM task_outcomes WHERE token = ?`,
		token).Scan(&o.ExecutionARN, &status, &output, &o.Error, &o.Cause, &hb)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: task token: %w", err)
	}
	o.Status = workflow.TaskOutcomeStatus(status)
	if hb != 0 {
		o.Heartbeat = time.Unix(0, hb)
	}
	if output.Valid {
		if err := decodeNumbers(output.String, &o.Output); err != nil {
			return nil, fmt.Errorf("metastore: task token output: %w", err)
		}
	}
	return o, nil
}
