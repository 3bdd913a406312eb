package statement

import (
	"errors"
	"strings"
	"testing"
)

// seedFuzz adds every script-file input, and a few scripts made of them,
// to the corpus.
func seedFuzz(f *testing.F) {
	inputs := scriptInputs(f)
	for _, s := range inputs {
		f.Add(s)
	}
	for i := 0; i+1 < len(inputs); i += 7 {
		f.Add(inputs[i] + ";\n" + inputs[i+1])
	}
}

func FuzzLex(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, src string) {
		for _, mode := range []Mode{ModeTrino, ModeHive} {
			toks, err := Lex(src, mode)
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("Lex(%q, %v) error %T is not a *SyntaxError", src, mode, err)
				}
				checkSyntaxError(t, src, se)
				continue
			}
			checkTokens(t, src, toks)
		}
	})
}

func FuzzSplit(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, script string) {
		pieces, err := Split(script)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Split(%q) error %T is not a *SyntaxError", script, err)
			}
			checkSyntaxError(t, script, se)
			return
		}
		checkPieces(t, script, pieces)
		for _, p := range pieces {
			// Each piece is one statement: parsing it must not fail for
			// having more than one.
			if _, err := Parse(p.Text); err != nil {
				var se *SyntaxError
				if errors.As(err, &se) && strings.HasPrefix(se.Msg, "only one statement") {
					t.Fatalf("Split(%q) piece %q holds more than one statement: %v", script, p.Text, err)
				}
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, sql string) {
		st, err := Parse(sql)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T is not a *SyntaxError", sql, err)
			}
			checkSyntaxError(t, sql, se)
			return
		}
		checkSpans(t, sql, st)
		if Dump(sql, st) == "" {
			t.Fatalf("Parse(%q): empty dump", sql)
		}
	})
}
