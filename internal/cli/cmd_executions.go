package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/workflow"
)

// machineARN and executionARN are the ARNs weir gives state machines
// and executions, in AWS's shape.
func machineARN(name string) string {
	return "arn:aws:states:us-east-1:000000000000:stateMachine:" + name
}

func executionARN(machine, name string) string {
	return "arn:aws:states:us-east-1:000000000000:execution:" + machine + ":" + name
}

// resolveExecution reads an execution reference: an ARN, or MACHINE:NAME.
func resolveExecution(ref string) (string, error) {
	if strings.HasPrefix(ref, "arn:") {
		return ref, nil
	}
	machine, name, ok := strings.Cut(ref, ":")
	if !ok || machine == "" || name == "" {
		return "", usageError("%q is not an execution: give its ARN or MACHINE:NAME (see 'weir executions list')", ref)
	}
	return executionARN(machine, name), nil
}

// stateMachineCommands are weir states create|update|delete|list|describe.
func (e *env) stateMachineCommands() []*cobra.Command {
	var definition string
	var substitutions []string
	put := func(verb string, replace bool) *cobra.Command {
		cmd := &cobra.Command{
			Use:   verb + " NAME --definition FILE",
			Short: map[bool]string{false: "Store a state machine under a name", true: "Replace a state machine's definition"}[replace],
			Long: `The definition (JSON or YAML) is validated as 'weir states validate' does; ${NAME} and
#{NAME} placeholders are replaced with --substitution values (and AWS::Region,
AWS::AccountId, AWS::Partition with weir's), as CloudFormation and the Serverless
Framework do when they deploy. Executions started later run the stored text;
running executions keep the definition they started with.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if definition == "" {
					return usageError("--definition FILE is required")
				}
				data, err := e.readDefinition(definition)
				if err != nil {
					return err
				}
				subs, err := parseSubstitutions(substitutions)
				if err != nil {
					return err
				}
				text := workflow.Substitute(string(data), subs)
				if _, err := asl.Parse([]byte(text)); err != nil {
					return &ExitError{Code: ExitFailure, Err: err}
				}
				if left := workflow.Placeholders(text); len(left) > 0 {
					flags := make([]string, len(left))
					for i, name := range left {
						flags[i] = "--substitution " + name + "=VALUE"
					}
					fmt.Fprintf(e.stderr, "weir: warning: placeholders without a value stay in the definition: %s; a task whose resource uses one fails — give them with %s\n",
						strings.Join(left, ", "), strings.Join(flags, " "))
				}
				w, release, err := e.workflowService(cmd.Context(), "weir states "+verb, true)
				if err != nil {
					return err
				}
				defer release()
				if err := w.PutStateMachine(cmd.Context(), &metastore.StateMachine{Name: args[0], Definition: text}, replace); err != nil {
					return kindError(err)
				}
				fmt.Fprintf(e.stdout, "state machine %s %sd; start it with 'weir executions start %s'\n", args[0], verb, args[0])
				return nil
			},
		}
		cmd.Flags().StringVar(&definition, "definition", "", "definition file, JSON or YAML (- for standard input)")
		cmd.Flags().StringArrayVar(&substitutions, "substitution", nil, "value of a ${NAME} or #{NAME} placeholder, NAME=VALUE (repeat)")
		return cmd
	}
	var output string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the stored state machines",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, release, err := e.workflowService(cmd.Context(), "", false)
			if err != nil {
				return err
			}
			defer release()
			ms, err := w.ListStateMachines(cmd.Context())
			if err != nil {
				return err
			}
			if output == outputJSON {
				out := []map[string]any{}
				for _, m := range ms {
					out = append(out, map[string]any{"name": m.Name, "stateMachineArn": machineARN(m.Name), "creationDate": isoMillis(m.Created)})
				}
				return writeJSON(e.stdout, map[string]any{"stateMachines": out})
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCREATED\tUPDATED")
			for _, m := range ms {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, isoMillis(m.Created), isoMillis(m.Updated))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	describe := &cobra.Command{
		Use:   "describe NAME",
		Short: "Show a stored state machine and its definition",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, release, err := e.workflowService(cmd.Context(), "", false)
			if err != nil {
				return err
			}
			defer release()
			m, err := w.GetStateMachine(cmd.Context(), args[0])
			if err != nil {
				return kindError(err)
			}
			if output == outputJSON {
				return writeJSON(e.stdout, map[string]any{"name": m.Name, "stateMachineArn": machineARN(m.Name), "definition": m.Definition,
					"creationDate": isoMillis(m.Created), "status": "ACTIVE", "type": "STANDARD"})
			}
			f := newFieldWriter(e.stdout)
			f.row("Name", m.Name)
			f.row("StateMachineArn", machineARN(m.Name))
			f.row("CreationDate", isoMillis(m.Created))
			f.row("UpdateDate", isoMillis(m.Updated))
			f.flush()
			fmt.Fprintf(e.stdout, "Definition:\n%s\n", strings.TrimRight(m.Definition, "\n"))
			return nil
		},
	}
	describe.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a stored state machine (its executions stay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, release, err := e.workflowService(cmd.Context(), "weir states delete", true)
			if err != nil {
				return err
			}
			defer release()
			if err := w.DeleteStateMachine(cmd.Context(), args[0]); err != nil {
				return kindError(err)
			}
			fmt.Fprintf(e.stdout, "state machine %s deleted\n", args[0])
			return nil
		},
	}
	return []*cobra.Command{put("create", false), put("update", true), list, describe, del}
}

func parseSubstitutions(list []string) (map[string]string, error) {
	subs := map[string]string{}
	for _, s := range list {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, usageError("--substitution %q must be NAME=VALUE", s)
		}
		subs[k] = v
	}
	return subs, nil
}

func (e *env) executionsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "executions",
		Short: "Durable executions of stored state machines: start, describe, history, stop, redrive",
		Long: `Executions of stored state machines (weir states create) are durable: every state
transition is recorded with its history events, and an execution whose process stopped
(killed, crashed, rebooted) resumes from its last transition — timers, retries, Parallel
branches and Map items included — with 'weir executions resume' or the next runner.

An execution is named by its ARN or by MACHINE:NAME.`,
		Example: `  weir states create pipeline --definition pipeline.asl.yaml
  weir executions start pipeline --input '{"day": "2024-03-01"}' --name day-2024-03-01
  weir executions describe pipeline:day-2024-03-01
  weir executions history pipeline:day-2024-03-01`,
	}
	cmd.AddCommand(e.executionsStartCommand(), e.executionsDescribeCommand(), e.executionsHistoryCommand(),
		e.executionsMapRunsCommand(), e.executionsListCommand(), e.executionsStopCommand(), e.executionsRedriveCommand(), e.executionsResumeCommand())
	cmd.AddCommand(e.executionsTaskCommands()...)
	return cmd
}

func (e *env) executionsStartCommand() *cobra.Command {
	var input, name, output string
	var wait, fast bool
	cmd := &cobra.Command{
		Use:   "start MACHINE",
		Short: "Start an execution of a stored state machine",
		Long: `start records a new execution and runs it: in the background (the data directory is
handed to a runner process that runs every open execution, see 'weir executions list'),
or with --wait in this process until it ends. Starting again with the same --name and
input returns the existing execution while it runs, as StartExecution does; once it
has ended, or with another input, the same name fails with ExecutionAlreadyExists.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if output != "text" && output != outputJSON {
				return usageError("--output %q must be text or json", output)
			}
			in, err := e.executionInput(input)
			if err != nil {
				return err
			}
			if c, err := e.server(ctx); err != nil || c != nil {
				if err != nil {
					return err
				}
				return e.remoteStart(ctx, c, args[0], name, in, wait, output)
			}
			a, err := e.openWork(ctx, "weir executions start", false)
			if errors.Is(err, datadir.ErrLocked) && !wait && e.holds(runnerCommand) {
				return e.startWithRunner(ctx, args[0], name, in, output)
			}
			if err != nil {
				return err
			}
			m, err := a.Meta.Workflows().GetStateMachine(ctx, args[0])
			if err != nil {
				a.Close()
				return kindError(err)
			}
			var clock workflow.Clock
			if fast {
				clock = workflow.NewVirtualClock()
			}
			r, err := a.Runner(clock)
			if err != nil {
				a.Close()
				return err
			}
			x, created, err := r.Create(ctx, m.Definition, in, workflow.ExecutionInfo{Name: name, Machine: m.Name, StateMachineARN: machineARN(m.Name)})
			if err == nil {
				err = workflow.StartedAgain(x, created)
			}
			if err != nil {
				a.Close()
				return &ExitError{Code: ExitFailure, Err: err}
			}
			if !created {
				fmt.Fprintf(e.stderr, "execution %s exists already (%s)\n", x.ARN, x.Status)
			}
			if !wait {
				if err := e.handOver(a, "__run-executions"); err != nil {
					return err
				}
				return e.printStarted(x, output)
			}
			defer a.Close()
			stop := e.runApp(a)
			defer stop()
			fmt.Fprintf(e.stderr, "execution %s:%s RUNNING (weir executions describe %s:%s)\n", m.Name, x.Name, m.Name, x.Name)
			res, err := r.Resume(ctx, x.ARN)
			if err != nil {
				if ctx.Err() != nil {
					fmt.Fprintf(e.stderr, "interrupted: the execution stays RUNNING; continue it with 'weir executions resume'\n")
				}
				return err
			}
			return e.printExecutionResult(res, output, false)
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "{}", "execution input: JSON, or @FILE to read it from a file")
	f.StringVar(&name, "name", "", "execution name, unique per state machine (default: a UUID)")
	f.BoolVar(&wait, "wait", false, "run the execution in this process until it ends")
	f.BoolVar(&fast, "fast-timers", false, "with --wait: run Wait states and retry intervals on a virtual clock")
	f.StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

// runnerCommand is how the background executions runner names itself
// as the data directory's holder.
const runnerCommand = "weir (background executions runner)"

// holds says whether the process holding the data directory is the one
// named command.
func (e *env) holds(command string) bool {
	h, ok := e.holder()
	return ok && h.Command == command
}

// printStarted says that x was started (or found) in the background.
func (e *env) printStarted(x *workflow.Execution, output string) error {
	if output == outputJSON {
		return writeJSON(e.stdout, map[string]any{"executionArn": x.ARN, "startDate": isoMillis(x.StartDate)})
	}
	fmt.Fprintf(e.stdout, "execution %s:%s %s; follow it with 'weir executions describe %s:%s'\n", x.Machine, x.Name, x.Status, x.Machine, x.Name)
	return nil
}

// startWithRunner starts an execution while the background executions
// runner holds the data directory: it records the execution (the
// metastore takes writes from several processes; the directory lock
// guards the lake and the engine), and the runner, which looks for new
// executions while it runs, takes it up. Should the runner end first,
// this process hands the directory to a new one.
func (e *env) startWithRunner(ctx context.Context, machine, name string, in any, output string) error {
	ro, err := e.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer ro.Close()
	store := ro.Meta.Workflows()
	m, err := store.GetStateMachine(ctx, machine)
	if err != nil {
		return kindError(err)
	}
	r := workflow.NewRunner(workflow.Options{Store: store})
	x, created, err := r.Create(ctx, m.Definition, in, workflow.ExecutionInfo{Name: name, Machine: m.Name, StateMachineARN: machineARN(m.Name)})
	if err == nil {
		err = workflow.StartedAgain(x, created)
	}
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	if !created {
		fmt.Fprintf(e.stderr, "execution %s exists already (%s)\n", x.ARN, x.Status)
	}
	// Wait until a runner has it: its history grows, or it ended.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if h, err := store.History(ctx, x.ARN); err != nil || len(h) > 1 {
			break
		}
		a, err := e.openWork(ctx, "weir executions start", false)
		if err == nil {
			// The runner ended before it saw the execution.
			if err := e.handOver(a, "__run-executions"); err != nil {
				return err
			}
			break
		}
		if !errors.Is(err, datadir.ErrLocked) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return e.printStarted(x, output)
}

// runApp runs the App's workers (queries) until the returned function is
// called.
func (e *env) runApp(a *app.App) func() {
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	return func() { stop(); <-done }
}

// printExecutionResult prints an ended execution as weir states run does and
// returns the exit error for one that did not succeed.
func (e *env) printExecutionResult(res *workflow.Result, output string, history bool) error {
	out := runOutput{Status: string(res.Status), Output: res.Output, Error: res.Error, Cause: res.Cause}
	if history {
		for _, ev := range res.Events {
			out.Events = append(out.Events, ev.MarshalMap())
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if output != outputJSON {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(out); err != nil {
		return err
	}
	e.stdout.Write(b.Bytes())
	if res.Status != workflow.StatusSucceeded {
		msg := "the execution ended " + string(res.Status)
		if res.Error != "" { // a Fail state may give neither
			msg += " with " + res.Error
		}
		if res.Cause != "" {
			msg += " (its cause is in the output above)"
		}
		return &ExitError{Code: ExitFailure, Err: errors.New(msg)}
	}
	return nil
}

// runExecutionsCommand is the background runner: it runs every open
// execution to its end, then exits.
func (e *env) runExecutionsCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__run-executions",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.openWork(cmd.Context(), runnerCommand, false)
			e.signalReady()
			if err != nil {
				return err
			}
			defer a.Close()
			return e.resumeAll(cmd.Context(), a, false)
		},
	}
}

// resumeAll runs every RUNNING execution to its end, until none is left:
// it looks for new ones (started by 'weir executions start' while this
// process holds the data directory) every 200 ms while any runs.
func (e *env) resumeAll(ctx context.Context, a *app.App, report bool) error {
	stop := e.runApp(a)
	defer stop()
	r, err := a.Runner(nil)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	running := 0
	defer wg.Wait()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		open, err := a.Meta.Workflows().ListExecutions(ctx, workflow.ListFilter{Status: workflow.StatusRunning})
		if err != nil {
			return err
		}
		started := 0
		for _, x := range open {
			if done[x.ARN] {
				continue
			}
			done[x.ARN] = true
			started++
			mu.Lock()
			running++
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := r.Execute(ctx, x.ARN)
				mu.Lock()
				defer mu.Unlock()
				running--
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("execution %s: %w", x.ARN, err)
					}
					return
				}
				if report {
					fmt.Fprintf(e.stdout, "%s:%s %s\n", res.Machine, res.Name, res.Status)
				}
			}()
		}
		mu.Lock()
		idle := running == 0 && started == 0
		mu.Unlock()
		if idle {
			mu.Lock()
			defer mu.Unlock()
			return firstErr
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (e *env) executionsResumeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "resume",
		Short: "Run every open (RUNNING) execution to its end in this process",
		Long: `resume continues the executions a stopped process left RUNNING, each from its last
recorded transition: a Wait finishes its remaining time, a task that was running runs
again, finished Parallel branches and Map items keep their results.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.openWork(cmd.Context(), "weir executions resume", false)
			if err != nil {
				return err
			}
			defer a.Close()
			return e.resumeAll(cmd.Context(), a, true)
		},
	}
}

func (e *env) executionsDescribeCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "describe EXECUTION",
		Short: "Show an execution's status, input, output or error",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if c, err := e.server(cmd.Context()); err != nil || c != nil {
				if err != nil {
					return err
				}
				return e.remoteDescribe(cmd.Context(), c, args[0], output)
			}
			return e.withExecution(cmd.Context(), args[0], func(w *metastore.Workflows, arn string) error {
				return e.describeExecution(cmd.Context(), w, arn, output)
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

// withExecution resolves an execution reference and calls fn with the
// metastore opened read-only (it works while another process runs
// executions).
func (e *env) withExecution(ctx context.Context, ref string, fn func(w *metastore.Workflows, arn string) error) error {
	arn, err := resolveExecution(ref)
	if err != nil {
		return err
	}
	a, err := e.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a.Meta.Workflows(), arn)
}

func (e *env) describeExecution(ctx context.Context, w *metastore.Workflows, arn, output string) error {
	x, err := w.GetExecution(ctx, arn)
	if err != nil {
		return kindError(err)
	}
	return e.printStateExecution(x, output)
}

// printStateExecution prints an execution as describe shows it.
func (e *env) printStateExecution(x *workflow.Execution, output string) error {
	if output == outputJSON {
		return writeJSON(e.stdout, describeShape(x))
	}
	f := newFieldWriter(e.stdout)
	f.row("ExecutionArn", x.ARN)
	f.row("Name", x.Name)
	f.row("StateMachine", x.Machine)
	f.row("Status", string(x.Status))
	f.row("StartDate", isoMillis(x.StartDate))
	f.row("StopDate", isoMillis(x.StopDate))
	f.row("Input", compactJSON(x.Input))
	if x.Status == workflow.StatusSucceeded {
		f.row("Output", compactJSON(x.Output))
	}
	f.row("Error", x.Error)
	f.row("Cause", x.Cause)
	if x.RedriveCount > 0 {
		f.row("RedriveCount", fmt.Sprint(x.RedriveCount))
	}
	f.flush()
	return nil
}

// describeShape is DescribeExecution's response.
func describeShape(x *workflow.Execution) map[string]any {
	m := map[string]any{
		"executionArn": x.ARN, "stateMachineArn": x.StateMachineARN, "name": x.Name, "status": string(x.Status),
		"startDate": isoMillis(x.StartDate), "input": compactJSON(x.Input), "redriveCount": x.RedriveCount,
	}
	if !x.StopDate.IsZero() {
		m["stopDate"] = isoMillis(x.StopDate)
	}
	if x.Status == workflow.StatusSucceeded {
		m["output"] = compactJSON(x.Output)
	}
	if x.Error != "" {
		m["error"], m["cause"] = x.Error, x.Cause
	}
	return m
}

func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (e *env) executionsHistoryCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "history EXECUTION",
		Short: "List an execution's history events",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.readExecution(cmd.Context(), args[0], func(w workflows, arn string) error {
				return e.printHistory(cmd.Context(), w, arn, output)
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

func (e *env) executionsMapRunsCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "map-runs EXECUTION",
		Short: "List an execution's distributed Map Runs and their child executions by status",
		Long: `A distributed Map state (ProcessorConfig Mode DISTRIBUTED) runs its items as child
executions in a Map Run. This lists the execution's Map Runs in the order they started,
with their status and their children counted by status, as Step Functions' ListMapRuns and
DescribeMapRun tell of them. Children not yet started are not counted.`,
		Example: `  weir executions map-runs orders:day-2024-03-01
  weir executions map-runs orders:day-2024-03-01 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.readExecution(cmd.Context(), args[0], func(w workflows, arn string) error {
				events, err := w.History(cmd.Context(), arn)
				if err != nil {
					return kindError(err)
				}
				return e.printMapRuns(args[0], workflow.MapRuns(arn, events), output)
			})
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return cmd
}

// readExecution runs fn on the workflows that hold the execution ref
// names (a server's, or the data directory's, read-only), with its ARN.
func (e *env) readExecution(ctx context.Context, ref string, fn func(w workflows, arn string) error) error {
	arn, err := resolveExecution(ref)
	if err != nil {
		return err
	}
	w, release, err := e.workflowService(ctx, "", false)
	if err != nil {
		return err
	}
	defer release()
	return fn(w, arn)
}

func (e *env) printMapRuns(ref string, runs []workflow.MapRun, output string) error {
	if output == outputJSON {
		return writeJSON(e.stdout, map[string]any{"mapRuns": runs})
	}
	if len(runs) == 0 {
		fmt.Fprintf(e.stdout, "execution %s has no distributed Map Runs\n", ref)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MAP RUN\tSTATUS\tSTARTED\tDURATION\tRUNNING\tSUCCEEDED\tFAILED\tABORTED\tTOTAL\tERROR")
	for _, r := range runs {
		name := r.MapRunArn
		if i := strings.Index(name, ":mapRun:"); i >= 0 {
			name = name[i+len(":mapRun:"):]
		}
		dur := ""
		if r.StopDate != nil {
			dur = r.StopDate.Sub(r.StartDate).Round(time.Millisecond).String()
		}
		c := r.ExecutionCounts
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", name, r.Status, isoMillis(r.StartDate), dur,
			c.Running, c.Succeeded, c.Failed, c.Aborted, c.Total, r.Error)
	}
	return tw.Flush()
}

func (e *env) printHistory(ctx context.Context, w workflows, arn, output string) error {
	events, err := w.History(ctx, arn)
	if err != nil {
		return kindError(err)
	}
	if output == outputJSON {
		out := []map[string]any{}
		for _, ev := range events {
			out = append(out, ev.MarshalMap())
		}
		return writeJSON(e.stdout, map[string]any{"events": out})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREV\tTIME\tTYPE\tDETAILS")
	for _, ev := range events {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", ev.ID, ev.PreviousEventID, ev.Timestamp.UTC().Format("15:04:05.000"), ev.Type, eventSummary(ev))
	}
	return tw.Flush()
}

// eventSummary is the short form of an event's details for the table.
func eventSummary(ev workflow.Event) string {
	d := ev.Details
	var parts []string
	for _, k := range []string{"name", "resourceType", "resource", "index", "error", "cause"} {
		if v, ok := d[k]; ok && fmt.Sprint(v) != "" {
			s := fmt.Sprint(v)
			if len(s) > 60 {
				s = s[:57] + "..."
			}
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

func (e *env) executionsListCommand() *cobra.Command {
	var output, machine, status string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List executions, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, release, err := e.workflowService(cmd.Context(), "", false)
			if err != nil {
				return err
			}
			defer release()
			xs, err := w.ListExecutions(cmd.Context(), workflow.ListFilter{Machine: machine, Status: workflow.Status(strings.ToUpper(status)), Limit: limit})
			if err != nil {
				return err
			}
			if output == outputJSON {
				out := []map[string]any{}
				for _, x := range xs {
					out = append(out, map[string]any{"executionArn": x.ARN, "name": x.Name, "stateMachineArn": x.StateMachineARN,
						"status": string(x.Status), "startDate": isoMillis(x.StartDate), "stopDate": isoMillis(x.StopDate)})
				}
				return writeJSON(e.stdout, map[string]any{"executions": out})
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EXECUTION\tSTATUS\tSTARTED\tDURATION\tERROR")
			for _, x := range xs {
				dur := ""
				if !x.StopDate.IsZero() {
					dur = x.StopDate.Sub(x.StartDate).Round(time.Millisecond).String()
				}
				fmt.Fprintf(tw, "%s:%s\t%s\t%s\t%s\t%s\n", x.Machine, x.Name, x.Status, isoMillis(x.StartDate), dur, x.Error)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "table", "output format: table or json")
	f.StringVar(&machine, "machine", "", "only executions of this state machine")
	f.StringVar(&status, "status", "", "only executions in this status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED")
	f.IntVar(&limit, "limit", 100, "at most this many (0 for all)")
	return cmd
}

func (e *env) executionsStopCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stop EXECUTION",
		Short: "Stop a running execution (it ends ABORTED)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			arn, err := resolveExecution(args[0])
			if err != nil {
				return err
			}
			if c, err := e.server(ctx); err != nil || c != nil {
				if err != nil {
					return err
				}
				return e.remoteStop(ctx, c, args[0], arn)
			}
			a, err := e.openWork(ctx, "weir executions stop", true)
			if err == nil {
				// No process runs it: abort it here.
				defer a.Close()
				r, err := a.Runner(nil)
				if err != nil {
					return err
				}
				if err := r.Abort(ctx, arn, "Stopped with weir executions stop"); err != nil {
					return kindError(err)
				}
				// An execution that had ended is left as it was: say how.
				x, err := a.Meta.Workflows().GetExecution(ctx, arn)
				if err != nil {
					return kindError(err)
				}
				fmt.Fprintf(e.stdout, "execution %s %s\n", args[0], x.Status)
				return nil
			}
			if !errors.Is(err, datadir.ErrLocked) {
				return err
			}
			ro, err := e.openReadOnly(ctx)
			if err != nil {
				return err
			}
			defer ro.Close()
			w := ro.Meta.Workflows()
			if err := w.RequestStop(ctx, arn, "Stopped with weir executions stop"); err != nil {
				return kindError(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				x, err := w.GetExecution(ctx, arn)
				if err != nil {
					return err
				}
				if x.Status.Terminal() {
					fmt.Fprintf(e.stdout, "execution %s %s\n", args[0], x.Status)
					return nil
				}
				time.Sleep(20 * time.Millisecond)
			}
			fmt.Fprintf(e.stdout, "execution %s: stop requested; the process running it will abort it\n", args[0])
			return nil
		},
	}
}

func (e *env) executionsRedriveCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "redrive EXECUTION",
		Short: "Run a FAILED, TIMED_OUT or ABORTED execution again from the state that did not succeed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			arn, err := resolveExecution(args[0])
			if err != nil {
				return err
			}
			if c, err := e.server(ctx); err != nil || c != nil {
				if err != nil {
					return err
				}
				return e.remoteRedrive(ctx, c, arn, output)
			}
			a, err := e.openWork(ctx, "weir executions redrive", false)
			if err != nil {
				return err
			}
			defer a.Close()
			stop := e.runApp(a)
			defer stop()
			r, err := a.Runner(nil)
			if err != nil {
				return err
			}
			res, err := r.Redrive(ctx, arn)
			if err != nil {
				return kindError(err)
			}
			return e.printExecutionResult(res, output, false)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
