package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/trigger"
)

// This file implements trigger.Store on the tables of migration 0007.

// Triggers is the store of triggers, their seen objects and runs; it
// also reads the states of crawls, queries and executions for them
// (trigger.Watcher, in store_trigger_watch.go).
type Triggers struct{ db *DB }

// Triggers returns the store of triggers.
func (db *DB) Triggers() *Triggers { return &Triggers{db: db} }

// CreateTrigger implements trigger.Store.
func (s *Triggers) CreateTrigger(ctx context.Context, t *trigger.Trigger, objects []trigger.Object) error {
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		rec, err := encodeJSON(t)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO triggers (name, record) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, t.Name, rec)
		if n, err := rowsAffected(res, err); err != nil {
			return err
		} else if n == 0 {
			return trigger.ErrTriggerExists
		}
		return putObjects(ctx, tx, t.Name, objects)
	})
	if err != nil {
		return fmt.Errorf("metastore: create trigger %s: %w", t.Name, err)
	}
	return nil
}

func putObjects(ctx context.Context, tx *sql.Tx, name string, objects []trigger.Object) error {
	if len(objects) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO trigger_objects (trigger, key, size, mtime, pending, seen) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (trigger, key) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, pending = excluded.pending, seen = excluded.seen`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, o := range objects {
		pending := 0
		if o.Pending {
			pending = 1
		}
		if _, err := stmt.ExecContext(ctx, name, o.Key, o.Size, o.ModTime.UnixNano(), pending, o.Seen.UnixMilli()); err != nil {
			return err
		}
	}
	return nil
}

// GetTrigger implements trigger.Store.
func (s *Triggers) GetTrigger(ctx context.Context, name string) (*trigger.Trigger, error) {
	t, err := scanTrigger(s.db.read.QueryRowContext(ctx, `SELECT record FROM triggers WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("metastore: get trigger %s: %w", name, err)
	}
	return t, nil
}

// ListTriggers implements trigger.Store.
func (s *Triggers) ListTriggers(ctx context.Context) ([]*trigger.Trigger, error) {
	list, err := queryAll(ctx, s.db.read, scanTrigger, `SELECT record FROM triggers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list triggers: %w", err)
	}
	return list, nil
}

// UpdateTrigger implements trigger.Store.
func (s *Triggers) UpdateTrigger(ctx context.Context, name string, ch *trigger.Change, fn func(t *trigger.Trigger) error) error {
	err := s.db.withTx(ctx, func(tx *sql.Tx) error {
		t, err := scanTrigger(tx.QueryRowContext(ctx, `SELECT record FROM triggers WHERE name = ?`, name))
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(t); err != nil {
				return err
			}
		}
		t.Name = name
		rec, err := encodeJSON(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE triggers SET record = ? WHERE name = ?`, rec, name); err != nil {
			return err
		}
		if ch.Empty() {
			return nil
		}
		if ch.Reset {
			if _, err := tx.ExecContext(ctx, `DELETE FROM trigger_objects WHERE trigger = ?`, name); err != nil {
				return err
			}
		}
		for _, k := range ch.Delete {
			if _, err := tx.ExecContext(ctx, `DELETE FROM trigger_objects WHERE trigger = ? AND key = ?`, name, k); err != nil {
				return err
			}
		}
		if err := putObjects(ctx, tx, name, ch.Put); err != nil {
			return err
		}
		if len(ch.Runs) == 0 {
			return nil
		}
		for _, r := range ch.Runs {
			rec, err := encodeJSON(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO trigger_runs (trigger, record) VALUES (?, ?)`, name, rec); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM trigger_runs WHERE trigger = ? AND id < (
			SELECT id FROM trigger_runs WHERE trigger = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, name, name, trigger.HistoryLimit-1)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: update trigger %s: %w", name, err)
	}
	return nil
}

// DeleteTrigger implements trigger.Store.
func (s *Triggers) DeleteTrigger(ctx context.Context, name string) error {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM triggers WHERE name = ?`, name)
	if n, rerr := rowsAffected(res, err); rerr == nil && n == 0 {
		err = trigger.ErrTriggerNotFound
	}
	if err != nil {
		return fmt.Errorf("metastore: delete trigger %s: %w", name, err)
	}
	return nil
}

// exists fails with trigger.ErrTriggerNotFound for a missing trigger.
func (s *Triggers) exists(ctx context.Context, name string) error {
	var one int
	err := s.db.read.QueryRowContext(ctx, `SELECT 1 FROM triggers WHERE name = ?`, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return trigger.ErrTriggerNotFound
	}
	return err
}

// ListTriggerRuns implements trigger.Store.
func (s *Triggers) ListTriggerRuns(ctx context.Context, name string, limit int) ([]trigger.Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var runs []trigger.Run
	err := s.exists(ctx, name)
	if err == nil {
		runs, err = queryAll(ctx, s.db.read, scanTriggerRun, `SELECT record FROM trigger_runs WHERE trigger = ? ORDER BY id DESC LIMIT ?`, name, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: list runs of trigger %s: %w", name, err)
	}
	return runs, nil
}

// ListObjects implements trigger.Store.
func (s *Triggers) ListObjects(ctx context.Context, name string) ([]trigger.Object, error) {
	var objs []trigger.Object
	err := s.exists(ctx, name)
	if err == nil {
		objs, err = queryAll(ctx, s.db.read, scanTriggerObject, `SELECT key, size, mtime, pending, seen FROM trigger_objects WHERE trigger = ? ORDER BY key`, name)
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: list objects of trigger %s: %w", name, err)
	}
	return objs, nil
}

func scanTrigger(s scanner) (*trigger.Trigger, error) {
	var rec string
	err := s.Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, trigger.ErrTriggerNotFound
	}
	if err != nil {
		return nil, err
	}
	var t trigger.Trigger
	if err := json.Unmarshal([]byte(rec), &t); err != nil {
		return nil, fmt.Errorf("decode trigger: %w", err)
	}
	for _, p := range []*time.Time{&t.Created, &t.Updated, &t.Since, &t.BatchStart, &t.LastArrival, &t.LastFire} {
		*p = p.UTC()
	}
	for i := range t.Due {
		t.Due[i].FireTime = t.Due[i].FireTime.UTC()
	}
	return &t, nil
}

func scanTriggerRun(s scanner) (trigger.Run, error) {
	var rec string
	if err := s.Scan(&rec); err != nil {
		return trigger.Run{}, err
	}
	var r trigger.Run
	if err := json.Unmarshal([]byte(rec), &r); err != nil {
		return r, fmt.Errorf("decode trigger run: %w", err)
	}
	r.FireTime, r.Time = r.FireTime.UTC(), r.Time.UTC()
	return r, nil
}

func scanTriggerObject(s scanner) (trigger.Object, error) {
	var o trigger.Object
	var mtime, seen int64
	var pending int
	if err := s.Scan(&o.Key, &o.Size, &mtime, &pending, &seen); err != nil {
		return o, err
	}
	o.ModTime, o.Seen, o.Pending = time.Unix(0, mtime).UTC(), time.UnixMilli(seen).UTC(), pending != 0
	return o, nil
}

var _ trigger.Store = (*Triggers)(nil)
