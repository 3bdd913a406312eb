package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// 4,000 readings of 40 sensors, one a minute from 06:00: 60 minutes
	// (2,400 readings) in hour 6 and 40 minutes (1,600) in hour 7.
	run := func() (steps map[string]string, table []string) {
		t.Helper()
		out := mustWeir(t, dir, "demo", "--events", "4000", "--sensors", "40")
		steps = map[string]string{}
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			if m := regexp.MustCompile(`^([1-4])\. (.*)$`).FindStringSubmatch(l); m != nil {
				steps[m[1]] = m[2]
			}
			if strings.HasPrefix(l, "year | month | day | hour") {
				for _, r := range lines[i:] {
					if r == "" {
						break
					}
					table = append(table, r)
				}
			}
		}
		if len(steps) != 4 {
			t.Fatalf("demo printed %d of its 4 steps:\n%s", len(steps), out)
		}
		return steps, table
	}
	steps, table := run()
	for n, want := range map[string]string{
		"1": "Generated 4,000 sensor readings (40 sensors, one a minute) as JSON lines in 2 arrival-hour folders of s3://traffic-raw/",
		"2": "Catalogued traffic.raw (OpenX JSON SerDe, 2 partitions partition_0..3) and traffic.sls_data_pipelines_batch_transformed (Parquet, partitioned by year/month/day/hour)",
		"3": "Repartitioned by event time with INSERT INTO (window averages over 3 and 20 readings): 4,000 rows into 2 partitions of s3://traffic-transformed/",
		"4": "Traffic per hour",
	} {
		if !strings.HasPrefix(steps[n], want) {
			t.Errorf("step %s = %q, want it to start with %q", n, steps[n], want)
		}
	}
	wantTable := regexp.MustCompile(`^year \| month \| day \| hour \| readings \| avg_speed \| jam_readings \| jam_percent\n` +
		`-----\+-------\+-----\+------\+----------\+-----------\+--------------\+------------\n` +
		`2020 \|     5 \|  12 \|    6 \|     2400 \|  +[0-9.]+ \|  +\d+ \|  +[0-9.]+\n` +
		`2020 \|     5 \|  12 \|    7 \|     1600 \|  +[0-9.]+ \|  +\d+ \|  +[0-9.]+$`)
	if got := strings.Join(table, "\n"); !wantTable.MatchString(got) {
		t.Errorf("per-hour table:\n%s\nwant it to match\n%s", got, wantTable)
	}

	counts := func() []string {
		return []string{
			scalar(t, dir, "SELECT count(*) FROM traffic.raw"),
			scalar(t, dir, "SELECT count(*) FROM traffic.sls_data_pipelines_batch_transformed"),
			mustWeir(t, dir, "query", "-o", "csv", "--database", "traffic", "SHOW PARTITIONS sls_data_pipelines_batch_transformed"),
		}
	}
	first := counts()
	if first[0] != "4000" || first[1] != "4000" {
		t.Errorf("after the demo: %s raw and %s transformed rows, want 4000 each", first[0], first[1])
	}
	if want := "\"partition\"\n\"year=2020/month=5/day=12/hour=6\"\n\"year=2020/month=5/day=12/hour=7\"\n"; first[2] != want {
		t.Errorf("SHOW PARTITIONS:\n%s\nwant\n%s", first[2], want)
	}
	files := len(lakeLs(t, dir, "--recursive", "s3://traffic-transformed/"))

	// A second run replaces the demo's data instead of adding to it.
	steps2, table2 := run()
	stepText := func(s string) string { // without the timing
		text, _, _ := strings.Cut(s, "  [")
		return text
	}
	if stepText(steps2["3"]) != stepText(steps["3"]) {
		t.Errorf("second run, step 3 = %q, want %q", steps2["3"], steps["3"])
	}
	if strings.Join(table2, "\n") != strings.Join(table, "\n") {
		t.Errorf("second run's table:\n%s\nwant\n%s", strings.Join(table2, "\n"), strings.Join(table, "\n"))
	}
	if second := counts(); strings.Join(second, "|") != strings.Join(first, "|") {
		t.Errorf("after a second run: %q, want %q", second, first)
	}
	if n := len(lakeLs(t, dir, "--recursive", "s3://traffic-transformed/")); n != files {
		t.Errorf("after a second run, s3://traffic-transformed/ holds %d files, want %d", n, files)
	}
	if n := len(lakeLs(t, dir, "--recursive", "s3://traffic-raw/")); n != 2 {
		t.Errorf("after a second run, s3://traffic-raw/ holds %d files, want 2 (one per arrival hour)", n)
	}
}

// TestDemoStateMachine checks that the demo's INSERT ran as a durable
// execution of the stored state machine, with its history.
func TestDemoStateMachine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := mustWeir(t, dir, "demo", "--events", "600", "--sensors", "10")
	m := regexp.MustCompile(`execution (traffic-etl:repartition-\S+) SUCCEEDED, (\d+) events in its history`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo does not report its execution:\n%s", out)
	}
	if !strings.Contains(mustWeir(t, dir, "executions", "describe", m[1]), "SUCCEEDED") {
		t.Errorf("execution %s is not SUCCEEDED", m[1])
	}
	history := mustWeir(t, dir, "executions", "history", m[1])
	for _, want := range []string{"TaskScheduled", "athena startQueryExecution.sync", "ExecutionSucceeded"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	if !strings.Contains(mustWeir(t, dir, "states", "describe", "traffic-etl"), "arn:aws:states:::athena:startQueryExecution.sync") {
		t.Error("the stored state machine is not the demo's")
	}
}
