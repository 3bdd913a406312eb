package duckengine

import (
	"database/sql/driver"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// human_readable_seconds and parse_duration, after Trino's implementations
// (parse_duration reads Airlift's Duration syntax).

// humanSeconds spells a number of seconds as Trino's
// human_readable_seconds does: rounded to whole seconds, in weeks, days,
// hours, minutes and seconds, leaving out zero units.
func humanSeconds(sec float64) (string, error) {
	switch {
	case math.IsNaN(sec):
		return "", fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid argument found: NaN")
	case math.IsInf(sec, 0):
		return "", fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid argument found: Infinity")
	case sec < 0:
		return "", fmt.Errorf("NOT_SUPPORTED: human_readable_seconds of a negative number is not supported")
	case sec >= 1<<62:
		return "", fmt.Errorf("NOT_SUPPORTED: human_readable_seconds of %g is not supported", sec)
	}
	n := int64(math.Floor(sec + 0.5)) // Java's Math.round
	units := []struct {
		name string
		size int64
	}{{"week", 604800}, {"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}}
	var parts []string
	for _, u := range units {
		v := n / u.size
		n %= u.size
		if v == 0 {
			continue
		}
		s := strconv.FormatInt(v, 10) + " " + u.name
		if v != 1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "0 seconds", nil
	}
	return strings.Join(parts, ", "), nil
}

// durationSyntax is Airlift's Duration syntax.
var durationSyntax = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$`)

// durationUnits are Airlift's units, in nanoseconds.
var durationUnits = map[string]float64{
	"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9, "d": 86400e9,
}

// parseDuration reads a duration such as "3.5 h" into milliseconds,
// rounded as Airlift's Duration.toMillis does.
func parseDuration(s string) (int64, error) {
	m := durationSyntax.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: %s", s)
	}
	unit, ok := durationUnits[m[2]]
	if !ok {
		return 0, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Unknown time unit: %s", m[2])
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: %s", s)
	}
	ms := math.Floor(v*(unit/1e6) + 0.5)
	if ms > math.MaxInt64/1000 {
		return 0, fmt.Errorf("NUMERIC_VALUE_OUT_OF_RANGE: duration %s is too large", s)
	}
	return int64(ms), nil
}

// humanSecondsUDF is weir_human_readable_seconds(double).
type humanSecondsUDF struct{}

// Config takes DOUBLE and returns VARCHAR.
func (humanSecondsUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_VARCHAR, duckdb.TYPE_DOUBLE)
}

// Executor spells one value.
func (humanSecondsUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		return humanSeconds(v[0].(float64))
	}}
}

// parseDurationUDF is weir_parse_duration(varchar).
type parseDurationUDF struct{}

// Config takes VARCHAR and returns INTERVAL.
func (parseDurationUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_INTERVAL, duckdb.TYPE_VARCHAR)
}

// Executor reads one value.
func (parseDurationUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		ms, err := parseDuration(v[0].(string))
		if err != nil {
			return nil, err
		}
		return duckdb.Interval{Days: int32(ms / 86400000), Micros: ms % 86400000 * 1000}, nil
	}}
}
