package duckengine

import (
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// goFunc is a Go scalar function for DuckDB built from a row function, so
// that each Trino function is a few lines rather than a type.
type goFunc struct {
	in       []duckdb.TypeInfo
	variadic duckdb.TypeInfo // nil unless the function takes any number of trailing arguments
	out      duckdb.TypeInfo
	// nulls is true when the function sees NULL arguments itself; by
	// default any NULL argument gives NULL without calling fn.
	nulls    bool
	volatile bool
	fn       func(args []driver.Value) (any, error)
}

// Config implements duckdb.ScalarFunc.
func (f *goFunc) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos:      f.in,
		ResultTypeInfo:      f.out,
		VariadicTypeInfo:    f.variadic,
		Volatile:            f.volatile,
		SpecialNullHandling: f.nulls,
	}
}

// Executor implements duckdb.ScalarFunc.
func (f *goFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: f.fn}
}

// duckType returns the type info of a primitive DuckDB type.
func duckType(t duckdb.Type) duckdb.TypeInfo {
	info, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(fmt.Sprintf("duckengine: type %v: %v", t, err))
	}
	return info
}

// duckList returns the type info of a list of elem.
func duckList(elem duckdb.TypeInfo) duckdb.TypeInfo {
	info, err := duckdb.NewListInfo(elem)
	if err != nil {
		panic(fmt.Sprintf("duckengine: list type: %v", err))
	}
	return info
}

// duckStruct returns the type info of a struct with the given fields.
func duckStruct(names []string, types []duckdb.TypeInfo) duckdb.TypeInfo {
	entries := make([]duckdb.StructEntry, len(names))
	for i, n := range names {
		e, err := duckdb.NewStructEntry(types[i], n)
		if err != nil {
			panic(fmt.Sprintf("duckengine: struct field %s: %v", n, err))
		}
		entries[i] = e
	}
	info, err := duckdb.NewStructInfo(entries[0], entries[1:]...)
	if err != nil {
		panic(fmt.Sprintf("duckengine: struct type: %v", err))
	}
	return info
}

// Type infos used by the Go functions.
var (
	tVarchar = duckType(duckdb.TYPE_VARCHAR)
	tBigint  = duckType(duckdb.TYPE_BIGINT)
	tInteger = duckType(duckdb.TYPE_INTEGER)
	tBoolean = duckType(duckdb.TYPE_BOOLEAN)
	tFloat   = duckType(duckdb.TYPE_FLOAT)
	tDouble  = duckType(duckdb.TYPE_DOUBLE)
	tBlob    = duckType(duckdb.TYPE_BLOB)
	tAny     = duckType(duckdb.TYPE_ANY)
	tVarList = duckList(tVarchar)
)

// functionError is an error a Go function raises for a row, with the
// Athena error code first so that translateError reports that code.
func functionError(code, format string, args ...any) error {
	return fmt.Errorf("%s: %s", code, fmt.Sprintf(format, args...))
}

// invalidArgument is Trino's INVALID_FUNCTION_ARGUMENT.
func invalidArgument(format string, args ...any) error {
	return functionError("INVALID_FUNCTION_ARGUMENT", format, args...)
}

// argString returns argument v as a string (VARCHAR arguments).
func argString(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// argInt returns an integer argument as int64.
func argInt(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	}
	return 0
}
