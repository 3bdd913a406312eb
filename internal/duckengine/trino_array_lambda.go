package duckengine

import (
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// Trino lambdas with several parameters, such as map_filter(m, (k, v) ->
// v > 1), cannot be handed to DuckDB as they are: DuckDB's list functions
// read a lambda's second parameter as the element's index. The rewrite
// here turns such a lambda, in the query text, into a DuckDB lambda of one
// parameter, a struct whose fields f1, f2, ... hold the Trino parameters,
// and each use of a parameter in the body into a field access:
//
//	(k, v) -> v > length(k)   becomes   __weir_l31 -> __weir_l31.f2 > length(__weir_l31.f1)
//
// The macro the call is renamed to builds the structs. The new parameter
// is named after the lambda's position, so that lambdas nested in one
// another keep apart. Only parameter names are edited; calls in the body
// are renamed by their own rules as usual.

// arrayLambdaShape describes how arrayRewriteLambda rewrites a lambda.
type arrayLambdaShape struct {
	// params is the number of parameters the Trino lambda takes.
	params int
	// head returns the new parameter list, given the lambda's unique name.
	head func(id string) string
	// ref returns what parameter k (from 0) becomes.
	ref func(id string, k int) string
	// wrap, if set, returns text to put before and after the body.
	wrap func(id string) (before, after string)
}

// arrayLambdaStruct is the shape of a lambda of n parameters rewritten to take
// one struct(f1, ..., fn).
func arrayLambdaStruct(n int) arrayLambdaShape {
	return arrayLambdaShape{
		params: n,
		head:   func(id string) string { return id },
		ref:    func(id string, k int) string { return fmt.Sprintf("%s.f%d", id, k+1) },
	}
}

// arrayLambdaReduce is the shape of reduce's input function (s, x) -> ...: a
// DuckDB list_reduce lambda over struct(f1 state, f2 element) values that
// returns such a struct.
func arrayLambdaReduce() arrayLambdaShape {
	return arrayLambdaShape{
		params: 2,
		head:   func(id string) string { return "(" + id + "_s, " + id + "_x)" },
		ref: func(id string, k int) string {
			if k == 0 {
				return id + "_s.f1"
			}
			return id + "_x.f2"
		},
		wrap: func(id string) (string, string) { return " {'f1': (", "), 'f2': " + id + "_x.f2}" },
	}
}

// arrayLambdaArg returns argument i of c when it is a lambda, with its
// parameter names.
func arrayLambdaArg(c *funcCall, i int) (lam map[string]any, params []string, err error) {
	if i >= len(c.args) || c.args[i]["class"] != "LAMBDA" {
		return nil, nil, arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function %s: argument %d must be a lambda expression", c.name, i+1)
	}
	lam = c.args[i]
	lhs, _ := lam["lhs"].(map[string]any)
	switch {
	case lhs["class"] == "COLUMN_REF":
		params = arrayColumnNames(lhs)
	case lhs["class"] == "FUNCTION" && str(lhs["function_name"]) == "row":
		children, _ := lhs["children"].([]any)
		for _, ch := range children {
			m, _ := ch.(map[string]any)
			names := arrayColumnNames(m)
			if m["class"] != "COLUMN_REF" || len(names) != 1 {
				return nil, nil, arrayCallError(c, "SYNTAX_ERROR", "%s(): a lambda's parameters must be plain names", c.name)
			}
			params = append(params, names[0])
		}
	}
	if len(params) == 0 || (lhs["class"] == "COLUMN_REF" && len(params) != 1) {
		return nil, nil, arrayCallError(c, "SYNTAX_ERROR", "%s(): a lambda's parameters must be plain names", c.name)
	}
	return lam, params, nil
}

// arrayCheckLambda checks that argument i of c is a lambda of n parameters.
func arrayCheckLambda(c *funcCall, i, n int) error {
	_, params, err := arrayLambdaArg(c, i)
	if err != nil {
		return err
	}
	if len(params) != n {
		return arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function %s: expected a lambda that takes %d argument(s) but got %d", c.name, n, len(params))
	}
	return nil
}

// arrayRewriteLambda rewrites the lambda in argument i of c to shape.
func arrayRewriteLambda(c *funcCall, i int, shape arrayLambdaShape) error {
	lam, params, err := arrayLambdaArg(c, i)
	if err != nil {
		return err
	}
	if len(params) != shape.params {
		return arrayCallError(c, "FUNCTION_NOT_FOUND", "Unexpected parameters for function %s: expected a lambda that takes %d argument(s) but got %d", c.name, shape.params, len(params))
	}
	refuse := func() error {
		return c.notSupported("%s(): cannot rewrite its lambda expression for DuckDB", c.name)
	}
	arrow := intOf(lam["query_location"])
	if arrow < 0 || arrow+2 > len(c.sql) || c.sql[arrow:arrow+2] != "->" {
		return refuse()
	}
	lhs, _ := lam["lhs"].(map[string]any)
	start := intOf(lhs["query_location"])
	if start < 0 || start >= arrow {
		return refuse()
	}
	id := fmt.Sprintf("__weir_l%d", arrow)
	c.edits.Replace(statement.Span{Start: start, End: arrow}, shape.head(id)+" ")

	var refs []arrayLambdaRef
	arrayCollectLambdaRefs(lam["expr"], params, &refs)
	for _, r := range refs {
		end := scanIdentifier(c.sql, r.offset)
		if r.offset < 0 || r.offset >= len(c.sql) || !strings.EqualFold(strings.Trim(c.sql[r.offset:end], `"`), params[r.param]) {
			return refuse()
		}
		c.edits.Replace(statement.Span{Start: r.offset, End: end}, shape.ref(id, r.param))
	}
	if shape.wrap != nil {
		end, ok := arrayArgEnd(c.sql, arrow+2)
		if !ok {
			return refuse()
		}
		before, after := shape.wrap(id)
		c.edits.Replace(statement.Span{Start: arrow + 2, End: arrow + 2}, before)
		c.edits.Replace(statement.Span{Start: end, End: end}, after)
	}
	return nil
}

// arrayLambdaRef is a use of a lambda parameter in its body.
type arrayLambdaRef struct {
	offset int // of the name in the query
	param  int // which parameter
}

// arrayCollectLambdaRefs finds the column references in v that name one of
// params, leaving out those inside nested lambdas that declare the name
// again.
func arrayCollectLambdaRefs(v any, params []string, out *[]arrayLambdaRef) {
	switch n := v.(type) {
	case []any:
		for _, c := range n {
			arrayCollectLambdaRefs(c, params, out)
		}
	case map[string]any:
		switch n["class"] {
		case "COLUMN_REF":
			names := arrayColumnNames(n)
			if len(names) == 0 {
				return
			}
			for k, p := range params {
				if p != "" && strings.EqualFold(names[0], p) {
					*out = append(*out, arrayLambdaRef{offset: intOf(n["query_location"]), param: k})
					return
				}
			}
			return
		case "LAMBDA":
			inner := append([]string(nil), params...)
			lhs, _ := n["lhs"].(map[string]any)
			var declared []string
			if lhs["class"] == "COLUMN_REF" {
				declared = arrayColumnNames(lhs)
			} else {
				children, _ := lhs["children"].([]any)
				for _, ch := range children {
					m, _ := ch.(map[string]any)
					declared = append(declared, arrayColumnNames(m)...)
				}
			}
			for k, p := range inner {
				for _, d := range declared {
					if strings.EqualFold(p, d) {
						inner[k] = "" // shadowed
					}
				}
			}
			arrayCollectLambdaRefs(n["expr"], inner, out)
			return
		}
		for k, c := range n {
			if k != "query_location" {
				arrayCollectLambdaRefs(c, params, out)
			}
		}
	}
}

// arrayColumnNames returns the name parts of a COLUMN_REF node.
func arrayColumnNames(n map[string]any) []string {
	parts, _ := n["column_names"].([]any)
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, str(p))
	}
	return out
}
