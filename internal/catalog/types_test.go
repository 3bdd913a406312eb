package catalog

import (
	"strings"
	"testing"
)

func TestParseTypeRoundTrip(t *testing.T) {
	tests := []struct {
		in, hive, trino string
	}{
		{"int", "int", "integer"},
		{"INTEGER", "int", "integer"},
		{"bigint", "bigint", "bigint"},
		{"float", "float", "real"},
		{"real", "float", "real"},
		{"double precision", "double", "double"},
		{"string", "string", "varchar"},
		{"varchar", "string", "varchar"},
		{"varchar(10)", "varchar(10)", "varchar(10)"},
		{"char(3)", "char(3)", "char(3)"},
		{"decimal", "decimal(10,0)", "decimal(10,0)"},
		{"decimal(38, 9)", "decimal(38,9)", "decimal(38,9)"},
		{"timestamp", "timestamp", "timestamp(3)"},
		{"timestamp(3)", "timestamp", "timestamp(3)"},
		{"timestamp(3) with time zone", "timestamp with time zone", "timestamp(3) with time zone"},
		{"binary", "binary", "varbinary"},
		{"array<string>", "array<string>", "array(varchar)"},
		{"array(bigint)", "array<bigint>", "array(bigint)"},
		{"map<string,array<int>>", "map<string,array<int>>", "map(varchar, array(integer))"},
		{"map(varchar, double)", "map<string,double>", "map(varchar, double)"},
		{"struct<a:int,b:array<struct<c:string>>>", "struct<a:int,b:array<struct<c:string>>>", "row(a integer, b array(row(c varchar)))"},
		{"row(x bigint, y varchar)", "struct<x:bigint,y:string>", "row(x bigint, y varchar)"},
		{"struct< `my field` : int >", "struct<`my field`:int>", `row("my field" integer)`},
		{"interval day to second", "interval day to second", "interval day to second"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			typ, err := ParseType(tt.in)
			if err != nil {
				t.Fatalf("ParseType(%q): %v", tt.in, err)
			}
			if got := typ.String(); got != tt.hive {
				t.Errorf("String() = %q, want %q", got, tt.hive)
			}
			if got := typ.TrinoName(); got != tt.trino {
				t.Errorf("TrinoName() = %q, want %q", got, tt.trino)
			}
			again, err := ParseType(typ.String())
			if err != nil {
				t.Fatalf("reparse %q: %v", typ.String(), err)
			}
			if !again.Equal(typ) {
				t.Errorf("round trip changed %q into %q", typ, again)
			}
		})
	}
}

func TestParseTypeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "expected a type name"},
		{"integr", `unknown type "integr"`},
		{"array<int", `expected '>' but the type ended`},
		{"array<>", "expected a type name"},
		{"map<array<int>,int>", "map keys must be a primitive type"},
		{"decimal(39,2)", "precision 39 is outside 1..38"},
		{"decimal(5,6)", "scale 6 is larger than its precision 5"},
		{"char(0)", "char length 0 is outside 1..255"},
		{"struct<a:int,A:string>", `duplicate struct field "A"`},
		{"struct<a int>", `expected ':'`},
		{"int extra", `unexpected "extra" after the type`},
		{strings.Repeat("array<", 200) + "int" + strings.Repeat(">", 200), "nested more than 100 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseType(tt.in)
			if err == nil {
				t.Fatalf("ParseType(%q) succeeded, want error containing %q", tt.in, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseType(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestAthenaTypeName(t *testing.T) {
	for in, want := range map[string]string{
		"array<int>":             "array",
		"map<int,int>":           "map",
		"struct<a:int>":          "row",
		"decimal(10,2)":          "decimal",
		"string":                 "varchar",
		"int":                    "integer",
		"timestamp":              "timestamp",
		"varchar(20)":            "varchar",
		"double":                 "double",
		"binary":                 "varbinary",
		"boolean":                "boolean",
		"date":                   "date",
		"smallint":               "smallint",
		"float":                  "real",
		"char(2)":                "char",
		"tinyint":                "tinyint",
		"bigint":                 "bigint",
		"json":                   "json",
		"interval day to second": "interval day to second",
	} {
		if got := MustParseType(in).AthenaTypeName(); got != want {
			t.Errorf("AthenaTypeName(%s) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseType(f *testing.F) {
	for _, s := range []string{"int", "array<struct<a:int,b:map<string,double>>>", "decimal(10,2)", "row(a bigint, b array(varchar))", "struct<`x y`:int>", "timestamp(3) with time zone"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := ParseType(s)
		if err != nil {
			return
		}
		// Whatever parses must print in a form that parses to the same type.
		again, err := ParseType(typ.String())
		if err != nil {
			t.Fatalf("ParseType(%q) ok but its String %q does not parse: %v", s, typ.String(), err)
		}
		if !again.Equal(typ) {
			t.Fatalf("%q: round trip %q changed the type", s, typ.String())
		}
	})
}
