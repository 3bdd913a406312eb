package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/query"
)

func (e *env) queriesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "queries",
		Short: "Inspect query executions: list, get, results, cancel",
	}
	var output string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List recent query executions, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectQueries(cmd.Context(), output, func(qs queryService) error {
				execs, _, err := qs.List(cmd.Context(), query.ListOptions{Limit: limit})
				if err != nil {
					return err
				}
				return e.printExecutions(execs, output)
			})
		},
	}
	list.Flags().IntVar(&limit, "limit", 20, "how many to list (at most 50)")
	list.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table, csv or json")

	get := &cobra.Command{
		Use:   "get QUERY_EXECUTION_ID",
		Short: "Show a query execution: state, statistics, error",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectQueries(cmd.Context(), output, func(qs queryService) error {
				x, err := qs.Get(cmd.Context(), args[0])
				if err != nil {
					return kindError(err)
				}
				if output == outputJSON {
					return writeJSON(e.stdout, x)
				}
				e.printExecution(x)
				return nil
			})
		},
	}
	get.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table or json")

	var maxRows int
	results := &cobra.Command{
		Use:   "results QUERY_EXECUTION_ID",
		Short: "Print the result set of a succeeded query execution",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectQueries(cmd.Context(), output, func(qs queryService) error {
				x, err := qs.Get(cmd.Context(), args[0])
				if err != nil {
					return kindError(err)
				}
				if x.State != query.StateSucceeded {
					return &ExitError{Code: ExitFailure, Err: fmt.Errorf("query %s has no results: its state is %s %s", x.ID, x.State, x.StateChangeReason)}
				}
				return e.printResult(cmd.Context(), qs, x, queryFlags{output: output, maxRows: maxRows})
			})
		},
	}
	results.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table, csv or json")
	results.Flags().IntVar(&maxRows, "max-rows", 1000, "most rows to print in table output (0 for all)")

	cancel := &cobra.Command{
		Use:   "cancel QUERY_EXECUTION_ID",
		Short: "Cancel a queued or running query execution",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.cancelQuery(cmd.Context(), args[0])
		},
	}
	cmd.AddCommand(list, get, results, cancel)
	return cmd
}

// inspect runs fn on what a reading verb reads: a weir serve's (the one
// holding the data directory, or --endpoint's), made by remote, else the
// data directory's, read-only, picked by local.
func inspect[T any](e *env, ctx context.Context, remote func(c *apiclient.Client) T, local func(a *app.App) T, fn func(T) error) error {
	c, err := e.server(ctx)
	if err != nil {
		return err
	}
	if c != nil {
		return fn(remote(c))
	}
	a, err := e.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(local(a))
}

// inspectQueries checks an --output value and runs fn on the query
// service, read-only in-process.
func (e *env) inspectQueries(ctx context.Context, output string, fn func(qs queryService) error) error {
	if err := checkOutput(output); err != nil {
		return err
	}
	qs, release, err := e.queries(ctx, "", false)
	if err != nil {
		return err
	}
	defer release()
	return fn(qs)
}

// cancelQuery cancels an execution. The weir serve the verb talks to, or
// another weir process holding the data directory, is asked to stop it;
// if none holds the directory, the execution is cancelled here.
func (e *env) cancelQuery(ctx context.Context, id string) error {
	c, err := e.server(ctx)
	if err != nil {
		return err
	}
	if c != nil {
		return e.cancelElsewhere(ctx, remoteQueries{c}, id)
	}
	a, err := e.open(ctx, "weir queries cancel")
	if errors.Is(err, datadir.ErrLocked) {
		ro, err := e.openReadOnly(ctx)
		if err != nil {
			return err
		}
		defer ro.Close()
		return e.cancelElsewhere(ctx, ro.Queries, id)
	}
	if err != nil {
		return err
	}
	defer a.Close()
	return e.cancelHere(ctx, a, id)
}

// cancelElsewhere asks the process running an execution to cancel it
// and waits a while for it to end.
func (e *env) cancelElsewhere(ctx context.Context, qs queryService, id string) error {
	x, err := qs.Get(ctx, id)
	if err != nil {
		return kindError(err)
	}
	if x.State.Terminal() {
		fmt.Fprintf(e.stdout, "%s already %s\n", id, x.State)
		return nil
	}
	if err := qs.Cancel(ctx, id); err != nil {
		return kindError(err)
	}
	wctx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if x, err = qs.Wait(wctx, id); err != nil {
		fmt.Fprintf(e.stdout, "cancellation of %s requested; the running weir process will stop it\n", id)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s %s\n", id, x.State)
	return nil
}

func (e *env) cancelHere(ctx context.Context, a *app.App, id string) error {
	x, err := a.Queries.Get(ctx, id)
	if err != nil {
		return kindError(err)
	}
	if x.State.Terminal() {
		fmt.Fprintf(e.stdout, "%s already %s\n", id, x.State)
		return nil
	}
	if err := a.Queries.Cancel(ctx, id); err != nil {
		return kindError(err)
	}
	// Nothing runs it: a queued execution left by a stopped process.
	// Drain acts on the cancellation and finishes any other queued work.
	if err := a.Queries.Drain(ctx); err != nil {
		return err
	}
	x, err = a.Queries.Get(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s\n", id, x.State)
	return nil
}

func (e *env) printExecutions(execs []*query.Execution, output string) error {
	switch output {
	case outputJSON:
		return writeList(e.stdout, "queryExecutions", execs)
	case outputCSV:
		fmt.Fprintln(e.stdout, `"query_execution_id","state","statement_type","submitted","total_ms","data_scanned_bytes","query"`)
		for _, x := range execs {
			fmt.Fprintf(e.stdout, "%s,%s,%s,%s,\"%d\",\"%d\",%s\n", csvQuote(x.ID), csvQuote(string(x.State)), csvQuote(x.SubstatementType),
				csvQuote(x.SubmissionTime.Format(time.RFC3339Nano)), x.Statistics.TotalExecutionTimeMillis, x.Statistics.DataScannedInBytes, csvQuote(x.Query))
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUERY EXECUTION ID\tSTATE\tTYPE\tSUBMITTED\tTIME\tSCANNED\tQUERY")
	for _, x := range execs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.State, x.SubstatementType,
			x.SubmissionTime.Local().Format("2006-01-02 15:04:05"), humanDuration(x.Statistics.TotalExecutionTimeMillis),
			humanBytes(x.Statistics.DataScannedInBytes), oneLine(x.Query, 60))
	}
	return tw.Flush()
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

func (e *env) printExecution(x *query.Execution) {
	fw := newFieldWriter(e.stdout)
	row, ts := fw.row, isoMillis
	st := x.Statistics
	row("QueryExecutionId", x.ID)
	row("State", string(x.State))
	row("StateChangeReason", x.StateChangeReason)
	if x.Error != nil {
		row("ErrorCategory", fmt.Sprint(x.Error.ErrorCategory))
		row("ErrorType", fmt.Sprint(x.Error.ErrorType))
	}
	row("StatementType", x.StatementType)
	row("SubstatementType", x.SubstatementType)
	row("Database", x.Database)
	row("OutputLocation", x.OutputLocation)
	row("SubmissionDateTime", ts(x.SubmissionTime))
	row("CompletionDateTime", ts(x.CompletionTime))
	row("QueryQueueTimeInMillis", fmt.Sprint(st.QueryQueueTimeMillis))
	row("EngineExecutionTimeInMillis", fmt.Sprint(st.EngineExecutionTimeMillis))
	row("TotalExecutionTimeInMillis", fmt.Sprint(st.TotalExecutionTimeMillis))
	row("DataScannedInBytes", fmt.Sprint(st.DataScannedInBytes))
	row("ResultRows", fmt.Sprint(st.ResultRows))
	if st.UpdateCount > 0 {
		row("UpdateCount", fmt.Sprint(st.UpdateCount))
	}
	row("DataManifestLocation", st.DataManifestLocation)
	fw.flush()
	fmt.Fprintf(e.stdout, "Query:\n%s\n", indent(x.Query))
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
