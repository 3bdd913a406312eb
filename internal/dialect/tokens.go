package dialect

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// rewriter is one query's tokens and the edits the passes make to them.
// Passes find constructs by looking at tokens (keywords are unquoted
// identifiers, matched case-insensitively) and record their edits as
// replacements of token spans, so that the text between tokens, comments
// included, stays as the user wrote it.
type rewriter struct {
	src  string
	toks []statement.Token // ends with a TokenEOF token
	// partner maps the index of each bracket token — ( ) [ ] — to the
	// index of its partner, or -1 if it has none.
	partner []int
	// typed marks the tokens of types the type pass rewrote, so that later
	// passes leave them alone (a field named "values" is not a VALUES
	// clause).
	typed []bool
	// words holds each unquoted identifier in upper case ("" for other
	// tokens), for matching keywords.
	words []string
	// castTypes marks the tokens after the AS of a CAST; see castType.
	castTypes []bool
	edits     statement.Edits
}

func newRewriter(src string, toks []statement.Token) *rewriter {
	r := &rewriter{src: src, toks: toks, partner: make([]int, len(toks)), typed: make([]bool, len(toks)), words: make([]string, len(toks))}
	var open []int
	for i, t := range toks {
		r.partner[i] = -1
		if t.Kind == statement.TokenIdent {
			r.words[i] = strings.ToUpper(t.Text)
		}
		if t.Kind != statement.TokenOp {
			continue
		}
		switch t.Text {
		case "(", "[":
			open = append(open, i)
		case ")", "]":
			want := "("
			if t.Text == "]" {
				want = "["
			}
			// A closing bracket that does not match the innermost open
			// one is unbalanced; leave both unpaired.
			if n := len(open); n > 0 && toks[open[n-1]].Text == want {
				r.partner[i], r.partner[open[n-1]] = open[n-1], i
				open = open[:n-1]
			} else {
				open = open[:0]
			}
		}
	}
	return r
}

// tok returns token i, or the EOF token if i is past the end.
func (r *rewriter) tok(i int) statement.Token {
	if i < 0 || i >= len(r.toks) {
		return r.toks[len(r.toks)-1]
	}
	return r.toks[i]
}

// word returns token i in upper case if it is an unquoted identifier, and
// "" otherwise.
func (r *rewriter) word(i int) string {
	if i < 0 || i >= len(r.words) {
		return ""
	}
	return r.words[i]
}

// isWord reports whether token i is the unquoted identifier w (upper case).
func (r *rewriter) isWord(i int, w string) bool {
	return i >= 0 && i < len(r.words) && r.words[i] == w
}

// isWords reports whether the tokens from i on are the unquoted
// identifiers ws.
func (r *rewriter) isWords(i int, ws ...string) bool {
	for k, w := range ws {
		if !r.isWord(i+k, w) {
			return false
		}
	}
	return true
}

// keyword reports whether token i is the keyword w: the unquoted
// identifier w, not part of a qualified name (t.values).
func (r *rewriter) keyword(i int, w string) bool {
	return r.isWord(i, w) && !r.isOp(i-1, ".") && !r.typed[i]
}

// isOp reports whether token i is the operator op.
func (r *rewriter) isOp(i int, op string) bool {
	t := r.tok(i)
	return i >= 0 && t.Kind == statement.TokenOp && t.Text == op
}

// call returns the index of the ")" that closes a call whose name is token
// i — the name followed by "(" — or -1 if token i does not start a call.
func (r *rewriter) call(i int) int {
	if !r.isOp(i+1, "(") {
		return -1
	}
	return r.partner[i+1]
}

// topLevel calls f with the index of each token from open+1 up to close
// (exclusive) that is not inside brackets nested there. It stops when f
// returns false.
func (r *rewriter) topLevel(open, close int, f func(i int) bool) {
	for i := open + 1; i < close; i++ {
		if !f(i) {
			return
		}
		if p := r.partner[i]; p > i && p < close {
			i = p - 1 // f sees the closing bracket next
		}
	}
}

// span returns the source span from the start of token i to the end of
// token j.
func (r *rewriter) span(i, j int) statement.Span {
	return statement.Span{Start: r.toks[i].Span.Start, End: r.toks[j].Span.End}
}

// edit records that the source in span is replaced by text. A space is
// added where the text would otherwise run into the source next to it and
// change how it lexes: a string literal right before another one (the
// quotes would make one string with a quote in it), or a word right
// before a word.
func (r *rewriter) edit(span statement.Span, text string) {
	if text != "" && span.End < len(r.src) && fuses(text[len(text)-1], r.src[span.End]) {
		text += " "
	}
	if text != "" && span.Start > 0 && fuses(r.src[span.Start-1], text[0]) {
		text = " " + text
	}
	r.edits.Replace(span, text)
}

// fuses reports whether characters a and b, written next to each other,
// would join two tokens into one.
func fuses(a, b byte) bool {
	word := func(c byte) bool {
		return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf
	}
	return a == '\'' && b == '\'' || a == '"' && b == '"' || word(a) && word(b)
}

// replace records that tokens i through j are replaced by text.
func (r *rewriter) replace(i, j int, text string) {
	r.edit(r.span(i, j), text)
}

// insertBefore records that text goes right before token i.
func (r *rewriter) insertBefore(i int, text string) {
	at := r.toks[i].Span.Start
	r.edit(statement.Span{Start: at, End: at}, text)
}

// insertAfter records that text goes right after token i.
func (r *rewriter) insertAfter(i int, text string) {
	at := r.toks[i].Span.End
	r.edit(statement.Span{Start: at, End: at}, text)
}

// syntaxError returns a SyntaxError at token i.
func (r *rewriter) syntaxError(i int, format string, args ...any) error {
	off := r.tok(i).Span.Start
	line, col := statement.LineCol(r.src, off)
	return &statement.SyntaxError{Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// notSupported returns a NOT_SUPPORTED error at token i.
func (r *rewriter) notSupported(i int, format string, args ...any) error {
	return query.ErrorAt("NOT_SUPPORTED", r.tok(i).Span.Start, format, args...)
}

// quoteString returns s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// isName reports whether token i is an identifier, quoted or not.
func (r *rewriter) isName(i int) bool {
	k := r.tok(i).Kind
	return k == statement.TokenIdent || k == statement.TokenQuotedIdent
}
