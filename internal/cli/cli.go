// Package cli is weir's command line. Each command returns an exit code
// and an error; only Main turns them into output and an exit status.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/errs"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1   // the command ran and failed (e.g. a query failed)
	ExitUsage       = 2   // bad flags or arguments
	ExitUnavailable = 3   // the data directory is locked by another process
	ExitInterrupted = 130 // stopped by Ctrl-C
)

// ExitError carries the exit code a command wants.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks an error as a usage error (exit code 2).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// env is what every command gets: streams and global settings.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	dataDir    string
	configPath string
	logLevel   string
	logFormat  string
	endpoint   string // --endpoint: the weir serve every verb talks to
	authToken  string // --auth-token: its bearer token
}

// Main runs weir with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, stdin, stdout, stderr, os.Getenv)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	err = remoteError(err)
	code := ExitFailure
	var ee *ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.Code
	case errors.Is(err, datadir.ErrLocked):
		code = ExitUnavailable
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		code = ExitInterrupted
	case isFlagError(err):
		code = ExitUsage
	}
	if msg := err.Error(); msg != "" && !errors.Is(err, errAlreadyReported) {
		fmt.Fprintf(stderr, "weir: %s\n", msg)
		if code == ExitUsage && cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

// errAlreadyReported marks an error whose details were already printed.
var errAlreadyReported = errors.New("")

func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "unknown command", "accepts ", "requires at least", "requires at most"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "weir",
		Short: "The serverless ETL stack (S3, Glue, Athena, Step Functions) as one self-hosted binary",
		Long: `weir runs the AWS serverless ETL stack on your machine: an S3-style data lake,
a Glue-style data catalog, and Athena SQL on an embedded engine.

Everything lives in a data directory (--data-dir, default ./weir-data).

Start with:
  weir demo                      run the traffic pipeline end to end
  weir query "SHOW DATABASES"    run Athena SQL
  weir lake ls                   list buckets
  weir crawlers --help           discover tables in the lake, as Glue crawlers do
  weir states --help             validate and run Step Functions state machines
  weir functions --help          user functions (Lambda) that state machines call
  weir schedules --help          start state machines, crawlers and queries on a timetable
  weir triggers --help           start them when objects land or crawls, queries, executions end
  weir serve                     run the HTTP API, executions and schedules as a server`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.dataDir, "data-dir", "", "data directory (default ./weir-data, or $WEIR_DATA_DIR)")
	pf.StringVar(&e.configPath, "config", "", "YAML configuration file (or $WEIR_CONFIG)")
	pf.StringVar(&e.logLevel, "log-level", "", "log level: debug, info, warn, error")
	pf.StringVar(&e.logFormat, "log-format", "", "log format: text or json")
	pf.StringVar(&e.endpoint, "endpoint", "", "talk to the weir serve at this URL, e.g. http://host:8337 (or $WEIR_ENDPOINT), instead of a data directory")
	pf.StringVar(&e.authToken, "auth-token", "", "bearer token of weir serve's API: the one serve requires, and the one the CLI sends (or $WEIR_AUTH_TOKEN)")
	root.AddCommand(e.queryCommand(), e.queriesCommand(), e.lakeCommand(), e.crawlersCommand(), e.statesCommand(), e.executionsCommand(), e.functionsCommand(), e.schedulesCommand(), e.triggersCommand(), e.demoCommand(), e.versionCommand(),
		e.serveCommand(),
		e.runQueuedCommand(), e.runCrawlerCommand(), e.runExecutionsCommand())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &ExitError{Code: ExitUsage, Err: err} })
	return root
}

// config loads the configuration: defaults, file, environment, flags.
func (e *env) config() (config.Config, error) {
	cfg := config.Default()
	path := e.configPath
	if path == "" {
		path = e.getenv("WEIR_CONFIG")
	}
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return cfg, &ExitError{Code: ExitUsage, Err: err}
		}
	}
	if err := cfg.ApplyEnv(e.getenv); err != nil {
		return cfg, &ExitError{Code: ExitUsage, Err: err}
	}
	if e.dataDir != "" {
		cfg.DataDir = e.dataDir
	}
	if e.logLevel != "" {
		cfg.Log.Level = e.logLevel
	}
	if e.logFormat != "" {
		cfg.Log.Format = e.logFormat
	}
	if err := cfg.Validate(); err != nil {
		return cfg, &ExitError{Code: ExitUsage, Err: err}
	}
	return cfg, nil
}

func (e *env) logger(cfg config.Config) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	hopts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.Log.Format, "json") {
		return slog.New(slog.NewJSONHandler(e.stderr, hopts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, hopts))
}

// open opens the data directory to work in it (taking its lock).
func (e *env) open(ctx context.Context, command string) (*app.App, error) {
	return e.openWork(ctx, command, false)
}

// openWork opens the data directory to work in it (taking its lock, or
// adopting the one a parent process handed over), with or without the
// SQL engine.
func (e *env) openWork(ctx context.Context, command string, noEngine bool) (*app.App, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	opts := app.Options{Config: cfg, Command: command, Logger: e.logger(cfg), NoEngine: noEngine}
	// WEIR_TEST_CRASH_AFTER_MOVES=N makes the process exit abruptly after
	// moving N files of a write into place: crash tests use it to check
	// that the next start finishes the write.
	if v := e.getenv("WEIR_TEST_CRASH_AFTER_MOVES"); v != "" {
		var n int
		fmt.Sscan(v, &n)
		opts.AfterMove = func(i int) {
			if i >= n {
				os.Exit(137)
			}
		}
	}
	if fd := e.getenv("WEIR_LOCK_FD"); fd != "" {
		var n int
		if _, err := fmt.Sscan(fd, &n); err == nil && n > 2 {
			opts.LockFile = os.NewFile(uintptr(n), "weir.lock")
		}
	}
	return app.Open(ctx, opts)
}

// openLake opens the data directory to change the lake (taking its lock)
// without starting the SQL engine.
func (e *env) openLake(ctx context.Context, command string) (*app.App, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, app.Options{Config: cfg, Command: command, Logger: e.logger(cfg), NoEngine: true})
}

// openReadOnly opens the data directory to inspect it.
func (e *env) openReadOnly(ctx context.Context) (*app.App, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return app.OpenReadOnly(ctx, app.Options{Config: cfg, Logger: e.logger(cfg)})
}

// kindError maps a domain error to an exit code.
func kindError(err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, errs.Invalid) {
		return &ExitError{Code: ExitFailure, Err: errors.New(errs.Message(err))}
	}
	return err
}

func (e *env) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print weir's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(e.stdout, "weir %s\n", Version)
			return nil
		},
	}
}

// Version is weir's version, set at build time with -ldflags.
var Version = "dev"
