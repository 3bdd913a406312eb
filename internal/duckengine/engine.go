// Package duckengine runs Athena queries on embedded DuckDB. It is the only
// package that links DuckDB (cgo); everything else talks to it through
// query.Engine.
//
// DuckDB holds no durable state here: every query runs on its own
// connection, where the tables it names become temporary views over the
// lake files the query's Resolver returns. The engine is sandboxed: DuckDB
// may only touch the lake, staging and temp directories, cannot load
// extensions, and its configuration is locked after start-up, so SQL
// cannot change it.
package duckengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
)

// Options configure an Engine.
type Options struct {
	LakeDir    string // root of the lake; queries may read under it
	StagingDir string // writes go under it
	TempDir    string // DuckDB spills here
	// MemoryLimit caps DuckDB's memory, e.g. "4GB"; empty means DuckDB's
	// default (80% of RAM).
	MemoryLimit string
	// Threads is the number of worker threads; 0 means one per core.
	Threads int
	// Connections is how many queries can use DuckDB at once. All
	// connections are made at start-up, before the configuration is
	// locked, because each needs per-connection settings.
	Connections int
	Logger      *slog.Logger
}

// DefaultOptions returns options with no directories set and DuckDB's
// defaults for memory and threads.
func DefaultOptions() Options {
	return Options{Connections: 8, Logger: slog.New(slog.DiscardHandler)}
}

// Engine is a DuckDB-backed query.Engine.
type Engine struct {
	db     *sql.DB
	opts   Options
	logger *slog.Logger

	mu     sync.Mutex
	nextID int64 // for unique temporary view names

	samples *sampleCache // JSON key spellings per file

	// serialize is serializeSQL prepared; database/sql prepares it once
	// per connection and reuses it.
	serialize *sql.Stmt
}

var _ query.Engine = (*Engine)(nil)

// Open starts an in-memory DuckDB, configures and sandboxes it.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	var dirs []string
	for _, d := range []string{opts.LakeDir, opts.StagingDir, opts.TempDir} {
		if d == "" {
			return nil, errors.New("duckengine: LakeDir, StagingDir and TempDir are required")
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, abs+string(filepath.Separator))
	}
	if opts.Connections <= 0 {
		opts.Connections = DefaultOptions().Connections
	}
	// errors_as_json gives structured errors with positions; it is a
	// per-connection setting, so every connection sets it when made.
	connector, err := duckdb.NewConnector("?autoinstall_known_extensions=false&autoload_known_extensions=false&allow_community_extensions=false",
		func(ex driver.ExecerContext) error {
			_, err := ex.ExecContext(context.Background(), "SET errors_as_json = true", nil)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("duckengine: start DuckDB: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(opts.Connections)
	db.SetMaxIdleConns(opts.Connections)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	e := &Engine{db: db, opts: opts, logger: opts.Logger, samples: newSampleCache()}
	if err := e.configure(ctx, dirs); err != nil {
		db.Close()
		return nil, err
	}
	if e.serialize, err = db.PrepareContext(ctx, serializeSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("duckengine: prepare: %w", plainError(err))
	}
	return e, nil
}

// configure applies settings, registers functions and then locks the
// configuration.
func (e *Engine) configure(ctx context.Context, allowed []string) error {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	settings := []string{
		"SET GLOBAL TimeZone = 'UTC'",
		"SET GLOBAL integer_division = true",           // Trino: 7 / 2 = 3
		"SET GLOBAL default_null_order = 'NULLS_LAST'", // Trino: NULLs last both ways
		"SET GLOBAL preserve_insertion_order = false",  // Athena promises no order without ORDER BY
		"SET GLOBAL parquet_metadata_cache = true",
		"SET GLOBAL temp_directory = " + quoteString(e.opts.TempDir),
	}
	if e.opts.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET GLOBAL threads = %d", e.opts.Threads))
	}
	if e.opts.MemoryLimit != "" {
		settings = append(settings, "SET GLOBAL memory_limit = "+quoteString(e.opts.MemoryLimit))
	}
	for _, s := range settings {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("duckengine: %s: %w", s, plainError(err))
		}
	}
	if err := registerFunctions(ctx, conn); err != nil {
		return err
	}
	// Make every connection now: after the lock below, new connections
	// could not apply their settings.
	conns := []*sql.Conn{conn}
	for len(conns) < e.opts.Connections {
		c, err := e.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("duckengine: connect: %w", err)
		}
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns[1:] {
			c.Close()
		}
	}()
	quoted := make([]string, len(allowed))
	for i, d := range allowed {
		quoted[i] = quoteString(d)
	}
	lock := []string{
		"SET GLOBAL allowed_directories = [" + strings.Join(quoted, ", ") + "]",
		"SET GLOBAL enable_external_access = false",
		"SET GLOBAL lock_configuration = true",
	}
	for _, s := range lock {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("duckengine: sandbox: %s: %w", s, plainError(err))
		}
	}
	return nil
}

// Close shuts DuckDB down.
func (e *Engine) Close() error {
	e.serialize.Close()
	return e.db.Close()
}

// viewName returns a fresh temporary view name.
func (e *Engine) viewName() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextID++
	return fmt.Sprintf("__weir_v%d", e.nextID)
}

// session is one query's DuckDB connection with the temporary views it
// created.
type session struct {
	conn  *sql.Conn
	views []string
}

func (e *Engine) session(ctx context.Context) (*session, error) {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckengine: connect: %w", err)
	}
	return &session{conn: conn}, nil
}

// close drops the session's views and returns the connection to the
// pool. Connections are never discarded (see Options.Connections); a view
// that cannot be dropped only costs a little memory, as view names are
// never reused.
func (s *session) close() {
	ctx := context.Background()
	for _, v := range s.views {
		s.conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+quoteIdent(v))
	}
	s.conn.Close()
}
