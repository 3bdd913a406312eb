package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

type queryFlags struct {
	database string
	output   string
	file     string
	async    bool
	maxRows  int
}

func (e *env) queryCommand() *cobra.Command {
	var f queryFlags
	cmd := &cobra.Command{
		Use:   `query [flags] "SQL" | -f FILE`,
		Short: "Run Athena SQL statements",
		Long: `Run Athena SQL: Hive DDL (CREATE EXTERNAL TABLE, MSCK REPAIR TABLE, ...), SELECT,
CREATE TABLE AS, INSERT INTO and UNLOAD. Several statements separated by ';' run
in order; the first failure stops the run.

Results print as a table (or --output csv / json). Each statement is a query
execution you can inspect later with 'weir queries'.`,
		Example: `  weir query "SHOW DATABASES"
  weir query --database traffic "SELECT count(*) FROM raw"
  weir query -f pipeline.sql
  weir query --output csv "SELECT * FROM traffic.raw LIMIT 10" > sample.csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runQuery(cmd.Context(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.database, "database", "d", "default", "database for unqualified table names")
	fl.StringVarP(&f.output, "output", "o", outputTable, "output format: table, csv or json")
	fl.StringVarP(&f.file, "file", "f", "", "read SQL from a file (- for standard input)")
	fl.BoolVar(&f.async, "async", false, "queue the statement and print its query execution id without waiting")
	fl.IntVar(&f.maxRows, "max-rows", 1000, "most rows to print in table output (0 for all)")
	return cmd
}

func (e *env) readSQL(f queryFlags, args []string) (string, error) {
	switch {
	case f.file != "" && len(args) > 0:
		return "", usageError("give the SQL as an argument or with -f, not both")
	case f.file == "-":
		b, err := io.ReadAll(e.stdin)
		return string(b), err
	case f.file != "":
		b, err := os.ReadFile(f.file)
		if err != nil {
			return "", &ExitError{Code: ExitUsage, Err: err}
		}
		return string(b), nil
	case len(args) == 1:
		return args[0], nil
	}
	return "", usageError(`no SQL given: weir query "SELECT ..." or weir query -f FILE`)
}

func (e *env) runQuery(ctx context.Context, f queryFlags, args []string) error {
	if err := checkOutput(f.output); err != nil {
		return err
	}
	sql, err := e.readSQL(f, args)
	if err != nil {
		return err
	}
	pieces, err := statement.Split(sql)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("SYNTAX_ERROR: %v", err)}
	}
	if len(pieces) == 0 {
		return usageError("the SQL holds no statements")
	}
	if f.async {
		if len(pieces) > 1 {
			return usageError("--async runs one statement at a time; the SQL holds %d", len(pieces))
		}
		return e.startAsync(ctx, f, pieces[0].Text)
	}
	qs, release, err := e.queries(ctx, "weir query", true)
	if err != nil {
		return err
	}
	defer release()
	for i, p := range pieces {
		if err := e.runStatement(ctx, qs, f, p, i, len(pieces)); err != nil {
			return err
		}
	}
	return nil
}

// runStatement runs one statement and prints its outcome.
func (e *env) runStatement(ctx context.Context, qs queryService, f queryFlags, p statement.Piece, i, n int) error {
	id, err := qs.Start(ctx, query.StartInput{Query: p.Text, Database: f.database})
	if err != nil {
		return kindError(err)
	}
	stopSpinner := e.spinner(f.output, id)
	x, err := qs.Wait(ctx, id)
	stopSpinner()
	if err != nil {
		if ctx.Err() != nil {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			qs.Cancel(cctx, id)
			qs.Wait(cctx, id)
			fmt.Fprintf(e.stderr, "weir: query %s cancelled\n", id)
			return &ExitError{Code: ExitInterrupted, Err: errAlreadyReported}
		}
		return err
	}
	if x.State != query.StateSucceeded {
		if f.output == outputJSON {
			writeJSON(e.stdout, newJSONResult(x))
		}
		e.reportFailure(x, p, n > 1, i)
		return &ExitError{Code: ExitFailure, Err: errAlreadyReported}
	}
	return e.printResult(ctx, qs, x, f)
}

// printResult prints a succeeded execution's result set.
func (e *env) printResult(ctx context.Context, qs queryService, x *query.Execution, f queryFlags) error {
	isWrite := x.SubstatementType == "INSERT" || x.SubstatementType == "CREATE_TABLE_AS_SELECT" || x.SubstatementType == "UNLOAD"
	var cols []query.ColumnInfo
	var rows [][]*string
	var updateCount int64
	total := int64(0)
	limit := f.maxRows
	if f.output != outputTable {
		limit = 0
	}
	token := ""
	truncated := false
	header := true
	for {
		page, err := qs.Results(ctx, x.ID, token, query.MaxResultsPerPage)
		if err != nil {
			return err
		}
		cols, updateCount = page.Columns, page.UpdateCount
		if isWrite {
			break
		}
		total += int64(len(page.Rows))
		if f.output == outputCSV {
			renderCSV(e.stdout, cols, page.Rows, header)
			header = false
		} else {
			for _, r := range page.Rows {
				if limit > 0 && len(rows) >= limit {
					truncated = true
					break
				}
				rows = append(rows, r)
			}
		}
		if page.NextToken == "" {
			break
		}
		if truncated {
			total = x.Statistics.ResultRows
			break
		}
		token = page.NextToken
	}
	st := x.Statistics
	switch f.output {
	case outputJSON:
		r := newJSONResult(x)
		for _, c := range cols {
			r.Columns = append(r.Columns, jsonColumn{Name: c.Name, Type: c.FullType})
		}
		if isWrite {
			r.UpdateCount = &updateCount
		} else {
			r.Rows = rows
			if r.Rows == nil {
				r.Rows = [][]*string{}
			}
		}
		return writeJSON(e.stdout, r)
	case outputTable:
		switch {
		case isWrite:
			fmt.Fprintf(e.stdout, "%s: %s rows written\n", strings.ReplaceAll(x.SubstatementType, "_", " "), groupDigits(updateCount))
		case x.StatementType == "DDL" && len(rows) == 0:
			fmt.Fprintln(e.stdout, strings.ReplaceAll(x.SubstatementType, "_", " "))
		default:
			renderTable(e.stdout, cols, rows)
		}
	}
	if f.output == outputTable {
		var parts []string
		if !isWrite && !(x.StatementType == "DDL" && len(rows) == 0) {
			noun := "rows"
			if total == 1 {
				noun = "row"
			}
			parts = append(parts, fmt.Sprintf("%s %s", groupDigits(total), noun))
			if truncated {
				parts[0] = fmt.Sprintf("showing %s of %s rows; use --max-rows 0 or --output csv for all", groupDigits(int64(len(rows))), groupDigits(total))
			}
		}
		parts = append(parts, humanDuration(st.TotalExecutionTimeMillis))
		if st.DataScannedInBytes > 0 {
			parts = append(parts, humanBytes(st.DataScannedInBytes)+" scanned")
		}
		parts = append(parts, "id "+x.ID)
		fmt.Fprintf(e.stderr, "(%s)\n", strings.Join(parts, ", "))
	}
	return nil
}

var linePos = regexp.MustCompile(`line (\d+):(\d+): `)

// reportFailure prints why a statement failed, pointing at the position
// when the error has one.
func (e *env) reportFailure(x *query.Execution, p statement.Piece, script bool, i int) {
	msg := x.StateChangeReason
	if x.State == query.StateCancelled {
		fmt.Fprintf(e.stderr, "weir: query %s was cancelled\n", x.ID)
		return
	}
	where := ""
	if script {
		where = fmt.Sprintf(" (statement %d)", i+1)
	}
	fmt.Fprintf(e.stderr, "weir: query failed%s: %s\n", where, msg)
	if m := linePos.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		lines := strings.Split(p.Text, "\n")
		if line >= 1 && line <= len(lines) {
			text := lines[line-1]
			fmt.Fprintf(e.stderr, "  %s\n  %s^\n", strings.ReplaceAll(text, "\t", " "), strings.Repeat(" ", max(0, col-1)))
		}
	}
	fmt.Fprintf(e.stderr, "  query execution id: %s\n", x.ID)
}

// spinner shows a query's progress on a terminal; it returns a function
// that clears it.
func (e *env) spinner(output string, id string) func() {
	f, ok := e.stderr.(*os.File)
	if output != outputTable || !ok || !isTerminal(f) {
		return func() {}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		frames := []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
		start := time.Now()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		shown := false
		for i := 0; ; i++ {
			select {
			case <-stop:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case <-t.C:
			}
			if time.Since(start) < 300*time.Millisecond {
				continue
			}
			fmt.Fprintf(f, "\r\033[K%s running %.1fs (query %s; Ctrl-C cancels)", frames[i%len(frames)], time.Since(start).Seconds(), id)
			shown = true
		}
	}()
	return func() { close(stop); <-done }
}

// startAsync queues a statement and returns its execution id at once: a
// weir serve runs it, or else a background weir process this one hands
// the data directory's lock to.
func (e *env) startAsync(ctx context.Context, f queryFlags, sql string) error {
	c, err := e.server(ctx)
	if err != nil {
		return err
	}
	var id string
	if c != nil {
		// The server runs it.
		if id, err = (remoteQueries{c}).Start(ctx, query.StartInput{Query: sql, Database: f.database}); err != nil {
			return kindError(err)
		}
	} else {
		a, err := e.open(ctx, "weir query --async")
		if err != nil {
			return err
		}
		if id, err = a.Queries.Start(ctx, query.StartInput{Query: sql, Database: f.database}); err != nil {
			a.Close()
			return kindError(err)
		}
		if err := e.handOver(a, "__run-queued"); err != nil {
			return err
		}
	}
	if f.output == outputJSON {
		return writeJSON(e.stdout, map[string]string{"query_execution_id": id})
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

// handOver starts a background weir process running the hidden command
// args[0] (with the data directory and configuration of this one) and
// hands it the data directory's lock, so that this command can return at
// once. It releases a's resources without unlocking; on error it closes a.
func (e *env) handOver(a *app.App, args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		a.Close()
		return err
	}
	logPath := filepath.Join(a.Dir.Root, "weir-runner.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		a.Close()
		return err
	}
	defer logFile.Close()
	args = append(args, "--data-dir", a.Dir.Root)
	if e.configPath != "" {
		args = append(args, "--config", e.configPath)
	}
	// The runner says on the pipe when it has taken the lock over (and
	// named itself as its holder), so that a command run right after this
	// one sees the runner, not this process, holding the directory.
	ready, readyW, err := os.Pipe()
	if err != nil {
		a.Close()
		return err
	}
	defer ready.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "WEIR_LOCK_FD=3", "WEIR_READY_FD=4")
	cmd.ExtraFiles = []*os.File{a.Dir.LockFile(), readyW}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		a.Close()
		return fmt.Errorf("start the background runner: %w", err)
	}
	cmd.Process.Release()
	// The runner holds the lock now; release our resources without
	// unlocking.
	a.Detach()
	waitReady(ready, 10*time.Second)
	return nil
}

// runQueuedCommand is the background runner started by query --async.
func (e *env) runQueuedCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__run-queued",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open(cmd.Context(), "weir (background query runner)")
			e.signalReady()
			if err != nil {
				return err
			}
			defer a.Close()
			return a.Queries.Drain(cmd.Context())
		},
	}
}

// waitReady waits until the runner writes to or closes the pipe (it
// closes when the runner exits, too), at most timeout.
func waitReady(r *os.File, timeout time.Duration) {
	r.SetReadDeadline(time.Now().Add(timeout))
	var b [1]byte
	r.Read(b[:])
}

// signalReady tells the process that started this runner that the lock
// is taken over (or that opening failed, which the runner logs).
func (e *env) signalReady() {
	fd := e.getenv("WEIR_READY_FD")
	var n int
	if _, err := fmt.Sscan(fd, &n); err != nil || n <= 2 {
		return
	}
	f := os.NewFile(uintptr(n), "ready")
	f.Write([]byte{1})
	f.Close()
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
