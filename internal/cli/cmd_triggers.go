package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/trigger"
)

func (e *env) triggersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "triggers",
		Short: "Triggers (EventBridge rules): start targets when objects land or runs end",
		Long: `A trigger starts a target when something happens. Event sources (--on):

  lake:s3://BUCKET/PREFIX/     objects created or overwritten under the prefix, batched:
                               the batch fires once no object arrived for --debounce
                               (default 10s), or when it holds --batch-size objects
                               (default 1000), or when its oldest waited --max-wait
                               (default 5m); its keys go in an S3 "Object Created" event
  crawler:NAME:STATE           a crawl of crawler NAME ends SUCCEEDED, FAILED or CANCELLED
  query:STATE                  any query ends SUCCEEDED, FAILED or CANCELLED
  query:DATABASE:STATE         a query in DATABASE ends in STATE
  execution:MACHINE:STATE      an execution of MACHINE (* for any) ends SUCCEEDED, FAILED,
                               TIMED_OUT or ABORTED

STATE may list several: execution:etl:FAILED,TIMED_OUT,ABORTED. Targets are written as
for schedules: state-machine:NAME and function:NAME (their input is the event, or
--input with <aws.events.event.json> where the event goes), crawler:NAME, query:SQL.

Triggers FIRE ONLY WHILE 'weir serve' RUNS (it polls every second); these commands
store and show them. Without a server, 'weir triggers poll' checks the sources once
and fires what is due. Objects that land or runs that end while no server runs fire
once when it starts. See docs/triggers.md.`,
		Example: `  weir triggers create raw-landed --on lake:s3://raw/traffic/ --target crawler:raw --debounce 30s
  weir triggers create raw-crawled --on crawler:raw:SUCCEEDED --target state-machine:etl
  weir triggers create etl-failed --on execution:etl:FAILED,TIMED_OUT --target state-machine:alert
  weir triggers history raw-landed
  weir serve      # fires them`,
	}
	var output string
	outputFlag := func(c *cobra.Command) {
		c.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table or json")
	}

	var on, target, input, description string
	var debounce, maxWait time.Duration
	var batchSize int
	var disabled bool
	create := &cobra.Command{
		Use:   "create NAME --on SOURCE --target TARGET [flags]",
		Short: "Create a trigger; what its source holds now does not fire it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if on == "" || target == "" {
				return usageError("give the trigger's --on SOURCE and --target TARGET")
			}
			src, err := trigger.ParseSource(on)
			if err != nil {
				return usageError("--on: %s", errs.Message(err))
			}
			tg, err := schedule.ParseTarget(target)
			if err != nil {
				return usageError("--target: %s", errs.Message(err))
			}
			if file, ok := strings.CutPrefix(tg.Name, "@"); ok && tg.Kind == schedule.TargetQuery {
				b, err := os.ReadFile(file)
				if err != nil {
					return usageError("--target query:@%s: %v", file, err)
				}
				tg.Name = strings.TrimSpace(string(b))
			}
			if file, ok := strings.CutPrefix(input, "@"); ok {
				b, err := os.ReadFile(file)
				if err != nil {
					return usageError("--input @%s: %v", file, err)
				}
				input = strings.TrimSpace(string(b))
			}
			t := &trigger.Trigger{Name: args[0], Source: src, Target: tg, Input: input, Description: description,
				Batch: trigger.Batch{Debounce: trigger.Duration(debounce), Size: batchSize, MaxWait: trigger.Duration(maxWait)}}
			if disabled {
				t.State = trigger.StateDisabled
			}
			return e.changeTrigger(cmd.Context(), "create", t.Name, output, func(ts triggers) (*trigger.Trigger, error) {
				return ts.Create(cmd.Context(), t)
			})
		},
	}
	fl := create.Flags()
	fl.StringVar(&on, "on", "", "event source: lake:s3://BUCKET/PREFIX/, crawler:NAME:STATE, query:[DATABASE:]STATE or execution:MACHINE:STATE")
	fl.StringVar(&target, "target", "", "what to start: state-machine:NAME, crawler:NAME, function:NAME, query:SQL or query:@FILE")
	fl.StringVar(&input, "input", "", "JSON input template (or @FILE); default for a state machine: the event. Variables: <aws.events.event.json>, <aws.events.rule-name>, ...")
	fl.DurationVar(&debounce, "debounce", 0, "lake sources: fire once no object arrived for this long (default 10s)")
	fl.IntVar(&batchSize, "batch-size", 0, fmt.Sprintf("lake sources: fire when a batch holds this many objects (default %d, at most %d)", trigger.DefaultBatchSize, trigger.MaxBatchSize))
	fl.DurationVar(&maxWait, "max-wait", 0, "lake sources: fire when a batch's oldest object waited this long (default 5m)")
	fl.StringVar(&description, "description", "", "what the trigger is for")
	fl.BoolVar(&disabled, "disabled", false, "create the trigger DISABLED")
	outputFlag(create)

	state := func(verb, short string, f func(ts triggers, ctx context.Context, name string) (*trigger.Trigger, error)) *cobra.Command {
		c := &cobra.Command{
			Use:   verb + " NAME",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return e.changeTrigger(cmd.Context(), verb, args[0], output, func(ts triggers) (*trigger.Trigger, error) {
					return f(ts, cmd.Context(), args[0])
				})
			},
		}
		outputFlag(c)
		return c
	}
	enable := state("enable", "Enable a trigger: it fires on what happens from now on", triggers.Enable)
	disable := state("disable", "Disable a trigger: what happens while it is disabled never fires it", triggers.Disable)

	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a trigger and its history (runs it started go on)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ts, done, err := e.triggers(cmd.Context(), "delete")
			if err != nil {
				return err
			}
			defer done()
			if err := ts.Delete(cmd.Context(), args[0]); err != nil {
				return triggerError(args[0], err)
			}
			fmt.Fprintf(e.stdout, "trigger %s deleted\n", args[0])
			return nil
		},
	}

	get := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a trigger",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectTriggers(cmd.Context(), output, func(ts triggers) error {
				t, err := ts.Get(cmd.Context(), args[0])
				if err != nil {
					return triggerError(args[0], err)
				}
				return e.printTrigger(t, output)
			})
		},
	}
	outputFlag(get)

	list := &cobra.Command{
		Use:   "list",
		Short: "List triggers with their state, source and target",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectTriggers(cmd.Context(), output, func(ts triggers) error {
				list, err := ts.List(cmd.Context())
				if err != nil {
					return err
				}
				if output == outputJSON {
					out := make([]triggerJSON, len(list))
					for i, t := range list {
						out[i] = triggerView(t)
					}
					return writeList(e.stdout, "triggers", out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tSTATE\tSOURCE\tTARGET\tPENDING\tLAST FIRE TIME")
				for _, t := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.Name, t.State, t.Source, oneLine(t.Target.String(), 60), t.Pending+len(t.Due), isoMillis(t.LastFire))
				}
				return tw.Flush()
			})
		},
	}
	outputFlag(list)

	var limit int
	history := &cobra.Command{
		Use:   "history NAME",
		Short: "Show a trigger's runs: each firing and what it started, or why it did not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectTriggers(cmd.Context(), output, func(ts triggers) error {
				runs, err := ts.History(cmd.Context(), args[0], limit)
				if err != nil {
					return triggerError(args[0], err)
				}
				fired := make([]trigger.Fired, len(runs))
				for i, r := range runs {
					fired[i] = trigger.Fired{Trigger: args[0], Run: r}
				}
				return e.printTriggerRuns(fired, output, false)
			})
		},
	}
	history.Flags().IntVar(&limit, "limit", 20, fmt.Sprintf("runs to show, newest first (0: all kept, at most %d)", trigger.HistoryLimit))
	outputFlag(history)

	var flush bool
	poll := &cobra.Command{
		Use:   "poll",
		Short: "Check every trigger's source once, fire what is due, and wait for the runs (no weir serve needed)",
		Long: `poll does once what 'weir serve' does every second: it reads each enabled trigger's
source, records objects that landed and runs that ended since the last check, and fires
what is due: state changes at once, lake batches when their quiet period, size or age
is reached (--flush: at once). It then waits in this process until the executions,
crawls and queries it started end, and prints what it fired. Run it from a CI job or cron:

  weir lake cp data.json s3://raw/in/ && weir triggers poll --flush`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkScheduleOutput(output); err != nil {
				return err
			}
			return e.pollTriggers(cmd.Context(), flush, output)
		},
	}
	poll.Flags().BoolVar(&flush, "flush", false, "fire pending lake batches now, without waiting for --debounce")
	outputFlag(poll)

	cmd.AddCommand(create, enable, disable, del, get, list, history, poll)
	return cmd
}

// pollTriggers runs one Poll in this process and waits for what it
// started.
func (e *env) pollTriggers(ctx context.Context, flush bool, output string) error {
	a, err := e.openWork(ctx, "weir triggers poll", false)
	if err != nil {
		return err
	}
	defer a.Close()
	stop := e.runApp(a) // the query workers
	defer stop()
	fired, err := a.Triggers.Poll(ctx, trigger.PollOptions{Flush: flush})
	a.WaitScheduledRuns()
	for _, f := range fired {
		if f.Run.Status != trigger.RunStarted {
			continue
		}
		if t, gerr := a.Triggers.Get(ctx, f.Trigger); gerr == nil && t.Target.Kind == schedule.TargetQuery {
			if _, werr := a.Queries.Wait(ctx, f.Run.RunID); werr != nil {
				err = errors.Join(err, werr)
			}
		}
	}
	if perr := e.printTriggerRuns(fired, output, true); perr != nil {
		return perr
	}
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: errors.New(errs.Message(err))}
	}
	return nil
}

// inspectTriggers runs fn on the triggers to read: a weir serve's (the
// one holding the data directory, or --endpoint's), else the data
// directory's, read-only.
func (e *env) inspectTriggers(ctx context.Context, output string, fn func(ts triggers) error) error {
	if err := checkScheduleOutput(output); err != nil {
		return err
	}
	return inspect(e, ctx, func(c *apiclient.Client) triggers { return remoteTriggers{c} },
		func(a *app.App) triggers { return a.Triggers }, fn)
}

// changeTrigger runs fn on the triggers (see triggers) and shows the
// trigger it returns.
func (e *env) changeTrigger(ctx context.Context, verb, name, output string, fn func(ts triggers) (*trigger.Trigger, error)) error {
	if err := checkScheduleOutput(output); err != nil {
		return err
	}
	ts, done, err := e.triggers(ctx, verb)
	if err != nil {
		return err
	}
	defer done()
	t, err := fn(ts)
	if err != nil {
		return triggerError(name, err)
	}
	if output == outputJSON {
		return writeJSON(e.stdout, triggerView(t))
	}
	fmt.Fprintf(e.stdout, "trigger %s %sd: %s on %s → %s (fires only while 'weir serve' runs, or with 'weir triggers poll')\n",
		t.Name, verb, t.State, t.Source, oneLine(t.Target.String(), 80))
	return nil
}

// triggerError words a missing or duplicate trigger for the command
// line.
func triggerError(name string, err error) error {
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		return ee
	case errors.Is(err, errs.NotFound):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("trigger %s does not exist (see 'weir triggers list')", name)}
	case errors.Is(err, errs.Exists):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("trigger %s already exists; delete it first with 'weir triggers delete %s'", name, name)}
	case errors.Is(err, errs.Invalid), errors.Is(err, errs.Conflict):
		return &ExitError{Code: ExitFailure, Err: errors.New(errs.Message(err))}
	}
	return kindError(err)
}

// triggerJSON is a trigger in -o json: the stored trigger and its ARN.
type triggerJSON struct {
	*trigger.Trigger
	Arn string `json:"Arn"`
}

func triggerView(t *trigger.Trigger) triggerJSON {
	return triggerJSON{Trigger: t, Arn: trigger.ARN(t.Name)}
}

func (e *env) printTrigger(t *trigger.Trigger, output string) error {
	if output == outputJSON {
		return writeJSON(e.stdout, triggerView(t))
	}
	fw := newFieldWriter(e.stdout)
	row := fw.row
	row("Name", t.Name)
	row("Arn", trigger.ARN(t.Name))
	row("State", string(t.State))
	row("EventSource", t.Source.String())
	row("Target", string(t.Target.Kind)+":"+oneLine(t.Target.Name, 200))
	row("Input", t.Input)
	if t.Source.Kind == trigger.SourceLake {
		row("Debounce", time.Duration(t.Batch.Debounce).String())
		row("BatchSize", fmt.Sprint(t.Batch.Size))
		row("MaxWait", time.Duration(t.Batch.MaxWait).String())
		row("PendingObjects", fmt.Sprint(t.Pending))
		row("BatchStart", isoMillis(t.BatchStart))
		row("LastArrival", isoMillis(t.LastArrival))
	} else {
		row("DueEvents", fmt.Sprint(len(t.Due)))
	}
	row("Description", t.Description)
	row("Created", isoMillis(t.Created))
	row("Updated", isoMillis(t.Updated))
	row("Since", isoMillis(t.Since))
	row("LastFireTime", isoMillis(t.LastFire))
	fw.flush()
	return nil
}

// triggerRunJSON is one run in -o json.
type triggerRunJSON struct {
	Trigger string `json:"Trigger"`
	trigger.Run
}

func (e *env) printTriggerRuns(fired []trigger.Fired, output string, poll bool) error {
	if output == outputJSON {
		out := make([]triggerRunJSON, len(fired))
		for i, f := range fired {
			out[i] = triggerRunJSON{Trigger: f.Trigger, Run: f.Run}
		}
		return writeList(e.stdout, "runs", out)
	}
	if len(fired) == 0 {
		if poll {
			fmt.Fprintln(e.stdout, "nothing was due")
		} else {
			fmt.Fprintln(e.stdout, "no runs yet")
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TRIGGER\tFIRE TIME\tSTATUS\tEVENT\tRUN / REASON")
	for _, f := range fired {
		what := f.Run.RunID
		if f.Run.Status != trigger.RunStarted {
			what = f.Run.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Trigger, isoMillis(f.Run.FireTime), f.Run.Status, f.Run.Summary, oneLine(what, 120))
	}
	return tw.Flush()
}
