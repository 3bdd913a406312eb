package duckengine

import (
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// Date and time functions of Trino.
//
// Trino's timestamp with time zone carries a zone; DuckDB's TIMESTAMPTZ is
// an instant shown in the session zone (UTC). weir holds a zoned value
// one of two ways, by what the function is for:
//   - as the UTC instant when the zone only says which instant the text or
//     wall time means (from_iso8601_timestamp, parse_datetime,
//     with_timezone): the value compares and converts as in Trino, and
//     prints in UTC;
//   - as the wall time in the zone (a timestamp without zone) when the
//     function is for seeing an instant in a zone (AT TIME ZONE,
//     at_timezone, from_unixtime with a zone): hour(), date_format and
//     casts to date or timestamp answer as in Trino, the zone itself is
//     not printed.
var timeFunctions = functionSet{
	rules: map[string]funcRule{
		"date_format":            dateFormatRule,
		"date_parse":             dateParseRule,
		"format_datetime":        formatDatetimeRule,
		"parse_datetime":         parseDatetimeRule,
		"from_iso8601_timestamp": rename("weir_from_iso8601_timestamp"),
		"from_iso8601_date":      rename("weir_from_iso8601_date"),
		"to_iso8601":             rename("weir_to_iso8601"),
		"from_unixtime":          rename("weir_from_unixtime"),
		"from_unixtime_nanos":    rename("weir_from_unixtime_nanos"),
		"to_unixtime":            rename("epoch"),
		"date_add":               unitRule(3, "weir_date_add_days", "weir_date_add_clock"),
		"date_diff":              unitRule(3, "date_sub", "weir_date_diff_clock"),
		"date_trunc":             unitRule(2, "weir_date_trunc", "weir_date_trunc_clock"),
		"day_of_week":            rename("isodow"),
		"dow":                    rename("isodow"),
		"day_of_month":           rename("dayofmonth"),
		"day_of_year":            rename("dayofyear"),
		"doy":                    rename("dayofyear"),
		"week_of_year":           rename("weekofyear"),
		"year_of_week":           rename("isoyear"),
		"yow":                    rename("isoyear"),
		"millisecond":            rename("weir_millisecond"),
		"last_day_of_month":      rename("last_day"),
		"at_timezone":            rename("weir_at_timezone"),
		"with_timezone":          rename("weir_with_timezone"),
		"current_timezone":       rename("weir_current_timezone"),
		"to_milliseconds":        rename("weir_to_milliseconds"),
		"human_readable_seconds": rename("weir_human_readable_seconds"),
		"parse_duration":         rename("weir_parse_duration"),
	},
	macros: []string{
		// weir_year_fix(ts, rule) corrects the year strptime read (see
		// yearRule): a pattern without year means 1970 in Joda, and
		// two-digit years fall in another century window.
		`CREATE OR REPLACE MACRO weir_year_fix(ts, r) AS CASE
			WHEN r = 0 THEN ts
			WHEN r < 0 THEN ts + INTERVAL 70 YEAR
			WHEN year(ts) < r THEN ts + INTERVAL 100 YEAR
			WHEN year(ts) >= r + 100 THEN ts - INTERVAL 100 YEAR
			ELSE ts END`,
		// date_parse(text, strptime_format, year_rule) → timestamp(3);
		// dateParseRule converts the format. (strptime's format must be
		// a constant, so it cannot be converted inside the macro.)
		`CREATE OR REPLACE MACRO weir_date_parse(s, fmt, r) AS
			date_trunc('millisecond', weir_year_fix(strptime(s, fmt), r))`,
		// parse_datetime(text, strptime_format, year_rule) → timestamp(3)
		// with time zone; parseDatetimeRule converts the pattern.
		`CREATE OR REPLACE MACRO weir_parse_datetime(s, fmt, r) AS
			CAST(date_trunc('millisecond', weir_year_fix(strptime(s, fmt), r)) AS TIMESTAMPTZ)`,
		// to_iso8601(date | timestamp | timestamp with time zone).
		`CREATE OR REPLACE MACRO weir_to_iso8601(x) AS strftime(x, CASE typeof(x)
			WHEN 'DATE' THEN '%Y-%m-%d'
			WHEN 'TIMESTAMP WITH TIME ZONE' THEN '%Y-%m-%dT%H:%M:%S.%gZ'
			ELSE '%Y-%m-%dT%H:%M:%S.%g' END)`,
		// from_unixtime(seconds) rounds to milliseconds (Java's
		// Math.round); with a zone or an offset it gives the wall time
		// there.
		`CREATE OR REPLACE MACRO weir_from_unixtime(x) AS
			CAST(make_timestamp(CAST(floor(CAST(x AS DOUBLE) * 1000 + 0.5) AS BIGINT) * 1000) AS TIMESTAMPTZ),
			(x, z) AS timezone(z, CAST(make_timestamp(CAST(floor(CAST(x AS DOUBLE) * 1000 + 0.5) AS BIGINT) * 1000) AS TIMESTAMPTZ)),
			(x, h, m) AS make_timestamp(CAST(floor(CAST(x AS DOUBLE) * 1000 + 0.5) AS BIGINT) * 1000) + to_minutes(CAST(h * 60 + m AS BIGINT))`,
		// from_unixtime_nanos(nanoseconds), floored to microseconds.
		`CREATE OR REPLACE MACRO weir_from_unixtime_nanos(x) AS
			CAST(make_timestamp(CAST((x - ((x % 1000) + 1000) % 1000) // 1000 AS BIGINT)) AS TIMESTAMPTZ)`,
		// weir_unit(u) is one unit of date_add/date_diff/date_trunc.
		`CREATE OR REPLACE MACRO weir_unit(u) AS CASE lower(u)
			WHEN 'millisecond' THEN INTERVAL 1 MILLISECOND
			WHEN 'second' THEN INTERVAL 1 SECOND
			WHEN 'minute' THEN INTERVAL 1 MINUTE
			WHEN 'hour' THEN INTERVAL 1 HOUR
			WHEN 'day' THEN INTERVAL 1 DAY
			WHEN 'week' THEN INTERVAL 7 DAY
			WHEN 'month' THEN INTERVAL 1 MONTH
			WHEN 'quarter' THEN INTERVAL 3 MONTH
			WHEN 'year' THEN INTERVAL 1 YEAR END`,
		// weir_as_type_of(x, v) is v, a timestamp of the same day as x
		// when x is a DATE, in x's type: typeof(x) is a constant, and
		// date_trunc with a constant unit answers DATE for 'day' and
		// the input's type for 'microseconds'.
		`CREATE OR REPLACE MACRO weir_as_type_of(x, v) AS
			date_trunc(CASE typeof(x) WHEN 'DATE' THEN 'day' ELSE 'microseconds' END, v)`,
		// weir_not_date(u, x, v) is v, or Trino's error when x is a DATE
		// (units below a day are not DATE fields).
		`CREATE OR REPLACE MACRO weir_not_date(u, x, v) AS CASE WHEN typeof(x) = 'DATE'
			THEN error('INVALID_FUNCTION_ARGUMENT: ''' || lower(u) || ''' is not a valid DATE field')
			ELSE v END`,
		// date_add keeps the input's type (DuckDB's DATE + INTERVAL is a
		// TIMESTAMP); months clamp to the month's end as in Joda.
		`CREATE OR REPLACE MACRO weir_date_add_days(u, n, x) AS weir_as_type_of(x, x + n * weir_unit(u))`,
		`CREATE OR REPLACE MACRO weir_date_add_clock(u, n, x) AS weir_not_date(u, x, x + n * weir_unit(u))`,
		// date_diff below a day refuses two DATEs (a DATE with a
		// timestamp is read as a timestamp).
		`CREATE OR REPLACE MACRO weir_date_diff_clock(u, a, b) AS
			weir_not_date(u, greatest(a, b), date_sub(u, a, b))`,
		// date_trunc keeping the input type (DuckDB answers DATE for day
		// and coarser units on timestamps).
		`CREATE OR REPLACE MACRO weir_date_trunc(u, x) AS weir_as_type_of(x, date_trunc(u, x))`,
		`CREATE OR REPLACE MACRO weir_date_trunc_clock(u, x) AS weir_not_date(u, x, date_trunc(u, x))`,
		// millisecond(x) is 0..999 (DuckDB's counts the seconds too).
		`CREATE OR REPLACE MACRO weir_millisecond(x) AS millisecond(x) % 1000`,
		// at_timezone(ts, zone): the wall time in zone.
		`CREATE OR REPLACE MACRO weir_at_timezone(ts, z) AS timezone(z, CAST(ts AS TIMESTAMPTZ))`,
		// with_timezone(ts, zone): the instant of the wall time ts in zone.
		`CREATE OR REPLACE MACRO weir_with_timezone(ts, z) AS timezone(z, CAST(ts AS TIMESTAMP))`,
		`CREATE OR REPLACE MACRO weir_current_timezone() AS current_setting('TimeZone')`,
		// to_milliseconds(interval day to second).
		`CREATE OR REPLACE MACRO weir_to_milliseconds(iv) AS CASE
			WHEN datepart('month', iv) <> 0 OR datepart('year', iv) <> 0
			THEN error('TYPE_MISMATCH: to_milliseconds takes an interval day to second, not months or years')
			ELSE epoch_ms(iv) END`,
	},
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_mysql_format":           {mysqlFormatUDF{in: duckdb.TYPE_TIMESTAMP}, mysqlFormatUDF{in: duckdb.TYPE_TIMESTAMP_TZ}},
		"weir_joda_format":            {jodaFormatUDF{in: duckdb.TYPE_TIMESTAMP}, jodaFormatUDF{in: duckdb.TYPE_TIMESTAMP_TZ}},
		"weir_from_iso8601_timestamp": {isoTimestampUDF{}},
		"weir_from_iso8601_date":      {isoDateUDF{}},
		"weir_human_readable_seconds": {humanSecondsUDF{}},
		"weir_parse_duration":         {parseDurationUDF{}},
	},
}

// dateFormatRule converts a literal date_format format to a strftime
// format in the query; other formats are formatted in Go, row by row.
func dateFormatRule(c *funcCall) (string, error) {
	span, f, ok := c.literalArg(1)
	if !ok {
		return "weir_mysql_format", nil
	}
	conv, err := mysqlToStrftime(f)
	if err != nil {
		return "", c.formatError(err)
	}
	c.edits.Replace(span, quoteString(conv))
	return "strftime", nil
}

// dateParseRule converts date_parse's format, which must be a literal
// (DuckDB's strptime takes constant formats only), to a strptime format
// and the yearRule to apply.
func dateParseRule(c *funcCall) (string, error) {
	span, f, ok := c.literalArg(1)
	if !ok {
		return "", c.notSupported("%s() with a format that is not a string literal is not supported", c.name)
	}
	conv, rule, err := mysqlToStrptime(f)
	if err != nil {
		return "", c.formatError(err)
	}
	c.edits.Replace(span, fmt.Sprintf("%s, %d", quoteString(conv), rule))
	return "weir_date_parse", nil
}

// formatDatetimeRule converts a literal format_datetime pattern to a
// strftime format when strftime can print it; other patterns are
// formatted in Go, row by row.
func formatDatetimeRule(c *funcCall) (string, error) {
	span, f, ok := c.literalArg(1)
	if !ok {
		return "weir_joda_format", nil
	}
	jp, err := compileJoda(f)
	if err != nil {
		return "", c.formatError(err)
	}
	conv, ok := jp.strftime()
	if !ok {
		return "weir_joda_format", nil
	}
	c.edits.Replace(span, quoteString(conv))
	return "strftime", nil
}

// parseDatetimeRule converts parse_datetime's pattern, which must be a
// literal, to a strptime format and the yearRule to apply.
func parseDatetimeRule(c *funcCall) (string, error) {
	span, f, ok := c.literalArg(1)
	if !ok {
		return "", c.notSupported("%s() with a pattern that is not a string literal is not supported", c.name)
	}
	conv, rule, err := jodaParseFormat(f)
	if err != nil {
		return "", c.formatError(err)
	}
	c.edits.Replace(span, fmt.Sprintf("%s, %d", quoteString(conv), rule))
	return "weir_parse_datetime", nil
}

// literalArg returns the span and value of argument i when it is written
// as a plain string literal ('...').
func (c *funcCall) literalArg(i int) (statement.Span, string, bool) {
	v, ok := c.constString(i)
	if !ok {
		return statement.Span{}, "", false
	}
	start := intOf(c.args[i]["query_location"])
	if start < 0 || start >= len(c.sql) || c.sql[start] != '\'' {
		return statement.Span{}, "", false
	}
	var b strings.Builder
	for j := start + 1; j < len(c.sql); j++ {
		if c.sql[j] != '\'' {
			b.WriteByte(c.sql[j])
			continue
		}
		if j+1 < len(c.sql) && c.sql[j+1] == '\'' {
			b.WriteByte('\'')
			j++
			continue
		}
		if b.String() != v {
			return statement.Span{}, "", false
		}
		return statement.Span{Start: start, End: j + 1}, v, true
	}
	return statement.Span{}, "", false
}

// formatError positions an error of a format converter ("CODE: message")
// at the call.
func (c *funcCall) formatError(err error) error {
	code, msg, ok := strings.Cut(err.Error(), ": ")
	if !ok || !isErrorCode(code) {
		code, msg = "INVALID_FUNCTION_ARGUMENT", err.Error()
	}
	return query.ErrorAt(code, c.offset, "%s", msg)
}

// timeUnits are the units of date_add, date_diff and date_trunc, and
// whether they are a day or longer (valid for DATE values).
var timeUnits = map[string]bool{
	"millisecond": false, "second": false, "minute": false, "hour": false,
	"day": true, "week": true, "month": true, "quarter": true, "year": true,
}

// unitArg returns the constant unit of a date_add, date_diff or
// date_trunc call, lower case, and whether it is a day or longer.
func unitArg(c *funcCall) (string, bool, error) {
	u, ok := c.constString(0)
	if !ok {
		return "", false, c.notSupported("%s() with a unit that is not a string literal is not supported", c.name)
	}
	u = strings.ToLower(u)
	long, ok := timeUnits[u]
	if !ok {
		return "", false, query.ErrorAt("INVALID_FUNCTION_ARGUMENT", c.offset, "'%s' is not a valid TIMESTAMP field", u)
	}
	return u, long, nil
}

// unitRule renames a call of nargs arguments whose first is a unit by
// whether the unit is a day or longer (long) or shorter (clock):
//
//   - date_add(unit, n, x): x + n units, keeping x's type;
//   - date_diff(unit, a, b): DuckDB's date_sub counts whole units elapsed
//     as Trino (Joda) does; units below a day refuse two DATEs, as Trino
//     does;
//   - date_trunc(unit, x): keeping x's type.
func unitRule(nargs int, long, clock string) funcRule {
	return func(c *funcCall) (string, error) {
		if c.nargs() != nargs {
			return "", nil
		}
		_, isLong, err := unitArg(c)
		if err != nil {
			return "", err
		}
		if isLong {
			return long, nil
		}
		return clock, nil
	}
}
