package duckengine

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// maxFileBytes is the size at which unpartitioned Parquet output rolls
// over to a new file.
const maxFileBytes = "512MB"

// Write runs job's query and writes its rows as files in spec.Dir.
func (e *Engine) Write(ctx context.Context, job *query.Job, spec *query.WriteSpec) (*query.WriteResult, error) {
	s, p, err := e.begin(ctx, job)
	if err != nil {
		return nil, err
	}
	defer s.close()
	cols, err := describe(ctx, s, p)
	if err != nil {
		return nil, err
	}
	out, err := spec.Target(cols)
	if err != nil {
		return nil, err
	}
	if err := checkPartitionBy(out, spec.PartitionBy); err != nil {
		return nil, err
	}
	sel, inner := castSelect(p.sql, cols, out)
	w := &writer{e: e, s: s, p: p, spec: spec, out: out}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, err
	}
	switch spec.Format {
	case catalog.FormatParquet:
		return w.parquet(ctx, sel, inner)
	case catalog.FormatJSON, catalog.FormatText:
		if len(spec.PartitionBy) == 0 {
			return w.textFile(ctx, sel, inner)
		}
		return w.partitionedText(ctx, sel, inner)
	}
	return nil, query.Errorf("NOT_SUPPORTED", "weir cannot write format %s", spec.Format)
}

func checkPartitionBy(out []query.OutputColumn, by []string) error {
	if len(by) > len(out) {
		return query.Errorf("INVALID_TABLE_PROPERTY", "more partition columns than output columns")
	}
	for i, name := range by {
		oc := out[len(out)-len(by)+i]
		if !strings.EqualFold(oc.Name, name) {
			return query.Errorf("INVALID_TABLE_PROPERTY", "partition column %s must be among the last columns of the query, in partitioned_by order", name)
		}
	}
	return nil
}

type writer struct {
	e    *Engine
	s    *session
	p    *plan
	spec *query.WriteSpec
	out  []query.OutputColumn
}

// rows runs a COPY whose text embeds the job's query at offset inner,
// mapping errors back to the job's SQL.
func (w *writer) rows(ctx context.Context, sql string, inner int) (*stdsql.Rows, error) {
	rows, err := w.s.conn.QueryContext(ctx, sql)
	if err != nil {
		shifted := *w.p
		shifted.shift = inner
		return nil, translateError(ctx, err, &shifted)
	}
	return rows, nil
}

// parquet writes Parquet files, partitioned or rolled over by size.
func (w *writer) parquet(ctx context.Context, sel string, inner int) (*query.WriteResult, error) {
	var opts []string
	opts = append(opts, "FORMAT PARQUET", "COMPRESSION "+parquetCodec(w.spec.Compression))
	if w.spec.CompressionLevel > 0 {
		opts = append(opts, fmt.Sprintf("COMPRESSION_LEVEL %d", w.spec.CompressionLevel))
	}
	if len(w.spec.PartitionBy) > 0 {
		opts = append(opts, "PARTITION_BY ("+quoteList(w.spec.PartitionBy)+")", "WRITE_PARTITION_COLUMNS false")
	} else {
		opts = append(opts, "FILE_SIZE_BYTES '"+maxFileBytes+"'")
	}
	opts = append(opts, "FILENAME_PATTERN "+quoteString(w.spec.FilePrefix+"_{i}"), "RETURN_STATS true")
	prefix := "COPY ("
	sql := prefix + sel + ") TO " + quoteString(w.spec.Dir) + " (" + strings.Join(opts, ", ") + ")"
	stats, err := w.copyStats(ctx, sql, len(prefix)+inner)
	if err != nil {
		return nil, err
	}
	res := &query.WriteResult{}
	for _, st := range stats {
		if st.rows == 0 {
			os.Remove(st.path) // Athena writes no file for an empty result
			continue
		}
		res.Rows += st.rows
		res.Files = append(res.Files, query.WrittenFile{Path: st.path, Size: st.size, Rows: st.rows, Partition: st.partition})
	}
	return res, nil
}

type fileStats struct {
	path      string
	rows      int64
	size      int64
	partition []string
}

// copyStats runs a COPY ... RETURN_STATS and reads its per-file stats.
func (w *writer) copyStats(ctx context.Context, sql string, inner int) ([]fileStats, error) {
	rows, err := w.rows(ctx, sql, inner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fileStats
	for rows.Next() {
		var name string
		var count, size, footer uint64
		var colStats, keys any
		if err := rows.Scan(&name, &count, &size, &footer, &colStats, &keys); err != nil {
			return nil, err
		}
		st := fileStats{path: name, rows: int64(count), size: int64(size)}
		if len(w.spec.PartitionBy) > 0 {
			m, _ := keys.(duckdb.Map)
			for _, k := range w.spec.PartitionBy {
				v := catalog.NullPartitionValue
				for mk, mv := range m {
					if ks, _ := mk.(string); strings.EqualFold(ks, k) && mv != nil {
						v = fmt.Sprint(mv)
					}
				}
				st.partition = append(st.partition, v)
			}
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		shifted := *w.p
		shifted.shift = inner
		return nil, translateError(ctx, err, &shifted)
	}
	return out, nil
}

// textFile writes one JSON or delimited text file.
func (w *writer) textFile(ctx context.Context, sel string, inner int) (*query.WriteResult, error) {
	name := filepath.Join(w.spec.Dir, w.spec.FilePrefix+"_0"+w.extension())
	body, off := w.textSelect(sel, w.out)
	prefix := "COPY (" + body[:off]
	sql := "COPY (" + body + ") TO " + quoteString(name) + " (" + w.textOptions() + ")"
	n, err := w.copyCount(ctx, sql, len(prefix)+inner)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		os.Remove(name)
		return &query.WriteResult{}, nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	return &query.WriteResult{Rows: n, Files: []query.WrittenFile{{Path: name, Size: fi.Size(), Rows: n}}}, nil
}

// partitionedText writes partitioned JSON or text: DuckDB cannot
// partition those formats itself, so rows are first partitioned into
// scratch Parquet files and each partition is then converted.
func (w *writer) partitionedText(ctx context.Context, sel string, inner int) (*query.WriteResult, error) {
	scratch := filepath.Join(w.spec.Dir, ".scratch")
	prefix := "COPY ("
	sql := prefix + sel + ") TO " + quoteString(scratch) + " (FORMAT PARQUET, COMPRESSION uncompressed, PARTITION_BY (" +
		quoteList(w.spec.PartitionBy) + "), WRITE_PARTITION_COLUMNS false, FILENAME_PATTERN 'part_{i}', RETURN_STATS true)"
	stats, err := w.copyStats(ctx, sql, len(prefix)+inner)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	groups := map[string][]fileStats{}
	var keys []string
	for _, st := range stats {
		if st.rows == 0 {
			continue
		}
		k := strings.Join(st.partition, "\x00")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], st)
	}
	sort.Strings(keys)
	data := w.out[:len(w.out)-len(w.spec.PartitionBy)]
	res := &query.WriteResult{}
	for i, k := range keys {
		g := groups[k]
		var files []string
		for _, st := range g {
			files = append(files, quoteString(st.path))
		}
		dir := filepath.Join(w.spec.Dir, fmt.Sprintf("p%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, w.spec.FilePrefix+"_0"+w.extension())
		src := "(SELECT * FROM read_parquet([" + strings.Join(files, ", ") + "], hive_partitioning = false))"
		var cols []string
		for j := range data {
			cols = append(cols, fmt.Sprintf("__c%d", j))
		}
		fromSel := "SELECT * FROM " + src + " AS __q(" + strings.Join(cols, ", ") + ")"
		renamed := make([]query.OutputColumn, len(data))
		for j, oc := range data {
			renamed[j] = query.OutputColumn{Name: oc.Name, Type: oc.Type, From: j}
		}
		body, _ := w.textSelect(fromSel, renamed)
		n, err := w.copyCount(ctx, "COPY ("+body+") TO "+quoteString(name)+" ("+w.textOptions()+")", 0)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(name)
		if err != nil {
			return nil, err
		}
		res.Rows += n
		res.Files = append(res.Files, query.WrittenFile{Path: name, Size: fi.Size(), Rows: n, Partition: g[0].partition})
	}
	return res, nil
}

// textSelect wraps sel so that each column is written the way the target
// SerDe reads it, and returns where sel starts in the result.
func (w *writer) textSelect(sel string, cols []query.OutputColumn) (string, int) {
	var exprs []string
	for i, oc := range cols {
		expr := fmt.Sprintf("__t.__c%d", i)
		if w.spec.Format != catalog.FormatJSON {
			expr = textEncode(expr, oc.Type, 1)
		}
		exprs = append(exprs, expr+" AS "+quoteIdent(oc.Name))
	}
	var aliases []string
	for i := range cols {
		aliases = append(aliases, fmt.Sprintf("__c%d", i))
	}
	prefix := "SELECT " + strings.Join(exprs, ", ") + " FROM ("
	return prefix + sel + ") AS __t(" + strings.Join(aliases, ", ") + ")", len(prefix)
}

// textEncode renders a value as LazySimpleSerDe text: complex values are
// joined with the separator of their nesting level, NULLs inside them are
// \N, timestamps have millisecond precision.
func textEncode(src string, t catalog.Type, level int) string {
	sep := func(l int) string { return fmt.Sprintf("chr(%d)", l+1) }
	inner := func(v string, t catalog.Type, l int) string {
		return fmt.Sprintf("coalesce(%s, '\\N')", textEncode(v, t, l))
	}
	switch t.Kind {
	case catalog.Array:
		// array_to_string of an empty list is NULL in DuckDB; Hive writes
		// an empty field.
		v := fmt.Sprintf("__x%d", level)
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE coalesce(array_to_string(list_transform(%s, %s -> %s), %s), '') END",
			src, src, v, inner(v, *t.Elem, level+1), sep(level))
	case catalog.Map:
		v := fmt.Sprintf("__x%d", level)
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE coalesce(array_to_string(list_transform(map_entries(%s), %s -> %s || %s || %s), %s), '') END",
			src, src, v, inner(v+".key", *t.Key, level+2), sep(level+1), inner(v+".value", *t.Value, level+2), sep(level))
	case catalog.Struct:
		var parts []string
		for _, f := range t.Fields {
			parts = append(parts, inner(fmt.Sprintf("struct_extract(%s, %s)", src, quoteString(f.Name)), f.Type, level+1))
		}
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE concat_ws(%s, %s) END", src, sep(level), strings.Join(parts, ", "))
	case catalog.Timestamp:
		return fmt.Sprintf("strftime(%s, '%%Y-%%m-%%d %%H:%%M:%%S.%%g')", src)
	case catalog.Boolean:
		return fmt.Sprintf("CASE WHEN %s THEN 'true' WHEN NOT %s THEN 'false' END", src, src)
	}
	return fmt.Sprintf("CAST(%s AS VARCHAR)", src)
}

func (w *writer) textOptions() string {
	var opts []string
	if w.spec.Format == catalog.FormatJSON {
		opts = append(opts, "FORMAT JSON")
	} else {
		delim := w.spec.FieldDelimiter
		if delim == "" {
			delim = "\x01"
		}
		opts = append(opts, "FORMAT CSV", "HEADER false", "DELIMITER "+quoteString(delim), "QUOTE ''", "ESCAPE ''", `NULLSTR '\N'`)
	}
	opts = append(opts, "COMPRESSION "+textCodec(w.spec.Compression))
	return strings.Join(opts, ", ")
}

func (w *writer) extension() string {
	ext := ".txt"
	if w.spec.Format == catalog.FormatJSON {
		ext = ".json"
	}
	switch strings.ToUpper(w.spec.Compression) {
	case "GZIP", "":
		ext += ".gz"
	case "ZSTD":
		ext += ".zst"
	}
	return ext
}

func (w *writer) copyCount(ctx context.Context, sql string, inner int) (int64, error) {
	rows, err := w.rows(ctx, sql, inner)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		shifted := *w.p
		shifted.shift = inner
		return 0, translateError(ctx, err, &shifted)
	}
	return n, nil
}

func parquetCodec(c string) string {
	switch strings.ToUpper(c) {
	case "SNAPPY":
		return "snappy"
	case "ZSTD":
		return "zstd"
	case "NONE", "UNCOMPRESSED":
		return "uncompressed"
	}
	return "gzip"
}

func textCodec(c string) string {
	switch strings.ToUpper(c) {
	case "ZSTD":
		return "zstd"
	case "NONE", "UNCOMPRESSED":
		return "none"
	}
	return "gzip"
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}
