package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// runStates measures state machines: durable transitions per second on
// a 1,000-state Pass chain and a 10,000-item Map (MaxConcurrency 40),
// against the same executions kept in memory, in the same run
// (BenchmarkTransitions in internal/metastore); history bytes per
// transition; and the start-to-finish time of 'weir states run' on a
// 3-state machine, against 'weir version', the floor of a weir process.
func runStates(runs int, work string) error {
	fmt.Fprintln(os.Stderr, "transition benchmarks...")
	out, err := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkTransitions", "-benchtime", fmt.Sprintf("%dx", runs), "./internal/metastore").CombinedOutput()
	if err != nil {
		return fmt.Errorf("transition benchmarks: %v\n%s", err, out)
	}
	metrics := map[string]map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[0], "BenchmarkTransitions") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(f[0], "BenchmarkTransitions"), "-2")
		name = strings.Split(name, "-")[0]
		m := map[string]float64{}
		for i := 4; i+1 < len(f); i += 2 { // name, runs, ns, "ns/op", then value-unit pairs
			var v float64
			fmt.Sscan(f[i], &v)
			m[f[i+1]] = v
		}
		metrics[name] = m
	}
	chain, mp := metrics["PassChain"], metrics["Map"]
	if chain == nil || mp == nil {
		return fmt.Errorf("transition benchmarks: no figures in\n%s", out)
	}

	dir, cleanup, err := workDir(work, "weir-bench-states-")
	if err != nil {
		return err
	}
	defer cleanup()
	bin, _, data, err := build(dir)
	if err != nil {
		return err
	}
	def := filepath.Join(dir, "three.asl.json")
	if err := os.WriteFile(def, []byte(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}}`), 0o644); err != nil {
		return err
	}
	time3 := func(args ...string) (time.Duration, error) {
		var ds []time.Duration
		for range 21 {
			start := time.Now()
			if out, err := exec.Command(bin, append([]string{"--data-dir", data}, args...)...).CombinedOutput(); err != nil {
				return 0, fmt.Errorf("weir %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2], nil
	}
	fmt.Fprintln(os.Stderr, "weir states run latency...")
	if _, err := time3("states", "run", def); err != nil { // creates the data directory
		return err
	}
	run, err := time3("states", "run", def)
	if err != nil {
		return err
	}
	floor, err := time3("version")
	if err != nil {
		return err
	}

	fmt.Printf("Measured %s on %d cores (transitions: over %d runs; weir states run: median of 21).\n\n", time.Now().Format("2006-01-02"), numCPU(), runs)
	fmt.Println("| measurement | weir | baseline (same run) | ratio | goal |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| durable transitions/s, 1,000-state Pass chain | %s/s | %s/s (same execution in memory) | %.2f× | ≥ 20,000/s |\n",
		groupInt(chain["transitions/s"]), groupInt(chain["memory-transitions/s"]), chain["durable/memory-speed"])
	fmt.Printf("| durable transitions/s, Map over 10,000 items, MaxConcurrency 40 | %s/s | %s/s (same execution in memory) | %.2f× | ≥ 20,000/s |\n",
		groupInt(mp["transitions/s"]), groupInt(mp["memory-transitions/s"]), mp["durable/memory-speed"])
	fmt.Printf("| history per transition (Pass chain / Map) | %.0f B / %.0f B | — | — | — |\n", chain["history-bytes/transition"], mp["history-bytes/transition"])
	fmt.Printf("| `weir states run` of a 3-state machine, start to finish, p50 | %.1f ms | %.1f ms (`weir version`) | %.2f× | < 20 ms |\n",
		ms(run), ms(floor), run.Seconds()/floor.Seconds())
	return nil
}

// groupInt prints n rounded, with thousands separators.
func groupInt(n float64) string {
	s := fmt.Sprintf("%.0f", n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
