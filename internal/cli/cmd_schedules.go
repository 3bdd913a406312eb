package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
)

// scheduleFlags are the definition flags of create and update.
type scheduleFlags struct {
	expression, target, input, timezone string
	start, end, overlap, catchUp        string
	description                         string
	disabled                            bool
}

func (f *scheduleFlags) register(fl *pflag.FlagSet, create bool) {
	fl.StringVar(&f.expression, "expression", "", "rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)")
	fl.StringVar(&f.target, "target", "", "what to start: state-machine:NAME, crawler:NAME, function:NAME, query:SQL or query:@FILE")
	fl.StringVar(&f.input, "input", "", "JSON input (or @FILE): a state machine's execution input; for a query, QueryExecutionContext.Database and ResultConfiguration.OutputLocation")
	fl.StringVar(&f.timezone, "timezone", "", "IANA time zone of cron and at expressions, e.g. Europe/Brussels (default UTC)")
	fl.StringVar(&f.start, "start", "", "first moment a recurring schedule may fire: RFC 3339, or yyyy-mm-ddThh:mm:ss in --timezone ('' on update: none)")
	fl.StringVar(&f.end, "end", "", "a recurring schedule fires strictly before it: RFC 3339, or yyyy-mm-ddThh:mm:ss in --timezone ('' on update: none)")
	fl.StringVar(&f.overlap, "overlap", "", "when the previous run is still open: skip (default), allow, or queue")
	fl.StringVar(&f.catchUp, "catch-up", "", "fire times missed while weir serve was not running: none, one (default: the latest), or all")
	fl.StringVar(&f.description, "description", "", "what the schedule is for")
	if create {
		fl.BoolVar(&f.disabled, "disabled", false, "create the schedule DISABLED")
	}
}

// apply sets the flags the user gave on d.
func (f *scheduleFlags) apply(fl *pflag.FlagSet, d *schedule.Definition) error {
	if fl.Changed("expression") {
		d.Expression = f.expression
	}
	if fl.Changed("timezone") {
		d.TimeZone = f.timezone
	}
	if fl.Changed("target") {
		t, err := schedule.ParseTarget(f.target)
		if err != nil {
			return usageError("--target: %s", errs.Message(err))
		}
		if file, ok := strings.CutPrefix(t.Name, "@"); ok && t.Kind == schedule.TargetQuery {
			b, err := os.ReadFile(file)
			if err != nil {
				return usageError("--target query:@%s: %v", file, err)
			}
			t.Name = strings.TrimSpace(string(b))
		}
		d.Target = t
	}
	if fl.Changed("input") {
		d.Input = f.input
		if file, ok := strings.CutPrefix(f.input, "@"); ok {
			b, err := os.ReadFile(file)
			if err != nil {
				return usageError("--input @%s: %v", file, err)
			}
			d.Input = strings.TrimSpace(string(b))
		}
	}
	for _, x := range []struct {
		flag, value string
		dst         *time.Time
	}{{"start", f.start, &d.Start}, {"end", f.end, &d.End}} {
		if !fl.Changed(x.flag) {
			continue
		}
		t, err := parseScheduleTime(x.value, d.TimeZone)
		if err != nil {
			return usageError("--%s %q: %v", x.flag, x.value, err)
		}
		*x.dst = t
	}
	if fl.Changed("overlap") {
		d.Overlap = schedule.Overlap(f.overlap)
	}
	if fl.Changed("catch-up") {
		d.CatchUp = schedule.CatchUp(f.catchUp)
	}
	if fl.Changed("description") {
		d.Description = f.description
	}
	return nil
}

// parseScheduleTime reads a --start or --end: RFC 3339, or a wall-clock
// time in the schedule's zone; "" is none.
func parseScheduleTime(s, zone string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	loc, err := schedule.LoadLocation(zone)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s, loc)
	if err != nil {
		return time.Time{}, errors.New("want RFC 3339 (2026-03-01T09:00:00Z) or yyyy-mm-ddThh:mm:ss in the schedule's time zone")
	}
	return t.UTC(), nil
}

func (e *env) schedulesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedules",
		Short: "Schedules (EventBridge Scheduler): start state machines, crawlers and queries on a timetable",
		Long: `A schedule starts a target on a timetable: rate(1 day), cron(0 8 ? * MON-FRI *) or a
one-time at(2026-12-01T09:00:00), read in its --timezone with EventBridge Scheduler's
daylight-saving rules. Targets:

  state-machine:NAME   an execution of a stored state machine (weir states create),
                       --input is its execution input
  crawler:NAME         a crawl (weir crawlers create); no input
  function:NAME        an asynchronous invocation of a function (weir functions create),
                       --input is its event ({} without); its outcome goes to the log
  query:SQL            an Athena query; query:@FILE reads the SQL from a file once, when
                       the schedule is created or updated; --input may give
                       {"QueryExecutionContext": {"Database": "db"},
                        "ResultConfiguration": {"OutputLocation": "s3://bucket/prefix/"}}

The input may use EventBridge Scheduler's context attributes <aws.scheduler.scheduled-time>,
<aws.scheduler.schedule-arn>, <aws.scheduler.execution-id> and <aws.scheduler.attempt-number>.

Schedules FIRE ONLY WHILE 'weir serve' RUNS; these commands store and show them. Without a
server, 'weir schedules run-due' fires what is due once (from cron or a CI job).
--overlap says what happens when the previous run is still open (skip, allow, queue);
--catch-up what happens to fire times missed while no server ran (none, one, all).
See docs/schedules.md.`,
		Example: `  weir schedules create nightly --expression 'cron(0 2 * * ? *)' --timezone Europe/Brussels \
      --target state-machine:etl --input '{"day": "<aws.scheduler.scheduled-time>"}'
  weir schedules create hourly-crawl --expression 'rate(1 hour)' --target crawler:raw
  weir schedules get nightly
  weir schedules history nightly
  weir serve      # fires them`,
	}
	var output string
	outputFlag := func(c *cobra.Command) {
		c.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table or json")
	}

	var cf scheduleFlags
	create := &cobra.Command{
		Use:   "create NAME --expression EXPR --target TARGET [flags]",
		Short: "Create a schedule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("expression") || !cmd.Flags().Changed("target") {
				return usageError("give the schedule's --expression and --target")
			}
			d := &schedule.Definition{Name: args[0]}
			if cf.disabled {
				d.State = schedule.StateDisabled
			}
			if err := cf.apply(cmd.Flags(), d); err != nil {
				return err
			}
			return e.changeSchedule(cmd.Context(), "create", d.Name, output, func(s schedules) (*schedule.Definition, error) {
				return s.Create(cmd.Context(), d)
			})
		},
	}
	cf.register(create.Flags(), true)
	outputFlag(create)

	var uf scheduleFlags
	update := &cobra.Command{
		Use:   "update NAME [flags]",
		Short: "Change a schedule (the flags given replace the old values)",
		Long: `update changes what the flags name and keeps the rest. A new expression, time zone,
start or end counts from now: fire times before the change are not caught up. A
COMPLETED schedule given new fire times is ENABLED again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.changeSchedule(cmd.Context(), "update", args[0], output, func(s schedules) (*schedule.Definition, error) {
				return s.Update(cmd.Context(), args[0], func(d *schedule.Definition) error { return uf.apply(cmd.Flags(), d) })
			})
		},
	}
	uf.register(update.Flags(), false)
	outputFlag(update)

	state := func(verb, short string, f func(s schedules, ctx context.Context, name string) (*schedule.Definition, error)) *cobra.Command {
		c := &cobra.Command{
			Use:   verb + " NAME",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return e.changeSchedule(cmd.Context(), verb, args[0], output, func(s schedules) (*schedule.Definition, error) {
					return f(s, cmd.Context(), args[0])
				})
			},
		}
		outputFlag(c)
		return c
	}
	enable := state("enable", "Enable a schedule: it fires from now on (times missed while disabled are not caught up)", schedules.Enable)
	disable := state("disable", "Disable a schedule: it does not fire until enabled; its queued fire times are dropped", schedules.Disable)

	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a schedule and its run history (runs it started go on)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := e.schedules(cmd.Context(), "delete")
			if err != nil {
				return err
			}
			defer done()
			if err := s.Delete(cmd.Context(), args[0]); err != nil {
				return scheduleError(args[0], err)
			}
			fmt.Fprintf(e.stdout, "schedule %s deleted\n", args[0])
			return nil
		},
	}

	get := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a schedule and its next 5 fire times",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectSchedules(cmd.Context(), output, func(s schedules) error {
				d, err := s.Get(cmd.Context(), args[0])
				if err != nil {
					return scheduleError(args[0], err)
				}
				return e.printSchedule(d, output)
			})
		},
	}
	outputFlag(get)

	list := &cobra.Command{
		Use:   "list",
		Short: "List schedules with their state, target and next fire time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectSchedules(cmd.Context(), output, func(s schedules) error {
				defs, err := s.List(cmd.Context())
				if err != nil {
					return err
				}
				return e.printSchedules(defs, output)
			})
		},
	}
	outputFlag(list)

	var limit int
	history := &cobra.Command{
		Use:   "history NAME",
		Short: "Show a schedule's runs: each fire time and what it started, or why it did not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectSchedules(cmd.Context(), output, func(s schedules) error {
				runs, err := s.History(cmd.Context(), args[0], limit)
				if err != nil {
					return scheduleError(args[0], err)
				}
				return e.printRuns(runs, output)
			})
		},
	}
	history.Flags().IntVar(&limit, "limit", 20, fmt.Sprintf("runs to show, newest first (0: all kept, at most %d)", schedule.HistoryLimit))
	outputFlag(history)

	runDue := &cobra.Command{
		Use:   "run-due",
		Short: "Fire what is due now, once, and wait for the runs it starts (no weir serve needed)",
		Long: `run-due does once what 'weir serve' does continuously: every enabled schedule with a fire
time due since its last one starts its target (missed fire times go through the
schedule's catch-up policy, open runs through its overlap policy; fire times more than a
minute old count as missed), and a queued fire time whose previous run has ended starts.
It then waits in this process until the executions, crawls and queries it started end,
and prints what it did. Run it from cron or a CI job where no server runs:

  */5 * * * *  weir --data-dir /srv/weir schedules run-due`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkScheduleOutput(output); err != nil {
				return err
			}
			return e.runDue(cmd.Context(), output)
		},
	}
	outputFlag(runDue)

	cmd.AddCommand(create, update, enable, disable, del, get, list, history, runDue)
	return cmd
}

func checkScheduleOutput(output string) error {
	if output != outputTable && output != outputJSON {
		return usageError("--output %q must be table or json", output)
	}
	return nil
}

// inspectSchedules runs fn on the schedules to read: a weir serve's
// (the one holding the data directory, or --endpoint's), else the data
// directory's, read-only.
func (e *env) inspectSchedules(ctx context.Context, output string, fn func(s schedules) error) error {
	if err := checkScheduleOutput(output); err != nil {
		return err
	}
	return inspect(e, ctx, func(c *apiclient.Client) schedules { return remoteSchedules{c} },
		func(a *app.App) schedules { return a.Scheduler }, fn)
}

// changeSchedule runs fn on the schedules (see schedules) and shows the
// schedule it returns.
func (e *env) changeSchedule(ctx context.Context, verb, name, output string, fn func(s schedules) (*schedule.Definition, error)) error {
	if err := checkScheduleOutput(output); err != nil {
		return err
	}
	s, done, err := e.schedules(ctx, verb)
	if err != nil {
		return err
	}
	defer done()
	d, err := fn(s)
	if err != nil {
		return scheduleError(name, err)
	}
	if output == outputJSON {
		return writeJSON(e.stdout, scheduleView(d))
	}
	next := "none"
	if n := schedule.NextFires(d, 1); len(n) > 0 {
		next = fireTimeText(n[0], d.TimeZone)
	}
	fmt.Fprintf(e.stdout, "schedule %s %sd: %s; next fire time %s (fires only while 'weir serve' runs)\n", d.Name, verb, d.State, next)
	return nil
}

// scheduleError words a missing or duplicate schedule for the command
// line.
func scheduleError(name string, err error) error {
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		return ee
	case errors.Is(err, errs.NotFound):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("schedule %s does not exist (see 'weir schedules list')", name)}
	case errors.Is(err, errs.Exists):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("schedule %s already exists; change it with 'weir schedules update %s'", name, name)}
	case errors.Is(err, errs.Invalid), errors.Is(err, errs.Conflict):
		return &ExitError{Code: ExitFailure, Err: errors.New(errs.Message(err))}
	}
	return kindError(err)
}

// scheduleJSON is a schedule in -o json: the stored definition, its ARN
// and its next fire times.
type scheduleJSON struct {
	*schedule.Definition
	Arn           string   `json:"Arn"`
	NextFireTimes []string `json:"NextFireTimes"`
}

func scheduleView(d *schedule.Definition) scheduleJSON {
	v := scheduleJSON{Definition: d, Arn: schedule.ARN(d.Name), NextFireTimes: []string{}}
	for _, t := range schedule.NextFires(d, 5) {
		v.NextFireTimes = append(v.NextFireTimes, isoMillis(t))
	}
	return v
}

// fireTimeText shows a fire time in UTC and, for a zoned schedule, in
// its zone.
func fireTimeText(t time.Time, zone string) string {
	s := isoMillis(t)
	if loc, err := schedule.LoadLocation(zone); err == nil && loc != time.UTC {
		s += " (" + t.In(loc).Format("2006-01-02 15:04:05 MST") + ")"
	}
	return s
}

func (e *env) printSchedule(d *schedule.Definition, output string) error {
	if output == outputJSON {
		return writeJSON(e.stdout, scheduleView(d))
	}
	fw := newFieldWriter(e.stdout)
	row := fw.row
	row("Name", d.Name)
	row("Arn", schedule.ARN(d.Name))
	row("State", string(d.State))
	row("Expression", d.Expression)
	row("TimeZone", d.TimeZone)
	row("Start", isoMillis(d.Start))
	row("End", isoMillis(d.End))
	row("Target", string(d.Target.Kind)+":"+oneLine(d.Target.Name, 200))
	row("Input", d.Input)
	row("Overlap", string(d.Overlap))
	row("CatchUp", string(d.CatchUp))
	row("Description", d.Description)
	row("Created", isoMillis(d.Created))
	row("Updated", isoMillis(d.Updated))
	row("LastFireTime", isoMillis(d.LastFire))
	row("LastRun", d.LastRunID)
	for _, t := range d.Queued {
		row("Queued", isoMillis(t))
	}
	next := schedule.NextFires(d, 5)
	if len(next) == 0 {
		row("NextFireTimes", "none")
	}
	for _, t := range next {
		row("NextFireTime", fireTimeText(t, d.TimeZone))
	}
	fw.flush()
	return nil
}

func (e *env) printSchedules(defs []*schedule.Definition, output string) error {
	if output == outputJSON {
		out := make([]scheduleJSON, len(defs))
		for i, d := range defs {
			out[i] = scheduleView(d)
		}
		return writeList(e.stdout, "schedules", out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tEXPRESSION\tTIMEZONE\tTARGET\tNEXT FIRE TIME\tLAST FIRE TIME")
	for _, d := range defs {
		next := ""
		if n := schedule.NextFires(d, 1); len(n) > 0 {
			next = isoMillis(n[0])
		}
		zone := d.TimeZone
		if zone == "" {
			zone = "UTC"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Name, d.State, d.Expression, zone, oneLine(d.Target.String(), 50), next, isoMillis(d.LastFire))
	}
	return tw.Flush()
}

// runJSON is a run in -o json.
type runJSON struct {
	Schedule string `json:"Schedule,omitempty"`
	schedule.Run
}

func (e *env) printRuns(runs []schedule.Run, output string) error {
	if output == outputJSON {
		out := make([]runJSON, len(runs))
		for i, r := range runs {
			out[i] = runJSON{Run: r}
		}
		return writeList(e.stdout, "runs", out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIRE TIME\tSTATUS\tRUN\tSTARTED\tREASON")
	for _, r := range runs {
		status := string(r.Status)
		if r.Late {
			status += " (late)"
		}
		started := ""
		if r.Status == schedule.RunStarted {
			started = isoMillis(r.Time)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", isoMillis(r.FireTime), status, r.RunID, started, r.Reason)
	}
	return tw.Flush()
}

// runDue fires what is due, waits for what it started, and prints the
// runs.
func (e *env) runDue(ctx context.Context, output string) error {
	a, err := e.openWork(ctx, "weir schedules run-due", false)
	if err != nil {
		return err
	}
	defer a.Close()
	stop := e.runApp(a) // the query workers
	defer stop()
	fired, err := a.Scheduler.RunDue(ctx)
	a.WaitScheduledRuns()
	// Queries run on the query workers: wait for them too.
	for name, runs := range fired {
		d, gerr := a.Scheduler.Get(ctx, name)
		if gerr != nil || d.Target.Kind != schedule.TargetQuery {
			continue
		}
		for _, r := range runs {
			if r.Status == schedule.RunStarted {
				if _, werr := a.Queries.Wait(ctx, r.RunID); werr != nil {
					err = errors.Join(err, werr)
				}
			}
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range fired {
			if !yield(n) {
				return
			}
		}
	})
	if output == outputJSON {
		out := []runJSON{}
		for _, n := range names {
			for _, r := range fired[n] {
				out = append(out, runJSON{Schedule: n, Run: r})
			}
		}
		if werr := writeList(e.stdout, "runs", out); werr != nil {
			return werr
		}
		return err
	}
	if len(names) == 0 {
		fmt.Fprintln(e.stdout, "nothing was due")
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCHEDULE\tFIRE TIME\tSTATUS\tRUN\tREASON")
	for _, n := range names {
		for _, r := range fired[n] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n, isoMillis(r.FireTime), r.Status, r.RunID, r.Reason)
		}
	}
	tw.Flush()
	return err
}
