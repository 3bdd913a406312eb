package duckengine

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
)

// JSON functions of Trino. DuckDB's JSON functions differ from Trino's
// in path syntax, in what they do with malformed input and in how they
// print values, so every Trino JSON function runs as a Go function that
// reads the text as Trino (Jackson) does; see trino_json_lexer.go. Values
// of Trino's json type are DuckDB JSON values holding the text Trino
// would hold.
var jsonFunctions = functionSet{
	rules: map[string]funcRule{
		"json_extract":        jsonRule("weir_json_extract", 2, jsonCheckPath),
		"json_extract_scalar": jsonRule("weir_json_extract_scalar", 2, jsonCheckPath),
		"json_size":           jsonRule("weir_json_size", 2, jsonCheckPath),
		"json_array_length":   jsonRule("weir_json_array_length", 1, nil),
		"json_array_get":      jsonRule("weir_json_array_get", 2, nil),
		"json_array_contains": jsonRule("weir_json_array_contains", 2, nil),
		"is_json_scalar":      jsonRule("weir_is_json_scalar", 1, nil),
		"json_parse":          jsonRule("weir_json_parse", 1, nil),
		"json_format":         jsonRule("weir_json_format", 1, nil),
		"json_exists":         jsonRule("weir_json_exists", 2, jsonCheckSQLPath),
		"json_value":          jsonRule("weir_json_value", 2, jsonCheckSQLPath),
		"json_query":          jsonRule("weir_json_query", 2, jsonCheckSQLPath),
		"json_array":          unsupported("weir has no JSON constructor functions yet"),
		"json_object":         unsupported("weir has no JSON constructor functions yet"),
	},
	macros: append([]string{
		// Functions returning json give DuckDB JSON values; the text is
		// already what Trino holds, so the cast only tags it.
		`CREATE OR REPLACE MACRO weir_json_extract(j, p) AS CAST(weir_json_extract_text(j, p) AS JSON)`,
		`CREATE OR REPLACE MACRO weir_json_array_get(j, i) AS CAST(weir_json_array_get_text(j, i) AS JSON)`,
		`CREATE OR REPLACE MACRO weir_json_parse(s) AS CAST(weir_json_parse_text(s) AS JSON)`,
		// json_format(json) is the json value's text.
		`CREATE OR REPLACE MACRO weir_json_format(j) AS CAST(CAST(j AS JSON) AS VARCHAR)`,
		`CREATE OR REPLACE MACRO weir_to_json(x) AS CAST(weir_to_json_text(x) AS JSON)`,
	}, jsonLiteralMacros()...),
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_json_extract_text":   {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonPathFunc(jsonExtractValue))},
		"weir_json_extract_scalar": {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonPathFunc(jsonExtractScalar))},
		"weir_json_size":           {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_BIGINT, jsonPathFunc(jsonExtractSize))},
		"weir_json_array_length":   {jsonFunc1(duckdb.TYPE_VARCHAR, duckdb.TYPE_BIGINT, jsonArrayLength)},
		"weir_json_array_get_text": {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_BIGINT, duckdb.TYPE_VARCHAR, jsonArrayGet)},
		"weir_json_array_contains": {
			jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_BIGINT, duckdb.TYPE_BOOLEAN, jsonArrayContains),
			jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_DOUBLE, duckdb.TYPE_BOOLEAN, jsonArrayContains),
			jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_BOOLEAN, duckdb.TYPE_BOOLEAN, jsonArrayContains),
			jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_BOOLEAN, jsonArrayContains),
		},
		"weir_is_json_scalar":   {jsonFunc1(duckdb.TYPE_VARCHAR, duckdb.TYPE_BOOLEAN, isJSONScalar)},
		"weir_json_parse_text":  {jsonFunc1(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonParse)},
		"weir_json_exists":      {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_BOOLEAN, jsonExists)},
		"weir_json_value":       {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonValue)},
		"weir_json_query":       {jsonFunc2(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonQuery)},
		"weir_json_format_text": {jsonFunc1(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonFormatLiteral)},
		// Casts; see trino_json_cast.go.
		"weir_to_json_text":    {&jsonUDF{in: []duckdb.Type{duckdb.TYPE_ANY}, out: duckdb.TYPE_VARCHAR, fn: toJSONText}},
		"weir_json_to_varchar": {jsonFunc1(duckdb.TYPE_VARCHAR, duckdb.TYPE_VARCHAR, jsonToVarchar)},
	},
}

// jsonRule renames a call with n arguments to name after check (if any)
// accepted it. DuckDB keeps the text of a JSON literal (JSON '...') as
// written, where Trino holds the text json_parse makes of it; a literal
// first argument therefore calls name+"_lit", which canonicalises it
// first. Other casts to JSON mean something else in DuckDB (CAST('abc'
// AS JSON) is a JSON string in Trino) and are refused as arguments.
func jsonRule(name string, n int, check func(c *funcCall) error) funcRule {
	return func(c *funcCall) (string, error) {
		if c.nargs() != n {
			return "", c.notSupported("%s() takes %d argument(s) in weir, not %d", c.name, n, c.nargs())
		}
		if check != nil {
			if err := check(c); err != nil {
				return "", err
			}
		}
		switch jsonCastKind(c.args[0]) {
		case jsonCastLiteral:
			if c.name == "json_parse" {
				return "", c.notSupported("json_parse() takes varchar, not a JSON literal")
			}
			return name + "_lit", nil
		case jsonCastExplicit:
			return "", c.notSupported("CAST(... AS JSON) as the argument of %s() is not supported yet; use json_parse()", c.name)
		}
		return name, nil
	}
}

// jsonCast is how an argument casts to JSON.
type jsonCast uint8

const (
	jsonCastNone     jsonCast = iota
	jsonCastLiteral           // JSON '...'
	jsonCastExplicit          // CAST(x AS JSON), TRY_CAST(x AS JSON)
)

// jsonCastKind tells a JSON literal from other casts to JSON: DuckDB
// parses JSON '...' into a cast without a position.
func jsonCastKind(a map[string]any) jsonCast {
	if a["class"] != "CAST" {
		return jsonCastNone
	}
	t, _ := a["cast_type"].(map[string]any)
	info, _ := t["type_info"].(map[string]any)
	if !strings.EqualFold(str(t["id"]), "JSON") && !strings.EqualFold(str(info["user_type_name"]), "JSON") {
		return jsonCastNone
	}
	child, _ := a["child"].(map[string]any)
	loc, _ := a["query_location"].(float64)
	if child["class"] == "CONSTANT" && a["try_cast"] != true && loc >= 1<<62 {
		return jsonCastLiteral
	}
	return jsonCastExplicit
}

// jsonCheckPath rejects a constant json_extract path that Trino rejects,
// when the query is planned.
func jsonCheckPath(c *funcCall) error {
	if p, ok := c.constString(1); ok {
		if _, ok := parseJSONPath(p); !ok {
			return query.ErrorAt("INVALID_FUNCTION_ARGUMENT", c.offset, "Invalid JSON path: '%s'", p)
		}
	}
	return nil
}

// jsonCheckSQLPath requires an SQL/JSON path to be a literal, as Trino's
// grammar does, and within the subset weir evaluates.
func jsonCheckSQLPath(c *funcCall) error {
	p, ok := c.constString(1)
	if !ok {
		return c.notSupported("%s() needs its JSON path as a string literal", c.name)
	}
	if _, err := parseSQLJSONPath(p); err != nil {
		return c.notSupported("%s(): %v", c.name, err)
	}
	return nil
}

// jsonUDF is a Go scalar function of the JSON family.
type jsonUDF struct {
	in  []duckdb.Type
	out duckdb.Type
	fn  func(args []driver.Value) (any, error)
}

func jsonFunc1(in, out duckdb.Type, fn func(args []driver.Value) (any, error)) *jsonUDF {
	return &jsonUDF{in: []duckdb.Type{in}, out: out, fn: fn}
}

func jsonFunc2(in1, in2, out duckdb.Type, fn func(args []driver.Value) (any, error)) *jsonUDF {
	return &jsonUDF{in: []duckdb.Type{in1, in2}, out: out, fn: fn}
}

// Config declares the function's types; NULL arguments give NULL.
func (u *jsonUDF) Config() duckdb.ScalarFuncConfig {
	var in []duckdb.TypeInfo
	for _, t := range u.in {
		ti, _ := duckdb.NewTypeInfo(t)
		in = append(in, ti)
	}
	out, _ := duckdb.NewTypeInfo(u.out)
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: out}
}

// Executor runs the function row by row.
func (u *jsonUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: u.fn}
}

// jsonPathFunc adapts a json_extract leaf to a function of (json, path).
func jsonPathFunc(leaf func(l *jsonLexer) (any, error)) func(args []driver.Value) (any, error) {
	return func(args []driver.Value) (any, error) {
		text, _ := args[0].(string)
		path, _ := args[1].(string)
		steps, ok := parseJSONPath(path)
		if !ok {
			return nil, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid JSON path: '%s'", path)
		}
		return jsonExtract(text, steps, leaf)
	}
}

// jsonArrayLength is json_array_length: NULL unless the text starts with
// a well-formed array.
func jsonArrayLength(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	l := newJSONLexer(text)
	if k, err := l.next(); err != nil || k != jsonStartArray {
		return nil, nil
	}
	var n int64
	for {
		k, err := l.next()
		if err != nil || k == jsonEOF {
			return nil, nil
		}
		if k == jsonEndArray {
			return n, nil
		}
		if l.skipChildren() != nil {
			return nil, nil
		}
		n++
	}
}

// jsonArrayGet is json_array_get: the element at a zero-based index,
// counted from the end when negative. Trino returns a string element
// as invalid JSON (its text without quotes) in some versions and as a
// JSON string in others, so weir refuses string elements.
func jsonArrayGet(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	index, _ := args[1].(int64)
	if index == math.MinInt64 {
		return nil, nil
	}
	l := newJSONLexer(text)
	if k, err := l.next(); err != nil || k != jsonStartArray {
		return nil, nil
	}
	if index < 0 {
		var n int64
		for {
			k, err := l.next()
			if err != nil || k == jsonEOF {
				return nil, nil
			}
			if k == jsonEndArray {
				break
			}
			if l.skipChildren() != nil {
				return nil, nil
			}
			n++
		}
		if n+index < 0 {
			return nil, nil
		}
		index += n
		l = newJSONLexer(text)
		l.next()
	}
	for i := int64(0); ; i++ {
		k, err := l.next()
		if err != nil || k == jsonEOF || k == jsonEndArray {
			return nil, nil
		}
		if i == index {
			break
		}
		if l.skipChildren() != nil {
			return nil, nil
		}
	}
	switch l.kind {
	case jsonNull:
		return nil, nil
	case jsonString:
		return nil, fmt.Errorf("NOT_SUPPORTED: json_array_get() of a string element is not supported: Trino versions disagree on its result; use json_extract(json, '$[%d]') or json_extract_scalar", index)
	case jsonInt, jsonFloat:
		return l.raw(), nil
	case jsonTrue, jsonFalse:
		return l.raw(), nil
	}
	n, err := l.parseTree(0)
	if err != nil {
		return nil, nil
	}
	if n.hasFloatOrDuplicate() {
		return nil, fmt.Errorf("NOT_SUPPORTED: json_array_get() of an element holding non-integer numbers or duplicate keys is not supported: Trino versions disagree on its result; use json_extract(json, '$[%d]')", index)
	}
	var b strings.Builder
	n.writeOrdered(&b)
	return b.String(), nil
}

// hasFloatOrDuplicate reports whether a tree holds a floating point
// number or an object with a repeated member name.
func (n *jsonNode) hasFloatOrDuplicate() bool {
	if n.kind == jsonFloat || n.dups {
		return true
	}
	for _, e := range n.elems {
		if e.hasFloatOrDuplicate() {
			return true
		}
	}
	return false
}

// writeOrdered writes a tree compactly with members in the order written
// (Jackson's JsonNode.toString).
func (n *jsonNode) writeOrdered(b *strings.Builder) { n.write(b, false) }

// writeSorted writes n as Trino's json_parse does: objects with their
// members sorted by name (Java string order), numbers as Java reads them.
func (n *jsonNode) writeSorted(b *strings.Builder) { n.write(b, true) }

// write writes n compactly, with object members sorted by name or in the
// order written.
func (n *jsonNode) write(b *strings.Builder, sorted bool) {
	switch n.kind {
	case jsonStartArray:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b, sorted)
		}
		b.WriteByte(']')
	case jsonStartObject:
		order := make([]int, len(n.keys))
		for i := range order {
			order[i] = i
		}
		if sorted {
			sort.Slice(order, func(i, j int) bool { return javaStringLess(n.keys[order[i]], n.keys[order[j]]) })
		}
		b.WriteByte('{')
		for i, j := range order {
			if i > 0 {
				b.WriteByte(',')
			}
			jsonWriteString(b, n.keys[j])
			b.WriteByte(':')
			n.elems[j].write(b, sorted)
		}
		b.WriteByte('}')
	case jsonString:
		jsonWriteString(b, n.text)
	case jsonInt:
		b.WriteString(jsonBigIntText(n.text))
	case jsonFloat:
		b.WriteString(jsonDoubleText(n.text))
	default:
		b.WriteString(n.text)
	}
}

// jsonArrayContains is json_array_contains for a bigint, double, boolean
// or varchar value: whether a top-level element of the array is that
// value (a bigint matches integer tokens only, a double non-integer ones).
func jsonArrayContains(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	if f, ok := args[1].(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return false, nil
	}
	l := newJSONLexer(text)
	if k, err := l.next(); err != nil || k != jsonStartArray {
		return nil, nil
	}
	for {
		k, err := l.next()
		if err != nil || k == jsonEOF {
			return nil, nil
		}
		if k == jsonEndArray {
			return false, nil
		}
		if l.skipChildren() != nil {
			return nil, nil
		}
		switch v := args[1].(type) {
		case int64:
			if k == jsonInt {
				if n, err := strconv.ParseInt(l.raw(), 10, 64); err == nil && n == v {
					return true, nil
				}
			}
		case float64:
			if k == jsonFloat {
				if f, err := strconv.ParseFloat(l.raw(), 64); err == nil && f == v {
					return true, nil
				}
			}
		case bool:
			if k == jsonTrue && v || k == jsonFalse && !v {
				return true, nil
			}
		case string:
			if k == jsonString && l.text() == v {
				return true, nil
			}
		}
	}
}

// isJSONScalar is is_json_scalar; text that is not one JSON value is an
// error.
func isJSONScalar(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	invalid := fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Invalid JSON value: %s", jsonTruncate(text))
	l := newJSONLexer(text)
	k, err := l.next()
	if err != nil || k == jsonEOF {
		return nil, invalid
	}
	scalar := k.isScalar()
	if l.skipChildren() != nil {
		return nil, invalid
	}
	if k, err := l.next(); err != nil || k != jsonEOF {
		return nil, invalid
	}
	return scalar, nil
}

// jsonTruncate shortens a value for an error message as Trino does.
func jsonTruncate(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "...(truncated)"
}

// jsonParse is json_parse: the text as one JSON value with object members
// sorted by name and numbers as Java reads them.
func jsonParse(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	out, err := jsonCanonical(text)
	if err != nil {
		return nil, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Cannot convert value to JSON: '%s'", text)
	}
	return out, nil
}

// jsonCanonical is the text Trino's json_parse makes of text.
func jsonCanonical(text string) (string, error) {
	l := newJSONLexer(text)
	k, err := l.next()
	if err != nil {
		return "", err
	}
	if k == jsonEOF {
		return "", errJSONSyntax
	}
	n, err := l.parseTree(0)
	if err != nil {
		return "", err
	}
	if k, err := l.next(); err != nil || k != jsonEOF {
		return "", errJSONSyntax
	}
	var b strings.Builder
	n.writeSorted(&b)
	return b.String(), nil
}

// jsonFormatLiteral is the text of a JSON literal as Trino holds it.
func jsonFormatLiteral(args []driver.Value) (any, error) {
	text, _ := args[0].(string)
	out, err := jsonCanonical(text)
	if err != nil {
		return nil, fmt.Errorf("INVALID_LITERAL: '%s' is not a valid JSON literal", text)
	}
	return out, nil
}

// sqlJSONArgs reads the input and path of json_exists, json_value and
// json_query. err is set when the input is not JSON or the path fails
// (both handled by the functions' ON ERROR defaults).
func sqlJSONArgs(args []driver.Value) (items []*jsonNode, err error) {
	text, _ := args[0].(string)
	path, _ := args[1].(string)
	p, perr := parseSQLJSONPath(path)
	if perr != nil {
		return nil, fmt.Errorf("NOT_SUPPORTED: %v", perr)
	}
	root, err := parseSQLJSONInput(text)
	if err != nil {
		return nil, errSQLJSONPath
	}
	// A path evaluation error is handled by the caller's ON ERROR
	// default; errSQLJSONTooMany (NOT_SUPPORTED) is not.
	return p.eval(root)
}

// jsonExists is json_exists with its default FALSE ON ERROR.
func jsonExists(args []driver.Value) (any, error) {
	items, err := sqlJSONArgs(args)
	if err != nil {
		if strings.HasPrefix(err.Error(), "NOT_SUPPORTED") {
			return nil, err
		}
		return false, nil
	}
	return len(items) > 0, nil
}

// jsonValue is json_value RETURNING varchar with its defaults NULL ON
// EMPTY and NULL ON ERROR: the one scalar the path selects, as text.
func jsonValue(args []driver.Value) (any, error) {
	items, err := sqlJSONArgs(args)
	if err != nil {
		if strings.HasPrefix(err.Error(), "NOT_SUPPORTED") {
			return nil, err
		}
		return nil, nil
	}
	if len(items) != 1 {
		return nil, nil
	}
	it := items[0]
	switch it.kind {
	case jsonString:
		return it.text, nil
	case jsonTrue, jsonFalse:
		return it.text, nil
	case jsonInt:
		n, err := strconv.ParseInt(it.text, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("NOT_SUPPORTED: json_value() of the integer %s, beyond bigint, is not supported", it.text)
		}
		return strconv.FormatInt(n, 10), nil
	case jsonFloat:
		return nil, errors.New("NOT_SUPPORTED: json_value() of a non-integer number is not supported: Trino versions print doubles as varchar differently (1.5 or 1.5E0)")
	}
	return nil, nil // null, arrays and objects
}

// jsonQuery is json_query with its defaults (WITHOUT ARRAY WRAPPER, KEEP
// QUOTES, NULL ON EMPTY, NULL ON ERROR): the one item the path selects,
// as JSON text.
func jsonQuery(args []driver.Value) (any, error) {
	items, err := sqlJSONArgs(args)
	if err != nil {
		if strings.HasPrefix(err.Error(), "NOT_SUPPORTED") {
			return nil, err
		}
		return nil, nil
	}
	if len(items) != 1 {
		return nil, nil
	}
	var b strings.Builder
	items[0].writeOrdered(&b)
	return b.String(), nil
}

// jsonLiteralMacros defines the _lit variants jsonRule calls for a JSON
// literal first argument: the same function on the literal's canonical
// text.
func jsonLiteralMacros() []string {
	twoArgs := []string{"json_extract", "json_extract_scalar", "json_size", "json_array_get", "json_array_contains", "json_exists", "json_value", "json_query"}
	oneArg := []string{"json_array_length", "is_json_scalar"}
	var out []string
	for _, f := range twoArgs {
		out = append(out, fmt.Sprintf("CREATE OR REPLACE MACRO weir_%s_lit(j, a) AS weir_%s(weir_json_format_text(j), a)", f, f))
	}
	for _, f := range oneArg {
		out = append(out, fmt.Sprintf("CREATE OR REPLACE MACRO weir_%s_lit(j) AS weir_%s(weir_json_format_text(j))", f, f))
	}
	return append(out, "CREATE OR REPLACE MACRO weir_json_format_lit(j) AS weir_json_format_text(j)")
}

var _ duckdb.ScalarFunc = (*jsonUDF)(nil)
