package duckengine

import (
	"context"
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// parquetScans reads Parquet files by column name (case-insensitively),
// as Athena's Parquet SerDe does: a column missing from the files is NULL,
// a column stored with a compatible type (a narrower integer, float for
// double, ...) is widened, and an incompatible type is a HIVE_BAD_DATA
// error rather than a silent conversion.
func (e *Engine) parquetScans(ctx context.Context, s *session, t *catalog.Table, files []query.DataFile) ([]scan, error) {
	from := fmt.Sprintf("read_parquet(%s, filename = '%s', hive_partitioning = false, union_by_name = true)", fileList(files), fileColumn)
	rows, err := s.conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+from)
	if err != nil {
		return nil, fmt.Errorf("read the schema of the Parquet files of %s: %w", t.QualifiedName(), translateError(ctx, err, nil))
	}
	fileCols := map[string]fileColumnInfo{}
	for rows.Next() {
		var name, typ string
		var null, key, def, extra any
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			rows.Close()
			return nil, err
		}
		ct, err := parseDuckType(typ)
		if err != nil {
			ct = catalog.Type{Kind: catalog.KindInvalid}
		}
		lname := strings.ToLower(name)
		if _, dup := fileCols[lname]; !dup {
			fileCols[lname] = fileColumnInfo{name: name, duckType: typ, typ: ct}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		fc, ok := fileCols[strings.ToLower(c.Name)]
		if !ok {
			exprs[i] = fmt.Sprintf("CAST(NULL AS %s)", sqlType(c.Type))
			continue
		}
		expr, err := convertParquet("__d."+quoteIdent(fc.name), fc.typ, c.Type)
		if err != nil {
			where := files[0].URI
			if len(files) > 1 {
				where = fmt.Sprintf("%d files of table %s (e.g. %s)", len(files), t.QualifiedName(), files[0].URI)
			}
			return nil, query.Errorf("HIVE_BAD_DATA",
				"Field %s's type %s in %s is incompatible with type %s defined in table schema (%v). Change the column's type in the table, or rewrite the files",
				c.Name, strings.ToLower(fc.duckType), where, c.Type.TrinoName(), err)
		}
		exprs[i] = expr
	}
	return []scan{{from: from, exprs: exprs, files: files}}, nil
}

type fileColumnInfo struct {
	name     string
	duckType string
	typ      catalog.Type
}

// convertParquet returns an expression turning src, stored as from, into
// the table type to. Structs are matched by field name, case-insensitively;
// missing fields are NULL.
func convertParquet(src string, from, to catalog.Type) (string, error) {
	if from.Equal(to) {
		return src, nil
	}
	switch to.Kind {
	case catalog.Struct:
		if from.Kind != catalog.Struct {
			return "", fmt.Errorf("a struct is stored as %s", from)
		}
		var fields []string
		for _, tf := range to.Fields {
			var ff *catalog.Field
			for i := range from.Fields {
				if strings.EqualFold(from.Fields[i].Name, tf.Name) {
					ff = &from.Fields[i]
					break
				}
			}
			expr := fmt.Sprintf("CAST(NULL AS %s)", sqlType(tf.Type))
			if ff != nil {
				var err error
				expr, err = convertParquet(fmt.Sprintf("struct_extract(%s, %s)", src, quoteString(ff.Name)), ff.Type, tf.Type)
				if err != nil {
					return "", fmt.Errorf("field %s: %w", tf.Name, err)
				}
			}
			fields = append(fields, quoteIdent(tf.Name)+" := "+expr)
		}
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE struct_pack(%s) END", src, strings.Join(fields, ", ")), nil
	case catalog.Array:
		if from.Kind != catalog.Array {
			return "", fmt.Errorf("an array is stored as %s", from)
		}
		elem, err := convertParquet("__e", *from.Elem, *to.Elem)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("list_transform(%s, __e -> %s)", src, elem), nil
	case catalog.Map:
		if from.Kind != catalog.Map {
			return "", fmt.Errorf("a map is stored as %s", from)
		}
		key, err := convertParquet("__m.key", *from.Key, *to.Key)
		if err != nil {
			return "", err
		}
		val, err := convertParquet("__m.value", *from.Value, *to.Value)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("map_from_entries(list_transform(map_entries(%s), __m -> {'key': %s, 'value': %s}))", src, key, val), nil
	}
	if !parquetCompatible(from, to) {
		return "", fmt.Errorf("no implicit conversion")
	}
	if from.Kind == catalog.Binary && to.IsString() {
		return "decode(" + src + ")", nil
	}
	return fmt.Sprintf("CAST(%s AS %s)", src, sqlType(to)), nil
}

// parquetCompatible reports whether a Parquet column of type from can be
// read as the primitive table type to without losing values.
func parquetCompatible(from, to catalog.Type) bool {
	switch {
	case from.Kind == to.Kind && !from.IsComplex():
		return to.Kind != catalog.Decimal || decimalFits(from, to)
	case from.IsInteger() && to.IsInteger():
		return from.Kind <= to.Kind
	case from.IsInteger() && (to.Kind == catalog.Double || to.Kind == catalog.Decimal):
		return true
	case from.Kind == catalog.Float && to.Kind == catalog.Double:
		return true
	case from.Kind == catalog.Decimal && to.Kind == catalog.Double:
		return true
	case from.IsString() && to.IsString():
		return true
	case from.Kind == catalog.Binary && to.IsString():
		return true // Parquet strings written without the UTF8 annotation
	case from.Kind == catalog.Timestamp && to.Kind == catalog.Date:
		return false
	}
	return false
}

func decimalFits(from, to catalog.Type) bool {
	return to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale
}
