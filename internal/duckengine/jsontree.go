package duckengine

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeTree decodes a JSON document into the generic form encoding/json
// gives (map[string]any, []any, string, float64, bool, nil), several
// times faster: DuckDB's syntax trees are large (a 2 KB query gives some
// 100 KB of JSON) and reading one is most of the time translation takes.
func decodeTree(data []byte) (any, error) {
	return decodeTreeOpts(data, false)
}

// decodeSparseTree is decodeTree leaving out object members whose value is
// empty (null, false, "", [], {}), except those named "value" (a
// constant's) and everything under "where_clause", whose predicates are
// printed back to SQL (partition pruning) and so must stay complete. The
// walk reads a missing member as empty, and half of a tree's members are.
func decodeSparseTree(data []byte) (any, error) {
	return decodeTreeOpts(data, true)
}

func decodeTreeOpts(data []byte, sparse bool) (any, error) {
	d := treeDecoder{data: data, sparse: sparse}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos != len(d.data) {
		return nil, d.errorf("unexpected data after the document")
	}
	return v, nil
}

type treeDecoder struct {
	data []byte
	pos  int
	// interned holds the short strings seen so far: a syntax tree repeats
	// a few dozen member names and node types thousands of times.
	interned map[string]string
	sparse   bool // see decodeSparseTree
	complete int  // > 0 inside a member decoded completely
}

// intern returns b as a string, shared with earlier equal short strings.
func (d *treeDecoder) intern(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	if s, ok := d.interned[string(b)]; ok { // no allocation for the lookup
		return s
	}
	if d.interned == nil {
		d.interned = map[string]string{}
	}
	s := string(b)
	d.interned[s] = s
	return s
}

// maxTreeDepth bounds nesting, as encoding/json does.
const maxTreeDepth = 10000

func (d *treeDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("duckengine: syntax tree JSON at byte %d: %s", d.pos, fmt.Sprintf(format, args...))
}

func (d *treeDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *treeDecoder) value(depth int) (any, error) {
	if depth > maxTreeDepth {
		return nil, d.errorf("nested too deeply")
	}
	d.space()
	if d.pos >= len(d.data) {
		return nil, d.errorf("unexpected end")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.string()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	// DuckDB writes non-finite doubles (1e700 in a query) as these.
	case c == 'I':
		return math.Inf(1), d.literal("Infinity")
	case c == 'N':
		return math.NaN(), d.literal("NaN")
	case c == '-' && d.pos+1 < len(d.data) && d.data[d.pos+1] == 'I':
		d.pos++
		return math.Inf(-1), d.literal("Infinity")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, d.errorf("unexpected %q", d.data[d.pos])
}

func (d *treeDecoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.errorf("invalid literal")
	}
	d.pos += len(word)
	return nil
}

func (d *treeDecoder) object(depth int) (any, error) {
	d.pos++ // {
	m := map[string]any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.errorf("expected a member name")
		}
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.errorf("expected ':'")
		}
		d.pos++
		keep := k == "where_clause"
		if keep {
			d.complete++
		}
		v, err := d.value(depth + 1)
		if keep {
			d.complete--
		}
		if err != nil {
			return nil, err
		}
		if !d.sparse || d.complete > 0 || k == "value" || !emptyJSON(v) {
			m[k] = v
		}
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end in an object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.errorf("expected ',' or '}'")
		}
	}
}

func (d *treeDecoder) array(depth int) (any, error) {
	d.pos++ // [
	a := []any{}
	d.space()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, nil
	}
	for {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.pos >= len(d.data) {
			return nil, d.errorf("unexpected end in an array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return a, nil
		default:
			return nil, d.errorf("expected ',' or ']'")
		}
	}
}

func (d *treeDecoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	digits := func() int {
		n := 0
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			d.pos++
			n++
		}
		return n
	}
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
	} else if digits() == 0 {
		return nil, d.errorf("invalid number")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if digits() == 0 {
			return nil, d.errorf("invalid number")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if digits() == 0 {
			return nil, d.errorf("invalid number")
		}
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, d.errorf("invalid number")
	}
	return f, nil
}

// string reads a string, as encoding/json does: invalid UTF-8 and
// unpaired surrogates become U+FFFD.
func (d *treeDecoder) string() (string, error) {
	d.pos++ // "
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c == '"' {
			s := d.data[start:d.pos]
			d.pos++
			if ascii || utf8.Valid(s) {
				return d.intern(s), nil
			}
			return string([]rune(string(s))), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		ascii = ascii && c < utf8.RuneSelf
		d.pos++
	}
	// The slow path: escapes.
	buf := append([]byte(nil), d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(buf) {
				return string([]rune(string(buf))), nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.errorf("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		d.pos++
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					save := d.pos
					d.pos += 2
					var ok2 bool
					if r2, ok2 = d.hex4(); !ok2 {
						return "", d.errorf("invalid \\u escape")
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						buf = utf8.AppendRune(buf, dec)
						continue
					}
					d.pos = save // not a pair: the second escape stands alone
				}
				buf = utf8.AppendRune(buf, utf8.RuneError)
				continue
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", d.errorf("invalid escape")
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *treeDecoder) hex4() (rune, bool) {
	if len(d.data)-d.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.pos += 4
	return r, true
}

// emptyJSON reports whether v is null, false, "", [] or {}.
func emptyJSON(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
