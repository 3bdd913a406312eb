package metastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeout is how long a connection waits for another connection's
// (or process's) write transaction before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Options configure a DB.
type Options struct {
	// Logger receives messages about opening and migrating the database.
	// Nil discards them.
	Logger *slog.Logger
}

// DefaultOptions returns the options Open uses when given no others.
func DefaultOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler)}
}

// DB is an open metadata database. It implements catalog.Store and is safe
// for concurrent use.
type DB struct {
	path   string
	logger *slog.Logger
	write  *sql.DB // one connection: write transactions, one at a time
	read   *sql.DB // a pool of query_only connections
}

// Open opens the metadata database at path, creating the file if it does
// not exist, and migrates its schema to the current version. The directory
// must exist. ctx bounds the opening and migration only.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	migs, err := loadMigrations()
	if err != nil {
		return nil, fmt.Errorf("metastore: open %s: %w", path, err)
	}
	return open(ctx, path, opts, migs)
}

// open is Open with the migrations to apply.
func open(ctx context.Context, path string, opts Options, migs []migration) (*DB, error) {
	logger := opts.Logger
	if logger == nil {
		logger = DefaultOptions().Logger
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("metastore: open %s: %w", path, err)
	}
	timeout := "busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")"
	// Pragmas go in the DSN so that every connection the pools open gets
	// them; busy_timeout comes first so that it covers the others.
	write, err := sql.Open("sqlite", dsn(abs, "immediate",
		timeout, "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"))
	if err != nil {
		return nil, fmt.Errorf("metastore: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", dsn(abs, "", timeout, "foreign_keys(1)", "query_only(1)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("metastore: open %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)

	db := &DB{path: abs, logger: logger.With("component", "metastore"), write: write, read: read}
	if err := db.init(ctx, migs); err != nil {
		db.Close()
		return nil, fmt.Errorf("metastore: open %s: %w", path, err)
	}
	return db, nil
}

// dsn builds a modernc.org/sqlite data source name for a file. txlock sets
// how transactions begin ("immediate" takes the write lock at once).
func dsn(path, txlock string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	// The file: form with an escaped path lets paths hold '?' and '#'.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// init checks the connection settings and migrates the schema.
func (db *DB) init(ctx context.Context, migs []migration) error {
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		// SQLite falls back silently where WAL cannot work, such as on
		// some network file systems; concurrent readers would then block.
		return fmt.Errorf("journal mode is %q, not wal; keep the data directory on a local file system", mode)
	}
	return db.migrate(ctx, migs)
}

// Close waits for calls in progress to finish and closes the database.
func (db *DB) Close() error {
	err := errors.Join(db.read.Close(), db.write.Close())
	if err != nil {
		return fmt.Errorf("metastore: close %s: %w", db.path, err)
	}
	return nil
}

// withTx runs fn in a write transaction and commits it if fn returns nil;
// otherwise, or if fn panics, it rolls it back. Transactions begin with
// BEGIN IMMEDIATE on the one write connection, so they run one at a time
// and never fail with SQLITE_BUSY inside this process.
//
// fn must use only tx, not other methods of db: it holds the write
// connection, so a nested withTx would wait forever. Stores build their
// methods on withTx; to change several stores atomically, call their
// tx-taking helpers from one fn.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return runTx(db.write.BeginTx(ctx, nil))(fn)
}

// runTx returns a function that runs fn in the begun transaction tx and
// commits it if fn returns nil, or rolls it back.
func runTx(tx *sql.Tx, err error) func(fn func(tx *sql.Tx) error) error {
	return func(fn func(tx *sql.Tx) error) error {
		if err != nil {
			return err
		}
		defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit()
	}
}

// withDurableTx is withTx for commits that must survive a power loss:
// with synchronous=FULL the commit is on disk before it returns. Other
// transactions run with synchronous=NORMAL, which in WAL mode survives a
// crash of the process but may lose the latest commits to a power loss.
func (db *DB) withDurableTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL") //nolint:errcheck // best effort: NORMAL is only faster
	return runTx(conn.BeginTx(ctx, nil))(fn)
}

// withReadTx runs fn in a read-only transaction, which sees one consistent
// snapshot of the database while writers go on. It does not wait for the
// write connection.
func (db *DB) withReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // the transaction only read
	return fn(tx)
}
