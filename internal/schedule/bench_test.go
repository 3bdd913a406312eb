package schedule_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/schedule/scheduletest"
)

// lagStarter records how late each Start is called after its fire time,
// on the real clock.
type lagStarter struct {
	mu   sync.Mutex
	lags []time.Duration
	all  chan struct{}
	want int
}

func (s *lagStarter) Start(ctx context.Context, f schedule.Fire) (string, error) {
	lag := time.Since(f.FireTime)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lags = append(s.lags, lag)
	if len(s.lags) == s.want {
		close(s.all)
	}
	return f.Name(), nil
}

func (s *lagStarter) Open(ctx context.Context, target schedule.Target, runID string) (bool, error) {
	return false, nil
}

// BenchmarkSchedulerLag measures the scheduler's lag (fire time →
// Starter.Start called) on the real clock with 1,000 schedules: spread
// fires them 1 ms apart over a second, burst all at the same instant.
// Each schedule is a rate(1 hour) that starts within the next two
// seconds, so it fires once. It reports the p50, p99 and max lag in
// milliseconds.
func BenchmarkSchedulerLag(b *testing.B) {
	stores := map[string]func(b *testing.B) schedule.Store{
		"mem": func(b *testing.B) schedule.Store { return scheduletest.NewMemStore() },
		"metastore": func(b *testing.B) schedule.Store {
			db, err := metastore.Open(b.Context(), filepath.Join(b.TempDir(), "weir.db"), metastore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		},
	}
	const n = 1000
	for _, storeName := range []string{"mem", "metastore"} {
		for _, spread := range []time.Duration{time.Millisecond, 0} {
			name := "spread"
			if spread == 0 {
				name = "burst"
			}
			b.Run(storeName+"/"+name, func(b *testing.B) {
				var lags []time.Duration
				for b.Loop() {
					b.StopTimer()
					store := stores[storeName](b)
					st := &lagStarter{all: make(chan struct{}), want: n}
					opts := schedule.DefaultOptions()
					opts.Store, opts.Starter = store, st
					s, err := schedule.NewScheduler(opts)
					if err != nil {
						b.Fatal(err)
					}
					first := time.Now().Add(1500 * time.Millisecond)
					for i := range n {
						_, err := s.Create(b.Context(), &schedule.Definition{Name: fmt.Sprintf("s%04d", i), Expression: "rate(1 hour)",
							Start: first.Add(time.Duration(i) * spread), Target: schedule.Target{Kind: schedule.TargetStateMachine, Name: "etl"}})
						if err != nil {
							b.Fatal(err)
						}
					}
					if time.Now().After(first) {
						b.Fatal("creating the schedules took longer than the head start")
					}
					ctx, cancel := context.WithCancel(context.Background())
					done := make(chan error, 1)
					b.StartTimer()
					go func() { done <- s.Run(ctx) }()
					<-st.all
					b.StopTimer()
					cancel()
					if err := <-done; err != nil {
						b.Fatal(err)
					}
					lags = append(lags, st.lags...)
					b.StartTimer()
				}
				slices.Sort(lags)
				q := func(p float64) float64 { return float64(lags[int(p*float64(len(lags)-1))]) / 1e6 }
				b.ReportMetric(q(0.50), "p50-ms")
				b.ReportMetric(q(0.99), "p99-ms")
				b.ReportMetric(q(1), "max-ms")
			})
		}
	}
}
