package query

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

func sortStrings(s []string) { sort.Strings(s) }

// storableType maps a query column type to a type a Hive table can store,
// as Athena does for CTAS (sum() of integers is bigint, json is varchar).
func storableType(name string, t catalog.Type) (catalog.Type, error) {
	switch t.Kind {
	case catalog.Unknown:
		return t, Errorf("NOT_SUPPORTED", "column %s has type unknown (an untyped NULL); give it a type, e.g. CAST(NULL AS varchar)", name)
	case catalog.TimestampTZ, catalog.Time, catalog.IntervalDayTime, catalog.IntervalYearMonth:
		return t, Errorf("NOT_SUPPORTED", "Unsupported Hive type: %s (column %s); cast it to timestamp or varchar", t.TrinoName(), name)
	case catalog.JSON, catalog.UUID:
		return catalog.TypeString, nil
	case catalog.Array:
		e, err := storableType(name, *t.Elem)
		return catalog.ArrayOf(e), err
	case catalog.Map:
		k, err := storableType(name, *t.Key)
		if err != nil {
			return t, err
		}
		v, err := storableType(name, *t.Value)
		return catalog.MapOf(k, v), err
	case catalog.Struct:
		out := catalog.Type{Kind: catalog.Struct}
		for _, f := range t.Fields {
			ft, err := storableType(name+"."+f.Name, f.Type)
			if err != nil {
				return t, err
			}
			out.Fields = append(out.Fields, catalog.Field{Name: f.Name, Type: ft})
		}
		return out, nil
	}
	return t, nil
}

// newColumns names and types the columns a CTAS or UNLOAD writes from the
// query's columns, and checks the partition columns are the last ones.
func newColumns(cols []ResultColumn, aliases []statement.Ident, partitionedBy []string) (out []OutputColumn, data, parts []catalog.Column, err error) {
	if len(aliases) > 0 && len(aliases) != len(cols) {
		return nil, nil, nil, Errorf("SYNTAX_ERROR", "the column list names %d columns but the query returns %d", len(aliases), len(cols))
	}
	seen := map[string]bool{}
	all := make([]catalog.Column, len(cols))
	for i, c := range cols {
		name := strings.ToLower(c.Name)
		if len(aliases) > 0 {
			name = strings.ToLower(aliases[i].Name)
		} else if c.Unnamed {
			return nil, nil, nil, Errorf("MISSING_COLUMN_NAME", "Column name not specified at position %d; name it with AS", i+1)
		}
		if err := catalog.ValidateColumnName(name); err != nil {
			return nil, nil, nil, Errorf("SYNTAX_ERROR", "query column %d: %v; name it with AS", i+1, err)
		}
		if seen[name] {
			return nil, nil, nil, Errorf("SYNTAX_ERROR", "Column name '%s' specified more than once; give the columns distinct names with AS", name)
		}
		seen[name] = true
		t, err := storableType(name, c.Type)
		if err != nil {
			return nil, nil, nil, err
		}
		all[i] = catalog.Column{Name: name, Type: t}
		out = append(out, OutputColumn{Name: name, Type: t, From: i})
	}
	n := len(partitionedBy)
	if n == 0 {
		return out, all, nil, nil
	}
	if n >= len(all) {
		return nil, nil, nil, Errorf("SYNTAX_ERROR", "partitioned_by names %d columns but the query returns only %d; at least one column must not be a partition column", n, len(all))
	}
	for i, p := range partitionedBy {
		if !seen[p] {
			return nil, nil, nil, Errorf("SYNTAX_ERROR", "partition column '%s' is not among the query's columns", p)
		}
		got := all[len(all)-n+i]
		if got.Name != p {
			return nil, nil, nil, Errorf("SYNTAX_ERROR", "partition columns must be the last columns of the query, in partitioned_by order: expected '%s' at position %d but found '%s'; move %s to the end of the SELECT list",
				p, len(all)-n+i+1, got.Name, strings.Join(partitionedBy, ", "))
		}
		if got.Type.IsComplex() {
			return nil, nil, nil, Errorf("SYNTAX_ERROR", "partition column '%s' has type %s; partition columns must be of a primitive type", p, got.Type.TrinoName())
		}
	}
	return out, all[:len(all)-n], all[len(all)-n:], nil
}

// runCTAS runs CREATE TABLE ... AS SELECT.
func (x *execCtx) runCTAS(ctx context.Context, st *statement.CreateTableAs) error {
	db, name, err := x.qualified(st.Table)
	if err != nil {
		return err
	}
	if err := catalog.ValidateName("table", name); err != nil {
		return ErrorAt("SYNTAX_ERROR", st.Table.Span.Start, "%v", err)
	}
	props, err := parseWriteProps(st.Properties, ctasProperties, "CREATE TABLE AS")
	if err != nil {
		return err
	}
	if _, err := x.svc.opts.Catalog.GetDatabase(ctx, db); err != nil {
		if errors.Is(err, catalog.ErrDatabaseNotFound) {
			return ErrorAt("SCHEMA_NOT_FOUND", st.Table.Span.Start, "Schema '%s' does not exist", db)
		}
		return err
	}
	if _, err := x.svc.opts.Catalog.GetTable(ctx, db, name); err == nil {
		if st.IfNotExists {
			return x.writeUpdateCount(ctx, 0)
		}
		return ErrorAt("ALREADY_EXISTS", st.Table.Span.Start, "Table 'awsdatacatalog.%s.%s' already exists", db, name)
	}
	location := props.location
	if location == "" {
		out, _ := lake.ParseURI(x.svc.opts.OutputLocation)
		location = out.AsPrefix().Join("tables", x.e.ID).AsPrefix().String()
	}
	if err := x.svc.checkEmptyLocation(ctx, location, props.location == "", fmt.Sprintf("table '%s.%s'", db, name)); err != nil {
		return err
	}
	eng, err := x.engine()
	if err != nil {
		return err
	}
	job, offsets, err := x.job(st.Query)
	if err != nil {
		return err
	}
	newTable := func(data, parts []catalog.Column) *catalog.Table {
		t := &catalog.Table{
			Database: db, Name: name, Description: st.Comment, TableType: catalog.ExternalTable,
			Columns: data, PartitionKeys: parts, Location: location,
			Storage:    catalog.StorageFor(props.format),
			Parameters: map[string]string{"EXTERNAL": "TRUE", "has_encrypted_data": "false"},
			CreateTime: x.svc.opts.Now(), UpdateTime: x.svc.opts.Now(),
		}
		switch props.format {
		case catalog.FormatParquet:
			t.Parameters["classification"] = "parquet"
			t.Parameters["parquet.compression"] = props.compression
		case catalog.FormatJSON:
			t.Parameters["classification"] = "json"
			t.Parameters["write.compression"] = props.compression
		case catalog.FormatText:
			t.Parameters["classification"] = "csv"
			t.Parameters["write.compression"] = props.compression
			d := props.fieldDelimiter
			if d == "" {
				d = "\x01"
			}
			t.Storage.SerDeParameters = map[string]string{"field.delim": d, "serialization.format": d}
		}
		return t
	}
	if st.NoData {
		cols, err := eng.Describe(ctx, job)
		if err != nil {
			return shiftError(err, offsets, st.Query.Start)
		}
		_, data, parts, err := newColumns(cols, st.ColumnAliases, props.partitionedBy)
		if err != nil {
			return err
		}
		t := newTable(data, parts)
		if err := x.publish(ctx, &written{create: t, location: location}); err != nil {
			return err
		}
		return x.writeUpdateCount(ctx, 0)
	}
	var t *catalog.Table
	dir, err := x.stagingDir("data")
	if err != nil {
		return err
	}
	spec := &WriteSpec{
		Dir: dir, Format: props.format, Compression: props.compression, CompressionLevel: props.level,
		FieldDelimiter: props.fieldDelimiter, FilePrefix: x.e.ID, PartitionBy: props.partitionedBy,
		Target: func(cols []ResultColumn) ([]OutputColumn, error) {
			out, data, parts, err := newColumns(cols, st.ColumnAliases, props.partitionedBy)
			if err != nil {
				return nil, err
			}
			t = newTable(data, parts)
			return out, catalog.ValidateTable(t)
		},
	}
	res, err := eng.Write(ctx, job, spec)
	if err != nil {
		return shiftError(err, offsets, st.Query.Start)
	}
	w := &written{create: t, table: t, location: location, files: res.Files}
	if err := x.publish(ctx, w); err != nil {
		return err
	}
	return x.finishWrite(ctx, w, res.Rows)
}

// runInsert runs INSERT INTO.
func (x *execCtx) runInsert(ctx context.Context, st *statement.Insert) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	format := t.Storage.Format()
	switch format {
	case catalog.FormatParquet, catalog.FormatJSON, catalog.FormatText:
	case catalog.FormatOpenCSV:
		return ErrorAt("NOT_SUPPORTED", st.Table.Span.Start, "INSERT INTO %s: tables using OpenCSVSerde cannot be written (as in Athena); write to a TEXTFILE or PARQUET table instead", t.QualifiedName())
	default:
		return ErrorAt("NOT_SUPPORTED", st.Table.Span.Start, "INSERT INTO %s: weir cannot write %s tables; it writes Parquet, JSON and delimited text", t.QualifiedName(), format)
	}
	targets := t.AllColumns()
	from := make([]int, len(targets)) // query column index per target column
	for i := range from {
		from[i] = i
	}
	if len(st.Columns) > 0 {
		for i := range from {
			from[i] = -1
		}
		for qi, c := range st.Columns {
			ti := -1
			for j, tc := range targets {
				if strings.EqualFold(tc.Name, c.Name) {
					ti = j
				}
			}
			if ti < 0 {
				return ErrorAt("COLUMN_NOT_FOUND", c.Span.Start, "Insert column name does not exist in target table: %s", c.Name)
			}
			if from[ti] >= 0 {
				return ErrorAt("SYNTAX_ERROR", c.Span.Start, "Insert column name is specified more than once: %s", c.Name)
			}
			from[ti] = qi
		}
	}
	codec := strings.ToUpper(firstNonEmpty(t.Parameters["parquet.compression"], t.Parameters["write.compression"], "GZIP"))
	if format != catalog.FormatParquet {
		codec = strings.ToUpper(firstNonEmpty(t.Parameters["write.compression"], "GZIP"))
	}
	codec, err = checkCodec(format, codec)
	if err != nil {
		return Errorf("INVALID_TABLE_PROPERTY", "table %s: %v", t.QualifiedName(), err)
	}
	eng, err := x.engine()
	if err != nil {
		return err
	}
	job, offsets, err := x.job(st.Query)
	if err != nil {
		return err
	}
	dir, err := x.stagingDir("data")
	if err != nil {
		return err
	}
	var keys []string
	for _, k := range t.PartitionKeys {
		keys = append(keys, strings.ToLower(k.Name))
	}
	spec := &WriteSpec{
		Dir: dir, Format: format, Compression: codec, FilePrefix: x.e.ID, PartitionBy: keys,
		FieldDelimiter: t.Storage.FieldDelimiter(),
		Target: func(cols []ResultColumn) ([]OutputColumn, error) {
			want := len(targets)
			if len(st.Columns) > 0 {
				want = len(st.Columns)
			}
			if len(cols) != want {
				return nil, Errorf("TYPE_MISMATCH", "Insert query has %d columns but the target %s; the query must return one column per target column",
					len(cols), targetDescription(t, st.Columns, want))
			}
			out := make([]OutputColumn, len(targets))
			var bad bool
			for i, tc := range targets {
				out[i] = OutputColumn{Name: strings.ToLower(tc.Name), Type: tc.Type, From: from[i]}
				if from[i] >= 0 && !coercible(cols[from[i]].Type, tc.Type) {
					bad = true
				}
			}
			if bad {
				return nil, Errorf("TYPE_MISMATCH", "Insert query has mismatched column types: Table: [%s], Query: [%s]", typeList(targets, from, nil), typeList(nil, nil, cols))
			}
			return out, nil
		},
	}
	res, err := eng.Write(ctx, job, spec)
	if err != nil {
		return shiftError(err, offsets, st.Query.Start)
	}
	w := &written{table: t, location: t.Location, files: res.Files}
	if err := x.publish(ctx, w); err != nil {
		return err
	}
	return x.finishWrite(ctx, w, res.Rows)
}

func targetDescription(t *catalog.Table, listed []statement.Ident, n int) string {
	if len(listed) > 0 {
		return fmt.Sprintf("column list names %d", n)
	}
	return fmt.Sprintf("table %s has %d (columns and partition keys)", t.QualifiedName(), n)
}

func typeList(targets []catalog.Column, from []int, cols []ResultColumn) string {
	var names []string
	for i, c := range targets {
		if from[i] >= 0 {
			names = append(names, c.Type.TrinoName())
		}
	}
	for _, c := range cols {
		names = append(names, c.Type.TrinoName())
	}
	return strings.Join(names, ", ")
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// coercible reports whether Trino implicitly converts values of type from
// to type to on INSERT.
func coercible(from, to catalog.Type) bool {
	if from.Equal(to) || from.Kind == catalog.Unknown {
		return true
	}
	intDigits := map[catalog.TypeKind]int{catalog.TinyInt: 3, catalog.SmallInt: 5, catalog.Int: 10, catalog.BigInt: 19}
	switch {
	case from.IsInteger() && to.IsInteger():
		return from.Kind <= to.Kind
	case from.IsInteger() && to.Kind == catalog.Decimal:
		return to.Precision-to.Scale >= intDigits[from.Kind]
	case from.IsInteger() && (to.Kind == catalog.Float || to.Kind == catalog.Double):
		return true
	case from.Kind == catalog.Float && to.Kind == catalog.Double:
		return true
	case from.Kind == catalog.Decimal && to.Kind == catalog.Decimal:
		return to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale
	case from.Kind == catalog.Decimal && (to.Kind == catalog.Float || to.Kind == catalog.Double):
		return true
	case from.IsString() && to.IsString():
		return true
	case from.Kind == catalog.Date && to.Kind == catalog.Timestamp:
		return true
	case from.Kind == catalog.Array && to.Kind == catalog.Array:
		return coercible(*from.Elem, *to.Elem)
	case from.Kind == catalog.Map && to.Kind == catalog.Map:
		return coercible(*from.Key, *to.Key) && coercible(*from.Value, *to.Value)
	case from.Kind == catalog.Struct && to.Kind == catalog.Struct:
		if len(from.Fields) != len(to.Fields) {
			return false
		}
		for i := range from.Fields {
			if !coercible(from.Fields[i].Type, to.Fields[i].Type) {
				return false
			}
		}
		return true
	}
	return false
}

// runUnload runs UNLOAD (query) TO 's3://...' WITH (...).
func (x *execCtx) runUnload(ctx context.Context, st *statement.Unload) error {
	props, err := parseWriteProps(st.Properties, unloadProperties, "UNLOAD")
	if err != nil {
		return err
	}
	u, err := lake.ParseURI(st.Location)
	if err != nil {
		return Errorf("HIVE_INVALID_PATH", "UNLOAD location: %v", err)
	}
	location := u.AsPrefix().String()
	if err := x.svc.checkEmptyLocation(ctx, location, false, "UNLOAD"); err != nil {
		return err
	}
	eng, err := x.engine()
	if err != nil {
		return err
	}
	job, offsets, err := x.job(st.Query)
	if err != nil {
		return err
	}
	dir, err := x.stagingDir("data")
	if err != nil {
		return err
	}
	var parts []catalog.Column
	spec := &WriteSpec{
		Dir: dir, Format: props.format, Compression: props.compression, CompressionLevel: props.level,
		FieldDelimiter: props.fieldDelimiter, FilePrefix: x.e.ID, PartitionBy: props.partitionedBy,
		Target: func(cols []ResultColumn) ([]OutputColumn, error) {
			out, _, p, err := newColumns(cols, nil, props.partitionedBy)
			parts = p
			return out, err
		},
	}
	res, err := eng.Write(ctx, job, spec)
	if err != nil {
		return shiftError(err, offsets, st.Query.Start)
	}
	w := &written{location: location, files: res.Files, partitionKeys: parts}
	if err := x.publish(ctx, w); err != nil {
		return err
	}
	return x.finishWrite(ctx, w, res.Rows)
}

// finishWrite writes a write's manifest and its (empty) result set.
func (x *execCtx) finishWrite(ctx context.Context, w *written, rows int64) error {
	manifest, err := x.svc.writeManifest(ctx, x.e, w.published)
	if err != nil {
		return err
	}
	x.res.manifest = manifest
	x.res.updateCount = rows
	return x.writeUpdateCount(ctx, rows)
}

// writeUpdateCount writes the result of a write: Athena returns a "rows"
// column and the count in UpdateCount.
func (x *execCtx) writeUpdateCount(ctx context.Context, n int64) error {
	w, err := x.svc.newResultWriter(x.e)
	if err != nil {
		return err
	}
	defer w.abort()
	if err := w.Columns([]ResultColumn{{Name: "rows", Type: catalog.TypeBigInt}}); err != nil {
		return err
	}
	x.res.updateCount = n
	return w.commit(ctx, "DML", n)
}

// checkEmptyLocation fails unless nothing is stored under location, as
// Athena requires for CTAS and UNLOAD targets. weir's own result bucket is
// created when missing; other buckets must exist.
func (s *Service) checkEmptyLocation(ctx context.Context, location string, own bool, what string) error {
	u, err := lake.ParseURI(location)
	if err != nil {
		return Errorf("HIVE_INVALID_PATH", "%v", err)
	}
	b, err := s.bucket(ctx, u, own)
	if err != nil {
		if errors.Is(err, lake.ErrBucketNotExist) {
			return Errorf("HIVE_INVALID_PATH", "bucket %s does not exist (location %s); create it with: weir lake mb s3://%s", u.Bucket, location, u.Bucket)
		}
		return err
	}
	for obj, err := range b.List(ctx, u.AsPrefix().Key, true) {
		if err != nil {
			return err
		}
		_ = obj
		return Errorf("HIVE_PATH_ALREADY_EXISTS", "Target directory for %s already exists: %s. Athena never overwrites data: empty the location (weir lake rm --recursive %s) or choose another one", what, location, location)
	}
	return nil
}

// writeManifest stores the list of written files next to the result, as
// Athena's <id>-manifest.csv.
func (s *Service) writeManifest(ctx context.Context, e *Execution, files []string) (string, error) {
	u, err := lake.ParseURI(e.OutputLocation)
	if err != nil {
		return "", err
	}
	b, err := s.bucket(ctx, u, true)
	if err != nil {
		return "", err
	}
	key := filepath.ToSlash(filepath.Dir(u.Key))
	if key == "." {
		key = ""
	} else {
		key += "/"
	}
	key += e.ID + "-manifest.csv"
	var body strings.Builder
	for _, f := range files {
		body.WriteString(f)
		body.WriteByte('\n')
	}
	if _, err := b.Put(ctx, key, strings.NewReader(body.String())); err != nil {
		return "", err
	}
	return lake.URI{Bucket: u.Bucket, Key: key}.String(), nil
}
