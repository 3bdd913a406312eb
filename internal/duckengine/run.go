package duckengine

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// Query runs job's query and streams its rows into sink.
func (e *Engine) Query(ctx context.Context, job *query.Job, sink query.RowSink) error {
	s, p, err := e.begin(ctx, job)
	if err != nil {
		return err
	}
	defer s.close()
	rows, err := s.conn.QueryContext(ctx, p.sql)
	if err != nil {
		return translateError(ctx, err, p)
	}
	defer func() { rows.Close() }()
	types, err := rows.ColumnTypes()
	if err != nil {
		return translateError(ctx, err, p)
	}
	if sql, shift, ok := readable(p.sql, types); ok {
		// Run the query again with casts that make its columns readable.
		rows.Close()
		shifted := *p
		shifted.sql, shifted.shift = sql, shift
		p = &shifted
		if rows, err = s.conn.QueryContext(ctx, p.sql); err != nil {
			return translateError(ctx, err, p)
		}
	}
	duckNames := make([]string, len(types))
	for i, ct := range types {
		duckNames[i] = ct.Name()
	}
	names, unnamed := p.columnNames(duckNames)
	cols := make([]query.ResultColumn, len(types))
	for i, ct := range types {
		t, err := parseDuckType(ct.DatabaseTypeName())
		if err != nil {
			return query.Errorf("NOT_SUPPORTED", "column %s has type %s, which Athena results cannot hold; cast it to a supported type", ct.Name(), ct.DatabaseTypeName())
		}
		if complexMapKey(t) {
			return query.ErrorAt("NOT_SUPPORTED", -1, "column %s is a map with array, map or row keys (%s), which weir cannot return yet; return map_entries(...) of it instead", names[i], t.TrinoName())
		}
		cols[i] = query.ResultColumn{Name: names[i], Type: nameFields(t), Unnamed: unnamed[i]}
	}
	if err := sink.Columns(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	out := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return translateError(ctx, err, p)
		}
		for i, v := range vals {
			if !fitsBigint(v, cols[i].Type) {
				return query.Errorf("NUMERIC_VALUE_OUT_OF_RANGE", "bigint addition overflow: column %s holds %v, outside the bigint range", cols[i].Name, v)
			}
			out[i] = convertValue(v, cols[i].Type)
		}
		if err := sink.Row(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return translateError(ctx, err, p)
	}
	return nil
}

// Describe returns the columns job's query returns, without running it.
func (e *Engine) Describe(ctx context.Context, job *query.Job) ([]query.ResultColumn, error) {
	s, p, err := e.begin(ctx, job)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return describe(ctx, s, p)
}

func describe(ctx context.Context, s *session, p *plan) ([]query.ResultColumn, error) {
	rows, err := s.conn.QueryContext(ctx, "DESCRIBE "+p.sql)
	if err != nil {
		shifted := *p
		shifted.shift = len("DESCRIBE ")
		return nil, translateError(ctx, err, &shifted)
	}
	defer rows.Close()
	var cols []query.ResultColumn
	for rows.Next() {
		var name, typ string
		var null, key, def, extra any
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, err
		}
		t, err := parseDuckType(typ)
		if err != nil {
			return nil, query.Errorf("NOT_SUPPORTED", "column %s has type %s, which Athena cannot hold; cast it to a supported type", name, typ)
		}
		cols = append(cols, query.ResultColumn{Name: name, Type: t})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	duckNames := make([]string, len(cols))
	for i, c := range cols {
		duckNames[i] = c.Name
	}
	names, unnamed := p.columnNames(duckNames)
	for i := range cols {
		cols[i].Name, cols[i].Unnamed = names[i], unnamed[i]
	}
	return cols, nil
}

// castSelect wraps a query so that its columns become the output columns,
// and returns where the query starts in the result.
func castSelect(sql string, queryCols []query.ResultColumn, out []query.OutputColumn) (string, int) {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, oc := range out {
		if i > 0 {
			b.WriteString(", ")
		}
		// Always cast: types that look alike to Athena differ in DuckDB
		// (sum() is HUGEINT, which Parquet would store as a double).
		if oc.From < 0 {
			fmt.Fprintf(&b, "CAST(NULL AS %s)", sqlType(oc.Type))
		} else {
			fmt.Fprintf(&b, "CAST(__q.__c%d AS %s)", oc.From, sqlType(oc.Type))
		}
		b.WriteString(" AS ")
		b.WriteString(quoteIdent(oc.Name))
	}
	inner := fromQuery(&b, sql, len(queryCols))
	return b.String(), inner
}

// fromQuery writes " FROM (sql) AS __q(__c0, ...)" for a query of n
// columns and returns where sql starts in b.
func fromQuery(b *strings.Builder, sql string, n int) int {
	b.WriteString(" FROM (")
	inner := b.Len()
	b.WriteString(sql)
	b.WriteString("\n) AS __q(")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "__c%d", i)
	}
	b.WriteByte(')')
	return inner
}

// readable wraps sql, when some of its columns cannot be read as they
// are, with casts that make them readable, and returns where sql starts
// in the result; ok is false when every column is readable. The driver
// decodes json values, losing their text (member order, number
// spelling), so json comes back as text; it cannot scan rows with
// unnamed fields (ROW(1, 'a')), so those get Trino's names field0,
// field1, ... (a cast between rows goes by position).
func readable(sql string, types []*sql.ColumnType) (string, int, bool) {
	exprs := make([]string, len(types))
	found := false
	for i, t := range types {
		exprs[i] = fmt.Sprintf("__q.__c%d", i)
		name := t.DatabaseTypeName()
		switch {
		case name == "JSON":
			exprs[i] = fmt.Sprintf("CAST(__q.__c%d AS VARCHAR)", i)
		case strings.Contains(name, `""`):
			typ, err := parseDuckType(name)
			if err != nil {
				continue
			}
			exprs[i] = fmt.Sprintf("CAST(__q.__c%d AS %s)", i, sqlType(nameFields(typ)))
		default:
			continue
		}
		found = true
	}
	if !found {
		return "", 0, false
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(exprs, ", "))
	shift := fromQuery(&b, sql, len(types))
	return b.String(), shift, true
}

// nameFields returns t with every unnamed row field named as Trino names
// it: field0, field1, ...
func nameFields(t catalog.Type) catalog.Type {
	t = t.Clone()
	var walk func(t *catalog.Type)
	walk = func(t *catalog.Type) {
		switch t.Kind {
		case catalog.Array:
			walk(t.Elem)
		case catalog.Map:
			walk(t.Key)
			walk(t.Value)
		case catalog.Struct:
			for i := range t.Fields {
				if t.Fields[i].Name == "" {
					t.Fields[i].Name = fmt.Sprintf("field%d", i)
				}
				walk(&t.Fields[i].Type)
			}
		}
	}
	walk(&t)
	return t
}

// fitsBigint reports whether v, scanned for a column of type t, fits it:
// DuckDB's HUGEINT and UBIGINT (sum() of bigints, counts) are Trino's
// bigint, which overflows where they do not.
func fitsBigint(v any, t catalog.Type) bool {
	if t.Kind != catalog.BigInt {
		return true
	}
	switch x := v.(type) {
	case *big.Int:
		return x.IsInt64()
	case uint64:
		return x <= math.MaxInt64
	}
	return true
}

// complexMapKey reports whether t holds a map whose keys are arrays, maps
// or rows, which the driver cannot read.
func complexMapKey(t catalog.Type) bool {
	switch t.Kind {
	case catalog.Array:
		return complexMapKey(*t.Elem)
	case catalog.Map:
		switch t.Key.Kind {
		case catalog.Array, catalog.Map, catalog.Struct:
			return true
		}
		return complexMapKey(*t.Value)
	case catalog.Struct:
		for _, f := range t.Fields {
			if complexMapKey(f.Type) {
				return true
			}
		}
	}
	return false
}
