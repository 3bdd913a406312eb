package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/workflow"
)

func (e *env) statesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "states",
		Short: "Step Functions state machines: validate and run Amazon States Language",
		Long: `State machines are written in the Amazon States Language, in JSON or YAML, exactly as
for AWS Step Functions: AWS ARNs and all. weir validates them the way AWS does and runs
them here, with Athena queries, Glue crawlers, functions (weir's Lambda) and nested
executions as tasks; see docs/states.md.`,
		Example: `  weir states validate pipeline.asl.json
  weir states run pipeline.asl.yaml --input '{"date": "2024-03-01"}'
  weir states run pipeline.asl.json --fast-timers --history --output json
  weir states create pipeline --definition pipeline.asl.yaml   # then: weir executions start pipeline`,
	}
	cmd.AddCommand(e.statesValidateCommand(), e.statesRunCommand())
	cmd.AddCommand(e.stateMachineCommands()...)
	return cmd
}

// readDefinition reads a definition file, or standard input for "-".
func (e *env) readDefinition(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(e.stdin)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("cannot read the definition: %w", err)}
	}
	return b, nil
}

// jsonDiagnostic is a diagnostic in ValidateStateMachineDefinition's shape.
type jsonDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location"`
}

func (e *env) statesValidateCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check definitions and report every problem at once, as AWS does",
		Long: `validate reads each definition (JSON or YAML; "-" for standard input) and prints
every problem found, each with its code and where it is (a JSON pointer such as
/States/Check/Next), then the warnings. It exits with 1 if any definition has errors.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageError("--output %q must be text or json", output)
			}
			failed := 0
			for _, path := range args {
				data, err := e.readDefinition(path)
				if err != nil {
					return err
				}
				_, diags := asl.Validate(data)
				result := "OK"
				for _, d := range diags {
					if d.Severity == "ERROR" {
						result = "FAIL"
					}
				}
				if result == "FAIL" {
					failed++
				}
				if output == "json" {
					out := struct {
						File        string           `json:"file"`
						Result      string           `json:"result"`
						Diagnostics []jsonDiagnostic `json:"diagnostics"`
					}{File: path, Result: result, Diagnostics: []jsonDiagnostic{}}
					for _, d := range diags {
						out.Diagnostics = append(out.Diagnostics, jsonDiagnostic(d))
					}
					if err := writeJSON(e.stdout, out); err != nil {
						return err
					}
					continue
				}
				errCount, warnCount := 0, 0
				for _, d := range diags {
					if d.Severity == "ERROR" {
						errCount++
					} else {
						warnCount++
					}
				}
				switch {
				case errCount == 0 && warnCount == 0:
					fmt.Fprintf(e.stdout, "%s: OK\n", path)
				case errCount == 0:
					fmt.Fprintf(e.stdout, "%s: OK, with %s\n", path, plural(warnCount, "warning"))
				default:
					fmt.Fprintf(e.stdout, "%s: %s\n", path, plural(errCount, "error"))
				}
				for _, d := range diags {
					prefix := "  "
					if d.Severity == "WARNING" {
						prefix = "  warning: "
					}
					fmt.Fprintf(e.stdout, "%s%s\n", prefix, d)
				}
			}
			if failed > 0 {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s of %d invalid", plural(failed, "definition"), len(args))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// runOutput is what weir states run prints.
type runOutput struct {
	Status string           `json:"status"`
	Output any              `json:"output,omitempty"`
	Error  string           `json:"error,omitempty"`
	Cause  string           `json:"cause,omitempty"`
	Events []map[string]any `json:"events,omitempty"`
}

func (e *env) statesRunCommand() *cobra.Command {
	var (
		input, name, output string
		history, fast       bool
		substitutions       []string
	)
	cmd := &cobra.Command{
		Use:   "run DEFINITION",
		Short: "Run one execution of a definition to its end, in this process",
		Long: `run starts an execution of the definition (a JSON or YAML file, "-" for standard input)
on --input and waits for it to end. It prints {"status", "output"} or {"status", "error",
"cause"}; --history adds the events, as GetExecutionHistory gives them. Task states run
Athena queries (arn:aws:states:::athena:startQueryExecution[.sync], ...), Glue crawlers
(arn:aws:states:::aws-sdk:glue:startCrawler, ...), functions (Lambda ARNs and
arn:aws:states:::lambda:invoke) and stored state machines
(arn:aws:states:::states:startExecution[.sync[:2]]) in this data directory; a
distributed Map reads and writes lake objects (ItemReader, ResultWriter).
The execution itself is not recorded: use 'weir executions start' for that.

--fast-timers runs Wait states and retry intervals on a virtual clock: a machine that
waits for hours finishes in milliseconds. The exit status is 0 when the execution
SUCCEEDED and 1 otherwise.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if output != "text" && output != "json" {
				return usageError("--output %q must be text or json", output)
			}
			data, err := e.readDefinition(args[0])
			if err != nil {
				return err
			}
			def, err := asl.Parse(data)
			if err != nil {
				return &ExitError{Code: ExitFailure, Err: err}
			}
			in, err := e.executionInput(input)
			if err != nil {
				return err
			}
			subs := map[string]string{}
			for _, s := range substitutions {
				k, v, ok := strings.Cut(s, "=")
				if !ok || k == "" {
					return usageError("--substitution %q must be NAME=VALUE", s)
				}
				subs[k] = v
			}
			// The SQL engine starts only for machines that run queries:
			// the others start in milliseconds.
			engine := needsEngine(def)
			a, err := e.openWork(ctx, "weir states run", !engine)
			if err != nil {
				return err
			}
			defer a.Close()
			if engine {
				defer e.runApp(a)()
			}

			reg, err := a.Tasks(subs)
			if err != nil {
				return err
			}
			opts := workflow.DefaultOptions()
			opts.Tasks, opts.Objects = reg, a.Objects()
			opts.Logger = e.logger(a.Config)
			if fast {
				opts.Clock = workflow.NewVirtualClock()
			}
			machine := strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
			machine = strings.TrimSuffix(strings.TrimSuffix(machine, ".asl"), ".json")
			res, err := workflow.NewRunner(opts).Run(ctx, def, in, workflow.ExecutionInfo{Name: name, Machine: machine})
			if err != nil {
				return err
			}
			return e.printExecutionResult(res, output, history)
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "{}", "execution input: JSON, or @FILE to read it from a file")
	f.StringVar(&name, "name", "", "execution name (default: a UUID)")
	f.StringVarP(&output, "output", "o", "text", "output format: text (indented JSON) or json (one line)")
	f.BoolVar(&history, "history", false, "include the execution's history events")
	f.BoolVar(&fast, "fast-timers", false, "run Wait states and retry intervals on a virtual clock")
	f.StringArrayVar(&substitutions, "substitution", nil, "value of a ${NAME} or #{NAME} placeholder in resources, NAME=VALUE (repeat)")
	return cmd
}

// executionInput reads --input: JSON text, or @FILE.
func (e *env) executionInput(s string) (any, error) {
	src := []byte(s)
	what := "--input"
	if strings.HasPrefix(s, "@") {
		b, err := os.ReadFile(s[1:])
		if err != nil {
			return nil, usageError("cannot read --input: %v", err)
		}
		src, what = b, s[1:]
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, usageError("%s is not JSON: %v", what, err)
	}
	if dec.More() {
		return nil, usageError("%s holds more than one JSON value", what)
	}
	return v, nil
}

// needsEngine reports whether a definition needs the SQL engine: for
// Athena tasks, for Parquet items (DuckDB reads them), and for nested
// executions, whose machines may need it.
func needsEngine(def *asl.Definition) bool {
	for _, st := range def.States {
		if st.Type == asl.TypeTask && (strings.Contains(st.Resource, ":athena:") || strings.Contains(st.Resource, ":states:startExecution")) {
			return true
		}
		if cfg, ok := st.ItemReader["ReaderConfig"].(map[string]any); ok && cfg["InputType"] == "PARQUET" {
			return true
		}
		for _, b := range st.Branches {
			if needsEngine(b) {
				return true
			}
		}
		if st.ItemProcessor != nil && needsEngine(st.ItemProcessor) {
			return true
		}
	}
	return false
}
