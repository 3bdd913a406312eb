package metastore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// ErrSchemaTooNew reports a database file that a newer version of weir
// has migrated past the schema versions this one knows.
var ErrSchemaTooNew = errs.E("", errs.Conflict, errors.New("database was written by a newer version of weir"))

// migrationFiles holds the schema migrations, named NNNN_name.sql and
// numbered from 0001 without gaps. A released migration is never edited:
// change the schema by adding the next one.
//
// SQLite ignores PRAGMA foreign_keys inside a transaction, and all pending
// migrations run in one; a migration that rebuilds a table must follow
// https://www.sqlite.org/lang_altertable.html#otheralter with
// PRAGMA defer_foreign_keys instead.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations") // sorted by name
	if err != nil {
		return nil, err
	}
	var migs []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || name == "" {
			return nil, fmt.Errorf("migration file %s is not named NNNN_name.sql", e.Name())
		}
		if version != len(migs)+1 {
			return nil, fmt.Errorf("migration file %s has version %d, want %d", e.Name(), version, len(migs)+1)
		}
		text, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		migs = append(migs, migration{version: version, name: name, sql: string(text)})
	}
	return migs, nil
}

// migrate applies the pending migrations of migs in one transaction, so
// that a failed migration leaves the schema as it was, and concurrent Opens
// of a new file migrate it once.
func (db *DB) migrate(ctx context.Context, migs []migration) error {
	var applied []migration
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER NOT NULL PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at INTEGER NOT NULL -- Unix milliseconds
		) STRICT`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if current > len(migs) {
			return fmt.Errorf("schema version %d is newer than version %d, the latest this weir knows; upgrade weir: %w",
				current, len(migs), ErrSchemaTooNew)
		}
		for _, m := range migs[current:] {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli()); err != nil {
				return err
			}
			applied = append(applied, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range applied {
		db.logger.Info("applied schema migration", "version", m.version, "name", m.name)
	}
	return nil
}
