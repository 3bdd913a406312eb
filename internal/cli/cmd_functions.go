package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
)

// functionFlags are the definition flags of create and update.
type functionFlags struct {
	command, python, handler string
	timeout                  int
	env                      []string
	workdir, description     string
}

func (f *functionFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.command, "command", "", "shell command that runs the function (/bin/sh -c): event on stdin, result on stdout")
	fl.StringVar(&f.python, "python", "", "Python module file with a Lambda handler, def handle(event, context)")
	fl.StringVar(&f.handler, "handler", "", "the handler function in the --python module (default "+function.DefaultHandler+")")
	fl.IntVar(&f.timeout, "timeout", 0, fmt.Sprintf("seconds the function may run, 1 to %d (default %d, as Lambda)", function.MaxTimeout, function.DefaultTimeout))
	fl.StringArrayVar(&f.env, "env", nil, "environment variable KEY=VALUE (repeat; on update the set given replaces the old one)")
	fl.StringVar(&f.workdir, "workdir", "", "directory the function runs in (default: the --python module's, or the current directory)")
	fl.StringVar(&f.description, "description", "", "what the function does")
}

// apply sets the flags the user gave on fn.
func (f *functionFlags) apply(fl *pflag.FlagSet, fn *function.Function) error {
	if fl.Changed("command") && fl.Changed("python") {
		return usageError("give --command or --python, not both")
	}
	if fl.Changed("handler") && !fl.Changed("python") && fn.Runtime != function.RuntimePython {
		return usageError("--handler goes with --python")
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	switch {
	case fl.Changed("command"):
		fn.Runtime, fn.Command, fn.Module, fn.Handler = function.RuntimeCommand, f.command, "", ""
		if !fl.Changed("workdir") && fn.WorkDir == "" {
			fn.WorkDir = cwd
		}
	case fl.Changed("python"):
		module, err := filepath.Abs(f.python)
		if err != nil {
			return err
		}
		if st, err := os.Stat(module); err != nil || st.IsDir() {
			return usageError("--python %s: not a readable module file", f.python)
		}
		if fn.Runtime != function.RuntimePython {
			fn.Handler = function.DefaultHandler
		}
		fn.Runtime, fn.Command, fn.Module = function.RuntimePython, "", module
		if !fl.Changed("workdir") {
			fn.WorkDir = filepath.Dir(module)
		}
	}
	if fl.Changed("handler") {
		fn.Handler = f.handler
	}
	if fl.Changed("timeout") {
		fn.Timeout = f.timeout
	}
	if fl.Changed("description") {
		fn.Description = f.description
	}
	if fl.Changed("env") {
		fn.Environment = map[string]string{}
		for _, kv := range f.env {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return usageError("--env %q must be KEY=VALUE", kv)
			}
			fn.Environment[k] = v
		}
	}
	if fl.Changed("workdir") {
		dir, err := filepath.Abs(f.workdir)
		if err != nil {
			return err
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageError("--workdir %s is not a directory", f.workdir)
		}
		fn.WorkDir = dir
	}
	if err := fn.Validate(); err != nil {
		return usageError("%s", errs.Message(err))
	}
	return nil
}

func (e *env) functionsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "functions",
		Short: "User functions (weir's Lambda): programs that state machines call as tasks",
		Long: `A function is a program: its event is JSON on standard input, its result the JSON it
prints on standard output. It fails by printing {"errorType": "...", "errorMessage": "..."};
the errorType is the error name Retry and Catch match. --python runs an unchanged Lambda
handler module. State machines call functions by their Lambda ARN
(arn:aws:lambda:REGION:ACCOUNT:function:NAME) or with arn:aws:states:::lambda:invoke;
see docs/functions.md.`,
		Example: `  weir functions create hello --command 'read -r event; echo "{\"got\": $event}"'
  weir functions invoke hello --payload '{"n": 1}'
  weir functions create get-state --python handlers/get_state.py --handler handle --timeout 30
  weir functions list`,
	}
	var output string
	var cf functionFlags
	create := &cobra.Command{
		Use:   "create NAME (--command CMD | --python FILE [--handler NAME]) [flags]",
		Short: "Define a function",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("command") && !cmd.Flags().Changed("python") {
				return usageError("give the function's code: --command CMD or --python FILE")
			}
			fn := &function.Function{Name: args[0], Timeout: function.DefaultTimeout}
			if err := cf.apply(cmd.Flags(), fn); err != nil {
				return err
			}
			return e.changeFunction(cmd.Context(), "create", fn.Name, func(fs functions) error { return fs.Create(cmd.Context(), fn) },
				"created; try it with 'weir functions invoke "+fn.Name+" --payload '{}''")
		},
	}
	cf.register(create.Flags())

	var uf functionFlags
	update := &cobra.Command{
		Use:   "update NAME [flags]",
		Short: "Change a function (the flags given replace the old values)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.changeFunction(cmd.Context(), "update", args[0], func(fs functions) error {
				return fs.Update(cmd.Context(), args[0], func(fn *function.Function) error { return uf.apply(cmd.Flags(), fn) })
			}, "updated")
		},
	}
	uf.register(update.Flags())

	get := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a function's definition",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectFunctions(cmd.Context(), output, func(fs functions) error {
				fn, err := fs.Get(cmd.Context(), args[0])
				if err != nil {
					return functionError(args[0], err)
				}
				if output == outputJSON {
					return writeJSON(e.stdout, functionJSON{fn, function.ARN(fn.Name)})
				}
				e.printFunction(fn)
				return nil
			})
		},
	}
	get.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table or json")

	list := &cobra.Command{
		Use:   "list",
		Short: "List functions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectFunctions(cmd.Context(), output, func(fs functions) error {
				fns, err := fs.List(cmd.Context())
				if err != nil {
					return err
				}
				return e.printFunctions(fns, output)
			})
		},
	}
	list.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table, csv or json")

	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a function",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.changeFunction(cmd.Context(), "delete", args[0], func(fs functions) error { return fs.Delete(cmd.Context(), args[0]) }, "deleted")
		},
	}

	var payload, invokeOutput string
	invoke := &cobra.Command{
		Use:   "invoke NAME [--payload JSON|@FILE]",
		Short: "Run a function once and print its result",
		Long: `invoke runs the function on the payload (JSON, or @FILE; default {}) and prints its
result, or its error object with exit status 1. The last 4 KB of what the function wrote
on standard error follow on weir's standard error, as 'aws lambda invoke --log-type Tail'
shows them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if invokeOutput != "text" && invokeOutput != outputJSON {
				return usageError("--output %q must be text or json", invokeOutput)
			}
			event, err := jsonArg("--payload", payload)
			if err != nil {
				return err
			}
			return e.invokeFunction(cmd.Context(), args[0], event, invokeOutput)
		},
	}
	invoke.Flags().StringVar(&payload, "payload", "{}", "the event: JSON, or @FILE to read it from a file")
	invoke.Flags().StringVarP(&invokeOutput, "output", "o", "text", "output format: text (indented JSON) or json (one line)")

	cmd.AddCommand(create, update, get, list, del, invoke, e.functionsLogsCommand())
	return cmd
}

func (e *env) functionsLogsCommand() *cobra.Command {
	var since, requestID, output string
	var limit int
	cmd := &cobra.Command{
		Use:   "logs NAME [--since 24h] [--request-id ID]",
		Short: "Show a function's invocation logs",
		Long: `logs prints what a function's invocations logged, oldest first, as CloudWatch Logs keeps
a Lambda function's: each invocation's START line, the lines it wrote on standard error,
its error if it failed, END and REPORT (duration and status). Invocations from state
machines, schedules and triggers are logged as those from 'weir functions invoke' are.
Logs are kept 14 days under <data-dir>/logs/functions/.`,
		Example: `  weir functions logs load-hourly
  weir functions logs load-hourly --since 2h
  weir functions logs load-hourly --since 2024-03-01T00:00:00Z --request-id 2f0d6c23-8998-43a8-be4a-daa2c4986511
  weir functions logs load-hourly -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != outputTable && output != outputJSON {
				return usageError("--output %q must be table or json", output)
			}
			q := function.LogQuery{RequestID: requestID, Limit: limit}
			if since != "" {
				if d, err := time.ParseDuration(since); err == nil {
					q.Since = time.Now().Add(-d)
				} else if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
					q.Since = t
				} else {
					return usageError("--since %q must be a duration (30m, 24h) or a time (2024-03-01T09:00:00Z)", since)
				}
			}
			return e.inspectFunctions(cmd.Context(), output, func(fs functions) error {
				events, err := fs.Logs(cmd.Context(), args[0], q)
				if err != nil {
					return functionError(args[0], err)
				}
				if output == outputJSON {
					return writeJSON(e.stdout, map[string]any{"events": events})
				}
				if len(events) == 0 {
					fmt.Fprintf(e.stderr, "no log events for function %s in the time asked (--since %s)\n", args[0], since)
					return nil
				}
				for _, ev := range events {
					fmt.Fprintf(e.stdout, "%s  %s  %s\n", isoMillis(ev.Timestamp), shortID(ev.RequestID), ev.Message)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&since, "since", "24h", "only events since this long ago (30m, 24h) or since this time (RFC 3339); empty for all kept")
	f.StringVar(&requestID, "request-id", "", "only the events of this invocation")
	f.IntVar(&limit, "limit", 10000, "at most this many events, the newest")
	f.StringVarP(&output, "output", "o", outputTable, "output format: table or json")
	return cmd
}

// shortID is the first part of a request id, enough to tell the
// invocations of a log apart.
func shortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// functionJSON is 'functions get -o json': the definition and its ARN.
type functionJSON struct {
	*function.Function
	FunctionArn string `json:"FunctionArn"`
}

// inspectFunctions checks an --output value and runs fn on the
// functions, read-only in-process.
func (e *env) inspectFunctions(ctx context.Context, output string, fn func(fs functions) error) error {
	if err := checkOutput(output); err != nil {
		return err
	}
	fs, release, err := e.functionService(ctx, "", false)
	if err != nil {
		return err
	}
	defer release()
	return fn(fs)
}

// changeFunction runs fn on the functions (in-process, opening the data
// directory without the SQL engine) and reports "function NAME done".
func (e *env) changeFunction(ctx context.Context, verb, name string, fn func(fs functions) error, done string) error {
	fs, release, err := e.functionService(ctx, "weir functions "+verb, true)
	if err != nil {
		return err
	}
	defer release()
	if err := fn(fs); err != nil {
		return functionError(name, err)
	}
	fmt.Fprintf(e.stdout, "function %s %s\n", name, done)
	return nil
}

// functionError words a missing or duplicate function for the command
// line.
func functionError(name string, err error) error {
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		return ee
	case errors.Is(err, errs.NotFound):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("function %s does not exist (see 'weir functions list')", name)}
	case errors.Is(err, errs.Exists):
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("function %s already exists; change it with 'weir functions update %s'", name, name)}
	}
	return kindError(err)
}

// invokeFunction runs a function: in the weir serve the verb talks to,
// or here with the data directory opened to read (a function may itself
// run weir commands that take the directory's lock).
func (e *env) invokeFunction(ctx context.Context, name string, event any, output string) error {
	fs, release, err := e.functionService(ctx, "", false)
	if err != nil {
		return err
	}
	defer release()
	inv, err := fs.Invoke(ctx, name, event)
	if inv != nil && inv.Log != "" {
		fmt.Fprint(e.stderr, inv.Log)
		if !strings.HasSuffix(inv.Log, "\n") {
			fmt.Fprintln(e.stderr)
		}
	}
	var fe *function.Error
	switch {
	case errors.As(err, &fe):
		if werr := e.printValue(fe.Object, output); werr != nil {
			return werr
		}
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("function %s failed with %s", name, fe.Name)}
	case err != nil:
		return functionError(name, err)
	}
	return e.printValue(inv.Payload, output)
}

// printValue prints a JSON value indented (text) or on one line (json).
func (e *env) printValue(v any, output string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if output != outputJSON {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := e.stdout.Write(b.Bytes())
	return err
}

// jsonArg reads a flag holding one JSON value, or @FILE.
func jsonArg(flag, s string) (any, error) {
	src, what := []byte(s), flag
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, usageError("cannot read %s: %v", flag, err)
		}
		src, what = b, name
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, usageError("%s is not JSON: %v", what, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, usageError("%s holds more than one JSON value", what)
	}
	return v, nil
}

// code describes what a function runs, in one line.
func functionCode(fn *function.Function) string {
	if fn.Runtime == function.RuntimePython {
		return fn.Module + " (" + fn.Handler + ")"
	}
	return fn.Command
}

func (e *env) printFunction(fn *function.Function) {
	fw := newFieldWriter(e.stdout)
	row := fw.row
	row("FunctionName", fn.Name)
	row("FunctionArn", function.ARN(fn.Name))
	row("Runtime", fn.Runtime)
	row("Command", fn.Command)
	row("Module", fn.Module)
	row("Handler", fn.Handler)
	row("Timeout", fmt.Sprintf("%d s", fn.Timeout))
	row("WorkingDirectory", fn.WorkDir)
	for _, k := range slices.Sorted(maps.Keys(fn.Environment)) {
		row("Environment", k+"="+fn.Environment[k])
	}
	row("Description", fn.Description)
	row("CreateTime", isoMillis(fn.CreateTime))
	row("LastModified", isoMillis(fn.LastModified))
	fw.flush()
}

func (e *env) printFunctions(fns []*function.Function, output string) error {
	switch output {
	case outputJSON:
		out := make([]functionJSON, len(fns))
		for i, fn := range fns {
			out[i] = functionJSON{fn, function.ARN(fn.Name)}
		}
		return writeList(e.stdout, "functions", out)
	case outputCSV:
		fmt.Fprintln(e.stdout, `"name","runtime","timeout","code","last_modified"`)
		for _, fn := range fns {
			fmt.Fprintf(e.stdout, "%s,%s,%d,%s,%s\n", csvQuote(fn.Name), csvQuote(fn.Runtime), fn.Timeout, csvQuote(functionCode(fn)), csvQuote(isoMillis(fn.LastModified)))
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNTIME\tTIMEOUT\tCODE\tLAST MODIFIED")
	for _, fn := range fns {
		fmt.Fprintf(tw, "%s\t%s\t%d s\t%s\t%s\n", fn.Name, fn.Runtime, fn.Timeout, oneLine(functionCode(fn), 60), isoMillis(fn.LastModified))
	}
	return tw.Flush()
}
