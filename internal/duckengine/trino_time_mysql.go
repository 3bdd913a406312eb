package duckengine

import (
	"database/sql/driver"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

type mysqlFormatUDF struct{}

func (mysqlFormatUDF) Config() duckdb.ScalarFuncConfig {
	varchar, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{varchar},
		ResultTypeInfo: varchar,
	}
}

func (mysqlFormatUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		s, _ := values[0].(string)
		return mysqlToStrftime(s)
	}}
}

// mysqlToStrftime converts a MySQL date format, as Trino's date_format
// takes it, into a DuckDB strftime format.
func mysqlToStrftime(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(f) {
			b.WriteString("%%") // a trailing % is literal
			break
		}
		i++
		spec := f[i]
		switch spec {
		case 'a', 'b', 'd', 'f', 'H', 'I', 'j', 'm', 'p', 'S', 'Y', 'y':
			b.WriteByte('%')
			b.WriteByte(spec)
		case 'c':
			b.WriteString("%-m")
		case 'e':
			b.WriteString("%-d")
		case 'h':
			b.WriteString("%I")
		case 'i':
			b.WriteString("%M")
		case 'k':
			b.WriteString("%-H")
		case 'l':
			b.WriteString("%-I")
		case 'M':
			b.WriteString("%B")
		case 'r':
			b.WriteString("%I:%M:%S %p")
		case 's':
			b.WriteString("%S")
		case 'T':
			b.WriteString("%H:%M:%S")
		case 'v':
			b.WriteString("%V")
		case 'W':
			b.WriteString("%A")
		case 'x':
			b.WriteString("%G")
		case '%':
			b.WriteString("%%")
		case 'D', 'U', 'u', 'V', 'w', 'X':
			return "", fmt.Errorf("INVALID_FUNCTION_ARGUMENT: date_format specifier %%%c is not supported (as in Trino)", spec)
		default:
			// MySQL prints any other character after % as itself.
			b.WriteByte(spec)
		}
	}
	return b.String(), nil
}
