package query

import (
	"errors"
	"fmt"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/statement"
)

func TestCoercible(t *testing.T) {
	ty := catalog.MustParseType
	tests := []struct {
		from, to string
		want     bool
	}{
		{"int", "int", true},
		{"tinyint", "smallint", true},
		{"tinyint", "bigint", true},
		{"smallint", "int", true},
		{"int", "bigint", true},
		{"bigint", "int", false},
		{"int", "smallint", false},
		{"smallint", "tinyint", false},
		{"tinyint", "decimal(3,0)", true},
		{"tinyint", "decimal(2,0)", false},
		{"smallint", "decimal(7,2)", true},
		{"smallint", "decimal(6,2)", false},
		{"int", "decimal(10,0)", true},
		{"int", "decimal(12,3)", false},
		{"bigint", "decimal(19,0)", true},
		{"bigint", "decimal(38,20)", false},
		{"bigint", "double", true},
		{"int", "float", true},
		{"float", "double", true},
		{"double", "float", false},
		{"double", "int", false},
		{"double", "bigint", false},
		{"double", "decimal(38,10)", false},
		{"decimal(5,2)", "decimal(6,2)", true},
		{"decimal(5,2)", "decimal(6,3)", true},
		{"decimal(5,2)", "decimal(5,3)", false}, // loses an integer digit
		{"decimal(5,2)", "decimal(6,1)", false}, // loses a fractional digit
		{"decimal(10,2)", "double", true},
		{"decimal(10,2)", "float", true},
		{"decimal(10,2)", "bigint", false},
		{"varchar(10)", "string", true},
		{"string", "varchar(5)", true},
		{"char(3)", "varchar(10)", true},
		{"string", "char(1)", true},
		{"varchar(10)", "bigint", false},
		{"string", "int", false},
		{"string", "date", false},
		{"int", "string", false},
		{"date", "timestamp", true},
		{"timestamp", "date", false},
		{"boolean", "int", false},
		{"binary", "string", false},
		{"array<int>", "array<bigint>", true},
		{"array<bigint>", "array<int>", false},
		{"array<varchar(3)>", "array<string>", true},
		{"array<int>", "int", false},
		{"map<string,int>", "map<string,bigint>", true},
		{"map<int,string>", "map<bigint,string>", true},
		{"map<string,bigint>", "map<string,int>", false},
		{"map<bigint,string>", "map<int,string>", false},
		{"struct<a:int,b:string>", "struct<x:bigint,y:varchar(3)>", true},
		{"struct<a:bigint>", "struct<a:int>", false},
		{"struct<a:int>", "struct<a:int,b:int>", false},
		{"array<struct<a:date>>", "array<struct<a:timestamp>>", true},
		{"struct<a:int>", "map<string,int>", false},
	}
	for _, tt := range tests {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			if got := coercible(ty(tt.from), ty(tt.to)); got != tt.want {
				t.Errorf("coercible(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		unknown := catalog.Type{Kind: catalog.Unknown}
		for _, to := range []string{"int", "string", "array<int>", "date"} {
			if !coercible(unknown, ty(to)) {
				t.Errorf("NULL does not coerce to %s", to)
			}
		}
	})
}

func TestNewColumns(t *testing.T) {
	ty := catalog.MustParseType
	col := func(name, typ string) ResultColumn { return ResultColumn{Name: name, Type: ty(typ)} }
	tz := ResultColumn{Name: "at", Type: catalog.Type{Kind: catalog.TimestampTZ}}
	null := ResultColumn{Name: "nothing", Type: catalog.Type{Kind: catalog.Unknown}}
	jsonCol := ResultColumn{Name: "doc", Type: catalog.Type{Kind: catalog.JSON}}
	jsonArray := ResultColumn{Name: "docs", Type: catalog.ArrayOf(catalog.Type{Kind: catalog.JSON})}
	aliases := func(names ...string) []statement.Ident {
		var ids []statement.Ident
		for _, n := range names {
			ids = append(ids, statement.Ident{Name: n})
		}
		return ids
	}
	tests := []struct {
		name    string
		cols    []ResultColumn
		aliases []statement.Ident
		parts   []string
		data    string // "name type, ..." of the data columns
		keys    string // ... of the partition columns
		code    string // error code, "" for success
		msg     string
	}{
		{name: "names are lower-cased", cols: []ResultColumn{col("ID", "bigint"), col("Name", "string")}, data: "id bigint, name string"},
		{name: "aliases", cols: []ResultColumn{col("_col0", "int"), col("_col1", "date")}, aliases: aliases("A", "b"), data: "a int, b date"},
		{name: "json is stored as string", cols: []ResultColumn{jsonCol, jsonArray}, data: "doc string, docs array<string>"},
		{
			name: "partition columns last", cols: []ResultColumn{col("a", "int"), col("year", "int"), col("month", "string")},
			parts: []string{"year", "month"}, data: "a int", keys: "year int, month string",
		},
		{
			name: "partition column by alias", cols: []ResultColumn{col("a", "int"), col("_col1", "string")}, aliases: aliases("x", "dt"),
			parts: []string{"dt"}, data: "x int", keys: "dt string",
		},
		{
			name: "alias count", cols: []ResultColumn{col("a", "int"), col("b", "int")}, aliases: aliases("x"),
			code: "SYNTAX_ERROR", msg: "the column list names 1 columns but the query returns 2",
		},
		{
			name: "empty name", cols: []ResultColumn{col("", "int")},
			code: "SYNTAX_ERROR", msg: "query column 1: column name is empty; name it with AS",
		},
		{
			name: "duplicate", cols: []ResultColumn{col("a", "int"), col("A", "string")},
			code: "SYNTAX_ERROR", msg: "Column name 'a' specified more than once; give the columns distinct names with AS",
		},
		{
			name: "duplicate alias", cols: []ResultColumn{col("a", "int"), col("b", "string")}, aliases: aliases("x", "X"),
			code: "SYNTAX_ERROR", msg: "Column name 'x' specified more than once; give the columns distinct names with AS",
		},
		{
			name: "untyped NULL", cols: []ResultColumn{null},
			code: "NOT_SUPPORTED", msg: "column nothing has type unknown (an untyped NULL); give it a type, e.g. CAST(NULL AS varchar)",
		},
		{
			name: "timestamp with time zone", cols: []ResultColumn{col("a", "int"), tz},
			code: "NOT_SUPPORTED", msg: "Unsupported Hive type: timestamp(3) with time zone (column at); cast it to timestamp or varchar",
		},
		{
			name: "partition column not last", cols: []ResultColumn{col("dt", "string"), col("a", "int")}, parts: []string{"dt"},
			code: "SYNTAX_ERROR", msg: "partition columns must be the last columns of the query, in partitioned_by order: expected 'dt' at position 2 but found 'a'; move dt to the end of the SELECT list",
		},
		{
			name: "partition columns out of order", cols: []ResultColumn{col("a", "int"), col("month", "int"), col("year", "int")}, parts: []string{"year", "month"},
			code: "SYNTAX_ERROR", msg: "partition columns must be the last columns of the query, in partitioned_by order: expected 'year' at position 2 but found 'month'; move year, month to the end of the SELECT list",
		},
		{
			name: "unknown partition column", cols: []ResultColumn{col("a", "int"), col("b", "int")}, parts: []string{"dt"},
			code: "SYNTAX_ERROR", msg: "partition column 'dt' is not among the query's columns",
		},
		{
			name: "only partition columns", cols: []ResultColumn{col("dt", "string")}, parts: []string{"dt"},
			code: "SYNTAX_ERROR", msg: "partitioned_by names 1 columns but the query returns only 1; at least one column must not be a partition column",
		},
		{
			name: "complex partition column", cols: []ResultColumn{col("a", "int"), col("tags", "array<string>")}, parts: []string{"tags"},
			code: "SYNTAX_ERROR", msg: "partition column 'tags' has type array(varchar); partition columns must be of a primitive type",
		},
	}
	show := func(cols []catalog.Column) string {
		s := ""
		for i, c := range cols {
			if i > 0 {
				s += ", "
			}
			s += c.Name + " " + c.Type.String()
		}
		return s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, data, keys, err := newColumns(tt.cols, tt.aliases, tt.parts)
			if tt.code != "" {
				var qe *Error
				if !errors.As(err, &qe) || qe.Code != tt.code || qe.Message != tt.msg {
					t.Errorf("err = %v\nwant %s: %s", err, tt.code, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if show(data) != tt.data || show(keys) != tt.keys {
				t.Errorf("data (%s), keys (%s); want (%s), (%s)", show(data), show(keys), tt.data, tt.keys)
			}
			// One output column per query column, in order, typed as stored.
			all := append(append([]catalog.Column(nil), data...), keys...)
			if len(out) != len(tt.cols) {
				t.Fatalf("%d output columns for %d query columns", len(out), len(tt.cols))
			}
			for i, o := range out {
				if o.From != i || o.Name != all[i].Name || !o.Type.Equal(all[i].Type) {
					t.Errorf("output column %d = %+v, want %s from %d", i, o, fmt.Sprint(all[i]), i)
				}
			}
		})
	}
}
