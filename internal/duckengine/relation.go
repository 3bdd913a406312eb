package duckengine

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// fileColumn is the column DuckDB's readers add with each row's file path.
const fileColumn = "__weir_file"

// scan is one table function call over a group of a relation's files and
// the expressions that turn what it reads into the table's data columns.
type scan struct {
	from  string   // e.g. read_json([...], ...)
	exprs []string // one per data column, over the scan's columns (qualified __d.)
	files []query.DataFile
}

// relationSQL returns a SELECT producing rel's rows with the table's
// columns (data columns, then partition keys), typed as declared.
func (e *Engine) relationSQL(ctx context.Context, s *session, rel *query.Relation) (string, error) {
	t := rel.Table
	if rel.Rows != nil {
		return inlineSQL(t, rel.Rows), nil
	}
	if len(rel.Files) == 0 {
		return emptySQL(t), nil
	}
	if err := checkCompression(t, rel.Files); err != nil {
		return "", err
	}
	var scans []scan
	var err error
	switch f := t.Storage.Format(); f {
	case catalog.FormatJSON:
		scans, err = e.jsonScans(t, rel.Files)
	case catalog.FormatText:
		scans, err = textScans(t, rel.Files)
	case catalog.FormatOpenCSV:
		scans, err = e.openCSVScans(t, rel.Files)
	case catalog.FormatParquet:
		scans, err = e.parquetScans(ctx, s, t, rel.Files)
	default:
		serde := t.Storage.SerDe
		if serde == "" {
			serde = t.Storage.InputFormat
		}
		return "", query.Errorf("HIVE_UNSUPPORTED_FORMAT",
			"table %s is stored as %s (%s), which weir cannot read yet; weir reads Parquet, JSON (OpenX and Hive SerDes) and delimited text (LazySimpleSerDe, OpenCSVSerde)",
			t.QualifiedName(), f, serde)
	}
	if err != nil {
		return "", err
	}
	parts := make([]string, len(scans))
	for i, sc := range scans {
		parts[i] = scanSQL(t, sc)
	}
	return strings.Join(parts, " UNION ALL "), nil
}

// scanSQL selects a scan's rows with the table's columns, joining each
// file's partition values when the table is partitioned.
func scanSQL(t *catalog.Table, sc scan) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sc.exprs[i])
		b.WriteString(" AS ")
		b.WriteString(quoteIdent(strings.ToLower(c.Name)))
	}
	for i, k := range t.PartitionKeys {
		b.WriteString(", ")
		src := fmt.Sprintf("__p.__p%d", i)
		if k.Type.IsString() {
			b.WriteString(src)
		} else {
			fmt.Fprintf(&b, "TRY_CAST(%s AS %s)", src, sqlType(k.Type))
		}
		b.WriteString(" AS ")
		b.WriteString(quoteIdent(strings.ToLower(k.Name)))
	}
	b.WriteString(" FROM ")
	b.WriteString(sc.from)
	b.WriteString(" AS __d")
	if len(t.PartitionKeys) > 0 {
		b.WriteString(" JOIN (VALUES ")
		for i, f := range sc.files {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			b.WriteString(quoteString(f.Path))
			for j := range t.PartitionKeys {
				b.WriteString(", ")
				if j >= len(f.Partition) || f.Partition[j] == catalog.NullPartitionValue {
					b.WriteString("NULL::VARCHAR")
				} else {
					b.WriteString(quoteString(f.Partition[j]))
				}
			}
			b.WriteByte(')')
		}
		b.WriteString(") AS __p(" + fileColumn)
		for i := range t.PartitionKeys {
			fmt.Fprintf(&b, ", __p%d", i)
		}
		b.WriteString(") ON __d." + fileColumn + " = __p." + fileColumn)
	}
	return b.String()
}

// emptySQL returns a SELECT with t's columns and no rows.
func emptySQL(t *catalog.Table) string {
	var cols []string
	for _, c := range t.AllColumns() {
		cols = append(cols, fmt.Sprintf("CAST(NULL AS %s) AS %s", sqlType(c.Type), quoteIdent(strings.ToLower(c.Name))))
	}
	return "SELECT " + strings.Join(cols, ", ") + " WHERE false"
}

// inlineSQL returns a SELECT over rows given inline (string or nil values).
func inlineSQL(t *catalog.Table, rows [][]any) string {
	cols := t.AllColumns()
	if len(rows) == 0 {
		return emptySQL(t)
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "TRY_CAST(__c%d AS %s) AS %s", i, sqlType(c.Type), quoteIdent(strings.ToLower(c.Name)))
	}
	b.WriteString(" FROM (VALUES ")
	for i, row := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteString(", ")
			}
			if j < len(row) && row[j] != nil {
				b.WriteString(quoteString(fmt.Sprint(row[j])))
			} else {
				b.WriteString("NULL::VARCHAR")
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(") AS __v(")
	for i := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "__c%d", i)
	}
	b.WriteByte(')')
	return b.String()
}

// fileList returns a DuckDB list literal of the files' paths, each once
// (a file shared by partitions is read once and joined to each).
func fileList(files []query.DataFile) string {
	var b strings.Builder
	b.WriteByte('[')
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f.Path] {
			continue
		}
		if len(seen) > 0 {
			b.WriteString(", ")
		}
		seen[f.Path] = true
		b.WriteString(quoteString(f.Path))
	}
	b.WriteByte(']')
	return b.String()
}

// unreadableCompression names compressions Athena reads in text files but
// DuckDB cannot.
var unreadableCompression = map[string]string{
	".bz2": "bzip2", ".snappy": "snappy", ".lz4": "LZ4", ".deflate": "deflate", ".lzo": "LZO", ".br": "brotli", ".zip": "ZIP",
}

func checkCompression(t *catalog.Table, files []query.DataFile) error {
	if t.Storage.Format() == catalog.FormatParquet {
		return nil
	}
	for _, f := range files {
		if c, ok := unreadableCompression[strings.ToLower(path.Ext(f.Path))]; ok {
			return query.Errorf("HIVE_UNSUPPORTED_FORMAT",
				"file %s of table %s is %s-compressed; weir reads uncompressed, gzip (.gz) and zstd (.zst) text files", f.URI, t.QualifiedName(), c)
		}
	}
	return nil
}

// serdeParam returns a SerDe parameter, falling back to a table property.
func serdeParam(t *catalog.Table, key string) (string, bool) {
	if v, ok := t.Storage.SerDeParameters[key]; ok {
		return v, true
	}
	v, ok := t.Parameters[key]
	return v, ok
}

// headerLines returns the table's skip.header.line.count.
func headerLines(t *catalog.Table) (int, error) {
	v, ok := t.Parameters["skip.header.line.count"]
	if !ok {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || n < 0 {
		return 0, query.Errorf("INVALID_TABLE_PROPERTY", "table %s: skip.header.line.count is %q; it must be a whole number of lines", t.QualifiedName(), v)
	}
	return n, nil
}
