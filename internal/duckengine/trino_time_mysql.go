package duckengine

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's date_format and date_parse take MySQL format codes, which Trino
// implements with a Joda-Time formatter. The codes are converted once per
// format to DuckDB strftime/strptime formats (DuckDB folds the conversion
// of a constant format), and DuckDB does the per-row work.

// mysqlFormatUDF is weir_mysql_format(ts, format): date_format per row,
// for formats that are not literals (DuckDB's strftime takes constant
// formats only).
type mysqlFormatUDF struct{ in duckdb.Type }

// Config takes a timestamp of the given type and a VARCHAR format.
func (u mysqlFormatUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_VARCHAR, u.in, duckdb.TYPE_VARCHAR)
}

// Executor formats one row.
func (mysqlFormatUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		jp, err := cachedMysql(v[1].(string))
		if err != nil {
			return nil, err
		}
		return jp.format(v[0].(time.Time)), nil
	}}
}

// mysqlCache holds MySQL formats compiled to Joda patterns.
var mysqlCache sync.Map // string → *jodaPattern or error

// cachedMysql compiles a format once.
func cachedMysql(f string) (*jodaPattern, error) {
	if v, ok := mysqlCache.Load(f); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(*jodaPattern), nil
	}
	jp, err := mysqlToJoda(f)
	if err != nil {
		mysqlCache.Store(f, err)
		return nil, err
	}
	mysqlCache.Store(f, jp)
	return jp, nil
}

// mysqlJoda is the Joda pattern of each MySQL code, as Trino builds its
// formatter.
var mysqlJoda = map[byte]string{
	'a': "EEE", 'b': "MMM", 'c': "M", 'd': "dd", 'e': "d", 'f': "SSSSSS",
	'H': "HH", 'h': "hh", 'I': "hh", 'i': "mm", 'j': "DDD", 'k': "H",
	'l': "h", 'M': "MMMM", 'm': "MM", 'p': "a", 'r': "hh:mm:ss a",
	'S': "ss", 's': "ss", 'T': "HH:mm:ss", 'v': "ww", 'W': "EEEE",
	'x': "xxxx", 'Y': "yyyy", 'y': "yy",
}

// mysqlToJoda compiles a date_format format into the Joda pattern Trino
// formats with. Tokens are appended one by one: as text, %d%e would read
// as one run of three d's.
func mysqlToJoda(f string) (*jodaPattern, error) {
	jp := &jodaPattern{}
	lit := func(c byte) {
		if k := len(jp.tokens); k > 0 && jp.tokens[k-1].letter == 0 {
			jp.tokens[k-1].text += string(c)
			return
		}
		jp.tokens = append(jp.tokens, jodaToken{text: string(c)})
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			lit(c)
			continue
		}
		if i+1 == len(f) {
			return nil, trailingPercent()
		}
		i++
		if p, ok := mysqlJoda[f[i]]; ok {
			code, err := compileJoda(p)
			if err != nil {
				return nil, err // a bug in mysqlJoda
			}
			jp.tokens = append(jp.tokens, code.tokens...)
			continue
		}
		if strings.IndexByte(mysqlUnsupported, f[i]) >= 0 {
			return nil, mysqlNotSupported(f[i])
		}
		lit(f[i])
	}
	return jp, nil
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
