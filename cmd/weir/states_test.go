package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crawlAndCount is seed 000's orchestration in miniature, as AWS runs it:
// start a Glue crawler, poll it through a Wait loop until it is READY,
// then run an Athena query on the table it made.
const crawlAndCount = `Comment: crawl, wait for the crawler, then query
StartAt: StartCrawler
States:
  StartCrawler:
    Type: Task
    Resource: arn:aws:states:::aws-sdk:glue:startCrawler
    Parameters:
      Name: traffic
    Next: WaitCrawler
  WaitCrawler:
    Type: Wait
    Seconds: 30
    Next: GetCrawler
  GetCrawler:
    Type: Task
    Resource: arn:aws:states:::aws-sdk:glue:getCrawler
    Parameters:
      Name: traffic
    Next: Ready?
  Ready?:
    Type: Choice
    Choices:
      # A new crawler has no LastCrawl until its first crawl ends.
      - And:
          - Variable: $.Crawler.State
            StringEquals: READY
          - Variable: $.Crawler.LastCrawl.Status
            StringEquals: SUCCEEDED
        Next: Count
      - And:
          - Variable: $.Crawler.LastCrawl.Status
            IsPresent: true
          - Variable: $.Crawler.LastCrawl.Status
            StringEquals: FAILED
        Next: Failed
    Default: WaitCrawler
  Count:
    Type: Task
    Resource: arn:aws:states:::athena:startQueryExecution.sync
    Parameters:
      QueryString.$: States.Format('SELECT count(*) AS n FROM traffic.traffic WHERE speed > {}', $$.Execution.Input.min)
    ResultSelector:
      id.$: $.QueryExecution.QueryExecutionId
    Next: Results
  Results:
    Type: Task
    Resource: arn:aws:states:::athena:getQueryResults
    Parameters:
      QueryExecutionId.$: $.id
    ResultSelector:
      n.$: $.ResultSet.Rows[1].Data[0].VarCharValue
    End: true
  Failed:
    Type: Fail
    Error: Crawler.Failed
`

type runOutput struct {
	Status string
	Output json.RawMessage
	Error  string
	Cause  string
	Events []struct {
		ID, PreviousEventID int64
		Type                string
	}
}

func writeDefinition(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "machine.asl.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStatesRunCrawlerAndQuery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "mb", "s3://raw")
	putFile(t, dir, "s3://raw/traffic/2024/03/01/09/part-1", `{"id": 1, "speed": 10}`+"\n"+`{"id": 2, "speed": 60}`+"\n")
	putFile(t, dir, "s3://raw/traffic/2024/03/01/10/part-1", `{"id": 3, "speed": 80}`+"\n")
	mustWeir(t, dir, "crawlers", "create", "traffic", "--database", "traffic", "--target", "s3://raw/traffic/")
	def := writeDefinition(t, crawlAndCount)

	stdout := mustWeir(t, dir, "states", "run", def, "--input", `{"min": 50}`, "--fast-timers", "--history", "-o", "json")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Status != "SUCCEEDED" || string(out.Output) != `{"n":"2"}` {
		t.Fatalf("status %s, output %s, error %s: %s", out.Status, out.Output, out.Error, out.Cause)
	}
	var types []string
	for i, e := range out.Events {
		if e.ID != int64(i+1) || (i > 0 && e.PreviousEventID != e.ID-1) {
			t.Errorf("event %d: id %d, previous %d", i, e.ID, e.PreviousEventID)
		}
		types = append(types, e.Type)
	}
	got := strings.Join(types, " ")
	for _, want := range []string{"ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskSucceeded TaskStateExited WaitStateEntered",
		"ChoiceStateEntered ChoiceStateExited TaskStateEntered", "TaskStateExited ExecutionSucceeded"} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}
	if c := getCrawler(t, dir, "traffic"); c.State != "READY" || c.LastCrawl == nil || c.LastCrawl.Status != "SUCCEEDED" {
		t.Errorf("crawler after the run: %+v", c)
	}

	// Starting the crawler while it runs fails with Glue's exception name,
	// which Catch can route. The crawl has enough folders (written
	// straight into the lake) to still run when B starts right after A.
	for i := range 1000 {
		f := filepath.Join(dir, "lake", "raw", "many", fmt.Sprintf("day=%d", i), "part-1")
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(`{"id": 1}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustWeir(t, dir, "crawlers", "create", "many", "--database", "traffic", "--target", "s3://raw/many/")
	running := writeDefinition(t, `{"StartAt": "A", "States": {
		"A": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:startCrawler", "Parameters": {"Name": "many"}, "Next": "B"},
		"B": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:startCrawler", "Parameters": {"Name": "many"}, "End": true,
		      "Catch": [{"ErrorEquals": ["Glue.CrawlerRunningException"], "ResultPath": "$.error", "Next": "Caught"}]},
		"Caught": {"Type": "Pass", "Parameters": {"error.$": "$.error.Error"}, "End": true}}}`)
	stdout = mustWeir(t, dir, "states", "run", running, "-o", "json")
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Status != "SUCCEEDED" || string(out.Output) != `{"error":"Glue.CrawlerRunningException"}` {
		t.Errorf("second start: %s %s %s", out.Status, out.Output, out.Cause)
	}
}

func TestStatesRunFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	failing := writeDefinition(t, `{"StartAt": "Q", "States": {
		"Q": {"Type": "Task", "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
		      "Parameters": {"QueryString": "SELECT nope FROM nowhere"}, "End": true}}}`)
	stdout, stderr, code := weir(t, dir, "", "states", "run", failing, "-o", "json")
	wantRun(t, "failing query", stdout, stderr, code, 1, "ended FAILED with States.TaskFailed")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Status != "FAILED" || out.Error != "States.TaskFailed" || !strings.Contains(out.Cause, "TABLE_NOT_FOUND") {
		t.Errorf("failing query: %+v", out)
	}

	unknown := writeDefinition(t, `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true}}}`)
	stdout, stderr, code = weir(t, dir, "", "states", "run", unknown)
	wantRun(t, "unknown resource", stdout, stderr, code, 1, "States.Runtime")
	if !strings.Contains(stdout, "is not available in weir") {
		t.Errorf("unknown resource output:\n%s", stdout)
	}

	invalid := writeDefinition(t, `{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}`)
	stdout, stderr, code = weir(t, dir, "", "states", "run", invalid)
	wantRun(t, "invalid definition", stdout, stderr, code, 1, "SCHEMA_VALIDATION_FAILED", "/States/A")

	stdout, stderr, code = weir(t, dir, "", "states", "run", unknown, "--input", "{not json")
	wantRun(t, "bad input", stdout, stderr, code, 2)

	// A Fail state may give no Error and no Cause (it said "ended FAILED
	// with  (its cause is in the output above)").
	bare := writeDefinition(t, `{"StartAt": "F", "States": {"F": {"Type": "Fail"}}}`)
	stdout, stderr, code = weir(t, dir, "", "states", "run", bare)
	wantRun(t, "fail without error", stdout, stderr, code, 1, "weir: the execution ended FAILED\n")
}

func TestStatesValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeDefinition(t, crawlAndCount)
	stdout := mustWeir(t, dir, "states", "validate", good)
	if !strings.HasSuffix(strings.TrimSpace(stdout), ": OK") {
		t.Errorf("valid definition: %q", stdout)
	}
	bad := `{"StartAt": "Frist", "States": {"First": {"Type": "Pass", "Nxt": "X"}}}`
	stdout, stderr, code := weir(t, dir, bad, "states", "validate", "-")
	wantRun(t, "invalid definition", stdout, stderr, code, 1, "1 definition of 1 invalid")
	for _, want := range []string{"-: 4 errors", "MISSING_TRANSITION_TARGET: StartAt names the state \"Frist\"", "(did you mean \"First\"?)",
		"The field 'Nxt' is not supported in a Pass state", "at /States/First/Nxt"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("validate output lacks %q:\n%s", want, stdout)
		}
	}
	stdout, _, _ = weir(t, dir, bad, "states", "validate", "-", "-o", "json")
	var res struct {
		Result      string
		Diagnostics []struct{ Severity, Code, Message, Location string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if res.Result != "FAIL" || len(res.Diagnostics) != 4 || res.Diagnostics[0].Location == "" {
		t.Errorf("json: %+v", res)
	}
}
