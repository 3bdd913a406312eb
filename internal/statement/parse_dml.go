package statement

import "strings"

// queryStartWhat describes what may begin a query, for error messages.
const queryStartWhat = `a query (SELECT, WITH, VALUES, TABLE or "(")`

// rejectBackticks refuses `names` in a Trino statement.
func (p *parser) rejectBackticks() error {
	for _, t := range p.toks {
		if t.Kind == TokenBacktickIdent {
			return p.errorf(t, "backquoted identifiers are not supported in queries; use double quotes (%s)", doubleQuote(t.Value))
		}
	}
	return nil
}

// query parses a query: its body is the rest of the statement.
func (p *parser) query() (Statement, error) {
	if err := p.rejectBackticks(); err != nil {
		return nil, err
	}
	return &Query{Body: p.restSpan()}, nil
}

// insert parses INSERT INTO t [(columns)] query.
func (p *parser) insert() (Statement, error) {
	if err := p.rejectBackticks(); err != nil {
		return nil, err
	}
	p.advance()
	if _, err := p.expectWord("INTO", "INSERT"); err != nil {
		return nil, err
	}
	if t := p.peek(); isWordTok(t, "TABLE") && p.isNameTok(p.peekN(1)) {
		return nil, p.errorf(t, "INSERT INTO TABLE is Hive syntax; drop the word TABLE and write INSERT INTO %s", p.peekN(1).Text)
	}
	table, err := p.qualifiedName("a table name", "INSERT INTO", false)
	if err != nil {
		return nil, err
	}
	st := &Insert{Table: table}
	after := "INSERT INTO " + table.Span.Text(p.src)
	if p.atOp("(") && !isQueryStart(p.peekN(1)) {
		p.advance()
		if st.Columns, err = p.identList(after + " ("); err != nil {
			return nil, err
		}
		after += " (...)"
	}
	if !isQueryStart(p.peek()) {
		return nil, p.expected(queryStartWhat, after)
	}
	st.Query = p.restSpan()
	return st, nil
}

// identList parses "name, ...)" after an opening parenthesis.
func (p *parser) identList(after string) ([]Ident, error) {
	var names []Ident
	for {
		name, err := p.namePart("a column name", after, false)
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		if p.acceptOp(",") {
			after = `","`
			continue
		}
		if p.acceptOp(")") {
			return names, nil
		}
		if t := p.peek(); t.Kind == TokenIdent || t.Kind == TokenQuotedIdent {
			return nil, p.errorf(t, "expected \",\" or \")\" after column %s, found %s; "+
				"list column names only, without types", name.Name, describe(t))
		}
		return nil, p.expected(`"," or ")"`, "column "+name.Name)
	}
}

// ctasHiveWords are Hive clauses people put into CREATE TABLE AS.
var ctasHiveWords = map[string]bool{
	"STORED": true, "PARTITIONED": true, "ROW": true, "LOCATION": true, "TBLPROPERTIES": true, "CLUSTERED": true,
}

// createTableAs parses the rest of CREATE TABLE [IF NOT EXISTS] t
// [(columns)] [COMMENT 'c'] [WITH (props)] AS query [WITH [NO] DATA].
func (p *parser) createTableAs() (Statement, error) {
	if err := p.rejectBackticks(); err != nil {
		return nil, err
	}
	st := &CreateTableAs{}
	after := "CREATE TABLE"
	var err error
	if st.IfNotExists, err = p.ifExists(true, after); err != nil {
		return nil, err
	}
	if st.IfNotExists {
		after += " IF NOT EXISTS"
	}
	if st.Table, err = p.qualifiedName("a table name", after, false); err != nil {
		return nil, err
	}
	after = "CREATE TABLE " + st.Table.Span.Text(p.src)
	if p.acceptOp("(") {
		if st.ColumnAliases, err = p.identList(after + " ("); err != nil {
			return nil, err
		}
		after += " (...)"
	}
	if p.acceptWord("COMMENT") {
		if st.Comment, err = p.expectString("a quoted comment", "COMMENT"); err != nil {
			return nil, err
		}
	}
	if p.acceptWord("WITH") {
		if st.Properties, err = p.properties("WITH"); err != nil {
			return nil, err
		}
		after += " WITH (...)"
	}
	if !p.atWord("AS") {
		if t := p.peek(); t.Kind == TokenIdent && ctasHiveWords[strings.ToUpper(t.Text)] {
			return nil, p.errorf(t, "CREATE TABLE AS takes no Hive clauses such as %s; give the table's storage in "+
				"WITH (format = 'PARQUET', external_location = 's3://...', partitioned_by = ARRAY['col'])", describe(t))
		}
		return nil, p.expected("WITH (...) or AS", after, "WITH", "AS", "COMMENT")
	}
	p.advance()
	end := len(p.toks) - 1 // the EOF token
	switch {
	case end-2 > p.pos && isWordTok(p.toks[end-3], "WITH") && isWordTok(p.toks[end-2], "NO") && isWordTok(p.toks[end-1], "DATA"):
		end -= 3
		st.NoData = true
	case end-1 > p.pos && isWordTok(p.toks[end-2], "WITH") && isWordTok(p.toks[end-1], "DATA"):
		end -= 2
	}
	if end <= p.pos || !isQueryStart(p.peek()) {
		return nil, p.expected(queryStartWhat, "AS")
	}
	st.Query = Span{p.peek().Span.Start, p.toks[end-1].Span.End}
	return st, nil
}

// properties parses "(name = value, ...)" after WITH.
func (p *parser) properties(after string) ([]Property, error) {
	if _, err := p.expectOp("(", after); err != nil {
		return nil, err
	}
	var props []Property
	seen := map[string]bool{}
	after = `"("`
	for {
		t := p.peek()
		if t.Kind != TokenIdent && t.Kind != TokenQuotedIdent {
			return nil, p.expected("a property name such as format", after)
		}
		name, _ := p.namePart("", "", false)
		if _, err := p.expectOp("=", "property "+name.Name); err != nil {
			return nil, err
		}
		value, err := p.value(name.Name, true)
		if err != nil {
			return nil, err
		}
		lower := strings.ToLower(name.Name)
		if seen[lower] {
			return nil, syntaxErrorf(p.src, name.Span.Start, "property %s is given twice", name.Name)
		}
		seen[lower] = true
		props = append(props, Property{Name: name, Value: value, Span: Span{name.Span.Start, p.prevEnd()}})
		if p.acceptOp(",") {
			after = `","`
			continue
		}
		if p.acceptOp(")") {
			return props, nil
		}
		return nil, p.expected(`"," or ")"`, "the value of property "+name.Name)
	}
}

// value parses a property value: 'text', a number, true, false, a bare
// word, or (when array is set) ARRAY[value, ...].
func (p *parser) value(property string, array bool) (Value, error) {
	t := p.peek()
	switch t.Kind {
	case TokenString:
		p.advance()
		return Value{Kind: ValueString, Text: t.Value, Span: t.Span}, nil
	case TokenNumber:
		p.advance()
		return Value{Kind: ValueNumber, Text: t.Text, Span: t.Span}, nil
	case TokenOp:
		if t.Text == "-" && p.peekN(1).Kind == TokenNumber {
			p.advance()
			n := p.advance()
			return Value{Kind: ValueNumber, Text: "-" + n.Text, Span: Span{t.Span.Start, n.Span.End}}, nil
		}
	case TokenIdent:
		switch {
		case isWordTok(t, "TRUE"), isWordTok(t, "FALSE"):
			p.advance()
			return Value{Kind: ValueBool, Text: strings.ToLower(t.Text), Span: t.Span}, nil
		case isWordTok(t, "ARRAY") && isOpTok(p.peekN(1), "["):
			if !array {
				return Value{}, p.errorf(t, "arrays cannot be nested in property %s", property)
			}
			return p.arrayValue(property)
		}
		p.advance()
		return Value{Kind: ValueIdentifier, Text: t.Text, Span: t.Span}, nil
	}
	return Value{}, p.expected("a value ('text', a number, true, false or ARRAY[...])", "property "+property+" =")
}

// arrayValue parses ARRAY[value, ...]; the next token is ARRAY.
func (p *parser) arrayValue(property string) (Value, error) {
	start := p.advance()
	p.advance() // [
	v := Value{Kind: ValueArray}
	if !p.acceptOp("]") {
		for {
			item, err := p.value(property, false)
			if err != nil {
				return Value{}, err
			}
			v.Items = append(v.Items, item)
			if p.acceptOp(",") {
				continue
			}
			if _, err := p.expectOp("]", "an item of ARRAY[...]"); err != nil {
				return Value{}, err
			}
			break
		}
	}
	v.Span = Span{start.Span.Start, p.prevEnd()}
	v.Text = v.Span.Text(p.src)
	return v, nil
}

// matchingParen returns the index of the token that closes the "(" at
// index open, or -1.
func (p *parser) matchingParen(open int) int {
	depth := 0
	for i := open; i < len(p.toks); i++ {
		switch {
		case isOpTok(p.toks[i], "("):
			depth++
		case isOpTok(p.toks[i], ")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// unload parses UNLOAD (query) TO 'location' [WITH (props)].
func (p *parser) unload() (Statement, error) {
	if err := p.rejectBackticks(); err != nil {
		return nil, err
	}
	p.advance()
	if !p.atOp("(") {
		err := p.expected(`"("`, "UNLOAD").(*SyntaxError)
		err.Msg += "; write UNLOAD (SELECT ...) TO 's3://bucket/prefix/' WITH (format = 'PARQUET')"
		return nil, err
	}
	open := p.pos
	closing := p.matchingParen(open)
	if closing < 0 {
		return nil, p.errorf(p.peek(), "the \"(\" after UNLOAD is never closed; write UNLOAD (SELECT ...) TO 's3://...'")
	}
	p.advance()
	if !isQueryStart(p.peek()) || p.pos == closing {
		return nil, p.expected(queryStartWhat, `UNLOAD "("`)
	}
	st := &Unload{Query: Span{p.peek().Span.Start, p.toks[closing-1].Span.End}}
	p.pos = closing + 1
	if _, err := p.expectWord("TO", "UNLOAD (...)"); err != nil {
		return nil, err
	}
	var err error
	if st.Location, err = p.expectString("a quoted location such as 's3://bucket/prefix/'", "TO"); err != nil {
		return nil, err
	}
	if p.acceptWord("WITH") {
		if st.Properties, err = p.properties("WITH"); err != nil {
			return nil, err
		}
		return finish(st, p.expectEnd(""))
	}
	return finish(st, p.expectEnd("WITH (...)"))
}

// explain parses EXPLAIN [ANALYZE [VERBOSE]] [(options)] statement.
func (p *parser) explain() (Statement, error) {
	if err := p.rejectBackticks(); err != nil {
		return nil, err
	}
	p.advance()
	st := &Explain{}
	after := "EXPLAIN"
	if p.acceptWord("ANALYZE") {
		st.Analyze = true
		after += " ANALYZE"
		if p.acceptWord("VERBOSE") {
			after += " VERBOSE"
		}
	}
	if p.atOp("(") && (isWordTok(p.peekN(1), "FORMAT") || isWordTok(p.peekN(1), "TYPE")) {
		closing := p.matchingParen(p.pos)
		if closing < 0 {
			return nil, p.errorf(p.peek(), "the \"(\" of EXPLAIN's options is never closed")
		}
		st.Options = Span{p.peekN(1).Span.Start, p.toks[closing-1].Span.End}
		p.pos = closing + 1
		after += " (...)"
	}
	start := p.peek()
	var err error
	switch {
	case isQueryStart(start):
		st.Target, err = p.query()
	case isWordTok(start, "INSERT") && isWordTok(p.peekN(1), "INTO"):
		st.Target, err = p.insert()
	case isWordTok(start, "CREATE") && isWordTok(p.peekN(1), "TABLE"):
		p.advance()
		p.advance()
		st.Target, err = p.createTableAs()
	default:
		return nil, p.expected("a query, INSERT INTO or CREATE TABLE AS", after)
	}
	if err != nil {
		return nil, err
	}
	st.Statement = Span{start.Span.Start, p.toks[len(p.toks)-2].Span.End}
	return st, nil
}
