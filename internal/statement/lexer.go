package statement

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mode selects the lexical rules of one of Athena's two SQL dialects.
type Mode uint8

// The lexical modes.
const (
	// ModeTrino lexes queries and writes: 'strings' with '' escapes,
	// "quoted identifiers", U&'unicode' and X'binary' literals. Backquoted
	// names are lexed as TokenBacktickIdent so that callers can reject them
	// with a helpful message.
	ModeTrino Mode = iota
	// ModeHive lexes Hive DDL: both '...' and "..." are strings with
	// backslash escapes, `backquoted` names are identifiers, and words may
	// begin with a digit (2020_data).
	ModeHive
)

// String returns "trino" or "hive".
func (m Mode) String() string {
	if m == ModeHive {
		return "hive"
	}
	return "trino"
}

// TokenKind is the lexical class of a token.
type TokenKind uint8

// The token kinds.
const (
	TokenEOF           TokenKind = iota // end of input; always the last token
	TokenIdent                          // an unquoted word: SELECT, my_table
	TokenQuotedIdent                    // "name" (Trino) or `name` (Hive)
	TokenBacktickIdent                  // `name` in Trino mode, where it is an error
	TokenString                         // 'text'; in Hive mode also "text"
	TokenNumber                         // 123, 1.5, .5, 1e10
	TokenOp                             // punctuation and operators
	TokenUnicodeString                  // U&'text'
	TokenBinaryString                   // X'0A1B'
)

var tokenKindNames = [...]string{
	TokenEOF:           "EOF",
	TokenIdent:         "Ident",
	TokenQuotedIdent:   "QuotedIdent",
	TokenBacktickIdent: "BacktickIdent",
	TokenString:        "String",
	TokenNumber:        "Number",
	TokenOp:            "Op",
	TokenUnicodeString: "UnicodeString",
	TokenBinaryString:  "BinaryString",
}

// String returns the kind's name, e.g. "QuotedIdent".
func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", k)
}

// Token is one lexical token.
type Token struct {
	Kind TokenKind
	// Text is the token's source text, quotes and escapes included.
	Text string
	// Value is the token's meaning: the unescaped contents of strings and
	// quoted identifiers, the hex digits of a binary string, and otherwise
	// the text as written (identifiers keep their case).
	Value string
	// Span is where the token is in the source.
	Span Span
}

// Lex splits src into tokens under the rules of mode, skipping white space
// and comments. The returned slice always ends with a TokenEOF token. Errors
// (unterminated strings, quoted identifiers or comments, and characters
// that cannot start a token) are *SyntaxError.
func Lex(src string, mode Mode) ([]Token, error) {
	l := lexer{src: src, mode: mode}
	toks := make([]Token, 0, len(src)/6+2) // about one token per six bytes of SQL
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.Kind == TokenEOF {
			return toks, nil
		}
	}
}

// lexer produces tokens one at a time, so that Split can stop at a
// statement's end and pick the next statement's mode.
type lexer struct {
	src  string
	pos  int
	mode Mode
	prev Token // the previous token, to tell "t.5" from ".5"
}

// twoCharOps are the operators of two characters. ">>" is deliberately
// absent so that "array<array<int>>" closes twice.
var twoCharOps = []string{"<>", "!=", "<=", ">=", "||", "->", "=>", "::"}

const oneCharOps = "(),;.=<>+-*/%[]{}:?"

func (l *lexer) errorf(off int, format string, args ...any) *SyntaxError {
	return syntaxErrorf(l.src, off, format, args...)
}

// next returns the next token, or TokenEOF at the end of the input.
func (l *lexer) next() (Token, error) {
	t, err := l.scan()
	if err != nil {
		return Token{}, err
	}
	l.prev = t
	return t, nil
}

func (l *lexer) scan() (Token, error) {
	if err := l.skipSpace(); err != nil {
		return Token{}, err
	}
	start := l.pos
	if start >= len(l.src) {
		return Token{Kind: TokenEOF, Span: Span{start, start}}, nil
	}
	c := l.src[start]
	switch {
	case c == '\'':
		return l.quoted(TokenString, '\'', start, start)
	case c == '"' && l.mode == ModeHive:
		return l.quoted(TokenString, '"', start, start)
	case c == '"':
		return l.quoted(TokenQuotedIdent, '"', start, start)
	case c == '`' && l.mode == ModeHive:
		return l.quoted(TokenQuotedIdent, '`', start, start)
	case c == '`':
		return l.quoted(TokenBacktickIdent, '`', start, start)
	case l.mode == ModeTrino && (c == 'U' || c == 'u') && strings.HasPrefix(l.src[start+1:], "&'"):
		return l.quoted(TokenUnicodeString, '\'', start, start+2)
	case l.mode == ModeTrino && (c == 'X' || c == 'x') && strings.HasPrefix(l.src[start+1:], "'"):
		return l.quoted(TokenBinaryString, '\'', start, start+1)
	case isDigit(c):
		if l.mode == ModeHive {
			if t, ok := l.hiveDigitWord(start); ok {
				return t, nil
			}
		}
		return l.number(start)
	case c == '.' && start+1 < len(l.src) && isDigit(l.src[start+1]) && !l.attachedToName(start):
		return l.number(start)
	}
	r, size := utf8.DecodeRuneInString(l.src[start:])
	if isIdentStart(r) {
		l.pos = start + size
		l.wordTail()
		return l.token(TokenIdent, start, l.src[start:l.pos]), nil
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(l.src[start:], op) {
			l.pos = start + 2
			return l.token(TokenOp, start, op), nil
		}
	}
	if strings.IndexByte(oneCharOps, c) >= 0 {
		l.pos = start + 1
		return l.token(TokenOp, start, l.src[start:l.pos]), nil
	}
	return Token{}, l.strayError(start, r, size)
}

func (l *lexer) token(kind TokenKind, start int, value string) Token {
	return Token{Kind: kind, Text: l.src[start:l.pos], Value: value, Span: Span{start, l.pos}}
}

func (l *lexer) strayError(start int, r rune, size int) error {
	switch {
	case r == utf8.RuneError && size == 1:
		return l.errorf(start, "invalid UTF-8 byte 0x%02X", l.src[start])
	case r == '|':
		return l.errorf(start, "unexpected character %q; use || to concatenate strings", r)
	case r == '!':
		return l.errorf(start, "unexpected character %q; use <> or != for \"not equal\"", r)
	case r == '&' || r == '^' || r == '~' || r == '#':
		return l.errorf(start, "unexpected character %q; Athena has no operator %q (use functions such as bitwise_and or regexp_like instead)", r, r)
	case unicode.IsSpace(r):
		return l.errorf(start, "unexpected character %U (a non-ASCII space); replace it with an ordinary space", r)
	case unicode.IsPrint(r):
		return l.errorf(start, "unexpected character %q", r)
	}
	return l.errorf(start, "unexpected character %U", r)
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() error {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '-' && strings.HasPrefix(l.src[l.pos:], "--"):
			end := strings.IndexByte(l.src[l.pos:], '\n')
			if end < 0 {
				l.pos = len(l.src)
			} else {
				l.pos += end + 1
			}
		case c == '/' && strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return l.errorf(l.pos, "unterminated /* comment; close it with */")
			}
			l.pos += 2 + end + 2
		default:
			return nil
		}
	}
	return nil
}

// quoted lexes a quoted token whose opening quote is at open (a prefix such
// as U& may precede it, from start).
func (l *lexer) quoted(kind TokenKind, q byte, start, open int) (Token, error) {
	hive := l.mode == ModeHive && kind == TokenString
	var b strings.Builder
	i := open + 1
	for i < len(l.src) {
		c := l.src[i]
		switch {
		case c == '\\' && hive:
			if i+1 >= len(l.src) {
				i++
				continue
			}
			i = hiveEscape(&b, l.src, i)
		case c == q:
			if !hive && i+1 < len(l.src) && l.src[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			l.pos = i + 1
			return l.finishQuoted(kind, start, b.String())
		default:
			b.WriteByte(c)
			i++
		}
	}
	switch kind {
	case TokenQuotedIdent, TokenBacktickIdent:
		return Token{}, l.errorf(start, "unterminated quoted identifier; close it with %c", q)
	}
	return Token{}, l.errorf(start, "unterminated string; close it with %c", q)
}

func (l *lexer) finishQuoted(kind TokenKind, start int, value string) (Token, error) {
	switch kind {
	case TokenQuotedIdent, TokenBacktickIdent:
		if value == "" {
			return Token{}, l.errorf(start, "zero-length quoted identifier %s is not allowed", l.src[start:l.pos])
		}
	case TokenBinaryString:
		for i := 0; i < len(value); i++ {
			if !isHexDigit(value[i]) {
				return Token{}, l.errorf(start, "binary literal %s can only contain hexadecimal digits", l.src[start:l.pos])
			}
		}
		if len(value)%2 != 0 {
			return Token{}, l.errorf(start, "binary literal %s must contain an even number of digits", l.src[start:l.pos])
		}
	case TokenUnicodeString:
		value = unescapeUnicode(value)
	}
	return l.token(kind, start, value), nil
}

// hiveEscape decodes the backslash escape at src[i] into b and returns the
// index after it. Hive keeps \% and \_ as written so that LIKE patterns
// still see the escape.
func hiveEscape(b *strings.Builder, src string, i int) int {
	c := src[i+1]
	if i+3 < len(src) && isOctal(c) && isOctal(src[i+2]) && isOctal(src[i+3]) {
		v := int(c-'0')<<6 | int(src[i+2]-'0')<<3 | int(src[i+3]-'0')
		if v <= 0xFF {
			b.WriteByte(byte(v))
			return i + 4
		}
	}
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case '0':
		b.WriteByte(0)
	case 'Z':
		b.WriteByte(0x1A)
	case '%', '_':
		b.WriteByte('\\')
		b.WriteByte(c)
	case 'u':
		if i+5 < len(src) && isHex4(src[i+2:i+6]) {
			b.WriteRune(rune(hexValue(src[i+2 : i+6])))
			return i + 6
		}
		b.WriteByte('u')
	default:
		// \\, \', \" and any other \c stand for c itself.
		b.WriteByte(c)
	}
	return i + 2
}

// unescapeUnicode decodes the \XXXX and \+XXXXXX escapes of a U&'...'
// literal. Malformed escapes are kept as written; the engine reports them.
func unescapeUnicode(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case i+4 < len(s) && isHex4(s[i+1:i+5]):
			b.WriteRune(rune(hexValue(s[i+1 : i+5])))
			i += 4
		case i+7 < len(s) && s[i+1] == '+' && isHex4(s[i+2:i+6]) && isHex4(s[i+4:i+8]):
			v := hexValue(s[i+2 : i+8])
			if v > unicode.MaxRune {
				b.WriteByte('\\')
				continue
			}
			b.WriteRune(rune(v))
			i += 7
		default:
			b.WriteByte('\\')
		}
	}
	return b.String()
}

// number lexes 123, 1.5, 1., .5, 1e10, 2E-3 and, in Trino mode, 0x1F,
// 0b101, 0o17 and 1_000.
func (l *lexer) number(start int) (Token, error) {
	i := start
	if l.mode == ModeTrino && l.src[i] == '0' && i+2 < len(l.src) {
		var ok func(byte) bool
		switch l.src[i+1] {
		case 'x', 'X':
			ok = isHexDigit
		case 'b', 'B':
			ok = func(c byte) bool { return c == '0' || c == '1' }
		case 'o', 'O':
			ok = isOctal
		}
		if ok != nil && ok(l.src[i+2]) {
			i += 2
			for i < len(l.src) && (ok(l.src[i]) || l.src[i] == '_') {
				i++
			}
			return l.endNumber(start, i)
		}
	}
	digits := func() {
		for i < len(l.src) && (isDigit(l.src[i]) || l.mode == ModeTrino && l.src[i] == '_' && i > start && isDigit(l.src[i-1]) && i+1 < len(l.src) && isDigit(l.src[i+1])) {
			i++
		}
	}
	digits()
	if i < len(l.src) && l.src[i] == '.' {
		i++
		digits()
	}
	if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
		j := i + 1
		if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			i = j
			digits()
		}
	}
	return l.endNumber(start, i)
}

func (l *lexer) endNumber(start, end int) (Token, error) {
	l.pos = end
	if l.mode == ModeTrino && end < len(l.src) {
		r, _ := utf8.DecodeRuneInString(l.src[end:])
		if isIdentStart(r) {
			word := l.src[start:l.wordEnd(end)]
			return Token{}, l.errorf(start, "identifiers must not start with a digit; surround the identifier with double quotes (%q)", word)
		}
	}
	return l.token(TokenNumber, start, l.src[start:end]), nil
}

// wordEnd returns the end of the run of identifier characters at pos.
func (l *lexer) wordEnd(pos int) int {
	for pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[pos:])
		if !isIdentPart(r) {
			break
		}
		pos += size
	}
	return pos
}

// hiveDigitWord lexes a Hive word that starts with a digit, such as
// 2020_data or 100L. It reports false when the text is a number.
func (l *lexer) hiveDigitWord(start int) (Token, bool) {
	end := l.wordEnd(start)
	word := l.src[start:end]
	digitsEnd := 0
	for digitsEnd < len(word) && isDigit(word[digitsEnd]) {
		digitsEnd++
	}
	if digitsEnd == len(word) {
		return Token{}, false // 123, maybe followed by .5 or e10
	}
	if e := word[digitsEnd]; e == 'e' || e == 'E' {
		rest := word[digitsEnd+1:]
		if rest == "" && end+1 < len(l.src) && (l.src[end] == '+' || l.src[end] == '-') && isDigit(l.src[end+1]) {
			return Token{}, false // 2E-3
		}
		if rest != "" && strings.Trim(rest, "0123456789") == "" {
			return Token{}, false // 1e10
		}
	}
	l.pos = end
	return l.token(TokenIdent, start, word), true
}

// attachedToName reports whether a '.' at off directly follows a name, as
// in t.5 (a Hive column named 5), where it is not a decimal point.
func (l *lexer) attachedToName(off int) bool {
	if l.prev.Span.End != off {
		return false
	}
	switch l.prev.Kind {
	case TokenIdent, TokenQuotedIdent, TokenBacktickIdent:
		return true
	case TokenOp:
		return l.prev.Text == ")" || l.prev.Text == "]"
	}
	return false
}

func (l *lexer) wordTail() {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isIdentPart(r) {
			return
		}
		l.pos += size
	}
}

func isIdentStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsLetter(r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' || r == '@' || r == '$' || r >= utf8.RuneSelf && unicode.IsDigit(r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func isHexDigit(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isHex4(s string) bool {
	return len(s) >= 4 && isHexDigit(s[0]) && isHexDigit(s[1]) && isHexDigit(s[2]) && isHexDigit(s[3])
}

func hexValue(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		}
	}
	return v
}
