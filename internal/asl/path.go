package asl

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rootKind says which value a path starts from.
type rootKind uint8

const (
	rootInput   rootKind = iota // $
	rootContext                 // $$
	rootVar                     // $name
	rootCurrent                 // @, inside a filter
)

// segKind is the kind of one step of a path.
type segKind uint8

const (
	segChild    segKind = iota // .name or ['name']
	segIndex                   // [n]
	segWildcard                // .* or [*]
	segUnion                   // ['a','b'] or [0,1]
	segSlice                   // [start:end:step]
	segFilter                  // [?(expr)]
)

// segment is one step of a compiled path.
type segment struct {
	kind    segKind
	descent bool // preceded by "..": applies to every descendant too
	name    string
	index   int
	names   []string
	indexes []int
	slice   [3]*int
	filter  filterExpr
}

// MaxSelectedNodes bounds how many nodes one step of a path may select, so
// that paths like $..*..*..* cannot run away on a large input. A path that
// goes beyond it fails with an [*Error] named States.Runtime.
const MaxSelectedNodes = 1 << 20

// Path is a compiled JSONPath as the Amazon States Language uses it. A path
// starts at the state's input ($), the context object ($$) or a variable
// ($name), and continues with dot or bracket steps, wildcards, unions,
// slices, filters ?(...) and recursive descent (..). Parse one with
// [ParsePath] or [ParseReferencePath].
type Path struct {
	src      string
	root     rootKind
	varName  string
	segs     []segment
	definite bool
}

// ParsePath compiles any path ASL accepts: $ for the input, $$ for the
// context object, $name for a variable, followed by steps in dot notation
// (.name, .*), bracket notation (['name'], [0], [-1], [*], ['a','b'], [0,2],
// [1:3], [::2]), filters ([?(@.price < 10 && @.tags)]) and recursive descent
// (..name). Object keys are visited in sorted order by wildcards and
// descent, since the generic JSON form does not keep the input's order.
func ParsePath(s string) (*Path, error) {
	p := &pathParser{src: s}
	path, err := p.parse(false)
	if err != nil {
		return nil, err
	}
	if p.pos != len(s) {
		return nil, p.errorf("unexpected %q after the path; steps are .name, ['name'], [n], [*] or [?(...)]", s[p.pos:])
	}
	return path, nil
}

// ParseReferencePath compiles a Reference Path: a path that identifies a
// single node, as ResultPath requires. Only name and index steps are
// allowed; wildcards, unions, slices, filters and recursive descent are
// refused.
func ParseReferencePath(s string) (*Path, error) {
	p, err := ParsePath(s)
	if err != nil {
		return nil, err
	}
	if !p.definite {
		return nil, fmt.Errorf("asl: path %q is not a reference path: it may select several nodes; use only .name, ['name'] and [n] steps (no *, .., [a,b], [a:b] or ?(...))", s)
	}
	return p, nil
}

// MustParsePath is like [ParsePath] but panics on error. It is meant for
// paths fixed in the program's source, such as "$".
func MustParsePath(s string) *Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the path as it was written.
func (p *Path) String() string { return p.src }

// IsReference reports whether p is a Reference Path, that is whether it can
// only ever select a single node.
func (p *Path) IsReference() bool { return p.definite }

// IsRoot reports whether p is exactly "$", the whole input.
func (p *Path) IsRoot() bool { return p.root == rootInput && len(p.segs) == 0 }

// IsContext reports whether p starts at the context object ($$).
func (p *Path) IsContext() bool { return p.root == rootContext }

// Variable returns the name of the variable p starts at ($name), or "" when
// p starts at the input or the context object.
func (p *Path) Variable() string { return p.varName }

// Normalized returns p in the bracket form AWS uses in error causes, such as
// $['a'][0]['b'].
func (p *Path) Normalized() string {
	var b strings.Builder
	switch p.root {
	case rootInput:
		b.WriteString("$")
	case rootContext:
		b.WriteString("$$")
	case rootVar:
		b.WriteString("$" + p.varName)
	case rootCurrent:
		b.WriteString("@")
	}
	for _, sg := range p.segs {
		if sg.descent {
			b.WriteString("..")
		}
		switch sg.kind {
		case segChild:
			b.WriteString("['" + sg.name + "']")
		case segIndex:
			b.WriteString("[" + strconv.Itoa(sg.index) + "]")
		case segWildcard:
			b.WriteString("[*]")
		case segUnion:
			parts := make([]string, 0, len(sg.names)+len(sg.indexes))
			for _, n := range sg.names {
				parts = append(parts, "'"+n+"'")
			}
			for _, i := range sg.indexes {
				parts = append(parts, strconv.Itoa(i))
			}
			b.WriteString("[" + strings.Join(parts, ",") + "]")
		case segSlice:
			b.WriteString("[")
			for i, v := range sg.slice {
				if i == 2 && v == nil {
					break
				}
				if i > 0 {
					b.WriteString(":")
				}
				if v != nil {
					b.WriteString(strconv.Itoa(*v))
				}
			}
			b.WriteString("]")
		case segFilter:
			b.WriteString("[?]")
		}
	}
	return b.String()
}

// Select evaluates p in s. A path that can only select one node (see
// [Path.IsReference]) returns that node, or an error wrapping
// [ErrPathNotFound] when it does not exist; any other path returns the
// array of the nodes it matches, possibly empty, or an [*Error] when it
// matches more than [MaxSelectedNodes]. The result shares
// structure with s and must not be mutated.
func (p *Path) Select(s Scope) (any, error) {
	return p.eval(s, nil)
}

// eval is Select with current as the value of @ in filters.
func (p *Path) eval(s Scope, current any) (any, error) {
	var root any
	switch p.root {
	case rootCurrent:
		root = current
	case rootInput:
		root = s.Input
	case rootContext:
		root = s.Context
	case rootVar:
		v, ok := lookupVar(s, p.varName)
		if !ok {
			return nil, fmt.Errorf("%w: variable $%s is not defined", ErrPathNotFound, p.varName)
		}
		root = v
	}
	if p.definite {
		cur := root
		for i, sg := range p.segs {
			next, ok := stepDefinite(cur, sg)
			if !ok {
				return nil, &pathNotFound{path: p, step: i, value: cur}
			}
			cur = next
		}
		return cur, nil
	}
	nodes := []any{root}
	for _, sg := range p.segs {
		var out []any
		for _, n := range nodes {
			if sg.descent {
				walkDescendants(n, func(d any) { out = sg.apply(d, out, s) })
			} else {
				out = sg.apply(n, out, s)
			}
			if len(out) > MaxSelectedNodes {
				return nil, newError(ErrNameRuntime, "The JSONPath '%s' selects more than %d nodes", p.src, MaxSelectedNodes)
			}
		}
		nodes = out
	}
	if nodes == nil {
		nodes = []any{}
	}
	return nodes, nil
}

// lookupVar returns the variable name from s.
func lookupVar(s Scope, name string) (any, bool) {
	if s.Var == nil {
		return nil, false
	}
	return s.Var(name)
}

// pathNotFound is the error Select returns when a definite path misses.
type pathNotFound struct {
	path  *Path
	step  int
	value any
}

func (e *pathNotFound) Error() string {
	sg := e.path.segs[e.step]
	var what string
	switch sg.kind {
	case segChild:
		if _, ok := e.value.(map[string]any); ok {
			what = fmt.Sprintf("no field %q", sg.name)
		} else {
			what = fmt.Sprintf("cannot read field %q of %s", sg.name, typeName(e.value))
		}
	case segIndex:
		if a, ok := e.value.([]any); ok {
			what = fmt.Sprintf("index %d is out of range for an array of %d items", sg.index, len(a))
		} else {
			what = fmt.Sprintf("cannot index %s", typeName(e.value))
		}
	}
	return fmt.Sprintf("%s: %s: %s", ErrPathNotFound, e.path.src, what)
}

func (e *pathNotFound) Unwrap() error { return ErrPathNotFound }

// stepDefinite applies a name or index step to v.
func stepDefinite(v any, sg segment) (any, bool) {
	switch sg.kind {
	case segChild:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		r, ok := m[sg.name]
		return r, ok
	case segIndex:
		a, ok := v.([]any)
		if !ok {
			return nil, false
		}
		i := sg.index
		if i < 0 {
			i += len(a)
		}
		if i < 0 || i >= len(a) {
			return nil, false
		}
		return a[i], true
	}
	return nil, false
}

// apply appends to out the nodes that the step sg selects from v.
func (sg *segment) apply(v any, out []any, s Scope) []any {
	switch sg.kind {
	case segChild, segIndex:
		if r, ok := stepDefinite(v, *sg); ok {
			out = append(out, r)
		}
	case segWildcard:
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				out = append(out, t[k])
			}
		case []any:
			out = append(out, t...)
		}
	case segUnion:
		switch t := v.(type) {
		case map[string]any:
			for _, n := range sg.names {
				if r, ok := t[n]; ok {
					out = append(out, r)
				}
			}
		case []any:
			for _, i := range sg.indexes {
				if r, ok := stepDefinite(t, segment{kind: segIndex, index: i}); ok {
					out = append(out, r)
				}
			}
		}
	case segSlice:
		if a, ok := v.([]any); ok {
			out = sliceArray(a, sg.slice, out)
		}
	case segFilter:
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				if sg.filter.test(e, s) {
					out = append(out, e)
				}
			}
		case map[string]any:
			// Jayway applies a filter on an object to the object itself.
			if sg.filter.test(t, s) {
				out = append(out, t)
			}
		}
	}
	return out
}

// sliceArray appends a[start:end:step] with Python-like semantics.
func sliceArray(a []any, sl [3]*int, out []any) []any {
	n := len(a)
	step := 1
	if sl[2] != nil {
		step = *sl[2]
	}
	if step == 0 {
		return out
	}
	clamp := func(p *int, def int, lo, hi int) int {
		if p == nil {
			return def
		}
		i := *p
		if i < 0 {
			i += n
		}
		return max(lo, min(i, hi))
	}
	if step > 0 {
		start, end := clamp(sl[0], 0, 0, n), clamp(sl[1], n, 0, n)
		for i := start; i < end; i += step {
			out = append(out, a[i])
		}
		return out
	}
	start, end := clamp(sl[0], n-1, -1, n-1), clamp(sl[1], -1, -1, n-1)
	if sl[1] != nil && *sl[1] < -n {
		end = -1
	}
	for i := start; i > end; i += step {
		out = append(out, a[i])
	}
	return out
}

// walkDescendants calls f on v and on every value nested inside it, objects
// in sorted key order.
func walkDescendants(v any, f func(any)) {
	f(v)
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			walkDescendants(t[k], f)
		}
	case []any:
		for _, e := range t {
			walkDescendants(e, f)
		}
	}
}

// pathParser is a recursive-descent parser over a path's source text.
type pathParser struct {
	src string
	pos int
	// inArgs makes a dot-notation name stop at the characters that end an
	// intrinsic function argument, and the path end without complaint there.
	inArgs bool
}

// errorf returns a parse error pointing at the current position.
func (p *pathParser) errorf(format string, args ...any) error {
	return fmt.Errorf("asl: path %q: at offset %d: %s", p.src, p.pos, fmt.Sprintf(format, args...))
}

func (p *pathParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *pathParser) eat(s string) bool {
	if strings.HasPrefix(p.src[p.pos:], s) {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *pathParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// parse reads a path starting at p.pos. In a filter (relative is true) the
// path may also start at @, the current node.
func (p *pathParser) parse(relative bool) (*Path, error) {
	start := p.pos
	path := &Path{definite: true}
	switch {
	case relative && p.eat("@"):
		path.root = rootCurrent
	case p.eat("$$"):
		path.root = rootContext
	case p.eat("$"):
		path.root = rootInput
		if r, size := utf8.DecodeRuneInString(p.src[p.pos:]); size > 0 && isIDStart(r) {
			n := p.pos
			for n < len(p.src) {
				r, size := utf8.DecodeRuneInString(p.src[n:])
				if !isIDContinue(r) {
					break
				}
				n += size
			}
			path.root = rootVar
			path.varName = p.src[p.pos:n]
			p.pos = n
		}
	default:
		return nil, p.errorf("a path must start with $ (the input), $$ (the context object) or $name (a variable)")
	}
	for p.pos < len(p.src) {
		descent := false
		switch {
		case p.eat(".."):
			descent = true
			path.definite = false
			if p.peek() == '[' {
				p.pos++
				sg, err := p.bracket()
				if err != nil {
					return nil, err
				}
				sg.descent = true
				path.segs = append(path.segs, sg)
				continue
			}
			fallthrough
		case p.eat("."):
			if p.eat("*") {
				path.segs = append(path.segs, segment{kind: segWildcard, descent: descent})
				path.definite = false
				continue
			}
			name := p.name()
			if name == "" {
				return nil, p.errorf("expected a field name after '.'; write names with spaces or special characters as ['name']")
			}
			path.segs = append(path.segs, segment{kind: segChild, name: name, descent: descent})
		case p.eat("["):
			sg, err := p.bracket()
			if err != nil {
				return nil, err
			}
			if sg.kind != segChild && sg.kind != segIndex {
				path.definite = false
			}
			path.segs = append(path.segs, sg)
		default:
			if p.inArgs {
				path.src = p.src[start:p.pos]
				return path, nil
			}
			return nil, p.errorf("unexpected %q; steps are .name, ['name'], [n], [*] or [?(...)]", p.src[p.pos:])
		}
	}
	path.src = p.src[start:p.pos]
	return path, nil
}

// nameStop reports whether c ends a dot-notation field name.
func (p *pathParser) nameStop(c byte) bool {
	switch c {
	case '.', '[', ']', '(', ')', ',', '\'', '"', ' ', '\t', '\n', '\r', '=', '!', '<', '>', '&', '|':
		return true
	}
	return false
}

// name reads a dot-notation field name.
func (p *pathParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && !p.nameStop(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// bracket reads a bracket step after its opening '['.
func (p *pathParser) bracket() (segment, error) {
	p.skipSpace()
	var sg segment
	switch c := p.peek(); {
	case c == '*':
		p.pos++
		sg.kind = segWildcard
	case c == '?':
		p.pos++
		p.skipSpace()
		if !p.eat("(") {
			return sg, p.errorf("expected '(' after '?': a filter is written [?(@.field == 'value')]")
		}
		f, err := p.filterOr()
		if err != nil {
			return sg, err
		}
		p.skipSpace()
		if !p.eat(")") {
			return sg, p.errorf("expected ')' to close the filter")
		}
		sg.kind, sg.filter = segFilter, f
	case c == '\'' || c == '"':
		for {
			s, err := p.quoted()
			if err != nil {
				return sg, err
			}
			sg.names = append(sg.names, s)
			p.skipSpace()
			if !p.eat(",") {
				break
			}
			p.skipSpace()
		}
		if len(sg.names) == 1 {
			sg.kind, sg.name = segChild, sg.names[0]
			sg.names = nil
		} else {
			sg.kind = segUnion
		}
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		var nums [3]*int
		colons := 0
		for {
			p.skipSpace()
			if c := p.peek(); c == '-' || (c >= '0' && c <= '9') {
				n, err := p.integer()
				if err != nil {
					return sg, err
				}
				nums[colons] = &n
			}
			p.skipSpace()
			if p.peek() == ':' {
				if colons == 2 {
					return sg, p.errorf("a slice has at most three parts: [start:end:step]")
				}
				p.pos++
				colons++
				continue
			}
			if colons > 0 || p.peek() != ',' {
				break
			}
			// An index union [0,1,...].
			if nums[0] == nil {
				return sg, p.errorf("expected an array index")
			}
			sg.indexes = append(sg.indexes, *nums[0])
			nums[0] = nil
			p.pos++
		}
		switch {
		case colons > 0:
			if nums[2] != nil && *nums[2] == 0 {
				return sg, p.errorf("a slice step cannot be 0")
			}
			sg.kind, sg.slice = segSlice, nums
		case nums[0] == nil:
			return sg, p.errorf("expected an array index")
		case sg.indexes != nil:
			sg.kind, sg.indexes = segUnion, append(sg.indexes, *nums[0])
		default:
			sg.kind, sg.index = segIndex, *nums[0]
		}
	default:
		return sg, p.errorf("expected 'name', an index, *, a slice or ?(...) inside brackets")
	}
	p.skipSpace()
	if !p.eat("]") {
		return sg, p.errorf("expected ']' to close the bracket")
	}
	return sg, nil
}

// integer reads an optionally negative decimal integer.
func (p *pathParser) integer() (int, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	n, err := strconv.Atoi(p.src[start:p.pos])
	if err != nil {
		p.pos = start
		return 0, p.errorf("expected an integer that fits in %d bits", strconv.IntSize)
	}
	return n, nil
}

// quoted reads a single- or double-quoted string, with backslash escapes.
func (p *pathParser) quoted() (string, error) {
	q := p.src[p.pos]
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.src):
			p.pos++
			switch e := p.src[p.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if p.pos+4 < len(p.src) {
					if r, err := strconv.ParseUint(p.src[p.pos+1:p.pos+5], 16, 32); err == nil {
						b.WriteRune(rune(r))
						p.pos += 4
						break
					}
				}
				b.WriteByte('u')
			default:
				b.WriteByte(e)
			}
			p.pos++
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	p.pos = start
	return "", p.errorf("unterminated string: add the closing %c", q)
}

// isIDStart reports whether r may start a variable name.
func isIDStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

// isIDContinue reports whether r may continue a variable name.
func isIDContinue(r rune) bool {
	return isIDStart(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc)
}
