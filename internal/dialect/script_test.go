package dialect

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/*.txt")

// A script file holds records of two kinds, separated by blank lines:
//
//	# what the record shows
//	translate
//	SELECT ... (the input, may span lines)
//	----
//	SELECT ... (the expected output, up to the next blank line)
//
//	error
//	SELECT ...
//	----
//	CODE line L:C: a substring of the expected message
//
// Lines starting with "#" before a record are comments.
type scriptRecord struct {
	comment []string
	kind    string // "translate" or "error"
	in      string
	want    string
	line    int // where the record starts in its file
}

const inputEnd = "----"

// readScript splits a script file into records.
func readScript(name, text string) ([]scriptRecord, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var recs []scriptRecord
	for i := 0; i < len(lines); {
		var rec scriptRecord
		for i < len(lines) && (lines[i] == "" || strings.HasPrefix(lines[i], "#")) {
			if lines[i] != "" {
				rec.comment = append(rec.comment, lines[i])
			}
			i++
		}
		if i == len(lines) {
			break
		}
		rec.kind, rec.line = lines[i], i+1
		if rec.kind != "translate" && rec.kind != "error" {
			return nil, fmt.Errorf("%s:%d: want translate or error, found %q", name, i+1, rec.kind)
		}
		i++
		start := i
		for i < len(lines) && lines[i] != inputEnd {
			i++
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s:%d: record has no %q line", name, rec.line, inputEnd)
		}
		rec.in = strings.Join(lines[start:i], "\n")
		i++
		start = i
		for i < len(lines) && lines[i] != "" {
			i++
		}
		rec.want = strings.Join(lines[start:i], "\n")
		recs = append(recs, rec)
	}
	return recs, nil
}

// formatScript is the inverse of readScript.
func formatScript(recs []scriptRecord) string {
	var b strings.Builder
	for i, rec := range recs {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, c := range rec.comment {
			b.WriteString(c + "\n")
		}
		fmt.Fprintf(&b, "%s\n%s\n%s\n%s\n", rec.kind, rec.in, inputEnd, rec.want)
	}
	return b.String()
}

// describeError renders err as an error record expects it: the code, the
// position of the error in in, and the message.
func describeError(in string, err error) string {
	var se *statement.SyntaxError
	var qe *query.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("SYNTAX_ERROR line %d:%d: %s", se.Line, se.Column, se.Msg)
	case errors.As(err, &qe):
		line, col := statement.LineCol(in, qe.Offset)
		return fmt.Sprintf("%s line %d:%d: %s", qe.Code, line, col, qe.Message)
	}
	return fmt.Sprintf("unexpected error %T: %v", err, err)
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no script files: %v", err)
	}
	tr := New()
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readScript(file, string(text))
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			rec := &recs[i]
			t.Run(fmt.Sprintf("%s:%d", filepath.Base(file), rec.line), func(t *testing.T) {
				out, offsets, err := tr.Translate(rec.in)
				if rec.kind == "error" {
					if err == nil {
						t.Fatalf("Translate(%q) = %q, want an error %q", rec.in, out, rec.want)
					}
					got := describeError(rec.in, err)
					if *update {
						rec.want = got
					}
					// The want is the code, the position and a substring
					// of the message.
					code, msg, _ := strings.Cut(rec.want, ": ")
					if prefix, _, _ := strings.Cut(got, ": "); prefix != code || !strings.Contains(got, msg) {
						t.Errorf("Translate(%q) error\n got: %s\nwant: %s", rec.in, got, rec.want)
					}
					return
				}
				if err != nil {
					t.Fatalf("Translate(%q): %v", rec.in, err)
				}
				if *update {
					rec.want = out
				}
				if out != rec.want {
					t.Errorf("Translate(%q)\n got: %s\nwant: %s", rec.in, out, rec.want)
				}
				checkOffsets(t, rec.in, out, offsets)
				if again, _, err := tr.Translate(out); err != nil || again != out {
					t.Errorf("Translate(%q) = %q, %v; want the output to stay as it is", out, again, err)
				}
			})
		}
		if *update {
			if err := os.WriteFile(file, []byte(formatScript(recs)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkOffsets checks that each identifier that appears once in the input
// and once in the output maps back to where it is in the input, whatever
// was rewritten around it.
func checkOffsets(t *testing.T, in, out string, offsets *statement.OffsetMap) {
	t.Helper()
	inToks, err := statement.Lex(in, statement.ModeTrino)
	if err != nil {
		t.Fatal(err)
	}
	outToks, err := statement.Lex(out, statement.ModeTrino)
	if err != nil {
		t.Fatalf("the output does not lex: %v", err)
	}
	inAt := onlyIdents(inToks)
	for text, outStart := range onlyIdents(outToks) {
		inStart, ok := inAt[text]
		if !ok {
			continue
		}
		if got := offsets.Original(outStart); got != inStart {
			t.Errorf("%s at output offset %d maps to input offset %d, want %d", text, outStart, got, inStart)
		}
	}
}

// onlyIdents returns the start of each identifier that occurs once among
// toks.
func onlyIdents(toks []statement.Token) map[string]int {
	at, n := map[string]int{}, map[string]int{}
	for _, tok := range toks {
		if tok.Kind == statement.TokenIdent || tok.Kind == statement.TokenQuotedIdent {
			at[tok.Text] = tok.Span.Start
			n[tok.Text]++
		}
	}
	for text, count := range n {
		if count > 1 {
			delete(at, text)
		}
	}
	return at
}
