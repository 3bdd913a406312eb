package duckengine

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// Go functions of the array family: those whose result type is fixed but
// whose input may be an array or a map (which a DuckDB macro cannot tell
// apart), and those whose rules are easier to get exactly right in Go.

// arrayTypeInfo returns the DuckDB type info of a simple type.
func arrayTypeInfo(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(fmt.Sprintf("duckengine: type info %v: %v", t, err))
	}
	return ti
}

// arrayListInfo returns the DuckDB type info of a list of t.
func arrayListInfo(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewListInfo(arrayTypeInfo(t))
	if err != nil {
		panic(fmt.Sprintf("duckengine: list type info %v: %v", t, err))
	}
	return ti
}

// arrayCardinalityUDF is Trino's cardinality of an array or a map, as bigint.
// DuckDB's cardinality takes only maps and len only lists.
type arrayCardinalityUDF struct{}

// Config takes any value and returns a bigint.
func (arrayCardinalityUDF) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{arrayTypeInfo(duckdb.TYPE_ANY)},
		ResultTypeInfo: arrayTypeInfo(duckdb.TYPE_BIGINT),
	}
}

// Executor counts the elements or entries.
func (arrayCardinalityUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		switch v := values[0].(type) {
		case []any:
			return int64(len(v)), nil
		case duckdb.Map:
			return int64(len(v)), nil
		}
		return nil, errors.New("FUNCTION_NOT_FOUND: Unexpected parameters for function cardinality. Expected: cardinality(array(E)), cardinality(map(K,V))")
	}}
}

// arrayJavaStringUDF prints a double or real as Trino casts it to varchar
// (Java's Double.toString and Float.toString).
type arrayJavaStringUDF struct{}

// Config takes any value and returns a varchar.
func (arrayJavaStringUDF) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{arrayTypeInfo(duckdb.TYPE_ANY)},
		ResultTypeInfo: arrayTypeInfo(duckdb.TYPE_VARCHAR),
	}
}

// Executor formats the number.
func (arrayJavaStringUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		return arrayJavaString(values[0])
	}}
}

// arrayJavaString prints a float64 or float32 as Java does.
func arrayJavaString(v any) (string, error) {
	var s string
	var ok bool
	switch f := v.(type) {
	case float64:
		s, ok = query.FormatValue(f, catalog.Type{Kind: catalog.Double})
	case float32:
		s, ok = query.FormatValue(float64(f), catalog.Type{Kind: catalog.Float})
	default:
		return "", fmt.Errorf("GENERIC_INTERNAL_ERROR: weir_java_string of %T", v)
	}
	if !ok {
		return "", errors.New("GENERIC_INTERNAL_ERROR: weir_java_string of NULL")
	}
	return s, nil
}

// arrayJoinUDF joins the non-NULL strings of a list with a separator
// (array_join); with replace, NULLs become the third argument instead.
type arrayJoinUDF struct{ replace bool }

// Config takes varchar[], varchar and, with replace, a varchar.
func (u arrayJoinUDF) Config() duckdb.ScalarFuncConfig {
	in := []duckdb.TypeInfo{arrayListInfo(duckdb.TYPE_VARCHAR), arrayTypeInfo(duckdb.TYPE_VARCHAR)}
	if u.replace {
		in = append(in, arrayTypeInfo(duckdb.TYPE_VARCHAR))
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: arrayTypeInfo(duckdb.TYPE_VARCHAR)}
}

// Executor joins.
func (u arrayJoinUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		elems, _ := values[0].([]any)
		sep, _ := values[1].(string)
		var b strings.Builder
		first := true
		for _, e := range elems {
			s, ok := e.(string)
			if !ok {
				if !u.replace {
					continue
				}
				s, _ = values[2].(string)
			}
			if !first {
				b.WriteString(sep)
			}
			b.WriteString(s)
			first = false
		}
		return b.String(), nil
	}}
}

// arraySequenceUDF is one overload of Trino's sequence.
type arraySequenceUDF struct {
	in  []duckdb.Type
	out duckdb.Type
}

// arraySequenceUDFs are the overloads Trino has: bigint with an optional bigint
// step, date with an optional interval step, and timestamp with an
// interval step. Timestamps with a time zone are refused rather than
// converted.
func arraySequenceUDFs() []duckdb.ScalarFunc {
	return []duckdb.ScalarFunc{
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT}, out: duckdb.TYPE_BIGINT},
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT, duckdb.TYPE_BIGINT}, out: duckdb.TYPE_BIGINT},
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_DATE, duckdb.TYPE_DATE}, out: duckdb.TYPE_DATE},
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_DATE, duckdb.TYPE_DATE, duckdb.TYPE_INTERVAL}, out: duckdb.TYPE_DATE},
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP, duckdb.TYPE_INTERVAL}, out: duckdb.TYPE_TIMESTAMP},
		arraySequenceUDF{in: []duckdb.Type{duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_TIMESTAMP_TZ, duckdb.TYPE_INTERVAL}, out: duckdb.TYPE_TIMESTAMP_TZ},
	}
}

// Config declares the overload.
func (u arraySequenceUDF) Config() duckdb.ScalarFuncConfig {
	in := make([]duckdb.TypeInfo, len(u.in))
	for i, t := range u.in {
		in[i] = arrayTypeInfo(t)
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: arrayListInfo(u.out)}
}

// Executor builds the sequence.
func (u arraySequenceUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		switch u.out {
		case duckdb.TYPE_BIGINT:
			start, _ := values[0].(int64)
			stop, _ := values[1].(int64)
			step := int64(1)
			if stop < start {
				step = -1
			}
			if len(values) == 3 {
				step, _ = values[2].(int64)
			}
			n, err := arraySequenceLength(start, stop, step)
			if err != nil {
				return nil, err
			}
			out := make([]any, n)
			for i := range out {
				out[i] = start + int64(i)*step
			}
			return out, nil
		case duckdb.TYPE_DATE:
			start, _ := values[0].(time.Time)
			stop, _ := values[1].(time.Time)
			if len(values) == 2 {
				step := int64(1)
				if stop.Before(start) {
					step = -1
				}
				return arrayDateSequence(start, stop, step)
			}
			iv, _ := values[2].(duckdb.Interval)
			if iv.Months != 0 {
				if iv.Days != 0 || iv.Micros != 0 {
					return nil, errors.New("NOT_SUPPORTED: sequence() step mixes months with days or time")
				}
				return arrayMonthSequence(start, stop, int64(iv.Months))
			}
			ms := int64(iv.Days)*86_400_000 + iv.Micros/1000
			if ms%86_400_000 != 0 || iv.Micros%1000 != 0 {
				return nil, errors.New("INVALID_FUNCTION_ARGUMENT: sequence step must be a day interval if start and end values are dates")
			}
			return arrayDateSequence(start, stop, ms/86_400_000)
		case duckdb.TYPE_TIMESTAMP:
			start, _ := values[0].(time.Time)
			stop, _ := values[1].(time.Time)
			iv, _ := values[2].(duckdb.Interval)
			if iv.Months != 0 {
				if iv.Days != 0 || iv.Micros != 0 {
					return nil, errors.New("NOT_SUPPORTED: sequence() step mixes months with days or time")
				}
				return arrayMonthSequence(start, stop, int64(iv.Months))
			}
			step := int64(iv.Days)*86_400_000_000 + iv.Micros
			a, b := start.UnixMicro(), stop.UnixMicro()
			n, err := arraySequenceLength(a, b, step)
			if err != nil {
				return nil, err
			}
			out := make([]any, n)
			for i := range out {
				out[i] = time.UnixMicro(a + int64(i)*step).UTC()
			}
			return out, nil
		}
		return nil, errors.New("NOT_SUPPORTED: sequence() of timestamps with a time zone is not supported; cast them to timestamp")
	}}
}

// arrayMaxSequence is the most entries sequence returns.
const arrayMaxSequence = 10_000

// arraySequenceLength checks a sequence's arguments as Trino does and returns
// its length.
func arraySequenceLength(start, stop, step int64) (int, error) {
	if step == 0 {
		return 0, errors.New("INVALID_FUNCTION_ARGUMENT: step must not be zero")
	}
	if step > 0 && stop < start || step < 0 && stop > start {
		return 0, errors.New("INVALID_FUNCTION_ARGUMENT: sequence stop value should be greater than or equal to start value if step is greater than zero otherwise stop should be less than or equal to start")
	}
	// (stop - start) / step + 1, without overflowing.
	var n uint64
	if step > 0 {
		n = (uint64(stop) - uint64(start)) / uint64(step)
	} else {
		n = (uint64(start) - uint64(stop)) / uint64(-step)
	}
	if n >= arrayMaxSequence {
		return 0, errors.New("INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more than 10000 entries")
	}
	return int(n) + 1, nil
}

// arrayEpochDay returns the day number of a DuckDB date.
func arrayEpochDay(t time.Time) int64 {
	return arrayCivilDay(t.Year(), t.Month(), t.Day())
}

// arrayCivilDay is the number of days from 1970-01-01 to the given date.
func arrayCivilDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// arrayDateSequence is a sequence of dates step days apart.
func arrayDateSequence(start, stop time.Time, step int64) ([]any, error) {
	a, b := arrayEpochDay(start), arrayEpochDay(stop)
	n, err := arraySequenceLength(a, b, step)
	if err != nil {
		return nil, err
	}
	out := make([]any, n)
	for i := range out {
		out[i] = time.Unix((a+int64(i)*step)*86400, 0).UTC()
	}
	return out, nil
}

// arrayMonthSequence is a sequence of dates or timestamps step months apart,
// each counted from start (so the 31st stays the 31st where it exists),
// ending at or before stop as Trino's month difference has it.
func arrayMonthSequence(start, stop time.Time, step int64) ([]any, error) {
	if step == 0 {
		return nil, errors.New("INVALID_FUNCTION_ARGUMENT: step must not be zero")
	}
	if step > 0 && stop.Before(start) || step < 0 && stop.After(start) {
		_, err := arraySequenceLength(0, -step, step) // the direction error
		return nil, err
	}
	n := arrayMonthsBetween(start, stop)/step + 1
	if n > arrayMaxSequence {
		return nil, errors.New("INVALID_FUNCTION_ARGUMENT: result of sequence function must not have more than 10000 entries")
	}
	out := make([]any, n)
	for i := range out {
		out[i] = arrayPlusMonths(start, int64(i)*step)
	}
	return out, nil
}

// arrayPlusMonths adds months to t, keeping the day of the month unless the
// month is shorter (then its last day), as Java and Joda do.
func arrayPlusMonths(t time.Time, months int64) time.Time {
	total := int64(t.Year())*12 + int64(t.Month()) - 1 + months
	y, m := total/12, time.Month(total%12+1)
	if total%12 < 0 {
		y, m = (total-11)/12, time.Month(total%12+13)
	}
	d := t.Day()
	if last := arrayMonthDays(int(y), m); d > last {
		d = last
	}
	return time.Date(int(y), m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// arrayMonthDays is the number of days of a month.
func arrayMonthDays(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// arrayMonthsBetween is Joda's month difference (Trino's date_diff('month')):
// whole months from a to b, where the last day of a shorter month counts
// as a whole month from a later day.
func arrayMonthsBetween(a, b time.Time) int64 {
	if b.Before(a) {
		return -arrayMonthsBetween(b, a)
	}
	diff := int64(b.Year()-a.Year())*12 + int64(b.Month()) - int64(a.Month())
	// The remainder of each within its month.
	aDay := a.Day()
	if b.Day() == arrayMonthDays(b.Year(), b.Month()) && aDay > b.Day() {
		aDay = b.Day()
	}
	remA := time.Duration(aDay-1)*24*time.Hour + a.Sub(time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC))
	remB := time.Duration(b.Day()-1)*24*time.Hour + b.Sub(time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC))
	if remB < remA {
		diff--
	}
	return diff
}

// unnestCheckUDF checks, while DuckDB plans a rewritten UNNEST, that the
// rewrite gives Trino's columns (see trino_unnest.go). Its arguments are
// constants, so DuckDB evaluates it once, at planning.
type unnestCheckUDF struct{}

// Config takes the alias, the number of column aliases (0 for none),
// whether WITH ORDINALITY is given, the depth the rewrite unnests to, and
// the DuckDB types of the arguments.
func (unnestCheckUDF) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{
			arrayTypeInfo(duckdb.TYPE_VARCHAR), arrayTypeInfo(duckdb.TYPE_BIGINT),
			arrayTypeInfo(duckdb.TYPE_BOOLEAN), arrayTypeInfo(duckdb.TYPE_BIGINT),
		},
		VariadicTypeInfo: arrayTypeInfo(duckdb.TYPE_VARCHAR),
		ResultTypeInfo:   arrayTypeInfo(duckdb.TYPE_BOOLEAN),
	}
}

// Executor checks.
func (unnestCheckUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		alias, _ := values[0].(string)
		aliases, _ := values[1].(int64)
		ordinality, _ := values[2].(bool)
		depth, _ := values[3].(int64)
		types := make([]string, 0, len(values)-4)
		for _, v := range values[4:] {
			s, _ := v.(string)
			types = append(types, s)
		}
		if err := unnestCheck(alias, int(aliases), ordinality, int(depth), types); err != nil {
			return nil, err
		}
		return true, nil
	}}
}

// unnestCheck returns Trino's error for an UNNEST whose arguments have
// the given DuckDB types, or NOT_SUPPORTED where unnesting them to depth
// (1: elements; 2: the fields of row elements too) does not give Trino's
// columns.
func unnestCheck(alias string, aliases int, ordinality bool, depth int, types []string) error {
	cols := 0
	var unsupported error
	for _, ts := range types {
		t, err := parseDuckType(ts)
		if err != nil {
			return fmt.Errorf("NOT_SUPPORTED: UNNEST of a value of DuckDB type %s is not supported", ts)
		}
		switch t.Kind {
		case catalog.Array:
			elem := *t.Elem
			switch {
			case elem.Kind == catalog.Struct:
				cols += len(elem.Fields)
				if depth < 2 && unsupported == nil {
					unsupported = fmt.Errorf("NOT_SUPPORTED: UNNEST of %s with one column alias per array is not supported when a row has a single field; name the field: UNNEST(...) AS t(%s)", t.TrinoName(), elem.Fields[0].Name)
				}
			case elem.Kind == catalog.Array && depth >= 2 && unsupported == nil:
				cols++
				unsupported = fmt.Errorf("NOT_SUPPORTED: UNNEST of %s is supported only with one column alias per array argument", t.TrinoName())
			default:
				cols++
			}
		case catalog.Map:
			cols += 2
		case catalog.Unknown:
			return errors.New("TYPE_MISMATCH: Cannot unnest type: unknown")
		default:
			return fmt.Errorf("TYPE_MISMATCH: Cannot unnest type: %s", t.TrinoName())
		}
	}
	if ordinality {
		cols++
	}
	if aliases > 0 && aliases != cols {
		return fmt.Errorf("MISMATCHED_COLUMN_ALIASES: Column alias list has %d entries but '%s' has %d columns available", aliases, alias, cols)
	}
	return unsupported
}
