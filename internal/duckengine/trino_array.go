package duckengine

import (
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
)

// Array, map and row functions of Trino.
//
// DuckDB has most of them under other names, but with other answers at the
// edges: NULL elements (Trino's contains and arrays_overlap answer NULL
// when a NULL element might have matched, array_max is NULL when any
// element is), element order (array_distinct and the set functions keep
// first-seen order), 1-based indices with errors for 0, and the lengths
// rather than end positions of slices. Each such function is renamed to a
// weir_ macro that gives Trino's answer.
//
// Macros cannot choose by argument type, and DuckDB's typed macro
// parameters are not reliable for it (a correlated column or an aggregate
// argument binds to the first typed overload), so the macros here branch
// on typeof(x), which DuckDB folds to a constant, with branches that bind
// for every type. Where a typed overload is used (to tell maps from the
// rest), it is only a fast path: the overload DuckDB falls back to gives
// the same answer. Functions whose result type is fixed and that must
// tell arrays from maps are Go functions (trino_array_udf.go).
//
// The subscript x[i] (trino_array_subscript.go) and UNNEST
// (trino_unnest.go) are rewritten by the planner, not by call rules.
//
// Lambda parameters inside the macros are named __weir_*, so that they
// cannot capture names in the user's expressions substituted into them.
// Trino lambdas with several parameters (zip_with, map_filter, reduce,
// array_sort with a comparator, ...) are rewritten in the query text to
// DuckDB lambdas over a struct with fields f1, f2, ... (trino_array_lambda.go):
// passed as they are, DuckDB would bind the second parameter to the
// element's index.
var arrayFunctions = functionSet{
	rules: map[string]funcRule{
		"cardinality":           arrayArity(rename("weir_cardinality"), 1),
		"element_at":            arrayArity(rename("weir_element_at"), 2),
		"contains":              arrayArity(rename("weir_contains"), 2),
		"array_join":            arrayArity(rename("weir_array_join"), 2, 3),
		"slice":                 arrayArity(rename("weir_slice"), 3),
		"array_distinct":        arrayArity(rename("weir_array_distinct"), 1),
		"array_position":        arrayArity(rename("weir_array_position"), 2),
		"array_remove":          arrayArity(rename("weir_array_remove"), 2),
		"array_sort":            arraySortRule,
		"array_max":             arrayArity(rename("weir_array_max"), 1),
		"array_min":             arrayArity(rename("weir_array_min"), 1),
		"array_intersect":       arrayArity(rename("weir_array_intersect"), 2),
		"array_union":           arrayArity(rename("weir_array_union"), 2),
		"array_except":          arrayArity(rename("weir_array_except"), 2),
		"arrays_overlap":        arrayArity(rename("weir_arrays_overlap"), 2),
		"array_histogram":       arrayArity(rename("weir_array_histogram"), 1),
		"repeat":                arrayArity(rename("weir_repeat"), 2),
		"shuffle":               arrayArity(rename("weir_shuffle"), 1),
		"sequence":              arrayArity(rename("weir_sequence"), 2, 3),
		"flatten":               arrayArity(rename("flatten"), 1),
		"ngrams":                arrayArity(rename("weir_ngrams"), 2),
		"combinations":          arrayArity(rename("weir_combinations"), 2),
		"trim_array":            arrayArity(rename("weir_trim_array"), 2),
		"zip":                   arrayZipRule,
		"transform":             arrayLambdaRule("list_transform", 2, 1),
		"filter":                arrayLambdaRule("list_filter", 2, 1),
		"any_match":             arrayLambdaRule("weir_any_match", 2, 1),
		"all_match":             arrayLambdaRule("weir_all_match", 2, 1),
		"none_match":            arrayLambdaRule("weir_none_match", 2, 1),
		"zip_with":              arrayLambdaRule("weir_zip_with", 3, 2),
		"reduce":                arrayReduceRule,
		"map_entries":           arrayArity(rename("weir_map_entries"), 1),
		"map_filter":            arrayLambdaRule("weir_map_filter", 2, 2),
		"transform_keys":        arrayLambdaRule("weir_transform_keys", 2, 2),
		"transform_values":      arrayLambdaRule("weir_transform_values", 2, 2),
		"map_zip_with":          arrayLambdaRule("weir_map_zip_with", 3, 3),
		"map_concat":            arrayMapConcatRule,
		"multimap_from_entries": arrayArity(rename("weir_multimap_from_entries"), 1),
	},
	macros: arrayConcatLists(arrayMacros, unnestMacros, subscriptMacros),
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_cardinality_any": {arrayCardinalityUDF{}},
		"weir_sequence":        arraySequenceUDFs(),
		"weir_java_string":     {arrayJavaStringUDF{}},
		"weir_join_strings":    {arrayJoinUDF{replace: false}, arrayJoinUDF{replace: true}},
		"weir_unnest_check":    {unnestCheckUDF{}},
		"weir_map_has_key":     {mapHasKeyUDF{}},
	},
}

// arrayConcatLists joins string slices into a new one.
func arrayConcatLists(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// arrayArity returns a rule that applies r to calls with one of the given
// numbers of arguments and refuses others, as Trino does.
func arrayArity(r funcRule, counts ...int) funcRule {
	return func(c *funcCall) (string, error) {
		for _, n := range counts {
			if c.nargs() == n {
				return r(c)
			}
		}
		return "", arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function %s: it takes %s arguments, not %d", c.name, arrayCountList(counts), c.nargs())
	}
}

// arrayCallError is an error of the given code positioned at the call.
func arrayCallError(c *funcCall, code, format string, args ...any) error {
	return query.ErrorAt(code, c.offset, "%s", fmt.Sprintf(format, args...))
}

// arrayCountList prints 2 or "2 or 3".
func arrayCountList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, " or ")
}

// arraySortRule sorts by DuckDB's order, or with a comparator lambda.
func arraySortRule(c *funcCall) (string, error) {
	switch c.nargs() {
	case 1:
		return "weir_array_sort", nil
	case 2:
		if err := arrayRewriteLambda(c, 1, arrayLambdaStruct(2)); err != nil {
			return "", err
		}
		return "weir_array_sort", nil
	}
	return "", arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function array_sort: it takes 1 or 2 arguments, not %d", c.nargs())
}

// arrayZipRule takes two to five arrays, as Trino does.
func arrayZipRule(c *funcCall) (string, error) {
	if c.nargs() < 2 || c.nargs() > 5 {
		return "", arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function zip: it takes 2 to 5 arrays, not %d arguments", c.nargs())
	}
	return "weir_zip", nil
}

// arrayMapConcatRule takes two or more maps.
func arrayMapConcatRule(c *funcCall) (string, error) {
	switch {
	case c.nargs() < 2:
		return "", arrayCallError(c, "INVALID_FUNCTION_ARGUMENT", "There must be two or more concatenation arguments to map_concat")
	case c.nargs() > arrayMaxMapConcat:
		return "", c.notSupported("map_concat() of more than %d maps is not supported; nest the calls", arrayMaxMapConcat)
	}
	return "weir_map_concat", nil
}

// arrayLambdaRule renames a call of nargs arguments whose last is a
// lambda of params parameters; a lambda of several parameters is
// rewritten to take one struct (see arrayRewriteLambda).
func arrayLambdaRule(to string, nargs, params int) funcRule {
	return func(c *funcCall) (string, error) {
		if c.nargs() != nargs {
			return "", arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function %s: it takes %d arguments, not %d", c.name, nargs, c.nargs())
		}
		if params == 1 {
			if err := arrayCheckLambda(c, nargs-1, 1); err != nil {
				return "", err
			}
		} else if err := arrayRewriteLambda(c, nargs-1, arrayLambdaStruct(params)); err != nil {
			return "", err
		}
		return to, nil
	}
}

// arrayReduceRule rewrites reduce(array, initial, (s, x) -> ..., s -> ...).
// DuckDB's list_reduce wants the state and the elements of one type, so
// both become struct(f1 state, f2 element) and the input function reads
// and returns such structs.
func arrayReduceRule(c *funcCall) (string, error) {
	if c.nargs() != 4 {
		return "", arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function reduce: it takes 4 arguments, not %d", c.nargs())
	}
	if err := arrayCheckLambda(c, 3, 1); err != nil {
		return "", err
	}
	if err := arrayRewriteLambda(c, 2, arrayLambdaReduce()); err != nil {
		return "", err
	}
	return "weir_reduce", nil
}

// arrayMaxMapConcat is the most maps weir_map_concat takes.
const arrayMaxMapConcat = 8

// arrayMacros are the macros the rules call. Names starting weir_list_ are
// helpers, not Trino functions.
var arrayMacros = append([]string{
	// cardinality: len for lists (fast), the Go function for maps and
	// anything else. The typed overload picks maps; where DuckDB cannot
	// tell the type while expanding the macro (a correlated column, an
	// aggregate) it picks the typed overload, whose Go function takes
	// anything.
	`CREATE OR REPLACE MACRO weir_cardinality_dispatch(d, x) AS
		CASE WHEN ends_with(typeof(x), ']') THEN len(x) ELSE weir_cardinality_any(x) END,
		(d MAP(VARCHAR, VARCHAR), x) AS weir_cardinality_any(x)`,
	`CREATE OR REPLACE MACRO weir_cardinality(x) AS weir_cardinality_dispatch(x, x)`,
	`CREATE OR REPLACE MACRO weir_list_strings(x) AS CASE
		WHEN regexp_full_match(typeof(x), '(VARCHAR|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DATE|UUID|DECIMAL\(\d+,\d+\)|"NULL")\[\]')
			THEN list_transform(x, __weir_e -> CAST(__weir_e AS VARCHAR))
		WHEN typeof(x) IN ('DOUBLE[]', 'FLOAT[]') THEN list_transform(x, __weir_e -> weir_java_string(__weir_e))
		ELSE error('NOT_SUPPORTED: array_join() of ' || lower(typeof(x)) || ' is not supported: its elements print differently in weir; transform them to varchar first')
		END`,
	`CREATE OR REPLACE MACRO weir_list_slice_from(x, f, n) AS CASE
		WHEN f < 1 OR f > len(x) OR n = 0 THEN list_slice(x, 1, 0)
		ELSE list_slice(x, f, least(f - 1 + least(n, len(x)), len(x))) END`,

	// First occurrences in order; NULL is a value (IS DISTINCT FROM).
	`CREATE OR REPLACE MACRO weir_array_distinct(x) AS
		list_filter(x, (__weir_e, __weir_i) -> list_position(x, __weir_e) = __weir_i)`,
	`CREATE OR REPLACE MACRO weir_list_compare(v) AS CASE
		WHEN v IN (-1, 0, 1) THEN v
		ELSE error('INVALID_FUNCTION_ARGUMENT: Lambda comparator must return either -1, 0, or 1') END`,
	// C(n, k) as a double, for the size check of combinations.
	`CREATE OR REPLACE MACRO weir_list_binomial(n, k) AS
		list_reduce(list_transform(range(1, k + 1), __weir_i -> (n - k + __weir_i)::DOUBLE / __weir_i), (__weir_a, __weir_b) -> __weir_a * __weir_b, 1::DOUBLE)`,
	`CREATE OR REPLACE MACRO weir_list_any(r) AS CASE
		WHEN r IS NULL THEN NULL WHEN list_contains(r, true) THEN true
		WHEN list_count(r) < len(r) THEN NULL ELSE false END`,
	`CREATE OR REPLACE MACRO weir_list_all(r) AS CASE
		WHEN r IS NULL THEN NULL WHEN list_contains(r, false) THEN false
		WHEN list_count(r) < len(r) THEN NULL ELSE true END`,
	`CREATE OR REPLACE MACRO weir_list_none(r) AS CASE
		WHEN r IS NULL THEN NULL WHEN list_contains(r, true) THEN false
		WHEN list_count(r) < len(r) THEN NULL ELSE true END`,
	`CREATE OR REPLACE MACRO weir_list_pairs(m) AS
		list_transform(map_entries(m), __weir_e -> {'f1': __weir_e.key, 'f2': __weir_e.value})`,
	// A map from a list of struct(f1 key, f2 value). (map_from_entries
	// loses the type of a NULL list.)
	`CREATE OR REPLACE MACRO weir_list_to_map(l) AS
		map(list_transform(l, __weir_p -> __weir_p.f1), list_transform(l, __weir_p -> __weir_p.f2))`,
	// The distinct first fields of a list of rows, in first-seen order.
	`CREATE OR REPLACE MACRO weir_list_entry_keys(e) AS
		weir_array_distinct(list_transform(e, __weir_p -> struct_extract_at(__weir_p, 1)))`,
	`CREATE OR REPLACE MACRO weir_list_map_keys(m1, m2) AS
		list_concat(map_keys(m1), list_filter(map_keys(m2), __weir_k -> NOT list_contains(map_keys(m1), __weir_k)))`,

	// Trino: NULL when the element is not found but the array holds a NULL.
	`CREATE OR REPLACE MACRO weir_contains(x, e) AS CASE
		WHEN x IS NULL OR e IS NULL THEN NULL
		WHEN list_contains(x, e) THEN true
		WHEN list_count(x) < len(x) THEN NULL
		ELSE false END`,

	// element_at: maps as DuckDB's subscript (NULL for a missing key);
	// arrays also count from the end, NULL out of range, error for 0.
	`CREATE OR REPLACE MACRO weir_element_at(x, i) AS CASE
		WHEN starts_with(typeof(x), 'MAP(') THEN x[i]
		WHEN TRY_CAST(i AS BIGINT) = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')
		ELSE x[i] END`,

	// array_join: elements as Trino casts them to varchar, NULLs skipped
	// or replaced. Doubles print as Java does; types whose varchar form
	// differs between the engines (timestamps, nested types) are refused.
	`CREATE OR REPLACE MACRO weir_array_join(x, sep) AS weir_join_strings(weir_list_strings(x), sep),
		(x, sep, r) AS weir_join_strings(weir_list_strings(x), sep, r)`,

	// slice(x, start, length), start counting from the end when negative.
	`CREATE OR REPLACE MACRO weir_slice(x, s, n) AS CASE
		WHEN x IS NULL OR s IS NULL OR n IS NULL THEN NULL
		WHEN n < 0 THEN error('INVALID_FUNCTION_ARGUMENT: length must be greater than or equal to 0')
		WHEN s = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')
		ELSE weir_list_slice_from(x, CASE WHEN s < 0 THEN len(x) + s + 1 ELSE s END, n) END`,

	`CREATE OR REPLACE MACRO weir_array_position(x, e) AS CASE
		WHEN x IS NULL OR e IS NULL THEN NULL
		ELSE CAST(coalesce(list_position(x, e), 0) AS BIGINT) END`,

	// NULL elements stay.
	`CREATE OR REPLACE MACRO weir_array_remove(x, e) AS CASE
		WHEN e IS NULL THEN NULL
		ELSE list_filter(x, __weir_e -> __weir_e IS NULL OR __weir_e <> e) END`,

	// array_sort(x): ascending, NULLs last. array_sort(x, f): a stable sort
	// by the comparator f (rewritten to take struct(f1, f2)): element i
	// goes to the place of the elements before it, those f orders before
	// it and its equals that come earlier.
	`CREATE OR REPLACE MACRO weir_array_sort(x) AS list_sort(x, 'ASC', 'NULLS LAST'),
		(x, f) AS list_transform(
			list_sort(list_transform(range(1, len(x) + 1), __weir_i -> {
				'r': len(list_filter(range(1, len(x) + 1), __weir_j ->
					CASE WHEN __weir_j = __weir_i THEN false
						WHEN __weir_j < __weir_i
						THEN weir_list_compare(list_transform([{'f1': x[__weir_j], 'f2': x[__weir_i]}], f)[1]) <= 0
						ELSE weir_list_compare(list_transform([{'f1': x[__weir_j], 'f2': x[__weir_i]}], f)[1]) < 0 END)),
				'i': __weir_i})),
			__weir_p -> x[__weir_p.i])`,

	// NULL if any element is NULL.
	`CREATE OR REPLACE MACRO weir_array_max(x) AS CASE WHEN list_count(x) < len(x) THEN NULL ELSE list_max(x) END`,
	`CREATE OR REPLACE MACRO weir_array_min(x) AS CASE WHEN list_count(x) < len(x) THEN NULL ELSE list_min(x) END`,

	// Set functions: distinct elements in first-seen order, NULL a value.
	// array_intersect walks the longer array (the first if as long).
	`CREATE OR REPLACE MACRO weir_array_intersect(x, y) AS CASE
		WHEN x IS NULL OR y IS NULL THEN NULL
		WHEN len(x) < len(y) THEN weir_array_distinct(list_filter(y, __weir_e -> list_position(x, __weir_e) IS NOT NULL))
		ELSE weir_array_distinct(list_filter(x, __weir_e -> list_position(y, __weir_e) IS NOT NULL)) END`,
	`CREATE OR REPLACE MACRO weir_array_union(x, y) AS CASE
		WHEN x IS NULL OR y IS NULL THEN NULL
		ELSE weir_array_distinct(list_concat(x, y)) END`,
	`CREATE OR REPLACE MACRO weir_array_except(x, y) AS CASE
		WHEN x IS NULL OR y IS NULL THEN NULL
		WHEN len(x) = 0 OR len(y) = 0 THEN x
		ELSE weir_array_distinct(list_filter(x, __weir_e -> list_position(y, __weir_e) IS NULL)) END`,
	// NULL when nothing matched but either array holds a NULL.
	`CREATE OR REPLACE MACRO weir_arrays_overlap(x, y) AS CASE
		WHEN x IS NULL OR y IS NULL THEN NULL
		WHEN len(x) = 0 OR len(y) = 0 THEN false
		WHEN list_has_any(x, y) THEN true
		WHEN list_count(x) < len(x) OR list_count(y) < len(y) THEN NULL
		ELSE false END`,

	// Counts of the non-NULL elements, keys in first-seen order.
	`CREATE OR REPLACE MACRO weir_array_histogram(x) AS CASE
		WHEN x IS NULL THEN NULL
		ELSE weir_list_to_map(list_transform(
			weir_array_distinct(list_filter(x, __weir_e -> __weir_e IS NOT NULL)),
			__weir_k -> {'f1': __weir_k, 'f2': CAST(len(list_filter(x, __weir_e -> __weir_e = __weir_k)) AS BIGINT)})) END`,

	`CREATE OR REPLACE MACRO weir_repeat(e, n) AS CASE
		WHEN n IS NULL THEN NULL
		WHEN n > 10000 THEN error('INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be less than or equal to 10000')
		WHEN n < 0 THEN error('INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be greater than or equal to 0')
		ELSE list_transform(range(n), __weir_i -> e) END`,

	`CREATE OR REPLACE MACRO weir_shuffle(x) AS
		list_transform(list_sort(list_transform(x, __weir_e -> {'r': random(), 'e': __weir_e})), __weir_p -> __weir_p.e)`,

	`CREATE OR REPLACE MACRO weir_ngrams(x, n) AS CASE
		WHEN x IS NULL OR n IS NULL THEN NULL
		WHEN n <= 0 THEN error('INVALID_FUNCTION_ARGUMENT: N must be positive')
		WHEN len(x) <= n THEN [x]
		ELSE list_transform(range(1, len(x) - n + 2), __weir_i -> list_slice(x, __weir_i, __weir_i + n - 1)) END`,

	`CREATE OR REPLACE MACRO weir_trim_array(x, n) AS CASE
		WHEN x IS NULL OR n IS NULL THEN NULL
		WHEN n < 0 THEN error('INVALID_FUNCTION_ARGUMENT: size must not be negative: ' || n)
		WHEN n > len(x) THEN error('INVALID_FUNCTION_ARGUMENT: size must not exceed array cardinality ' || len(x) || ': ' || n)
		ELSE list_slice(x, 1, len(x) - n) END`,

	arrayCombinationsMacro,

	// Lambdas with one parameter. A NULL array gives NULL.
	`CREATE OR REPLACE MACRO weir_any_match(x, f) AS CASE WHEN x IS NULL THEN NULL ELSE weir_list_any(list_transform(x, f)) END`,
	`CREATE OR REPLACE MACRO weir_all_match(x, f) AS CASE WHEN x IS NULL THEN NULL ELSE weir_list_all(list_transform(x, f)) END`,
	`CREATE OR REPLACE MACRO weir_none_match(x, f) AS CASE WHEN x IS NULL THEN NULL ELSE weir_list_none(list_transform(x, f)) END`,

	// zip_with pads the shorter array with NULLs; f takes struct(f1, f2).
	`CREATE OR REPLACE MACRO weir_zip_with(a, b, f) AS CASE
		WHEN a IS NULL OR b IS NULL THEN NULL
		ELSE list_transform(list_transform(range(1, greatest(len(a), len(b)) + 1),
			__weir_i -> {'f1': a[__weir_i], 'f2': b[__weir_i]}), f) END`,

	// reduce: f takes and returns struct(f1 state, f2 element); the output
	// function g is applied to the final state through a one-element list.
	`CREATE OR REPLACE MACRO weir_reduce(x, s, f, g) AS CASE
		WHEN x IS NULL THEN NULL
		ELSE list_transform([list_reduce(
			list_transform(x, __weir_e -> {'f1': CASE WHEN false THEN s END, 'f2': __weir_e}),
			f,
			{'f1': s, 'f2': CASE WHEN false THEN x[1] END}).f1], g)[1] END`,

	// Maps. Trino's entries are rows with unnamed fields, which print as
	// field0, field1.
	`CREATE OR REPLACE MACRO weir_map_entries(m) AS
		list_transform(map_entries(m), __weir_e -> {'field0': __weir_e.key, 'field1': __weir_e.value})`,
	// multimap_from_entries: the values of each key in an array, keys in
	// first-seen order.
	`CREATE OR REPLACE MACRO weir_multimap_from_entries(e) AS CASE
		WHEN e IS NULL THEN NULL
		ELSE map(weir_list_entry_keys(e), list_transform(weir_list_entry_keys(e), __weir_k ->
			list_transform(list_filter(e, __weir_p -> struct_extract_at(__weir_p, 1) IS NOT DISTINCT FROM __weir_k),
				__weir_p -> struct_extract_at(__weir_p, 2)))) END`,
	`CREATE OR REPLACE MACRO weir_map_filter(m, f) AS CASE
		WHEN m IS NULL THEN NULL
		ELSE weir_list_to_map(list_filter(weir_list_pairs(m), f)) END`,
	`CREATE OR REPLACE MACRO weir_transform_values(m, f) AS CASE
		WHEN m IS NULL THEN NULL
		ELSE map(map_keys(m), list_transform(weir_list_pairs(m), f)) END`,
	`CREATE OR REPLACE MACRO weir_transform_keys(m, f) AS CASE
		WHEN m IS NULL THEN NULL
		ELSE map(list_transform(weir_list_pairs(m), f), map_values(m)) END`,
	// map_zip_with: the keys of both maps, those of the first first; f
	// takes struct(f1 key, f2 value1, f3 value2).
	`CREATE OR REPLACE MACRO weir_map_zip_with(m1, m2, f) AS CASE
		WHEN m1 IS NULL OR m2 IS NULL THEN NULL
		ELSE map(weir_list_map_keys(m1, m2), list_transform(
			list_transform(weir_list_map_keys(m1, m2), __weir_k -> {'f1': __weir_k, 'f2': m1[__weir_k], 'f3': m2[__weir_k]}), f)) END`}, arrayZipAndConcatMacros()...)

// arrayZipAndConcatMacros defines zip for two to five arrays (rows with fields
// field0, field1, ... as Trino prints them, padded with NULLs to the
// longest array) and map_concat for two to arrayMaxMapConcat maps (NULL if any
// is NULL; later maps win).
func arrayZipAndConcatMacros() []string {
	var zip []string
	for n := 2; n <= 5; n++ {
		params := make([]string, n)
		nulls := make([]string, n)
		lens := make([]string, n)
		fields := make([]string, n)
		for i := range params {
			p := fmt.Sprintf("a%d", i)
			params[i] = p
			nulls[i] = p + " IS NULL"
			lens[i] = "len(" + p + ")"
			fields[i] = fmt.Sprintf("'field%d': %s[__weir_i]", i, p)
		}
		zip = append(zip, fmt.Sprintf("(%s) AS CASE WHEN %s THEN NULL ELSE list_transform(range(1, greatest(%s) + 1), __weir_i -> {%s}) END",
			strings.Join(params, ", "), strings.Join(nulls, " OR "), strings.Join(lens, ", "), strings.Join(fields, ", ")))
	}
	var concat []string
	for n := 2; n <= arrayMaxMapConcat; n++ {
		params := make([]string, n)
		nulls := make([]string, n)
		for i := range params {
			params[i] = fmt.Sprintf("m%d", i)
			nulls[i] = params[i] + " IS NULL"
		}
		concat = append(concat, fmt.Sprintf("(%s) AS CASE WHEN %s THEN NULL ELSE map_concat(%s) END",
			strings.Join(params, ", "), strings.Join(nulls, " OR "), strings.Join(params, ", ")))
	}
	return []string{
		"CREATE OR REPLACE MACRO weir_zip" + strings.Join(zip, ",\n\t"),
		"CREATE OR REPLACE MACRO weir_map_concat" + strings.Join(concat, ",\n\t"),
	}
}

// arrayCombinationsMacro is combinations(x, k) for k up to 5: the k-element
// subsets by position, in Trino's order (the last position varies
// slowest).
var arrayCombinationsMacro = `CREATE OR REPLACE MACRO weir_combinations(x, k) AS CASE
	WHEN x IS NULL OR k IS NULL THEN NULL
	WHEN k < 0 THEN error('INVALID_FUNCTION_ARGUMENT: combination size must not be negative: ' || k)
	WHEN k > 5 THEN error('INVALID_FUNCTION_ARGUMENT: combination size must not exceed 5: ' || k)
	WHEN k > len(x) THEN list_slice([x], 1, 0)
	WHEN weir_list_binomial(len(x), k) * k > 100000 THEN error('INVALID_FUNCTION_ARGUMENT: combinations exceed max size')
	WHEN k = 0 THEN [list_slice(x, 1, 0)]
	WHEN k = 1 THEN list_transform(range(1, len(x) + 1), __weir_a -> [x[__weir_a]])
	WHEN k = 2 THEN flatten(list_transform(range(2, len(x) + 1), __weir_b ->
		list_transform(range(1, __weir_b), __weir_a -> [x[__weir_a], x[__weir_b]])))
	WHEN k = 3 THEN flatten(flatten(list_transform(range(3, len(x) + 1), __weir_c ->
		list_transform(range(2, __weir_c), __weir_b ->
		list_transform(range(1, __weir_b), __weir_a -> [x[__weir_a], x[__weir_b], x[__weir_c]])))))
	WHEN k = 4 THEN flatten(flatten(flatten(list_transform(range(4, len(x) + 1), __weir_d ->
		list_transform(range(3, __weir_d), __weir_c ->
		list_transform(range(2, __weir_c), __weir_b ->
		list_transform(range(1, __weir_b), __weir_a -> [x[__weir_a], x[__weir_b], x[__weir_c], x[__weir_d]])))))))
	ELSE flatten(flatten(flatten(flatten(list_transform(range(5, len(x) + 1), __weir_e ->
		list_transform(range(4, __weir_e), __weir_d ->
		list_transform(range(3, __weir_d), __weir_c ->
		list_transform(range(2, __weir_c), __weir_b ->
		list_transform(range(1, __weir_b), __weir_a -> [x[__weir_a], x[__weir_b], x[__weir_c], x[__weir_d], x[__weir_e]])))))))))
	END`
