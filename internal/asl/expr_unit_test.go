package asl

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want int
	}{
		{"equal integers", json.Number("10"), json.Number("10"), 0},
		{"trailing zeros", json.Number("10.500"), json.Number("10.5"), 0},
		{"exponent", json.Number("1e1"), json.Number("10"), 0},
		{"negative exponent", json.Number("1E-2"), json.Number("0.01"), 0},
		{"zeros of both signs", json.Number("-0.0"), json.Number("0"), 0},
		{"beyond float64 precision", json.Number("12345678901234567891"), json.Number("12345678901234567890"), 1},
		{"tiny difference", json.Number("10.000000000000001"), json.Number("10"), 1},
		{"negatives", json.Number("-2"), json.Number("-1"), -1},
		{"negative against zero", json.Number("-1e-300"), json.Number("0"), -1},
		{"huge exponent", json.Number("1e999999999999999999999"), json.Number("1e308"), 1},
		{"float64 and json.Number", 2.5, json.Number("2.50"), 0},
		{"int and json.Number", 3, json.Number("2.9"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := compareNumbers(tt.a, tt.b)
			if !ok || got != tt.want {
				t.Errorf("compareNumbers(%v, %v) = %d, %t; want %d", tt.a, tt.b, got, ok, tt.want)
			}
		})
	}
	if _, ok := compareNumbers("1", json.Number("1")); ok {
		t.Error("a string compared as a number")
	}
	if _, ok := compareNumbers(json.Number("1x"), json.Number("1")); ok {
		t.Error("a malformed json.Number compared as a number")
	}
}

func TestPathAccessors(t *testing.T) {
	tests := []struct {
		src        string
		normalized string
		reference  bool
		root       bool
		variable   string
		context    bool
	}{
		{"$", "$", true, true, "", false},
		{"$.a['b c'][0]", "$['a']['b c'][0]", true, false, "", false},
		{"$$.Execution.Id", "$$['Execution']['Id']", true, false, "", true},
		{"$var.x[-1]", "$var['x'][-1]", true, false, "var", false},
		{"$..a[*][1:2][0,1]['p','q']", "$..['a'][*][1:2][0,1]['p','q']", false, false, "", false},
		{"$.a[?(@.b)]", "$['a'][?]", false, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := ParsePath(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if p.String() != tt.src || p.Normalized() != tt.normalized || p.IsReference() != tt.reference ||
				p.IsRoot() != tt.root || p.Variable() != tt.variable || p.IsContext() != tt.context {
				t.Errorf("got String %q Normalized %q IsReference %t IsRoot %t Variable %q IsContext %t",
					p.String(), p.Normalized(), p.IsReference(), p.IsRoot(), p.Variable(), p.IsContext())
			}
		})
	}
}

func TestIsIntrinsic(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"States.Format('{}', $.a)", true},
		{" States.UUID() ", true},
		{"States.Array(\n1)", true},
		{"States.Nope(1)", true}, // looks like one; ParseIntrinsic refuses it
		{"$.States.Format", false},
		{"States.Format", false},
		{"prefix States.UUID()", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsIntrinsic(tt.s); got != tt.want {
			t.Errorf("IsIntrinsic(%q) = %t, want %t", tt.s, got, tt.want)
		}
	}
}

func TestMathRandomSeedIsDeterministic(t *testing.T) {
	f, err := ParseIntrinsic("States.MathRandom(0, 1000000, 42)")
	if err != nil {
		t.Fatal(err)
	}
	a, err1 := f.Eval(Scope{})
	b, err2 := f.Eval(Scope{})
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("two runs with one seed gave %v (%v) and %v (%v)", a, err1, b, err2)
	}
	if f.Name() != "States.MathRandom" || f.String() != "States.MathRandom(0, 1000000, 42)" {
		t.Errorf("Name %q, String %q", f.Name(), f.String())
	}
}

func TestErrorStrings(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&Error{Name: "States.Runtime", Cause: "boom"}, "States.Runtime: boom"},
		{&Error{Name: "States.Timeout"}, "States.Timeout"},
		{&FieldError{Pointer: "/States/A/Next", Msg: "missing"}, "/States/A/Next: missing"},
		{&FieldError{Msg: "missing"}, "missing"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestInputsAreNotMutated checks that evaluation never writes into the
// values it reads, since the interpreter shares them between states.
func TestInputsAreNotMutated(t *testing.T) {
	const src = `{"a":{"b":[1,{"c":2}]},"k":"v"}`
	input, _ := decodeJSON(src)
	p, _ := ParseReferencePath("$.a.b[1].d")
	out, err := ApplyResultPath(input, "new", p, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := compactJSON(input); got != src {
		t.Errorf("ApplyResultPath changed its input to %s", got)
	}
	if got := compactJSON(out); got != `{"a":{"b":[1,{"c":2,"d":"new"}]},"k":"v"}` {
		t.Errorf("ApplyResultPath gave %s", got)
	}
	tmpl, errs := ParseTemplate(map[string]any{"x.$": "$.a", "y": map[string]any{"z": 1}})
	if errs != nil {
		t.Fatal(errs)
	}
	v1, _ := tmpl.Eval(Scope{Input: input})
	v1.(map[string]any)["y"].(map[string]any)["z"] = 2
	v2, _ := tmpl.Eval(Scope{Input: input})
	if got := compactJSON(v2); got != `{"x":{"b":[1,{"c":2}]},"y":{"z":1}}` {
		t.Errorf("a template's literal changed between evaluations: %s", got)
	}
}

func TestSelectErrorsWrapErrPathNotFound(t *testing.T) {
	for _, src := range []string{"$.x", "$v", "$$.x", "$.a[3]"} {
		p := MustParsePath(src)
		_, err := p.Select(Scope{Input: map[string]any{"a": []any{}}, Context: map[string]any{}})
		if !errors.Is(err, ErrPathNotFound) {
			t.Errorf("Select(%s) = %v, want ErrPathNotFound", src, err)
		}
	}
}

func TestRunawayPathsAreBounded(t *testing.T) {
	// Arrays nested 2,000 deep: $..* selects 2,000 nodes, and each of them
	// has up to 2,000 descendants.
	var nested any = 1.0
	for range 2000 {
		nested = []any{nested}
	}
	_, err := MustParsePath("$..*..*").Select(Scope{Input: nested})
	var ae *Error
	if !errors.As(err, &ae) || ae.Name != ErrNameRuntime {
		t.Fatalf("got %v, want States.Runtime", err)
	}
}
