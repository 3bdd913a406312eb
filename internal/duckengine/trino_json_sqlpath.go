package duckengine

import (
	"fmt"
	"strconv"
	"strings"
)

// json_exists, json_value and json_query take an SQL/JSON path. weir
// evaluates the structural part of the language: the lax and strict
// modes, "$", member accessors (.key, ."key", .*) and array accessors
// ([n], [n to m], [last], [last - n], [*]). Filters, item methods,
// arithmetic, variables and the descendant accessor are refused when the
// query is planned, so no path silently means something else.

// sqlJSONPath is a parsed SQL/JSON path.
type sqlJSONPath struct {
	strict bool
	steps  []sqlJSONStep
}

// sqlJSONStep is one accessor.
type sqlJSONStep struct {
	kind sqlJSONStepKind
	name string       // member name
	subs []sqlJSONSub // array subscripts
}

type sqlJSONStepKind uint8

const (
	sqlJSONMember sqlJSONStepKind = iota
	sqlJSONMemberWildcard
	sqlJSONArrayWildcard
	sqlJSONSubscripts
)

// sqlJSONSub is a subscript: one index, or a range of them.
type sqlJSONSub struct {
	from, to sqlJSONIndex
}

// sqlJSONIndex is an array index: n, or last - n.
type sqlJSONIndex struct {
	last bool
	n    int64
}

func (x sqlJSONIndex) resolve(size int) int64 {
	if x.last {
		return int64(size) - 1 - x.n
	}
	return x.n
}

// parseSQLJSONPath parses the supported subset of the SQL/JSON path
// language; the error names what is not supported.
func parseSQLJSONPath(path string) (*sqlJSONPath, error) {
	p := &sqlJSONPathParser{s: path}
	out := &sqlJSONPath{}
	p.space()
	switch {
	case p.keyword("strict"):
		out.strict = true
	case p.keyword("lax"):
	}
	p.space()
	if !p.eat('$') {
		return nil, p.unsupported()
	}
	for {
		p.space()
		if p.pos >= len(p.s) {
			return out, nil
		}
		switch {
		case strings.HasPrefix(p.s[p.pos:], ".."):
			return nil, p.unsupported()
		case p.eat('.'):
			p.space()
			switch {
			case p.eat('*'):
				out.steps = append(out.steps, sqlJSONStep{kind: sqlJSONMemberWildcard})
			case p.peek() == '"':
				name, ok := p.quoted()
				if !ok {
					return nil, p.unsupported()
				}
				out.steps = append(out.steps, sqlJSONStep{kind: sqlJSONMember, name: name})
			default:
				name := p.identifier()
				if name == "" {
					return nil, p.unsupported()
				}
				p.space()
				if p.peek() == '(' {
					return nil, fmt.Errorf("item method %s() in JSON path %q is not supported", name, path)
				}
				out.steps = append(out.steps, sqlJSONStep{kind: sqlJSONMember, name: name})
			}
		case p.eat('['):
			p.space()
			if p.eat('*') {
				p.space()
				if !p.eat(']') {
					return nil, p.unsupported()
				}
				out.steps = append(out.steps, sqlJSONStep{kind: sqlJSONArrayWildcard})
				continue
			}
			var subs []sqlJSONSub
			for {
				from, ok := p.index()
				if !ok {
					return nil, p.unsupported()
				}
				to := from
				p.space()
				if p.keyword("to") {
					if to, ok = p.index(); !ok {
						return nil, p.unsupported()
					}
				}
				subs = append(subs, sqlJSONSub{from: from, to: to})
				p.space()
				if p.eat(',') {
					continue
				}
				if p.eat(']') {
					break
				}
				return nil, p.unsupported()
			}
			out.steps = append(out.steps, sqlJSONStep{kind: sqlJSONSubscripts, subs: subs})
		default:
			return nil, p.unsupported()
		}
	}
}

type sqlJSONPathParser struct {
	s   string
	pos int
}

func (p *sqlJSONPathParser) unsupported() error {
	rest := p.s[min(p.pos, len(p.s)):]
	switch {
	case strings.HasPrefix(strings.TrimSpace(rest), "?"):
		return fmt.Errorf("filter expressions in JSON path %q are not supported", p.s)
	case strings.HasPrefix(rest, ".."):
		return fmt.Errorf("the descendant accessor .. in JSON path %q is not supported", p.s)
	}
	return fmt.Errorf("JSON path %q is not supported at %q: weir supports lax/strict, $, .key, .\"key\", .*, [n], [n to m], [last], [last - n] and [*]", p.s, rest)
}

func (p *sqlJSONPathParser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

func (p *sqlJSONPathParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *sqlJSONPathParser) eat(c byte) bool {
	if p.peek() == c {
		p.pos++
		return true
	}
	return false
}

// keyword reads word when it stands alone (not the start of a name).
func (p *sqlJSONPathParser) keyword(word string) bool {
	if !strings.HasPrefix(p.s[p.pos:], word) {
		return false
	}
	end := p.pos + len(word)
	if end < len(p.s) && isPathNameByte(p.s[end]) {
		return false
	}
	p.pos = end
	return true
}

func isPathNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *sqlJSONPathParser) identifier() string {
	start := p.pos
	if p.pos < len(p.s) && !(p.s[p.pos] >= '0' && p.s[p.pos] <= '9') {
		for p.pos < len(p.s) && isPathNameByte(p.s[p.pos]) {
			p.pos++
		}
	}
	return p.s[start:p.pos]
}

// quoted reads a double-quoted member name with \" and \\ escapes.
func (p *sqlJSONPathParser) quoted() (string, bool) {
	p.pos++ // the opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), true
		case '\\':
			if p.pos+1 >= len(p.s) || p.s[p.pos+1] != '"' && p.s[p.pos+1] != '\\' {
				return "", false
			}
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", false
}

// index reads n, last or last - n.
func (p *sqlJSONPathParser) index() (sqlJSONIndex, bool) {
	p.space()
	if p.keyword("last") {
		p.space()
		if !p.eat('-') {
			return sqlJSONIndex{last: true}, true
		}
		p.space()
		n, ok := p.number()
		return sqlJSONIndex{last: true, n: n}, ok
	}
	n, ok := p.number()
	return sqlJSONIndex{n: n}, ok
}

func (p *sqlJSONPathParser) number() (int64, bool) {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if start == p.pos || p.pos < len(p.s) && (p.s[p.pos] == '.' || p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		return 0, false
	}
	n, err := strconv.ParseInt(p.s[start:p.pos], 10, 64)
	return n, err == nil
}

// errSQLJSONPath is a path evaluation error (strict mode), which the JSON
// functions handle with their ON ERROR default.
var errSQLJSONPath = fmt.Errorf("structural error in JSON path")

// eval runs the path on a JSON item and returns the sequence it selects.
func (p *sqlJSONPath) eval(root *jsonNode) ([]*jsonNode, error) {
	seq := []*jsonNode{root}
	for _, st := range p.steps {
		var out []*jsonNode
		for _, item := range seq {
			switch st.kind {
			case sqlJSONMember, sqlJSONMemberWildcard:
				targets := []*jsonNode{item}
				if item.kind == jsonStartArray {
					if p.strict {
						return nil, errSQLJSONPath
					}
					targets = item.elems // lax: unwrap one level
				}
				for _, t := range targets {
					if t.kind != jsonStartObject {
						if p.strict {
							return nil, errSQLJSONPath
						}
						continue
					}
					if st.kind == sqlJSONMemberWildcard {
						out = append(out, t.elems...)
						continue
					}
					v := t.member(st.name)
					if v == nil {
						if p.strict {
							return nil, errSQLJSONPath
						}
						continue
					}
					out = append(out, v)
				}
			case sqlJSONArrayWildcard, sqlJSONSubscripts:
				elems := item.elems
				if item.kind != jsonStartArray {
					if p.strict {
						return nil, errSQLJSONPath
					}
					elems = []*jsonNode{item} // lax: wrap
				}
				if st.kind == sqlJSONArrayWildcard {
					out = append(out, elems...)
					continue
				}
				for _, sub := range st.subs {
					from, to := sub.from.resolve(len(elems)), sub.to.resolve(len(elems))
					if from > to || from < 0 || to >= int64(len(elems)) {
						if p.strict {
							return nil, errSQLJSONPath
						}
						from, to = max(from, 0), min(to, int64(len(elems))-1)
					}
					for i := from; i <= to; i++ {
						out = append(out, elems[i])
					}
				}
			}
		}
		if len(out) > sqlJSONMaxItems {
			return nil, errSQLJSONTooMany
		}
		seq = out
	}
	return seq, nil
}

// sqlJSONMaxItems bounds the items a path may select: repeated subscripts
// multiply them ($[0,0][0,0]...), and Trino would run out of memory.
const sqlJSONMaxItems = 1 << 20

// errSQLJSONTooMany refuses a path that selects more than sqlJSONMaxItems.
var errSQLJSONTooMany = fmt.Errorf("NOT_SUPPORTED: the JSON path selects more than %d items", sqlJSONMaxItems)

// member returns an object's member, or nil.
func (n *jsonNode) member(name string) *jsonNode {
	for i, k := range n.keys {
		if k == name {
			return n.elems[i]
		}
	}
	return nil
}

// parseSQLJSONInput reads the first JSON value of text as Trino's JSON
// input functions do (what follows it is not read).
func parseSQLJSONInput(text string) (*jsonNode, error) {
	l := newJSONLexer(text)
	k, err := l.next()
	if err != nil {
		return nil, err
	}
	if k == jsonEOF {
		return nil, errJSONSyntax
	}
	return l.parseTree(0)
}
