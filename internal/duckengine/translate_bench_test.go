package duckengine

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/demo"
	"github.com/weirdata/weir/internal/dialect"
	"github.com/weirdata/weir/internal/query/querytest"
)

// seedQuery is the SELECT of seed 000's hourly INSERT, about 2 KB.
func seedQuery() string {
	ins := demo.InsertSQL("2024", "03", []string{"01", "02", "03"})
	return ins[strings.Index(ins, "SELECT"):]
}

// BenchmarkTranslate measures what weir adds before DuckDB runs a query
// (the token pass, DuckDB's parse to a syntax tree, the walk over it and
// the edits) against the baseline of DuckDB preparing (parsing, binding
// and planning) the same query itself, in the same run. It reports the
// median of each and their ratio.
func BenchmarkTranslate(b *testing.B) {
	ctx := context.Background()
	q := seedQuery()
	e := openTestEngine(b, querytest.Dirs{Lake: b.TempDir(), Staging: b.TempDir(), Temp: b.TempDir()})
	tr := dialect.New()

	raw, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE SCHEMA traffic; CREATE TABLE traffic.raw (uniqueid VARCHAR, location VARCHAR,
		recordtimestamp VARCHAR, originaltimestamp TIMESTAMP, currentspeed INT, previousspeed INT, bezettingsgraad INT,
		trafficintensityclass2 INT, trafficintensityclass3 INT, trafficintensityclass4 INT, trafficintensityclass5 INT,
		partition_0 VARCHAR, partition_1 VARCHAR, partition_2 VARCHAR, partition_3 VARCHAR)`); err != nil {
		b.Fatal(err)
	}

	translate := func() error {
		out, _, err := tr.Translate(q)
		if err != nil {
			return err
		}
		a, err := analyze(ctx, e.serialize.QueryRowContext, out)
		if err != nil {
			return err
		}
		_, _, err = a.edits.Apply(out)
		return err
	}
	prepare := func() error {
		st, err := raw.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		return st.Close()
	}
	var ours, base []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := translate(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := prepare(); err != nil {
			b.Fatal(err)
		}
		ours, base = append(ours, t1.Sub(t0)), append(base, time.Since(t1))
	}
	b.StopTimer()
	p50 := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	o, r := p50(ours), p50(base)
	b.ReportMetric(float64(o.Microseconds())/1000, "translate-p50-ms")
	b.ReportMetric(float64(r.Microseconds())/1000, "duckdb-prepare-p50-ms")
	b.ReportMetric(float64(o)/float64(r), "ratio")
	b.ReportMetric(float64(len(q)), "query-bytes")
}

func BenchmarkTranslateParts(b *testing.B) {
	ctx := context.Background()
	q := seedQuery()
	e := openTestEngine(b, querytest.Dirs{Lake: b.TempDir(), Staging: b.TempDir(), Temp: b.TempDir()})
	tr := dialect.New()
	b.Run("dialect", func(b *testing.B) {
		for range b.N {
			tr.Translate(q)
		}
	})
	b.Run("serialize-raw", func(b *testing.B) {
		var s string
		for range b.N {
			e.serialize.QueryRowContext(ctx, q).Scan(&s)
		}
	})
	b.Run("serialize+unmarshal", func(b *testing.B) {
		for range b.N {
			serialize(ctx, e.serialize.QueryRowContext, q, true)
		}
	})
	b.Run("fastparse", func(b *testing.B) {
		for range b.N {
			if _, ok := fastParse(q); !ok {
				b.Fatal("fast parser declines the seed query")
			}
		}
	})
	b.Run("analyze", func(b *testing.B) {
		for range b.N {
			analyze(ctx, e.serialize.QueryRowContext, q)
		}
	})
}
