package duckengine

import (
	"testing"

	"github.com/weirdata/weir/internal/catalog"
)

func TestParseDuckType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"INTEGER", "int"},
		{"HUGEINT", "bigint"},
		{"UBIGINT", "bigint"}, // json_array_length, histogram counts: Trino bigint
		{"DECIMAL(18,3)", "decimal(18,3)"},
		{"VARCHAR", "string"},
		{"TIMESTAMP WITH TIME ZONE", "timestamp with time zone"},
		{"INTEGER[]", "array<int>"},
		{"INTEGER[][]", "array<array<int>>"},
		{"INTEGER[2]", "array<int>"},
		{"MAP(VARCHAR, INTEGER[])", "map<string,array<int>>"},
		{`STRUCT(a INTEGER, "B c" VARCHAR[])`, "struct<a:int,`B c`:array<string>>"},
		{`STRUCT("x""y" STRUCT(z DOUBLE))[]`, "array<struct<`x\"y`:struct<z:double>>>"},
		{"ENUM('a', 'b')", "string"},
		{`"NULL"`, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDuckType(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("parseDuckType(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"STRUCT(a", "MAP(INTEGER)", "WHATEVER", "UNION(a INTEGER)"} {
		if _, err := parseDuckType(bad); err == nil {
			t.Errorf("parseDuckType(%q) succeeded", bad)
		}
	}
}

func TestSQLTypeRoundTrip(t *testing.T) {
	for _, s := range []string{"int", "bigint", "decimal(10,2)", "array<struct<a:int,`b c`:map<string,double>>>", "timestamp", "date", "binary", "boolean", "float", "smallint", "tinyint"} {
		typ := catalog.MustParseType(s)
		back, err := parseDuckType(sqlType(typ))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !back.Equal(typ) {
			t.Errorf("%s -> %s -> %s", s, sqlType(typ), back)
		}
	}
}

func FuzzParseDuckType(f *testing.F) {
	for _, s := range []string{"INTEGER", "DECIMAL(18,3)", "STRUCT(a INTEGER, \"B c\" VARCHAR[])[]", "MAP(VARCHAR, INTEGER[])", "TIMESTAMP WITH TIME ZONE", "INTEGER[3][]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := parseDuckType(s)
		if err != nil {
			return
		}
		// Whatever parses must print as DuckDB SQL that parses back to the
		// same Athena type.
		back, err := parseDuckType(sqlType(typ))
		if err != nil {
			t.Fatalf("%q parsed as %s but its SQL %q does not parse: %v", s, typ, sqlType(typ), err)
		}
		if !back.Equal(typ) && typ.Kind != catalog.Unknown {
			t.Fatalf("%q: %s → %s → %s", s, typ, sqlType(typ), back)
		}
	})
}
