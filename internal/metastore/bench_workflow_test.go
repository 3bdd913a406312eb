package metastore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/workflow"
)

// passChain is a definition of n Pass states in a row.
func passChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt": "S0", "States": {`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == n-1 {
			fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "End": true}`, i)
		} else {
			fmt.Fprintf(&b, `"S%d": {"Type": "Pass", "Next": "S%d"}`, i, i+1)
		}
	}
	b.WriteString("}}")
	return b.String()
}

// benchTransitions runs def on input durably, in a fresh database per
// iteration, and the same execution in memory (workflow.MemStore) as the
// baseline, and reports state transitions per second of each, their
// ratio, and history bytes per transition.
func benchTransitions(b *testing.B, def string, input any) {
	ctx := context.Background()
	var transitions, bytes int64
	var durable, memory time.Duration
	for i := range b.N {
		db := openTest(b)
		// No history limit: an inline Map of 10,000 items records ~40,000
		// events, past AWS's 25,000 (there it would be a distributed Map).
		r := workflow.NewRunner(workflow.Options{Store: db.Workflows(), MaxHistoryEvents: -1})
		e, _, err := r.Create(ctx, def, input, workflow.ExecutionInfo{Name: fmt.Sprint("run", i), Machine: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		x, err := r.Execute(ctx, e.ARN)
		durable += time.Since(start)
		if err != nil || x.Status != workflow.StatusSucceeded {
			b.Fatalf("%v %+v", err, x)
		}
		events, err := db.Workflows().History(ctx, e.ARN)
		if err != nil {
			b.Fatal(err)
		}
		for _, ev := range events {
			if strings.HasSuffix(ev.Type, "StateEntered") {
				transitions++
			}
			raw, _ := json.Marshal(ev.MarshalMap())
			bytes += int64(len(raw))
		}

		mem := workflow.NewRunner(workflow.Options{Store: workflow.NewMemStore(), MaxHistoryEvents: -1})
		e, _, err = mem.Create(ctx, def, input, workflow.ExecutionInfo{Name: "mem", Machine: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if x, err := mem.Execute(ctx, e.ARN); err != nil || x.Status != workflow.StatusSucceeded {
			b.Fatalf("%v %+v", err, x)
		}
		memory += time.Since(start)
	}
	b.ReportMetric(float64(transitions)/durable.Seconds(), "transitions/s")
	b.ReportMetric(float64(transitions)/memory.Seconds(), "memory-transitions/s")
	b.ReportMetric(memory.Seconds()/durable.Seconds(), "durable/memory-speed")
	b.ReportMetric(float64(bytes)/float64(transitions), "history-bytes/transition")
}

func BenchmarkTransitionsPassChain(b *testing.B) {
	benchTransitions(b, passChain(1000), map[string]any{"n": json.Number("1")})
}

func BenchmarkTransitionsMap(b *testing.B) {
	items := make([]any, 10000)
	for i := range items {
		items[i] = json.Number(fmt.Sprint(i))
	}
	def := `{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 40, "End": true,
		"ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`
	benchTransitions(b, def, items)
}
