package duckengine

import (
	"context"
	"database/sql/driver"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// TestRecoveringFunction checks that a Go function that panics fails the
// query instead of ending the process.
func TestRecoveringFunction(t *testing.T) {
	conn := functionsConn(t)
	boom := &goFunc{in: []duckdb.TypeInfo{tBigint}, out: tBigint, fn: func(args []driver.Value) (any, error) {
		panic("boom")
	}}
	if err := duckdb.RegisterScalarUDF(conn, "weir_boom", recovering{name: "weir_boom", f: boom}); err != nil {
		t.Fatal(err)
	}
	var n int64
	err := conn.QueryRowContext(context.Background(), "SELECT weir_boom(x) FROM range(3) AS t(x)").Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "GENERIC_INTERNAL_ERROR: function boom failed") {
		t.Fatalf("err = %v, want the panic as the query's error", err)
	}
}
