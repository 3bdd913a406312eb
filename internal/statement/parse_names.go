package statement

import (
	"strings"
)

// isNameTok reports whether t can be a name part: a word, a quoted
// identifier, or (in Hive mode, where Athena tolerates it) a
// "double-quoted" string.
func (p *parser) isNameTok(t Token) bool {
	switch t.Kind {
	case TokenIdent, TokenQuotedIdent:
		return true
	case TokenString:
		return p.mode == ModeHive && strings.HasPrefix(t.Text, `"`)
	}
	return false
}

// namePart reads one part of a name: a word or a quoted identifier. In
// Hive mode a "double-quoted" string is accepted too when dq is set; Athena
// tolerates it in DROP, ALTER, SHOW, DESCRIBE and MSCK but not in CREATE.
func (p *parser) namePart(what, after string, dq bool) (Ident, error) {
	t := p.peek()
	switch t.Kind {
	case TokenIdent:
		p.advance()
		return Ident{Name: t.Text, Span: t.Span}, nil
	case TokenQuotedIdent:
		p.advance()
		return Ident{Name: t.Value, Span: t.Span}, nil
	case TokenString:
		if p.mode == ModeHive && strings.HasPrefix(t.Text, `"`) {
			if dq {
				p.advance()
				return Ident{Name: t.Value, Span: t.Span}, nil
			}
			err := p.expected(what, after).(*SyntaxError)
			err.Msg += "; Hive DDL quotes names with backquotes (" + backquote(t.Value) + ")"
			return Ident{}, err
		}
	}
	return Ident{}, p.expected(what, after)
}

// qualifiedName reads [catalog.][database.]name.
func (p *parser) qualifiedName(what, after string, dq bool) (QualifiedName, error) {
	first := p.peek()
	part, err := p.namePart(what, after, dq)
	if err != nil {
		return QualifiedName{}, err
	}
	parts := []string{part.Name}
	for p.atOp(".") {
		p.advance()
		if p.peek().Kind == TokenNumber {
			return QualifiedName{}, p.errorf(p.peek(), "a name part cannot be the number %s; quote it", p.peek().Text)
		}
		part, err := p.namePart("a name", `"."`, dq)
		if err != nil {
			return QualifiedName{}, err
		}
		parts = append(parts, part.Name)
	}
	q := QualifiedName{Span: Span{first.Span.Start, p.prevEnd()}}
	switch len(parts) {
	case 1:
		q.Name = parts[0]
	case 2:
		q.Database, q.Name = parts[0], parts[1]
	case 3:
		q.Catalog, q.Database, q.Name = parts[0], parts[1], parts[2]
	default:
		return QualifiedName{}, p.errorf(first, "name %s has %d parts; write [catalog.][database.]table",
			q.Span.Text(p.src), len(parts))
	}
	return q, nil
}

// backquote quotes name for Hive.
func backquote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// doubleQuote quotes name for Trino.
func doubleQuote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
