package duckengine

import (
	"database/sql/driver"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's date_format and date_parse take MySQL format codes, which Trino
// implements with a Joda-Time formatter. The codes are converted once per
// format to DuckDB strftime/strptime formats (DuckDB folds the conversion
// of a constant format), and DuckDB does the per-row work.

// mysqlFormatUDF is weir_mysql_format(format): the strftime format for a
// date_format format.
type mysqlFormatUDF struct{}

// Config takes a VARCHAR format and returns a VARCHAR format.
func (mysqlFormatUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR)
}

// Executor converts the format.
func (mysqlFormatUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		s, _ := values[0].(string)
		return mysqlToStrftime(s)
	}}
}

// mysqlUnsupported are the MySQL codes Trino refuses.
const mysqlUnsupported = "DUuVwX"

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
			return "", trailingPercent()
		}
		i++
		spec := f[i]
		switch spec {
		case 'a', 'b', 'd', 'H', 'I', 'j', 'm', 'p', 'S', 'Y', 'y':
			b.WriteByte('%')
			b.WriteByte(spec)
		case 'c':
			b.WriteString("%-m")
		case 'e':
			b.WriteString("%-d")
		case 'f':
			// Microseconds of a millisecond-precision timestamp.
			b.WriteString("%g000")
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
		default:
			if strings.IndexByte(mysqlUnsupported, spec) >= 0 {
				return "", mysqlNotSupported(spec)
			}
			// Trino prints any other character after % as itself.
			writeLiteral(&b, spec)
		}
	}
	return b.String(), nil
}

// mysqlToStrptime converts a MySQL date format, as Trino's date_parse
// takes it, into a DuckDB strptime format and the yearRule correcting
// the year strptime reads. Codes Joda reads with another meaning than
// strptime (names of week days, which Joda applies to the date, and week
// years) are refused.
func mysqlToStrptime(f string) (string, yearRule, error) {
	var b strings.Builder
	rule := yearRuleNone
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			writeLiteral(&b, c)
			continue
		}
		if i+1 == len(f) {
			return "", 0, trailingPercent()
		}
		i++
		spec := f[i]
		switch spec {
		case 'b', 'd', 'f', 'H', 'I', 'j', 'm', 'p', 'S':
			b.WriteByte('%')
			b.WriteByte(spec)
		case 'c':
			b.WriteString("%m")
		case 'e':
			b.WriteString("%d")
		case 'h', 'l':
			b.WriteString("%I")
		case 'i':
			b.WriteString("%M")
		case 'k':
			b.WriteString("%H")
		case 'M':
			b.WriteString("%B")
		case 'r':
			b.WriteString("%I:%M:%S %p")
		case 's':
			b.WriteString("%S")
		case 'T':
			b.WriteString("%H:%M:%S")
		case 'Y':
			b.WriteString("%Y")
			rule = 0
		case 'y':
			// Trino's two-digit years fall in 1970..2069.
			b.WriteString("%y")
			if rule != 0 {
				rule = 1970
			}
		case '%':
			b.WriteString("%%")
		case 'a', 'W', 'v', 'x':
			return "", 0, fmt.Errorf("NOT_SUPPORTED: date_parse format code %%%c is not supported: Trino applies day-of-week and week-year fields to the date in ways strptime does not", spec)
		default:
			if strings.IndexByte(mysqlUnsupported, spec) >= 0 {
				return "", 0, mysqlNotSupported(spec)
			}
			writeLiteral(&b, spec)
		}
	}
	return b.String(), rule, nil
}

// writeLiteral writes a character that strftime/strptime must take as
// itself.
func writeLiteral(b *strings.Builder, c byte) {
	if c == '%' {
		b.WriteString("%%")
		return
	}
	b.WriteByte(c)
}

// mysqlNotSupported is Trino's error for the codes it does not implement.
func mysqlNotSupported(spec byte) error {
	return fmt.Errorf("INVALID_FUNCTION_ARGUMENT: %%%c not supported in date format string", spec)
}

// trailingPercent refuses a format ending in a lone %, which Trino drops
// silently; weir cannot be sure of that, so it says so.
func trailingPercent() error {
	return fmt.Errorf("NOT_SUPPORTED: a date format ending in a single %% is not supported")
}
