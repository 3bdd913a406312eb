// Command bench measures weir against raw DuckDB in the same run and
// prints the ratios as a Markdown table (the README's performance table).
//
//	go run ./bench                 # 2,000,000 events, 3 runs each
//	go run ./bench -events 200000  # a quick check
//
// Repartition: seed 000's INSERT INTO (window averages, partitioned by
// year/month/day/hour, Parquet + Snappy) over generated traffic events
// (JSON lines in arrival-hour folders), run as `weir query` in its own
// process, against the same SELECT in a raw DuckDB COPY ... PARTITION_BY
// over the same files, also in its own process. Time is wall clock; memory
// is the peak resident set size of the process.
//
// SELECT 1: submit → results latency through weir's query service in
// process (the Athena API path: StartQueryExecution, wait, GetQueryResults).
//
// Translation: the time weir adds to turn seed 000's 2 KB query from
// Trino's dialect into DuckDB's, against DuckDB preparing the same query
// (go test -bench Translate ./internal/duckengine).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/dustin/go-humanize"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/demo"
	"github.com/weirdata/weir/internal/query"
)

func main() {
	events := flag.Int("events", 2_000_000, "traffic events to generate")
	sensors := flag.Int("sensors", 400, "sensors (one reading per sensor per minute)")
	runs := flag.Int("runs", 3, "runs of each measurement (the median is reported)")
	work := flag.String("dir", "", "working directory (default: a temporary one, removed afterwards)")
	raw := flag.String("raw-sql", "", "internal: run this SQL in raw DuckDB and exit")
	crawl := flag.Bool("crawl", false, "measure crawlers instead (10,000 files in 1,000 partitions; see crawl.go)")
	states := flag.Bool("states", false, "measure state machines instead (durable transitions, weir states run; see states.go)")
	serve := flag.Bool("serve", false, "measure the HTTP API instead (GET an execution under 200 concurrent clients; see serve.go)")
	flag.Parse()
	if *raw != "" {
		runRaw(*raw)
		return
	}
	if *crawl {
		if err := runCrawl(*runs, *work); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *states {
		if err := runStates(*runs, *work); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *serve {
		if err := runServe(*runs, *work); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*events, *sensors, *runs, *work); err != nil {
		log.Fatal(err)
	}
}

// runRaw is the baseline process: DuckDB with its defaults, nothing else.
func runRaw(q string) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		log.Fatal(err)
	}
}

type measurement struct {
	wall time.Duration
	rss  int64 // bytes
}

// measure runs cmd and returns its wall time and peak memory. The peak is
// the process's VmHWM, sampled every 20 ms: rusage's maxrss cannot be used,
// because a child started with vfork (as Go starts them) inherits the
// parent's high-water mark, and this parent holds the generated events.
func measure(cmd *exec.Cmd) (measurement, error) {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if hwm := vmHWM(status); hwm > peak {
			peak = hwm
		}
		select {
		case err := <-done:
			if err != nil {
				return measurement{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, out.String())
			}
			return measurement{wall: time.Since(start), rss: peak}, nil
		case <-tick.C:
		}
	}
}

// vmHWM reads a process's peak resident set size in bytes, or 0.
func vmHWM(status string) int64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb * 1024
		}
	}
	return 0
}

func median(ms []measurement) measurement {
	sort.Slice(ms, func(i, j int) bool { return ms[i].wall < ms[j].wall })
	m := ms[len(ms)/2]
	rss := make([]int64, len(ms))
	for i, x := range ms {
		rss[i] = x.rss
	}
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	m.rss = rss[len(rss)/2]
	return m
}

// workDir returns work, or a new temporary directory that cleanup removes.
func workDir(work, pattern string) (dir string, cleanup func(), err error) {
	if work != "" {
		return work, func() {}, nil
	}
	dir, err = os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// build builds weir and this command (the baseline process) into work,
// and names the data directory there.
func build(work string) (bin, self, dataDir string, err error) {
	bin = filepath.Join(work, "weir")
	self = filepath.Join(work, "bench")
	fmt.Fprintln(os.Stderr, "building weir and the baseline...")
	for _, b := range [][]string{{"-o", bin, "./cmd/weir"}, {"-o", self, "./bench"}} {
		cmd := exec.Command("go", append([]string{"build"}, b...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", "", fmt.Errorf("go build %v: %w\n%s", b, err, out)
		}
	}
	return bin, self, filepath.Join(work, "data"), nil
}

func run(events, sensors, runs int, work string) error {
	ctx := context.Background()
	work, cleanup, err := workDir(work, "weir-bench-")
	if err != nil {
		return err
	}
	defer cleanup()
	bin, self, dataDir, err := build(work)
	if err != nil {
		return err
	}
	cfg := config.Default()
	cfg.DataDir = dataDir
	fmt.Fprintf(os.Stderr, "generating %d events...\n", events)
	a, err := app.Open(ctx, app.Options{Config: cfg, Command: "bench"})
	if err != nil {
		return err
	}
	evs := demo.Generate(demo.Options{Events: events, Sensors: sensors, Start: time.Date(2020, 5, 12, 0, 0, 0, 0, time.UTC), Seed: 1})
	rawBucket, err := a.Lake.CreateBucket(ctx, demo.RawBucket)
	if err != nil {
		return err
	}
	if _, err := a.Lake.CreateBucket(ctx, demo.TransformedBucket); err != nil {
		return err
	}
	folders, err := demo.Write(ctx, rawBucket, "", evs)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range folders {
		size += f.Bytes
	}
	selectOne, err := setupAndTime(ctx, a, folders)
	a.Close()
	if err != nil {
		return err
	}

	days := demo.Days(evs)
	var dayValues []string
	for _, d := range days {
		dayValues = append(dayValues, d.Format("02"))
	}
	insert := demo.InsertSQL(days[0].Format("2006"), days[0].Format("01"), dayValues)
	insertFile := filepath.Join(work, "insert.sql")
	if err := os.WriteFile(insertFile, []byte(insert), 0o644); err != nil {
		return err
	}
	// The baseline: the same SELECT over the same files, read with DuckDB's
	// own JSON detection, written with COPY ... PARTITION_BY.
	selectSQL := insert[strings.Index(insert, "SELECT"):]
	selectSQL = selectSQL[:strings.Index(selectSQL, "WHERE partition_0")] + "WHERE currentSpeed BETWEEN 0 AND 250))"
	files := "'" + filepath.Join(dataDir, "lake", demo.RawBucket) + "/**'"
	// A DuckDB user's COPY: read_json with DuckDB's schema detection.
	autoSQL := strings.Replace(selectSQL, "FROM traffic.raw", "FROM read_json("+files+", format = 'newline_delimited')", 1)
	// A tuned COPY: the schema given, and no insertion order to keep.
	tunedSQL := "SET preserve_insertion_order = false; " + strings.Replace(selectSQL, "FROM traffic.raw",
		"FROM read_json("+files+", format = 'newline_delimited', columns = {uniqueId: 'VARCHAR', recordTimestamp: 'VARCHAR', "+
			"originalTimestamp: 'TIMESTAMP', currentSpeed: 'INTEGER', previousSpeed: 'INTEGER', bezettingsgraad: 'INTEGER', "+
			"trafficIntensityClass2: 'INTEGER', trafficIntensityClass3: 'INTEGER', trafficIntensityClass4: 'INTEGER', trafficIntensityClass5: 'INTEGER'})", 1)

	var weirRuns, autoRuns, tunedRuns []measurement
	baseline := func(i int, name, sql string, runs *[]measurement) error {
		out := filepath.Join(work, fmt.Sprintf("raw-out-%d", i))
		defer os.RemoveAll(out)
		fmt.Fprintf(os.Stderr, "run %d: raw DuckDB (%s)...\n", i+1, name)
		copySQL := strings.Replace(sql, "SELECT uniqueId", "COPY (SELECT uniqueId", 1) +
			") TO '" + out + "' (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (year, month, day, hour))"
		m, err := measure(exec.Command(self, "-raw-sql", copySQL))
		*runs = append(*runs, m)
		return err
	}
	for i := range runs {
		fmt.Fprintf(os.Stderr, "run %d/%d: weir query...\n", i+1, runs)
		m, err := measure(exec.Command(bin, "--data-dir", dataDir, "query", "-f", insertFile))
		if err != nil {
			return err
		}
		weirRuns = append(weirRuns, m)
		if err := baseline(i, "schema detected", autoSQL, &autoRuns); err != nil {
			return err
		}
		if err := baseline(i, "schema given", tunedSQL, &tunedRuns); err != nil {
			return err
		}
	}
	w, r, tr := median(weirRuns), median(autoRuns), median(tunedRuns)
	fmt.Printf("Measured %s on %d cores, %s of JSON lines (%d events in %d files); median of %d runs.\n\n",
		time.Now().UTC().Format("2006-01-02"), numCPU(), humanize.Bytes(uint64(size)), events, len(folders), runs)
	fmt.Println("| measurement | weir | baseline (same run) | ratio | goal |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| seed 000 repartition, time | %.2f s | %.2f s (raw DuckDB COPY, schema detected) | %.2f× | ≤ 1.10× |\n", w.wall.Seconds(), r.wall.Seconds(), w.wall.Seconds()/r.wall.Seconds())
	fmt.Printf("| seed 000 repartition, time | %.2f s | %.2f s (raw DuckDB COPY, schema given, no order kept) | %.2f× | — |\n", w.wall.Seconds(), tr.wall.Seconds(), w.wall.Seconds()/tr.wall.Seconds())
	fmt.Printf("| seed 000 repartition, peak memory | %s | %s (raw DuckDB COPY, schema detected) | %.2f× | ≤ 1.5× |\n", humanize.Bytes(uint64(w.rss)), humanize.Bytes(uint64(r.rss)), float64(w.rss)/float64(r.rss))
	fmt.Printf("| seed 000 repartition, peak memory | %s | %s (raw DuckDB COPY, schema given, no order kept) | %.2f× | — |\n", humanize.Bytes(uint64(w.rss)), humanize.Bytes(uint64(tr.rss)), float64(w.rss)/float64(tr.rss))
	fmt.Printf("| `SELECT 1` submit → results, p50 | %.2f ms | — | — | < 5 ms |\n", ms(selectOne[len(selectOne)/2]))
	fmt.Printf("| `SELECT 1` submit → results, p99 | %.2f ms | — | — | — |\n", ms(selectOne[len(selectOne)*99/100]))
	tr50, prep50, err := translation()
	if err != nil {
		return err
	}
	fmt.Printf("| Trino → DuckDB translation of seed 000's 2 KB query, p50 | %.2f ms | %.2f ms (DuckDB preparing the same query) | %.2f× | < 1 ms |\n", tr50, prep50, tr50/prep50)
	return nil
}

// translation runs BenchmarkTranslate (internal/duckengine), which times
// weir's translation of seed 000's query against DuckDB preparing it, in
// one process, and returns both medians in milliseconds.
func translation() (ours, prepare float64, err error) {
	fmt.Fprintln(os.Stderr, "translation benchmark...")
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkTranslate$", "-benchtime", "1000x", "./internal/duckengine").CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("translation benchmark: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	for i := 1; i < len(fields); i++ {
		switch fields[i] {
		case "translate-p50-ms":
			fmt.Sscan(fields[i-1], &ours)
		case "duckdb-prepare-p50-ms":
			fmt.Sscan(fields[i-1], &prepare)
		}
	}
	if ours == 0 || prepare == 0 {
		return 0, 0, fmt.Errorf("translation benchmark: no figures in\n%s", out)
	}
	return ours, prepare, nil
}

// setupAndTime creates the pipeline's tables and times SELECT 1.
func setupAndTime(ctx context.Context, a *app.App, folders []demo.Folder) ([]time.Duration, error) {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { stop(); <-done }()
	for _, s := range demo.SetupSQL(folders) {
		if err := exec1(ctx, a, s); err != nil {
			return nil, err
		}
	}
	return latency(ctx, a, "SELECT 1", 300)
}

// latency times Start → Wait → Results in process, sorted.
func latency(ctx context.Context, a *app.App, sql string, n int) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		id, err := a.Queries.Start(ctx, query.StartInput{Query: sql})
		if err != nil {
			return nil, err
		}
		x, err := a.Queries.Wait(ctx, id)
		if err != nil {
			return nil, err
		}
		if x.State != query.StateSucceeded {
			return nil, fmt.Errorf("%s: %s", sql, x.StateChangeReason)
		}
		if _, err := a.Queries.Results(ctx, id, "", 0); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

func exec1(ctx context.Context, a *app.App, sql string) error {
	x, err := a.Queries.Execute(ctx, query.StartInput{Query: sql})
	if err != nil {
		return err
	}
	if x.State != query.StateSucceeded {
		return fmt.Errorf("%s\n%s", x.StateChangeReason, sql)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func numCPU() int {
	n := 0
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "processor") {
			n++
		}
	}
	return n
}
