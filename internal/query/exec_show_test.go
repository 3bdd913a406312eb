package query

import (
	"maps"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/statement"
)

func TestHivePattern(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"sales", []string{"sales", "SALES", "Sales"}, []string{"sales2", "xsales", "sale"}},
		{"s*", []string{"s", "sales", "S_1"}, []string{"xs", "", "default"}},
		{"*les", []string{"sales", "les"}, []string{"salesx"}},
		{"s*s", []string{"sales", "ss"}, []string{"s", "sale"}},
		{"*", []string{"", "anything"}, nil},
		{"s*|def*", []string{"sales", "default"}, []string{"marketing", "xdefault"}},
		{" sales | default ", []string{"sales", "default"}, []string{" sales", "sales "}},
		{"a.b", []string{"a.b"}, []string{"axb"}},
		{"a+b", []string{"a+b"}, []string{"aab"}},
		{"(x", []string{"(x"}, []string{"x"}},
		{"t_1", []string{"t_1"}, []string{"tx1"}},
		{"|x", []string{"", "x"}, []string{"y"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			re, err := hivePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.match {
				if !re.MatchString(s) {
					t.Errorf("%q does not match %q", tt.pattern, s)
				}
			}
			for _, s := range tt.noMatch {
				if re.MatchString(s) {
					t.Errorf("%q matches %q", tt.pattern, s)
				}
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		if re, err := hivePattern(""); re != nil || err != nil {
			t.Errorf("hivePattern(\"\") = %v, %v; want no pattern", re, err)
		}
	})
}

// TestCreateTableDDLRoundTrip parses CreateTableDDL's output and rebuilds
// the table the way CREATE EXTERNAL TABLE does.
func TestCreateTableDDLRoundTrip(t *testing.T) {
	ty := catalog.MustParseType
	tests := []struct {
		name  string
		table *catalog.Table
	}{
		{"json partitioned", &catalog.Table{
			Database: "sales", Name: "orders", Description: "one row per order; it's \"quoted\"\nand has\ttabs \\ backslashes",
			Columns: []catalog.Column{
				{Name: "id", Type: ty("bigint"), Comment: "the key"},
				{Name: "items", Type: ty("array<struct<sku:string,qty:int>>")},
				{Name: "attrs", Type: ty("map<string,array<decimal(10,2)>>"), Comment: "it's a map"},
				{Name: "at", Type: ty("timestamp")},
				{Name: "code", Type: ty("varchar(12)")},
				{Name: "flag", Type: ty("char(1)")},
			},
			PartitionKeys: []catalog.Column{{Name: "dt", Type: ty("string"), Comment: "day"}, {Name: "hour", Type: ty("int")}},
			Location:      "s3://sales-lake/orders/",
			Storage: catalog.Storage{
				InputFormat: catalog.InputFormatText, OutputFormat: catalog.OutputFormatText, SerDe: catalog.SerDeOpenXJSON,
				SerDeParameters: map[string]string{"ignore.malformed.json": "true", "mapping.ts": "at"},
			},
			Parameters: map[string]string{"EXTERNAL": "TRUE", "classification": "json", "note": "a 'b'\nc"},
		}},
		{"parquet", &catalog.Table{
			Database: "default", Name: "events",
			Columns:    []catalog.Column{{Name: "n", Type: ty("double")}, {Name: "s", Type: ty("struct<`a b`:int,c:binary>")}},
			Location:   "s3://lake/events/",
			Storage:    catalog.StorageFor(catalog.FormatParquet),
			Parameters: map[string]string{"EXTERNAL": "TRUE", "parquet.compression": "SNAPPY"},
		}},
		{"delimited text", &catalog.Table{
			Database: "default", Name: "logs",
			Columns:  []catalog.Column{{Name: "line", Type: ty("string")}, {Name: "n", Type: ty("smallint")}},
			Location: "s3://lake/logs/",
			Storage: catalog.Storage{
				InputFormat: catalog.InputFormatText, OutputFormat: catalog.OutputFormatText, SerDe: catalog.SerDeLazySimple,
				SerDeParameters: map[string]string{"field.delim": "\t", "serialization.format": "\t", "escape.delim": "\\", "line.delim": "\n"},
			},
			Parameters: map[string]string{"EXTERNAL": "TRUE", "skip.header.line.count": "1"},
		}},
		{"control character delimiter", &catalog.Table{
			Database: "default", Name: "ctas_text",
			Columns:  []catalog.Column{{Name: "a", Type: ty("int")}},
			Location: "s3://lake/ctas/",
			Storage: catalog.Storage{
				InputFormat: catalog.InputFormatText, OutputFormat: catalog.OutputFormatText, SerDe: catalog.SerDeLazySimple,
				SerDeParameters: map[string]string{"field.delim": "\x01", "serialization.format": "\x01"},
			},
			Parameters: map[string]string{"EXTERNAL": "TRUE"},
		}},
		{"opencsv", &catalog.Table{
			Database: "default", Name: "csv",
			Columns:  []catalog.Column{{Name: "a", Type: ty("string")}},
			Location: "s3://lake/csv/",
			Storage: catalog.Storage{
				InputFormat: catalog.InputFormatText, OutputFormat: catalog.OutputFormatText, SerDe: catalog.SerDeOpenCSV,
				SerDeParameters: map[string]string{"separatorChar": ",", "quoteChar": "\"", "escapeChar": "\\"},
			},
			Parameters: map[string]string{"EXTERNAL": "TRUE"},
		}},
		{"odd column name", &catalog.Table{
			Database: "default", Name: "odd",
			Columns:    []catalog.Column{{Name: "we`ird name", Type: ty("int")}},
			Location:   "s3://lake/odd/",
			Storage:    catalog.StorageFor(catalog.FormatParquet),
			Parameters: map[string]string{"EXTERNAL": "TRUE"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ddl := CreateTableDDL(tt.table)
			stmt, err := statement.Parse(ddl)
			if err != nil {
				t.Fatalf("parse:\n%s\n%v", ddl, err)
			}
			st, ok := stmt.(*statement.CreateTable)
			if !ok {
				t.Fatalf("parsed as %T", stmt)
			}
			if !st.External {
				t.Error("not EXTERNAL")
			}
			got := &catalog.Table{
				Database:      st.Table.Database,
				Name:          st.Table.Name,
				Description:   st.Comment,
				Location:      st.Location,
				Columns:       columnsOf(st.Columns),
				PartitionKeys: columnsOf(st.PartitionedBy),
				Storage:       storageOf(st),
				Parameters:    kvMap(st.TableProperties),
			}
			if got.Parameters == nil {
				got.Parameters = map[string]string{}
			}
			got.Parameters["EXTERNAL"] = "TRUE"
			want := tt.table
			check := func(what string, g, w any) {
				t.Helper()
				if g != w {
					t.Errorf("%s = %q, want %q", what, g, w)
				}
			}
			check("database", got.Database, want.Database)
			check("name", got.Name, want.Name)
			check("comment", got.Description, want.Description)
			check("location", got.Location, want.Location)
			check("input format", got.Storage.InputFormat, want.Storage.InputFormat)
			check("output format", got.Storage.OutputFormat, want.Storage.OutputFormat)
			check("serde", got.Storage.SerDe, want.Storage.SerDe)
			if !maps.Equal(got.Storage.SerDeParameters, want.Storage.SerDeParameters) {
				t.Errorf("serde parameters %q, want %q", got.Storage.SerDeParameters, want.Storage.SerDeParameters)
			}
			if !maps.Equal(got.Parameters, want.Parameters) {
				t.Errorf("parameters %q, want %q", got.Parameters, want.Parameters)
			}
			for _, c := range []struct {
				what      string
				got, want []catalog.Column
			}{{"columns", got.Columns, want.Columns}, {"partition keys", got.PartitionKeys, want.PartitionKeys}} {
				if len(c.got) != len(c.want) {
					t.Errorf("%s: %d, want %d", c.what, len(c.got), len(c.want))
					continue
				}
				for i := range c.got {
					g, w := c.got[i], c.want[i]
					if g.Name != w.Name || !g.Type.Equal(w.Type) || g.Comment != w.Comment {
						t.Errorf("%s %d = %s %s %q, want %s %s %q", c.what, i, g.Name, g.Type, g.Comment, w.Name, w.Type, w.Comment)
					}
				}
			}
			if t.Failed() {
				t.Logf("DDL:\n%s", ddl)
			}
		})
	}
}
