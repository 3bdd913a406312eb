package function_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
)

var refCases = []struct {
	ref, name, qualifier string
	ok                   bool
}{
	{"my-function", "my-function", "", true},
	{"my_function:prod", "my_function", "prod", true},
	{"fn:$LATEST", "fn", "$LATEST", true},
	{"fn:3", "fn", "3", true},
	{"arn:aws:lambda:us-west-2:123456789012:function:my-function", "my-function", "", true},
	{"arn:aws:lambda:eu-central-1:123456789012:function:my-function:v2", "my-function", "v2", true},
	{"arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "f", "", true},
	{"123456789012:function:my-function", "my-function", "", true},
	{"123456789012:function:my-function:live", "my-function", "live", true},
	{"", "", "", false},
	{"has space", "", "", false},
	{"fn:", "", "", false},
	{"fn:bad qualifier", "", "", false},
	{"a.b", "", "", false},
	{"12345:function:f", "", "", false},
	{"arn:aws:lambda:us-east-1:000000000000:layer:f", "", "", false},
	{"arn:aws:lambda:#{AWS::Region}:000000000000:function:f", "", "", false},
	{"arn:aws:s3:us-east-1:000000000000:function:f", "", "", false},
	{"arn:aws:lambda:us-east-1:000000000000:function:f:a:b", "", "", false},
	{strings.Repeat("a", 65), "", "", false},
	{strings.Repeat("a", 64), strings.Repeat("a", 64), "", true},
}

func TestParseRef(t *testing.T) {
	for _, tc := range refCases {
		name, q, err := function.ParseRef(tc.ref)
		if tc.ok != (err == nil) || name != tc.name || q != tc.qualifier {
			t.Errorf("ParseRef(%q) = %q, %q, %v; want %q, %q, ok=%v", tc.ref, name, q, err, tc.name, tc.qualifier, tc.ok)
		}
		if err != nil && !errors.Is(err, errs.Invalid) {
			t.Errorf("ParseRef(%q): error %v is not errs.Invalid", tc.ref, err)
		}
	}
}

func FuzzParseRef(f *testing.F) {
	for _, tc := range refCases {
		f.Add(tc.ref)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		name, q, err := function.ParseRef(ref)
		if err != nil {
			return
		}
		if function.ValidName(name) != nil {
			t.Fatalf("ParseRef(%q) gave the invalid name %q", ref, name)
		}
		// A name and qualifier parse back to themselves, and so does the
		// function's ARN.
		back := name
		if q != "" {
			back += ":" + q
		}
		if n2, q2, err := function.ParseRef(back); err != nil || n2 != name || q2 != q {
			t.Fatalf("ParseRef(%q) = %q, %q, %v; from %q", back, n2, q2, err, ref)
		}
		if n2, _, err := function.ParseRef(function.ARN(name)); err != nil || n2 != name {
			t.Fatalf("ParseRef(ARN(%q)) = %q, %v", name, n2, err)
		}
	})
}

func TestValidate(t *testing.T) {
	ok := function.NewFunction("fn", "echo {}")
	tests := []struct {
		name string
		edit func(f *function.Function)
		want string
	}{
		{"valid", func(*function.Function) {}, ""},
		{"bad name", func(f *function.Function) { f.Name = "a/b" }, "1 to 64 letters"},
		{"no command", func(f *function.Function) { f.Command = " " }, "needs a command"},
		{"timeout 0", func(f *function.Function) { f.Timeout = 0 }, "from 1 to 86400"},
		{"bad env", func(f *function.Function) { f.Environment = map[string]string{"1X": "v"} }, `"1X"`},
		{"bad runtime", func(f *function.Function) { f.Runtime = "node" }, `"node" must be command or python3`},
		{"python without module", func(f *function.Function) { *f = *function.NewPythonFunction("p", "", "") }, "needs its module"},
		{"python bad handler", func(f *function.Function) { *f = *function.NewPythonFunction("p", "/m.py", "a.b") }, `handler "a.b"`},
	}
	for _, tc := range tests {
		f := ok.Clone()
		tc.edit(f)
		err := f.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !errors.Is(err, errs.Invalid) || !contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
