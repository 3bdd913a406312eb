package duckengine

import (
	"database/sql/driver"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// from_iso8601_timestamp and from_iso8601_date read ISO 8601 text with
// Joda-Time's ISODateTimeFormat.dateTimeParser and dateElementParser:
//
//	datetime          = time | date-opt-time
//	time              = 'T' time-element [offset]
//	date-opt-time     = date-element ['T' [time-element] [offset]]
//	date-element      = std-date-element | ord-date-element | week-date-element
//	std-date-element  = yyyy ['-' MM ['-' dd]]
//	ord-date-element  = yyyy ['-' DDD]
//	week-date-element = xxxx '-W' ww ['-' e]
//	time-element      = HH [minute-element] | [fraction]
//	minute-element    = ':' mm [second-element] | [fraction]
//	second-element    = ':' ss [fraction]
//	fraction          = ('.' | ',') digit+
//	offset            = 'Z' | (('+' | '-') HH [':' mm [':' ss [('.' | ',') SSS]]])
//
// DuckDB's casts read other forms (a space for the T, no week or ordinal
// dates), so weir parses the text itself.

// isoParser reads one ISO 8601 text.
type isoParser struct {
	s   string
	pos int
}

// isoError is Joda's message for text it cannot read.
func (p *isoParser) isoError() error {
	if p.pos >= len(p.s) {
		return fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid format: %q is too short", p.s)
	}
	return fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid format: %q is malformed at %q", p.s, p.s[p.pos:])
}

// digits reads 1 to max digits; ok is false when there are none.
func (p *isoParser) digits(max int) (v, n int, ok bool) {
	for n < max && p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		v = v*10 + int(p.s[p.pos]-'0')
		p.pos++
		n++
	}
	return v, n, n > 0
}

// lit reads the byte c if it is next; letters match either case, as
// Joda's literals do.
func (p *isoParser) lit(c byte) bool {
	if p.pos < len(p.s) && (p.s[p.pos] == c || c >= 'A' && c <= 'Z' && p.s[p.pos] == c+'a'-'A') {
		p.pos++
		return true
	}
	return false
}

// fraction reads ('.' | ',') digit+ as nanoseconds of unit; ok is false
// when there is no fraction.
func (p *isoParser) fraction(unit time.Duration) (time.Duration, bool, error) {
	if p.pos >= len(p.s) || p.s[p.pos] != '.' && p.s[p.pos] != ',' {
		return 0, false, nil
	}
	p.pos++
	start := p.pos
	num, den := int64(0), int64(1)
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		if den < 1e18/10 {
			num = num*10 + int64(p.s[p.pos]-'0')
			den *= 10
		}
		p.pos++
	}
	if p.pos == start {
		return 0, false, p.isoError()
	}
	// Joda keeps milliseconds, truncating.
	ms := num * int64(unit/time.Millisecond) / den
	return time.Duration(ms) * time.Millisecond, true, nil
}

// date reads a date element: the longest of the standard, ordinal and
// week forms, the standard one on a tie, as Joda's MatchingParser does.
func (p *isoParser) date() (time.Time, error) {
	start := p.pos
	neg := p.lit('-')
	if !neg {
		p.lit('+')
	}
	year, _, ok := p.digits(9)
	if !ok {
		return time.Time{}, p.isoError()
	}
	if neg {
		year = -year
	}
	if year < 0 || year > 9999 {
		p.pos = start
		return time.Time{}, fmt.Errorf("NOT_SUPPORTED: year %d is outside 0000..9999", year)
	}
	afterYear := p.pos
	if p.lit('-') && p.lit('W') {
		week, _, ok := p.digits(2)
		if !ok {
			return time.Time{}, p.isoError()
		}
		day := 1
		if p.lit('-') {
			if day, _, ok = p.digits(1); !ok {
				return time.Time{}, p.isoError()
			}
		}
		if week < 1 || week > isoWeeksIn(year) || day < 1 || day > 7 {
			return time.Time{}, fieldError(p.s, "week date")
		}
		// Monday of ISO week 1 is the Monday on or before 4 January.
		jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
		monday := jan4.AddDate(0, 0, 1-isoWeekday(jan4))
		return monday.AddDate(0, 0, (week-1)*7+day-1), nil
	}
	// Standard form.
	p.pos = afterYear
	month, day := 1, 1
	if p.lit('-') {
		if month, _, ok = p.digits(2); !ok {
			return time.Time{}, p.isoError()
		}
		if p.lit('-') {
			if day, _, ok = p.digits(2); !ok {
				return time.Time{}, p.isoError()
			}
		}
	}
	stdEnd := p.pos
	// Ordinal form.
	p.pos = afterYear
	ordinal, ordEnd := 0, -1
	if p.lit('-') {
		if v, _, ok := p.digits(3); ok {
			ordinal, ordEnd = v, p.pos
		}
	}
	if ordEnd > stdEnd {
		p.pos = ordEnd
		if ordinal < 1 || ordinal > daysIn(year) {
			return time.Time{}, fieldError(p.s, "day of year")
		}
		return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, ordinal-1), nil
	}
	p.pos = stdEnd
	if month < 1 || month > 12 {
		return time.Time{}, fieldError(p.s, "month of year")
	}
	if day < 1 || day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, fieldError(p.s, "day of month")
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), nil
}

// clock reads a time element: HH [':' mm [':' ss]] with a fraction of the
// last field.
func (p *isoParser) clock() (time.Duration, error) {
	h, _, ok := p.digits(2)
	if !ok {
		return 0, p.isoError()
	}
	if h > 23 {
		return 0, fieldError(p.s, "hour of day")
	}
	d := time.Duration(h) * time.Hour
	if f, ok, err := p.fraction(time.Hour); err != nil || ok {
		return d + f, err
	}
	if !p.lit(':') {
		return d, nil
	}
	m, _, ok := p.digits(2)
	if !ok {
		return 0, p.isoError()
	}
	if m > 59 {
		return 0, fieldError(p.s, "minute of hour")
	}
	d += time.Duration(m) * time.Minute
	if f, ok, err := p.fraction(time.Minute); err != nil || ok {
		return d + f, err
	}
	if !p.lit(':') {
		return d, nil
	}
	s, _, ok := p.digits(2)
	if !ok {
		return 0, p.isoError()
	}
	if s > 59 {
		return 0, fieldError(p.s, "second of minute")
	}
	d += time.Duration(s) * time.Second
	f, _, err := p.fraction(time.Second)
	return d + f, err
}

// offset reads 'Z' or a signed HH[:mm[:ss[.SSS]]] offset (separators
// optional, as Joda reads them), if there is one.
func (p *isoParser) offset() (time.Duration, error) {
	if p.lit('Z') {
		return 0, nil
	}
	sign := time.Duration(1)
	switch {
	case p.lit('+'):
	case p.lit('-'):
		sign = -1
	default:
		return 0, nil
	}
	h, n, ok := p.digits(2)
	if !ok || n != 2 || h > 23 {
		return 0, p.isoError()
	}
	d := time.Duration(h) * time.Hour
	sep := p.lit(':')
	if m, n, ok := p.digits(2); ok {
		if n != 2 || m > 59 {
			return 0, p.isoError()
		}
		d += time.Duration(m) * time.Minute
		if !sep || p.lit(':') {
			if s, n, ok := p.digits(2); ok {
				if n != 2 || s > 59 {
					return 0, p.isoError()
				}
				d += time.Duration(s) * time.Second
				if p.lit('.') || p.lit(',') {
					ms, _, ok := p.digits(3)
					if !ok {
						return 0, p.isoError()
					}
					d += time.Duration(ms) * time.Millisecond
				}
			}
		}
	} else if sep {
		return 0, p.isoError()
	}
	return sign * d, nil
}

// parseISOTimestamp reads text as from_iso8601_timestamp does, into an
// instant (a text without offset is in UTC, the session zone).
func parseISOTimestamp(s string) (time.Time, error) {
	p := &isoParser{s: s}
	var day time.Time
	var clock, off time.Duration
	var err error
	if p.lit('T') {
		day = time.Unix(0, 0).UTC()
		if clock, err = p.clock(); err != nil {
			return time.Time{}, err
		}
		if off, err = p.offset(); err != nil {
			return time.Time{}, err
		}
	} else {
		if day, err = p.date(); err != nil {
			return time.Time{}, err
		}
		if p.lit('T') {
			if p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
				if clock, err = p.clock(); err != nil {
					return time.Time{}, err
				}
			}
			if off, err = p.offset(); err != nil {
				return time.Time{}, err
			}
		}
	}
	if p.pos != len(s) {
		return time.Time{}, p.isoError()
	}
	return day.Add(clock - off), nil
}

// parseISODate reads text as from_iso8601_date does: a date element only.
func parseISODate(s string) (time.Time, error) {
	p := &isoParser{s: s}
	day, err := p.date()
	if err != nil {
		return time.Time{}, err
	}
	if p.pos != len(s) {
		return time.Time{}, p.isoError()
	}
	return day, nil
}

// fieldError is Joda's complaint about a field out of its range.
func fieldError(s, field string) error {
	return fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Cannot parse %q: Value out of range for %s", s, field)
}

// daysIn is the number of days of a year.
func daysIn(year int) int {
	return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
}

// isoWeeksIn is the number of ISO weeks of a year: 53 when 28 December
// falls in week 53.
func isoWeeksIn(year int) int {
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// isoTimestampUDF is weir_from_iso8601_timestamp(text).
type isoTimestampUDF struct{}

// Config takes VARCHAR and returns TIMESTAMPTZ.
func (isoTimestampUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_VARCHAR)
}

// Executor parses one value.
func (isoTimestampUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		return parseISOTimestamp(v[0].(string))
	}}
}

// isoDateUDF is weir_from_iso8601_date(text).
type isoDateUDF struct{}

// Config takes VARCHAR and returns DATE.
func (isoDateUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_DATE, duckdb.TYPE_VARCHAR)
}

// Executor parses one value.
func (isoDateUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		return parseISODate(v[0].(string))
	}}
}
