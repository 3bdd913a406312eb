// Package metrics is weir's Prometheus instrumentation: the metrics a
// running weir serve exports at /metrics, and the small recording methods
// the HTTP API, the crawl runner and the scheduler call. Figures that
// live in the metadata store (executions by status, queries by state,
// bytes scanned, history events) are read at scrape time through a
// Source, so they are right across restarts and for work other
// processes did.
//
// Domain packages do not import this package: internal/app hands them
// the recording functions (for example Metrics.ObserveScheduleLag as the
// scheduler's lag recorder).
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Snapshot is what a Source reports at scrape time.
type Snapshot struct {
	ExecutionsByStatus map[string]int64
	QueriesByState     map[string]int64
	BytesScanned       int64
	HistoryEvents      int64
}

// Source reads the stored figures; ctx is the scrape's.
type Source func(ctx context.Context) (Snapshot, error)

// Metrics is a registry of weir's metrics. The zero value is not usable;
// call New. A nil *Metrics records nothing, so components may hold one
// optionally.
type Metrics struct {
	reg           *prometheus.Registry
	httpDuration  *prometheus.HistogramVec
	crawlDuration *prometheus.HistogramVec
	scheduleLag   prometheus.Gauge
	lagHistogram  prometheus.Histogram
}

// New returns the metrics of one process; src may be nil (no stored
// figures) and logger receives scrape failures of src.
func New(src Source, logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "weir_http_request_duration_seconds",
			Help:    "Duration of HTTP API requests by route pattern, method and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
		crawlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "weir_crawl_duration_seconds",
			Help:    "Duration of crawls this process ran, by crawler and final status.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
		}, []string{"crawler", "status"}),
		scheduleLag: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "weir_schedule_lag_seconds",
			Help: "Delay between the last on-time schedule fire time and the start of its target.",
		}),
		lagHistogram: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "weir_schedule_lag_distribution_seconds",
			Help:    "Distribution of the delay between schedules' fire times and the start of their targets.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 60},
		}),
	}
	m.reg.MustRegister(m.httpDuration, m.crawlDuration, m.scheduleLag, m.lagHistogram,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src != nil {
		m.reg.MustRegister(&stored{src: src, logger: logger})
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// ObserveHTTP records one API request; route is its ServeMux pattern.
func (m *Metrics) ObserveHTTP(route, method string, code int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpDuration.WithLabelValues(route, method, strconv.Itoa(code)).Observe(d.Seconds())
}

// ObserveCrawl records a finished crawl.
func (m *Metrics) ObserveCrawl(crawler, status string, d time.Duration) {
	if m == nil {
		return
	}
	m.crawlDuration.WithLabelValues(crawler, status).Observe(d.Seconds())
}

// ObserveScheduleLag records how late a schedule's target started after
// its fire time; it is the scheduler's lag recorder (schedule.Options.Lag).
func (m *Metrics) ObserveScheduleLag(lag time.Duration) {
	if m == nil {
		return
	}
	m.scheduleLag.Set(lag.Seconds())
	m.lagHistogram.Observe(lag.Seconds())
}

// stored collects the Source's figures at scrape time.
type stored struct {
	src    Source
	logger *slog.Logger
}

var (
	descExecutions = prometheus.NewDesc("weir_executions", "State machine executions by status.", []string{"status"}, nil)
	descQueries    = prometheus.NewDesc("weir_queries", "Query executions by state.", []string{"state"}, nil)
	descScanned    = prometheus.NewDesc("weir_query_scanned_bytes_total", "Bytes of lake files read by query executions (Athena's DataScannedInBytes).", nil, nil)
	descEvents     = prometheus.NewDesc("weir_execution_history_events_total", "History events recorded by executions; each state transition records at least one.", nil, nil)
)

func (s *stored) Describe(ch chan<- *prometheus.Desc) {
	ch <- descExecutions
	ch <- descQueries
	ch <- descScanned
	ch <- descEvents
}

func (s *stored) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	snap, err := s.src(ctx)
	if err != nil {
		s.logger.Warn("metrics: read the metadata store", "err", err)
		ch <- prometheus.NewInvalidMetric(descExecutions, err)
		return
	}
	for _, st := range []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"} {
		ch <- prometheus.MustNewConstMetric(descExecutions, prometheus.GaugeValue, float64(snap.ExecutionsByStatus[st]), st)
	}
	for _, st := range []string{"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"} {
		ch <- prometheus.MustNewConstMetric(descQueries, prometheus.GaugeValue, float64(snap.QueriesByState[st]), st)
	}
	ch <- prometheus.MustNewConstMetric(descScanned, prometheus.CounterValue, float64(snap.BytesScanned))
	ch <- prometheus.MustNewConstMetric(descEvents, prometheus.CounterValue, float64(snap.HistoryEvents))
}
