package duckengine

import (
	"database/sql/driver"
	"math/big"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

func TestAggModifiers(t *testing.T) {
	tests := []struct {
		sql             string
		orderBy, filter bool
	}{
		{"SELECT sum(x) FROM t", false, false},
		{"SELECT sum(x) FILTER (WHERE x > 1) FROM t", false, true},
		{"SELECT sum(x)\n  filter(where x > 1) FROM t", false, true},
		{"SELECT array_agg(x ORDER BY y) FROM t", true, false},
		{"SELECT array_agg(x order  by y) filter (where y) FROM t", true, true},
		{"SELECT array_agg(f(x, (SELECT 1 ORDER BY 1))) FROM t", false, false},
		{"SELECT sum(x /* ORDER BY */ + 1) -- FILTER\n FROM t", false, false},
		{"SELECT sum(x) /* c */ FILTER (WHERE true) FROM t", false, true},
		{`SELECT sum("order by") FROM t`, false, false},
		{"SELECT sum(')' || x) FROM t", false, false},
		{"SELECT sum(x) filtered FROM t", false, false},
		{"SELECT sum(x) AS filter FROM t", false, false},
		{"SELECT sum(x ordering) FROM t", false, false},
		{"SELECT sum(x", false, false},
	}
	for _, tt := range tests {
		c := &funcCall{name: "f", sql: tt.sql, offset: callNameOffset(tt.sql)}
		orderBy, filter := aggModifiers(c)
		if orderBy != tt.orderBy || filter != tt.filter {
			t.Errorf("aggModifiers(%q) = %v, %v, want %v, %v", tt.sql, orderBy, filter, tt.orderBy, tt.filter)
		}
	}
}

// callNameOffset is where the name of the first call in sql starts.
func callNameOffset(sql string) int {
	i := strings.IndexByte(sql, '(')
	for i > 0 && isIdentStart(sql[i-1]) {
		i--
	}
	return i
}

func TestDivRoundHalfUp(t *testing.T) {
	tests := []struct {
		sum  int64
		n    int64
		want int64
	}{
		{5, 3, 2}, {4, 3, 1}, {3, 2, 2}, {-3, 2, -2}, {-5, 3, -2}, {1, 2, 1}, {-1, 2, -1}, {1, 3, 0}, {0, 7, 0}, {7, 1, 7},
	}
	for _, tt := range tests {
		if got := divRoundHalfUp(big.NewInt(tt.sum), tt.n); got.Int64() != tt.want {
			t.Errorf("divRoundHalfUp(%d, %d) = %s, want %d", tt.sum, tt.n, got, tt.want)
		}
	}
}

func TestAggAvgText(t *testing.T) {
	dec := duckdb.Decimal{Width: 10, Scale: 2, Value: big.NewInt(150)}
	tests := []struct {
		name string
		args []driver.Value
		want any
	}{
		{"decimal", []driver.Value{1.6667, "5.00", int64(3), dec}, "1.67"},
		{"decimal negative", []driver.Value{-0.015, "-0.03", int64(2), dec}, "-0.02"},
		{"decimal scale 0", []driver.Value{1.5, "3", int64(2), dec}, "2"},
		{"decimal tiny", []driver.Value{0.0, "0.01", int64(3), dec}, "0.00"},
		{"double", []driver.Value{1.0 / 3, "1", int64(3), 1.0}, "0.3333333333333333"},
		{"integer", []driver.Value{2.5, "5", int64(2), int32(1)}, "2.5"},
		{"real", []driver.Value{5.0 / 3, "5", int64(3), float32(1)}, "1.6666666"},
	}
	for _, tt := range tests {
		got, err := aggAvgText(tt.args)
		if err != nil || got != tt.want {
			t.Errorf("%s: aggAvgText = %#v, %v, want %#v", tt.name, got, err, tt.want)
		}
	}
}

func TestAggSumCheck(t *testing.T) {
	max := new(big.Int).SetInt64(1<<63 - 1)
	over := new(big.Int).Add(max, big.NewInt(1))
	if ok, err := aggSumCheck([]driver.Value{max, int64(1)}); ok != true || err != nil {
		t.Errorf("max bigint: %v, %v", ok, err)
	}
	if _, err := aggSumCheck([]driver.Value{over, int64(1)}); err != errSumOverflow {
		t.Errorf("past bigint: %v", err)
	}
	for _, sample := range []driver.Value{true, float32(1)} {
		if _, err := aggSumCheck([]driver.Value{big.NewInt(1), sample}); err == nil || !strings.HasPrefix(err.Error(), "NOT_SUPPORTED") {
			t.Errorf("sample %T: %v", sample, err)
		}
	}
	if ok, err := aggSumCheck([]driver.Value{duckdb.Decimal{Width: 38, Scale: 2, Value: big.NewInt(5)}, duckdb.Decimal{}}); ok != true || err != nil {
		t.Errorf("decimal: %v, %v", ok, err)
	}
}

// FuzzAggModifiers scans arbitrary query text after a call's name.
func FuzzAggModifiers(f *testing.F) {
	f.Add("sum(x ORDER BY y) FILTER (WHERE z)")
	f.Add("f('(', \"ORDER BY\", /* ) */ x -- \n)")
	f.Add("f(x")
	f.Fuzz(func(t *testing.T, sql string) {
		c := &funcCall{name: "f", sql: sql, offset: 0}
		orderBy, filter := aggModifiers(c)
		if orderBy && !strings.Contains(strings.ToLower(sql), "order") {
			t.Fatalf("ORDER BY found in %q", sql)
		}
		if filter && !strings.Contains(strings.ToLower(sql), "filter") {
			t.Fatalf("FILTER found in %q", sql)
		}
	})
}
