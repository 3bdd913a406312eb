package duckengine

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/statement"
)

// Trino's subscript operator fails where DuckDB's returns NULL: an array
// index past the end ("Array subscript must be less than or equal to
// array length"), 0 or negative (DuckDB counts negative indices from the
// end), and a key missing from a map ("Key not present in map").
// rewriteSubscript turns x[i] into weir_subscript(x, i), which has
// Trino's meaning. DuckDB's syntax tree has x[i] as an ARRAY_EXTRACT
// operator node without a position, so the rewrite finds the text from
// the positions of the operands.
//
// The planner's walker must call rewriteSubscript for every node with
// class OPERATOR and type ARRAY_EXTRACT (it visits parents before
// children, which nested subscripts need).

// subscriptMacros define weir_subscript. Every branch binds for any x
// (weir_map_has_key and weir_cardinality take anything), and DuckDB folds
// the test of typeof(x) away.
var subscriptMacros = []string{
	`CREATE OR REPLACE MACRO weir_subscript(x, i) AS CASE
		WHEN starts_with(typeof(x), 'MAP(') THEN CASE
			WHEN x IS NULL OR i IS NULL THEN NULL
			WHEN weir_map_has_key(x, i) THEN x[i]
			ELSE error('INVALID_FUNCTION_ARGUMENT: Key not present in map: ' || CAST(i AS VARCHAR)) END
		WHEN ends_with(typeof(x), ']') THEN CASE
			WHEN x IS NULL OR i IS NULL THEN NULL
			WHEN TRY_CAST(i AS BIGINT) = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')
			WHEN TRY_CAST(i AS BIGINT) < 0 THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript is negative: ' || CAST(i AS VARCHAR))
			WHEN TRY_CAST(i AS BIGINT) > weir_cardinality(x) THEN error('INVALID_FUNCTION_ARGUMENT: Array subscript must be less than or equal to array length: ' || CAST(i AS VARCHAR) || ' > ' || CAST(weir_cardinality(x) AS VARCHAR))
			ELSE x[i] END
		ELSE x[i] END`,
}

// rewriteSubscript rewrites an ARRAY_EXTRACT node; see above. It leaves
// the text alone when it cannot find the brackets.
func rewriteSubscript(sql string, n map[string]any, edits *statement.Edits) error {
	children, _ := n["children"].([]any)
	if len(children) != 2 {
		return nil
	}
	base, index := children[0], children[1]
	start, idx := minLocation(base, len(sql)), minLocation(index, len(sql))
	if start < 0 || idx < 0 || start >= idx {
		return nil
	}
	// Take in the opening brackets of a bracketed operand.
	for {
		unmatched, open := 0, -1
		depth := 0
		for i := start; i < idx; i++ {
			i = arraySkipQuotedAt(sql, i)
			if i >= idx {
				break
			}
			switch sql[i] {
			case '(', '[', '{':
				if depth == 0 && sql[i] == '[' {
					open = i
				}
				depth++
			case ')', ']', '}':
				if depth == 0 {
					unmatched++
				} else {
					depth--
				}
			}
		}
		if unmatched == 0 {
			if open < 0 {
				return nil
			}
			_, closing, ok := arrayScanGroup(sql, open+1, ']')
			if !ok {
				return nil
			}
			// ARRAY[...] starts at its bracket in DuckDB's tree: take in
			// the word.
			if w := strings.TrimRight(sql[:start], " \t\r\n"); len(w) >= 5 && strings.EqualFold(w[len(w)-5:], "array") &&
				(len(w) == 5 || !isIdentStart(w[len(w)-6]) && !(w[len(w)-6] >= '0' && w[len(w)-6] <= '9')) {
				start = len(w) - 5
			}
			edits.Replace(statement.Span{Start: start, End: start}, "weir_subscript(")
			edits.Replace(statement.Span{Start: open, End: open + 1}, ", ")
			edits.Replace(statement.Span{Start: closing, End: closing + 1}, ")")
			return nil
		}
		p := start - 1
		for p >= 0 && (sql[p] == ' ' || sql[p] == '\t' || sql[p] == '\n' || sql[p] == '\r') {
			p--
		}
		// The operand's position may be inside its own brackets: a
		// parenthesised expression, a list or struct literal.
		if p < 0 || sql[p] != '(' && sql[p] != '[' && sql[p] != '{' {
			return nil
		}
		start = p
	}
}

// arraySkipQuotedAt returns the offset of the last byte of the string or
// quoted name starting at i, or i if none starts there.
func arraySkipQuotedAt(sql string, i int) int {
	if c := sql[i]; c == '\'' || c == '"' {
		if j := arraySkipQuoted(sql, i, c); j > 0 {
			return j - 1
		}
		return len(sql)
	}
	return i
}

// minLocation returns the smallest query position in a syntax subtree,
// or -1 if it has none.
func minLocation(v any, limit int) int {
	best := -1
	var visit func(any)
	visit = func(v any) {
		switch n := v.(type) {
		case []any:
			for _, c := range n {
				visit(c)
			}
		case map[string]any:
			if f, ok := n["query_location"].(float64); ok && f >= 0 && f < math.MaxInt32 && int(f) < limit {
				if best < 0 || int(f) < best {
					best = int(f)
				}
			}
			for k, c := range n {
				if k != "query_location" {
					visit(c)
				}
			}
		}
	}
	visit(v)
	return best
}

// mapHasKeyUDF tells whether a map has a key; for anything but a map it
// is false.
type mapHasKeyUDF struct{}

// Config takes any two values and returns a boolean.
func (mapHasKeyUDF) Config() duckdb.ScalarFuncConfig {
	return duckdb.ScalarFuncConfig{
		InputTypeInfos: []duckdb.TypeInfo{arrayTypeInfo(duckdb.TYPE_ANY), arrayTypeInfo(duckdb.TYPE_ANY)},
		ResultTypeInfo: arrayTypeInfo(duckdb.TYPE_BOOLEAN),
	}
}

// Executor looks the key up.
func (mapHasKeyUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(values []driver.Value) (any, error) {
		m, ok := values[0].(duckdb.Map)
		if !ok {
			return false, nil
		}
		return mapHasKey(m, values[1]), nil
	}}
}

// mapHasKey looks key up in m, comparing numbers by value whatever their
// Go types (the map's keys and the subscript may differ in width).
func mapHasKey(m duckdb.Map, key any) bool {
	if isComparable(key) {
		if _, ok := m[key]; ok {
			return true
		}
	}
	want := normalizeKey(key)
	for k := range m {
		if reflect.DeepEqual(normalizeKey(k), want) {
			return true
		}
	}
	return false
}

func isComparable(v any) bool {
	return v != nil && reflect.TypeOf(v).Comparable()
}

// normalizeKey gives numbers one type: float64 when that holds the value
// exactly, else their decimal text.
func normalizeKey(v any) any {
	var i int64
	switch x := v.(type) {
	case int8:
		i = int64(x)
	case int16:
		i = int64(x)
	case int32:
		i = int64(x)
	case int64:
		i = x
	case uint8:
		i = int64(x)
	case uint16:
		i = int64(x)
	case uint32:
		i = int64(x)
	case uint64:
		if x > 1<<53 {
			return fmt.Sprint(x)
		}
		i = int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			i = x.Int64()
		} else {
			return x.String()
		}
	default:
		return v
	}
	if i > 1<<53 || i < -(1<<53) {
		return fmt.Sprint(i)
	}
	return float64(i)
}
