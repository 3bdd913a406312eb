package duckengine

import (
	"math"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// This file is a parser, in Go, for the common shape of analytical
// queries: SELECT with joins, subqueries, common table expressions, set
// operations, CASE, CAST, window functions and the usual operators. It
// builds exactly the syntax tree that DuckDB's parser gives through
// json_serialize_sql, in the sparse form decodeSparseTree reads, so that
// everything downstream (the walk, the rewrites, partition pruning) works
// on either unchanged. Asking DuckDB costs a query round trip and decoding
// some 16 KB of JSON per 2 KB of SQL, most of translation's time.
//
// It declines, rather than guesses, anything outside that shape: a
// keyword it does not know in a place it does not expect, a literal form
// it does not type, an operator spelling DuckDB's lexer might read
// differently. Declining costs nothing but speed: the query then goes to
// DuckDB's parser. The differential tests hold the parser to DuckDB's
// trees over every script query and under fuzzing.

// noLocation is DuckDB's "no position", a 64-bit all-ones integer, as the
// tree decoder reads it.
const noLocation = float64(math.MaxUint64)

// declined is the panic value that abandons a fast parse.
type declined struct{}

// fastParse parses sql into DuckDB's syntax tree for its one statement, or
// returns ok=false when sql is outside the parser's subset.
func fastParse(sql string) (stmt map[string]any, ok bool) {
	if strings.Contains(sql, "/*") {
		return nil, false // DuckDB's block comments nest, the lexer's do not
	}
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ||
			c == '\r' && (i+1 == len(sql) || sql[i+1] != '\n') {
			// DuckDB's lexer stops at NUL, does not take \v or \f for
			// space, and ends -- comments at a lone \r too.
			return nil, false
		}
	}
	toks, err := statement.Lex(sql, statement.ModeTrino)
	if err != nil {
		return nil, false
	}
	if !plainTokens(sql, toks) {
		return nil, false
	}
	p := fastParser{toks: toks}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(declined); !ok {
				panic(r)
			}
			stmt, ok = nil, false
		}
	}()
	stmt = p.statement()
	if p.peekOp(";") {
		p.pos++
	}
	if p.tok().Kind != statement.TokenEOF {
		p.decline()
	}
	return stmt, true
}

// plainTokens reports whether toks holds only token forms that DuckDB's
// lexer reads the same way. Two tokens with nothing between them are
// suspect: DuckDB reads 1_000 as a number, x'..' and e'..' as literals,
// 'a' 'b' on two lines as one string, and runs of operator characters
// (=-, ||-, //) as one operator.
func plainTokens(sql string, toks []statement.Token) bool {
	const opChars = "+-*/<>=~!@#%^&|`?"
	for i, t := range toks {
		switch t.Kind {
		case statement.TokenIdent:
			if !plainWord(t.Text) {
				return false
			}
		case statement.TokenQuotedIdent, statement.TokenOp, statement.TokenEOF:
		case statement.TokenString:
			if i > 0 && toks[i-1].Kind == statement.TokenString {
				return false
			}
		case statement.TokenNumber:
			if !plainNumber(t.Text) {
				return false
			}
		default:
			return false
		}
		if i == 0 || t.Kind == statement.TokenEOF {
			continue
		}
		prev := toks[i-1]
		if prev.Span.End != t.Span.Start {
			continue
		}
		word := func(k statement.TokenKind) bool {
			return k == statement.TokenIdent || k == statement.TokenNumber || k == statement.TokenString || k == statement.TokenQuotedIdent
		}
		if word(prev.Kind) && word(t.Kind) {
			return false
		}
		if prev.Kind == statement.TokenOp && t.Kind == statement.TokenOp &&
			strings.ContainsAny(prev.Text, opChars) && strings.ContainsAny(t.Text, opChars) {
			return false
		}
		if t.Kind == statement.TokenOp && (t.Text == "::" || t.Text == "->" || t.Text == "=>" || t.Text == ":") {
			return false
		}
	}
	_ = sql
	return true
}

// plainWord reports whether s is an ASCII word: letters, digits and
// underscores, not starting with a digit.
func plainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// plainNumber reports whether s is digits, or digits '.' digits.
func plainNumber(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return s != ""
}

type fastParser struct {
	toks []statement.Token
	pos  int
	// complete > 0 while building a WHERE clause, whose members are all
	// kept (see decodeSparseTree).
	complete int
}

func (p *fastParser) decline() { panic(declined{}) }

func (p *fastParser) tok() statement.Token { return p.toks[p.pos] }

func (p *fastParser) loc() float64 { return float64(p.tok().Span.Start) }

// peekWord reports whether the current token is the unquoted word w
// (upper case).
func (p *fastParser) peekWord(w string) bool {
	t := p.tok()
	return t.Kind == statement.TokenIdent && len(t.Text) == len(w) && strings.EqualFold(t.Text, w)
}

func (p *fastParser) peekWordAt(i int, w string) bool {
	if p.pos+i >= len(p.toks) {
		return false
	}
	t := p.toks[p.pos+i]
	return t.Kind == statement.TokenIdent && strings.EqualFold(t.Text, w)
}

func (p *fastParser) acceptWord(w string) bool {
	if p.peekWord(w) {
		p.pos++
		return true
	}
	return false
}

func (p *fastParser) expectWord(w string) {
	if !p.acceptWord(w) {
		p.decline()
	}
}

func (p *fastParser) peekOp(op string) bool {
	t := p.tok()
	return t.Kind == statement.TokenOp && t.Text == op
}

func (p *fastParser) acceptOp(op string) bool {
	if p.peekOp(op) {
		p.pos++
		return true
	}
	return false
}

func (p *fastParser) expectOp(op string) {
	if !p.acceptOp(op) {
		p.decline()
	}
}

// name reads an identifier used as a name: a quoted identifier, or a word
// that DuckDB does not reserve in any way. With unreserved, DuckDB's
// unreserved keywords (year, day, ...) are names too.
func (p *fastParser) name(unreserved bool) string {
	t := p.tok()
	switch t.Kind {
	case statement.TokenQuotedIdent:
		if t.Value == "" {
			p.decline()
		}
		p.pos++
		return t.Value
	case statement.TokenIdent:
		switch keywordOf(t.Text) {
		case keywordNone:
		case keywordUnreserved:
			if !unreserved {
				p.decline()
			}
		default:
			p.decline()
		}
		p.pos++
		return t.Text
	}
	p.decline()
	return ""
}

// isName reports whether the current token could start a name.
func (p *fastParser) isName(unreserved bool) bool {
	t := p.tok()
	switch t.Kind {
	case statement.TokenQuotedIdent:
		return true
	case statement.TokenIdent:
		k := keywordOf(t.Text)
		return k == keywordNone || unreserved && k == keywordUnreserved
	}
	return false
}

// keywordOf returns the keyword kind of a word, in any case.
func keywordOf(w string) keywordKind {
	var buf [24]byte
	if len(w) > len(buf) {
		return keywordNone // longer than any keyword
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return duckKeywords[string(buf[:len(w)])]
}

// set adds a member, leaving out empty ones as decodeSparseTree does.
func (p *fastParser) set(m map[string]any, k string, v any) {
	if p.complete > 0 || k == "value" || !emptyJSON(v) {
		m[k] = v
	}
}

// statement parses a query and wraps it as DuckDB's statement object.
func (p *fastParser) statement() map[string]any {
	return p.wrap(p.query())
}

// wrap is the object holding a query node in statements and subqueries.
func (p *fastParser) wrap(node map[string]any) map[string]any {
	m := make(map[string]any, 2)
	p.set(m, "named_param_map", []any{})
	p.set(m, "node", node)
	return m
}

// query parses [WITH ...] set-operation [ORDER BY ...] [LIMIT ...].
func (p *fastParser) query() map[string]any {
	var ctes []any
	if p.acceptWord("WITH") {
		if p.peekWord("RECURSIVE") {
			p.decline()
		}
		for {
			ctes = append(ctes, p.cte())
			if !p.acceptOp(",") {
				break
			}
		}
	}
	node := p.setOperation(0)
	mods, _ := node["modifiers"].([]any)
	if p.peekWord("ORDER") {
		mods = append(mods, p.orderModifier())
	}
	if p.acceptWord("LIMIT") {
		m := make(map[string]any, 3)
		p.set(m, "limit", p.expr(0))
		var off any
		if p.acceptWord("OFFSET") {
			off = p.expr(0)
		}
		p.set(m, "offset", off)
		p.set(m, "type", "LIMIT_MODIFIER")
		mods = append(mods, m)
	}
	if p.peekWord("OFFSET") || p.peekWord("FETCH") {
		p.decline()
	}
	if mods == nil {
		mods = []any{}
	}
	p.set(node, "modifiers", mods)
	if ctes == nil {
		ctes = []any{}
	}
	cm := make(map[string]any, 1)
	p.set(cm, "map", ctes)
	p.set(node, "cte_map", cm)
	return node
}

// cte parses name [(columns)] AS (query).
func (p *fastParser) cte() any {
	name := p.name(false)
	aliases := []any{}
	if p.acceptOp("(") {
		for {
			aliases = append(aliases, p.name(true))
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	p.expectWord("AS")
	p.expectOp("(")
	q := p.query()
	p.expectOp(")")
	v := make(map[string]any, 4)
	p.set(v, "aliases", aliases)
	p.set(v, "key_targets", []any{})
	p.set(v, "materialized", "CTE_MATERIALIZE_DEFAULT")
	p.set(v, "query", p.wrap(q))
	e := make(map[string]any, 2)
	p.set(e, "key", name)
	p.set(e, "value", v)
	return e
}

// setOperation parses SELECTs joined by UNION and EXCEPT (level 0) or
// INTERSECT (level 1), which binds tighter.
func (p *fastParser) setOperation(level int) map[string]any {
	var left map[string]any
	if level == 0 {
		left = p.setOperation(1)
	} else {
		left = p.selectNode()
	}
	for {
		var op string
		switch {
		case level == 0 && p.peekWord("UNION"):
			op = "UNION"
		case level == 0 && p.peekWord("EXCEPT"):
			op = "EXCEPT"
		case level == 1 && p.peekWord("INTERSECT"):
			op = "INTERSECT"
		default:
			return left
		}
		p.pos++
		all := p.acceptWord("ALL")
		if p.peekWord("DISTINCT") || p.peekWord("BY") {
			p.decline()
		}
		var right map[string]any
		if level == 0 {
			right = p.setOperation(1)
		} else {
			right = p.selectNode()
		}
		n := make(map[string]any, 8)
		p.set(n, "children", []any{})
		p.set(n, "left", left)
		p.set(n, "right", right)
		p.set(n, "setop_all", all)
		p.set(n, "setop_type", op)
		p.set(n, "type", "SET_OPERATION_NODE")
		left = n
	}
}

// selectNode parses SELECT ... [FROM] [WHERE] [GROUP BY] [HAVING].
func (p *fastParser) selectNode() map[string]any {
	p.expectWord("SELECT")
	n := make(map[string]any, 12)
	mods := []any{}
	if p.acceptWord("DISTINCT") {
		if p.peekWord("ON") {
			p.decline()
		}
		d := make(map[string]any, 2)
		p.set(d, "distinct_on_targets", []any{})
		p.set(d, "type", "DISTINCT_MODIFIER")
		mods = append(mods, d)
	}
	if p.peekWord("ALL") {
		p.decline()
	}
	p.set(n, "aggregate_handling", "STANDARD_HANDLING")
	var list []any
	for {
		list = append(list, p.selectItem())
		if !p.acceptOp(",") {
			break
		}
	}
	var from any
	if p.acceptWord("FROM") {
		from = p.fromList()
	} else {
		from = p.emptyFrom()
	}
	p.set(n, "from_table", from)
	var where any
	if p.acceptWord("WHERE") {
		p.complete++
		where = p.expr(0)
		p.complete--
	}
	groups, sets := []any{}, []any{}
	if p.acceptWord("GROUP") {
		p.expectWord("BY")
		groups, sets = p.groupBy()
	}
	p.set(n, "group_expressions", groups)
	p.set(n, "group_sets", sets)
	var having any
	if p.acceptWord("HAVING") {
		having = p.expr(0)
	}
	p.set(n, "having", having)
	p.set(n, "qualify", nil)
	p.set(n, "sample", nil)
	p.set(n, "select_list", list)
	p.set(n, "type", "SELECT_NODE")
	p.set(n, "where_clause", where)
	p.set(n, "modifiers", mods)
	cm := make(map[string]any, 1)
	p.set(cm, "map", []any{})
	p.set(n, "cte_map", cm)
	return n
}

func (p *fastParser) emptyFrom() map[string]any {
	m := make(map[string]any, 4)
	p.set(m, "alias", "")
	p.set(m, "query_location", noLocation)
	p.set(m, "sample", nil)
	p.set(m, "type", "EMPTY")
	return m
}

// selectItem parses * | t.* | expr [[AS] alias].
func (p *fastParser) selectItem() any {
	if p.peekOp("*") {
		loc := p.loc()
		p.pos++
		return p.star("", loc)
	}
	if p.isName(true) && p.pos+2 < len(p.toks) && p.toks[p.pos+1].Text == "." && p.toks[p.pos+2].Text == "*" &&
		p.toks[p.pos+2].Kind == statement.TokenOp {
		loc := p.loc()
		rel := p.name(true)
		p.pos += 2
		return p.star(rel, loc)
	}
	e := p.expr(0)
	alias := ""
	switch {
	case p.acceptWord("AS"):
		alias = p.name(true)
	case p.isName(false):
		alias = p.name(false)
	}
	if alias != "" {
		m, ok := e.(map[string]any)
		if !ok {
			p.decline()
		}
		m["alias"] = alias
	}
	return e
}

func (p *fastParser) star(relation string, loc float64) any {
	if p.peekWord("EXCLUDE") || p.peekWord("REPLACE") || p.peekWord("RENAME") || p.peekWord("AS") || p.isName(true) {
		p.decline()
	}
	m := make(map[string]any, 11)
	p.set(m, "alias", "")
	p.set(m, "class", "STAR")
	p.set(m, "columns", false)
	p.set(m, "exclude_list", []any{})
	p.set(m, "expr", nil)
	p.set(m, "qualified_exclude_list", []any{})
	p.set(m, "query_location", loc)
	p.set(m, "relation_name", relation)
	p.set(m, "rename_list", []any{})
	p.set(m, "replace_list", []any{})
	p.set(m, "type", "STAR")
	return m
}

// groupBy parses a plain list of grouping expressions.
func (p *fastParser) groupBy() (groups, sets []any) {
	seen := map[string]bool{}
	set := []any{}
	for {
		if p.peekWord("ALL") || p.peekWord("ROLLUP") || p.peekWord("CUBE") || p.peekWord("GROUPING") || p.peekOp("(") {
			p.decline()
		}
		start := p.pos
		e := p.expr(0)
		// DuckDB merges equal grouping expressions; rather than compare
		// trees the way it does, decline what might be equal.
		var key strings.Builder
		for _, t := range p.toks[start:p.pos] {
			key.WriteString(strings.ToLower(t.Value))
			key.WriteByte(0)
		}
		if seen[key.String()] {
			p.decline()
		}
		seen[key.String()] = true
		set = append(set, float64(len(groups)))
		groups = append(groups, e)
		if !p.acceptOp(",") {
			break
		}
	}
	return groups, []any{set}
}

// orderModifier parses ORDER BY.
func (p *fastParser) orderModifier() any {
	p.expectWord("ORDER")
	p.expectWord("BY")
	m := make(map[string]any, 2)
	p.set(m, "orders", p.orderList())
	p.set(m, "type", "ORDER_MODIFIER")
	return m
}

func (p *fastParser) orderList() []any {
	var orders []any
	for {
		if p.peekWord("ALL") {
			p.decline()
		}
		e := p.expr(0)
		typ := "ORDER_DEFAULT"
		switch {
		case p.acceptWord("ASC"):
			typ = "ASCENDING"
		case p.acceptWord("DESC"):
			typ = "DESCENDING"
		}
		nulls := "ORDER_DEFAULT"
		if p.acceptWord("NULLS") {
			switch {
			case p.acceptWord("FIRST"):
				nulls = "NULLS FIRST"
			case p.acceptWord("LAST"):
				nulls = "NULLS LAST"
			default:
				p.decline()
			}
		}
		o := make(map[string]any, 3)
		p.set(o, "expression", e)
		p.set(o, "null_order", nulls)
		p.set(o, "type", typ)
		orders = append(orders, o)
		if !p.acceptOp(",") {
			return orders
		}
	}
}

// fromList parses table references separated by commas (cross joins).
func (p *fastParser) fromList() any {
	left := p.joined()
	for p.acceptOp(",") {
		right := p.joined()
		left = p.join(left, right, "INNER", "CROSS", nil, nil, noLocation)
	}
	return left
}

// joined parses a table reference followed by JOIN clauses.
func (p *fastParser) joined() any {
	left := p.tableRef()
	for {
		loc := p.loc()
		typ, ref := "", "REGULAR"
		switch {
		case p.acceptWord("JOIN"):
			typ = "INNER"
		case p.acceptWord("INNER"):
			p.expectWord("JOIN")
			typ = "INNER"
		case p.peekWord("LEFT") || p.peekWord("RIGHT") || p.peekWord("FULL"):
			typ = strings.ToUpper(p.tok().Text)
			p.pos++
			p.acceptWord("OUTER")
			p.expectWord("JOIN")
		case p.acceptWord("CROSS"):
			p.expectWord("JOIN")
			typ, ref = "INNER", "CROSS"
		default:
			return left
		}
		right := p.tableRef()
		var cond any
		using := []any{}
		if ref == "REGULAR" {
			switch {
			case p.acceptWord("ON"):
				cond = p.expr(0)
			case p.acceptWord("USING"):
				p.expectOp("(")
				for {
					using = append(using, p.name(true))
					if !p.acceptOp(",") {
						break
					}
				}
				p.expectOp(")")
			default:
				p.decline()
			}
		}
		left = p.join(left, right, typ, ref, cond, using, loc)
	}
}

func (p *fastParser) join(left, right any, typ, ref string, cond any, using []any, loc float64) any {
	if using == nil {
		using = []any{}
	}
	m := make(map[string]any, 13)
	p.set(m, "alias", "")
	p.set(m, "condition", cond)
	p.set(m, "delim_flipped", false)
	p.set(m, "duplicate_eliminated_columns", []any{})
	p.set(m, "join_type", typ)
	p.set(m, "left", left)
	p.set(m, "query_location", loc)
	p.set(m, "ref_type", ref)
	p.set(m, "right", right)
	p.set(m, "sample", nil)
	p.set(m, "type", "JOIN")
	p.set(m, "using_columns", using)
	return m
}

// tableRef parses name [[AS] alias [(columns)]] or (query) [[AS] alias
// [(columns)]].
func (p *fastParser) tableRef() any {
	m := make(map[string]any, 10)
	if p.acceptOp("(") {
		if !p.peekWord("SELECT") && !p.peekWord("WITH") {
			p.decline()
		}
		q := p.query()
		p.expectOp(")")
		alias, cols := p.tableAlias()
		p.set(m, "alias", alias)
		p.set(m, "column_name_alias", cols)
		p.set(m, "query_location", noLocation)
		p.set(m, "sample", nil)
		p.set(m, "subquery", p.wrap(q))
		p.set(m, "type", "SUBQUERY")
		return m
	}
	loc := p.loc()
	parts := []string{p.name(true)}
	for p.peekOp(".") {
		p.pos++
		parts = append(parts, p.name(true))
	}
	if len(parts) > 3 || p.peekOp("(") {
		p.decline()
	}
	var cat, schema string
	switch len(parts) {
	case 2:
		schema = parts[0]
	case 3:
		cat, schema = parts[0], parts[1]
	}
	alias, cols := p.tableAlias()
	p.set(m, "alias", alias)
	p.set(m, "at_clause", nil)
	p.set(m, "catalog_name", cat)
	p.set(m, "column_name_alias", cols)
	p.set(m, "query_location", loc)
	p.set(m, "sample", nil)
	p.set(m, "schema_name", schema)
	p.set(m, "table_name", parts[len(parts)-1])
	p.set(m, "type", "BASE_TABLE")
	return m
}

func (p *fastParser) tableAlias() (string, []any) {
	cols := []any{}
	alias := ""
	switch {
	case p.acceptWord("AS"):
		alias = p.name(true)
	case p.isName(false):
		alias = p.name(false)
	default:
		if p.peekWord("TABLESAMPLE") || p.peekWord("USING") && p.peekWordAt(1, "SAMPLE") {
			p.decline()
		}
		return alias, cols
	}
	if p.acceptOp("(") {
		for {
			cols = append(cols, p.name(true))
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectOp(")")
	}
	return alias, cols
}

// Expression precedence levels, lowest first, as in DuckDB's grammar.
const (
	precOr = iota
	precAnd
	precNot
	precIs
	precCompare
	precLike // BETWEEN, IN, LIKE
	precOther
	precAdd
	precMul
	precUnary
)

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
