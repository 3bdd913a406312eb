package duckengine

import (
	"math"
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
