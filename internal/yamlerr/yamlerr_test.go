package yamlerr

import (
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
		problem   string
	}{
		{"bad indent", "a: 1\nb:\n  c: 1\n  d: 2\n e: 3\n", 5, "did not find expected key"},
		{"list item among keys", "a:\n  b: 1\n  - x\n", 3, "did not find expected key"},
		{"unclosed flow mapping", "a: 1\nb: {c: 1\nd: 2\n", 2, "did not find expected ',' or '}'"},
		{"unclosed flow list", "a: 1\nb:\n  c: [1, 2}\n", 3, "did not find expected ',' or ']'"},
		{"scanner error keeps its line", "a: 1\nb: \"open\nc: 2\n", 2, "found unexpected end of stream"},
		{"tab indent", "a:\n\tb: 1\n", 2, "found character that cannot start any token"},
		{"lone CRs break lines", "\r\r& ", 3, "did not find expected alphabetic"},
		{"past the last line", "\"0\r\r", 3, "found unexpected end of stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tc.doc), &n)
			if err == nil {
				t.Fatal("the document parses")
			}
			line, problem := Locate([]byte(tc.doc), err)
			if line != tc.line || !strings.HasPrefix(problem, tc.problem) {
				t.Errorf("line %d %q, want line %d %q (decoder: %v)", line, problem, tc.line, tc.problem, err)
			}
		})
	}
}

// FuzzLocate: for any document the decoder refuses, Locate does not
// panic and names a line of the document, or none.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{"a: 1\nb:\n  c: 1\n e: 2\n", "a: {b: 1\n", "a: [1\n", "\r\r& ", "a:\n\tb: 1\n", "- a\nb: 1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(doc), &n)
		if err == nil {
			return
		}
		line, problem := Locate([]byte(doc), err)
		if lines := len(splitLines([]byte(doc))); line < 0 || line > lines {
			t.Errorf("line %d of a %d-line document (%v)", line, lines, err)
		}
		if problem == "" {
			t.Errorf("no problem for %v", err)
		}
	})
}
