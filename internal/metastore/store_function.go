package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/weirdata/weir/internal/function"
)

// This file implements function.Store on the table of migration 0004.

// CreateFunction adds a function, or fails with function.ErrFunctionExists.
func (db *DB) CreateFunction(ctx context.Context, f *function.Function) error {
	rec, err := encodeJSON(f)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO functions (name, record) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, f.Name, rec)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = function.ErrFunctionExists
		}
	}
	if err != nil {
		return fmt.Errorf("metastore: create function %s: %w", f.Name, err)
	}
	return nil
}

// GetFunction returns a function, or fails with function.ErrFunctionNotFound.
func (db *DB) GetFunction(ctx context.Context, name string) (*function.Function, error) {
	f, err := scanFunction(db.read.QueryRowContext(ctx, `SELECT record FROM functions WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("metastore: get function %s: %w", name, err)
	}
	return f, nil
}

// ListFunctions returns all functions sorted by name.
func (db *DB) ListFunctions(ctx context.Context) ([]*function.Function, error) {
	list, err := queryAll(ctx, db.read, scanFunction, `SELECT record FROM functions ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list functions: %w", err)
	}
	return list, nil
}

// UpdateFunction changes a function with fn in one transaction.
func (db *DB) UpdateFunction(ctx context.Context, name string, fn func(f *function.Function) error) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		f, err := scanFunction(tx.QueryRowContext(ctx, `SELECT record FROM functions WHERE name = ?`, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
		rec, err := encodeJSON(f)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE functions SET record = ? WHERE name = ?`, rec, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: update function %s: %w", name, err)
	}
	return nil
}

// DeleteFunction removes a function, or fails with function.ErrFunctionNotFound.
func (db *DB) DeleteFunction(ctx context.Context, name string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM functions WHERE name = ?`, name)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = function.ErrFunctionNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("metastore: delete function %s: %w", name, err)
	}
	return nil
}

func scanFunction(s scanner) (*function.Function, error) {
	var rec string
	err := s.Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, function.ErrFunctionNotFound
	}
	if err != nil {
		return nil, err
	}
	var f function.Function
	if err := json.Unmarshal([]byte(rec), &f); err != nil {
		return nil, fmt.Errorf("decode function: %w", err)
	}
	f.CreateTime, f.LastModified = f.CreateTime.UTC(), f.LastModified.UTC()
	return &f, nil
}

var _ function.Store = (*DB)(nil)
