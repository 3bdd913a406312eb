package statement

import (
	"fmt"
	"strings"
)

// Parse parses exactly one statement; a trailing ";" is allowed. It routes
// the statement as Athena does: Hive DDL (CREATE EXTERNAL TABLE, ALTER,
// DROP, SHOW, DESCRIBE, MSCK) is parsed fully, while for Trino statements
// (queries, INSERT, CREATE TABLE AS, UNLOAD, EXPLAIN) only the head is
// parsed and the query's span is returned. Statements Athena does not run,
// or weir does not run yet, parse to *Unsupported. Malformed text is a
// *SyntaxError whose positions are relative to sql.
func Parse(sql string) (Statement, error) {
	mode := statementMode(sql, 0)
	toks, err := Lex(sql, mode)
	if err != nil {
		// DuckDB and other dialects have operators Athena lacks; name the
		// statement rather than the character when it is one weir refuses.
		if st := unsupportedUnlexed(sql); st != nil {
			return st, nil
		}
		return nil, err
	}
	toks, err = trimTerminator(sql, toks)
	if err != nil {
		return nil, err
	}
	p := &parser{src: sql, toks: toks, mode: mode}
	return p.statement()
}

// trimTerminator cuts the token list at the first ";", which must be the
// last token.
func trimTerminator(src string, toks []Token) ([]Token, error) {
	for i, t := range toks {
		if t.Kind != TokenOp || t.Text != ";" {
			continue
		}
		if next := toks[i+1]; next.Kind != TokenEOF {
			return nil, syntaxErrorf(src, next.Span.Start,
				"only one statement can run at a time; found %s after \";\"", describe(next))
		}
		return append(toks[:i:i], Token{Kind: TokenEOF, Span: Span{t.Span.Start, t.Span.Start}}), nil
	}
	return toks, nil
}

// statementMode decides, from its first words, whether the statement that
// starts at src[start:] is lexed as Hive or as Trino, following the rules
// of sqlglot's Athena dialect (_tokenize_as_hive).
func statementMode(src string, start int) Mode {
	words := leadingWords(src, start, 2)
	switch words[0] {
	case "DESCRIBE", "DESC", "SHOW", "MSCK":
		return ModeHive
	case "CREATE", "ALTER", "DROP":
		switch words[1] {
		case "DATABASE", "SCHEMA", "EXTERNAL":
			return ModeHive
		case "TABLE":
			if words[0] == "CREATE" && isCTAS(src, start) {
				return ModeTrino
			}
			return ModeHive
		}
	}
	return ModeTrino
}

// leadingWords returns the first n tokens of src[start:] in upper case,
// lexed as Trino; tokens that are not words, and those after the first
// non-word, are "".
func leadingWords(src string, start, n int) []string {
	words := make([]string, n)
	l := lexer{src: src, pos: start, mode: ModeTrino}
	for i := range words {
		t, err := l.next()
		if err != nil || t.Kind != TokenIdent {
			break
		}
		words[i] = strings.ToUpper(t.Text)
	}
	return words
}

// isCTAS reports whether the CREATE TABLE statement at src[start:] has a
// top-level AS followed by a query, which makes it a Trino CREATE TABLE AS
// rather than a Hive CREATE TABLE.
func isCTAS(src string, start int) bool {
	l := lexer{src: src, pos: start, mode: ModeTrino}
	depth := 0
	afterAS := false
	for {
		t, err := l.next()
		if err != nil || t.Kind == TokenEOF || isOpTok(t, ";") {
			return false
		}
		if afterAS && isQueryStart(t) {
			return true
		}
		afterAS = depth == 0 && isWordTok(t, "AS")
		switch {
		case isOpTok(t, "("):
			depth++
		case isOpTok(t, ")"):
			depth--
		}
	}
}

// isQueryStart reports whether t can begin a query.
func isQueryStart(t Token) bool {
	if t.Kind == TokenOp {
		return t.Text == "("
	}
	if t.Kind != TokenIdent {
		return false
	}
	switch strings.ToUpper(t.Text) {
	case "SELECT", "WITH", "VALUES", "TABLE":
		return true
	}
	return false
}

func isWordTok(t Token, w string) bool { return t.Kind == TokenIdent && strings.EqualFold(t.Text, w) }

func isOpTok(t Token, op string) bool { return t.Kind == TokenOp && t.Text == op }

// describe names a token for an error message.
func describe(t Token) string {
	if t.Kind == TokenEOF {
		return "the end of the statement"
	}
	text := t.Text
	if len(text) > 40 {
		text = text[:37] + "..."
	}
	switch t.Kind {
	case TokenString, TokenUnicodeString, TokenBinaryString:
		return "string " + text
	case TokenQuotedIdent, TokenBacktickIdent:
		return "quoted name " + text
	}
	return fmt.Sprintf("%q", text)
}

// parser is a recursive-descent parser over the tokens of one statement.
type parser struct {
	src  string
	toks []Token // always ends with TokenEOF
	pos  int
	mode Mode
}

func (p *parser) peek() Token { return p.peekN(0) }

// peekN returns the token n places ahead, or the final EOF.
func (p *parser) peekN(n int) Token {
	if i := p.pos + n; i < len(p.toks) {
		return p.toks[i]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() Token {
	t := p.toks[p.pos]
	if t.Kind != TokenEOF {
		p.pos++
	}
	return t
}

// atWord reports whether the next token is the keyword w.
func (p *parser) atWord(w string) bool { return isWordTok(p.peek(), w) }

// atOp reports whether the next token is the operator op.
func (p *parser) atOp(op string) bool { return isOpTok(p.peek(), op) }

func (p *parser) acceptWord(w string) bool {
	if p.atWord(w) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.atOp(op) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) atEnd() bool { return p.peek().Kind == TokenEOF }

// prevEnd is the end offset of the last consumed token.
func (p *parser) prevEnd() int {
	if p.pos == 0 {
		return 0
	}
	return p.toks[p.pos-1].Span.End
}

func (p *parser) errorf(t Token, format string, args ...any) error {
	return syntaxErrorf(p.src, t.Span.Start, format, args...)
}

// expected reports that the next token is not what, which should come after
// the words in after (if any). When the token is a word close to one of
// the keywords, the message suggests it.
func (p *parser) expected(what, after string, keywords ...string) error {
	t := p.peek()
	msg := "expected " + what
	if after != "" {
		msg += " after " + after
	}
	msg += ", found " + describe(t)
	if t.Kind == TokenIdent && len(keywords) > 1 {
		if s := suggest(t.Text, keywords); s != "" {
			msg += "; did you mean " + s + "?"
		}
	}
	return syntaxErrorf(p.src, t.Span.Start, "%s", msg)
}

func (p *parser) expectWord(w, after string) (Token, error) {
	if !p.atWord(w) {
		return Token{}, p.expected(w, after)
	}
	return p.advance(), nil
}

func (p *parser) expectOp(op, after string) (Token, error) {
	if !p.atOp(op) {
		return Token{}, p.expected(fmt.Sprintf("%q", op), after)
	}
	return p.advance(), nil
}

// expectWords expects the keywords ws in order; the context of each is the
// words before it.
func (p *parser) expectWords(after string, ws ...string) error {
	for _, w := range ws {
		if _, err := p.expectWord(w, after); err != nil {
			return err
		}
		after += " " + w
	}
	return nil
}

// expectString expects a quoted string literal and returns its value.
func (p *parser) expectString(what, after string) (string, error) {
	t := p.peek()
	if t.Kind != TokenString {
		return "", p.expected(what, after)
	}
	p.advance()
	return t.Value, nil
}

// expectEnd reports an error unless the statement is over. what lists the
// clauses that could still come, if any.
func (p *parser) expectEnd(what string, keywords ...string) error {
	if p.atEnd() {
		return nil
	}
	if what == "" {
		return p.expected("the end of the statement", "")
	}
	return p.expected(what+" or the end of the statement", "", keywords...)
}

// finish returns st, or nil when err is set.
func finish(st Statement, err error) (Statement, error) {
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ifExists parses an optional IF EXISTS (or IF NOT EXISTS when not is set).
func (p *parser) ifExists(not bool, after string) (bool, error) {
	if !p.atWord("IF") {
		return false, nil
	}
	p.advance()
	if not {
		return true, p.expectWords(after+" IF", "NOT", "EXISTS")
	}
	return true, p.expectWords(after+" IF", "EXISTS")
}

// statement dispatches on the first word.
func (p *parser) statement() (Statement, error) {
	first := p.peek()
	switch {
	case first.Kind == TokenEOF:
		return nil, p.errorf(first, "empty statement")
	case isOpTok(first, "("):
		return p.query()
	case first.Kind != TokenIdent:
		return nil, p.errorf(first, "expected a statement such as SELECT, found %s", describe(first))
	}
	if st := p.unsupported(); st != nil {
		return st, nil
	}
	switch strings.ToUpper(first.Text) {
	case "SELECT", "WITH", "VALUES", "TABLE":
		return p.query()
	case "INSERT":
		return p.insert()
	case "UNLOAD":
		return p.unload()
	case "EXPLAIN":
		return p.explain()
	case "CREATE":
		return p.create()
	case "DROP":
		return p.drop()
	case "ALTER":
		return p.alter()
	case "MSCK":
		return p.msck()
	case "SHOW":
		return p.show()
	case "DESCRIBE", "DESC":
		return p.describeTable()
	}
	msg := fmt.Sprintf("unknown statement %s", describe(first))
	if s := suggest(first.Text, statementWords); s != "" {
		msg += "; did you mean " + s + "?"
	} else {
		msg += "; Athena statements begin with SELECT, WITH, INSERT, CREATE, DROP, ALTER, SHOW, DESCRIBE, MSCK, UNLOAD or EXPLAIN"
	}
	return nil, p.errorf(first, "%s", msg)
}

var statementWords = []string{
	"SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UNLOAD", "EXPLAIN", "CREATE",
	"DROP", "ALTER", "MSCK", "SHOW", "DESCRIBE",
}

// unsupported returns an *Unsupported when the statement's leading words
// match a refused statement.
func (p *parser) unsupported() Statement {
	var words []string
	for i := 0; i < 5; i++ {
		t := p.peekN(i)
		if t.Kind != TokenIdent {
			break
		}
		words = append(words, strings.ToUpper(t.Text))
	}
	r := matchUnsupported(words)
	if r == nil {
		return nil
	}
	return p.unsupportedStmt(r.words, r.stmtType, r.reason)
}

// unsupportedUnlexed matches the leading words of text that does not lex
// against the refused statements. The span runs to the end of the text.
func unsupportedUnlexed(sql string) Statement {
	words := leadingWords(sql, 0, 5)
	r := matchUnsupported(words)
	if r == nil {
		return nil
	}
	l := lexer{src: sql, mode: ModeTrino}
	first, _ := l.next()
	end := len(strings.TrimRight(sql, " \t\r\n;"))
	if end < first.Span.Start {
		end = first.Span.Start
	}
	return &Unsupported{What: r.words, Reason: r.reason, StatementType: r.stmtType, Span: Span{first.Span.Start, end}}
}

// unsupportedStmt builds an *Unsupported spanning the whole statement.
func (p *parser) unsupportedStmt(what, stmtType, reason string) *Unsupported {
	return &Unsupported{What: what, Reason: reason, Span: p.stmtSpan(), StatementType: stmtType}
}

// stmtSpan spans the statement's tokens, without comments around them and
// without the terminating ";".
func (p *parser) stmtSpan() Span {
	if len(p.toks) < 2 {
		return Span{}
	}
	return Span{p.toks[0].Span.Start, p.toks[len(p.toks)-2].Span.End}
}

// restSpan spans the tokens from the next one to the end of the statement.
func (p *parser) restSpan() Span {
	if p.atEnd() {
		return Span{p.peek().Span.Start, p.peek().Span.Start}
	}
	return Span{p.peek().Span.Start, p.toks[len(p.toks)-2].Span.End}
}

// suggest returns the keyword closest to word, when it is close enough to
// be a misspelling.
func suggest(word string, keywords []string) string {
	w := strings.ToUpper(word)
	best, bestDist := "", 3
	for _, k := range keywords {
		if k == w {
			return ""
		}
		limit := 2
		if len(k) <= 4 {
			limit = 1
		}
		if d := editDistance(w, k, limit+1); d <= limit && d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b
// (a transposition counts as one edit), or limit if it is at least limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit)
}
