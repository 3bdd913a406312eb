package duckengine

import (
	"context"
	"database/sql"
	"math/big"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
)

// runJSONCast rewrites a one-column query as the walker would (casts and
// function calls) and returns its value as text.
func runJSONCast(t *testing.T, conn *sql.Conn, q string) (*string, error) {
	t.Helper()
	ctx := context.Background()
	out, err := translateForTest(conn.QueryRowContext, q)
	if err != nil {
		return nil, err
	}
	var v sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT CAST(c AS VARCHAR) FROM ("+out+") AS t(c)").Scan(&v); err != nil {
		return nil, err
	}
	if !v.Valid {
		return nil, nil
	}
	return &v.String, nil
}

func TestRewriteJSONCast(t *testing.T) {
	conn := functionsConn(t)
	tests := []struct {
		sql  string
		want string // "NULL" for NULL, "error: text" for an error containing text
	}{
		// Trino docs: JSON functions (cast to JSON)
		{"SELECT CAST(NULL AS JSON)", "NULL"},
		{"SELECT CAST(1 AS JSON)", "1"},
		{"SELECT CAST(9223372036854775807 AS JSON)", "9223372036854775807"},
		{"SELECT CAST('abc' AS JSON)", `"abc"`},
		{"SELECT CAST(true AS JSON)", "true"},
		{"SELECT CAST(1.234 AS JSON)", "1.234"},
		{"SELECT CAST(ARRAY[1, 23, 456] AS JSON)", "[1,23,456]"},
		{"SELECT CAST(ARRAY[1, NULL, 456] AS JSON)", "[1,null,456]"},
		{"SELECT CAST(ARRAY[ARRAY[1, 23], ARRAY[456]] AS JSON)", "[[1,23],[456]]"},
		{"SELECT CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY[1, 23, 456]) AS JSON)", `{"k1":1,"k2":23,"k3":456}`},
		// Trino docs: json_parse (CAST(string AS JSON) is a JSON string)
		{"SELECT CAST('[1, 2, 3]' AS JSON)", `"[1, 2, 3]"`},
		{`SELECT CAST('"abc"' AS JSON)`, `"\"abc\""`},
		{"SELECT CAST(MAP(ARRAY['b', 'a'], ARRAY[1e20, 0.5e0]) AS JSON)", `{"a":0.5,"b":1.0E20}`},
		{"SELECT CAST(CAST(1.5 AS real) AS JSON)", "1.5"},
		{"SELECT CAST(CAST(0.00000001 AS decimal(12,10)) AS JSON)", "1.00E-8"},
		{"SELECT TRY_CAST('a' AS JSON)", `"a"`},
		{"SELECT CAST(CAST(ROW(1, 'a') AS ROW(x integer, y varchar)) AS JSON)", "error: CAST(row AS JSON) is not supported"},
		// Trino docs: json_format (JSON literals hold json_parse's text)
		{`SELECT JSON '{"b": 1, "a": [1, 2]}'`, `{"a":[1,2],"b":1}`},
		{`SELECT json_format(JSON '{"a": 1, "b": 2}')`, `{"a":1,"b":2}`},
		{`SELECT json_extract(JSON '{"b": 1, "a": 2}', '$')`, `{"a":2,"b":1}`},
		// Trino docs: json_format (CAST(json AS VARCHAR))
		{`SELECT CAST(JSON '"abc"' AS VARCHAR)`, "abc"},
		{`SELECT CAST(JSON '42' AS VARCHAR)`, "42"},
		{`SELECT CAST(JSON 'true' AS VARCHAR)`, "true"},
		{`SELECT CAST(JSON 'null' AS VARCHAR)`, "NULL"},
		{`SELECT CAST(JSON '[1, 2, 3]' AS VARCHAR)`, "error: Cannot cast '[1,2,3]' to varchar"},
		{`SELECT CAST(JSON '{"a": 1, "b": 2}' AS VARCHAR)`, `error: Cannot cast '{"a":1,"b":2}' to varchar`},
		{`SELECT CAST(json_extract('{"id": "x7"}', '$.id') AS VARCHAR)`, "x7"},
		{`SELECT CAST(json_extract('{"id": 7}', '$.id') AS varchar(10))`, "7"},
		{`SELECT CAST(json_parse('1.5') AS VARCHAR)`, "error: NOT_SUPPORTED"},
		{`SELECT CAST(CAST('a' AS JSON) AS VARCHAR)`, "a"},
		// Other casts are left to DuckDB.
		{`SELECT CAST('12' AS VARCHAR)`, "12"},
		{`SELECT CAST(json_extract('{"n": 12}', '$.n') AS BIGINT)`, "12"},
	}
	for _, tt := range tests {
		got, err := runJSONCast(t, conn, tt.sql)
		switch {
		case strings.HasPrefix(tt.want, "error: "):
			if err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(tt.want, "error: ")) {
				t.Errorf("%s: error %v, want one containing %q", tt.sql, err, strings.TrimPrefix(tt.want, "error: "))
			}
		case err != nil:
			t.Errorf("%s: %v", tt.sql, err)
		case got == nil:
			if tt.want != "NULL" {
				t.Errorf("%s = NULL, want %s", tt.sql, tt.want)
			}
		case *got != tt.want:
			t.Errorf("%s = %s, want %s", tt.sql, *got, tt.want)
		}
	}
}

func TestJavaNumberStrings(t *testing.T) {
	doubles := map[float64]string{1: "1.0", 0.001: "0.001", 1e7: "1.0E7", 1.5e-7: "1.5E-7", -2.5: "-2.5", 1e20: "1.0E20", 123456.789: "123456.789"}
	for f, want := range doubles {
		if got := query.JavaFloat(f, 64); got != want {
			t.Errorf("query.JavaFloat(%v, 64) = %q, want %q", f, got, want)
		}
	}
	floats := map[float32]string{1.5: "1.5", 0.1: "0.1", 1e10: "1.0E10", 16777216: "1.6777216E7", 3.4028235e38: "3.4028235E38"}
	for f, want := range floats {
		if got := query.JavaFloat(float64(f), 32); got != want {
			t.Errorf("query.JavaFloat(float64(%v), 32) = %q, want %q", f, got, want)
		}
	}
	decimals := []struct {
		unscaled int64
		scale    int
		want     string
	}{
		{1234, 3, "1.234"}, {150, 2, "1.50"}, {-5, 0, "-5"}, {100, 10, "1.00E-8"}, {1, 6, "0.000001"}, {1, 7, "1E-7"}, {0, 2, "0.00"}, {-123, 9, "-1.23E-7"},
	}
	for _, tt := range decimals {
		if got := javaBigDecimalString(big.NewInt(tt.unscaled), tt.scale); got != tt.want {
			t.Errorf("javaBigDecimalString(%d, %d) = %q, want %q", tt.unscaled, tt.scale, got, tt.want)
		}
	}
}

// FuzzRewriteJSONCast checks the text surgery on arbitrary cast operands.
func FuzzRewriteJSONCast(f *testing.F) {
	f.Add("CAST(x AS JSON)")
	f.Add("TRY_CAST( (1 + f(a AS b)) AS JSON )")
	f.Add("CAST('a)' /* AS */ AS JSON)")
	f.Add("CAST(x")
	f.Fuzz(func(t *testing.T, sql string) {
		if len(sql) < 5 {
			return
		}
		open := strings.IndexByte(sql, '(')
		if open < 0 {
			return
		}
		as, closing := castAS(sql, open)
		if as >= 0 && (as <= open || closing <= as || closing >= len(sql) || sql[closing] != ')' || !strings.EqualFold(sql[as:as+2], "as")) {
			t.Fatalf("castAS(%q) = %d, %d", sql, as, closing)
		}
	})
}
