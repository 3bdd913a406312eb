package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/workflow"
)

// serveClients is how many clients call the API at once.
const serveClients = 200

// runServe measures the HTTP API's overhead: GET /api/v1/executions/{arn}
// from 200 concurrent clients on loopback against weir serve's API (in
// this process, on a random port), against two baselines in the same
// run: the same lookup called in process by 200 goroutines, and an empty
// HTTP handler on loopback under the same 200 clients.
func runServe(runs int, work string) error {
	dir, cleanup, err := workDir(work, "weir-bench-serve-")
	if err != nil {
		return err
	}
	defer cleanup()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := config.Default()
	cfg.DataDir = dir
	a, err := app.Open(ctx, app.Options{Config: cfg, Command: "bench -serve"})
	if err != nil {
		return err
	}
	defer a.Close()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- a.Serve(ctx, app.ServeOptions{Addr: "127.0.0.1:0", Ready: func(addr string) { ready <- addr }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		return err
	}
	defer func() { cancel(); <-done }()

	// One finished execution to look up.
	r, err := a.Runner(nil)
	if err != nil {
		return err
	}
	x, _, err := r.Create(ctx, `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`, map[string]any{"day": "2024-03-01"},
		workflow.ExecutionInfo{Name: "bench", Machine: "bench"})
	if err != nil {
		return err
	}
	if _, err := r.Execute(ctx, x.ARN); err != nil {
		return err
	}

	empty, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	es := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}\n")
	})}
	go es.Serve(empty)
	defer es.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: serveClients, MaxIdleConnsPerHost: serveClients}}
	get := func(u string) func() error {
		return func() error {
			resp, err := client.Get(u)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s: %s", u, resp.Status)
			}
			return err
		}
	}
	store := a.Meta.Workflows()
	lookup := func() error { _, err := store.GetExecution(ctx, x.ARN); return err }
	api := get("http://" + addr + "/api/v1/executions/" + url.PathEscape(x.ARN))
	floor := get("http://" + empty.Addr().String() + "/")

	const perClient = 100
	fmt.Fprintf(os.Stderr, "%d clients × %d requests, %d runs...\n", serveClients, perClient, runs)
	var apiR, inR, floorR []load
	for i := range runs + 1 { // the first run warms up connections and caches
		l1, err := hammer(api, perClient)
		if err != nil {
			return err
		}
		l2, err := hammer(lookup, perClient)
		if err != nil {
			return err
		}
		l3, err := hammer(floor, perClient)
		if err != nil {
			return err
		}
		if i > 0 {
			apiR, inR, floorR = append(apiR, l1), append(inR, l2), append(floorR, l3)
		}
	}
	a1, a2, a3 := medianLoad(apiR), medianLoad(inR), medianLoad(floorR)
	fmt.Printf("Measured %s on %d cores: %d concurrent clients × %d requests, median of %d runs.\n\n", time.Now().Format("2006-01-02"), numCPU(), serveClients, perClient, runs)
	fmt.Println("| measurement | p50 | p99 | requests/s |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| `GET /api/v1/executions/{arn}`, weir serve on loopback | %.2f ms | %.2f ms | %s/s |\n", ms(a1.p50), ms(a1.p99), groupInt(a1.rate))
	fmt.Printf("| baseline: the same lookup in process (metastore GetExecution) | %.2f ms | %.2f ms | %s/s |\n", ms(a2.p50), ms(a2.p99), groupInt(a2.rate))
	fmt.Printf("| baseline: an empty HTTP handler on loopback | %.2f ms | %.2f ms | %s/s |\n", ms(a3.p50), ms(a3.p99), groupInt(a3.rate))
	return schedulerLag()
}

// schedulerLag runs BenchmarkSchedulerLag (internal/schedule): 1,000
// schedules on the metastore, fire time → target started, against the
// same scheduler on an in-memory store, in the same run.
func schedulerLag() error {
	fmt.Fprintln(os.Stderr, "scheduler lag benchmark...")
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkSchedulerLag$", "-benchtime", "1x", "./internal/schedule").CombinedOutput()
	if err != nil {
		return fmt.Errorf("scheduler lag benchmark: %v\n%s", err, out)
	}
	lag := map[string]map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkSchedulerLag/") {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkSchedulerLag/")
		name = name[:strings.LastIndexByte(name, '-')]
		m := map[string]float64{}
		for i := 4; i+1 < len(f); i += 2 { // name, runs, ns, "ns/op", then value-unit pairs
			var v float64
			fmt.Sscan(f[i], &v)
			m[f[i+1]] = v
		}
		lag[name] = m
	}
	for _, k := range []string{"metastore/spread", "metastore/burst", "mem/spread", "mem/burst"} {
		if lag[k] == nil {
			return fmt.Errorf("scheduler lag benchmark: no %s figures in\n%s", k, out)
		}
	}
	fmt.Println()
	fmt.Println("| scheduler lag, 1,000 schedules (fire time → target started) | p50 | p99 | goal |")
	fmt.Println("|---|---|---|---|")
	row := func(what, k, goal string) {
		fmt.Printf("| %s | %.2f ms | %.2f ms | %s |\n", what, lag[k]["p50-ms"], lag[k]["p99-ms"], goal)
	}
	row("fire times 1 ms apart, schedules in the metastore", "metastore/spread", "p99 < 50 ms")
	row("all 1,000 at the same instant, schedules in the metastore", "metastore/burst", "p99 < 50 ms")
	row("baseline: 1 ms apart, the same scheduler on an in-memory store", "mem/spread", "—")
	row("baseline: all at once, in memory", "mem/burst", "—")
	return nil
}

// load is one run's latency percentiles and throughput.
type load struct {
	p50, p99 time.Duration
	rate     float64
}

// hammer calls f perClient times from each of serveClients goroutines.
func hammer(f func() error, perClient int) (load, error) {
	lat := make([]time.Duration, serveClients*perClient)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for c := range serveClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perClient {
				t0 := time.Now()
				if err := f(); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				lat[c*perClient+i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return load{}, firstErr
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return load{p50: lat[len(lat)/2], p99: lat[len(lat)*99/100], rate: float64(len(lat)) / elapsed.Seconds()}, nil
}

// medianLoad takes the run with the median p50.
func medianLoad(ls []load) load {
	sort.Slice(ls, func(i, j int) bool { return ls[i].p50 < ls[j].p50 })
	return ls[len(ls)/2]
}
