package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/schedule"
)

// This file implements schedule.Store on the tables of migration 0006.

// CreateSchedule adds a schedule, or fails with schedule.ErrScheduleExists.
func (db *DB) CreateSchedule(ctx context.Context, d *schedule.Definition) error {
	rec, err := encodeJSON(d)
	if err == nil {
		var res sql.Result
		res, err = db.write.ExecContext(ctx, `INSERT INTO schedules (name, record) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, d.Name, rec)
		if n, rerr := rowsAffected(res, err); rerr == nil && n == 0 {
			err = schedule.ErrScheduleExists
		}
	}
	if err != nil {
		return fmt.Errorf("metastore: create schedule %s: %w", d.Name, err)
	}
	return nil
}

// GetSchedule returns a schedule, or fails with schedule.ErrScheduleNotFound.
func (db *DB) GetSchedule(ctx context.Context, name string) (*schedule.Definition, error) {
	d, err := scanSchedule(db.read.QueryRowContext(ctx, `SELECT record FROM schedules WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("metastore: get schedule %s: %w", name, err)
	}
	return d, nil
}

// ListSchedules returns all schedules sorted by name.
func (db *DB) ListSchedules(ctx context.Context) ([]*schedule.Definition, error) {
	list, err := queryAll(ctx, db.read, scanSchedule, `SELECT record FROM schedules ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list schedules: %w", err)
	}
	return list, nil
}

// UpdateSchedule changes a schedule with fn and records runs, in one
// transaction, keeping the newest schedule.HistoryLimit runs.
func (db *DB) UpdateSchedule(ctx context.Context, name string, runs []schedule.Run, fn func(d *schedule.Definition) error) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		d, err := scanSchedule(tx.QueryRowContext(ctx, `SELECT record FROM schedules WHERE name = ?`, name))
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(d); err != nil {
				return err
			}
		}
		d.Name = name
		rec, err := encodeJSON(d)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schedules SET record = ? WHERE name = ?`, rec, name); err != nil {
			return err
		}
		if len(runs) == 0 {
			return nil
		}
		for _, r := range runs {
			rec, err := encodeJSON(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (schedule, fire_time, record) VALUES (?, ?, ?)
				ON CONFLICT (schedule, fire_time) DO UPDATE SET record = excluded.record`, name, r.FireTime.UnixMilli(), rec); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM schedule_runs WHERE schedule = ? AND fire_time < (
			SELECT fire_time FROM schedule_runs WHERE schedule = ? ORDER BY fire_time DESC LIMIT 1 OFFSET ?)`,
			name, name, schedule.HistoryLimit-1)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: update schedule %s: %w", name, err)
	}
	return nil
}

// DeleteSchedule removes a schedule and its runs, or fails with
// schedule.ErrScheduleNotFound.
func (db *DB) DeleteSchedule(ctx context.Context, name string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM schedules WHERE name = ?`, name)
	if n, rerr := rowsAffected(res, err); rerr == nil && n == 0 {
		err = schedule.ErrScheduleNotFound
	}
	if err != nil {
		return fmt.Errorf("metastore: delete schedule %s: %w", name, err)
	}
	return nil
}

// ListRuns returns up to limit of a schedule's runs, newest first.
func (db *DB) ListRuns(ctx context.Context, name string, limit int) ([]schedule.Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var runs []schedule.Run
	err := func() error {
		var one int
		if err := db.read.QueryRowContext(ctx, `SELECT 1 FROM schedules WHERE name = ?`, name).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return schedule.ErrScheduleNotFound
			}
			return err
		}
		var err error
		runs, err = queryAll(ctx, db.read, scanRun, `SELECT record FROM schedule_runs WHERE schedule = ? ORDER BY fire_time DESC LIMIT ?`, name, limit)
		return err
	}()
	if err != nil {
		return nil, fmt.Errorf("metastore: list runs of schedule %s: %w", name, err)
	}
	return runs, nil
}

// rowsAffected returns the rows a statement changed, or its error.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func scanSchedule(s scanner) (*schedule.Definition, error) {
	var rec string
	err := s.Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, schedule.ErrScheduleNotFound
	}
	if err != nil {
		return nil, err
	}
	var d schedule.Definition
	if err := json.Unmarshal([]byte(rec), &d); err != nil {
		return nil, fmt.Errorf("decode schedule: %w", err)
	}
	for _, t := range []*time.Time{&d.Start, &d.End, &d.Created, &d.Updated, &d.Since, &d.LastFire} {
		*t = t.UTC()
	}
	for i := range d.Queued {
		d.Queued[i] = d.Queued[i].UTC()
	}
	return &d, nil
}

func scanRun(s scanner) (schedule.Run, error) {
	var rec string
	if err := s.Scan(&rec); err != nil {
		return schedule.Run{}, err
	}
	var r schedule.Run
	if err := json.Unmarshal([]byte(rec), &r); err != nil {
		return r, fmt.Errorf("decode schedule run: %w", err)
	}
	r.FireTime, r.Time = r.FireTime.UTC(), r.Time.UTC()
	return r, nil
}

var _ schedule.Store = (*DB)(nil)
