package duckengine

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// arraySeeds returns the queries of the array family's script files.
func arraySeeds(t interface{ Fatal(...any) }) []string {
	all, err := querytest.Scripts()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for name, text := range all {
		if !strings.HasPrefix(name, "trino_array") && !strings.HasPrefix(name, "trino_map") && !strings.HasPrefix(name, "trino_unnest") {
			continue
		}
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "SELECT") {
				out = append(out, line)
			}
		}
	}
	return out
}

// FuzzArrayScanArgs checks the argument scanner on any text: it never
// reads past the text, and what it reports is where it says.
func FuzzArrayScanArgs(f *testing.F) {
	for _, s := range arraySeeds(f) {
		f.Add(s)
	}
	f.Add("f('a,)', \"b\"\"\", [1, (2)], {'k': 3} -- c\n /* ) */)")
	f.Fuzz(func(t *testing.T, s string) {
		open := strings.IndexByte(s, '(')
		if open < 0 {
			return
		}
		if i := arraySkipTrivia(s, open+1); i < open+1 || i > len(s) {
			t.Fatalf("skipTrivia = %d", i)
		}
		commas, closing, ok := arrayScanArgs(s, open+1)
		if !ok {
			return
		}
		if closing <= open || closing >= len(s) || s[closing] != ')' {
			t.Fatalf("closing at %d of %q", closing, s)
		}
		prev := open
		for _, c := range commas {
			if c <= prev || c >= closing || s[c] != ',' {
				t.Fatalf("comma at %d of %q", c, s)
			}
			prev = c
		}
		if end, ok := arrayArgEnd(s, open+1); !ok || end > closing {
			t.Fatalf("argEnd = %d, %v; closing %d", end, ok, closing)
		}
	})
}

// FuzzUnnestCheck checks that any type text gives an answer, not a panic.
func FuzzUnnestCheck(f *testing.F) {
	for _, s := range []string{"INTEGER[]", "MAP(VARCHAR, INTEGER)", `STRUCT("a b" INTEGER, c VARCHAR[])[]`, "INTEGER[2][]", `"NULL"`, "STRUCT(a STRUCT(b INTEGER))"} {
		f.Add(s, 2, 1)
	}
	f.Fuzz(func(t *testing.T, typ string, aliases, depth int) {
		_ = unnestCheck("t", aliases, aliases%2 == 0, depth, []string{typ, typ})
	})
}

// FuzzArrayRewrite rewrites queries as the planner does and checks that
// what comes out is still a query DuckDB can parse, or a positioned error.
func FuzzArrayRewrite(f *testing.F) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	for _, s := range arraySeeds(f) {
		f.Add(s)
	}
	f.Add("FROM UNNEST(0)A(A A)") // column definitions, found by fuzzing
	f.Add("\x86")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		out, err := rewriteForTest(t, db.QueryRowContext, s)
		if errors.Is(err, errSkip) {
			return
		}
		if err != nil {
			var qe *query.Error
			if !errors.As(err, &qe) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		var raw string
		if err := db.QueryRow("SELECT json_serialize_sql(?::VARCHAR)::VARCHAR", out).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		// DuckDB's tree is not always JSON (an out-of-range double
		// literal is written Infinity): read it as weir does.
		tree, err := decodeTree([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		root, _ := tree.(map[string]any)
		if root["error"] == true {
			t.Fatalf("rewrite of %q does not parse: %v\n%s", s, root["error_message"], out)
		}
	})
}
