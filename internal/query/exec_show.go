package query

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

// hivePattern compiles a SHOW ... LIKE pattern: "*" matches any text and
// "|" separates alternatives; matching is case-insensitive and whole-name.
func hivePattern(p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	var alts []string
	for _, alt := range strings.Split(p, "|") {
		var b strings.Builder
		for i, part := range strings.Split(strings.TrimSpace(alt), "*") {
			if i > 0 {
				b.WriteString(".*")
			}
			b.WriteString(regexp.QuoteMeta(part))
		}
		alts = append(alts, b.String())
	}
	re, err := regexp.Compile("(?i)^(?:" + strings.Join(alts, "|") + ")$")
	if err != nil {
		return nil, Errorf("SYNTAX_ERROR", "invalid pattern %q: %v", p, err)
	}
	return re, nil
}

func (x *execCtx) showDatabases(ctx context.Context, st *statement.ShowDatabases) (*table, error) {
	re, err := hivePattern(st.Pattern)
	if err != nil {
		return nil, err
	}
	dbs, err := x.svc.opts.Catalog.ListDatabases(ctx)
	if err != nil {
		return nil, err
	}
	out := newTable("database_name")
	for _, db := range dbs {
		if re == nil || re.MatchString(db.Name) {
			out.add(db.Name)
		}
	}
	return out, nil
}

func (x *execCtx) showTables(ctx context.Context, st *statement.ShowTables) (*table, error) {
	re, err := hivePattern(st.Pattern)
	if err != nil {
		return nil, err
	}
	db := catalog.NormalizeName(st.Database)
	if db == "" {
		db = x.e.Database
	}
	if _, err := x.svc.opts.Catalog.GetDatabase(ctx, db); err != nil {
		return nil, Errorf("SCHEMA_NOT_FOUND", "Schema '%s' does not exist", db)
	}
	tables, err := x.svc.opts.Catalog.ListTables(ctx, db)
	if err != nil {
		return nil, err
	}
	out := newTable("tab_name")
	for _, t := range tables {
		if re == nil || re.MatchString(t.Name) {
			out.add(t.Name)
		}
	}
	return out, nil
}

func (x *execCtx) showPartitions(ctx context.Context, st *statement.ShowPartitions) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	if !t.IsPartitioned() {
		return nil, ErrorAt("SYNTAX_ERROR", st.Table.Span.Start, "Table %s is not partitioned", t.QualifiedName())
	}
	parts, err := x.svc.opts.Catalog.ListPartitions(ctx, t.Database, t.Name)
	if err != nil {
		return nil, err
	}
	out := newTable("partition")
	for _, p := range parts {
		out.add(catalog.PartitionName(t.PartitionKeys, p.Values))
	}
	return out, nil
}

func (x *execCtx) showColumns(ctx context.Context, st *statement.ShowColumns) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	out := newTable("field")
	for _, c := range t.AllColumns() {
		out.add(c.Name)
	}
	return out, nil
}

func (x *execCtx) showTableProperties(ctx context.Context, st *statement.ShowTableProperties) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	out := newTable("prpt_name", "prpt_value")
	for _, k := range sortedKeys(t.Parameters) {
		if st.Key == "" || st.Key == k {
			out.add(k, t.Parameters[k])
		}
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (x *execCtx) describe(ctx context.Context, st *statement.Describe) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	out := newTable("col_name", "data_type", "comment")
	if st.Column != "" {
		c, _, ok := t.Column(st.Column)
		if !ok {
			return nil, Errorf("COLUMN_NOT_FOUND", "Column '%s' does not exist in table %s", st.Column, t.QualifiedName())
		}
		out.add(c.Name, c.Type.String(), c.Comment)
		return out, nil
	}
	if st.Formatted {
		out.add("# col_name", "data_type", "comment")
		out.add("", "", "")
	}
	for _, c := range t.Columns {
		out.add(c.Name, c.Type.String(), c.Comment)
	}
	if t.IsPartitioned() {
		out.add("", "", "")
		out.add("# Partition Information", "", "")
		out.add("# col_name", "data_type", "comment")
		out.add("", "", "")
		for _, c := range t.PartitionKeys {
			out.add(c.Name, c.Type.String(), c.Comment)
		}
	}
	if !st.Formatted {
		return out, nil
	}
	out.add("", "", "")
	out.add("# Detailed Table Information", "", "")
	out.add("Database:", t.Database, "")
	out.add("Table:", t.Name, "")
	out.add("CreateTime:", t.CreateTime.Format("Mon Jan 02 15:04:05 MST 2006"), "")
	out.add("Location:", t.Location, "")
	out.add("Table Type:", t.TableType, "")
	if t.Description != "" {
		out.add("Comment:", t.Description, "")
	}
	out.add("Table Parameters:", "", "")
	for _, k := range sortedKeys(t.Parameters) {
		out.add("", k, t.Parameters[k])
	}
	out.add("", "", "")
	out.add("# Storage Information", "", "")
	out.add("SerDe Library:", t.Storage.SerDe, "")
	out.add("InputFormat:", t.Storage.InputFormat, "")
	out.add("OutputFormat:", t.Storage.OutputFormat, "")
	out.add("Storage Desc Params:", "", "")
	for _, k := range sortedKeys(t.Storage.SerDeParameters) {
		out.add("", k, t.Storage.SerDeParameters[k])
	}
	return out, nil
}

// showCreateTable prints DDL that recreates the table.
func (x *execCtx) showCreateTable(ctx context.Context, st *statement.ShowCreateTable) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	out := newTable("createtab_stmt")
	for _, line := range strings.Split(CreateTableDDL(t), "\n") {
		out.add(line)
	}
	return out, nil
}

// CreateTableDDL returns Hive DDL that recreates t.
func CreateTableDDL(t *catalog.Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE `%s`.`%s`(\n", t.Database, t.Name)
	writeColumns(&b, t.Columns)
	b.WriteString(")\n")
	if t.Description != "" {
		fmt.Fprintf(&b, "COMMENT %s\n", hiveString(t.Description))
	}
	if t.IsPartitioned() {
		b.WriteString("PARTITIONED BY (\n")
		writeColumns(&b, t.PartitionKeys)
		b.WriteString(")\n")
	}
	fmt.Fprintf(&b, "ROW FORMAT SERDE\n  %s\n", hiveString(t.Storage.SerDe))
	if len(t.Storage.SerDeParameters) > 0 {
		b.WriteString("WITH SERDEPROPERTIES (\n")
		writeProps(&b, t.Storage.SerDeParameters)
		b.WriteString(")\n")
	}
	fmt.Fprintf(&b, "STORED AS INPUTFORMAT\n  %s\nOUTPUTFORMAT\n  %s\n", hiveString(t.Storage.InputFormat), hiveString(t.Storage.OutputFormat))
	fmt.Fprintf(&b, "LOCATION\n  %s", hiveString(t.Location))
	props := map[string]string{}
	for k, v := range t.Parameters {
		if k != "EXTERNAL" {
			props[k] = v
		}
	}
	if len(props) > 0 {
		b.WriteString("\nTBLPROPERTIES (\n")
		writeProps(&b, props)
		b.WriteString(")")
	}
	return b.String()
}

func writeColumns(b *strings.Builder, cols []catalog.Column) {
	for i, c := range cols {
		fmt.Fprintf(b, "  `%s` %s", strings.ReplaceAll(c.Name, "`", "``"), c.Type)
		if c.Comment != "" {
			fmt.Fprintf(b, " COMMENT %s", hiveString(c.Comment))
		}
		if i < len(cols)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
}

func writeProps(b *strings.Builder, m map[string]string) {
	keys := sortedKeys(m)
	for i, k := range keys {
		fmt.Fprintf(b, "  %s=%s", hiveString(k), hiveString(m[k]))
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
}

// hiveString quotes a Hive string literal, escaping what Hive unescapes.
func hiveString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// msckRepair adds the Hive-style partitions found under the table's
// location that the catalog lacks. It never removes partitions.
func (x *execCtx) msckRepair(ctx context.Context, st *statement.MsckRepairTable) (*table, error) {
	t, err := x.tableFor(ctx, st.Table)
	if err != nil {
		return nil, err
	}
	out := newTable("result")
	if !t.IsPartitioned() {
		return out, nil
	}
	existing, err := x.svc.opts.Catalog.ListPartitions(ctx, t.Database, t.Name)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, p := range existing {
		have[strings.Join(p.Values, "\x00")] = true
	}
	u, err := lake.ParseURI(t.Location)
	if err != nil {
		return nil, Errorf("HIVE_INVALID_PATH", "table location: %v", err)
	}
	u = u.AsPrefix()
	b, err := x.svc.opts.Lake.Bucket(ctx, u.Bucket)
	if err != nil {
		return nil, Errorf("HIVE_FILESYSTEM_ERROR", "cannot list %s: %v", t.Location, err)
	}
	found := map[string][]string{}
	folders := map[string]string{}
	var order []string
	for obj, err := range b.List(ctx, u.Key, true) {
		if err != nil {
			return nil, err
		}
		rel := strings.TrimPrefix(obj.Key, u.Key)
		if hiddenKey(rel) {
			continue
		}
		segs := strings.Split(rel, "/")
		if len(segs) <= len(t.PartitionKeys) {
			continue // a file above the partition folders
		}
		values := make([]string, len(t.PartitionKeys))
		ok := true
		for i, k := range t.PartitionKeys {
			key, val, found := strings.Cut(segs[i], "=")
			if !found || !strings.EqualFold(catalog.UnescapePathName(key), k.Name) {
				ok = false
				break
			}
			values[i] = catalog.UnescapePathName(val)
			if checkPartitionValue(k, values[i]) != nil {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		key := strings.Join(values, "\x00")
		if have[key] {
			continue
		}
		if _, dup := found[key]; !dup {
			order = append(order, key)
			found[key] = values
			folders[key] = strings.Join(segs[:len(t.PartitionKeys)], "/")
		}
	}
	if len(order) == 0 {
		return out, nil
	}
	var parts []*catalog.Partition
	var names []string
	for _, key := range order {
		values := found[key]
		name := catalog.PartitionName(t.PartitionKeys, values)
		names = append(names, name)
		parts = append(parts, &catalog.Partition{
			Values:     values,
			Location:   u.String() + folders[key] + "/",
			CreateTime: x.svc.opts.Now(),
		})
	}
	if _, err := x.svc.opts.Catalog.AddPartitions(ctx, t.Database, t.Name, parts, true); err != nil {
		return nil, err
	}
	out.add("Partitions not in metastore:\t" + t.Name + ":" + strings.Join(names, "\t"+t.Name+":"))
	for _, n := range names {
		out.add("Repair: Added partition to metastore " + t.Name + ":" + n)
	}
	return out, nil
}
