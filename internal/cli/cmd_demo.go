package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/demo"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/workflow"
)

func (e *env) demoCommand() *cobra.Command {
	opts := demo.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the built-in traffic pipeline end to end",
		Long: `Run seed 000's pipeline on your machine: generate Flemish traffic sensor events
into the lake as Firehose would (JSON lines in arrival-hour folders), catalogue
them as an Athena table, repartition them by event time with the pipeline's
INSERT INTO (3- and 20-reading window averages, jam indicators, Parquet
partitioned by year/month/day/hour) run by the pipeline's state machine (an
Athena task in Amazon States Language, recorded as a durable execution), and
report traffic jams per day.

The demo owns the database 'traffic' and the buckets 'traffic-raw' and
'traffic-transformed' of the data directory: it replaces them on every run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Events < 1 || opts.Sensors < 1 {
				return usageError("--events and --sensors must be positive")
			}
			return e.runDemo(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Events, "events", opts.Events, "number of traffic events to generate")
	cmd.Flags().IntVar(&opts.Sensors, "sensors", opts.Sensors, "number of sensors (one reading per sensor per minute)")
	return cmd
}

func (e *env) runDemo(ctx context.Context, opts demo.Options) error {
	a, err := e.open(ctx, "weir demo")
	if err != nil {
		return err
	}
	defer a.Close()
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	defer func() { stop(); <-done }()

	fmt.Fprintf(e.stdout, "weir demo: seed 000's traffic pipeline (Firehose → Glue catalog → Athena INSERT INTO), in %s\n\n", a.Dir.Root)
	step := func(n int, format string, args ...any) {
		fmt.Fprintf(e.stdout, "%d. "+format+"\n", append([]any{n}, args...)...)
	}

	// 1. Start from a clean slate: the demo's database and buckets.
	if _, err := e.demoStatement(ctx, a, "DROP DATABASE IF EXISTS traffic CASCADE"); err != nil {
		return err
	}
	for _, name := range []string{demo.RawBucket, demo.TransformedBucket} {
		if err := emptyBucket(ctx, a.Lake, name); err != nil {
			return err
		}
	}
	raw, err := a.Lake.Bucket(ctx, demo.RawBucket)
	if err != nil {
		return err
	}

	t0 := time.Now()
	events := demo.Generate(opts)
	folders, err := demo.Write(ctx, raw, "", events)
	if err != nil {
		return err
	}
	var bytes int64
	for _, f := range folders {
		bytes += f.Bytes
	}
	step(1, "Generated %s sensor readings (%d sensors, one a minute) as JSON lines in %d arrival-hour folders of s3://%s/ (%s)  [%s]",
		groupDigits(int64(len(events))), opts.Sensors, len(folders), demo.RawBucket, humanBytes(bytes), since(t0))

	t0 = time.Now()
	for _, sql := range demo.SetupSQL(folders) {
		if _, err := e.demoStatement(ctx, a, sql); err != nil {
			return err
		}
	}
	step(2, "Catalogued traffic.raw (OpenX JSON SerDe, %d partitions partition_0..3) and traffic.%s (Parquet, partitioned by year/month/day/hour)  [%s]",
		len(folders), demo.TransformedTable, since(t0))

	t0 = time.Now()
	days := demo.Days(events)
	var dayValues []string
	for _, d := range days {
		dayValues = append(dayValues, d.Format("02"))
	}
	run, x, err := e.demoMachine(ctx, a, demo.InsertSQL(days[0].Format("2006"), days[0].Format("01"), dayValues))
	if err != nil {
		return err
	}
	parts, err := a.Catalog.ListPartitions(ctx, demo.Database, demo.TransformedTable)
	if err != nil {
		return err
	}
	step(3, "Repartitioned by event time with INSERT INTO (window averages over 3 and 20 readings): %s rows into %d partitions of s3://%s/, %s scanned  [%s]\n"+
		"   as seed 000 does it: state machine %s (Athena task, Retry, Catch), execution %s:%s %s, %d events in its history",
		groupDigits(x.Statistics.UpdateCount), len(parts), demo.TransformedBucket, humanBytes(x.Statistics.DataScannedInBytes), since(t0),
		demo.MachineName, demo.MachineName, run.Name, run.Status, len(run.Events))

	x, err = e.demoStatement(ctx, a, demo.ReportSQL)
	if err != nil {
		return err
	}
	step(4, "Traffic per hour (a jam reading is one whose 3-reading average is between 0 and 40 km/h):")
	fmt.Fprintln(e.stdout)
	if err := e.printResult(ctx, a.Queries, x, queryFlags{output: outputTable, maxRows: 100}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, `
Next:
  weir query --database traffic "SELECT uniqueid, hour, avgspeed3minutes FROM %s WHERE day = %d AND trafficjamindicator = 1 LIMIT 10"
  weir query --database traffic "SHOW PARTITIONS %s"
  weir lake ls --recursive s3://%s/
  weir executions history %s:%s
  weir queries list
`, demo.TransformedTable, days[0].Day(), demo.TransformedTable, demo.TransformedBucket, demo.MachineName, run.Name)
	return nil
}

func since(t time.Time) string { return humanDuration(time.Since(t).Milliseconds()) }

// demoMachine stores the demo's state machine and runs an execution of
// it on the INSERT; it returns the execution and the INSERT's query.
func (e *env) demoMachine(ctx context.Context, a *app.App, insert string) (*workflow.Result, *query.Execution, error) {
	w := a.Meta.Workflows()
	sm := &metastore.StateMachine{Name: demo.MachineName, Definition: demo.Machine}
	err := w.PutStateMachine(ctx, sm, true)
	if errs.KindOf(err) == errs.NotFound {
		err = w.PutStateMachine(ctx, sm, false) // the first run
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := a.Runner(nil)
	if err != nil {
		return nil, nil, err
	}
	name := "repartition-" + time.Now().UTC().Format("20060102T150405.000")
	x, _, err := r.Create(ctx, demo.Machine, map[string]any{"insert": insert},
		workflow.ExecutionInfo{Name: name, Machine: demo.MachineName, StateMachineARN: machineARN(demo.MachineName)})
	if err != nil {
		return nil, nil, err
	}
	res, err := r.Resume(ctx, x.ARN)
	if err != nil {
		return nil, nil, err
	}
	if res.Status != workflow.StatusSucceeded {
		return nil, nil, fmt.Errorf("demo state machine %s ended %s: %s: %s", demo.MachineName, res.Status, res.Error, res.Cause)
	}
	var qid string
	for _, ev := range res.Events {
		if ev.Type == "TaskSucceeded" && ev.Details["resource"] == "startQueryExecution.sync" {
			var out struct {
				QueryExecution struct{ QueryExecutionId string }
			}
			if err := json.Unmarshal([]byte(fmt.Sprint(ev.Details["output"])), &out); err == nil {
				qid = out.QueryExecution.QueryExecutionId
			}
		}
	}
	q, err := a.Queries.Get(ctx, qid)
	if err != nil {
		return nil, nil, fmt.Errorf("demo: the INSERT's query execution: %w", err)
	}
	return res, q, nil
}

// demoStatement runs one statement and fails with its error.
func (e *env) demoStatement(ctx context.Context, a *app.App, sql string) (*query.Execution, error) {
	x, err := a.Queries.Execute(ctx, query.StartInput{Query: sql, Database: "default"})
	if err != nil {
		return nil, err
	}
	if x.State != query.StateSucceeded {
		return nil, fmt.Errorf("demo statement failed: %s\n%s", x.StateChangeReason, sql)
	}
	return x, nil
}

// emptyBucket makes sure a bucket exists and holds nothing.
func emptyBucket(ctx context.Context, store lake.Store, name string) error {
	b, err := store.Bucket(ctx, name)
	if errors.Is(err, lake.ErrBucketNotExist) {
		_, err = store.CreateBucket(ctx, name)
		return err
	}
	if err != nil {
		return err
	}
	var keys []string
	for obj, err := range b.List(ctx, "", true) {
		if err != nil {
			return err
		}
		keys = append(keys, obj.Key)
	}
	for _, k := range keys {
		if err := b.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
