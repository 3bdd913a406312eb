package duckengine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/weirdata/weir/internal/query"
)

func TestArraySequenceLength(t *testing.T) {
	tests := []struct {
		name              string
		start, stop, step int64
		want              int
		err               string
	}{
		{"up", 1, 5, 1, 5, ""},
		{"down", 5, 1, -1, 5, ""},
		{"stride", 1, 10, 3, 4, ""},
		{"stride short", 1, 9, 3, 3, ""},
		{"one", 3, 3, 1, 1, ""},
		{"one down", 3, 3, -1, 1, ""},
		{"zero step", 1, 5, 0, 0, "step must not be zero"},
		{"wrong way", 1, 5, -1, 0, "sequence stop value should be greater"},
		{"wrong way down", 5, 1, 1, 0, "sequence stop value should be greater"},
		{"10000", 1, 10000, 1, 10000, ""},
		{"10001", 1, 10001, 1, 0, "must not have more than 10000 entries"},
		{"huge", -1 << 63, 1<<63 - 1, 1, 0, "must not have more than 10000 entries"},
		{"huge down", 1<<63 - 1, -1 << 63, -1 << 63, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := arraySequenceLength(tt.start, tt.stop, tt.step)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("= %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		t, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		panic(err)
	}
	return t
}

func TestArrayMonths(t *testing.T) {
	between := []struct {
		a, b string
		want int64
	}{
		{"2024-01-15", "2024-05-01", 3},
		{"2024-01-15", "2024-05-15", 4},
		{"2024-01-31", "2024-02-29", 1}, // the last day of February is a whole month on
		{"2024-01-31", "2024-02-28", 0},
		{"2024-01-30", "2024-02-29", 1},
		{"2024-03-31", "2024-04-30", 1},
		{"2024-05-01", "2024-01-15", -3},
		{"2024-01-15 10:00:00", "2024-02-15 09:59:59", 0},
		{"2024-01-15 10:00:00", "2024-02-15 10:00:00", 1},
		{"2023-11-15", "2024-11-15", 12},
	}
	for _, tt := range between {
		if got := arrayMonthsBetween(date(tt.a), date(tt.b)); got != tt.want {
			t.Errorf("monthsBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	plus := []struct {
		a      string
		months int64
		want   string
	}{
		{"2024-01-31", 1, "2024-02-29"},
		{"2024-01-31", 2, "2024-03-31"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2024-01-15", -13, "2022-12-15"},
		{"2024-12-15", 1, "2025-01-15"},
		{"2024-01-15 10:30:00", 6, "2024-07-15 10:30:00"},
	}
	for _, tt := range plus {
		want := date(tt.want)
		if got := arrayPlusMonths(date(tt.a), tt.months); !got.Equal(want) {
			t.Errorf("plusMonths(%s, %d) = %v, want %v", tt.a, tt.months, got, want)
		}
	}
}

func TestArrayMonthSequence(t *testing.T) {
	got, err := arrayMonthSequence(date("2024-01-31"), date("2024-04-30"), 1)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, v := range got {
		s = append(s, v.(time.Time).Format("2006-01-02"))
	}
	// Each counted from the start: the 31st comes back in March.
	if want := "2024-01-31 2024-02-29 2024-03-31 2024-04-30"; strings.Join(s, " ") != want {
		t.Errorf("= %v, want %s", s, want)
	}
	if _, err := arrayMonthSequence(date("2024-01-01"), date("2023-01-01"), 1); err == nil || !strings.Contains(err.Error(), "sequence stop value") {
		t.Errorf("backwards: err = %v", err)
	}
	if _, err := arrayMonthSequence(date("2024-01-01"), date("3024-01-01"), 1); err == nil || !strings.Contains(err.Error(), "10000 entries") {
		t.Errorf("long: err = %v", err)
	}
}

func TestArrayJavaString(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{1.5, "1.5"},
		{2.0, "2.0"},
		{1e20, "1.0E20"},
		{0.001, "0.001"},
		{0.0001, "1.0E-4"},
		{1e7, "1.0E7"},
		{9999999.0, "9999999.0"},
		{math.Copysign(0, -1), "-0.0"},
		{float32(0.1), "0.1"},
		{float32(1e10), "1.0E10"},
	}
	for _, tt := range tests {
		got, err := arrayJavaString(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("javaString(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := arrayJavaString("x"); err == nil {
		t.Error("javaString of a string: no error")
	}
}

func TestUnnestCheck(t *testing.T) {
	tests := []struct {
		name       string
		aliases    int
		ordinality bool
		depth      int
		types      []string
		err        string
	}{
		{"array", 1, false, 1, []string{"INTEGER[]"}, ""},
		{"array no aliases", 0, false, 2, []string{"INTEGER[]"}, ""},
		{"map", 2, false, 2, []string{"MAP(VARCHAR, INTEGER)"}, ""},
		{"map one alias", 1, false, 1, []string{"MAP(VARCHAR, INTEGER)"}, "Column alias list has 1 entries but 't' has 2 columns available"},
		{"rows", 2, false, 2, []string{`STRUCT(x VARCHAR, "y z" INTEGER)[]`}, ""},
		{"rows one alias", 1, false, 1, []string{`STRUCT(x VARCHAR, y INTEGER)[]`}, "has 1 entries but 't' has 2 columns"},
		{"single field row", 1, false, 1, []string{`STRUCT(a INTEGER)[]`}, "NOT_SUPPORTED: UNNEST of array(row(a integer))"},
		{"array of arrays", 1, false, 1, []string{"INTEGER[][]"}, ""},
		{"array of arrays expanded", 0, false, 2, []string{"INTEGER[][]"}, "NOT_SUPPORTED: UNNEST of array(array(integer))"},
		{"fixed arrays expanded", 0, false, 2, []string{"INTEGER[2][]"}, "NOT_SUPPORTED"},
		{"ordinality", 3, true, 2, []string{"MAP(VARCHAR, INTEGER)"}, ""},
		{"ordinality miscounted", 2, true, 1, []string{"MAP(VARCHAR, INTEGER)"}, "has 2 entries but 't' has 3 columns"},
		{"several", 3, false, 2, []string{"INTEGER[]", "MAP(INTEGER, VARCHAR)"}, ""},
		{"scalar", 1, false, 1, []string{"INTEGER"}, "Cannot unnest type: integer"},
		{"row", 1, false, 1, []string{"STRUCT(a INTEGER)"}, "Cannot unnest type: row(a integer)"},
		{"null", 1, false, 1, []string{`"NULL"`}, "Cannot unnest type: unknown"},
		{"garbage", 1, false, 1, []string{"UNION(a INTEGER)"}, "NOT_SUPPORTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := unnestCheck("t", tt.aliases, tt.ordinality, tt.depth, tt.types)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestArrayScanArgs(t *testing.T) {
	tests := []struct {
		sql     string // scanned from after the first '('
		commas  int
		closing string // the text from the closing parenthesis on
		ok      bool
	}{
		{"f(a, b)", 1, ")", true},
		{"f(a, g(b, c), [1, 2], {'x': 1}) AS t", 3, ") AS t", true},
		{"f('a,)', \"b,)\") x", 1, ") x", true},
		{"f('it''s', 1)", 1, ")", true},
		{"f(a -- c, )\n, b)", 1, ")", true},
		{"f(a /* ,) */, b)", 1, ")", true},
		{"f(a, b", 0, "", false},
		{"f(a, b]", 0, "", false},
		{"f(a, (b)", 0, "", false},
		{"f('unterminated)", 0, "", false},
		{"f()", 0, ")", true},
	}
	for _, tt := range tests {
		open := strings.IndexByte(tt.sql, '(')
		commas, closing, ok := arrayScanArgs(tt.sql, open+1)
		if ok != tt.ok {
			t.Errorf("%q: ok = %v", tt.sql, ok)
			continue
		}
		if !ok {
			continue
		}
		if len(commas) != tt.commas || tt.sql[closing:] != tt.closing {
			t.Errorf("%q: commas %v, closing at %q", tt.sql, commas, tt.sql[closing:])
		}
	}
}

// rewriteForTest parses sql with DuckDB and rewrites it as the planner
// does (analyze: every family's rules, subscripts, UNNEST).
func rewriteForTest(t testing.TB, q func(ctx context.Context, query string, args ...any) *sql.Row, sql string) (string, error) {
	t.Helper()
	if !utf8.ValidString(sql) {
		return "", errSkip // DuckDB cannot take it as a parameter
	}
	return translateForTest(q, sql)
}

// translateForTest rewrites sql as the planner does, without resolving
// tables; a query DuckDB cannot parse is errSkip.
func translateForTest(q func(ctx context.Context, query string, args ...any) *sql.Row, text string) (string, error) {
	a, err := analyze(context.Background(), func(ctx context.Context, args ...any) *sql.Row {
		return q(ctx, serializeSQL, args...)
	}, text)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) && qe.Code == "SYNTAX_ERROR" {
			return "", errSkip
		}
		return "", err
	}
	out, _, err := a.edits.Apply(text)
	return out, err
}

type skipError struct{}

func (skipError) Error() string { return "skip" }

var errSkip error = skipError{}

func TestArrayRewriteText(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		sql, want string
	}{
		{
			"SELECT zip_with(a, b, (x, y) -> x + y.f + t.x) FROM t",
			"SELECT weir_zip_with(a, b, __weir_l29 -> __weir_l29.f1 + __weir_l29.f2.f + t.x) FROM t",
		},
		{
			// The inner lambda's x shadows the outer one.
			"SELECT map_filter(m, (k, v) -> any_match(v, k -> k > 0) AND k <> 'a') FROM t",
			"SELECT weir_map_filter(m, __weir_l28 -> weir_any_match(__weir_l28.f2, k -> k > 0) AND __weir_l28.f1 <> 'a') FROM t",
		},
		{
			"SELECT reduce(a, 0, (s, x) -> s + x, s -> s)",
			"SELECT weir_reduce(a, 0, (__weir_l27_s, __weir_l27_x) -> {'f1': ( __weir_l27_s.f1 + __weir_l27_x.f2), 'f2': __weir_l27_x.f2}, s -> s)",
		},
		{
			`SELECT array_sort(a, ("x", y) -> IF("X" < y, 1, -1))`,
			`SELECT weir_array_sort(a, __weir_l30 -> IF(__weir_l30.f1 < __weir_l30.f2, 1, -1))`,
		},
		{
			"SELECT * FROM t CROSS JOIN UNNEST(t.a, sequence(1, 3)) WITH ORDINALITY AS u(x, y, n)",
			"SELECT * FROM t CROSS JOIN (SELECT unnest(__weir_l1, max_depth := 1) AS _col0, unnest(__weir_l2, max_depth := 1) AS _col1, unnest(range(1, greatest(len(__weir_l1), len(__weir_l2)) + 1)) AS _col2 FROM (SELECT weir_unnest_list(__weir_u1) AS __weir_l1, weir_unnest_list(__weir_u2) AS __weir_l2 FROM (SELECT t.a AS __weir_u1,  weir_sequence(1, 3) AS __weir_u2) WHERE weir_unnest_check('u', 3, true, 1, typeof(__weir_u1), typeof(__weir_u2))))  AS u(x, y, n)",
		},
		{
			"SELECT * FROM UNNEST(m) AS t(k, v)",
			"SELECT * FROM (SELECT unnest(__weir_l1, max_depth := 2) AS _col0 FROM (SELECT weir_unnest_list(__weir_u1) AS __weir_l1 FROM (SELECT m AS __weir_u1) WHERE weir_unnest_check('t', 2, false, 2, typeof(__weir_u1)))) AS t(k, v)",
		},
	}
	for _, tt := range tests {
		got, err := rewriteForTest(t, db.QueryRowContext, tt.sql)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		if tt.want == "" {
			continue
		}
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.sql, got, tt.want)
		}
	}
}

func TestArrayRewriteErrors(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		sql, err string
	}{
		{"SELECT transform(a, (x, i) -> x + i)", "expected a lambda that takes 1 argument(s) but got 2"},
		{"SELECT map_filter(m, k -> true)", "expected a lambda that takes 2 argument(s) but got 1"},
		{"SELECT zip_with(a, b, c)", "argument 3 must be a lambda expression"},
		{"SELECT cardinality(a, b)", "Unexpected parameters for function cardinality"},
		{"SELECT map_concat(m)", "There must be two or more"},
		{"SELECT zip(a)", "Unexpected parameters for function zip"},
	}
	for _, tt := range tests {
		_, err := rewriteForTest(t, db.QueryRowContext, tt.sql)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want %q", tt.sql, err, tt.err)
		}
	}
}

func TestArrayUDFs(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for name, fns := range arrayFunctions.udfs {
		if err := duckdb.RegisterScalarUDFSet(conn, name, fns...); err != nil {
			t.Fatalf("register %s: %v", name, err)
		}
	}
	tests := []struct {
		sql, want string
	}{
		{"SELECT weir_cardinality_any([1, 2, 3])", "3"},
		{"SELECT weir_cardinality_any(MAP([1], [2]))", "1"},
		{"SELECT weir_cardinality_any([])", "0"},
		{"SELECT weir_join_strings(['a', NULL, 'b'], '-')", "a-b"},
		{"SELECT weir_join_strings(['a', NULL, 'b'], '-', 'x')", "a-x-b"},
		{"SELECT weir_join_strings([NULL], '-')", ""},
		{"SELECT weir_java_string(1e20::DOUBLE)", "1.0E20"},
		{"SELECT weir_sequence(1, 3)::VARCHAR", "[1, 2, 3]"},
		{"SELECT weir_sequence(DATE '2024-01-30', DATE '2024-02-01')::VARCHAR", "[2024-01-30, 2024-01-31, 2024-02-01]"},
		{"SELECT weir_sequence(DATE '2024-01-31', DATE '2024-03-31', INTERVAL 1 MONTH)::VARCHAR", "[2024-01-31, 2024-02-29, 2024-03-31]"},
		{"SELECT weir_sequence(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:00:01', INTERVAL 500 MILLISECOND)::VARCHAR", "['2024-01-01 00:00:00', '2024-01-01 00:00:00.5', '2024-01-01 00:00:01']"},
		{"SELECT weir_unnest_check('t', 1, false, 1, 'INTEGER[]')", "true"},
	}
	for _, tt := range tests {
		var got string
		if err := conn.QueryRowContext(ctx, tt.sql).Scan(&got); err != nil {
			t.Errorf("%s: %v", tt.sql, plainError(err))
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.sql, got, tt.want)
		}
	}
	errs := []struct {
		sql, err string
	}{
		{"SELECT weir_cardinality_any('abc')", "Unexpected parameters for function cardinality"},
		{"SELECT weir_sequence(DATE '2024-01-01', DATE '2024-02-01', INTERVAL '1 month 1 day')", "NOT_SUPPORTED"},
		{"SELECT weir_sequence(TIMESTAMPTZ '2024-01-01 00:00:00+00', TIMESTAMPTZ '2024-01-02 00:00:00+00', INTERVAL 1 HOUR)", "NOT_SUPPORTED"},
		{"SELECT weir_unnest_check('t', 2, false, 1, 'INTEGER[]')", "Column alias list has 2 entries"},
	}
	for _, tt := range errs {
		var got any
		err := conn.QueryRowContext(ctx, tt.sql).Scan(&got)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err = %v, want %q", tt.sql, err, tt.err)
		}
	}
}

func TestArraySubscript(t *testing.T) {
	ctx := context.Background()
	conn := functionsConn(t)
	texts := []struct{ sql, want string }{
		{"SELECT (a || b)[1], arr[1][i + 1], f(x)[(2)], m['k'] FROM t",
			"SELECT weir_subscript((a || b), 1), weir_subscript(weir_subscript(arr, 1), i + 1), weir_subscript(f(x), (2)), weir_subscript(m, 'k') FROM t"},
		{"SELECT CAST(x AS INT[])[1], \"a[\"[2], 'x[' || s[3] FROM t",
			"SELECT weir_subscript(CAST(x AS INT[]), 1), weir_subscript(\"a[\", 2), 'x[' || weir_subscript(s, 3) FROM t"},
		{"SELECT transform(a, x -> x[1])", "SELECT list_transform(a, x -> weir_subscript(x, 1))"},
	}
	for _, tt := range texts {
		got, err := rewriteForTest(t, conn.QueryRowContext, tt.sql)
		if err != nil || got != tt.want {
			t.Errorf("%s\n got %s (%v)\nwant %s", tt.sql, got, err, tt.want)
		}
	}
	runs := []struct{ sql, want, err string }{
		{"SELECT [10, 20, 30][2]", "20", ""},
		{"SELECT [10, NULL][2]", "<nil>", ""},
		{"SELECT [10, 20, 30][4]", "", "Array subscript must be less than or equal to array length: 4 > 3"},
		{"SELECT [10, 20, 30][0]", "", "SQL array indices start at 1"},
		{"SELECT [10, 20, 30][-1]", "", "Array subscript is negative: -1"},
		{"SELECT MAP(['a'], [1])['a']", "1", ""},
		{"SELECT MAP(['a'], [NULL::INT])['a']", "<nil>", ""},
		{"SELECT MAP(['a'], [1])['b']", "", "Key not present in map: b"},
		{"SELECT MAP([1.5::DOUBLE, 2], ['x', 'y'])[2]", "y", ""},
		{"SELECT MAP([10::BIGINT], ['x'])[10]", "x", ""},
		{"SELECT MAP([10::TINYINT], ['x'])[11]", "", "Key not present in map: 11"},
		{"SELECT CAST(NULL AS INT[])[1]", "<nil>", ""},
		{"SELECT [[1, 2], [3]][2][1]", "3", ""},
		{"SELECT {'x': 5}['x']", "", "len(STRUCT"}, // not Trino syntax
		{"SELECT max(a)[1] FROM (VALUES ([7, 8])) t(a)", "7", ""},
		{"SELECT (SELECT t.a[2]) FROM (VALUES ([7, 8])) t(a)", "8", ""},
	}
	for _, tt := range runs {
		q, err := rewriteForTest(t, conn.QueryRowContext, tt.sql)
		if err != nil {
			t.Errorf("%s: %v", tt.sql, err)
			continue
		}
		var got any
		err = conn.QueryRowContext(ctx, q).Scan(&got)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", q, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", q, plainError(err))
		case fmt.Sprint(got) != tt.want:
			t.Errorf("%s = %v, want %s", q, got, tt.want)
		}
	}
}
