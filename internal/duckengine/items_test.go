package duckengine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParquetRows(t *testing.T) {
	dirs := tempDirs(t)
	e := openTestEngine(t, dirs)
	ctx := context.Background()
	path := filepath.Join(dirs.Lake, "items.parquet")
	_, err := e.db.ExecContext(ctx, `COPY (SELECT * FROM (VALUES
		(1, 'a', 2.5::DOUBLE, 12.30::DECIMAL(10,2), DATE '2024-03-01', TIMESTAMP '2024-03-01 09:00:00', [1, 2], {'k': 'v'}, true),
		(2, NULL, 'NaN'::DOUBLE, NULL, NULL, NULL, [], NULL, false),
		(3, 'say "hi"', '-inf'::DOUBLE, 0, NULL, NULL, NULL, NULL, NULL))
		AS t(id, name, score, price, day, ts, tags, attrs, ok) ORDER BY id) TO `+quoteString(path)+` (FORMAT PARQUET)`)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.ParquetRows(ctx, path, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"id":1,"name":"a","score":2.5,"price":12.3,"day":"2024-03-01","ts":"2024-03-01 09:00:00","tags":[1,2],"attrs":{"k":"v"},"ok":true}`,
		`{"id":2,"name":null,"score":"NaN","price":null,"day":null,"ts":null,"tags":[],"attrs":null,"ok":false}`,
		`{"id":3,"name":"say \"hi\"","score":"-Infinity","price":0.0,"day":null,"ts":null,"tags":null,"attrs":null,"ok":null}`,
	}
	if got, want := strings.Join(rows, "\n"), strings.Join(want, "\n"); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
	limited, err := e.ParquetRows(ctx, path, 1)
	if err != nil || len(limited) != 1 || limited[0] != rows[0] {
		t.Fatalf("limit 1: %v %v", limited, err)
	}
	bad := filepath.Join(dirs.Lake, "bad.parquet")
	if err := os.WriteFile(bad, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ParquetRows(ctx, bad, 10); err == nil || !strings.Contains(err.Error(), "not a readable Parquet file") {
		t.Errorf("a file that is not Parquet: %v", err)
	}
	// The sandbox holds: files beyond weir's directories are not read.
	if _, err := e.ParquetRows(ctx, "/etc/passwd", 10); err == nil || !strings.Contains(err.Error(), "disabled by configuration") {
		t.Errorf("a file outside the lake: %v", err)
	}
}

func TestQuoteNonFinite(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`:                              `{"a":1}`,
		`{"a":NaN,"b":-Infinity,"c":Infinity}`: `{"a":"NaN","b":"-Infinity","c":"Infinity"}`,
		`{"NaN":"Infinity","x":[NaN,1]}`:       `{"NaN":"Infinity","x":["NaN",1]}`,
		`{"s":"say \"NaN\" \\","t":NaN}`:       `{"s":"say \"NaN\" \\","t":"NaN"}`,
		`{"Infinity":-Infinity}`:               `{"Infinity":"-Infinity"}`,
	} {
		if got := quoteNonFinite(in); got != want {
			t.Errorf("quoteNonFinite(%s) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkParquetRows reads 10,000 rows of a Parquet file as a
// distributed Map's ItemReader does (each row as JSON text), against
// DuckDB scanning the same rows into Go values (the baseline).
func BenchmarkParquetRows(b *testing.B) {
	dirs := tempDirs(b)
	e := openTestEngine(b, dirs)
	ctx := context.Background()
	path := filepath.Join(dirs.Lake, "items.parquet")
	if _, err := e.db.ExecContext(ctx, `COPY (SELECT i AS id, 'item-' || i AS name, i * 0.5 AS score, DATE '2024-03-01' + (i % 30)::INTEGER AS day
		FROM range(10000) t(i)) TO `+quoteString(path)+` (FORMAT PARQUET)`); err != nil {
		b.Fatal(err)
	}
	b.Run("weir", func(b *testing.B) {
		for b.Loop() {
			if rows, err := e.ParquetRows(ctx, path, 100_000_001); err != nil || len(rows) != 10000 {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("duckdb-scan", func(b *testing.B) {
		for b.Loop() {
			rows, err := e.db.QueryContext(ctx, "SELECT * FROM read_parquet("+quoteString(path)+")")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var id int64
				var name string
				var score float64
				var day any
				if err := rows.Scan(&id, &name, &score, &day); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rows.Close()
			if n != 10000 {
				b.Fatal(n)
			}
		}
	})
}
