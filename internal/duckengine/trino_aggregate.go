package duckengine

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Aggregate functions of Trino.
//
// Most Trino aggregates are DuckDB's under the same or another name. Where
// the result differs (the type of sum and avg, count_if over no rows,
// max_by keeping NULL values, map_agg's duplicate keys) the call becomes a
// macro over DuckDB's aggregates. A macro cannot take DISTINCT, FILTER or
// ORDER BY, so with those modifiers a call keeps DuckDB's aggregate where
// that gives Trino's answer and is refused where it would not.
var aggregateFunctions = functionSet{
	rules: map[string]funcRule{
		"every":     rename("bool_and"),
		"arbitrary": rename("any_value"),
		// sum of integers is bigint in Trino and fails on overflow; of
		// real is real. DuckDB's sum gives HUGEINT and DOUBLE.
		"sum": aggMacro("weir_sum", 1, "sum"),
		// avg of decimal(p, s) is decimal in Trino (DuckDB: DOUBLE).
		"avg":      aggMacro("weir_avg", 1, "avg"),
		"count_if": aggMacro("weir_count_if", 1, ""),
		"approx_distinct": func(c *funcCall) (string, error) {
			switch c.nargs() {
			case 1:
				return "approx_count_distinct", nil
			case 2:
				return aggMacro("weir_approx_distinct", 2, "")(c)
			}
			return "", c.notSupported("approx_distinct() takes 1 or 2 arguments")
		},
		"approx_percentile": func(c *funcCall) (string, error) {
			if c.nargs() != 2 {
				return "", c.notSupported("approx_percentile() with a weight is not supported; only approx_percentile(x, percentage) and approx_percentile(x, ARRAY[percentages])")
			}
			return aggMacro("weir_approx_percentile", 2, "")(c)
		},
		"max_by": aggBy("max_by", "arg_max_null"),
		"min_by": aggBy("min_by", "arg_min_null"),
		// bitwise_*_agg are bigint in Trino; DuckDB keeps the input type.
		"bitwise_and_agg": aggMacro("weir_bitwise_and_agg", 1, "bit_and"),
		"bitwise_or_agg":  aggMacro("weir_bitwise_or_agg", 1, "bit_or"),
		"bitwise_xor_agg": aggMacro("weir_bitwise_xor_agg", 1, "bit_xor"),
		// corr divides by the two standard deviations one after the other
		// (DuckDB by their product: 0.9999999999999998 for 1.0) and is
		// NULL where not finite (DuckDB: NaN for one row).
		"corr":         aggMacro("weir_corr", 2, "corr"),
		"map_agg":      aggMacro("weir_map_agg", 2, ""),
		"multimap_agg": aggMacro("weir_multimap_agg", 2, ""),
		"map_union":    aggMacro("weir_map_union", 1, ""),
		"listagg": func(c *funcCall) (string, error) {
			if c.nargs() != 2 {
				return "", c.notSupported("listagg() without a separator is not supported (Trino's default separator is '', DuckDB's ','); write listagg(x, '')")
			}
			return "", nil
		},
		// DuckDB's skewness is corrected for sample size; Trino's is not.
		"skewness":             unsupported("weir does not compute Trino's (uncorrected) skewness yet"),
		"approx_most_frequent": unsupported("weir has no stream-summary aggregate"),
		"approx_set":           unsupported("weir has no HyperLogLog type"),
		"merge":                unsupported("weir has no HyperLogLog, qdigest or tdigest type"),
		"qdigest_agg":          unsupported("weir has no qdigest type"),
		"tdigest_agg":          unsupported("weir has no tdigest type"),
		"numeric_histogram":    unsupported("weir has no numeric_histogram"),
		"checksum":             unsupported("weir cannot compute Trino's checksum (xxhash64 of Trino's value encoding)"),
		"reduce_agg":           unsupported("weir has no lambda aggregates"),
		"set_agg":              unsupported("set_agg is Presto's, not Trino's; use array_agg(DISTINCT x)"),
		"set_union":            unsupported("set_union is Presto's, not Trino's; use array_distinct(flatten(array_agg(x)))"),
	},
	macros: []string{
		// sum: DuckDB's sum, checked: a bigint sum past 64 bits fails (the
		// HUGEINT result is read as bigint), sum(boolean) is no Trino
		// function, and sum(real) would be a double.
		`CREATE OR REPLACE MACRO weir_sum(x) AS CASE WHEN weir_sum_check(sum(x), any_value(x)) THEN sum(x) END`,
		// avg: the result gets the type of its first element,
		// greatest(x, weir_avg_type(x)): double for integers, real for real,
		// decimal(p, s) for decimal(p, s); weir_avg_text computes the value
		// as text that casts exactly to that type.
		`CREATE OR REPLACE MACRO weir_avg(x) AS list_reduce([greatest(any_value(x), weir_avg_type(any_value(x))), NULL], (a, b) -> weir_avg_text(avg(x), CAST(sum(x) AS VARCHAR), count(x), any_value(x)))`,
		// count_if is count(CASE WHEN x THEN 1 END) in Trino: 0 for no rows.
		`CREATE OR REPLACE MACRO weir_count_if(x) AS count(CASE WHEN x THEN 1 END)`,
		// The error bound only checks the argument as Trino does; DuckDB's
		// HyperLogLog has one precision.
		`CREATE OR REPLACE MACRO weir_approx_distinct(x, e) AS CASE
			WHEN min(e) IS DISTINCT FROM max(e) THEN error('INVALID_FUNCTION_ARGUMENT: max standard error must be constant')
			WHEN min(e) < 0.0040625 OR min(e) > 0.26 THEN error('INVALID_FUNCTION_ARGUMENT: Max standard error must be in [0.0040625, 0.26000]: ' || min(e))
			ELSE approx_count_distinct(x) END`,
		`CREATE OR REPLACE MACRO weir_approx_percentile(x, p) AS weir_percentile_result(approx_quantile(x, p), any_value(x))`,
		// max_by(x, y, n): the x of the n largest y, NULL x kept, NULL y
		// skipped, in descending order of y.
		`CREATE OR REPLACE MACRO weir_max_by(x, y, n) AS CASE
			WHEN min(n) <= 0 THEN error('INVALID_FUNCTION_ARGUMENT: third argument of max_by/min_by must be a positive integer')
			WHEN min(n) > 10000 THEN error('INVALID_FUNCTION_ARGUMENT: third argument of max_by/min_by must be less than or equal to 10000; found ' || min(n))
			ELSE list_transform(list_slice(list_sort(list({'k': y, 'v': x}) FILTER (WHERE y IS NOT NULL), 'DESC'), 1, min(n)), e -> e.v) END`,
		`CREATE OR REPLACE MACRO weir_min_by(x, y, n) AS CASE
			WHEN min(n) <= 0 THEN error('INVALID_FUNCTION_ARGUMENT: third argument of max_by/min_by must be a positive integer')
			WHEN min(n) > 10000 THEN error('INVALID_FUNCTION_ARGUMENT: third argument of max_by/min_by must be less than or equal to 10000; found ' || min(n))
			ELSE list_transform(list_slice(list_sort(list({'k': y, 'v': x}) FILTER (WHERE y IS NOT NULL), 'ASC'), 1, min(n)), e -> e.v) END`,
		`CREATE OR REPLACE MACRO weir_corr(y, x) AS CASE WHEN isfinite(regr_sxy(y, x) / sqrt(regr_sxx(y, x)) / sqrt(regr_syy(y, x))) THEN regr_sxy(y, x) / sqrt(regr_sxx(y, x)) / sqrt(regr_syy(y, x)) END`,
		`CREATE OR REPLACE MACRO weir_bitwise_and_agg(x) AS bit_and(CAST(x AS BIGINT))`,
		`CREATE OR REPLACE MACRO weir_bitwise_or_agg(x) AS bit_or(CAST(x AS BIGINT))`,
		`CREATE OR REPLACE MACRO weir_bitwise_xor_agg(x) AS bit_xor(CAST(x AS BIGINT))`,
		// Helpers over lists of {key, value} entries.
		`CREATE OR REPLACE MACRO weir_first_entries(l) AS map_from_entries(list_filter(l, (e, i) -> list_position(list_transform(l, f -> f.key), e.key) = i))`,
		`CREATE OR REPLACE MACRO weir_group_entries(l) AS map_from_entries(list_transform(list_distinct(list_transform(l, e -> e.key)), k -> {'key': k, 'value': list_transform(list_filter(l, e -> e.key = k), e -> e.value)}))`,
		// map_agg: NULL keys skipped, the first value of a repeated key kept.
		`CREATE OR REPLACE MACRO weir_map_agg(k, v) AS weir_first_entries(list({'key': k, 'value': v}) FILTER (WHERE k IS NOT NULL))`,
		// multimap_agg: every key with the list of its values.
		`CREATE OR REPLACE MACRO weir_multimap_agg(k, v) AS weir_group_entries(list({'key': k, 'value': v}) FILTER (WHERE k IS NOT NULL))`,
		// map_union: the union of maps; a repeated key keeps one value.
		`CREATE OR REPLACE MACRO weir_map_union(m) AS weir_first_entries(flatten(list(map_entries(m))))`,
	},
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_sum_check":         {&aggUDF{in: []duckdb.TypeInfo{aggType(duckdb.TYPE_ANY), aggType(duckdb.TYPE_ANY)}, out: aggType(duckdb.TYPE_BOOLEAN), fn: aggSumCheck}},
		"weir_avg_type":          aggAvgTypes(),
		"weir_avg_text":          {&aggUDF{in: []duckdb.TypeInfo{aggType(duckdb.TYPE_DOUBLE), aggType(duckdb.TYPE_VARCHAR), aggType(duckdb.TYPE_BIGINT), aggType(duckdb.TYPE_ANY)}, out: aggType(duckdb.TYPE_VARCHAR), fn: aggAvgText}},
		"weir_percentile_result": aggPercentileResults(),
	},
}

// aggMacro renames a call with n arguments to the macro name when it has
// no DISTINCT, FILTER or ORDER BY, and otherwise to native (a DuckDB
// aggregate that gives Trino's answer with those modifiers), or refuses
// it when native is "".
func aggMacro(name string, n int, native string) funcRule {
	return func(c *funcCall) (string, error) {
		if c.nargs() != n {
			if native != "" {
				return native, nil // DuckDB reports the arity
			}
			return "", c.notSupported("%s() takes %d argument(s)", c.name, n)
		}
		orderBy, filter := aggModifiers(c)
		if !c.distinct && !orderBy && !filter {
			return name, nil
		}
		if native == "" {
			return "", c.notSupported("%s() with DISTINCT, FILTER or ORDER BY is not supported", c.name)
		}
		return native, nil
	}
}

// aggBy is max_by/min_by: DuckDB's arg_max_null/arg_min_null for two
// arguments (they keep a NULL x, like Trino), a macro for three (DuckDB's
// three-argument form drops NULL x).
func aggBy(trino, native string) funcRule {
	return func(c *funcCall) (string, error) {
		switch c.nargs() {
		case 2:
			return native, nil
		case 3:
			return aggMacro("weir_"+trino, 3, "")(c)
		}
		return "", c.notSupported("%s() takes 2 or 3 arguments", trino)
	}
}

// aggModifiers reads from the query text whether a call has ORDER BY
// inside its parentheses or FILTER after them; DuckDB's syntax tree for a
// FUNCTION node has them, but rules see only the arguments.
func aggModifiers(c *funcCall) (orderBy, filter bool) {
	s := c.sql
	i := sqlSkipSpace(s, scanIdentifier(s, c.offset))
	if i >= len(s) || s[i] != '(' {
		return false, false
	}
	i++
	depth := 1
	for i < len(s) && depth > 0 {
		switch ch := s[i]; {
		case ch == '\'':
			i = sqlSkipQuoted(s, i, '\'')
		case ch == '"':
			i = sqlSkipQuoted(s, i, '"')
		case ch == '-' && strings.HasPrefix(s[i:], "--"), ch == '/' && strings.HasPrefix(s[i:], "/*"):
			i = sqlSkipSpace(s, i)
		case ch == '(':
			depth++
			i++
		case ch == ')':
			depth--
			i++
		case isIdentStart(ch):
			end := scanIdentifier(s, i)
			if depth == 1 && strings.EqualFold(s[i:end], "order") {
				j := sqlSkipSpace(s, end)
				if k := scanIdentifier(s, j); k > j && strings.EqualFold(s[j:k], "by") {
					orderBy = true
				}
			}
			i = end
		default:
			i++
		}
	}
	j := sqlSkipSpace(s, i)
	k := scanIdentifier(s, j)
	return orderBy, k > j && strings.EqualFold(s[j:k], "filter")
}

// sqlSkipQuoted returns the offset after the quoted string or identifier
// starting at i (a doubled quote is part of it).
func sqlSkipQuoted(s string, i int, q byte) int {
	for i++; i < len(s); i++ {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return i
}

// sqlSkipSpace skips white space and comments.
func sqlSkipSpace(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return len(s)
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

// aggUDF is a Go scalar function that finishes an aggregate's result.
type aggUDF struct {
	in  []duckdb.TypeInfo
	out duckdb.TypeInfo
	fn  func(args []driver.Value) (any, error)
}

// Config declares the function's types; NULL arguments give NULL.
func (u *aggUDF) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{InputTypeInfos: u.in, ResultTypeInfo: u.out}
}

// Executor runs the function row by row.
func (u *aggUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: u.fn}
}

func aggType(t duckdb.Type) duckdb.TypeInfo {
	ti, err := duckdb.NewTypeInfo(t)
	if err != nil {
		panic(err) // only for types that need parameters
	}
	return ti
}

func aggDecimal(width, scale int) duckdb.TypeInfo {
	ti, err := duckdb.NewDecimalInfo(uint8(width), uint8(scale))
	if err != nil {
		panic(err)
	}
	return ti
}

func aggList(elem duckdb.TypeInfo) duckdb.TypeInfo {
	ti, err := duckdb.NewListInfo(elem)
	if err != nil {
		panic(err)
	}
	return ti
}

// errSumOverflow is Trino's error for a bigint sum beyond 64 bits.
var errSumOverflow = errors.New("NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow")

// aggSumCheck checks DuckDB's sum against Trino's types: a HUGEINT sum
// (of integers) must fit bigint, booleans have no sum, and a sum of real
// would be a double where Trino's is real.
func aggSumCheck(args []driver.Value) (any, error) {
	switch sample := args[1].(type) {
	case bool:
		return nil, errors.New("NOT_SUPPORTED: sum(boolean) is not a Trino function")
	case float32:
		return nil, errors.New("NOT_SUPPORTED: sum(real) is not supported (DuckDB sums real as double); cast the argument to double")
	default:
		_ = sample
	}
	if v, ok := args[0].(*big.Int); ok && !v.IsInt64() {
		return nil, errSumOverflow
	}
	return true, nil
}

// aggAvgTypes gives, by overloads, a zero whose type makes
// greatest(x, zero) the type of Trino's avg(x): double for integers,
// real for real, and for a decimal a decimal(1, 0), which leaves
// decimal(p, s) as it is (when p > s).
func aggAvgTypes() []duckdb.ScalarFunc {
	double := aggType(duckdb.TYPE_DOUBLE)
	zero := func(v any) func([]driver.Value) (any, error) {
		return func([]driver.Value) (any, error) { return v, nil }
	}
	var fns []duckdb.ScalarFunc
	for _, t := range []duckdb.Type{duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT, duckdb.TYPE_HUGEINT, duckdb.TYPE_DOUBLE} {
		fns = append(fns, &aggUDF{in: []duckdb.TypeInfo{aggType(t)}, out: double, fn: zero(0.0)})
	}
	return append(fns,
		&aggUDF{in: []duckdb.TypeInfo{aggType(duckdb.TYPE_FLOAT)}, out: aggType(duckdb.TYPE_FLOAT), fn: zero(float32(0))},
		&aggUDF{in: []duckdb.TypeInfo{aggDecimal(38, 0)}, out: aggDecimal(1, 0), fn: zero(int64(0))})
}

// aggAvgText is Trino's average as text: for a decimal sample, the sum's
// text divided by the count and rounded half up to the sum's scale; for
// real, DuckDB's average rounded to real; otherwise DuckDB's average.
func aggAvgText(args []driver.Value) (any, error) {
	avg, _ := args[0].(float64)
	sum, _ := args[1].(string)
	n, _ := args[2].(int64)
	switch args[3].(type) {
	case duckdb.Decimal:
		return decimalAverage(sum, n)
	case float32:
		return strconv.FormatFloat(float64(float32(avg)), 'g', -1, 32), nil
	}
	return strconv.FormatFloat(avg, 'g', -1, 64), nil
}

// decimalAverage divides a decimal's text by n, rounding half up at the
// decimal's scale.
func decimalAverage(sum string, n int64) (any, error) {
	if n <= 0 {
		return nil, nil
	}
	intPart, frac, _ := strings.Cut(sum, ".")
	v, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return nil, fmt.Errorf("duckengine: unexpected decimal sum %q", sum)
	}
	q := divRoundHalfUp(v, n)
	return decimalText(q, len(frac)), nil
}

// divRoundHalfUp divides and rounds half away from zero, as Trino's
// decimal average does.
func divRoundHalfUp(sum *big.Int, n int64) *big.Int {
	den := big.NewInt(n)
	q, r := new(big.Int).QuoRem(sum, den, new(big.Int))
	// |r| * 2 >= n rounds away from zero.
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(den) >= 0 {
		if sum.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// aggPercentileResults types approx_percentile's result as Trino does,
// from DuckDB's result and a sample of the input: Trino has bigint, real
// and double versions, so smaller integers give bigint. DuckDB rounds the
// percentile of a decimal to BIGINT, so decimals are refused (Trino
// reads them as double).
func aggPercentileResults() []duckdb.ScalarFunc {
	anyT := aggType(duckdb.TYPE_ANY)
	bigint := aggType(duckdb.TYPE_BIGINT)
	check := func(args []driver.Value) error {
		if _, ok := args[1].(duckdb.Decimal); ok {
			return errors.New("NOT_SUPPORTED: approx_percentile() of a decimal is not supported; cast the argument to double")
		}
		return nil
	}
	toInt := func(args []driver.Value) (any, error) {
		if err := check(args); err != nil {
			return nil, err
		}
		return aggInt64(args[0])
	}
	same := func(args []driver.Value) (any, error) {
		if err := check(args); err != nil {
			return nil, err
		}
		return args[0], nil
	}
	var fns []duckdb.ScalarFunc
	for _, t := range []duckdb.Type{duckdb.TYPE_TINYINT, duckdb.TYPE_SMALLINT, duckdb.TYPE_INTEGER, duckdb.TYPE_BIGINT} {
		fns = append(fns,
			&aggUDF{in: []duckdb.TypeInfo{aggType(t), anyT}, out: bigint, fn: toInt},
			&aggUDF{in: []duckdb.TypeInfo{aggList(aggType(t)), anyT}, out: aggList(bigint), fn: func(args []driver.Value) (any, error) {
				if err := check(args); err != nil {
					return nil, err
				}
				l, _ := args[0].([]any)
				out := make([]any, len(l))
				for i, v := range l {
					if v == nil {
						continue
					}
					n, err := aggInt64(v)
					if err != nil {
						return nil, err
					}
					out[i] = n
				}
				return out, nil
			}})
	}
	for _, t := range []duckdb.Type{duckdb.TYPE_FLOAT, duckdb.TYPE_DOUBLE} {
		fns = append(fns,
			&aggUDF{in: []duckdb.TypeInfo{aggType(t), anyT}, out: aggType(t), fn: same},
			&aggUDF{in: []duckdb.TypeInfo{aggList(aggType(t)), anyT}, out: aggList(aggType(t)), fn: same})
	}
	return fns
}

func aggInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return int64(math.Round(x)), nil
		}
	}
	return 0, fmt.Errorf("duckengine: unexpected percentile value %T", v)
}

var _ duckdb.ScalarFunc = (*aggUDF)(nil)
