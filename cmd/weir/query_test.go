package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shopSetup creates a lake bucket with two JSON rows, including a value
// that needs CSV quoting and a NULL.
func shopSetup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	local := filepath.Join(t.TempDir(), "items.json")
	rows := `{"id":1,"name":"a, \"b\"","v":1.5}` + "\n" + `{"id":2,"name":"c","v":null}` + "\n"
	if err := os.WriteFile(local, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	mustWeir(t, dir, "lake", "mb", "s3://shop-data")
	mustWeir(t, dir, "lake", "mb", "s3://shop-out")
	mustWeir(t, dir, "lake", "cp", local, "s3://shop-data/items/items.json")
	return dir
}

const shopDDL = `CREATE DATABASE shop;
CREATE EXTERNAL TABLE shop.items (id int, name string, v double)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://shop-data/items/';
`

const shopTable = `id | name   | v
---+--------+-----
 1 | a, "b" |  1.5
 2 | c      | NULL
`

func TestQueryScript(t *testing.T) {
	t.Parallel()
	script := shopDDL + "SELECT id, name, v FROM shop.items ORDER BY id;\n"
	for _, tc := range []struct {
		name  string
		stdin string
		args  func(file string) []string
	}{
		{"file", "", func(file string) []string { return []string{"query", "-f", file} }},
		{"stdin", script, func(string) []string { return []string{"query", "-f", "-"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := shopSetup(t)
			file := filepath.Join(t.TempDir(), "script.sql")
			if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := weir(t, dir, tc.stdin, tc.args(file)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if want := "CREATE DATABASE\nCREATE TABLE\n" + shopTable; stdout != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
			}
			// One summary line per statement, the SELECT's with its rows.
			summaries := regexp.MustCompile(`(?m)^\((.*), id [0-9a-f-]{36}\)$`).FindAllStringSubmatch(stderr, -1)
			if len(summaries) != 3 || !regexp.MustCompile(`^2 rows, [0-9.]+ m?s, 64 B scanned$`).MatchString(summaries[2][1]) {
				t.Errorf("stderr:\n%s\nwant three summaries, the last \"(2 rows, N ms, 64 B scanned, id ...)\"", stderr)
			}
			xs := listExecutions(t, dir)
			if len(xs) != 3 || xs[0].SubstatementType != "SELECT" || xs[1].SubstatementType != "CREATE_TABLE" || xs[2].SubstatementType != "CREATE_DATABASE" {
				t.Errorf("executions: %+v", xs)
			}
		})
	}
}

func TestQueryOutputs(t *testing.T) {
	t.Parallel()
	dir := shopSetup(t)
	mustWeir(t, dir, "query", shopDDL)

	t.Run("table", func(t *testing.T) {
		out := mustWeir(t, dir, "query", "-d", "shop", "SELECT id, name, v FROM items ORDER BY id")
		if out != shopTable {
			t.Errorf("got:\n%s\nwant:\n%s", out, shopTable)
		}
		out, stderr, code := weir(t, dir, "", "query", "-d", "shop", "--max-rows", "1", "SELECT id FROM items ORDER BY id")
		if want := "id\n--\n 1\n"; out != want || code != 0 {
			t.Errorf("--max-rows 1: exit %d\n%s\nwant:\n%s", code, out, want)
		}
		if !strings.HasPrefix(stderr, "(showing 1 of 2 rows; use --max-rows 0 or --output csv for all, ") {
			t.Errorf("--max-rows 1: stderr %q", stderr)
		}
	})
	t.Run("one column is not cut", func(t *testing.T) {
		// SHOW CREATE TABLE's lines are printed whole, to be pasted
		// back (they were cut at 60 characters).
		long := strings.Repeat("x", 100)
		out := mustWeir(t, dir, "query", "SELECT '"+long+"' AS s")
		if !strings.Contains(out, long) || strings.Contains(out, "…") {
			t.Errorf("one long column:\n%s", out)
		}
		out = mustWeir(t, dir, "query", "SELECT '"+long+"' AS s, 1 AS n")
		if strings.Contains(out, long) || !strings.Contains(out, "…") {
			t.Errorf("two columns, one long:\n%s", out)
		}
	})
	t.Run("csv", func(t *testing.T) {
		out := mustWeir(t, dir, "query", "-o", "csv", "SELECT id, name, v FROM shop.items ORDER BY id")
		// Athena's result CSV: a header, every value quoted, NULL empty.
		if want := "\"id\",\"name\",\"v\"\n\"1\",\"a, \"\"b\"\"\",\"1.5\"\n\"2\",\"c\",\n"; out != want {
			t.Errorf("got:\n%s\nwant:\n%s", out, want)
		}
		out = mustWeir(t, dir, "query", "-o", "csv", "SELECT id FROM shop.items WHERE id > 5")
		if want := "\"id\"\n"; out != want {
			t.Errorf("no rows: got %q, want %q", out, want)
		}
	})
	t.Run("json", func(t *testing.T) {
		out := mustWeir(t, dir, "query", "-o", "json", "-d", "shop", `SELECT id, name, v FROM items ORDER BY id;
SELECT id FROM items WHERE id > 5;
CREATE TABLE copy WITH (format = 'PARQUET', external_location = 's3://shop-out/copy/') AS SELECT * FROM items;
INSERT INTO copy SELECT * FROM items WHERE id = 1`)
		type result struct {
			QueryExecutionID string `json:"query_execution_id"`
			State            string `json:"state"`
			SubstatementType string `json:"substatement_type"`
			Columns          []struct {
				Name, Type string
			} `json:"columns"`
			Rows        *[][]*string `json:"rows"`
			UpdateCount *int64       `json:"update_count"`
		}
		var results []result
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var r result
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%v: %s", err, sc.Text())
			}
			results = append(results, r)
		}
		if len(results) != 4 {
			t.Fatalf("want one JSON object per statement, got:\n%s", out)
		}
		for i, r := range results {
			if r.State != "SUCCEEDED" || len(r.QueryExecutionID) != 36 {
				t.Errorf("statement %d: %+v", i+1, r)
			}
		}
		sel, none, ctas, insert := results[0], results[1], results[2], results[3]
		if b, _ := json.Marshal(sel.Columns); string(b) != `[{"Name":"id","Type":"integer"},{"Name":"name","Type":"varchar"},{"Name":"v","Type":"double"}]` {
			t.Errorf("SELECT columns: %s", b)
		}
		if sel.Rows == nil {
			t.Fatalf("SELECT has no rows: %s", out)
		}
		if b, _ := json.Marshal(*sel.Rows); string(b) != `[["1","a, \"b\"","1.5"],["2","c",null]]` {
			t.Errorf("SELECT rows: %s", b)
		}
		if sel.UpdateCount != nil {
			t.Errorf("SELECT has an update_count")
		}
		if none.Rows == nil || len(*none.Rows) != 0 {
			t.Errorf("a SELECT without rows should have \"rows\": [], got:\n%s", strings.Split(out, "\n")[1])
		}
		if ctas.SubstatementType != "CREATE_TABLE_AS_SELECT" || ctas.UpdateCount == nil || *ctas.UpdateCount != 2 || ctas.Rows != nil {
			t.Errorf("CTAS: %+v", ctas)
		}
		if insert.SubstatementType != "INSERT" || insert.UpdateCount == nil || *insert.UpdateCount != 1 || insert.Rows != nil {
			t.Errorf("INSERT: %+v", insert)
		}
		if n := scalar(t, dir, "SELECT count(*) FROM shop.copy"); n != "3" {
			t.Errorf("shop.copy holds %s rows, want 3", n)
		}
	})
}

func TestQueryFailure(t *testing.T) {
	t.Parallel()
	dir := shopSetup(t)
	mustWeir(t, dir, "query", shopDDL)
	before := len(listExecutions(t, dir))

	// The second statement fails: the first ran, the third does not.
	script := "SELECT 1 AS one;\nSELECT id,\n\tnosuch\nFROM shop.items;\nCREATE DATABASE never;\n"
	stdout, stderr, code := weir(t, dir, script, "query", "-f", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", code, stderr)
	}
	if want := "one\n---\n  1\n"; stdout != want {
		t.Errorf("stdout:\n%s\nwant the first statement's result:\n%s", stdout, want)
	}
	xs := listExecutions(t, dir)
	if len(xs) != before+2 {
		t.Fatalf("%d executions were recorded, want 2 (the third statement must not run): %+v", len(xs)-before, xs[:len(xs)-before])
	}
	failed := xs[0]
	if failed.State != "FAILED" || xs[1].State != "SUCCEEDED" || xs[1].Query != "SELECT 1 AS one" {
		t.Errorf("executions: %+v", xs[:2])
	}
	// The report names the statement, the error code and position, shows
	// the line with a caret under the column, and gives the id.
	want := regexp.MustCompile(`\nweir: query failed \(statement 2\): COLUMN_NOT_FOUND: line 2:2: Column 'nosuch' cannot be resolved[^\n]*\n` +
		`   nosuch\n` +
		`   \^\n` +
		`  query execution id: ` + failed.ID + `\n\z`)
	if !want.MatchString(stderr) {
		t.Errorf("stderr:\n%s\nwant it to end matching:\n%s", stderr, want)
	}
	if out := mustWeir(t, dir, "query", "SHOW DATABASES"); strings.Contains(out, "never") {
		t.Errorf("the statement after the failure ran:\n%s", out)
	}

	// A syntax error in a single statement: no statement number.
	_, stderr, code = weir(t, dir, "", "query", "SELECT 1 FROM shop.items WHERE")
	wantRun(t, "syntax error", "", stderr, code, 1, "weir: query failed: SYNTAX_ERROR: line 1:", "  SELECT 1 FROM shop.items WHERE\n", "^\n  query execution id: ")

	// --output json still prints the failed statement, then reports it.
	stdout, stderr, code = weir(t, dir, "", "query", "-o", "json", "SELECT nosuch FROM shop.items")
	wantRun(t, "json failure", stdout, stderr, code, 1, "COLUMN_NOT_FOUND")
	var r struct {
		State string `json:"state"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.State != "FAILED" || !strings.HasPrefix(r.Error.Message, "COLUMN_NOT_FOUND: line 1:8: ") {
		t.Errorf("json failure: %v %+v\n%s", err, r, stdout)
	}
}

func TestQueryUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no SQL", []string{"query"}, "no SQL given"},
		{"only separators", []string{"query", " ; ;"}, "the SQL holds no statements"},
		{"SQL and file", []string{"query", "-f", "x.sql", "SELECT 1"}, "not both"},
		{"missing file", []string{"query", "-f", filepath.Join(dir, "missing.sql")}, "no such file"},
		{"unknown flag", []string{"query", "--bogus", "SELECT 1"}, "unknown flag: --bogus"},
		{"bad output", []string{"query", "--output", "xml", "SELECT 1"}, `--output "xml" must be table, csv or json`},
		{"two arguments", []string{"query", "SELECT 1", "SELECT 2"}, "accepts at most 1 arg"},
		{"async script", []string{"query", "--async", "SELECT 1; SELECT 2"}, "--async runs one statement at a time"},
		{"queries get without id", []string{"queries", "get"}, "accepts 1 arg"},
		{"queries list bad output", []string{"queries", "list", "-o", "xml"}, "must be table, csv or json"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"demo without events", []string{"demo", "--events", "0"}, "--events and --sensors must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := weir(t, dir, "", tc.args...)
			wantRun(t, tc.name, stdout, stderr, code, 2, tc.want, "Run 'weir ", "--help' for usage.")
			if !strings.HasPrefix(stderr, "weir: ") {
				t.Errorf("stderr does not start with \"weir: \":\n%s", stderr)
			}
		})
	}
	// Usage errors are found before any work: nothing was recorded.
	if xs := listExecutions(t, dir); len(xs) != 0 {
		t.Errorf("usage errors recorded executions: %+v", xs)
	}
}

func TestQueries(t *testing.T) {
	t.Parallel()
	dir := shopSetup(t)
	mustWeir(t, dir, "query", shopDDL)
	_, stderr, code := weir(t, dir, "", "query", "SELECT id, name, v FROM shop.items ORDER BY id")
	if code != 0 {
		t.Fatal(stderr)
	}
	selectID := queryExecutionID(t, stderr)
	_, stderr, _ = weir(t, dir, "", "query", "SELECT nosuch FROM shop.items")
	failedID := regexp.MustCompile(`query execution id: (\S+)`).FindStringSubmatch(stderr)[1]

	t.Run("list", func(t *testing.T) {
		out := mustWeir(t, dir, "queries", "list")
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 || !regexp.MustCompile(`^QUERY EXECUTION ID +STATE +TYPE +SUBMITTED +TIME +SCANNED +QUERY$`).MatchString(lines[0]) {
			t.Fatalf("queries list:\n%s", out)
		}
		for i, want := range []string{
			failedID + `  +FAILED +SELECT +\S+ \S+ +[0-9.]+ m?s +64 B +SELECT nosuch FROM shop.items$`,
			selectID + `  +SUCCEEDED +SELECT +\S+ \S+ +[0-9.]+ m?s +64 B +SELECT id, name, v FROM shop.items ORDER BY id$`,
			`SUCCEEDED +CREATE_TABLE .*CREATE EXTERNAL TABLE shop.items \(id int, name string, v do…$`,
			`SUCCEEDED +CREATE_DATABASE .*CREATE DATABASE shop$`,
		} {
			if !regexp.MustCompile(want).MatchString(lines[i+1]) {
				t.Errorf("line %d = %q, want it to match %q", i+2, lines[i+1], want)
			}
		}
		out = mustWeir(t, dir, "queries", "list", "--limit", "1", "-o", "csv")
		if !strings.HasPrefix(out, `"query_execution_id","state","statement_type",`) || !strings.Contains(out, "\n\""+failedID+"\",\"FAILED\",\"SELECT\",") || strings.Count(out, "\n") != 2 {
			t.Errorf("queries list --limit 1 -o csv:\n%s", out)
		}
	})
	t.Run("get", func(t *testing.T) {
		out := mustWeir(t, dir, "queries", "get", selectID)
		for _, want := range []string{
			`(?m)^QueryExecutionId: +` + selectID + `$`,
			`(?m)^State: +SUCCEEDED$`,
			`(?m)^StatementType: +DML$`,
			`(?m)^SubstatementType: +SELECT$`,
			`(?m)^OutputLocation: +s3://weir-query-results/` + selectID + `\.csv$`,
			`(?m)^SubmissionDateTime: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`,
			`(?m)^TotalExecutionTimeInMillis: +\d+$`,
			`(?m)^DataScannedInBytes: +64$`,
			`(?m)^ResultRows: +2$`,
			`(?m)^Query:\n  SELECT id, name, v FROM shop.items ORDER BY id\n\z`,
		} {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Errorf("queries get: no match for %q in:\n%s", want, out)
			}
		}
		out = mustWeir(t, dir, "queries", "get", failedID)
		for _, want := range []string{
			`(?m)^State: +FAILED$`,
			`(?m)^StateChangeReason: +COLUMN_NOT_FOUND: line 1:8: Column 'nosuch' cannot be resolved`,
			`(?m)^ErrorCategory: +2$`,
		} {
			if !regexp.MustCompile(want).MatchString(out) {
				t.Errorf("queries get (failed): no match for %q in:\n%s", want, out)
			}
		}
		if x := getExecution(t, dir, selectID); x.State != "SUCCEEDED" || x.Statistics.ResultRows != 2 || x.Statistics.DataScannedInBytes != 64 {
			t.Errorf("queries get -o json: %+v", x)
		}
		stdout, stderr, code := weir(t, dir, "", "queries", "get", "00000000-0000-0000-0000-000000000000")
		wantRun(t, "get unknown", stdout, stderr, code, 1, "query execution does not exist")
	})
	t.Run("results", func(t *testing.T) {
		if out := mustWeir(t, dir, "queries", "results", selectID); out != shopTable {
			t.Errorf("queries results:\n%s\nwant:\n%s", out, shopTable)
		}
		out := mustWeir(t, dir, "queries", "results", "-o", "csv", selectID)
		if want := "\"id\",\"name\",\"v\"\n\"1\",\"a, \"\"b\"\"\",\"1.5\"\n\"2\",\"c\",\n"; out != want {
			t.Errorf("queries results -o csv:\n%s\nwant:\n%s", out, want)
		}
		// The result file is an object of the lake, as in Athena.
		if out := mustWeir(t, dir, "lake", "cat", "s3://weir-query-results/"+selectID+".csv"); !strings.HasPrefix(out, "\"id\",\"name\",\"v\"\n") {
			t.Errorf("result file:\n%s", out)
		}
		stdout, stderr, code := weir(t, dir, "", "queries", "results", failedID)
		wantRun(t, "results of a failed query", stdout, stderr, code, 1, "has no results: its state is FAILED")
	})
	t.Run("cancel", func(t *testing.T) {
		// Cancelling a finished execution is not an error, as in Athena.
		if out := mustWeir(t, dir, "queries", "cancel", selectID); out != selectID+" already SUCCEEDED\n" {
			t.Errorf("queries cancel: %q", out)
		}
		if x := getExecution(t, dir, selectID); x.State != "SUCCEEDED" {
			t.Errorf("after cancel: %s", x.State)
		}
	})
}

// TestQueryInterrupt stops a long query with Ctrl-C: the execution is
// cancelled and weir exits 130.
func TestQueryInterrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	source{events: 2000, mult: 100}.create(t, dir)
	p := startWeir(t, dir, nil, "query", endlessQuery)
	x := waitRunning(t, dir, p)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := p.wait(t)
	wantRun(t, "interrupted query", "", stderr, code, 130, "weir: query "+x.ID+" cancelled")
	if x := getExecution(t, dir, x.ID); x.State != "CANCELLED" {
		t.Errorf("after Ctrl-C the execution is %s (%s), want CANCELLED", x.State, x.StateChangeReason)
	}
	mustWeir(t, dir, "query", "SELECT 1") // the lock was released
}

// endlessQuery runs for hours on the source fixture; tests stop it.
const endlessQuery = "SELECT sum(a.id * b.k + c.k - d.k + e.k) FROM events a CROSS JOIN mult b CROSS JOIN mult c CROSS JOIN mult d CROSS JOIN mult e"

// waitRunning waits until the newest execution is RUNNING in process p
// and returns it.
func waitRunning(t *testing.T, dir string, p *proc) execution {
	t.Helper()
	var x execution
	waitFor(t, time.Minute, "the query to run", func() bool {
		if p.exited() {
			_, stderr, code := p.wait(t)
			t.Fatalf("weir exited (%d) before the test stopped it:\n%s", code, stderr)
		}
		xs := listExecutions(t, dir)
		if len(xs) > 0 && xs[0].State == "RUNNING" {
			x = xs[0]
			return true
		}
		return false
	})
	return x
}
