package dialect

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/statement"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"query unchanged", `SELECT "a", b FROM t WHERE c = 'x' -- note`, `SELECT "a", b FROM t WHERE c = 'x' -- note`, ""},
		{"backquotes are Trino's error", "SELECT `a` FROM t", "", "line 1:8: backquoted identifiers are not supported"},
		{"unterminated string", "SELECT 'abc", "", "line 1:8: "},
	}
	tr := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, offsets, err := tr.Translate(tt.in)
			if tt.err != "" {
				var se *statement.SyntaxError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Translate(%q) error = %v, want a SyntaxError containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Translate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			if o := offsets.Original(5); o != 5 {
				t.Errorf("offset 5 maps to %d, want 5 for an unchanged statement", o)
			}
		})
	}
}

// FuzzTranslate feeds random SQL through the translator: it never panics,
// fails only with a positioned SyntaxError, and maps every output offset
// into the input.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT `x`", "SELECT 'a''b', \"c\"\"d\" FROM t /* c */", "VALUES 1, 2", "SELECT x'0A', U&'\\0041'"} {
		f.Add(s)
	}
	tr := New()
	f.Fuzz(func(t *testing.T, in string) {
		out, offsets, err := tr.Translate(in)
		if err != nil {
			var se *statement.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Translate(%q) failed without a SyntaxError: %v", in, err)
			}
			if se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("Translate(%q): error offset %d outside the input", in, se.Offset)
			}
			return
		}
		for i := 0; i <= len(out); i++ {
			if o := offsets.Original(i); o < 0 || o > len(in) {
				t.Fatalf("Translate(%q): output offset %d maps to %d, outside the input", in, i, o)
			}
		}
	})
}
