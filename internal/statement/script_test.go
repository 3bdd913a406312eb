package statement

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed testdata
var testdata embed.FS

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/*.txt")

// scriptCase is one case of a script file: SQL, then a line "==>", then the
// expected output. Lines starting with "#" before the SQL are comments.
type scriptCase struct {
	comment []string
	sql     string
	want    string
}

const (
	caseSeparator   = "----"
	outputSeparator = "==>"
)

// readScript splits a script file into cases.
func readScript(name, text string) ([]scriptCase, error) {
	var cases []scriptCase
	blocks := strings.Split(strings.TrimSuffix(text, "\n"), "\n"+caseSeparator+"\n")
	for i, block := range blocks {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		var c scriptCase
		for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
			c.comment = append(c.comment, lines[0])
			lines = lines[1:]
		}
		sep := -1
		for j, l := range lines {
			if l == outputSeparator {
				sep = j
				break
			}
		}
		if sep < 0 {
			return nil, fmt.Errorf("%s: case %d has no %q line", name, i+1, outputSeparator)
		}
		c.sql = strings.Trim(strings.Join(lines[:sep], "\n"), "\n")
		c.want = strings.Trim(strings.Join(lines[sep+1:], "\n"), "\n")
		cases = append(cases, c)
	}
	return cases, nil
}

// formatScript is the inverse of readScript.
func formatScript(cases []scriptCase) string {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString(caseSeparator + "\n")
		}
		for _, l := range c.comment {
			b.WriteString(l + "\n")
		}
		b.WriteString(c.sql + "\n" + outputSeparator + "\n")
		if c.want != "" {
			b.WriteString(c.want + "\n")
		}
	}
	return b.String()
}

// runCase parses sql and renders the result as a script output.
func runCase(t *testing.T, sql string) string {
	t.Helper()
	st, err := Parse(sql)
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) {
			return fmt.Sprintf("unexpected error type %T: %v", err, err)
		}
		checkSyntaxError(t, sql, se)
		return "error: " + se.Error()
	}
	checkSpans(t, sql, st)
	typ, sub := st.Type()
	return fmt.Sprintf("[%v %s/%s]\n%s", st.Kind(), typ, sub, strings.TrimSuffix(Dump(sql, st), "\n"))
}

func scriptFiles(t testing.TB) []string {
	names, err := fs.Glob(testdata, "testdata/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("no script files: %v", err)
	}
	return names
}

func TestScripts(t *testing.T) {
	for _, name := range scriptFiles(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			text, err := fs.ReadFile(testdata, name)
			if err != nil {
				t.Fatal(err)
			}
			cases, err := readScript(name, string(text))
			if err != nil {
				t.Fatal(err)
			}
			for i := range cases {
				c := &cases[i]
				got := runCase(t, c.sql)
				if *update {
					c.want = got
					continue
				}
				if got != c.want {
					t.Errorf("case %d:\n%s\n--- got:\n%s\n--- want:\n%s", i+1, c.sql, got, c.want)
				}
			}
			if *update {
				if err := os.WriteFile(name, []byte(formatScript(cases)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// scriptInputs returns the SQL of every script case, for seeding fuzzers.
func scriptInputs(t testing.TB) []string {
	var inputs []string
	for _, name := range scriptFiles(t) {
		text, err := fs.ReadFile(testdata, name)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := readScript(name, string(text))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			inputs = append(inputs, c.sql)
		}
	}
	return inputs
}
