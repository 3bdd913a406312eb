package duckengine

import (
	"math"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// The fast parser's nodes, built as DuckDB's json_serialize_sql writes
// them: types, constants, casts, functions, operators.

// castTypes are the type names the parser turns into DuckDB type ids.
var castTypes = map[string]string{
	"VARCHAR": "VARCHAR", "BIGINT": "BIGINT", "INTEGER": "INTEGER", "INT": "INTEGER",
	"SMALLINT": "SMALLINT", "TINYINT": "TINYINT", "DOUBLE": "DOUBLE", "REAL": "FLOAT",
	"BOOLEAN": "BOOLEAN", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP",
}

// castType parses a type: a plain name, VARCHAR(n) or DECIMAL(p, s).
func (p *fastParser) castType() map[string]any {
	t := p.tok()
	if t.Kind != statement.TokenIdent {
		p.decline()
	}
	up := strings.ToUpper(t.Text)
	p.pos++
	if up == "DECIMAL" {
		p.expectOp("(")
		width := p.smallInt()
		p.expectOp(",")
		scale := p.smallInt()
		p.expectOp(")")
		if width < 1 || width > 38 || scale > width {
			p.decline()
		}
		return p.typeObject("DECIMAL", p.decimalInfo(width, scale))
	}
	id := castTypes[up]
	if id == "" {
		p.decline()
	}
	if up == "VARCHAR" && p.acceptOp("(") {
		p.smallInt()
		p.expectOp(")")
	}
	if p.peekOp("(") || p.peekOp("[") || p.peekWord("WITH") || p.peekWord("ARRAY") {
		p.decline()
	}
	return p.typeObject(id, nil)
}

func (p *fastParser) smallInt() int {
	t := p.tok()
	if t.Kind != statement.TokenNumber {
		p.decline()
	}
	n, err := strconv.Atoi(t.Text)
	if err != nil || n > 1000 {
		p.decline()
	}
	p.pos++
	return n
}

func (p *fastParser) typeObject(id string, info any) map[string]any {
	m := make(map[string]any, 2)
	p.set(m, "id", id)
	p.set(m, "type_info", info)
	return m
}

func (p *fastParser) decimalInfo(width, scale int) map[string]any {
	m := make(map[string]any, 5)
	p.set(m, "alias", "")
	p.set(m, "extension_info", nil)
	p.set(m, "scale", float64(scale))
	p.set(m, "type", "DECIMAL_TYPE_INFO")
	p.set(m, "width", float64(width))
	return m
}

// number types a numeric literal as DuckDB does: INTEGER, BIGINT, or
// DECIMAL(width, scale) with its digits as the value.
func (p *fastParser) number(text string, loc float64) any {
	if i := strings.IndexByte(text, '.'); i >= 0 {
		digits := text[:i] + text[i+1:]
		width, scale := len(digits), len(text)-i-1
		if width > 18 {
			p.decline()
		}
		v, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			p.decline()
		}
		return p.constant("DECIMAL", p.decimalInfo(width, scale), float64(v), false, loc)
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.decline()
	}
	id := "BIGINT"
	if v <= math.MaxInt32 {
		id = "INTEGER"
	}
	return p.constant(id, nil, float64(v), false, loc)
}

func (p *fastParser) constant(id string, info any, v any, isNull bool, loc float64) map[string]any {
	val := make(map[string]any, 3)
	p.set(val, "is_null", isNull)
	p.set(val, "type", p.typeObject(id, info))
	if !isNull {
		p.set(val, "value", v)
	}
	m := make(map[string]any, 5)
	p.set(m, "alias", "")
	p.set(m, "class", "CONSTANT")
	p.set(m, "query_location", loc)
	p.set(m, "type", "VALUE_CONSTANT")
	p.set(m, "value", val)
	return m
}

func (p *fastParser) cast(typ map[string]any, child any, try bool, loc float64) any {
	m := make(map[string]any, 7)
	p.set(m, "alias", "")
	p.set(m, "cast_type", typ)
	p.set(m, "child", child)
	p.set(m, "class", "CAST")
	p.set(m, "query_location", loc)
	p.set(m, "try_cast", try)
	p.set(m, "type", "OPERATOR_CAST")
	return m
}

func (p *fastParser) function(name string, children []any, loc float64, operator, distinct bool) any {
	m := make(map[string]any, 13)
	p.set(m, "alias", "")
	p.set(m, "catalog", "")
	p.set(m, "children", children)
	p.set(m, "class", "FUNCTION")
	p.set(m, "distinct", distinct)
	p.set(m, "export_state", false)
	p.set(m, "filter", nil)
	p.set(m, "function_name", name)
	p.set(m, "is_operator", operator)
	ob := make(map[string]any, 2)
	p.set(ob, "orders", []any{})
	p.set(ob, "type", "ORDER_MODIFIER")
	p.set(m, "order_bys", ob)
	p.set(m, "query_location", loc)
	p.set(m, "schema", "")
	p.set(m, "type", "FUNCTION")
	return m
}

func (p *fastParser) comparison(typ string, left, right any, loc float64) any {
	m := make(map[string]any, 6)
	p.set(m, "alias", "")
	p.set(m, "class", "COMPARISON")
	p.set(m, "left", left)
	p.set(m, "query_location", loc)
	p.set(m, "right", right)
	p.set(m, "type", typ)
	return m
}

func (p *fastParser) operator(typ string, children []any, loc float64) any {
	m := make(map[string]any, 5)
	p.set(m, "alias", "")
	p.set(m, "children", children)
	p.set(m, "class", "OPERATOR")
	p.set(m, "query_location", loc)
	p.set(m, "type", typ)
	return m
}

// conjunction combines left and right under AND or OR, flattening nested
// conjunctions of the same type as DuckDB does; the node keeps the
// position of the leftmost operator.
func (p *fastParser) conjunction(typ string, left, right any, loc float64) any {
	var children []any
	l, _ := left.(map[string]any)
	if l != nil && l["class"] == "CONJUNCTION" && l["type"] == typ {
		children = l["children"].([]any)
		loc = l["query_location"].(float64)
	} else {
		children = []any{left}
	}
	if r, _ := right.(map[string]any); r != nil && r["class"] == "CONJUNCTION" && r["type"] == typ {
		children = append(children, r["children"].([]any)...)
	} else {
		children = append(children, right)
	}
	m := make(map[string]any, 5)
	p.set(m, "alias", "")
	p.set(m, "children", children)
	p.set(m, "class", "CONJUNCTION")
	p.set(m, "query_location", loc)
	p.set(m, "type", typ)
	return m
}

func (p *fastParser) subquery(typ, cmp string, child any, q map[string]any, loc float64) any {
	m := make(map[string]any, 8)
	p.set(m, "alias", "")
	p.set(m, "child", child)
	p.set(m, "class", "SUBQUERY")
	p.set(m, "comparison_type", cmp)
	p.set(m, "query_location", loc)
	p.set(m, "subquery", p.wrap(q))
	p.set(m, "subquery_type", typ)
	p.set(m, "type", "SUBQUERY")
	return m
}
