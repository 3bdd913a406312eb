package asl

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// MaxIntrinsicDepth is how deeply intrinsic function calls may nest in one
// field, counting the outermost call, as AWS allows.
const MaxIntrinsicDepth = 10

// Intrinsic is a compiled intrinsic function call such as
// States.Format('{} items', $.count). Its arguments are literals (strings in
// single quotes, numbers, true, false, null), paths, or nested calls.
// Compile one with [ParseIntrinsic].
type Intrinsic struct {
	src  string
	call *call
}

// call is one intrinsic function call.
type call struct {
	fn   *intrinsicFunc
	args []arg
	// pos is the offset of the call in the source, for messages.
	pos int
}

// arg is one argument of a call: exactly one of lit (with isLit), path or
// call is set.
type arg struct {
	isLit bool
	lit   any
	// raw is a string literal's text with its escapes kept, which
	// States.Format needs to tell \{ from {.
	raw  string
	path *Path
	call *call
}

// intrinsicFunc describes one of the States.* functions.
type intrinsicFunc struct {
	name             string
	minArgs, maxArgs int // maxArgs < 0: no limit
	eval             func(c *call, args []any) (any, error)
	check            func(c *call) string // optional static checks on literal arguments
}

var isIntrinsicRE = regexp.MustCompile(`^\s*States\.[A-Za-z0-9]+\s*\((?s:.*)\)\s*$`)

// IsIntrinsic reports whether s looks like an intrinsic function call,
// States.Name(...), rather than a path. It does not check the call's
// syntax; [ParseIntrinsic] does.
func IsIntrinsic(s string) bool { return isIntrinsicRE.MatchString(s) }

// ParseIntrinsic compiles an intrinsic function call. It checks the
// function names, the number of arguments, the nesting depth (at most
// [MaxIntrinsicDepth]), the syntax of paths and literals, and the literal
// arguments it can check before running (a Hash algorithm, JsonMerge's
// false).
func ParseIntrinsic(s string) (*Intrinsic, error) {
	p := &intrinsicParser{src: s}
	p.skipSpace()
	c, err := p.call(1)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(s) {
		return nil, p.errorf("unexpected %q after the closing ')'", s[p.pos:])
	}
	return &Intrinsic{src: s, call: c}, nil
}

// String returns the call as it was written.
func (f *Intrinsic) String() string { return f.src }

// Name returns the name of the outermost function, such as States.Format.
func (f *Intrinsic) Name() string { return f.call.fn.name }

// Eval runs the call in s. A bad argument at run time (the wrong type, a
// value out of AWS's limits, a path that selects nothing) is an [*Error]
// named States.IntrinsicFailure.
func (f *Intrinsic) Eval(s Scope) (any, error) {
	return f.call.eval(s)
}

// eval evaluates the arguments, then the function.
func (c *call) eval(s Scope) (any, error) {
	vals := make([]any, len(c.args))
	for i, a := range c.args {
		switch {
		case a.isLit:
			vals[i] = a.lit
		case a.path != nil:
			v, err := a.path.Select(s)
			if err != nil {
				return nil, newError(ErrNameIntrinsicFailure, "The JSONPath '%s' given as argument %d of %s could not be found in the input '%s'", a.path, i+1, c.fn.name, compactJSON(s.Input))
			}
			vals[i] = v
		default:
			v, err := a.call.eval(s)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
	}
	return c.fn.eval(c, vals)
}

// failf returns a States.IntrinsicFailure error about c.
func (c *call) failf(format string, args ...any) error {
	return newError(ErrNameIntrinsicFailure, "Invalid arguments in %s: %s", c.fn.name, fmt.Sprintf(format, args...))
}

// intrinsicParser parses intrinsic calls.
type intrinsicParser struct {
	src string
	pos int
}

func (p *intrinsicParser) errorf(format string, args ...any) error {
	return fmt.Errorf("asl: intrinsic function %q: at offset %d: %s", p.src, p.pos, fmt.Sprintf(format, args...))
}

func (p *intrinsicParser) skipSpace() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

// call parses States.Name(args) at nesting depth depth.
func (p *intrinsicParser) call(depth int) (*call, error) {
	start := p.pos
	if !strings.HasPrefix(p.src[p.pos:], "States.") {
		return nil, p.errorf("expected an intrinsic function such as States.Format(...)")
	}
	p.pos += len("States.")
	n := p.pos
	for n < len(p.src) && (isASCIILetter(p.src[n]) || (p.src[n] >= '0' && p.src[n] <= '9')) {
		n++
	}
	name := "States." + p.src[p.pos:n]
	fn := intrinsicFuncs[name]
	if fn == nil {
		p.pos = start
		return nil, p.errorf("unknown intrinsic function %s; the functions are %s", name, strings.Join(slices.Sorted(maps.Keys(intrinsicFuncs)), ", "))
	}
	if depth > MaxIntrinsicDepth {
		p.pos = start
		return nil, p.errorf("intrinsic functions nest more than %d deep", MaxIntrinsicDepth)
	}
	p.pos = n
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, p.errorf("expected '(' after %s", name)
	}
	p.pos++
	c := &call{fn: fn, pos: start}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			a, err := p.arg(depth)
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, a)
			p.skipSpace()
			if p.pos >= len(p.src) {
				return nil, p.errorf("missing ')' to close %s", name)
			}
			if p.src[p.pos] == ')' {
				p.pos++
				break
			}
			if p.src[p.pos] != ',' {
				return nil, p.errorf("expected ',' or ')' after argument %d of %s", len(c.args), name)
			}
			p.pos++
		}
	}
	if len(c.args) < fn.minArgs || (fn.maxArgs >= 0 && len(c.args) > fn.maxArgs) {
		p.pos = start
		return nil, p.errorf("%s takes %s, not %d", name, arity(fn), len(c.args))
	}
	if fn.check != nil {
		if msg := fn.check(c); msg != "" {
			p.pos = start
			return nil, p.errorf("%s: %s", name, msg)
		}
	}
	return c, nil
}

// arity describes how many arguments fn takes.
func arity(fn *intrinsicFunc) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return fmt.Sprintf("%d arguments", n)
	}
	switch {
	case fn.maxArgs < 0:
		return fmt.Sprintf("at least %s", plural(fn.minArgs))
	case fn.minArgs == fn.maxArgs:
		return plural(fn.minArgs)
	}
	return fmt.Sprintf("%d to %d arguments", fn.minArgs, fn.maxArgs)
}

// arg parses one argument.
func (p *intrinsicParser) arg(depth int) (arg, error) {
	rest := p.src[p.pos:]
	switch {
	case rest == "":
		return arg{}, p.errorf("missing argument")
	case rest[0] == '\'':
		return p.stringLit()
	case rest[0] == '$':
		pp := &pathParser{src: p.src, pos: p.pos, inArgs: true}
		path, err := pp.parse(false)
		if err != nil {
			return arg{}, fmt.Errorf("asl: intrinsic function %q: argument path: %w", p.src, err)
		}
		p.pos = pp.pos
		return arg{path: path}, nil
	case strings.HasPrefix(rest, "States."):
		c, err := p.call(depth + 1)
		if err != nil {
			return arg{}, err
		}
		return arg{call: c}, nil
	case rest[0] == '-' || (rest[0] >= '0' && rest[0] <= '9'):
		n := 1
		for n < len(rest) && strings.IndexByte("0123456789.eE+-", rest[n]) >= 0 {
			n++
		}
		text := rest[:n]
		if !isJSONNumber(text) {
			return arg{}, p.errorf("invalid number %q", text)
		}
		p.pos += n
		return arg{isLit: true, lit: jsonNumber(text)}, nil
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(rest, w.word) && (len(rest) == len(w.word) || !isASCIILetter(rest[len(w.word)])) {
			p.pos += len(w.word)
			return arg{isLit: true, lit: w.v}, nil
		}
	}
	return arg{}, p.errorf("expected an argument: a 'string' in single quotes, a number, true, false, null, a path such as $.field, or a nested States.* call")
}

// stringLit parses a single-quoted string. The characters ' { } and \ are
// escaped with a backslash.
func (p *intrinsicParser) stringLit() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			return arg{isLit: true, lit: b.String(), raw: p.src[start+1 : p.pos-1]}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				p.pos = start
				return arg{}, p.errorf("the string ends in an open escape '\\'; write \\\\ for a backslash")
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	p.pos = start
	return arg{}, p.errorf("unterminated string: add the closing '")
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// isJSONNumber reports whether s is a number as JSON writes it.
func isJSONNumber(s string) bool {
	return jsonNumberRE.MatchString(s)
}

var jsonNumberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
