package query

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

// runResult is what running a statement produced, for its statistics.
type runResult struct {
	scanned     int64
	rows        int64 // result rows
	updateCount int64 // rows written
	manifest    string
	planning    time.Duration
}

// run executes e's statement and writes its result.
func (s *Service) run(ctx context.Context, e *Execution) (*runResult, error) {
	stmt, err := statement.Parse(e.Query)
	if err != nil {
		return nil, syntaxError(err, e.Query)
	}
	x := &execCtx{svc: s, e: e, sql: e.Query, res: &runResult{}}
	x.resolver = &resolver{svc: s, database: e.Database}
	defer func() { x.res.scanned = x.resolver.bytesScanned() }()
	defer x.cleanStaging()
	switch st := stmt.(type) {
	case *statement.Query:
		err = x.runQuery(ctx, st.Body)
	case *statement.Insert:
		err = x.runInsert(ctx, st)
	case *statement.CreateTableAs:
		err = x.runCTAS(ctx, st)
	case *statement.Unload:
		err = x.runUnload(ctx, st)
	case *statement.Explain:
		err = Errorf("NOT_SUPPORTED", "EXPLAIN is not supported yet; run the query itself")
	default:
		err = x.runDDL(ctx, stmt)
	}
	return x.res, err
}

// execCtx carries one statement's execution.
type execCtx struct {
	svc      *Service
	e        *Execution
	sql      string // the statement text
	resolver *resolver
	res      *runResult

	keepStaging bool // staged files of a committed write wait to be moved
}

// job prepares the query in span for the engine: translated, with errors
// mapped back to the statement.
func (x *execCtx) job(span statement.Span) (*Job, *statement.OffsetMap, error) {
	text := span.Text(x.sql)
	translated, offsets := text, (*statement.OffsetMap)(nil)
	if t := x.svc.opts.Translator; t != nil {
		var err error
		translated, offsets, err = t.Translate(text)
		if err != nil {
			var se *statement.SyntaxError
			if errors.As(err, &se) {
				return nil, nil, &Error{Code: "SYNTAX_ERROR", Message: se.Msg, Offset: se.Offset + span.Start, Err: err}
			}
			return nil, nil, shiftError(err, nil, span.Start)
		}
	}
	return &Job{ID: x.e.ID, SQL: translated, Database: x.e.Database, Resolver: x.resolver}, offsets, nil
}

// shiftError maps an *Error positioned in a query span (after
// translation) back to the statement text.
func shiftError(err error, offsets *statement.OffsetMap, spanStart int) error {
	qe := asError(err)
	if qe.Offset >= 0 && qe.Line == 0 {
		off := qe.Offset
		if offsets != nil {
			off = offsets.Original(off)
		}
		qe.Offset = off + spanStart
	}
	return qe
}

// engine returns the engine or an error if none is configured.
func (x *execCtx) engine() (Engine, error) {
	if x.svc.opts.Engine == nil {
		return nil, Errorf("GENERIC_INTERNAL_ERROR", "no query engine is configured")
	}
	return x.svc.opts.Engine, nil
}

// runQuery runs a SELECT and stores its result.
func (x *execCtx) runQuery(ctx context.Context, span statement.Span) error {
	eng, err := x.engine()
	if err != nil {
		return err
	}
	job, offsets, err := x.job(span)
	if err != nil {
		return err
	}
	w, err := x.svc.newResultWriter(x.e)
	if err != nil {
		return err
	}
	defer w.abort()
	if err := eng.Query(ctx, job, w); err != nil {
		return shiftError(err, offsets, span.Start)
	}
	x.res.rows = w.rows
	return w.commit(ctx, "DML", 0)
}

// stagingDir returns a fresh staging directory for this execution.
func (x *execCtx) stagingDir(name string) (string, error) {
	dir := filepath.Join(x.svc.opts.StagingDir, x.e.ID, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create staging directory: %w", err)
	}
	return dir, nil
}

// publish publishes a staged write. If the write was committed but its
// files could not all be moved, the staged files must stay where they are
// for the retry: they are kept out of the clean-up.
func (x *execCtx) publish(ctx context.Context, w *written) error {
	err := x.svc.publishWrite(ctx, x.e.ID, w)
	if err != nil && w.committed {
		x.keepStaging = true
	}
	return err
}

// cleanStaging removes this execution's staging files, unless a committed
// write still needs them.
func (x *execCtx) cleanStaging() {
	if x.keepStaging {
		return
	}
	os.RemoveAll(filepath.Join(x.svc.opts.StagingDir, x.e.ID))
}

// bucket opens the bucket of a lake URI, creating weir's own result
// bucket on first use.
func (s *Service) bucket(ctx context.Context, u lake.URI, create bool) (lake.Bucket, error) {
	b, err := s.opts.Lake.Bucket(ctx, u.Bucket)
	if err == nil || !create {
		return b, err
	}
	b, err = s.opts.Lake.CreateBucket(ctx, u.Bucket)
	if err != nil {
		if b2, err2 := s.opts.Lake.Bucket(ctx, u.Bucket); err2 == nil {
			return b2, nil
		}
	}
	return b, err
}

// qualified returns the database and table a statement names, defaulting
// to the execution's database, lower-cased.
func (x *execCtx) qualified(n statement.QualifiedName) (db, table string, err error) {
	if n.Catalog != "" && !isDefaultCatalog(n.Catalog) {
		return "", "", ErrorAt("CATALOG_NOT_FOUND", n.Span.Start, "Catalog '%s' does not exist; weir has one catalog, awsdatacatalog", n.Catalog)
	}
	db = catalog.NormalizeName(n.Database)
	if db == "" {
		db = x.e.Database
	}
	return db, catalog.NormalizeName(n.Name), nil
}
