package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

// runDDL runs Hive DDL and utility statements: catalog changes and
// SHOW/DESCRIBE results.
func (x *execCtx) runDDL(ctx context.Context, stmt statement.Statement) error {
	var out *table
	var err error
	switch st := stmt.(type) {
	case *statement.CreateDatabase:
		err = x.createDatabase(ctx, st)
	case *statement.DropDatabase:
		err = x.dropDatabase(ctx, st)
	case *statement.CreateTable:
		err = x.createTable(ctx, st)
	case *statement.DropTable:
		err = x.dropTable(ctx, st)
	case *statement.MsckRepairTable:
		out, err = x.msckRepair(ctx, st)
	case *statement.AlterTableAddPartitions:
		err = x.addPartitions(ctx, st)
	case *statement.AlterTableDropPartitions:
		err = x.dropPartitions(ctx, st)
	case *statement.AlterTableSetLocation:
		err = x.setLocation(ctx, st)
	case *statement.AlterTableSetProperties:
		err = x.setProperties(ctx, st)
	case *statement.AlterTableColumns:
		err = x.alterColumns(ctx, st)
	case *statement.ShowDatabases:
		out, err = x.showDatabases(ctx, st)
	case *statement.ShowTables:
		out, err = x.showTables(ctx, st)
	case *statement.ShowPartitions:
		out, err = x.showPartitions(ctx, st)
	case *statement.ShowColumns:
		out, err = x.showColumns(ctx, st)
	case *statement.ShowCreateTable:
		out, err = x.showCreateTable(ctx, st)
	case *statement.ShowTableProperties:
		out, err = x.showTableProperties(ctx, st)
	case *statement.Describe:
		out, err = x.describe(ctx, st)
	default:
		err = Errorf("NOT_SUPPORTED", "statement %T is not supported", stmt)
	}
	if err != nil {
		return err
	}
	if out == nil {
		out = &table{}
	}
	return x.writeTable(ctx, out)
}

// table is a small result set built in Go.
type table struct {
	cols []ResultColumn
	rows [][]*string
}

func newTable(names ...string) *table {
	t := &table{}
	for _, n := range names {
		t.cols = append(t.cols, ResultColumn{Name: n, Type: catalog.TypeString})
	}
	return t
}

func (t *table) add(values ...string) {
	row := make([]*string, len(values))
	for i := range values {
		row[i] = &values[i]
	}
	t.rows = append(t.rows, row)
}

func (x *execCtx) writeTable(ctx context.Context, t *table) error {
	w, err := x.svc.newResultWriter(x.e)
	if err != nil {
		return err
	}
	defer w.abort()
	if err := w.Columns(t.cols); err != nil {
		return err
	}
	for _, r := range t.rows {
		if err := w.rowStrings(r...); err != nil {
			return err
		}
	}
	x.res.rows = w.rows
	return w.commit(ctx, x.e.StatementType, 0)
}

func (x *execCtx) createDatabase(ctx context.Context, st *statement.CreateDatabase) error {
	name := catalog.NormalizeName(st.Name.Name)
	if err := catalog.ValidateName("database", name); err != nil {
		return ErrorAt("SYNTAX_ERROR", st.Name.Span.Start, "%v", err)
	}
	if st.Location != "" {
		if _, err := lake.ParseURI(st.Location); err != nil {
			return Errorf("HIVE_INVALID_PATH", "database location: %v", err)
		}
	}
	db := &catalog.Database{Name: name, Description: st.Comment, LocationURI: st.Location, Parameters: kvMap(st.Properties), CreateTime: x.svc.opts.Now()}
	err := x.svc.opts.Catalog.CreateDatabase(ctx, db)
	if errors.Is(err, catalog.ErrDatabaseExists) {
		if st.IfNotExists {
			return nil
		}
		return ErrorAt("ALREADY_EXISTS", st.Name.Span.Start, "Database %s already exists", name)
	}
	return err
}

func (x *execCtx) dropDatabase(ctx context.Context, st *statement.DropDatabase) error {
	name := catalog.NormalizeName(st.Name.Name)
	if name == catalog.DefaultDatabase {
		return ErrorAt("NOT_SUPPORTED", st.Name.Span.Start, "the default database cannot be dropped")
	}
	err := x.svc.opts.Catalog.DropDatabase(ctx, name, st.Cascade)
	switch {
	case errors.Is(err, catalog.ErrDatabaseNotFound):
		if st.IfExists {
			return nil
		}
		return ErrorAt("SCHEMA_NOT_FOUND", st.Name.Span.Start, "Database does not exist: %s", name)
	case errors.Is(err, catalog.ErrDatabaseNotEmpty):
		return ErrorAt("SCHEMA_NOT_EMPTY", st.Name.Span.Start, "Database %s is not empty. One or more tables exist; drop them first or use DROP DATABASE %s CASCADE", name, name)
	}
	return err
}

func kvMap(kvs []statement.KV) map[string]string {
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

func (x *execCtx) createTable(ctx context.Context, st *statement.CreateTable) error {
	db, name, err := x.qualified(st.Table)
	if err != nil {
		return err
	}
	props := kvMap(st.TableProperties)
	if !st.External {
		if strings.EqualFold(props["table_type"], "ICEBERG") {
			return ErrorAt("NOT_SUPPORTED", st.Table.Span.Start, "Iceberg tables are not supported by weir yet")
		}
		return ErrorAt("NOT_SUPPORTED", st.Table.Span.Start, "only external tables can be created with Hive DDL; write CREATE EXTERNAL TABLE ... LOCATION 's3://...', or use CREATE TABLE ... AS SELECT")
	}
	if st.Location == "" {
		return ErrorAt("SYNTAX_ERROR", st.Table.Span.Start, "CREATE EXTERNAL TABLE %s needs a LOCATION 's3://bucket/folder/' saying where its files are", name)
	}
	loc, err := lake.ParseURI(st.Location)
	if err != nil {
		return Errorf("HIVE_INVALID_PATH", "table location: %v", err)
	}
	if strings.ContainsAny(st.Location, "*?[") {
		return Errorf("HIVE_INVALID_PATH", "table location %s must be a folder, not a pattern", st.Location)
	}
	t := &catalog.Table{
		Database:      db,
		Name:          name,
		Description:   st.Comment,
		TableType:     catalog.ExternalTable,
		Location:      loc.AsPrefix().String(),
		Parameters:    props,
		Storage:       storageOf(st),
		CreateTime:    x.svc.opts.Now(),
		UpdateTime:    x.svc.opts.Now(),
		Columns:       columnsOf(st.Columns),
		PartitionKeys: columnsOf(st.PartitionedBy),
	}
	if t.Parameters == nil {
		t.Parameters = map[string]string{}
	}
	t.Parameters["EXTERNAL"] = "TRUE"
	if err := catalog.ValidateTable(t); err != nil {
		return ErrorAt("SYNTAX_ERROR", st.Table.Span.Start, "%v", err)
	}
	if v, ok := props["skip.header.line.count"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return Errorf("INVALID_TABLE_PROPERTY", "skip.header.line.count is %q; it must be a whole number of lines", v)
		}
	}
	if _, err := x.svc.opts.Catalog.GetDatabase(ctx, db); err != nil {
		if errors.Is(err, catalog.ErrDatabaseNotFound) {
			return ErrorAt("SCHEMA_NOT_FOUND", st.Table.Span.Start, "Database %s does not exist; create it with CREATE DATABASE %s", db, db)
		}
		return err
	}
	err = x.svc.opts.Catalog.CreateTable(ctx, t)
	if errors.Is(err, catalog.ErrTableExists) {
		if st.IfNotExists {
			return nil
		}
		return ErrorAt("ALREADY_EXISTS", st.Table.Span.Start, "Table %s.%s already exists", db, name)
	}
	return err
}

func columnsOf(defs []statement.ColumnDef) []catalog.Column {
	cols := make([]catalog.Column, len(defs))
	for i, d := range defs {
		cols[i] = catalog.Column{Name: catalog.NormalizeName(d.Name.Name), Type: d.Type, Comment: d.Comment}
	}
	return cols
}

// storageOf derives a table's storage descriptor from its ROW FORMAT and
// STORED AS clauses, as Hive does.
func storageOf(st *statement.CreateTable) catalog.Storage {
	var s catalog.Storage
	format := "TEXTFILE"
	if st.StoredAs != nil && st.StoredAs.Format != "" {
		format = strings.ToUpper(st.StoredAs.Format)
	}
	switch format {
	case "PARQUET":
		s = catalog.StorageFor(catalog.FormatParquet)
	case "ORC":
		s = catalog.StorageFor(catalog.FormatORC)
	case "AVRO":
		s = catalog.StorageFor(catalog.FormatAvro)
	default:
		s = catalog.StorageFor(catalog.FormatText)
	}
	if st.StoredAs != nil && st.StoredAs.InputFormat != "" {
		s.InputFormat, s.OutputFormat = st.StoredAs.InputFormat, st.StoredAs.OutputFormat
		s.SerDe = ""
		if s.InputFormat == catalog.InputFormatParquet {
			s.SerDe = catalog.SerDeParquet
		}
	}
	params := map[string]string{}
	if rf := st.RowFormat; rf != nil {
		if rf.SerDe != "" {
			s.SerDe = rf.SerDe
		}
		if d := rf.Delimited; d != nil {
			s.SerDe = catalog.SerDeLazySimple
			set := func(k string, v *string) {
				if v != nil {
					params[k] = *v
				}
			}
			set("field.delim", d.FieldsTerminatedBy)
			set("serialization.format", d.FieldsTerminatedBy)
			set("escape.delim", d.EscapedBy)
			set("collection.delim", d.CollectionItemsTerminatedBy)
			set("mapkey.delim", d.MapKeysTerminatedBy)
			set("line.delim", d.LinesTerminatedBy)
			set("serialization.null.format", d.NullDefinedAs)
		}
		for _, kv := range rf.SerDeProperties {
			params[kv.Key] = kv.Value
		}
	}
	if s.SerDe == "" {
		s.SerDe = catalog.SerDeLazySimple
	}
	if s.SerDe == catalog.SerDeLazySimple {
		if _, ok := params["serialization.format"]; !ok {
			params["serialization.format"] = "1"
		}
	}
	if len(params) > 0 {
		s.SerDeParameters = params
	}
	return s
}

func (x *execCtx) dropTable(ctx context.Context, st *statement.DropTable) error {
	db, name, err := x.qualified(st.Table)
	if err != nil {
		return err
	}
	err = x.svc.opts.Catalog.DropTable(ctx, db, name)
	if errors.Is(err, catalog.ErrTableNotFound) || errors.Is(err, catalog.ErrDatabaseNotFound) {
		if st.IfExists {
			return nil
		}
		return ErrorAt("TABLE_NOT_FOUND", st.Table.Span.Start, "Table not found %s.%s", db, name)
	}
	return err
}

// tableFor resolves a statement's table name to its catalog table.
func (x *execCtx) tableFor(ctx context.Context, n statement.QualifiedName) (*catalog.Table, error) {
	db, name, err := x.qualified(n)
	if err != nil {
		return nil, err
	}
	return x.svc.table(ctx, db, name, n.Span.Start)
}

// partitionValues turns a partition spec into values in key order. With
// partial, keys may be missing (their value is ""), for DROP PARTITION.
func partitionValues(t *catalog.Table, spec statement.PartitionSpec, partial bool) ([]string, []bool, error) {
	if !t.IsPartitioned() {
		return nil, nil, ErrorAt("SYNTAX_ERROR", spec.Span.Start, "table %s is not partitioned", t.QualifiedName())
	}
	values := make([]string, len(t.PartitionKeys))
	given := make([]bool, len(t.PartitionKeys))
	for _, pv := range spec.Values {
		i := -1
		for j, k := range t.PartitionKeys {
			if strings.EqualFold(k.Name, pv.Key.Name) {
				i = j
			}
		}
		if i < 0 {
			return nil, nil, ErrorAt("SYNTAX_ERROR", pv.Span.Start, "%s is not a partition key of %s; its partition keys are %s", pv.Key.Name, t.QualifiedName(), keyNames(t))
		}
		if given[i] {
			return nil, nil, ErrorAt("SYNTAX_ERROR", pv.Span.Start, "partition key %s is given twice", pv.Key.Name)
		}
		if err := checkPartitionValue(t.PartitionKeys[i], pv.Value); err != nil {
			return nil, nil, ErrorAt("INVALID_PARTITION_VALUE", pv.Span.Start, "%v", err)
		}
		values[i], given[i] = pv.Value, true
	}
	if !partial {
		for i, g := range given {
			if !g {
				return nil, nil, ErrorAt("SYNTAX_ERROR", spec.Span.Start, "partition spec misses key %s; give a value for every partition key (%s)", t.PartitionKeys[i].Name, keyNames(t))
			}
		}
	}
	return values, given, nil
}

func keyNames(t *catalog.Table) string {
	var names []string
	for _, k := range t.PartitionKeys {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}

// checkPartitionValue checks that a value fits its partition key's type.
func checkPartitionValue(k catalog.Column, v string) error {
	if v == catalog.NullPartitionValue {
		return nil
	}
	var err error
	switch {
	case k.Type.IsInteger():
		_, err = strconv.ParseInt(v, 10, 64)
	case k.Type.Kind == catalog.Double || k.Type.Kind == catalog.Float || k.Type.Kind == catalog.Decimal:
		_, err = strconv.ParseFloat(v, 64)
	case k.Type.Kind == catalog.Boolean:
		_, err = strconv.ParseBool(v)
	}
	if err != nil {
		return fmt.Errorf("value %q of partition key %s is not a valid %s", v, k.Name, k.Type.TrinoName())
	}
	return nil
}

func (x *execCtx) addPartitions(ctx context.Context, st *statement.AlterTableAddPartitions) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	var parts []*catalog.Partition
	for _, spec := range st.Partitions {
		values, _, err := partitionValues(t, spec, false)
		if err != nil {
			return err
		}
		loc := spec.Location
		if loc == "" {
			loc = asFolder(t.Location) + catalog.PartitionName(t.PartitionKeys, values) + "/"
		} else {
			u, err := lake.ParseURI(loc)
			if err != nil {
				return Errorf("HIVE_INVALID_PATH", "partition location: %v", err)
			}
			loc = u.AsPrefix().String()
		}
		parts = append(parts, &catalog.Partition{Values: values, Location: loc, CreateTime: x.svc.opts.Now()})
	}
	if !st.IfNotExists {
		existing, err := x.svc.opts.Catalog.ListPartitions(ctx, t.Database, t.Name)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, p := range existing {
			have[strings.Join(p.Values, "\x00")] = true
		}
		for i, p := range parts {
			if have[strings.Join(p.Values, "\x00")] {
				return ErrorAt("ALREADY_EXISTS", st.Partitions[i].Span.Start, "Partition already exists: %s; use ADD IF NOT EXISTS to skip existing partitions",
					catalog.PartitionName(t.PartitionKeys, p.Values))
			}
		}
	}
	_, err = x.svc.opts.Catalog.AddPartitions(ctx, t.Database, t.Name, parts, st.IfNotExists)
	if errors.Is(err, catalog.ErrPartitionExists) {
		return Errorf("ALREADY_EXISTS", "Partition already exists (listed twice in the statement?); use ADD IF NOT EXISTS to skip existing partitions")
	}
	return err
}

func (x *execCtx) dropPartitions(ctx context.Context, st *statement.AlterTableDropPartitions) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	existing, err := x.svc.opts.Catalog.ListPartitions(ctx, t.Database, t.Name)
	if err != nil {
		return err
	}
	var drop [][]string
	seen := map[string]bool{}
	for _, spec := range st.Partitions {
		values, given, err := partitionValues(t, spec, true)
		if err != nil {
			return err
		}
		matched := false
		for _, p := range existing {
			if matchesSpec(p.Values, values, given) {
				matched = true
				key := strings.Join(p.Values, "\x00")
				if !seen[key] {
					seen[key] = true
					drop = append(drop, p.Values)
				}
			}
		}
		if !matched && !st.IfExists {
			return ErrorAt("PARTITION_NOT_FOUND", spec.Span.Start, "No partition matches %s in %s; use DROP IF EXISTS to ignore missing partitions", spec.Span.Text(x.sql), t.QualifiedName())
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return x.svc.opts.Catalog.DropPartitions(ctx, t.Database, t.Name, drop, true)
}

func matchesSpec(have, want []string, given []bool) bool {
	for i := range want {
		if given[i] && have[i] != want[i] {
			return false
		}
	}
	return true
}

func (x *execCtx) setLocation(ctx context.Context, st *statement.AlterTableSetLocation) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	u, err := lake.ParseURI(st.Location)
	if err != nil {
		return Errorf("HIVE_INVALID_PATH", "location: %v", err)
	}
	if st.Partition == nil {
		t.Location = u.AsPrefix().String()
		t.UpdateTime = x.svc.opts.Now()
		return x.svc.opts.Catalog.UpdateTable(ctx, t)
	}
	values, _, err := partitionValues(t, *st.Partition, false)
	if err != nil {
		return err
	}
	err = x.svc.opts.Catalog.UpdatePartition(ctx, t.Database, t.Name, &catalog.Partition{Values: values, Location: u.AsPrefix().String()})
	if errors.Is(err, catalog.ErrPartitionNotFound) {
		return ErrorAt("PARTITION_NOT_FOUND", st.Partition.Span.Start, "partition %s does not exist", catalog.PartitionName(t.PartitionKeys, values))
	}
	return err
}

func (x *execCtx) setProperties(ctx context.Context, st *statement.AlterTableSetProperties) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	if t.Parameters == nil {
		t.Parameters = map[string]string{}
	}
	for _, kv := range st.Properties {
		t.Parameters[kv.Key] = kv.Value
	}
	t.UpdateTime = x.svc.opts.Now()
	return x.svc.opts.Catalog.UpdateTable(ctx, t)
}

func (x *execCtx) alterColumns(ctx context.Context, st *statement.AlterTableColumns) error {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return err
	}
	cols := columnsOf(st.Columns)
	if st.Replace {
		t.Columns = cols
	} else {
		t.Columns = append(t.Columns, cols...)
	}
	if err := catalog.ValidateTable(t); err != nil {
		return ErrorAt("SYNTAX_ERROR", st.Table.Span.Start, "%v", err)
	}
	t.UpdateTime = x.svc.opts.Now()
	return x.svc.opts.Catalog.UpdateTable(ctx, t)
}
