package duckengine

import (
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// hiveSeparators are LazySimpleSerDe's default separators by nesting
// level: fields, collection items, map keys, then deeper levels.
var hiveSeparators = []string{"\x01", "\x02", "\x03", "\x04", "\x05", "\x06", "\x07", "\x08"}

// textScans reads delimited text the way LazySimpleSerDe does: fields by
// position, no quoting, `\N` (or serialization.null.format) is NULL, a
// value that does not fit its column is NULL, missing trailing fields are
// NULL and extra fields are ignored.
func textScans(t *catalog.Table, files []query.DataFile) ([]scan, error) {
	seps := append([]string(nil), hiveSeparators...)
	seps[0] = t.Storage.FieldDelimiter()
	for _, k := range []string{"collection.delim", "colelction.delim"} { // Hive spells it both ways
		if v, ok := serdeParam(t, k); ok && v != "" {
			seps[1] = catalog.HiveSeparator(v)
		}
	}
	if v, ok := serdeParam(t, "mapkey.delim"); ok && v != "" {
		seps[2] = catalog.HiveSeparator(v)
	}
	nullFormat := `\N`
	if v, ok := serdeParam(t, "serialization.null.format"); ok {
		nullFormat = v
	}
	skip, err := headerLines(t)
	if err != nil {
		return nil, err
	}
	var cols []string
	for i := range t.Columns {
		cols = append(cols, fmt.Sprintf("'c%d': 'VARCHAR'", i))
	}
	from := fmt.Sprintf("read_csv(%s, auto_detect = false, header = false, skip = %d, delim = %s, quote = '', escape = '', columns = {%s}, null_padding = true, strict_mode = false, nullstr = %s, filename = '%s', hive_partitioning = false)",
		fileList(files), skip, quoteString(seps[0]), strings.Join(cols, ", "), quoteString(nullFormat), fileColumn)
	ts, err := timestampsOf(t, false)
	if err != nil {
		return nil, err
	}
	tc := textConv{seps: seps, null: nullFormat, ts: ts}
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		exprs[i] = tc.convert(fmt.Sprintf("__d.c%d", i), c.Type, 1)
	}
	return []scan{{from: from, exprs: exprs, files: files}}, nil
}

// textConv converts LazySimpleSerDe fields to column types.
type textConv struct {
	seps []string // separators by nesting level
	null string   // serialization.null.format
	ts   timestamps
}

// convert converts a text field to type t; complex types are split on
// the separator of their nesting level, as Hive writes them.
func (tc textConv) convert(src string, t catalog.Type, level int) string {
	sep := func(l int) string {
		if l < len(tc.seps) {
			return quoteString(tc.seps[l])
		}
		return fmt.Sprintf("chr(%d)", l+1)
	}
	nullable := func(v, expr string) string {
		if level == 1 {
			return expr // top-level NULLs are handled by the reader
		}
		return fmt.Sprintf("CASE WHEN %s = %s THEN NULL ELSE %s END", v, quoteString(tc.null), expr)
	}
	switch t.Kind {
	case catalog.String:
		return nullable(src, src)
	case catalog.Varchar:
		return nullable(src, fmt.Sprintf("left(%s, %d)", src, t.Length))
	case catalog.Char:
		return nullable(src, fmt.Sprintf("rpad(left(%s, %d), %d, ' ')", src, t.Length, t.Length))
	case catalog.Array:
		v := fmt.Sprintf("__x%d", level)
		elem := tc.convert(v, *t.Elem, level+1)
		return nullable(src, fmt.Sprintf("CASE WHEN %s = '' THEN []::%s ELSE list_transform(string_split(%s, %s), %s -> %s) END",
			src, sqlType(t), src, sep(level), v, elem))
	case catalog.Map:
		v := fmt.Sprintf("__x%d", level)
		key := tc.convert(fmt.Sprintf("split_part(%s, %s, 1)", v, sep(level+1)), *t.Key, level+2)
		val := tc.convert(fmt.Sprintf("split_part(%s, %s, 2)", v, sep(level+1)), *t.Value, level+2)
		return nullable(src, fmt.Sprintf("CASE WHEN %s = '' THEN map()::%s ELSE map_from_entries(list_transform(string_split(%s, %s), %s -> {'key': %s, 'value': %s})) END",
			src, sqlType(t), src, sep(level), v, key, val))
	case catalog.Struct:
		var fields []string
		for i, f := range t.Fields {
			part := fmt.Sprintf("split_part(%s, %s, %d)", src, sep(level), i+1)
			fields = append(fields, quoteIdent(f.Name)+" := "+tc.convert(part, f.Type, level+1))
		}
		return nullable(src, fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE struct_pack(%s) END", src, strings.Join(fields, ", ")))
	case catalog.Timestamp:
		return nullable(src, tc.ts.expr(src))
	}
	return nullable(src, fmt.Sprintf("TRY_CAST(%s AS %s)", src, sqlType(t)))
}

// openCSVScans reads CSV the way OpenCSVSerde does: quoted fields,
// separatorChar/quoteChar/escapeChar, empty fields are empty strings, and a
// value that does not parse as its column's type is an HIVE_BAD_DATA error
// unless the table sets use.null.for.invalid.data.
func (e *Engine) openCSVScans(t *catalog.Table, files []query.DataFile) ([]scan, error) {
	sepc, quote, escape := ",", `"`, `\`
	if v, ok := serdeParam(t, "separatorChar"); ok && v != "" {
		sepc = v
	}
	if v, ok := serdeParam(t, "quoteChar"); ok && v != "" {
		quote = v
	}
	if v, ok := serdeParam(t, "escapeChar"); ok && v != "" {
		escape = v
	}
	for name, v := range map[string]string{"separatorChar": sepc, "quoteChar": quote, "escapeChar": escape} {
		if len(v) != 1 {
			return nil, query.Errorf("INVALID_TABLE_PROPERTY", "table %s: %s %q must be a single character", t.QualifiedName(), name, v)
		}
	}
	skip, err := headerLines(t)
	if err != nil {
		return nil, err
	}
	lenient := false
	if v, ok := t.Parameters["use.null.for.invalid.data"]; ok {
		lenient = strings.EqualFold(v, "true")
	}
	var cols, names []string
	for i := range t.Columns {
		cols = append(cols, fmt.Sprintf("'c%d': 'VARCHAR'", i))
		names = append(names, fmt.Sprintf("'c%d'", i))
	}
	from := fmt.Sprintf("read_csv(%s, auto_detect = false, header = false, skip = %d, delim = %s, quote = %s, escape = %s, columns = {%s}, force_not_null = [%s], null_padding = true, strict_mode = false, filename = '%s', hive_partitioning = false)",
		fileList(files), skip, quoteString(sepc), quoteString(quote), quoteString(escape), strings.Join(cols, ", "), strings.Join(names, ", "), fileColumn)
	uri := fmt.Sprintf("replace(__d.%s, %s, 's3://')", fileColumn, quoteString(strings.TrimSuffix(e.opts.LakeDir, "/")+"/"))
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		src := fmt.Sprintf("__d.c%d", i)
		conv := openCSVConvert(src, c.Type)
		if conv == src || lenient {
			exprs[i] = conv
			continue
		}
		exprs[i] = fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL WHEN %s IS NULL THEN error('HIVE_BAD_DATA: Error parsing field value ''' || %s || ''' for field %d (%s) in ' || %s || ': not a valid %s. Fix the data, or set TBLPROPERTIES (''use.null.for.invalid.data''=''true'') to read such values as NULL') ELSE %s END",
			src, conv, src, i, strings.ReplaceAll(c.Name, "'", "''"), uri, c.Type.TrinoName(), conv)
	}
	return []scan{{from: from, exprs: exprs, files: files}}, nil
}

// openCSVConvert converts an OpenCSVSerde field; NULL means "does not parse".
// Timestamps are epoch milliseconds and dates days since the epoch, as
// OpenCSVSerde reads them; ISO dates and timestamps are accepted too.
func openCSVConvert(src string, t catalog.Type) string {
	switch t.Kind {
	case catalog.String:
		return src
	case catalog.Varchar:
		return fmt.Sprintf("left(%s, %d)", src, t.Length)
	case catalog.Char:
		return fmt.Sprintf("rpad(left(%s, %d), %d, ' ')", src, t.Length, t.Length)
	case catalog.Timestamp:
		return fmt.Sprintf("CASE WHEN regexp_full_match(%s, '-?[0-9]{1,15}') THEN make_timestamp(%s::BIGINT * 1000) ELSE TRY_CAST(%s AS TIMESTAMP) END", src, src, src)
	case catalog.Date:
		return fmt.Sprintf("CASE WHEN regexp_full_match(%s, '-?[0-9]{1,9}') THEN DATE '1970-01-01' + %s::INTEGER ELSE TRY_CAST(%s AS DATE) END", src, src, src)
	}
	return fmt.Sprintf("TRY_CAST(%s AS %s)", src, sqlType(t))
}
