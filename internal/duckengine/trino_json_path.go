package duckengine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Trino's json_extract family (json_extract, json_extract_scalar,
// json_size) takes a JSONPath-like path: "$" followed by ".name",
// "[name]", "[0]" or ["quoted name"] steps. Every step is a name; applied
// to an object it selects the first member with that name, applied to an
// array it selects the element at the name read as an integer. Anything
// else (wildcards, filters, "..", single quotes) is an invalid path.

// jsonPathStep is one step of a json_extract path.
type jsonPathStep struct {
	name  string
	index int // name as an array index, or -1
}

// parseJSONPath parses a json_extract path as Trino's JsonPathTokenizer
// does, returning ok=false where Trino reports "Invalid JSON path".
func parseJSONPath(path string) ([]jsonPathStep, bool) {
	if !strings.HasPrefix(path, "$") {
		return nil, false
	}
	var steps []jsonPathStep
	i := 1
	for i < len(path) {
		var name string
		switch path[i] {
		case '.':
			i++
			start := i
			for i < len(path) {
				r, n := utf8.DecodeRuneInString(path[i:])
				if r != ':' && !jsonPathNameRune(r) {
					break
				}
				i += n
			}
			if i == start {
				return nil, false
			}
			name = path[start:i]
		case '[':
			i++
			if i < len(path) && path[i] == '"' {
				var b strings.Builder
				i++
				closed := false
				for i < len(path) {
					c := path[i]
					if c == '"' {
						closed = true
						i++
						break
					}
					if c == '\\' {
						if i+1 >= len(path) || path[i+1] != '"' && path[i+1] != '\\' {
							return nil, false
						}
						b.WriteByte(path[i+1])
						i += 2
						continue
					}
					b.WriteByte(c)
					i++
				}
				if !closed {
					return nil, false
				}
				name = b.String()
			} else {
				start := i
				for i < len(path) {
					r, n := utf8.DecodeRuneInString(path[i:])
					if !jsonPathNameRune(r) {
						break
					}
					i += n
				}
				if i == start {
					return nil, false
				}
				name = path[start:i]
			}
			if i >= len(path) || path[i] != ']' {
				return nil, false
			}
			i++
		default:
			return nil, false
		}
		steps = append(steps, jsonPathStep{name: name, index: javaParseInt(name)})
	}
	return steps, true
}

// jsonPathNameRune is Java's "c == '_' || Character.isLetterOrDigit(c)" on
// a UTF-16 unit: characters outside the BMP are surrogate pairs in Java,
// which are neither letters nor digits.
func jsonPathNameRune(r rune) bool {
	if r == utf8.RuneError || r > 0xFFFF {
		return false
	}
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// javaParseInt is Java's Integer.parseInt, or -1 where it throws: an
// optional sign, then decimal digits of any script, within int32.
func javaParseInt(s string) int {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return -1
	}
	var v int64
	for _, r := range s {
		d := unicodeDigit(r)
		if d < 0 {
			return -1
		}
		v = v*10 + int64(d)
		if v > 1<<31 {
			return -1
		}
	}
	if neg {
		v = -v
	}
	if v > 1<<31-1 || v < -(1<<31) {
		return -1
	}
	if v < 0 {
		return -1 // never an index
	}
	return int(v)
}

// unicodeDigit is the value of a decimal digit (Unicode category Nd), or
// -1. Nd digits come in runs of ten from zero, so the value is the
// distance from the start of the rune's run, modulo ten.
func unicodeDigit(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if r > 0xFFFF || !unicode.IsDigit(r) {
		return -1
	}
	start := r
	for start > 0 && unicode.IsDigit(start-1) {
		start--
	}
	return int(r-start) % 10
}

// jsonExtract follows steps into text and calls leaf with the lexer on the
// first token of the selected value. It returns nil where Trino returns
// NULL: a missing member or element, a step into a scalar, or malformed
// JSON met on the way.
func jsonExtract(text string, steps []jsonPathStep, leaf func(l *jsonLexer) (any, error)) (any, error) {
	l := newJSONLexer(text)
	k, err := l.next()
	if err != nil || k == jsonEOF {
		return nil, nil
	}
	for _, st := range steps {
		switch l.kind {
		case jsonStartObject:
			found := false
			for !found {
				k, err := l.next()
				if err != nil || k == jsonEOF || k == jsonEndObject {
					return nil, nil
				}
				if k != jsonField {
					if l.skipChildren() != nil {
						return nil, nil
					}
					continue
				}
				if l.text() == st.name {
					if k, err := l.next(); err != nil || k == jsonEOF {
						return nil, nil
					}
					found = true
				}
			}
		case jsonStartArray:
			for i := 0; ; i++ {
				k, err := l.next()
				if err != nil || k == jsonEOF || k == jsonEndArray {
					return nil, nil
				}
				if i == st.index {
					break
				}
				if l.skipChildren() != nil {
					return nil, nil
				}
			}
		default:
			return nil, nil
		}
	}
	return leaf(l)
}

// jsonExtractValue is json_extract's leaf: the value as JSON text.
func jsonExtractValue(l *jsonLexer) (any, error) {
	var b strings.Builder
	if err := l.copyValue(&b); err != nil {
		return nil, nil
	}
	return b.String(), nil
}

// jsonExtractScalar is json_extract_scalar's leaf: a scalar's text,
// NULL for JSON null, objects and arrays.
func jsonExtractScalar(l *jsonLexer) (any, error) {
	switch l.kind {
	case jsonString:
		return l.text(), nil
	case jsonInt, jsonFloat, jsonTrue, jsonFalse:
		return l.raw(), nil
	}
	return nil, nil
}

// jsonExtractSize is json_size's leaf: the number of members or elements,
// 0 for scalars.
func jsonExtractSize(l *jsonLexer) (any, error) {
	switch l.kind {
	case jsonStartArray, jsonStartObject:
		end := jsonEndArray
		if l.kind == jsonStartObject {
			end = jsonEndObject
		}
		var n int64
		for {
			k, err := l.next()
			if err != nil || k == jsonEOF {
				return nil, nil
			}
			if k == end {
				return n, nil
			}
			if k == jsonField {
				n++
				continue
			}
			if end == jsonEndArray {
				n++
			}
			if l.skipChildren() != nil {
				return nil, nil
			}
		}
	}
	return int64(0), nil
}
