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
