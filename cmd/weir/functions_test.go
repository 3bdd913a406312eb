package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFunctions runs the function verbs: create, invoke, get, list,
// update, delete and their errors.
func TestFunctions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "functions", "create", "hello", "--command", `read -r event; echo "saw $event" >&2; echo "{\"got\": $event, \"who\": \"$WHO\"}"`,
		"--env", "WHO=weir", "--timeout", "10")
	stdout, stderr, code := weir(t, dir, "", "functions", "invoke", "hello", "--payload", `{"n": 1}`, "-o", "json")
	if code != 0 || stdout != `{"got":{"n":1},"who":"weir"}`+"\n" || !strings.Contains(stderr, `saw {"n":1}`) {
		t.Errorf("invoke: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	payload := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(payload, []byte(`[1, 2]`), 0o644)
	if out := mustWeir(t, dir, "functions", "invoke", "hello", "--payload", "@"+payload); !strings.Contains(out, `"got": [`) {
		t.Errorf("invoke --payload @FILE: %s", out)
	}

	stdout, stderr, code = weir(t, dir, "", "functions", "create", "hello", "--command", "true")
	wantRun(t, "duplicate create", stdout, stderr, code, 1, "function hello already exists")
	stdout, stderr, code = weir(t, dir, "", "functions", "create", "bad.name", "--command", "true")
	wantRun(t, "bad name", stdout, stderr, code, 2, "1 to 64 letters")
	stdout, stderr, code = weir(t, dir, "", "functions", "create", "nocode")
	wantRun(t, "no code", stdout, stderr, code, 2, "--command CMD or --python FILE")
	stdout, stderr, code = weir(t, dir, "", "functions", "invoke", "nope")
	wantRun(t, "invoke missing", stdout, stderr, code, 1, "function nope does not exist")
	stdout, stderr, code = weir(t, dir, "", "functions", "invoke", "hello", "--payload", "{")
	wantRun(t, "bad payload", stdout, stderr, code, 2, "--payload is not JSON")

	mustWeir(t, dir, "functions", "update", "hello", "--command", `echo '{"errorType": "NotReady", "errorMessage": "later"}'; exit 1`)
	stdout, stderr, code = weir(t, dir, "", "functions", "invoke", "hello", "-o", "json")
	wantRun(t, "failing invoke", stdout, stderr, code, 1, "function hello failed with NotReady")
	if !strings.Contains(stdout, `"errorType":"NotReady"`) {
		t.Errorf("failing invoke printed %s", stdout)
	}

	var got struct {
		FunctionName, FunctionArn, Runtime, Command string
		Timeout                                     int
		Environment                                 map[string]string
	}
	raw := mustWeir(t, dir, "functions", "get", "hello", "-o", "json")
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	mustWeir(t, dir, "functions", "create", "redirect", "--command", `cat > /dev/null && echo '{}'`)
	if raw := mustWeir(t, dir, "functions", "get", "redirect", "-o", "json"); !strings.Contains(raw, `cat > /dev/null && echo`) {
		t.Errorf("-o json escapes the command as HTML: %s", raw)
	}
	mustWeir(t, dir, "functions", "delete", "redirect")
	if got.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:hello" || got.Timeout != 10 || got.Environment["WHO"] != "weir" ||
		!strings.Contains(got.Command, "NotReady") {
		t.Errorf("get: %+v", got)
	}
	if out := mustWeir(t, dir, "functions", "list"); !strings.Contains(out, "hello  command  10 s") {
		t.Errorf("list:\n%s", out)
	}
	mustWeir(t, dir, "functions", "delete", "hello")
	stdout, stderr, code = weir(t, dir, "", "functions", "delete", "hello")
	wantRun(t, "second delete", stdout, stderr, code, 1, "function hello does not exist")
	if out := mustWeir(t, dir, "functions", "list", "-o", "csv"); strings.Count(out, "\n") != 1 {
		t.Errorf("list after delete:\n%s", out)
	}
}

// counterScript fails with CrawlerBusy on its first two calls, then
// returns its event with the number of calls.
const counterScript = `n=$(cat calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > calls
read -r event
if [ $n -le 2 ]; then echo "{\"errorType\": \"CrawlerBusy\", \"errorMessage\": \"call $n\"}"; exit 1; fi
echo "{\"calls\": $n, \"event\": $event}"`

// pipeline is seed 000's shape: Serverless Framework placeholders in bare
// Lambda ARNs, Retry on a function's errorType, Catch of a Python
// exception, and lambda:invoke.
const pipeline = `StartAt: RunDataCrawler
States:
  RunDataCrawler:
    Type: Task
    Resource: arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-${opt:stage}-RunDataCrawler
    Retry:
      - ErrorEquals: [CrawlerBusy]
        IntervalSeconds: 30
        MaxAttempts: 3
    Next: GetCrawlerState
  GetCrawlerState:
    Type: Task
    Resource: arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-${opt:stage}-GetCrawlerState
    ResultPath: $.state
    Catch:
      - ErrorEquals: [ValueError]
        ResultPath: $.caught
        Next: Invoke
    Next: Invoke
  Invoke:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: arn:aws:lambda:us-east-1:000000000000:function:traffic-dev-GetCrawlerState
      Payload:
        ok: true
    ResultSelector:
      payload.$: $.Payload
      status.$: $.StatusCode
    ResultPath: $.invoked
    End: true
`

func TestStatesRunFunctions(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed (.ci/run installs it)")
	}
	t.Parallel()
	dir := t.TempDir()
	work := t.TempDir()
	module := filepath.Join(work, "get_state.py")
	os.WriteFile(module, []byte(`def handle(event, context):
    if not event.get("ok"):
        raise ValueError("crawler state unknown for " + context.function_name)
    return {"CrawlerState": "READY"}
`), 0o644)
	mustWeir(t, dir, "functions", "create", "traffic-dev-RunDataCrawler", "--command", counterScript, "--workdir", work)
	mustWeir(t, dir, "functions", "create", "traffic-dev-GetCrawlerState", "--python", module)
	def := writeDefinition(t, pipeline)
	stdout := mustWeir(t, dir, "states", "run", def, "--input", `{"year": 2020}`, "--fast-timers", "--history", "-o", "json",
		"--substitution", "self:service=traffic", "--substitution", "opt:stage=dev")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Status != "SUCCEEDED" {
		t.Fatalf("status %s, error %s: %s", out.Status, out.Error, out.Cause)
	}
	var output struct {
		Calls   int
		Event   map[string]any
		Caught  struct{ Error, Cause string }
		State   any
		Invoked struct {
			Payload map[string]any
			Status  int
		}
	}
	if err := json.Unmarshal(out.Output, &output); err != nil {
		t.Fatal(err)
	}
	if output.Calls != 3 || output.Event["year"] != float64(2020) || output.Caught.Error != "ValueError" ||
		!strings.Contains(output.Caught.Cause, `"errorMessage":"crawler state unknown for traffic-dev-GetCrawlerState","errorType":"ValueError"`) ||
		output.Invoked.Status != 200 || output.Invoked.Payload["CrawlerState"] != "READY" {
		t.Errorf("output: %s", out.Output)
	}
	var types []string
	for _, e := range out.Events {
		types = append(types, e.Type)
	}
	got := strings.Join(types, " ")
	for _, want := range []string{
		"LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionFailed",
		"LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionSucceeded TaskStateExited",
		"TaskScheduled TaskStarted TaskSucceeded TaskStateExited ExecutionSucceeded",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}

	// Without the substitutions the placeholders have no value.
	stdout, stderr, code := weir(t, dir, "", "states", "run", def, "-o", "json")
	if code != 1 || !strings.Contains(stdout, "self:service") {
		t.Errorf("run without substitutions: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestFunctionsLogs reads the logs of a function invoked by hand and by
// a state machine, as CloudWatch keeps a Lambda function's.
func TestFunctionsLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "functions", "create", "greet", "--command", `read -r e; echo "hello from $e" >&2; echo '{"greeted": true}'`)
	mustWeir(t, dir, "functions", "invoke", "greet", "--payload", `{"who": "cli"}`)
	def := writeDefinition(t, `{"StartAt": "G", "States": {"G": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:greet",
		"Parameters": {"who": "machine"}, "End": true}}}`)
	mustWeir(t, dir, "states", "run", def)

	logs := mustWeir(t, dir, "functions", "logs", "greet")
	for _, want := range []string{"START RequestId: ", `hello from {"who":"cli"}`, `hello from {"who":"machine"}`, "REPORT RequestId: ", "Status: success"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	type events struct {
		Events []struct{ Timestamp, RequestID, Message string }
	}
	var all, one events
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "functions", "logs", "greet", "-o", "json")), &all); err != nil || len(all.Events) != 8 {
		t.Fatalf("%+v %v", all, err)
	}
	first := all.Events[0].RequestID
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "functions", "logs", "greet", "--request-id", first, "-o", "json")), &one); err != nil {
		t.Fatal(err)
	}
	if len(one.Events) != 4 || one.Events[1].Message != `hello from {"who":"cli"}` || one.Events[3].RequestID != first {
		t.Errorf("one invocation's events: %+v", one.Events)
	}
	_, stderr, code := weir(t, dir, "", "functions", "logs", "greet", "--since", "soon")
	wantRun(t, "a bad --since", "", stderr, code, 2, "--since")
	_, stderr, code = weir(t, dir, "", "functions", "logs", "nobody")
	wantRun(t, "logs of no function", "", stderr, code, 1, "function nobody does not exist")
}
