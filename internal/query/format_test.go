package query

import (
	"math"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
)

func TestJavaFloat(t *testing.T) {
	tests := []struct {
		name string
		f    float64
		bits int
		want string
	}{
		{"tenth", 0.1, 64, "0.1"},
		{"hundred", 100.0, 64, "100.0"},
		{"zero", 0, 64, "0.0"},
		{"negative zero", math.Copysign(0, -1), 64, "-0.0"},
		{"one", 1, 64, "1.0"},
		{"negative", -2.5, 64, "-2.5"},
		{"just below 1e7", 9999999.0, 64, "9999999.0"},
		{"1e7", 1e7, 64, "1.0E7"},
		{"above 1e7", 12345678.9, 64, "1.23456789E7"},
		{"1e-3", 1e-3, 64, "0.001"},
		{"just below 1e-3", 9.999e-4, 64, "9.999E-4"},
		{"1e20", 1e20, 64, "1.0E20"},
		{"small negative", -1.5e-7, 64, "-1.5E-7"},
		{"largest", math.MaxFloat64, 64, "1.7976931348623157E308"},
		{"shortest round trip", sum(0.1, 0.2), 64, "0.30000000000000004"},
		{"NaN", math.NaN(), 64, "NaN"},
		{"+Inf", math.Inf(1), 64, "Infinity"},
		{"-Inf", math.Inf(-1), 64, "-Infinity"},
		{"real tenth", float64(float32(0.1)), 32, "0.1"},
		{"real tenth as double", float64(float32(0.1)), 64, "0.10000000149011612"},
		{"real with 7 digits", float64(float32(123456.7)), 32, "123456.7"},
		{"real 1e10", float64(float32(1e10)), 32, "1.0E10"},
		{"real max", math.MaxFloat32, 32, "3.4028235E38"},
		{"real NaN", math.NaN(), 32, "NaN"},
		{"real negative zero", math.Copysign(0, -1), 32, "-0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JavaFloat(tt.f, tt.bits); got != tt.want {
				t.Errorf("JavaFloat(%v, %d) = %q, want %q", tt.f, tt.bits, got, tt.want)
			}
		})
	}
}

// sum adds at run time: constant arithmetic is exact.
func sum(a, b float64) float64 { return a + b }

type stringer string

func (s stringer) String() string { return string(s) }

func TestFormatValue(t *testing.T) {
	ts := time.Date(2024, 2, 29, 13, 4, 5, 123_456_789, time.UTC)
	paris := time.FixedZone("CET", 3600)
	intT := catalog.TypeInt
	tests := []struct {
		name string
		v    any
		t    catalog.Type
		want string
	}{
		{"true", true, catalog.TypeBoolean, "true"},
		{"false", false, catalog.TypeBoolean, "false"},
		{"bigint", int64(-9223372036854775808), catalog.TypeBigInt, "-9223372036854775808"},
		{"double", 1e20, catalog.TypeDouble, "1.0E20"},
		{"double integral", 3.0, catalog.TypeDouble, "3.0"},
		{"real", float64(float32(0.1)), catalog.Type{Kind: catalog.Float}, "0.1"},
		{"varchar", "a,b \"c\"\nd", catalog.TypeString, "a,b \"c\"\nd"},
		{"empty varchar", "", catalog.TypeString, ""},
		{"decimal", Decimal("-12.50"), catalog.DecimalOf(10, 2), "-12.50"},
		{"varbinary", []byte{0x00, 0xca, 0xfe, 0x0f}, catalog.Type{Kind: catalog.Binary}, "00 ca fe 0f"},
		{"empty varbinary", []byte{}, catalog.Type{Kind: catalog.Binary}, ""},
		{"timestamp", ts, catalog.TypeTimestamp, "2024-02-29 13:04:05.123"},
		{"timestamp whole second", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), catalog.TypeTimestamp, "2024-01-02 03:04:05.000"},
		{"timestamp keeps its zone's wall clock", ts.In(paris), catalog.TypeTimestamp, "2024-02-29 14:04:05.123"},
		{"timestamp with time zone", ts.In(paris), catalog.Type{Kind: catalog.TimestampTZ}, "2024-02-29 13:04:05.123 UTC"},
		{"date", ts, catalog.TypeDate, "2024-02-29"},
		{"time", ts, catalog.Type{Kind: catalog.Time}, "13:04:05.123"},
		{"array", []any{int64(1), nil, int64(3)}, catalog.ArrayOf(intT), "[1, null, 3]"},
		{"empty array", []any{}, catalog.ArrayOf(intT), "[]"},
		{"array of doubles", []any{0.1, 100.0, 1e-7}, catalog.ArrayOf(catalog.TypeDouble), "[0.1, 100.0, 1.0E-7]"},
		{"array of reals", []any{float64(float32(0.1))}, catalog.ArrayOf(catalog.Type{Kind: catalog.Float}), "[0.1]"},
		{"array of strings", []any{"a", "", "b c"}, catalog.ArrayOf(catalog.TypeString), "[a, , b c]"},
		{"nested arrays", []any{[]any{int64(1)}, []any{}, nil}, catalog.ArrayOf(catalog.ArrayOf(intT)), "[[1], [], null]"},
		{"array of dates", []any{ts}, catalog.ArrayOf(catalog.TypeDate), "[2024-02-29]"},
		{"map", &MapValue{Keys: []any{"a", "b"}, Values: []any{int64(1), nil}}, catalog.MapOf(catalog.TypeString, intT), "{a=1, b=null}"},
		{"empty map", &MapValue{}, catalog.MapOf(catalog.TypeString, intT), "{}"},
		{"map of doubles", &MapValue{Keys: []any{int64(1)}, Values: []any{1e20}}, catalog.MapOf(intT, catalog.TypeDouble), "{1=1.0E20}"},
		{"map of arrays", &MapValue{Keys: []any{"k"}, Values: []any{[]any{"x", nil}}}, catalog.MapOf(catalog.TypeString, catalog.ArrayOf(catalog.TypeString)), "{k=[x, null]}"},
		{
			"row", []any{int64(1), "x", nil},
			catalog.StructOf(catalog.Field{Name: "a", Type: intT}, catalog.Field{Name: "b", Type: catalog.TypeString}, catalog.Field{Name: "c", Type: catalog.TypeDouble}),
			"{a=1, b=x, c=null}",
		},
		{
			"row with missing fields", []any{int64(1)},
			catalog.StructOf(catalog.Field{Name: "a", Type: intT}, catalog.Field{Name: "b", Type: intT}),
			"{a=1, b=null}",
		},
		{
			"nested row", []any{[]any{0.5, ts}, []any{[]any{"s"}}},
			catalog.StructOf(
				catalog.Field{Name: "inner", Type: catalog.StructOf(catalog.Field{Name: "d", Type: catalog.TypeDouble}, catalog.Field{Name: "t", Type: catalog.TypeTimestamp})},
				catalog.Field{Name: "items", Type: catalog.ArrayOf(catalog.StructOf(catalog.Field{Name: "sku", Type: catalog.TypeString}))},
			),
			"{inner={d=0.5, t=2024-02-29 13:04:05.123}, items=[{sku=s}]}",
		},
		{"array of rows", []any{[]any{int64(1)}, nil}, catalog.ArrayOf(catalog.StructOf(catalog.Field{Name: "a", Type: intT})), "[{a=1}, null]"},
		{"list of unknown type", []any{int64(1), "a"}, catalog.Type{Kind: catalog.Unknown}, "[1, a]"},
		{"stringer", stringer(" a\nb\r "), catalog.TypeString, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FormatValue(tt.v, tt.t)
			if !ok || got != tt.want {
				t.Errorf("FormatValue(%#v, %s) = %q, %v; want %q", tt.v, tt.t.TrinoName(), got, ok, tt.want)
			}
		})
	}
	t.Run("NULL", func(t *testing.T) {
		if got, ok := FormatValue(nil, catalog.TypeString); ok || got != "" {
			t.Errorf("FormatValue(nil) = %q, %v; want \"\", false", got, ok)
		}
	})
}
