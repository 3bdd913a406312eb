package duckengine

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// Casts between json and other types mean something else in DuckDB:
//
//   - JSON '...' is json_parse('...') in Trino (canonical text); DuckDB
//     keeps the text as written.
//   - CAST('abc' AS JSON) is the JSON string "abc" in Trino; DuckDB parses
//     the string as JSON text.
//   - CAST(json AS VARCHAR) is a JSON string's content in Trino (and an
//     error for arrays and objects); DuckDB gives the JSON text.
//
// rewriteJSONCast turns these casts into calls of weir's functions. The
// walker calls it for every CAST node; a cast to VARCHAR is only known to
// start from json when its operand is a json-valued call or cast.

// jsonValuedFunctions are the Trino functions returning json.
var jsonValuedFunctions = map[string]bool{"json_extract": true, "json_parse": true, "json_array_get": true}

// rewriteJSONCast rewrites a CAST node n of sql, recording text edits.
func rewriteJSONCast(sql string, n map[string]any, edits *statement.Edits) error {
	if n["class"] != "CAST" {
		return nil
	}
	switch jsonCastKind(n) {
	case jsonCastLiteral:
		return rewriteJSONLiteral(sql, n, edits)
	case jsonCastExplicit:
		return rewriteCastCall(sql, n, edits, "weir_to_json", "CAST(... AS JSON)")
	}
	t, _ := n["cast_type"].(map[string]any)
	child, _ := n["child"].(map[string]any)
	if str(t["id"]) != "VARCHAR" || !jsonValued(child) {
		return nil
	}
	return rewriteCastCall(sql, n, edits, "weir_json_to_varchar", "CAST(json AS varchar)")
}

// jsonValued reports whether an expression is syntactically of type json.
func jsonValued(e map[string]any) bool {
	switch e["class"] {
	case "FUNCTION":
		return jsonValuedFunctions[strings.ToLower(str(e["function_name"]))] && str(e["schema"]) == ""
	case "CAST":
		return jsonCastKind(e) != jsonCastNone
	}
	return false
}

// rewriteJSONLiteral turns JSON '...' into weir_json_parse('...').
func rewriteJSONLiteral(sql string, n map[string]any, edits *statement.Edits) error {
	child, _ := n["child"].(map[string]any)
	lit := intOf(child["query_location"])
	if lit <= 0 || lit >= len(sql) || sql[lit] != '\'' {
		return nil
	}
	kw := lit
	for kw > 0 && (sql[kw-1] == ' ' || sql[kw-1] == '\t' || sql[kw-1] == '\n' || sql[kw-1] == '\r') {
		kw--
	}
	start := kw
	for start > 0 && isIdentStart(sql[start-1]) {
		start--
	}
	if !strings.EqualFold(sql[start:kw], "json") {
		return nil
	}
	end := sqlSkipQuoted(sql, lit, '\'')
	edits.Replace(statement.Span{Start: start, End: lit}, "weir_json_parse(")
	edits.Replace(statement.Span{Start: end, End: end}, ")")
	return nil
}

// rewriteCastCall turns CAST(x AS T) into fn(x), and TRY_CAST(x AS T)
// into TRY(fn(x)).
func rewriteCastCall(sql string, n map[string]any, edits *statement.Edits, fn, what string) error {
	off := intOf(n["query_location"])
	if off < 0 || off >= len(sql) {
		return nil
	}
	kwEnd := scanIdentifier(sql, off)
	kw := strings.ToLower(sql[off:kwEnd])
	if kw != "cast" && kw != "try_cast" {
		return nil // x::JSON is DuckDB's, not Trino's
	}
	open := sqlSkipSpace(sql, kwEnd)
	if open >= len(sql) || sql[open] != '(' {
		return nil
	}
	as, closing := castAS(sql, open)
	if as < 0 {
		return query.ErrorAt("NOT_SUPPORTED", off, "%s: cannot read the cast", what)
	}
	if kw == "try_cast" {
		edits.Replace(statement.Span{Start: off, End: open + 1}, "TRY("+fn+"(")
		edits.Replace(statement.Span{Start: as, End: closing}, ")")
		return nil
	}
	edits.Replace(statement.Span{Start: off, End: open + 1}, fn+"(")
	edits.Replace(statement.Span{Start: as, End: closing}, "")
	return nil
}

// castAS finds, in the parentheses opening at open, the last AS at their
// own level and the closing parenthesis; as is -1 when there is none.
func castAS(sql string, open int) (as, closing int) {
	as = -1
	depth := 0
	for i := open; i < len(sql); {
		switch c := sql[i]; {
		case c == '\'':
			i = sqlSkipQuoted(sql, i, '\'')
		case c == '"':
			i = sqlSkipQuoted(sql, i, '"')
		case c == '-' && strings.HasPrefix(sql[i:], "--"), c == '/' && strings.HasPrefix(sql[i:], "/*"):
			i = sqlSkipSpace(sql, i)
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth == 0 {
				return as, i
			}
			i++
		case isIdentStart(c):
			end := scanIdentifier(sql, i)
			if depth == 1 && strings.EqualFold(sql[i:end], "as") {
				as = i
			}
			i = end
		default:
			i++
		}
	}
	return -1, -1
}

// toJSONText is CAST(x AS JSON): the JSON text Trino writes for a value.
func toJSONText(args []driver.Value) (any, error) {
	var b strings.Builder
	if err := writeTrinoJSON(&b, args[0], 0); err != nil {
		return nil, err
	}
	return b.String(), nil
}

// errCastRow refuses rows: DuckDB hands a STRUCT to Go as a map, without
// its field order.
var errCastRow = errors.New("NOT_SUPPORTED: CAST(row AS JSON) is not supported yet")

// writeTrinoJSON writes v as Trino's casts to JSON do: numbers as Java
// prints them, map entries sorted by key.
func writeTrinoJSON(b *strings.Builder, v any, depth int) error {
	if depth > jsonMaxDepth {
		return errJSONDepth
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		jsonWriteString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		fmt.Fprint(b, x)
	case *big.Int:
		b.WriteString(x.String())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			jsonWriteString(b, query.JavaFloat(x, 64)) // Jackson quotes them
		} else {
			b.WriteString(query.JavaFloat(x, 64))
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			jsonWriteString(b, query.JavaFloat(float64(x), 64))
		} else {
			b.WriteString(query.JavaFloat(float64(x), 32))
		}
	case duckdb.Decimal:
		b.WriteString(javaBigDecimalString(x.Value, int(x.Scale)))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeTrinoJSON(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case duckdb.Map:
		keys := make([]string, 0, len(x))
		values := make(map[string]any, len(x))
		for k, val := range x {
			var kb strings.Builder
			switch k.(type) {
			case string, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool:
				fmt.Fprint(&kb, k)
			default:
				return fmt.Errorf("NOT_SUPPORTED: CAST(map AS JSON) with %T keys is not supported", k)
			}
			keys = append(keys, kb.String())
			values[kb.String()] = val
		}
		sort.Slice(keys, func(i, j int) bool { return javaStringLess(keys[i], keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonWriteString(b, k)
			b.WriteByte(':')
			if err := writeTrinoJSON(b, values[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case map[string]any:
		return errCastRow
	default:
		return fmt.Errorf("NOT_SUPPORTED: CAST(%T AS JSON) is not supported", v)
	}
	return nil
}

// javaBigDecimalString prints an unscaled value and scale as Java's
// BigDecimal.toString: plain unless the exponent is below -6.
func javaBigDecimalString(unscaled *big.Int, scale int) string {
	if unscaled == nil {
		return "0"
	}
	digits := new(big.Int).Abs(unscaled).String()
	sign := ""
	if unscaled.Sign() < 0 {
		sign = "-"
	}
	adjusted := len(digits) - 1 - scale
	if scale >= 0 && adjusted >= -6 {
		return sign + decimalText(new(big.Int).Abs(unscaled), scale)
	}
	mant := digits[:1]
	if len(digits) > 1 {
		mant += "." + digits[1:]
	}
	exp := strconv.Itoa(adjusted)
	if adjusted >= 0 {
		exp = "+" + exp
	}
	return sign + mant + "E" + exp
}

// jsonToVarchar is CAST(json AS varchar): a scalar's value as text, NULL
// for JSON null, an error for arrays and objects. Trino versions print
// non-integer numbers differently (1.5 or 1.5E0), so weir refuses them.
func jsonToVarchar(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	fail := fmt.Errorf("INVALID_CAST_ARGUMENT: Cannot cast '%s' to varchar", text)
	l := newJSONLexer(text)
	k, err := l.next()
	if err != nil || k == jsonEOF {
		return nil, fail
	}
	var out any
	switch k {
	case jsonNull:
	case jsonString:
		out = l.text()
	case jsonInt, jsonTrue, jsonFalse:
		out = l.raw()
	case jsonFloat:
		return nil, errors.New("NOT_SUPPORTED: CAST(json AS varchar) of a non-integer number is not supported: Trino versions print it differently")
	default:
		return nil, fail
	}
	if k, err := l.next(); err != nil || k != jsonEOF {
		return nil, fail
	}
	return out, nil
}
