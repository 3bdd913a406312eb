package asl

import (
	"encoding/json"
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"
)

// filterExpr is a compiled filter expression, the inside of [?(...)].
type filterExpr interface {
	// test reports whether the node v passes the filter.
	test(v any, s Scope) bool
}

type (
	filterOr  struct{ l, r filterExpr }
	filterAnd struct{ l, r filterExpr }
	filterNot struct{ x filterExpr }
	// filterExists passes when its operand exists (a path that selects a
	// node) or is a true literal.
	filterExists struct{ x operand }
	filterCmp    struct {
		op   string
		l, r operand
	}
)

// operand is one side of a filter comparison: a path relative to the
// current node (@), a path from a root ($, $$, $name), a literal, or a
// regular expression literal.
type operand struct {
	path  *Path
	lit   any
	regex *regexp.Regexp
}

// value returns the operand's value for the current node v; ok is false
// when a path selects nothing.
func (o operand) value(v any, s Scope) (any, bool) {
	if o.path == nil {
		return o.lit, true
	}
	r, err := o.path.eval(s, v)
	if err != nil {
		return nil, false
	}
	return r, true
}

func (f filterOr) test(v any, s Scope) bool  { return f.l.test(v, s) || f.r.test(v, s) }
func (f filterAnd) test(v any, s Scope) bool { return f.l.test(v, s) && f.r.test(v, s) }
func (f filterNot) test(v any, s Scope) bool { return !f.x.test(v, s) }

func (f filterExists) test(v any, s Scope) bool {
	r, ok := f.x.value(v, s)
	if !ok {
		return false
	}
	if f.x.path == nil {
		b, isBool := r.(bool)
		return isBool && b
	}
	if a, isArr := r.([]any); isArr && !f.x.path.definite {
		return len(a) > 0
	}
	return true
}

func (f filterCmp) test(v any, s Scope) bool {
	l, lok := f.l.value(v, s)
	if f.op == "=~" {
		str, isStr := l.(string)
		return lok && isStr && f.r.regex.MatchString(str)
	}
	r, rok := f.r.value(v, s)
	if !lok || !rok {
		return f.op == "!=" && lok != rok
	}
	switch f.op {
	case "==":
		return jsonEqual(l, r)
	case "!=":
		return !jsonEqual(l, r)
	case "in", "nin":
		a, isArr := r.([]any)
		found := false
		for _, e := range a {
			if jsonEqual(l, e) {
				found = true
				break
			}
		}
		return isArr && found == (f.op == "in")
	}
	c, ok := compareNumbers(l, r)
	if !ok {
		ls, ok1 := l.(string)
		rs, ok2 := r.(string)
		if !ok1 || !ok2 {
			return false
		}
		c = strings.Compare(ls, rs)
	}
	switch f.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// filterOr parses expr || expr ...
func (p *pathParser) filterOr() (filterExpr, error) {
	return p.filterChain("||", p.filterAnd, func(l, r filterExpr) filterExpr { return filterOr{l, r} })
}

// filterAnd parses expr && expr ...
func (p *pathParser) filterAnd() (filterExpr, error) {
	return p.filterChain("&&", p.filterUnary, func(l, r filterExpr) filterExpr { return filterAnd{l, r} })
}

// filterChain parses operands read by next, joined by the operator op,
// combining them from the left with join.
func (p *pathParser) filterChain(op string, next func() (filterExpr, error), join func(l, r filterExpr) filterExpr) (filterExpr, error) {
	l, err := next()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !p.eat(op) {
			return l, nil
		}
		r, err := next()
		if err != nil {
			return nil, err
		}
		l = join(l, r)
	}
}

// filterUnary parses !expr, (expr), or a comparison.
func (p *pathParser) filterUnary() (filterExpr, error) {
	p.skipSpace()
	if p.peek() == '!' && !strings.HasPrefix(p.src[p.pos:], "!=") {
		p.pos++
		x, err := p.filterUnary()
		if err != nil {
			return nil, err
		}
		return filterNot{x}, nil
	}
	if p.eat("(") {
		x, err := p.filterOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if !p.eat(")") {
			return nil, p.errorf("expected ')' to close the parenthesis")
		}
		return x, nil
	}
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	var op string
	for _, o := range []string{"==", "!=", "<=", ">=", "=~", "<", ">", " in ", " nin "} {
		trimmed := strings.TrimSpace(o)
		if o[0] == ' ' {
			// Word operators need a space before them, which skipSpace ate.
			if strings.HasPrefix(p.src[p.pos:], trimmed+" ") || strings.HasPrefix(p.src[p.pos:], trimmed+"[") {
				op = trimmed
				p.pos += len(trimmed)
				break
			}
			continue
		}
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		if c := p.peek(); c == '=' {
			return nil, p.errorf("use == to compare for equality")
		}
		return filterExists{l}, nil
	}
	p.skipSpace()
	if op == "=~" {
		if p.peek() != '/' {
			return nil, p.errorf("expected a regular expression like /^abc.*/ or /abc/i after =~")
		}
		re, err := p.regex()
		if err != nil {
			return nil, err
		}
		return filterCmp{op: op, l: l, r: operand{regex: re}}, nil
	}
	r, err := p.operand()
	if err != nil {
		return nil, err
	}
	return filterCmp{op: op, l: l, r: r}, nil
}

// operand parses a path or a literal inside a filter.
func (p *pathParser) operand() (operand, error) {
	p.skipSpace()
	switch c := p.peek(); {
	case c == '@' || c == '$':
		path, err := p.subpath()
		if err != nil {
			return operand{}, err
		}
		return operand{path: path}, nil
	case c == '\'' || c == '"':
		s, err := p.quoted()
		if err != nil {
			return operand{}, err
		}
		return operand{lit: s}, nil
	case c == '[':
		return p.listLiteral()
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		if c == '-' {
			p.pos++
		}
		for p.pos < len(p.src) && strings.IndexByte("0123456789.eE+-", p.src[p.pos]) >= 0 {
			p.pos++
		}
		text := p.src[start:p.pos]
		if _, ok := parseDecimal(text); !ok || text[len(text)-1] == '+' {
			p.pos = start
			return operand{}, p.errorf("invalid number %q", text)
		}
		return operand{lit: json.Number(text)}, nil
	}
	for word, v := range map[string]any{"true": true, "false": false, "null": nil} {
		if p.eat(word) {
			return operand{lit: v}, nil
		}
	}
	return operand{}, p.errorf("expected @.field, $.field, a string, a number, true, false, null or [list] in the filter")
}

// subpath parses a path inside a filter, which ends at the first character
// that cannot continue it.
func (p *pathParser) subpath() (*Path, error) {
	saved := p.inArgs
	p.inArgs = true
	defer func() { p.inArgs = saved }()
	return p.parse(true)
}

// listLiteral parses [lit, lit, ...] for the in and nin operators.
func (p *pathParser) listLiteral() (operand, error) {
	p.pos++
	list := []any{}
	for {
		p.skipSpace()
		if p.eat("]") {
			return operand{lit: list}, nil
		}
		if len(list) > 0 {
			if !p.eat(",") {
				return operand{}, p.errorf("expected ',' or ']' in the list")
			}
			p.skipSpace()
		}
		o, err := p.operand()
		if err != nil {
			return operand{}, err
		}
		if o.path != nil {
			return operand{}, p.errorf("a list may hold only literals")
		}
		list = append(list, o.lit)
	}
}

// regex parses /pattern/flags; the only flag is i (ignore case).
func (p *pathParser) regex() (*regexp.Regexp, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			p.pos = start
			return nil, p.errorf("unterminated regular expression: add the closing /")
		}
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/' {
			b.WriteByte('/')
			p.pos += 2
			continue
		}
		p.pos++
		if c == '/' {
			break
		}
		b.WriteByte(c)
	}
	pattern := b.String()
	if p.eat("i") {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, p.errorf("invalid regular expression: %s", se.Code)
		}
		return nil, p.errorf("invalid regular expression: %v", err)
	}
	return re, nil
}
