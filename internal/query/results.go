package query

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// ColumnInfo describes a result column, as Athena's ColumnInfo does.
type ColumnInfo struct {
	CatalogName   string `json:"CatalogName"`
	SchemaName    string `json:"SchemaName"`
	TableName     string `json:"TableName"`
	Name          string `json:"Name"`
	Label         string `json:"Label"`
	Type          string `json:"Type"`     // Athena's short type name, e.g. "varchar", "array"
	FullType      string `json:"FullType"` // the complete Trino type, e.g. "array(varchar)"
	Precision     int    `json:"Precision"`
	Scale         int    `json:"Scale"`
	Nullable      string `json:"Nullable"`
	CaseSensitive bool   `json:"CaseSensitive"`
}

// NewColumnInfo describes a result column the way Athena does.
func NewColumnInfo(c ResultColumn) ColumnInfo {
	ci := ColumnInfo{
		CatalogName: "hive",
		Name:        c.Name,
		Label:       c.Name,
		Type:        c.Type.AthenaTypeName(),
		FullType:    c.Type.TrinoName(),
		Nullable:    "UNKNOWN",
	}
	switch c.Type.Kind {
	case catalog.String, catalog.JSON:
		ci.Precision, ci.CaseSensitive = 2147483647, true
	case catalog.Varchar, catalog.Char:
		ci.Precision, ci.CaseSensitive = c.Type.Length, true
	case catalog.BigInt:
		ci.Precision = 19
	case catalog.Int:
		ci.Precision = 10
	case catalog.SmallInt:
		ci.Precision = 5
	case catalog.TinyInt:
		ci.Precision = 3
	case catalog.Double:
		ci.Precision = 17
	case catalog.Float:
		ci.Precision = 10
	case catalog.Decimal:
		ci.Precision, ci.Scale = c.Type.Precision, c.Type.Scale
	case catalog.Timestamp, catalog.TimestampTZ, catalog.Time:
		ci.Precision = 3
	case catalog.Binary:
		ci.Precision = 2147483647
	}
	return ci
}

// resultMetadata is stored next to a result file, as Athena's
// <id>.csv.metadata is.
type resultMetadata struct {
	Columns       []ColumnInfo `json:"Columns"`
	Rows          int64        `json:"Rows"`
	UpdateCount   int64        `json:"UpdateCount"`
	StatementType string       `json:"StatementType"`
}

// resultWriter writes a result set to a staged CSV file, then publishes it
// to the execution's output location. It implements RowSink.
type resultWriter struct {
	svc  *Service
	e    *Execution
	path string
	f    *os.File
	w    *bufio.Writer
	cols []ResultColumn
	rows int64
	done bool
}

func (s *Service) newResultWriter(e *Execution) (*resultWriter, error) {
	dir := filepath.Join(s.opts.StagingDir, e.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("stage results: %w", err)
	}
	path := filepath.Join(dir, "result.csv")
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("stage results: %w", err)
	}
	return &resultWriter{svc: s, e: e, path: path, f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// Columns writes the header row.
func (w *resultWriter) Columns(cols []ResultColumn) error {
	w.cols = make([]ResultColumn, len(cols))
	for i, c := range cols {
		w.cols[i] = ResultColumn{Name: strings.ToLower(c.Name), Type: c.Type}
	}
	for i, c := range w.cols {
		if i > 0 {
			w.w.WriteByte(',')
		}
		writeCSVField(w.w, c.Name)
	}
	return w.w.WriteByte('\n')
}

// Row writes one row.
func (w *resultWriter) Row(values []any) error {
	for i, v := range values {
		if i > 0 {
			w.w.WriteByte(',')
		}
		if s, ok := FormatValue(v, w.cols[i].Type); ok {
			writeCSVField(w.w, s)
		}
	}
	w.rows++
	return w.w.WriteByte('\n')
}

// rowStrings writes one row of already formatted values (nil is NULL).
func (w *resultWriter) rowStrings(values ...*string) error {
	for i, v := range values {
		if i > 0 {
			w.w.WriteByte(',')
		}
		if v != nil {
			writeCSVField(w.w, *v)
		}
	}
	w.rows++
	return w.w.WriteByte('\n')
}

func writeCSVField(w *bufio.Writer, s string) {
	w.WriteByte('"')
	w.WriteString(strings.ReplaceAll(s, `"`, `""`))
	w.WriteByte('"')
}

// commit publishes the result file and its metadata.
func (w *resultWriter) commit(ctx context.Context, statementType string, updateCount int64) error {
	if w.cols == nil {
		if err := w.Columns(nil); err != nil {
			return err
		}
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	w.done = true
	u, err := lake.ParseURI(w.e.OutputLocation)
	if err != nil {
		return err
	}
	b, err := w.svc.bucket(ctx, u, true)
	if err != nil {
		return Errorf("HIVE_FILESYSTEM_ERROR", "cannot write results to %s: %v", w.e.OutputLocation, err)
	}
	meta := resultMetadata{Rows: w.rows, UpdateCount: updateCount, StatementType: statementType}
	for _, c := range w.cols {
		meta.Columns = append(meta.Columns, NewColumnInfo(c))
	}
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	metaPath := w.path + ".metadata"
	if err := os.WriteFile(metaPath, mb, 0o644); err != nil {
		return fmt.Errorf("stage results: %w", err)
	}
	if _, err := lake.Publish(ctx, b, metaPath, u.Key+".metadata"); err != nil {
		return Errorf("HIVE_FILESYSTEM_ERROR", "cannot write results to %s: %v", w.e.OutputLocation, err)
	}
	if _, err := lake.Publish(ctx, b, w.path, u.Key); err != nil {
		return Errorf("HIVE_FILESYSTEM_ERROR", "cannot write results to %s: %v", w.e.OutputLocation, err)
	}
	return nil
}

// abort discards an uncommitted result file.
func (w *resultWriter) abort() {
	if !w.done {
		w.f.Close()
	}
	os.Remove(w.path)
	os.Remove(w.path + ".metadata")
}

// ResultPage is one page of a result set (GetQueryResults).
type ResultPage struct {
	Columns     []ColumnInfo
	Rows        [][]*string // nil is NULL
	NextToken   string      // "" on the last page
	UpdateCount int64
}

// MaxResultsPerPage is the most rows one Results call returns.
const MaxResultsPerPage = 1000

// ErrNotFinished is returned for results of an execution that has not
// succeeded.
var ErrNotFinished = errs.E("", errs.Conflict, errors.New("query has not finished successfully"))

// Results returns a page of a succeeded execution's result set: at most
// max rows (1..1000; 0 means 1000) starting where token (from the
// previous page) says.
func (s *Service) Results(ctx context.Context, id, token string, max int) (*ResultPage, error) {
	if max <= 0 || max > MaxResultsPerPage {
		max = MaxResultsPerPage
	}
	e, err := s.opts.Store.GetExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	switch e.State {
	case StateSucceeded:
	case StateFailed, StateCancelled:
		return nil, fmt.Errorf("query %s did not succeed (state %s: %s): %w", id, e.State, e.StateChangeReason, ErrNotFinished)
	default:
		return nil, fmt.Errorf("query %s has not yet finished; current state: %s: %w", id, e.State, ErrNotFinished)
	}
	u, err := lake.ParseURI(e.OutputLocation)
	if err != nil {
		return nil, err
	}
	b, err := s.opts.Lake.Bucket(ctx, u.Bucket)
	if err != nil {
		return nil, fmt.Errorf("results of %s: %w", id, err)
	}
	mb, err := lake.ReadAll(ctx, b, u.Key+".metadata")
	if err != nil {
		return nil, fmt.Errorf("results of %s: %w", id, err)
	}
	var meta resultMetadata
	if err := json.Unmarshal(mb, &meta); err != nil {
		return nil, fmt.Errorf("results of %s: read metadata: %w", id, err)
	}
	page := &ResultPage{Columns: meta.Columns, UpdateCount: meta.UpdateCount}
	offset, err := decodeToken(token)
	if err != nil {
		return nil, err
	}
	r, err := b.Get(ctx, u.Key)
	if err != nil {
		return nil, fmt.Errorf("results of %s: %w", id, err)
	}
	defer r.Close()
	cr := &csvReader{r: bufio.NewReaderSize(r, 64<<10)}
	if offset > 0 {
		if sk, ok := r.(io.Seeker); ok {
			if _, err := sk.Seek(offset, io.SeekStart); err != nil {
				return nil, err
			}
			cr = &csvReader{r: bufio.NewReaderSize(r, 64<<10), pos: offset}
		} else if _, err := io.CopyN(io.Discard, cr.r, offset); err != nil {
			return nil, err
		} else {
			cr.pos = offset
		}
	} else if _, err := cr.record(); err != nil { // the header
		if err == io.EOF {
			return page, nil
		}
		return nil, err
	}
	for len(page.Rows) < max {
		rec, err := cr.record()
		if err == io.EOF {
			return page, nil
		}
		if err != nil {
			return nil, fmt.Errorf("results of %s: %w", id, err)
		}
		page.Rows = append(page.Rows, rec)
	}
	if _, err := cr.r.Peek(1); err == nil {
		page.NextToken = encodeToken(cr.pos)
	}
	return page, nil
}

func encodeToken(offset int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.FormatInt(offset, 10)))
}

func decodeToken(tok string) (int64, error) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err == nil {
		if s, ok := strings.CutPrefix(string(b), "o:"); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, errs.Errorf("query.Results", errs.Invalid, "invalid NextToken %q; pass the token of the previous page unchanged", tok)
}

// csvReader reads weir's result files: every non-NULL field is quoted, so
// an empty unquoted field is NULL.
type csvReader struct {
	r   *bufio.Reader
	pos int64 // offset of the next record
}

func (c *csvReader) record() ([]*string, error) {
	var rec []*string
	var field strings.Builder
	quoted, inQuotes, any := false, false, false
	for {
		ch, err := c.r.ReadByte()
		if err != nil {
			if err == io.EOF && any {
				return nil, errors.New("truncated result file")
			}
			return nil, err
		}
		c.pos++
		any = true
		switch {
		case inQuotes:
			if ch == '"' {
				if next, err := c.r.Peek(1); err == nil && next[0] == '"' {
					c.r.ReadByte()
					c.pos++
					field.WriteByte('"')
				} else {
					inQuotes = false
				}
			} else {
				field.WriteByte(ch)
			}
		case ch == '"':
			inQuotes, quoted = true, true
		case ch == ',' || ch == '\n':
			if quoted || field.Len() > 0 {
				s := field.String()
				rec = append(rec, &s)
			} else {
				rec = append(rec, nil)
			}
			field.Reset()
			quoted = false
			if ch == '\n' {
				return rec, nil
			}
		default:
			field.WriteByte(ch)
		}
	}
}
