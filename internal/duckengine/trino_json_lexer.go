package duckengine

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/query"
)

// Trino reads and writes JSON with Jackson. The functions here reproduce
// what Trino's JSON functions see of a text: a stream of tokens read as
// strictly as Jackson's default parser reads them (no comments, NaN,
// single quotes, leading zeros or trailing commas), validated only as far
// as the function reads, and values written back the way Jackson's
// generator writes them (compact, control characters escaped with upper
// case hex, floating point numbers as Java's Double.toString).

// jsonKind is the kind of a JSON token.
type jsonKind uint8

const (
	jsonEOF jsonKind = iota
	jsonStartObject
	jsonEndObject
	jsonStartArray
	jsonEndArray
	jsonField // an object member's name
	jsonString
	jsonInt
	jsonFloat
	jsonTrue
	jsonFalse
	jsonNull
)

// isScalar reports whether k is a scalar value (null included).
func (k jsonKind) isScalar() bool { return k >= jsonString }

// errJSONSyntax is returned for text Jackson would not read.
var errJSONSyntax = errors.New("malformed JSON")

// errJSONDepth is returned for values nested deeper than weir follows.
var errJSONDepth = errors.New("JSON nested too deeply")

// jsonMaxDepth bounds the nesting weir builds trees for (Trino has no
// limit; it is here so that Go's recursion stays bounded).
const jsonMaxDepth = 10000

// jsonLexer reads JSON text token by token, like Jackson's JsonParser.
type jsonLexer struct {
	s     string
	pos   int
	stack []byte // '{' or '[' for every open container
	// after is true once a value (or a member name, in an object) has
	// been read in the innermost context, so that a separator or the
	// container's end is due.
	after bool
	kind  jsonKind
	start int  // the current token's text: s[start:end]; for strings
	end   int  // and member names, without the quotes
	esc   bool // the string has escapes
}

func newJSONLexer(s string) *jsonLexer { return &jsonLexer{s: s} }

func (l *jsonLexer) skipSpace() {
	for l.pos < len(l.s) {
		switch l.s[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// next reads the next token. At the end of the input it returns jsonEOF;
// text Jackson rejects gives errJSONSyntax.
func (l *jsonLexer) next() (jsonKind, error) {
	l.skipSpace()
	if len(l.stack) == 0 {
		// Root level: values follow one another, separated by space
		// where they would run together (checked when reading numbers
		// and literals).
		if l.pos >= len(l.s) {
			l.kind = jsonEOF
			return jsonEOF, nil
		}
		return l.value()
	}
	if l.pos >= len(l.s) {
		return jsonEOF, errJSONSyntax
	}
	top := l.stack[len(l.stack)-1]
	c := l.s[l.pos]
	if top == '{' {
		if l.kind == jsonField {
			if c != ':' {
				return jsonEOF, errJSONSyntax
			}
			l.pos++
			l.skipSpace()
			return l.value()
		}
		if l.after {
			switch c {
			case '}':
				return l.close(jsonEndObject)
			case ',':
				l.pos++
				l.skipSpace()
				return l.field()
			}
			return jsonEOF, errJSONSyntax
		}
		// Just after '{'.
		if c == '}' {
			return l.close(jsonEndObject)
		}
		return l.field()
	}
	if l.after {
		switch c {
		case ']':
			return l.close(jsonEndArray)
		case ',':
			l.pos++
			l.skipSpace()
			return l.value()
		}
		return jsonEOF, errJSONSyntax
	}
	if c == ']' {
		return l.close(jsonEndArray)
	}
	return l.value()
}

func (l *jsonLexer) close(k jsonKind) (jsonKind, error) {
	l.pos++
	l.stack = l.stack[:len(l.stack)-1]
	l.after = true
	l.kind = k
	return k, nil
}

// field reads a member name.
func (l *jsonLexer) field() (jsonKind, error) {
	if l.pos >= len(l.s) || l.s[l.pos] != '"' {
		return jsonEOF, errJSONSyntax
	}
	if err := l.str(); err != nil {
		return jsonEOF, err
	}
	l.kind = jsonField
	l.after = false
	return jsonField, nil
}

// value reads a value at l.pos.
func (l *jsonLexer) value() (jsonKind, error) {
	if l.pos >= len(l.s) {
		return jsonEOF, errJSONSyntax
	}
	l.after = true
	switch c := l.s[l.pos]; {
	case c == '{':
		l.pos++
		l.stack = append(l.stack, '{')
		l.after = false
		l.kind = jsonStartObject
	case c == '[':
		l.pos++
		l.stack = append(l.stack, '[')
		l.after = false
		l.kind = jsonStartArray
	case c == '"':
		if err := l.str(); err != nil {
			return jsonEOF, err
		}
		l.kind = jsonString
	case c == '-' || c >= '0' && c <= '9':
		if err := l.number(); err != nil {
			return jsonEOF, err
		}
	case c == 't':
		return l.literal("true", jsonTrue)
	case c == 'f':
		return l.literal("false", jsonFalse)
	case c == 'n':
		return l.literal("null", jsonNull)
	default:
		return jsonEOF, errJSONSyntax
	}
	return l.kind, nil
}

// literal reads true, false or null; like Jackson, it rejects a literal
// that runs on into a name ("truex").
func (l *jsonLexer) literal(word string, k jsonKind) (jsonKind, error) {
	if !strings.HasPrefix(l.s[l.pos:], word) {
		return jsonEOF, errJSONSyntax
	}
	l.start, l.end = l.pos, l.pos+len(word)
	l.pos += len(word)
	if l.pos < len(l.s) {
		r, _ := utf8.DecodeRuneInString(l.s[l.pos:])
		if r >= '0' && r != ']' && r != '}' && isJavaIdentifierPart(r) {
			return jsonEOF, errJSONSyntax
		}
	}
	l.kind = k
	return k, nil
}

// isJavaIdentifierPart approximates Java's Character.isJavaIdentifierPart
// for the characters that may follow a literal.
func isJavaIdentifierPart(r rune) bool {
	return r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && r != utf8.RuneError
}

// number reads a number as JSON (and Jackson) allows it.
func (l *jsonLexer) number() error {
	s, i := l.s, l.pos
	l.start = i
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if digits() == 0 {
		return errJSONSyntax
	}
	if s[intStart] == '0' && i-intStart > 1 {
		return errJSONSyntax // leading zeros
	}
	k := jsonInt
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return errJSONSyntax
		}
		k = jsonFloat
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return errJSONSyntax
		}
		k = jsonFloat
	}
	l.end, l.pos, l.kind = i, i, k
	if len(l.stack) == 0 && i < len(s) {
		// Jackson wants space after a number at the root.
		switch s[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return errJSONSyntax
		}
	}
	return nil
}

// str reads a string (l.pos at its opening quote), checking escapes and
// control characters as Jackson does even for strings it skips.
func (l *jsonLexer) str() error {
	s, i := l.s, l.pos+1
	l.start, l.esc = i, false
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			l.end, l.pos = i, i+1
			return nil
		case c == '\\':
			l.esc = true
			if i+1 >= len(s) {
				return errJSONSyntax
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) {
					return errJSONSyntax
				}
				if _, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err != nil {
					return errJSONSyntax
				}
				i += 6
			default:
				return errJSONSyntax
			}
		case c < 0x20:
			return errJSONSyntax
		default:
			i++
		}
	}
	return errJSONSyntax
}

// text is the current string or member name, unescaped.
func (l *jsonLexer) text() string {
	raw := l.s[l.start:l.end]
	if !l.esc {
		return raw
	}
	return jsonUnescape(raw)
}

// raw is the current token's text as written (numbers, literals).
func (l *jsonLexer) raw() string { return l.s[l.start:l.end] }

// jsonUnescape decodes the escapes of a string the lexer accepted. Lone
// surrogates become U+FFFD.
func jsonUnescape(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r1, _ := strconv.ParseUint(raw[i+2:i+6], 16, 32)
			i += 6
			r := rune(r1)
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if r2, err := strconv.ParseUint(raw[i+2:i+6], 16, 32); err == nil {
						if d := utf16.DecodeRune(r, rune(r2)); d != utf8.RuneError {
							b.WriteRune(d)
							i += 6
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(raw[i+1])
		}
		i += 2
	}
	return b.String()
}

// skipChildren moves past the rest of the container the current token
// starts; it does nothing for other tokens (Jackson's skipChildren).
func (l *jsonLexer) skipChildren() error {
	if l.kind != jsonStartObject && l.kind != jsonStartArray {
		return nil
	}
	depth := len(l.stack)
	for {
		k, err := l.next()
		if err != nil {
			return err
		}
		if k == jsonEOF {
			return errJSONSyntax
		}
		if len(l.stack) < depth {
			return nil
		}
	}
}

// jsonWriteString writes s as a JSON string the way Jackson does: only
// quotes, backslashes and control characters are escaped.
func jsonWriteString(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20:
			b.WriteByte(c)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	b.WriteByte('"')
}

// jsonIntText is an integer token as Jackson writes it back: the same
// digits, but without the sign of "-0".
func jsonIntText(raw string) string {
	if raw == "-0" {
		return "0"
	}
	return raw
}

// jsonDoubleText is a floating point token as Jackson writes it back after
// reading it as a Java double.
func jsonDoubleText(raw string) string {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil && !math.IsInf(f, 0) {
		// ParseFloat accepts everything the lexer does; underflow
		// returns 0 without an error.
		return raw
	}
	switch {
	case math.IsInf(f, 1):
		return `"Infinity"` // Jackson quotes non-finite numbers
	case math.IsInf(f, -1):
		return `"-Infinity"`
	}
	return query.JavaFloat(f, 64)
}

// copyValue writes the value the current token starts, compactly, the way
// Jackson's copyCurrentStructure does, and leaves the lexer on its last
// token.
func (l *jsonLexer) copyValue(b *strings.Builder) error {
	base := len(l.stack)
	if l.kind == jsonStartObject || l.kind == jsonStartArray {
		base--
	}
	var first []bool // per container opened by the copy: nothing written yet
	for {
		switch l.kind {
		case jsonStartObject:
			b.WriteByte('{')
			first = append(first, true)
		case jsonStartArray:
			b.WriteByte('[')
			first = append(first, true)
		case jsonEndObject:
			b.WriteByte('}')
			first = first[:len(first)-1]
		case jsonEndArray:
			b.WriteByte(']')
			first = first[:len(first)-1]
		case jsonField:
			jsonWriteString(b, l.text())
			b.WriteByte(':')
		default:
			if err := l.writeScalar(b); err != nil {
				return err
			}
		}
		if len(l.stack) <= base {
			return nil
		}
		k, err := l.next()
		if err != nil {
			return err
		}
		top := len(first) - 1
		switch k {
		case jsonEOF:
			return errJSONSyntax
		case jsonEndObject, jsonEndArray:
		case jsonField:
			if !first[top] {
				b.WriteByte(',')
			}
			first[top] = false
		default:
			outer := len(l.stack) - 1
			if k == jsonStartObject || k == jsonStartArray {
				outer--
			}
			if l.stack[outer] == '[' {
				if !first[top] {
					b.WriteByte(',')
				}
				first[top] = false
			}
		}
	}
}

// writeScalar writes the current scalar token as Jackson copies it.
func (l *jsonLexer) writeScalar(b *strings.Builder) error {
	switch l.kind {
	case jsonString:
		jsonWriteString(b, l.text())
	case jsonInt:
		b.WriteString(jsonIntText(l.raw()))
	case jsonFloat:
		b.WriteString(jsonDoubleText(l.raw()))
	case jsonTrue:
		b.WriteString("true")
	case jsonFalse:
		b.WriteString("false")
	case jsonNull:
		b.WriteString("null")
	default:
		return errJSONSyntax
	}
	return nil
}

// jsonNode is a parsed JSON value (json_parse's model of it).
type jsonNode struct {
	kind  jsonKind // jsonStartObject for objects, jsonStartArray for arrays
	text  string   // strings: the value; numbers: the token
	keys  []string // objects, in the order written; duplicates keep the last value
	elems []*jsonNode
	dups  bool // an object in which a name repeats
}

// parseTree reads the value the current token starts.
func (l *jsonLexer) parseTree(depth int) (*jsonNode, error) {
	if depth > jsonMaxDepth {
		return nil, errJSONDepth
	}
	switch l.kind {
	case jsonStartArray:
		n := &jsonNode{kind: jsonStartArray}
		for {
			k, err := l.next()
			if err != nil {
				return nil, err
			}
			if k == jsonEndArray {
				return n, nil
			}
			if k == jsonEOF {
				return nil, errJSONSyntax
			}
			e, err := l.parseTree(depth + 1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, e)
		}
	case jsonStartObject:
		n := &jsonNode{kind: jsonStartObject}
		index := map[string]int{}
		for {
			k, err := l.next()
			if err != nil {
				return nil, err
			}
			if k == jsonEndObject {
				return n, nil
			}
			if k != jsonField {
				return nil, errJSONSyntax
			}
			name := l.text()
			if k, err = l.next(); err != nil || k == jsonEOF {
				return nil, errJSONSyntax
			}
			v, err := l.parseTree(depth + 1)
			if err != nil {
				return nil, err
			}
			if i, ok := index[name]; ok {
				n.elems[i] = v
				n.dups = true
				continue
			}
			index[name] = len(n.keys)
			n.keys = append(n.keys, name)
			n.elems = append(n.elems, v)
		}
	case jsonString:
		return &jsonNode{kind: jsonString, text: l.text()}, nil
	case jsonInt, jsonFloat, jsonTrue, jsonFalse, jsonNull:
		return &jsonNode{kind: l.kind, text: l.raw()}, nil
	}
	return nil, errJSONSyntax
}

// jsonBigIntText is an integer as Java's Integer, Long or BigInteger
// prints it.
func jsonBigIntText(raw string) string {
	if len(raw) < 18 {
		return jsonIntText(raw)
	}
	var z big.Int
	if _, ok := z.SetString(raw, 10); !ok {
		return raw
	}
	return z.String()
}

// javaStringLess orders strings as Java's String.compareTo: by UTF-16
// code units.
func javaStringLess(a, b string) bool {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return javaUnit(ra) < javaUnit(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b != ""
}

// javaUnit is the first UTF-16 code unit of r, which decides its order
// among different runes.
func javaUnit(r rune) rune {
	if r >= 0x10000 {
		r1, _ := utf16.EncodeRune(r)
		return r1
	}
	return r
}
