package duckengine

import (
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// The fast parser's expressions: operators by precedence, predicates,
// calls, windows, CASE.

var comparisons = map[string]string{
	"=": "COMPARE_EQUAL", "<>": "COMPARE_NOTEQUAL", "!=": "COMPARE_NOTEQUAL",
	"<": "COMPARE_LESSTHAN", ">": "COMPARE_GREATERTHAN",
	"<=": "COMPARE_LESSTHANOREQUALTO", ">=": "COMPARE_GREATERTHANOREQUALTO",
}

// expr parses an expression whose operators bind at least as tightly as
// level min.
func (p *fastParser) expr(min int) any {
	var left any
	if min <= precNot && p.peekWord("NOT") {
		loc := p.loc()
		p.pos++
		if p.peekWord("EXISTS") {
			p.decline()
		}
		operand := p.expr(precNot)
		if !notOperand(operand) {
			p.decline()
		}
		left = p.operator("OPERATOR_NOT", []any{operand}, loc)
	} else {
		left, _ = p.unary()
	}
	for {
		t := p.tok()
		loc := float64(t.Span.Start)
		switch {
		case min <= precOr && p.peekWord("OR"):
			p.pos++
			left = p.conjunction("CONJUNCTION_OR", left, p.expr(precAnd), loc)
		case min <= precAnd && p.peekWord("AND"):
			p.pos++
			left = p.conjunction("CONJUNCTION_AND", left, p.expr(precNot), loc)
		case min <= precIs && p.peekWord("IS"):
			p.pos++
			not := p.acceptWord("NOT")
			switch {
			case p.acceptWord("NULL"):
				typ := "OPERATOR_IS_NULL"
				if not {
					typ = "OPERATOR_IS_NOT_NULL"
				}
				left = p.operator(typ, []any{left}, loc)
			case p.acceptWord("DISTINCT"):
				p.expectWord("FROM")
				typ := "COMPARE_DISTINCT_FROM"
				if not {
					typ = "COMPARE_NOT_DISTINCT_FROM"
				}
				left = p.comparison(typ, left, p.expr(precCompare), loc)
			default:
				p.decline()
			}
			if p.peekWord("IS") || comparisons[p.tok().Text] != "" && p.tok().Kind == statement.TokenOp {
				p.decline() // non-associative
			}
		case min <= precCompare && t.Kind == statement.TokenOp && comparisons[t.Text] != "":
			p.pos++
			if p.peekWord("ANY") || p.peekWord("ALL") || p.peekWord("SOME") {
				p.decline()
			}
			left = p.comparison(comparisons[t.Text], left, p.expr(precLike), loc)
			if t := p.tok(); t.Kind == statement.TokenOp && comparisons[t.Text] != "" {
				p.decline() // non-associative
			}
		case min <= precLike && (p.peekWord("BETWEEN") || p.peekWord("IN") || p.peekWord("LIKE") || p.peekWord("ILIKE") ||
			p.peekWord("NOT") && (p.peekWordAt(1, "BETWEEN") || p.peekWordAt(1, "IN") || p.peekWordAt(1, "LIKE") || p.peekWordAt(1, "ILIKE"))):
			left = p.predicate(left)
			if p.peekWord("BETWEEN") || p.peekWord("IN") || p.peekWord("LIKE") || p.peekWord("ILIKE") || p.peekWord("NOT") ||
				p.peekWord("ESCAPE") || p.peekWord("SIMILAR") || p.peekWord("GLOB") {
				p.decline()
			}
		case min <= precOther && p.peekOp("||"):
			p.pos++
			left = p.function("||", []any{left, p.expr(precAdd)}, loc, true, false)
		case min <= precAdd && (p.peekOp("+") || p.peekOp("-")):
			p.pos++
			left = p.function(t.Text, []any{left, p.expr(precMul)}, loc, true, false)
		case min <= precMul && (p.peekOp("*") || p.peekOp("/") || p.peekOp("%")):
			p.pos++
			left = p.function(t.Text, []any{left, p.expr(precUnary)}, loc, true, false)
		default:
			if t.Kind == statement.TokenOp && strings.ContainsAny(t.Text, "^[{?:") ||
				p.peekWord("COLLATE") || p.peekWord("AT") || p.peekWord("SIMILAR") || p.peekWord("GLOB") ||
				p.peekWord("ISNULL") || p.peekWord("NOTNULL") || p.peekWord("ESCAPE") {
				p.decline()
			}
			return left
		}
	}
}

// notOperand reports whether NOT over e stays an OPERATOR_NOT node in
// DuckDB's tree (it folds NOT into comparisons and some predicates).
func notOperand(e any) bool {
	m, ok := e.(map[string]any)
	if !ok {
		return false
	}
	switch m["class"] {
	case "COLUMN_REF", "CONJUNCTION":
		return true
	case "FUNCTION":
		return m["is_operator"] != true
	}
	return false
}

// predicate parses [NOT] BETWEEN | IN | LIKE | ILIKE after left.
func (p *fastParser) predicate(left any) any {
	notLoc := p.loc()
	not := p.acceptWord("NOT")
	loc := p.loc()
	switch {
	case p.acceptWord("BETWEEN"):
		if p.peekWord("SYMMETRIC") || p.peekWord("ASYMMETRIC") {
			p.decline()
		}
		lower := p.expr(precOther)
		p.expectWord("AND")
		upper := p.expr(precOther)
		m := make(map[string]any, 7)
		p.set(m, "alias", "")
		p.set(m, "class", "BETWEEN")
		p.set(m, "input", left)
		p.set(m, "lower", lower)
		if not {
			p.set(m, "query_location", noLocation)
		} else {
			p.set(m, "query_location", loc)
		}
		p.set(m, "type", "COMPARE_BETWEEN")
		p.set(m, "upper", upper)
		if not {
			return p.operator("OPERATOR_NOT", []any{m}, notLoc)
		}
		return m
	case p.acceptWord("IN"):
		p.expectOp("(")
		if p.peekWord("SELECT") || p.peekWord("WITH") {
			if not {
				p.decline()
			}
			q := p.query()
			p.expectOp(")")
			return p.subquery("ANY", "COMPARE_EQUAL", left, q, loc)
		}
		children := []any{left}
		for {
			children = append(children, p.expr(0))
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
		if not {
			return p.operator("COMPARE_NOT_IN", children, notLoc)
		}
		return p.operator("COMPARE_IN", children, loc)
	case p.peekWord("LIKE") || p.peekWord("ILIKE"):
		op := "~~"
		if p.peekWord("ILIKE") {
			op = "~~*"
		}
		p.pos++
		right := p.expr(precOther)
		if p.peekWord("ESCAPE") {
			p.decline()
		}
		if not {
			return p.function("!"+op, []any{left, right}, notLoc, true, false)
		}
		return p.function(op, []any{left, right}, loc, true, false)
	}
	p.decline()
	return nil
}

// unary parses [-] primary. lit reports a numeric literal, which a minus
// before it folds into (DuckDB types the literal by its magnitude first,
// so -2147483648 is a BIGINT, and moves the position to the minus).
func (p *fastParser) unary() (e any, lit bool) {
	if p.peekOp("-") {
		loc := p.loc()
		p.pos++
		operand, lit := p.unary()
		if lit {
			c := operand.(map[string]any)
			val := c["value"].(map[string]any)
			val["value"] = -val["value"].(float64)
			c["query_location"] = loc
			return c, true
		}
		if m, _ := operand.(map[string]any); m["class"] == "CONSTANT" {
			p.decline() // -'x' and -NULL: DuckDB moves the constant's position
		}
		return p.function("-", []any{operand}, loc, true, false), false
	}
	if p.peekOp("+") {
		p.decline()
	}
	return p.primary()
}

// primary parses a literal, column reference, function call, CASE, CAST,
// EXISTS, or a parenthesized expression or subquery.
func (p *fastParser) primary() (any, bool) {
	t := p.tok()
	loc := float64(t.Span.Start)
	switch t.Kind {
	case statement.TokenNumber:
		p.pos++
		return p.number(t.Text, loc), true
	case statement.TokenString:
		p.pos++
		return p.constant("VARCHAR", nil, t.Value, false, loc), false
	case statement.TokenOp:
		if t.Text != "(" {
			p.decline()
		}
		p.pos++
		if p.peekWord("SELECT") || p.peekWord("WITH") {
			q := p.query()
			p.expectOp(")")
			return p.subquery("SCALAR", "INVALID", nil, q, loc), false
		}
		// -(3) folds as -3 does; -(3 + 1) does not.
		start := p.pos
		if e, lit := p.unary(); lit && p.acceptOp(")") {
			return e, true
		}
		p.pos = start
		e := p.expr(0)
		p.expectOp(")")
		return e, false
	case statement.TokenQuotedIdent:
		return p.columnRef(), false
	case statement.TokenIdent:
	default:
		p.decline()
	}
	switch w := t.Text; {
	case keywordOf(w) == keywordNone:
	case strings.EqualFold(w, "NULL"):
		p.pos++
		return p.constant("NULL", nil, nil, true, loc), false
	case strings.EqualFold(w, "TRUE") || strings.EqualFold(w, "FALSE"):
		p.pos++
		v := "t"
		if strings.EqualFold(t.Text, "FALSE") {
			v = "f"
		}
		return p.cast(p.typeObject("BOOLEAN", nil), p.constant("VARCHAR", nil, v, false, loc), false, noLocation), false
	case strings.EqualFold(w, "CASE"):
		return p.caseExpr(), false
	case strings.EqualFold(w, "CAST") || strings.EqualFold(w, "TRY_CAST"):
		p.pos++
		p.expectOp("(")
		child := p.expr(0)
		p.expectWord("AS")
		typ := p.castType()
		p.expectOp(")")
		return p.cast(typ, child, strings.EqualFold(t.Text, "TRY_CAST"), loc), false
	case strings.EqualFold(w, "EXISTS"):
		p.pos++
		p.expectOp("(")
		if !p.peekWord("SELECT") && !p.peekWord("WITH") {
			p.decline()
		}
		q := p.query()
		p.expectOp(")")
		return p.subquery("EXISTS", "INVALID", nil, q, loc), false
	}
	next := p.toks[p.pos+1]
	if next.Kind == statement.TokenOp && next.Text == "(" {
		return p.call(), false
	}
	if next.Kind == statement.TokenString {
		p.decline() // a typed literal: DATE '2020-01-01'
	}
	return p.columnRef(), false
}

// columnRef parses name[.name...].
func (p *fastParser) columnRef() any {
	loc := p.loc()
	names := []any{p.name(true)}
	for p.peekOp(".") {
		p.pos++
		names = append(names, p.name(true))
	}
	if p.peekOp("(") || p.peekOp("[") {
		p.decline() // x.f() method calls, subscripts
	}
	m := make(map[string]any, 5)
	p.set(m, "alias", "")
	p.set(m, "class", "COLUMN_REF")
	p.set(m, "column_names", names)
	p.set(m, "query_location", loc)
	p.set(m, "type", "COLUMN_REF")
	return m
}

// windowTypes are the window functions DuckDB gives their own node type
// and that take no arguments; others with their own types decline.
var windowTypes = map[string]string{
	"row_number": "WINDOW_ROW_NUMBER", "rank": "WINDOW_RANK", "dense_rank": "WINDOW_RANK_DENSE",
	"percent_rank": "WINDOW_PERCENT_RANK", "cume_dist": "WINDOW_CUME_DIST",
}

// specialFunctions are calls DuckDB's parser turns into other nodes:
// if(c, a, b) into CASE, ifnull into COALESCE, try into an operator,
// date(x) into a cast; operator(...) is grammar;
// TestFastParseFunctionNames finds them among all of DuckDB's functions.
var specialFunctions = map[string]bool{"if": true, "ifnull": true, "try": true, "date": true, "operator": true}

var specialWindowFunctions = map[string]bool{
	"rank_dense": true, "first_value": true, "first": true, "last_value": true, "last": true,
	"nth_value": true, "lead": true, "lag": true, "ntile": true, "fill": true,
}

// call parses name(args) [OVER (...)].
func (p *fastParser) call() any {
	t := p.tok()
	if t.Kind != statement.TokenIdent {
		p.decline()
	}
	switch keywordOf(t.Text) {
	case keywordNone, keywordUnreserved:
	default:
		p.decline()
	}
	loc := p.loc()
	name := strings.ToLower(t.Text)
	if specialFunctions[name] {
		p.decline()
	}
	p.pos += 2 // name (
	distinct := false
	args := []any{}
	star := false
	switch {
	case p.peekOp("*"):
		p.pos++
		star = true
	case p.peekOp(")"):
		if name == "count" {
			p.decline() // count() is count_star()
		}
	default:
		if p.acceptWord("DISTINCT") {
			distinct = true
		}
		if p.peekWord("ALL") {
			p.decline()
		}
		for {
			args = append(args, p.expr(0))
			if !p.acceptOp(",") {
				break
			}
		}
		if p.peekWord("ORDER") || p.peekWord("IGNORE") || p.peekWord("RESPECT") || p.peekWord("SEPARATOR") {
			p.decline()
		}
	}
	p.expectOp(")")
	if p.peekWord("FILTER") || p.peekWord("WITHIN") || p.peekWord("IGNORE") || p.peekWord("RESPECT") {
		p.decline()
	}
	if star {
		if name != "count" || p.peekWord("OVER") {
			p.decline()
		}
		name = "count_star"
	}
	if !p.acceptWord("OVER") {
		if windowTypes[name] != "" || specialWindowFunctions[name] {
			// row_number() without OVER is a DuckDB binder error either way
		}
		return p.function(name, args, loc, false, distinct)
	}
	if specialWindowFunctions[name] || distinct {
		p.decline()
	}
	typ := "WINDOW_AGGREGATE"
	if wt := windowTypes[name]; wt != "" {
		if len(args) > 0 {
			p.decline()
		}
		typ = wt
	}
	return p.window(name, typ, args, loc)
}

// window parses the (PARTITION BY ... ORDER BY ... frame) after OVER.
func (p *fastParser) window(name, typ string, args []any, loc float64) any {
	p.expectOp("(")
	partitions, orders := []any{}, []any{}
	if p.acceptWord("PARTITION") {
		p.expectWord("BY")
		for {
			partitions = append(partitions, p.expr(0))
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if p.acceptWord("ORDER") {
		p.expectWord("BY")
		orders = p.orderList()
	}
	start, end := "UNBOUNDED_PRECEDING", "CURRENT_ROW_RANGE"
	var startExpr, endExpr any
	var unit string
	switch {
	case p.acceptWord("ROWS"):
		unit = "ROWS"
	case p.acceptWord("RANGE"):
		unit = "RANGE"
	}
	if unit != "" {
		if p.acceptWord("BETWEEN") {
			start, startExpr = p.frameBound(unit, true)
			p.expectWord("AND")
			end, endExpr = p.frameBound(unit, false)
		} else {
			start, startExpr = p.frameBound(unit, true)
			end = "CURRENT_ROW_" + unit
		}
	}
	p.expectOp(")")
	m := make(map[string]any, 24)
	p.set(m, "alias", "")
	p.set(m, "arg_orders", []any{})
	p.set(m, "catalog", "")
	p.set(m, "children", args)
	p.set(m, "class", "WINDOW")
	p.set(m, "default_expr", nil)
	p.set(m, "distinct", false)
	p.set(m, "end", end)
	p.set(m, "end_expr", endExpr)
	p.set(m, "exclude_clause", "NO_OTHER")
	p.set(m, "filter_expr", nil)
	p.set(m, "function_name", name)
	p.set(m, "ignore_nulls", false)
	p.set(m, "offset_expr", nil)
	p.set(m, "orders", orders)
	p.set(m, "partitions", partitions)
	p.set(m, "query_location", loc)
	p.set(m, "schema", "")
	p.set(m, "start", start)
	p.set(m, "start_expr", startExpr)
	p.set(m, "type", typ)
	return m
}

// frameBound parses UNBOUNDED PRECEDING|FOLLOWING, CURRENT ROW, or
// expr PRECEDING|FOLLOWING.
func (p *fastParser) frameBound(unit string, isStart bool) (string, any) {
	switch {
	case p.acceptWord("UNBOUNDED"):
		switch {
		case p.acceptWord("PRECEDING"):
			return "UNBOUNDED_PRECEDING", nil
		case p.acceptWord("FOLLOWING"):
			return "UNBOUNDED_FOLLOWING", nil
		}
	case p.acceptWord("CURRENT"):
		p.expectWord("ROW")
		return "CURRENT_ROW_" + unit, nil
	default:
		e := p.expr(precAdd)
		switch {
		case p.acceptWord("PRECEDING"):
			return "EXPR_PRECEDING_" + unit, e
		case p.acceptWord("FOLLOWING"):
			return "EXPR_FOLLOWING_" + unit, e
		}
	}
	p.decline()
	return "", nil
}

// caseExpr parses CASE [operand] WHEN ... THEN ... [ELSE ...] END.
func (p *fastParser) caseExpr() any {
	loc := p.loc()
	p.pos++
	var operand any
	if !p.peekWord("WHEN") {
		operand = p.expr(0)
	}
	var checks []any
	for p.acceptWord("WHEN") {
		when := p.expr(0)
		p.expectWord("THEN")
		then := p.expr(0)
		if operand != nil {
			when = p.comparison("COMPARE_EQUAL", copyTree(operand), when, noLocation)
		}
		c := make(map[string]any, 2)
		p.set(c, "then_expr", then)
		p.set(c, "when_expr", when)
		checks = append(checks, c)
	}
	if len(checks) == 0 {
		p.decline()
	}
	var els any
	if p.acceptWord("ELSE") {
		els = p.expr(0)
	} else {
		els = p.constant("NULL", nil, nil, true, noLocation)
	}
	p.expectWord("END")
	m := make(map[string]any, 7)
	p.set(m, "alias", "")
	p.set(m, "case_checks", checks)
	p.set(m, "class", "CASE")
	p.set(m, "else_expr", els)
	p.set(m, "query_location", loc)
	p.set(m, "type", "CASE_EXPR")
	return m
}

// copyTree deep-copies a tree (DuckDB copies a simple CASE's operand into
// every comparison).
func copyTree(v any) any {
	switch n := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, c := range n {
			out[k] = copyTree(c)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, c := range n {
			out[i] = copyTree(c)
		}
		return out
	}
	return v
}
