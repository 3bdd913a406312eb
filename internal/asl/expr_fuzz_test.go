package asl

import (
	"errors"
	"testing"
)

// fuzzSeeds returns the arguments and inputs of the script commands named
// cmds, to seed the fuzzers.
func fuzzSeeds(f *testing.F, cmds ...string) []exprCase {
	var out []exprCase
	for _, c := range readExprScripts(f, exprScripts...) {
		for _, cmd := range cmds {
			if c.cmd == cmd {
				out = append(out, c)
			}
		}
	}
	return out
}

// fuzzInput is the input used when a fuzzed input is not valid JSON.
var fuzzInput = map[string]any{"a": map[string]any{"b": []any{"x", 1.5, nil}}}

func fuzzScope(input string) Scope {
	v, err := decodeJSON(input)
	if err != nil {
		v = fuzzInput
	}
	return Scope{Input: v, Context: v, Var: func(string) (any, bool) { return v, true }}
}

// FuzzParsePath checks that any text either compiles to a path that
// evaluates without panicking, or is refused with an error.
func FuzzParsePath(f *testing.F) {
	for _, c := range fuzzSeeds(f, "path", "refpath", "inputpath", "outputpath", "resultpath") {
		f.Add(c.arg, compactJSON(c.input))
	}
	f.Fuzz(func(t *testing.T, src, input string) {
		p, err := ParsePath(src)
		if err != nil {
			if p != nil {
				t.Fatalf("ParsePath(%q) returned a path and an error", src)
			}
			return
		}
		if p.String() != src {
			t.Fatalf("String() = %q, want %q", p.String(), src)
		}
		s := fuzzScope(input)
		v, err := p.Select(s)
		var ae *Error
		if errors.As(err, &ae) && ae.Name == ErrNameRuntime {
			return
		}
		if err != nil && !errors.Is(err, ErrPathNotFound) {
			t.Fatalf("Select(%q): unexpected error %v", src, err)
		}
		if !p.IsReference() {
			if _, ok := v.([]any); !ok {
				t.Fatalf("Select(%q) of an indefinite path gave %T, want an array", src, v)
			}
			return
		}
		if _, err := ParseReferencePath(src); err != nil {
			t.Fatalf("ParseReferencePath(%q) refused a reference path: %v", src, err)
		}
		if _, err := ApplyResultPath(s.Input, "r", p, false); err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.Name != ErrNameResultPathMatchFailure {
				t.Fatalf("ApplyResultPath(%q): unexpected error %v", src, err)
			}
		}
	})
}

// FuzzIntrinsic checks that any text either compiles to an intrinsic call
// that evaluates to a value or fails with States.IntrinsicFailure, or is
// refused with an error.
func FuzzIntrinsic(f *testing.F) {
	for _, c := range fuzzSeeds(f, "intrinsic") {
		f.Add(c.arg, compactJSON(c.input))
	}
	f.Fuzz(func(t *testing.T, src, input string) {
		fn, err := ParseIntrinsic(src)
		if err != nil {
			return
		}
		_, err = fn.Eval(fuzzScope(input))
		var ae *Error
		if err != nil && (!errors.As(err, &ae) || ae.Name != ErrNameIntrinsicFailure) {
			t.Fatalf("Eval(%q): unexpected error %v", src, err)
		}
	})
}

// FuzzChoiceRule checks that any JSON either compiles to a Choice rule that
// evaluates to true, false or States.Runtime, or is refused with
// *FieldError values.
func FuzzChoiceRule(f *testing.F) {
	for _, c := range fuzzSeeds(f, "rule", "choice") {
		f.Add(c.arg, compactJSON(c.input), c.cmd == "choice")
	}
	f.Fuzz(func(t *testing.T, rule, input string, top bool) {
		v, err := decodeJSON(rule)
		if err != nil {
			return
		}
		r, errs := ParseChoiceRule(v, "/Choices/0", top)
		if errs != nil {
			for _, err := range errs {
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("ParseChoiceRule(%s): %T is not a *FieldError", rule, err)
				}
			}
			return
		}
		_, err = r.Eval(fuzzScope(input))
		var ae *Error
		if err != nil && (!errors.As(err, &ae) || ae.Name != ErrNameRuntime) {
			t.Fatalf("Eval(%s): unexpected error %v", rule, err)
		}
	})
}

// FuzzTemplate checks that any JSON either compiles to a template that
// evaluates to a value or a Step Functions error, or is refused with
// *FieldError values.
func FuzzTemplate(f *testing.F) {
	for _, c := range fuzzSeeds(f, "template") {
		f.Add(c.arg, compactJSON(c.input))
	}
	f.Fuzz(func(t *testing.T, tmpl, input string) {
		v, err := decodeJSON(tmpl)
		if err != nil {
			return
		}
		tp, errs := ParseTemplate(v)
		if errs != nil {
			return
		}
		_, err = tp.Eval(fuzzScope(input))
		var ae *Error
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("Eval(%s): unexpected error %v", tmpl, err)
		}
	})
}
