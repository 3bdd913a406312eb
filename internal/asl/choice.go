package asl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// ChoiceRule is a compiled Choice rule of a JSONPath Choice state: a
// comparison of a Variable with one of the 39 operators, or an And, Or or
// Not of nested rules. Compile one with [ParseChoiceRule].
type ChoiceRule struct {
	// Next is the state to go to when a top-level rule matches; it is
	// empty in nested rules.
	Next string
	// Assign is the rule's raw Assign field, nil if it has none.
	Assign any

	kind     ruleKind
	subs     []*ChoiceRule // And, Or, Not
	variable *Path
	op       *choiceOp
	value    any       // the literal operand
	path     *Path     // the operand of a ...Path operator
	ts       time.Time // a Timestamp operator's literal operand
	pattern  []string  // StringMatches: literal pieces between wildcards
}

// ruleKind is the shape of a Choice rule.
type ruleKind uint8

const (
	ruleCompare ruleKind = iota
	ruleAnd
	ruleOr
	ruleNot
)

// valueType is the JSON type an operator compares.
type valueType uint8

const (
	typeString valueType = iota
	typeNumber
	typeBoolean
	typeTimestamp
	typeTest // Is* operators: the operand is a boolean
	typePattern
)

// choiceOp describes one comparison operator.
type choiceOp struct {
	name   string
	typ    valueType
	isPath bool
	// cmp turns a three-way comparison into the operator's result.
	cmp func(c int) bool
}

// choiceOps holds the 39 comparison operators by name.
var choiceOps = map[string]*choiceOp{}

func init() {
	cmps := []struct {
		suffix string
		cmp    func(int) bool
	}{
		{"Equals", func(c int) bool { return c == 0 }},
		{"LessThan", func(c int) bool { return c < 0 }},
		{"GreaterThan", func(c int) bool { return c > 0 }},
		{"LessThanEquals", func(c int) bool { return c <= 0 }},
		{"GreaterThanEquals", func(c int) bool { return c >= 0 }},
	}
	add := func(op *choiceOp) { choiceOps[op.name] = op }
	for _, prefix := range []struct {
		name string
		typ  valueType
	}{{"String", typeString}, {"Numeric", typeNumber}, {"Timestamp", typeTimestamp}} {
		for _, c := range cmps {
			add(&choiceOp{name: prefix.name + c.suffix, typ: prefix.typ, cmp: c.cmp})
			add(&choiceOp{name: prefix.name + c.suffix + "Path", typ: prefix.typ, cmp: c.cmp, isPath: true})
		}
	}
	add(&choiceOp{name: "BooleanEquals", typ: typeBoolean, cmp: cmps[0].cmp})
	add(&choiceOp{name: "BooleanEqualsPath", typ: typeBoolean, cmp: cmps[0].cmp, isPath: true})
	add(&choiceOp{name: "StringMatches", typ: typePattern})
	for _, name := range []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} {
		add(&choiceOp{name: name, typ: typeTest})
	}
}

// ParseChoiceRule compiles the Choice rule v found at the JSON pointer
// pointer. A top-level rule (top is true) must have Next and may have
// Assign; a rule nested in And, Or or Not must have neither. A rule holds
// exactly one of And, Or, Not, or Variable with one comparison operator.
// Every problem is returned, each a [*FieldError] with the full pointer,
// such as /States/Check/Choices/0/And/1/Variable.
func ParseChoiceRule(v any, pointer string, top bool) (*ChoiceRule, []error) {
	var errs []error
	r := parseRule(v, pointer, top, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	return r, nil
}

// parseRule implements ParseChoiceRule, adding problems to errs.
func parseRule(v any, ptr string, top bool, errs *[]error) *ChoiceRule {
	fail := func(at, format string, args ...any) {
		*errs = append(*errs, fieldErrorf(at, format, args...))
	}
	m, ok := v.(map[string]any)
	if !ok {
		fail(ptr, "a Choice rule must be an object, not %s", typeName(v))
		return nil
	}
	at := func(k string) string { return ptr + "/" + pointerToken(k) }
	r := &ChoiceRule{}
	var ops []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "Next":
			if !top {
				fail(at(k), "a rule nested in And, Or or Not cannot have 'Next'; put 'Next' on the top-level rule")
				continue
			}
			s, ok := m[k].(string)
			if !ok || s == "" {
				fail(at(k), "'Next' must be the name of a state, not %s", typeName(m[k]))
			}
			r.Next = s
		case "Assign":
			if !top {
				fail(at(k), "a rule nested in And, Or or Not cannot have 'Assign'; put 'Assign' on the top-level rule")
				continue
			}
			if _, ok := m[k].(map[string]any); !ok {
				fail(at(k), "'Assign' must be an object, not %s", typeName(m[k]))
			}
			r.Assign = m[k]
		case "Comment":
			if _, ok := m[k].(string); !ok {
				fail(at(k), "'Comment' must be a string, not %s", typeName(m[k]))
			}
		case "Variable":
		case "And", "Or", "Not":
			ops = append(ops, k)
		default:
			if choiceOps[k] == nil {
				fail(at(k), "unknown field %q in a Choice rule; the fields are Next, Assign, Comment, And, Or, Not, Variable and the operators %s", k, strings.Join(slices.Sorted(maps.Keys(choiceOps)), ", "))
				continue
			}
			ops = append(ops, k)
		}
	}
	if top {
		if _, ok := m["Next"]; !ok {
			fail(ptr, "a top-level Choice rule needs 'Next', the state to go to when it matches")
		}
	}
	_, hasVar := m["Variable"]
	switch {
	case len(ops) == 0:
		fail(ptr, "a Choice rule needs one of And, Or, Not, or Variable with a comparison operator such as StringEquals")
		return r
	case len(ops) > 1:
		fail(ptr, "a Choice rule holds exactly one operator, not %s; combine them with And or Or", strings.Join(ops, " and "))
		return r
	}
	op := ops[0]
	switch op {
	case "And", "Or":
		if hasVar {
			fail(at("Variable"), "a rule with %s cannot have 'Variable'; put 'Variable' in the nested rules", op)
		}
		r.kind = ruleAnd
		if op == "Or" {
			r.kind = ruleOr
		}
		subs, ok := m[op].([]any)
		if !ok || len(subs) == 0 {
			fail(at(op), "'%s' must be a non-empty array of Choice rules", op)
			return r
		}
		for i, sub := range subs {
			r.subs = append(r.subs, parseRule(sub, fmt.Sprintf("%s/%d", at(op), i), false, errs))
		}
		return r
	case "Not":
		if hasVar {
			fail(at("Variable"), "a rule with Not cannot have 'Variable'; put 'Variable' in the nested rule")
		}
		r.kind = ruleNot
		r.subs = []*ChoiceRule{parseRule(m[op], at(op), false, errs)}
		return r
	}
	r.kind = ruleCompare
	r.op = choiceOps[op]
	if !hasVar {
		fail(ptr, "the operator %s needs 'Variable', the path of the value to compare", op)
	} else if s, ok := m["Variable"].(string); !ok {
		fail(at("Variable"), "'Variable' must be a path string such as $.status, not %s", typeName(m["Variable"]))
	} else if p, err := ParsePath(s); err != nil {
		fail(at("Variable"), "'Variable' is not a valid path: %s", trimPrefix(err))
	} else {
		r.variable = p
	}
	r.parseOperand(m[op], at(op), fail)
	return r
}

// parseOperand checks and compiles the operand of a comparison.
func (r *ChoiceRule) parseOperand(v any, ptr string, fail func(at, format string, args ...any)) {
	op := r.op
	if op.isPath {
		s, ok := v.(string)
		if !ok {
			fail(ptr, "'%s' must be a path string such as $.limit, not %s", op.name, typeName(v))
			return
		}
		p, err := ParsePath(s)
		if err != nil {
			fail(ptr, "'%s' is not a valid path: %s", op.name, trimPrefix(err))
			return
		}
		r.path = p
		return
	}
	r.value = v
	switch op.typ {
	case typeString, typePattern:
		s, ok := v.(string)
		if !ok {
			fail(ptr, "'%s' must be a string, not %s", op.name, typeName(v))
			return
		}
		if op.typ == typePattern {
			r.pattern = compilePattern(s)
		}
	case typeNumber:
		if _, ok := toNumber(v); !ok {
			fail(ptr, "'%s' must be a number, not %s", op.name, typeName(v))
		}
	case typeBoolean, typeTest:
		if _, ok := v.(bool); !ok {
			fail(ptr, "'%s' must be true or false, not %s", op.name, typeName(v))
		}
	case typeTimestamp:
		s, ok := v.(string)
		if !ok {
			fail(ptr, "'%s' must be a timestamp string such as 2016-03-14T01:59:00Z, not %s", op.name, typeName(v))
			return
		}
		t, err := parseTimestamp(s)
		if err != nil {
			fail(ptr, "'%s' must be a timestamp: %v", op.name, err)
			return
		}
		r.ts = t
	}
}

// compilePattern splits a StringMatches pattern at its unescaped *
// wildcards. \* stands for a literal * and \\ for a literal backslash.
func compilePattern(s string) []string {
	var pieces []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\'):
			i++
			b.WriteByte(s[i])
		case c == '*':
			pieces = append(pieces, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(pieces, b.String())
}

// matchPattern reports whether s matches the compiled pattern: the first
// piece is a prefix, the last a suffix, and the others appear in order
// between them.
func matchPattern(pieces []string, s string) bool {
	if len(pieces) == 1 {
		return s == pieces[0]
	}
	first, last := pieces[0], pieces[len(pieces)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range pieces[1 : len(pieces)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// Eval reports whether the rule matches in s. A Variable, or the operand
// of a ...Path operator, that selects nothing is an [*Error] named
// States.Runtime, except for IsPresent, which then simply tests false. A
// value of the wrong type for the operator does not match.
func (r *ChoiceRule) Eval(s Scope) (bool, error) {
	switch r.kind {
	case ruleAnd:
		for _, sub := range r.subs {
			if ok, err := sub.Eval(s); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case ruleOr:
		for _, sub := range r.subs {
			if ok, err := sub.Eval(s); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case ruleNot:
		ok, err := r.subs[0].Eval(s)
		return !ok && err == nil, err
	}
	v, err := r.variable.Select(s)
	if err != nil {
		if !errors.Is(err, ErrPathNotFound) {
			return false, err
		}
		if r.op.name == "IsPresent" {
			return r.value == false, nil
		}
		return false, invalidChoicePath(r.variable)
	}
	if r.op.typ == typeTest {
		return r.test(v) == r.value, nil
	}
	if r.op.typ == typePattern {
		str, ok := v.(string)
		return ok && matchPattern(r.pattern, str), nil
	}
	operand := r.value
	if r.path != nil {
		operand, err = r.path.Select(s)
		if err != nil {
			if errors.Is(err, ErrPathNotFound) {
				return false, invalidChoicePath(r.path)
			}
			return false, err
		}
	}
	c, ok := r.compare(v, operand)
	return ok && r.op.cmp(c), nil
}

// invalidChoicePath is the error for a Choice path that selects nothing.
func invalidChoicePath(p *Path) error {
	return newError(ErrNameRuntime, "Invalid path '%s': The choice state's condition path references an invalid value.", p)
}

// test evaluates an Is* operator's type test on v.
func (r *ChoiceRule) test(v any) bool {
	switch r.op.name {
	case "IsNull":
		return v == nil
	case "IsPresent":
		return true
	case "IsNumeric":
		_, ok := toNumber(v)
		return ok
	case "IsString":
		_, ok := v.(string)
		return ok
	case "IsBoolean":
		_, ok := v.(bool)
		return ok
	case "IsTimestamp":
		str, ok := v.(string)
		if !ok {
			return false
		}
		_, err := parseTimestamp(str)
		return err == nil
	}
	return false
}

// compare compares v with the operand as the operator's type; ok is false
// when either is not of that type.
func (r *ChoiceRule) compare(v, operand any) (c int, ok bool) {
	switch r.op.typ {
	case typeString:
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return compareUTF16(a, b), ok1 && ok2
	case typeNumber:
		return compareNumbers(v, operand)
	case typeBoolean:
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		if !ok1 || !ok2 || a != b {
			return 1, ok1 && ok2
		}
		return 0, true
	case typeTimestamp:
		str, isStr := v.(string)
		if !isStr {
			return 0, false
		}
		a, err := parseTimestamp(str)
		if err != nil {
			return 0, false
		}
		b := r.ts
		if r.path != nil {
			str, isStr := operand.(string)
			if !isStr {
				return 0, false
			}
			if b, err = parseTimestamp(str); err != nil {
				return 0, false
			}
		}
		return a.Compare(b), true
	}
	return 0, false
}

// compareUTF16 compares strings by their UTF-16 code units, as Java (and
// so Step Functions) orders strings.
func compareUTF16(a, b string) int {
	if a == b {
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}

// parseTimestamp reads a timestamp as Choice rules compare them: RFC 3339
// with an uppercase T, and Z or a numeric offset.
func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || strings.ContainsAny(s, "tz") {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp such as 2016-03-14T01:59:00Z (uppercase T; Z or an offset required)", s)
	}
	return t, nil
}
