package duckengine

import (
	"database/sql/driver"
	"errors"
	"math"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Division and modulus as Trino answers them. The translator
// (internal/dialect) turns x / y into weir_divide(x, y) and x % y into
// weir_modulus(x, y). Trino fails on an exact (integer or decimal) zero
// divisor, where DuckDB answers NULL, and follows IEEE 754 for floating
// point (7e0 / 0 is Infinity), where DuckDB's integer-division mode
// answers NULL too.
var arithmeticFunctions = functionSet{
	macros: arithmeticMacros,
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_divide_by_zero":  byZeroFunctions(divideIEEE),
		"weir_modulus_by_zero": byZeroFunctions(func(float64) float64 { return math.NaN() }),
	},
}

// The zero cases call Go functions, not error(): DuckDB counts error() as
// volatile, which TRY refuses, and TRY(1 / 0) is common Trino.
var arithmeticMacros = []string{
	`CREATE OR REPLACE MACRO weir_exact_operands(a, b) AS
		typeof(a) NOT IN ('DOUBLE', 'FLOAT') AND typeof(b) NOT IN ('DOUBLE', 'FLOAT')`,
	`CREATE OR REPLACE MACRO weir_divide(a, b) AS CASE
		WHEN b = 0 THEN weir_divide_by_zero(a, b, weir_exact_operands(a, b))
		ELSE a / b END`,
	`CREATE OR REPLACE MACRO weir_modulus(a, b) AS CASE
		WHEN b = 0 THEN weir_modulus_by_zero(a, b, weir_exact_operands(a, b))
		ELSE a % b END`,
	// date ± interval of whole days keeps a date a date, as in Trino.
	`CREATE OR REPLACE MACRO weir_plus_interval(x, i) AS weir_as_type_of(x, x + i)`,
	`CREATE OR REPLACE MACRO weir_minus_interval(x, i) AS weir_as_type_of(x, x - i)`,
	`CREATE OR REPLACE MACRO weir_interval_plus(i, x) AS weir_as_type_of(x, i + x)`,
}

// errDivisionByZero is Trino's error for an exact division by zero.
var errDivisionByZero = errors.New("DIVISION_BY_ZERO: Division by zero")

// divideIEEE is a / 0 in IEEE 754.
func divideIEEE(a float64) float64 {
	switch {
	case math.IsNaN(a) || a == 0:
		return math.NaN()
	case a > 0:
		return math.Inf(1)
	}
	return math.Inf(-1)
}

// byZeroFunctions returns the overloads of f(a, b, exact), called when b
// is zero: exact operands (integers, decimals) fail with Trino's error;
// floating point ones answer ieee(a). Each overload has the type a / b
// (or a % b) has in DuckDB, so that the macro's CASE keeps that type;
// decimals arrive as doubles, the type DuckDB gives their quotient.
func byZeroFunctions(ieee func(float64) float64) []duckdb.ScalarFunc {
	boolean, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	call := func(args []driver.Value) (any, error) {
		if exact, _ := args[2].(bool); exact {
			return nil, errDivisionByZero
		}
		switch a := args[0].(type) {
		case float32:
			return float32(ieee(float64(a))), nil
		case float64:
			return ieee(a), nil
		}
		return nil, errDivisionByZero
	}
	var fns []duckdb.ScalarFunc
	for _, t := range []duckdb.Type{duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER,
		duckdb.TYPE_BIGINT, duckdb.TYPE_HUGEINT, duckdb.TYPE_FLOAT, duckdb.TYPE_DOUBLE} {
		info, _ := duckdb.NewTypeInfo(t)
		fns = append(fns, &goFunc{in: []duckdb.TypeInfo{info, info, boolean}, out: info, fn: call})
	}
	return fns
}
