package query_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// resultsEnv runs the queries the results tests read back; each query
// names the case it runs.
func resultsEnv(t *testing.T, cases map[string]querytest.QueryFunc) *querytest.Env {
	t.Helper()
	return fakeEnv(t, &querytest.FakeEngine{QueryFunc: querytest.Switch(cases)})
}

func succeed(t *testing.T, env *querytest.Env, sql string) *query.Execution {
	t.Helper()
	e := waitDone(t, env, startQuery(t, env, sql))
	if e.State != query.StateSucceeded {
		t.Fatalf("%s: state %s: %s", sql, e.State, e.StateChangeReason)
	}
	return e
}

func str(s string) *string { return &s }

// show prints a row with NULL as NULL and strings quoted.
func show(row []*string) string {
	var parts []string
	for _, v := range row {
		if v == nil {
			parts = append(parts, "NULL")
		} else {
			parts = append(parts, strconv.Quote(*v))
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestResultsPagination(t *testing.T) {
	env := resultsEnv(t, map[string]querytest.QueryFunc{
		"seq2500": querytest.Sequence(2500),
		"seq3":    querytest.Sequence(3),
		"seq2000": querytest.Sequence(2000),
		"empty":   querytest.Sequence(0),
	})
	ctx := t.Context()

	t.Run("pages of 1000", func(t *testing.T) {
		e := succeed(t, env, "SELECT * FROM seq2500")
		if e.Statistics.ResultRows != 2500 {
			t.Errorf("ResultRows = %d, want 2500", e.Statistics.ResultRows)
		}
		var sizes []int
		next, token := 1, ""
		for page := 0; ; page++ {
			p, err := env.Service.Results(ctx, e.ID, token, 0)
			if err != nil {
				t.Fatalf("page %d: %v", page, err)
			}
			if len(p.Columns) != 1 || p.Columns[0].Name != "n" {
				t.Fatalf("page %d columns %+v", page, p.Columns)
			}
			sizes = append(sizes, len(p.Rows))
			for _, r := range p.Rows {
				if len(r) != 1 || r[0] == nil || *r[0] != strconv.Itoa(next) {
					t.Fatalf("page %d: row %s, want [%d]", page, show(r), next)
				}
				next++
			}
			if p.NextToken == "" {
				break
			}
			if page > 3 {
				t.Fatal("more pages than expected")
			}
			token = p.NextToken
		}
		if fmt.Sprint(sizes) != "[1000 1000 500]" {
			t.Errorf("page sizes %v, want [1000 1000 500]", sizes)
		}
		// A token can be used again and gives the same page.
		p1, err := env.Service.Results(ctx, e.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		a, err := env.Service.Results(ctx, e.ID, p1.NextToken, 2)
		if err != nil {
			t.Fatal(err)
		}
		b, err := env.Service.Results(ctx, e.ID, p1.NextToken, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Rows) != 2 || *a.Rows[0][0] != "1001" || *b.Rows[0][0] != "1001" || a.NextToken != b.NextToken {
			t.Errorf("repeated page: %v then %v", a.Rows, b.Rows)
		}
	})

	t.Run("max", func(t *testing.T) {
		seq := succeed(t, env, "SELECT * FROM seq2500").ID
		seq3 := succeed(t, env, "SELECT * FROM seq3").ID
		seq2000 := succeed(t, env, "SELECT * FROM seq2000").ID
		tests := []struct {
			name     string
			id       string
			max      int
			rows     int
			wantNext bool
		}{
			{"zero means 1000", seq, 0, 1000, true},
			{"negative means 1000", seq, -5, 1000, true},
			{"over 1000 is 1000", seq, 1001, 1000, true},
			{"far over 1000 is 1000", seq, 1 << 30, 1000, true},
			{"one", seq, 1, 1, true},
			{"999", seq, 999, 999, true},
			{"exactly the rows", seq3, 3, 3, false},
			{"more than the rows", seq3, 10, 3, false},
			{"two rows of three", seq3, 2, 2, true},
			{"exactly 1000 of 2000", seq2000, 1000, 1000, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := env.Service.Results(ctx, tt.id, "", tt.max)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Rows) != tt.rows || (p.NextToken != "") != tt.wantNext {
					t.Errorf("Results(max %d) = %d rows, NextToken %q; want %d rows, a token: %v", tt.max, len(p.Rows), p.NextToken, tt.rows, tt.wantNext)
				}
			})
		}
		t.Run("last of 2000 has no token", func(t *testing.T) {
			p, err := env.Service.Results(ctx, seq2000, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			last, err := env.Service.Results(ctx, seq2000, p.NextToken, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(last.Rows) != 1000 || last.NextToken != "" || *last.Rows[999][0] != "2000" {
				t.Errorf("second page: %d rows, NextToken %q", len(last.Rows), last.NextToken)
			}
		})
	})

	t.Run("no rows", func(t *testing.T) {
		e := succeed(t, env, "SELECT * FROM empty")
		p, err := env.Service.Results(ctx, e.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rows) != 0 || p.NextToken != "" || len(p.Columns) != 1 {
			t.Errorf("page %+v, want one column, no rows, no token", p)
		}
	})

	t.Run("invalid token", func(t *testing.T) {
		id := succeed(t, env, "SELECT * FROM seq3").ID
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, tok := range []string{"garbage!", "%%%", enc("x:5"), enc("o:-1"), enc("o:abc"), enc("o:")} {
			t.Run(tok, func(t *testing.T) {
				_, err := env.Service.Results(ctx, id, tok, 0)
				if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "invalid NextToken") {
					t.Errorf("Results(token %q) = %v, want an Invalid NextToken error", tok, err)
				}
			})
		}
	})
}

func TestResultsValues(t *testing.T) {
	values := []any{
		nil,
		"",
		"NULL",
		"plain",
		"a,b",
		`say "hi"`,
		`""`,
		`"`,
		",",
		"line1\nline2",
		"\n",
		"cr\r\nlf",
		" padded ",
		"日本語",
		`\N`,
	}
	rows := make([][]any, len(values))
	for i, v := range values {
		rows[i] = []any{int64(i), v}
	}
	cols := []query.ResultColumn{{Name: "i", Type: catalog.TypeBigInt}, {Name: "v", Type: catalog.TypeString}}
	env := resultsEnv(t, map[string]querytest.QueryFunc{"values": querytest.Rows(cols, rows...)})
	e := succeed(t, env, "SELECT * FROM values")
	// Read with pages of 2 so that tokens land after quoted newlines.
	var got [][]*string
	token := ""
	for {
		p, err := env.Service.Results(t.Context(), e.ID, token, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Rows...)
		if token = p.NextToken; token == "" {
			break
		}
	}
	if len(got) != len(values) {
		t.Fatalf("%d rows, want %d", len(got), len(values))
	}
	for i, v := range values {
		var want *string
		if v != nil {
			want = str(v.(string))
		}
		if w := []*string{str(strconv.Itoa(i)), want}; show(got[i]) != show(w) {
			t.Errorf("row %d = %s, want %s", i, show(got[i]), show(w))
		}
	}
}

func TestResultsColumns(t *testing.T) {
	dec := catalog.DecimalOf(12, 3)
	cols := []query.ResultColumn{
		{Name: "ID", Type: catalog.TypeBigInt},
		{Name: "i", Type: catalog.TypeInt},
		{Name: "si", Type: catalog.Type{Kind: catalog.SmallInt}},
		{Name: "ti", Type: catalog.Type{Kind: catalog.TinyInt}},
		{Name: "d", Type: catalog.TypeDouble},
		{Name: "r", Type: catalog.Type{Kind: catalog.Float}},
		{Name: "amount", Type: dec},
		{Name: "s", Type: catalog.TypeString},
		{Name: "code", Type: catalog.Type{Kind: catalog.Varchar, Length: 10}},
		{Name: "c", Type: catalog.Type{Kind: catalog.Char, Length: 2}},
		{Name: "ok", Type: catalog.TypeBoolean},
		{Name: "day", Type: catalog.TypeDate},
		{Name: "ts", Type: catalog.TypeTimestamp},
		{Name: "bin", Type: catalog.Type{Kind: catalog.Binary}},
		{Name: "tags", Type: catalog.ArrayOf(catalog.TypeString)},
		{Name: "m", Type: catalog.MapOf(catalog.TypeString, catalog.TypeInt)},
		{Name: "rec", Type: catalog.StructOf(catalog.Field{Name: "a", Type: catalog.TypeInt}, catalog.Field{Name: "b", Type: catalog.ArrayOf(catalog.TypeString)})},
	}
	row := []any{
		int64(1), int64(2), int64(3), int64(4), 0.1, float64(float32(0.1)), query.Decimal("12.500"),
		"text", "abc", "xy", true,
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 13, 4, 5, 120_000_000, time.UTC),
		[]byte{0xca, 0xfe},
		[]any{"a", nil},
		&query.MapValue{Keys: []any{"k"}, Values: []any{int64(7)}},
		[]any{int64(1), []any{"x"}},
	}
	env := resultsEnv(t, map[string]querytest.QueryFunc{"typed": querytest.Rows(cols, row)})
	e := succeed(t, env, "SELECT * FROM typed")
	p, err := env.Service.Results(t.Context(), e.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, typ, full string
		precision       int
		scale           int
		caseSensitive   bool
		value           string
	}{
		{"id", "bigint", "bigint", 19, 0, false, "1"},
		{"i", "integer", "integer", 10, 0, false, "2"},
		{"si", "smallint", "smallint", 5, 0, false, "3"},
		{"ti", "tinyint", "tinyint", 3, 0, false, "4"},
		{"d", "double", "double", 17, 0, false, "0.1"},
		{"r", "real", "real", 10, 0, false, "0.1"},
		{"amount", "decimal", "decimal(12,3)", 12, 3, false, "12.500"},
		{"s", "varchar", "varchar", 2147483647, 0, true, "text"},
		{"code", "varchar", "varchar(10)", 10, 0, true, "abc"},
		{"c", "char", "char(2)", 2, 0, true, "xy"},
		{"ok", "boolean", "boolean", 0, 0, false, "true"},
		{"day", "date", "date", 0, 0, false, "2024-02-29"},
		{"ts", "timestamp", "timestamp(3)", 3, 0, false, "2024-02-29 13:04:05.120"},
		{"bin", "varbinary", "varbinary", 2147483647, 0, false, "ca fe"},
		{"tags", "array", "array(varchar)", 0, 0, false, "[a, null]"},
		{"m", "map", "map(varchar, integer)", 0, 0, false, "{k=7}"},
		{"rec", "row", "row(a integer, b array(varchar))", 0, 0, false, "{a=1, b=[x]}"},
	}
	if len(p.Columns) != len(tests) || len(p.Rows) != 1 {
		t.Fatalf("%d columns and %d rows, want %d and 1", len(p.Columns), len(p.Rows), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := query.ColumnInfo{
				CatalogName: "hive", Name: tt.name, Label: tt.name, Type: tt.typ, FullType: tt.full,
				Precision: tt.precision, Scale: tt.scale, Nullable: "UNKNOWN", CaseSensitive: tt.caseSensitive,
			}
			if p.Columns[i] != want {
				t.Errorf("column %d\n got %+v\nwant %+v", i, p.Columns[i], want)
			}
			if v := p.Rows[0][i]; v == nil || *v != tt.value {
				t.Errorf("value %s, want %q", show([]*string{v}), tt.value)
			}
		})
	}
}

func TestResultsNotFinished(t *testing.T) {
	started := make(chan string, 1)
	eng := &querytest.FakeEngine{QueryFunc: querytest.Block(started, nil)}
	env := fakeEnv(t, eng, func(o *query.Options) { o.MaxConcurrent = 1 })
	running := startQuery(t, env, "SELECT 1")
	receive(t, started, "the query to start")
	queued := startQuery(t, env, "SELECT 2")
	failed := startQuery(t, env, "SELEC 3")
	cancelled := startQuery(t, env, "SELECT 4")
	if err := env.Service.Cancel(t.Context(), cancelled); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id string
		want     []string
	}{
		{"running", running, []string{"has not yet finished", "RUNNING"}},
		{"queued", queued, []string{"has not yet finished", "QUEUED"}},
		{"failed", failed, []string{"did not succeed", "FAILED", "SYNTAX_ERROR"}},
		{"cancelled", cancelled, []string{"did not succeed", "CANCELLED", "Query cancelled by user"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := env.Service.Results(t.Context(), tt.id, "", 0)
			if !errors.Is(err, query.ErrNotFinished) || !errors.Is(err, errs.Conflict) {
				t.Fatalf("Results = %+v, %v; want ErrNotFinished", p, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
