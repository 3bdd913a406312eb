package app

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/query"
)

// BenchmarkSelectOne measures the Athena API path in process: start a
// query execution, wait for it, and read its results. It reports the
// median and 99th percentile latency next to the mean.
func BenchmarkSelectOne(b *testing.B) {
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	ctx := context.Background()
	a, err := Open(ctx, Options{Config: cfg, Command: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { stop(); <-done }()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		id, err := a.Queries.Start(ctx, query.StartInput{Query: "SELECT 1"})
		if err != nil {
			b.Fatal(err)
		}
		x, err := a.Queries.Wait(ctx, id)
		if err != nil || x.State != query.StateSucceeded {
			b.Fatalf("%v %v", err, x)
		}
		page, err := a.Queries.Results(ctx, id, "", 0)
		if err != nil || len(page.Rows) != 1 {
			b.Fatalf("%v %v", err, page)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
