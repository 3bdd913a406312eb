package dialect

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

func TestTranslate(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"query unchanged", `SELECT "a", b FROM t WHERE c = 'x' -- note`, `SELECT "a", b FROM t WHERE c = 'x' -- note`},
		{"lambdas stay", "SELECT transform(a, x -> x + 1), reduce(a, 0, (s, x) -> s + x, s -> s) FROM t", "SELECT transform(a, x -> x + 1), reduce(a, 0, (s, x) -> s + x, s -> s) FROM t"},
		{"keywords in strings, quotes and comments stay", `SELECT "values", 'VALUES 1, 2', t.if /* IF(a, b) */ FROM t`, `SELECT "values", 'VALUES 1, 2', t.if /* IF(a, b) */ FROM t`},

		{"values rows", "VALUES 1, 2", "VALUES (1), (2)"},
		{"values nested", "SELECT * FROM (VALUES 1, 2) AS t(x)", "SELECT * FROM (VALUES (1), (2)) AS t(x)"},
		{"values expressions", "VALUES 1 + 1, -2, 'a''b'", "VALUES (1 + 1), (-2), ('a''b')"},
		{"values parenthesised stay", "VALUES (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')"},
		{"values mixed", "VALUES (1) + 1, (2)", "VALUES ((1) + 1), (2)"},
		{"values ROW", "VALUES ROW(1, 'a')", "VALUES (1, 'a')"},
		{"values with unbalanced brackets stay", "VALUES(", "VALUES("},
		{"values end at set operations", "VALUES 1 UNION VALUES 2 ORDER BY 1", "VALUES (1) UNION VALUES (2) ORDER BY 1"},

		{"cast array of row", "SELECT CAST(x AS ARRAY(ROW(a bigint, b ARRAY(varchar))))", "SELECT CAST(x AS STRUCT(a bigint, b varchar[])[])"},
		{"try_cast array", "SELECT TRY_CAST(x AS array(double))", "SELECT TRY_CAST(x AS double[])"},
		{"array in angle brackets", "SELECT CAST(x AS array<array<int>>)", "SELECT CAST(x AS int[][])"},
		{"postfix array", "SELECT CAST(x AS int ARRAY)", "SELECT CAST(x AS int[])"},
		{"map arguments", "SELECT CAST(x AS MAP(varchar, ARRAY(int)))", "SELECT CAST(x AS MAP(varchar, int[]))"},
		{"map in angle brackets", "SELECT CAST(x AS map<varchar, int>)", "SELECT CAST(x AS map(varchar, int))"},
		{"row with quoted names", `SELECT CAST(x AS ROW("a b" int, c int))`, `SELECT CAST(x AS STRUCT("a b" int, c int))`},
		{"row without names", "SELECT CAST(x AS ROW(bigint, varchar))", "SELECT CAST(x AS STRUCT(field0 bigint, field1 varchar))"},
		{"row field named by a DuckDB keyword", "SELECT CAST(x AS ROW(at int))", `SELECT CAST(x AS STRUCT("at" int))`},
		{"varbinary", "SELECT CAST(x AS varbinary)", "SELECT CAST(x AS BLOB)"},
		{"timestamp precision", "SELECT CAST(x AS timestamp(3)), CAST(y AS timestamp(0))", "SELECT CAST(x AS TIMESTAMP), CAST(y AS timestamp(0))"},
		{"timestamp with time zone", "SELECT CAST(x AS timestamp(3) with time zone), CAST(y AS timestamp with time zone)", "SELECT CAST(x AS TIMESTAMPTZ), CAST(y AS TIMESTAMPTZ)"},
		{"time precision", "SELECT CAST(x AS time(3)), CAST(y AS time)", "SELECT CAST(x AS TIME), CAST(y AS time)"},
		{"interval qualifiers", "SELECT CAST(x AS interval day to second), CAST(y AS interval year to month)", "SELECT CAST(x AS INTERVAL), CAST(y AS INTERVAL)"},
		{"types that stay", "SELECT CAST(a AS double precision), CAST(b AS decimal(10, 2)), CAST(c AS varchar(3)), CAST(d AS real)", "SELECT CAST(a AS double precision), CAST(b AS decimal(10, 2)), CAST(c AS varchar(3)), CAST(d AS real)"},
		{"unreadable type stays", "SELECT CAST(x AS ARRAY(int)", "SELECT CAST(x AS ARRAY(int)"},

		{"binary string", "SELECT X'65683F'", "SELECT unhex('65683F')"},
		{"empty binary string", "SELECT x''", "SELECT unhex('')"},

		{"unicode string", `SELECT U&'\0041b\+01F600'`, "SELECT 'Ab😀'"},
		{"unicode string with UESCAPE", `SELECT U&'!0041!!x' UESCAPE '!'`, "SELECT 'A!x'"},
		{"unicode string with a quote and a backslash", `SELECT U&'it''s \\'`, `SELECT 'it''s \'`},
		{"unicode string with NUL", `SELECT U&'a\0000'`, "SELECT ('a' || chr(0) || '')"},

		{"two-argument if", "SELECT IF(a > 1, 'x') FROM t", "SELECT IF(a > 1, 'x', NULL) FROM t"},
		{"nested commas in if", "SELECT IF(a, f(b, c)), IF(a, ARRAY[1, 2])", "SELECT IF(a, f(b, c), NULL), IF(a, ARRAY[1, 2], NULL)"},
		{"if with an empty argument stays", "SELECT IF(a, ), IF(, b)", "SELECT IF(a, ), IF(, b)"},
		{"three-argument if stays", "SELECT IF(a, 1, 2)", "SELECT IF(a, 1, 2)"},

		{"interval day to second", "SELECT INTERVAL '1 02:03:04' DAY TO SECOND", "SELECT INTERVAL '1 day 02:03:04'"},
		{"interval year to month", "SELECT INTERVAL '1-2' YEAR TO MONTH", "SELECT INTERVAL '1 year 2 months'"},
		{"negative interval", "SELECT INTERVAL '-1 02:00:00' DAY TO SECOND", "SELECT INTERVAL '-1 day -02:00:00'"},
		{"sign before the interval string", "SELECT INTERVAL -'1 02:00:00' DAY TO SECOND, INTERVAL -'2' DAY", "SELECT INTERVAL '-1 day -02:00:00', INTERVAL '-2' DAY"},
		{"interval minute to second", "SELECT INTERVAL '3:04.5' MINUTE TO SECOND", "SELECT INTERVAL '3 minutes 04.5 seconds'"},
		{"interval with left-out fields", "SELECT INTERVAL '1 02' DAY TO SECOND", "SELECT INTERVAL '1 day 02 hours'"},
		{"a rewrite keeps apart from a string next to it", "SELECT INTERVAL '1 02' DAY TO HOUR'x'", "SELECT INTERVAL '1 day 02 hours' 'x'"},
		{"single-field interval stays", "SELECT INTERVAL '2' DAY", "SELECT INTERVAL '2' DAY"},

		{"tablesample bernoulli", "SELECT * FROM t TABLESAMPLE BERNOULLI (10)", "SELECT * FROM t TABLESAMPLE BERNOULLI (10 PERCENT)"},
		{"tablesample system", "SELECT * FROM t TABLESAMPLE SYSTEM (10.5)", "SELECT * FROM t TABLESAMPLE SYSTEM (10.5 PERCENT)"},

		{"timestamp with zone name", "SELECT TIMESTAMP '2024-03-05 14:07:09 America/New_York'", "SELECT TIMESTAMPTZ '2024-03-05 14:07:09 America/New_York'"},
		{"timestamp with offset", "SELECT TIMESTAMP '2024-03-05 14:07:09.123 +05:30'", "SELECT TIMESTAMPTZ '2024-03-05 14:07:09.123+05:30'"},
		{"timestamp with UTC and no seconds", "SELECT TIMESTAMP '2024-03-05 14:07 UTC'", "SELECT TIMESTAMPTZ '2024-03-05 14:07:00 UTC'"},
		{"timestamp without zone stays", "SELECT TIMESTAMP '2024-03-05 14:07:09'", "SELECT TIMESTAMP '2024-03-05 14:07:09'"},
		{"time with offset", "SELECT TIME '10:00 +05:00'", "SELECT TIMETZ '10:00:00+05:00'"},
	}
	tr := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := tr.Translate(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("Translate(%q)\n got: %q, %v\nwant: %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestTranslateErrors(t *testing.T) {
	tests := []struct {
		name, in string
		code     string // SYNTAX_ERROR for a *statement.SyntaxError
		offset   int
		msg      string // a substring of the message
	}{
		{"backquotes", "SELECT `a` FROM t", "SYNTAX_ERROR", 7, "backquoted identifiers are not supported"},
		{"unterminated string", "SELECT 'abc", "SYNTAX_ERROR", 7, "unterminated string"},
		{"odd binary string", "SELECT X'0'", "SYNTAX_ERROR", 7, "must contain an even number of digits"},
		{"non-hex binary string", "SELECT 1, X'0G'", "SYNTAX_ERROR", 10, "can only contain hexadecimal digits"},
		{"surrogate escape", `SELECT U&'\D800'`, "SYNTAX_ERROR", 7, "Invalid escaped character: D800. Escaped character is a surrogate"},
		{"escape beyond Unicode", `SELECT U&'\+110000'`, "SYNTAX_ERROR", 7, "Invalid escaped character: 110000"},
		{"bad escape digit", `SELECT U&'\xyz1'`, "SYNTAX_ERROR", 7, "Invalid hexadecimal digit: x"},
		{"short escape", `SELECT U&'\12'`, "SYNTAX_ERROR", 7, "Incomplete escape sequence: 12"},
		{"escape at the end", `SELECT U&'\'`, "SYNTAX_ERROR", 7, "Incomplete escape sequence"},
		{"empty UESCAPE", `SELECT U&'a' UESCAPE ''`, "SYNTAX_ERROR", 7, "Empty Unicode escape character"},
		{"hex digit as UESCAPE", `SELECT U&'a' UESCAPE 'a'`, "SYNTAX_ERROR", 7, "Invalid Unicode escape character: a"},
		{"bad interval string", "SELECT 1, INTERVAL '1:2' DAY TO SECOND", "SYNTAX_ERROR", 10, "Invalid INTERVAL DAY TO SECOND value: 1:2"},
		{"negative interval field", "SELECT INTERVAL '1--2' YEAR TO MONTH", "SYNTAX_ERROR", 7, "Invalid INTERVAL YEAR TO MONTH value: 1--2"},
		{"bad interval qualifier", "SELECT INTERVAL '1' SECOND TO DAY", "SYNTAX_ERROR", 7, "Invalid interval qualifier: SECOND to DAY"},
		{"tablesample expression", "SELECT * FROM t TABLESAMPLE SYSTEM (1 + 1)", "NOT_SUPPORTED", 36, "TABLESAMPLE SYSTEM with an expression is not supported"},
		{"match_recognize", "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY a)", "NOT_SUPPORTED", 16, "MATCH_RECOGNIZE is not supported"},
		{"prepare", "PREPARE q FROM SELECT 1", "NOT_SUPPORTED", 0, "PREPARE is not supported"},
		{"execute", "EXECUTE q USING 1", "NOT_SUPPORTED", 0, "EXECUTE is not supported"},
		{"deallocate", "DEALLOCATE PREPARE q", "NOT_SUPPORTED", 0, "DEALLOCATE is not supported"},
		{"describe input", "DESCRIBE INPUT q", "NOT_SUPPORTED", 0, "DESCRIBE INPUT is not supported"},
		{"describe output", "DESCRIBE OUTPUT q", "NOT_SUPPORTED", 0, "DESCRIBE OUTPUT is not supported"},
		{"inline function", "WITH FUNCTION f(x int) RETURNS int RETURN x SELECT f(1)", "NOT_SUPPORTED", 0, "WITH FUNCTION (inline SQL functions) is not supported"},
		{"json_table", "SELECT * FROM JSON_TABLE(j, 'lax $' COLUMNS (a int))", "NOT_SUPPORTED", 14, "JSON_TABLE is not supported"},
		{"time travel by timestamp", "SELECT * FROM t FOR TIMESTAMP AS OF now()", "NOT_SUPPORTED", 16, "FOR TIMESTAMP AS OF (time travel) is not supported"},
		{"time travel by version", "SELECT * FROM t FOR VERSION AS OF 1", "NOT_SUPPORTED", 16, "FOR VERSION AS OF (time travel) is not supported"},
		{"with ties", "SELECT a FROM t ORDER BY a FETCH FIRST 1 ROWS WITH TIES", "NOT_SUPPORTED", 46, "WITH TIES is not supported"},
	}
	tr := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := tr.Translate(tt.in)
			code, offset, msg := "", -1, ""
			var se *statement.SyntaxError
			var qe *query.Error
			switch {
			case errors.As(err, &se):
				code, offset, msg = "SYNTAX_ERROR", se.Offset, se.Msg
			case errors.As(err, &qe):
				code, offset, msg = qe.Code, qe.Offset, qe.Message
			default:
				t.Fatalf("Translate(%q) = %q, %v; want a %s error", tt.in, out, err, tt.code)
			}
			if code != tt.code || offset != tt.offset || !strings.Contains(msg, tt.msg) {
				t.Errorf("Translate(%q) error = %s at %d: %q; want %s at %d: %q", tt.in, code, offset, msg, tt.code, tt.offset, tt.msg)
			}
		})
	}
}

// TestTranslateOffsets checks that positions in the output map back to
// the user's text: text next to a rewrite maps to where it was, and text
// a rewrite produced maps to the start of what it replaced.
func TestTranslateOffsets(t *testing.T) {
	tests := []struct {
		name, in string
		out      string // a unique substring of the output
		want     string // the unique substring of the input it maps to
	}{
		{"after a binary string", "SELECT X'00' AS bin FROM t", "bin FROM", "bin FROM"},
		{"after two binary strings", "SELECT X'00', X'0102', zz FROM t", "zz", "zz"},
		{"inside a binary string's replacement", "SELECT 1, X'00' FROM t", "unhex", "X'00'"},
		{"after a unicode string with UESCAPE", "SELECT U&'!0041' UESCAPE '!' AS s, zz", "zz", "zz"},
		{"a unicode string's replacement", "SELECT a, U&'\\0041' AS s", "'A'", "U&"},
		{"inside values rows", "VALUES 1, zz + 1, 3", "zz", "zz"},
		{"after values rows", "SELECT * FROM (VALUES 1, 2) AS zz(x)", "zz(x)", "zz(x)"},
		{"inside a rewritten type", "SELECT CAST(x AS ARRAY(ROW(zz bigint))) AS y", "zz", "zz"},
		{"after a rewritten type", "SELECT CAST(x AS ARRAY(ROW(a bigint))) AS zz", "zz", "zz"},
		{"a rewritten type", "SELECT CAST(x AS varbinary) AS y", "BLOB", "varbinary"},
		{"after an interval", "SELECT INTERVAL '1 02:03:04' DAY TO SECOND + zz", "zz", "zz"},
		{"an interval's string", "SELECT INTERVAL '1-2' YEAR TO MONTH", "'1 year", "'1-2'"},
		{"the second argument of if", "SELECT IF(a, zz) FROM t", "zz", "zz"},
		{"the added NULL", "SELECT IF(a, b) FROM t", "NULL", ") FROM"},
		{"after tablesample", "SELECT * FROM t TABLESAMPLE BERNOULLI (10) WHERE zz", "zz", "zz"},
		{"a zoned timestamp", "SELECT a + TIMESTAMP '2024-01-01 00:00 UTC' AS zz", "zz", "zz"},
		{"on a later line", "SELECT X'00',\n  zz FROM t", "zz", "zz"},
	}
	tr := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, offsets, err := tr.Translate(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			at, want := strings.Index(out, tt.out), strings.Index(tt.in, tt.want)
			if at < 0 || want < 0 {
				t.Fatalf("Translate(%q) = %q: %q or %q not found", tt.in, out, tt.out, tt.want)
			}
			if got := offsets.Original(at); got != want {
				t.Errorf("Translate(%q) = %q: %q at %d maps to %d, want %d (%q)", tt.in, out, tt.out, at, got, want, tt.want)
			}
		})
	}
}

// FuzzTranslate feeds random SQL through the translator: it never panics,
// fails only with a SyntaxError or a query.Error positioned in the input
// (never an internal one), maps every output offset into the input, and
// leaves its own output as it is. It is seeded with the script files.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "SELECT `x`", "SELECT 'a''b', \"c\"\"d\" FROM t /* c */",
		"VALUES 1, 2", "SELECT * FROM (VALUES 1, ROW(2), (3)) t(x)",
		"SELECT x'0A', U&'\\0041', U&'!+01F600' UESCAPE '!'",
		"SELECT CAST(x AS ARRAY(ROW(a bigint, b ARRAY(varchar), MAP(int, timestamp(3) with time zone))))",
		"SELECT IF(a, b), INTERVAL -'1 02:03:04.5' DAY TO SECOND, INTERVAL '1-2' YEAR TO MONTH",
		"SELECT * FROM t TABLESAMPLE BERNOULLI (10) WHERE ts > TIMESTAMP '2024-01-01 00:00 +05:30'",
		"SELECT * FROM t MATCH_RECOGNIZE (ORDER BY a)",
	} {
		f.Add(s)
	}
	if text, err := os.ReadFile("testdata/translate.txt"); err == nil {
		recs, err := readScript("translate.txt", string(text))
		if err != nil {
			f.Fatal(err)
		}
		for _, rec := range recs {
			f.Add(rec.in)
		}
	}
	tr := New()
	f.Fuzz(func(t *testing.T, in string) {
		out, offsets, err := tr.Translate(in)
		if err != nil {
			var se *statement.SyntaxError
			var qe *query.Error
			switch {
			case errors.As(err, &se):
				if se.Offset < 0 || se.Offset > len(in) {
					t.Fatalf("Translate(%q): error offset %d outside the input", in, se.Offset)
				}
			case errors.As(err, &qe):
				if qe.Code != "NOT_SUPPORTED" || qe.Offset < 0 || qe.Offset > len(in) {
					t.Fatalf("Translate(%q): %v at offset %d", in, err, qe.Offset)
				}
			default:
				t.Fatalf("Translate(%q) failed without a SyntaxError or query.Error: %v", in, err)
			}
			return
		}
		for i := 0; i <= len(out); i++ {
			if o := offsets.Original(i); o < 0 || o > len(in) {
				t.Fatalf("Translate(%q): output offset %d maps to %d, outside the input", in, i, o)
			}
		}
		// Translating the output again must not fail in a new way; it need
		// not be a fixed point for nonsense input (the script tests check
		// that real queries are), as passes read each other's output
		// differently (VALUES%LIMIT). FuzzTranslateAndRun in duckengine
		// checks that outputs run or fail clearly.
		if _, _, err := tr.Translate(out); err != nil {
			var se *statement.SyntaxError
			var qe *query.Error
			if !errors.As(err, &se) && !errors.As(err, &qe) {
				t.Fatalf("Translate(%q) = %q, which fails to translate again: %v", in, out, err)
			}
		}
	})
}
