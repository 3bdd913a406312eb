package duckengine

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/bits"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/catalog"
)

// mathGoFunctions are the math family's Go functions, by name.
var mathGoFunctions = map[string][]duckdb.ScalarFunc{
	"weir_bit_count":    {&goFunc{in: []duckdb.TypeInfo{tBigint, tBigint}, out: tBigint, fn: bitCount}},
	"weir_width_bucket": {&goFunc{in: []duckdb.TypeInfo{tDouble, tDouble, tDouble, tBigint}, out: tBigint, fn: widthBucket}},
	"weir_trino_type":   {&goFunc{in: []duckdb.TypeInfo{tVarchar}, out: tVarchar, fn: trinoTypeUDF}},
	// Java's Math.cbrt is exact for cubes (cbrt(27) = 3.0); DuckDB's is
	// not.
	"weir_cbrt": {&goFunc{in: []duckdb.TypeInfo{tDouble}, out: tDouble, fn: func(a []driver.Value) (any, error) { return math.Cbrt(a[0].(float64)), nil }}},
}

// bitCount is bit_count(x, bits): the 1 bits of x as a bits-wide two's
// complement number.
func bitCount(a []driver.Value) (any, error) {
	x, n := argInt(a[0]), argInt(a[1])
	if n == 64 {
		return int64(bits.OnesCount64(uint64(x))), nil
	}
	if n <= 1 || n > 64 {
		return nil, invalidArgument("Bits specified in bit_count must be between 2 and 64, got %d", n)
	}
	low := int64(1)<<(n-1) - 1
	if x > low || x < ^low {
		return nil, invalidArgument("Number must be representable with the bits specified. %d cannot be represented with %d bits", x, n)
	}
	return int64(bits.OnesCount64(uint64(x) & (uint64(1)<<n - 1))), nil
}

// widthBucket is width_bucket(x, bound1, bound2, n) as Trino computes it.
func widthBucket(a []driver.Value) (any, error) {
	x, b1, b2, n := a[0].(float64), a[1].(float64), a[2].(float64), argInt(a[3])
	switch {
	case n <= 0:
		return nil, invalidArgument("bucketCount must be greater than 0")
	case math.IsNaN(x):
		return nil, invalidArgument("operand must not be NaN")
	case math.IsNaN(b1) || math.IsInf(b1, 0):
		return nil, invalidArgument("first bound must be finite")
	case math.IsNaN(b2) || math.IsInf(b2, 0):
		return nil, invalidArgument("second bound must be finite")
	case b1 == b2:
		return nil, invalidArgument("bounds cannot equal each other")
	}
	lower, upper := math.Min(b1, b2), math.Max(b1, b2)
	var r int64
	switch {
	case x < lower:
		r = 0
	case x >= upper:
		if n == math.MaxInt64 {
			return nil, functionError("NUMERIC_VALUE_OUT_OF_RANGE", "Bucket for value %v is out of range", x)
		}
		r = n + 1
	default:
		r = int64(float64(n)*(x-lower)/(upper-lower) + 1)
	}
	if b1 > b2 {
		r = n - r + 1
	}
	return r, nil
}

func trinoTypeUDF(a []driver.Value) (any, error) {
	t, err := trinoTypeName(argString(a[0]))
	if err != nil {
		return nil, err
	}
	return t, nil
}

// trinoTypeName spells a DuckDB type (as typeof gives it) the way Trino's
// typeof does. Types whose Trino spelling depends on what DuckDB does not
// track (varchar(n), timestamp(p), interval kinds) are refused.
func trinoTypeName(duck string) (string, error) {
	t, err := parseDuckType(duck)
	if err != nil {
		return "", functionError("NOT_SUPPORTED", "typeof() of a value of DuckDB type %s is not supported", duck)
	}
	var b strings.Builder
	if err := writeTrinoType(&b, t); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeTrinoType writes Trino's spelling of t.
func writeTrinoType(b *strings.Builder, t catalog.Type) error {
	simple := map[catalog.TypeKind]string{
		catalog.Boolean: "boolean", catalog.TinyInt: "tinyint", catalog.SmallInt: "smallint",
		catalog.Int: "integer", catalog.BigInt: "bigint", catalog.Float: "real", catalog.Double: "double",
		catalog.Binary: "varbinary", catalog.Date: "date", catalog.JSON: "json", catalog.UUID: "uuid",
		catalog.Unknown: "unknown",
	}
	if s, ok := simple[t.Kind]; ok {
		b.WriteString(s)
		return nil
	}
	switch t.Kind {
	case catalog.Decimal:
		fmt.Fprintf(b, "decimal(%d,%d)", t.Precision, t.Scale)
	case catalog.Array:
		b.WriteString("array(")
		if err := writeTrinoType(b, *t.Elem); err != nil {
			return err
		}
		b.WriteByte(')')
	case catalog.Map:
		b.WriteString("map(")
		if err := writeTrinoType(b, *t.Key); err != nil {
			return err
		}
		b.WriteString(", ")
		if err := writeTrinoType(b, *t.Value); err != nil {
			return err
		}
		b.WriteByte(')')
	case catalog.Struct:
		b.WriteString("row(")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name)
			b.WriteByte(' ')
			if err := writeTrinoType(b, f.Type); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	case catalog.Char, catalog.Varchar, catalog.String:
		return functionError("NOT_SUPPORTED", "typeof() of a varchar value is not supported: Trino reports its length (varchar(n)), which weir does not track")
	default:
		return functionError("NOT_SUPPORTED", "typeof() of a %s value is not supported: Trino reports a precision weir does not track", t)
	}
	return nil
}
