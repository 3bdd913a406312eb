package duckengine

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/dialect"
	"github.com/weirdata/weir/internal/query/querytest"
)

// fastParseCases are queries the fast parser must accept (and, like every
// query it accepts, parse exactly as DuckDB does): the shapes of ETL SQL.
var fastParseCases = []string{
	"SELECT 1",
	"SELECT a, b AS c, \"D\" e, t.f FROM t",
	"SELECT * FROM db.t AS x WHERE x.a = 1 AND b IN ('a', 'b') OR c IS NULL",
	"SELECT t.*, u.a FROM t JOIN u ON t.id = u.id LEFT JOIN v USING (id) CROSS JOIN w, z",
	"SELECT a FROM t LEFT OUTER JOIN u ON true RIGHT JOIN v ON false FULL JOIN w ON 1 = 1 INNER JOIN y ON a",
	"SELECT count(*), count(DISTINCT a), sum(b) total, avg(c) FROM t GROUP BY d, e HAVING count(*) > 1",
	"SELECT DISTINCT a FROM t WHERE 1 = 1 ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5",
	"WITH c(x, y) AS (SELECT 1, 2), d AS (SELECT 3) SELECT x FROM c, d",
	"SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v ORDER BY 1 LIMIT 3",
	"SELECT a FROM t INTERSECT SELECT b FROM u EXCEPT SELECT c FROM v",
	"SELECT 1.5, 0.5, 00.5, 1.50, 12345678901234567.8, -2147483648, 2147483648, 9223372036854775807, 007, -1, - 2, -(3), -(-4), -(1 + 2)",
	"SELECT 'it''s', '', NULL, TRUE, FALSE, -x, a || b || c, a + b * c - d / e % f, (a + b) * c",
	"SELECT a = b, a <> b, a != b, a < b, a > b, a <= b, a >= b, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b",
	"SELECT a BETWEEN 1 AND 2, a NOT BETWEEN 1 AND 2, a LIKE 'x%', a NOT LIKE 'y', a ILIKE 'z', a NOT ILIKE 'w', a NOT IN (1, 2), a IS NOT NULL",
	"SELECT NOT a, NOT (a AND b), NOT f(x), a AND NOT b, a AND (b AND c) AND d OR e",
	"SELECT a || b = c, a = b BETWEEN 1 AND 2, a = b IS NULL",
	"SELECT CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END, CASE a WHEN 1 THEN 2 END",
	"SELECT CAST(a AS VARCHAR), CAST(a AS VARCHAR(10)), CAST(a AS DECIMAL(10, 2)), TRY_CAST(a AS BIGINT), CAST(a AS DOUBLE), CAST(a AS INTEGER), CAST(a AS INT), CAST(a AS DATE), CAST(a AS TIMESTAMP), CAST(a AS REAL), CAST(a AS BOOLEAN), CAST(a AS SMALLINT), CAST(a AS TINYINT)",
	"SELECT row_number() OVER (), rank() OVER (ORDER BY a), dense_rank() OVER (PARTITION BY b ORDER BY a), sum(x) OVER (PARTITION BY a ORDER BY b ASC)",
	"SELECT max(x) OVER (ORDER BY b ROWS UNBOUNDED PRECEDING), min(x) OVER (ORDER BY b RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), avg(x) OVER (ORDER BY b ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
	"SELECT * FROM (SELECT a FROM t) AS s(b) WHERE a IN (SELECT 1) AND EXISTS (SELECT 1) AND x = (SELECT max(y) FROM u)",
	"SELECT * FROM (SELECT a FROM t) s JOIN (SELECT b FROM u) ON true",
	"SELECT year(ts) AS year, month(ts) as month, day(ts) day_, hour(ts) AS hour FROM t;",
	"SELECT date_format(ts, '%Y-%m-%d'), from_iso8601_timestamp(s), regexp_extract(s, '(\\d+)', 1) FROM t -- comment",
	"SELECT a FROM s.t WHERE a = -1 AND b <= -2.5 AND c LIKE '%x' AND d NOT IN ('p', 'q')",
	"SELECT a FROM c.s.t",
}

// fastParseCorpus is every query the fast parser is checked on: the cases
// above, seed 000's query, and the script tests' queries.
func fastParseCorpus(tb testing.TB) []string {
	out := append([]string{seedQuery(), demoInsertSelect()}, fastParseCases...)
	return append(out, scriptQueries(tb)...)
}

func demoInsertSelect() string { return seedQuery() }

// checkFastParse compares the fast parser with DuckDB's on sql: when the
// fast parser accepts sql, DuckDB must too, with an equal tree.
func checkFastParse(t *testing.T, e *Engine, sql string) (accepted bool) {
	t.Helper()
	fast, ok := fastParse(sql)
	if !ok {
		return false
	}
	duck, err := serialize(context.Background(), e.serialize.QueryRowContext, sql, true)
	if err != nil {
		t.Errorf("fast parser accepts what DuckDB rejects (%v):\n%s", err, sql)
		return true
	}
	if !reflect.DeepEqual(fast, duck) {
		t.Errorf("fast parser's tree differs from DuckDB's at %s:\n%s", treeDiff("", fast, duck), sql)
	}
	return true
}

// treeDiff describes the first difference between two trees.
func treeDiff(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: fast %s, duckdb %s", path, brief(a), brief(b))
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if !reflect.DeepEqual(x[k], y[k]) {
				return treeDiff(path+"/"+k, x[k], y[k])
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: fast %s, duckdb %s", path, brief(a), brief(b))
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				return treeDiff(fmt.Sprintf("%s/%d", path, i), x[i], y[i])
			}
		}
	}
	return fmt.Sprintf("%s: fast %s, duckdb %s", path, brief(a), brief(b))
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 400 {
		b = append(b[:400], "..."...)
	}
	return string(b)
}

func TestFastParseMatchesDuckDB(t *testing.T) {
	e := openTestEngine(t, querytest.Dirs{Lake: t.TempDir(), Staging: t.TempDir(), Temp: t.TempDir()})
	tr := dialect.New()
	for _, q := range fastParseCases {
		out, _, err := tr.Translate(q)
		if err != nil {
			t.Fatalf("Translate(%q): %v", q, err)
		}
		if !checkFastParse(t, e, out) {
			t.Errorf("fast parser declines:\n%s", out)
		}
	}
	if !checkFastParse(t, e, must(tr.Translate(seedQuery()))) {
		t.Errorf("fast parser declines seed 000's query")
	}
	accepted, total := 0, 0
	for _, q := range scriptQueries(t) {
		out, _, err := tr.Translate(q)
		if err != nil {
			continue
		}
		total++
		if checkFastParse(t, e, out) {
			accepted++
		}
	}
	t.Logf("fast parser accepts %d of %d script queries", accepted, total)
}

func must(s string, _ any, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// FuzzFastParse holds the fast parser to DuckDB's parser on random and
// mutated SQL: whatever it accepts, DuckDB parses to the same tree.
func FuzzFastParse(f *testing.F) {
	for _, q := range fastParseCorpus(f) {
		f.Add(q)
	}
	e := openTestEngine(f, querytest.Dirs{Lake: f.TempDir(), Staging: f.TempDir(), Temp: f.TempDir()})
	f.Fuzz(func(t *testing.T, sql string) {
		if !utf8.ValidString(sql) {
			return // analyze refuses it before parsing
		}
		checkFastParse(t, e, sql)
	})
}

func TestFastParseKeywords(t *testing.T) {
	e := openTestEngine(t, querytest.Dirs{Lake: t.TempDir(), Staging: t.TempDir(), Temp: t.TempDir()})
	rows, err := e.db.Query("SELECT keyword_name, keyword_category FROM duckdb_keywords()")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	kinds := map[string]keywordKind{
		"unreserved": keywordUnreserved, "column_name": keywordColumnName,
		"type_function": keywordTypeFunction, "reserved": keywordReserved,
	}
	n := 0
	for rows.Next() {
		var word, cat string
		if err := rows.Scan(&word, &cat); err != nil {
			t.Fatal(err)
		}
		n++
		if got := duckKeywords[word]; got != kinds[cat] {
			t.Errorf("keyword %q: table says %d, DuckDB says %s", word, got, cat)
		}
	}
	if n != len(duckKeywords) {
		t.Errorf("DuckDB has %d keywords, the table %d", n, len(duckKeywords))
	}
}

// TestFastParseFunctionNames calls every function DuckDB knows (weir's
// macros and Go functions included, and every word DuckDB does not
// reserve) with zero to four arguments, to find
// the calls DuckDB's parser turns into something else.
func TestFastParseFunctionNames(t *testing.T) {
	e := openTestEngine(t, querytest.Dirs{Lake: t.TempDir(), Staging: t.TempDir(), Temp: t.TempDir()})
	rows, err := e.db.Query("SELECT DISTINCT function_name FROM duckdb_functions() ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	if len(names) < 500 {
		t.Fatalf("only %d functions", len(names))
	}
	names = append(names, "if", "ifnull", "try", "unnest", "date", "Date")
	for w, k := range duckKeywords {
		if k == keywordUnreserved {
			names = append(names, w)
		}
	}
	for _, n := range names {
		for _, args := range []string{"()", "(a)", "(a, b)", "(a, b, c)", "(a, b, c, d)"} {
			checkFastParse(t, e, "SELECT "+n+args)
		}
	}
}
