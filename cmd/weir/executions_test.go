package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashMachine waits, calls a slow function and maps over three items
// that each wait: a process can be killed in a Wait, in a running task
// and inside a Map.
const crashMachine = `{"StartAt": "Start", "States": {
  "Start": {"Type": "Pass", "Result": {"items": [1, 2, 3]}, "Next": "Pause"},
  "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Slow"},
  "Slow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:slow", "ResultPath": "$.slow", "Next": "Each"},
  "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.each", "Next": "Done",
           "ItemProcessor": {"StartAt": "Nap", "States": {
             "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Twice"},
             "Twice": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": true}}}},
  "Done": {"Type": "Succeed"}}}`

type historyEvent struct {
	ID              int64  `json:"id"`
	PreviousEventID int64  `json:"previousEventId"`
	Type            string `json:"type"`
	Entered         *struct {
		Name string `json:"name"`
	} `json:"stateEnteredEventDetails"`
	Iteration *struct {
		Index int `json:"index"`
	} `json:"mapIterationStartedEventDetails"`
}

func executionHistory(t *testing.T, dir, ref string) []historyEvent {
	t.Helper()
	var h struct{ Events []historyEvent }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "history", ref, "-o", "json")), &h); err != nil {
		t.Fatal(err)
	}
	return h.Events
}

func hasEvent(events []historyEvent, typ string, n int) bool {
	c := 0
	for _, e := range events {
		if e.Type == typ {
			c++
		}
	}
	return c >= n
}

// killWhen starts p's kill once cond holds on the execution's history.
func killWhen(t *testing.T, dir string, p *proc, what string, cond func([]historyEvent) bool) {
	t.Helper()
	waitFor(t, time.Minute, what, func() bool {
		if p.exited() {
			_, stderr, code := p.wait(t)
			t.Fatalf("weir exited (%d) before %s:\n%s", code, what, stderr)
		}
		var h struct{ Events []historyEvent }
		stdout, _, code := weir(t, dir, "", "executions", "history", "crash:run", "-o", "json")
		if code != 0 || json.Unmarshal([]byte(stdout), &h) != nil {
			return false // not created yet
		}
		return cond(h.Events)
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if _, _, code := p.wait(t); code != 137 {
		t.Fatalf("killed weir exited %d", code)
	}
}

// TestCrashMidExecution kills weir with SIGKILL in a Wait, in a running
// task and inside a Map; each time the execution resumes from its last
// transition, and in the end every transition is in the history once.
func TestCrashMidExecution(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "functions", "create", "slow", "--command", `read -r event; sleep 1; echo '{"slept": true}'`)
	def := writeDefinition(t, crashMachine)
	mustWeir(t, dir, "states", "create", "crash", "--definition", def)

	p := startWeir(t, dir, nil, "executions", "start", "crash", "--name", "run", "--wait")
	killWhen(t, dir, p, "the execution to wait", func(h []historyEvent) bool { return hasEvent(h, "WaitStateEntered", 1) })
	stdout := mustWeir(t, dir, "executions", "describe", "crash:run", "-o", "json")
	if !strings.Contains(stdout, `"status":"RUNNING"`) {
		t.Fatalf("after the first kill: %s", stdout)
	}

	p = startWeir(t, dir, nil, "executions", "resume")
	killWhen(t, dir, p, "the task to run", func(h []historyEvent) bool {
		return hasEvent(h, "WaitStateExited", 1) && hasEvent(h, "LambdaFunctionStarted", 1)
	})

	p = startWeir(t, dir, nil, "executions", "resume")
	killWhen(t, dir, p, "the Map's second item", func(h []historyEvent) bool { return hasEvent(h, "MapIterationStarted", 2) })

	stdout = mustWeir(t, dir, "executions", "resume")
	if !strings.Contains(stdout, "crash:run SUCCEEDED") {
		t.Fatalf("the last resume: %s", stdout)
	}
	var x struct{ Status, Output string }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "describe", "crash:run", "-o", "json")), &x); err != nil {
		t.Fatal(err)
	}
	if x.Status != "SUCCEEDED" || x.Output != `{"each":[{"v":2},{"v":4},{"v":6}],"items":[1,2,3],"slow":{"slept":true}}` {
		t.Fatalf("outcome: %+v", x)
	}

	events := executionHistory(t, dir, "crash:run")
	entered := map[string]int{}
	items := map[int]int{}
	var types []string
	for i, e := range events {
		if e.ID != int64(i+1) || e.PreviousEventID >= e.ID {
			t.Fatalf("event %d: id %d previous %d", i, e.ID, e.PreviousEventID)
		}
		if e.Entered != nil {
			entered[e.Entered.Name]++
		}
		if e.Iteration != nil {
			items[e.Iteration.Index]++
		}
		types = append(types, e.Type)
	}
	want := map[string]int{"Start": 1, "Pause": 1, "Slow": 1, "Each": 1, "Nap": 3, "Twice": 3, "Done": 1}
	if fmt.Sprint(entered) != fmt.Sprint(want) {
		t.Errorf("states entered %v, want %v\n%s", entered, want, strings.Join(types, " "))
	}
	if fmt.Sprint(items) != fmt.Sprint(map[int]int{0: 1, 1: 1, 2: 1}) {
		t.Errorf("map iterations started %v", items)
	}
	for _, typ := range []string{"ExecutionStarted", "ExecutionSucceeded", "MapStateStarted", "WaitStateExited"} {
		if !hasEvent(events, typ, 1) {
			t.Errorf("no %s in %s", typ, strings.Join(types, " "))
		}
	}
}

func TestExecutionsLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "W", "States": {
		"W": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "F"},
		"F": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": true, "Next": "Boom"}], "Default": "Ok"},
		"Boom": {"Type": "Fail", "Error": "Boom", "Cause": "asked to fail"},
		"Ok": {"Type": "Succeed"}}}`)
	mustWeir(t, dir, "states", "create", "life", "--definition", def)
	stdout, stderr, code := weir(t, dir, "", "states", "create", "life", "--definition", def)
	wantRun(t, "create twice", stdout, stderr, code, 1, "StateMachineAlreadyExists")
	// Placeholders left without a value are stored, with a warning that
	// names the flags to give.
	serverless := writeDefinition(t, `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:${AWS::Region}:1:function:${self:service}-${opt:stage}-load", "End": true}}}`)
	stdout, stderr, code = weir(t, dir, "", "states", "create", "sls", "--definition", serverless, "--substitution", "opt:stage=dev")
	wantRun(t, "placeholders left", stdout, stderr, code, 0, "placeholders without a value stay in the definition: self:service;", "--substitution self:service=VALUE")
	if strings.Contains(stderr, "opt:stage") || strings.Contains(stderr, "AWS::Region") {
		t.Errorf("the warning names placeholders that have values: %s", stderr)
	}

	// Idempotent start: same name and input gives the same execution.
	stdout, stderr, code = weir(t, dir, "", "executions", "start", "life", "--name", "a", "--input", `{"wait": 0, "fail": true}`, "--wait", "-o", "json")
	wantRun(t, "failing execution", stdout, stderr, code, 1, "ended FAILED with Boom")
	stdout, stderr, code = weir(t, dir, "", "executions", "start", "life", "--name", "a", "--input", `{"wait": 0, "fail": false}`, "--wait")
	wantRun(t, "same name, other input", stdout, stderr, code, 1, "ExecutionAlreadyExists")
	// Stopping an execution that has ended leaves it as it was, and says
	// so (it said ABORTED).
	if stdout = mustWeir(t, dir, "executions", "stop", "life:a"); !strings.Contains(stdout, "life:a FAILED") {
		t.Errorf("stop of a FAILED execution: %s", stdout)
	}
	stdout = mustWeir(t, dir, "executions", "describe", "life:a")
	for _, want := range []string{"Status:", "FAILED", "Error:", "Boom", "asked to fail"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("describe lacks %q:\n%s", want, stdout)
		}
	}

	// Stop a running execution (no process runs it once start --wait is
	// killed... here: one started in the background and stopped).
	mustWeir(t, dir, "executions", "start", "life", "--name", "b", "--input", `{"wait": 60, "fail": false}`)
	waitFor(t, 30*time.Second, "the background execution to wait", func() bool {
		return hasEventFor(t, dir, "life:b", "WaitStateEntered")
	})
	stdout = mustWeir(t, dir, "executions", "stop", "life:b")
	if !strings.Contains(stdout, "ABORTED") {
		t.Errorf("stop: %s", stdout)
	}
	stdout = mustWeir(t, dir, "executions", "list", "--machine", "life")
	statuses := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n")[1:] {
		if f := strings.Fields(line); len(f) >= 2 {
			statuses[f[0]] = f[1]
		}
	}
	if statuses["life:b"] != "ABORTED" || statuses["life:a"] != "FAILED" {
		t.Errorf("list:\n%s", stdout)
	}
	stdout, stderr, code = weir(t, dir, "", "executions", "describe", "life:nope")
	wantRun(t, "missing execution", stdout, stderr, code, 1, "ExecutionDoesNotExist")
	stdout, stderr, code = weir(t, dir, "", "executions", "describe", "nope")
	wantRun(t, "bad reference", stdout, stderr, code, 2, "MACHINE:NAME")

	// Starting again with the same name and input an execution that has
	// ended fails with ExecutionAlreadyExists, as StartExecution does
	// for a closed execution (it returned the old one).
	stdout, stderr, code = weir(t, dir, "", "executions", "start", "life", "--name", "a", "--input", `{"wait": 0, "fail": true}`)
	wantRun(t, "same name and input, ended", stdout, stderr, code, 1, "life:a ended FAILED: ExecutionAlreadyExists")
}

func hasEventFor(t *testing.T, dir, ref, typ string) bool {
	t.Helper()
	var h struct{ Events []historyEvent }
	stdout, _, code := weir(t, dir, "", "executions", "history", ref, "-o", "json")
	if code != 0 || json.Unmarshal([]byte(stdout), &h) != nil {
		return false
	}
	return hasEvent(h.Events, typ, 1)
}

func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	child := writeDefinition(t, `{"StartAt": "C", "States": {
		"C": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.fail", "IsPresent": true}, {"Variable": "$.fail", "BooleanEquals": true}], "Next": "Boom"}], "Default": "Double"},
		"Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "End": true},
		"Boom": {"Type": "Fail", "Error": "Child.Failed", "Cause": "asked to"}}}`)
	mustWeir(t, dir, "states", "create", "child", "--definition", child)
	parent := writeDefinition(t, `{"StartAt": "Sync2", "States": {
		"Sync2": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
		          "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:child", "Name": "c1",
		                         "Input": {"n": 21, "parent.$": "$$.Execution.Id"}},
		          "ResultSelector": {"n.$": "$.Output.n", "status.$": "$.Status"}, "ResultPath": "$.sync2", "Next": "Sync"},
		"Sync": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
		         "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:child", "Name": "c2", "Input": "{\"n\": 1}"},
		         "ResultSelector": {"output.$": "$.Output"}, "ResultPath": "$.sync", "Next": "Failing"},
		"Failing": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
		            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:child", "Name": "c3", "Input": {"fail": true}},
		            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.caught", "Next": "Missing"}], "End": true},
		"Missing": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
		            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:nope"},
		            "Catch": [{"ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"], "ResultPath": "$.missing", "Next": "Done"}], "End": true},
		"Done": {"Type": "Pass", "Parameters": {"sync2.$": "$.sync2", "sync.$": "$.sync", "caught.$": "$.caught.Error", "missing.$": "$.missing.Error"}, "End": true}}}`)
	stdout := mustWeir(t, dir, "states", "run", parent, "-o", "json")
	var out struct {
		Status string
		Output map[string]any
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	got, _ := json.Marshal(out.Output)
	want := `{"caught":"States.TaskFailed","missing":"StepFunctions.StateMachineDoesNotExistException","sync":{"output":"{\"n\":2}"},"sync2":{"n":42,"status":"SUCCEEDED"}}`
	if out.Status != "SUCCEEDED" || string(got) != want {
		t.Fatalf("parent: %s %s\nwant %s", out.Status, got, want)
	}
	// The children are durable executions of the stored machine.
	stdout = mustWeir(t, dir, "executions", "list", "--machine", "child")
	for _, want := range []string{"child:c1", "child:c2", "child:c3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("children: no %s in\n%s", want, stdout)
		}
	}
	if !strings.Contains(mustWeir(t, dir, "executions", "describe", "child:c1"), `"parent":"arn:aws:states:`) {
		t.Errorf("the child's input lacks the parent's id")
	}
}

// TestCallbackFromTheCLI: a .waitForTaskToken task hands its token to a
// function; 'weir executions send-task-success' and 'send-task-failure'
// answer it while the background runner started by 'executions start'
// holds the data directory, and the executions end with the answers.
func TestCallbackFromTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events := t.TempDir()
	mustWeir(t, dir, "functions", "create", "ask", "--env", "EVENTS="+events,
		"--command", `read -r event; echo "$event" > "$EVENTS/new" && mv "$EVENTS/new" "$EVENTS/$(echo "$event" | tr -dc a-z | head -c 40)"; echo '{}'`)
	def := writeDefinition(t, `{"StartAt": "Ask", "States": {
		"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSeconds": 120,
		        "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token", "who.$": "$.who"}},
		        "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "No"}], "End": true},
		"No": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "approval", "--definition", def)
	token := func(who string) string {
		var tok string
		waitFor(t, 30*time.Second, "the function to get the token of "+who, func() bool {
			entries, _ := os.ReadDir(events)
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(events, e.Name()))
				var ev struct{ Token, Who string }
				if err == nil && json.Unmarshal(b, &ev) == nil && ev.Who == who {
					tok = ev.Token
					return true
				}
			}
			return false
		})
		return tok
	}
	var x struct{ Status, Output string }
	ended := func(name, want string) {
		t.Helper()
		waitFor(t, 30*time.Second, "execution "+name+" to end", func() bool {
			json.Unmarshal([]byte(mustWeir(t, dir, "executions", "describe", "approval:"+name, "-o", "json")), &x)
			return x.Status != "RUNNING"
		})
		if x.Status != "SUCCEEDED" || x.Output != want {
			t.Errorf("%s: %s %s, want output %s", name, x.Status, x.Output, want)
		}
	}
	// One at a time: the background runner holds the directory.
	mustWeir(t, dir, "executions", "start", "approval", "--name", "yes", "--input", `{"who": "alice"}`)
	alice := token("alice")
	mustWeir(t, dir, "executions", "send-task-heartbeat", "--task-token", alice)
	if out := mustWeir(t, dir, "executions", "send-task-success", "--task-token", alice, "--task-output", `{"approved": true}`); !strings.Contains(out, "SUCCEEDED") {
		t.Errorf("send-task-success: %s", out)
	}
	ended("yes", `{"approved":true}`)
	waitFor(t, 30*time.Second, "the background runner to exit", func() bool {
		_, _, code := weir(t, dir, "", "executions", "start", "approval", "--name", "no", "--input", `{"who": "bob"}`)
		return code == 0
	})
	mustWeir(t, dir, "executions", "send-task-failure", "--task-token", token("bob"), "--error", "Rejected", "--cause", "no budget")
	ended("no", `{"error":{"Cause":"no budget","Error":"Rejected"},"who":"bob"}`)
	_, stderr, code := weir(t, dir, "", "executions", "send-task-success", "--task-token", alice)
	if code == 0 || !strings.Contains(stderr, "TaskDoesNotExist") {
		t.Errorf("answering twice: exit %d %s", code, stderr)
	}
	_, stderr, code = weir(t, dir, "", "executions", "send-task-heartbeat", "--task-token", "forged")
	if code == 0 || !strings.Contains(stderr, "InvalidToken") {
		t.Errorf("a forged token: exit %d %s", code, stderr)
	}
}

// TestStartWhileRunnerRuns: 'weir executions start' while the background
// runner holds the data directory records the execution, and the runner
// runs it too (it failed with "locked").
func TestStartWhileRunnerRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := writeDefinition(t, `{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"}, "P": {"Type": "Pass", "End": true}}}`)
	mustWeir(t, dir, "states", "create", "nap", "--definition", def)
	mustWeir(t, dir, "executions", "start", "nap", "--name", "first")
	for _, name := range []string{"second", "third"} {
		if out := mustWeir(t, dir, "executions", "start", "nap", "--name", name); !strings.Contains(out, "nap:"+name+" RUNNING") {
			t.Errorf("start %s: %s", name, out)
		}
	}
	for _, name := range []string{"first", "second", "third"} {
		waitFor(t, 30*time.Second, name+" to succeed", func() bool {
			return strings.Contains(mustWeir(t, dir, "executions", "describe", "nap:"+name), "SUCCEEDED")
		})
	}
	waitFor(t, 30*time.Second, "the runner to exit", func() bool {
		_, _, code := weir(t, dir, "", "states", "create", "nap2", "--definition", def)
		return code == 0
	})
}

// TestCrashWhileWaitingForToken: weir is killed (SIGKILL) while a
// callback task waits for its token; the token is answered while no
// process runs the execution; 'weir executions resume' takes the answer
// without invoking the function again.
func TestCrashWhileWaitingForToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events := t.TempDir()
	mustWeir(t, dir, "functions", "create", "ask", "--env", "EVENTS="+events,
		"--command", `read -r event; echo "$event" >> "$EVENTS/calls"; echo "$event" > "$EVENTS/new" && mv "$EVENTS/new" "$EVENTS/last"; echo '{}'`)
	def := writeDefinition(t, `{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
		"Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 600, "End": true}}}`)
	mustWeir(t, dir, "states", "create", "crash", "--definition", def)
	p := startWeir(t, dir, nil, "executions", "start", "crash", "--name", "run", "--wait")
	killWhen(t, dir, p, "the task to wait for its token", func(h []historyEvent) bool { return hasEvent(h, "TaskSubmitted", 1) })

	var ev struct{ Token string }
	if err := json.Unmarshal([]byte(readFile(t, events, "last")), &ev); err != nil || ev.Token == "" {
		t.Fatalf("the function's event: %v", err)
	}
	mustWeir(t, dir, "executions", "send-task-success", "--task-token", ev.Token, "--task-output", `{"ok": true}`)
	if out := mustWeir(t, dir, "executions", "resume"); !strings.Contains(out, "crash:run SUCCEEDED") {
		t.Fatalf("resume: %s", out)
	}
	var x struct{ Status, Output string }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "describe", "crash:run", "-o", "json")), &x); err != nil || x.Output != `{"ok":true}` {
		t.Errorf("outcome: %+v %v", x, err)
	}
	if calls := strings.Count(readFile(t, events, "calls"), "\n"); calls != 1 {
		t.Errorf("the function ran %d times", calls)
	}
}

// TestCrashDuringNestedExecution kills weir while a parent's
// startExecution.sync:2 task waits for its child (started without a
// name), then resumes: the parent's task finds the child it started
// (named after the task's attempt) instead of starting another, the
// child runs on once — never twice at once, though both the resume and
// the parent's task want it — and its function ran once.
func TestCrashDuringNestedExecution(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events := t.TempDir()
	mustWeir(t, dir, "functions", "create", "count", "--env", "EVENTS="+events,
		"--command", `read -r event; echo "$event" >> "$EVENTS/calls"; echo '{"counted": true}'`)
	mustWeir(t, dir, "states", "create", "child", "--definition", writeDefinition(t, `{"StartAt": "T", "States": {
		"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:count", "Next": "W"},
		"W": {"Type": "Wait", "Seconds": 2, "End": true}}}`))
	mustWeir(t, dir, "states", "create", "crash", "--definition", writeDefinition(t, `{"StartAt": "Nest", "States": {
		"Nest": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
		         "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:child", "Input": {"n": 1}},
		         "OutputPath": "$.Output", "End": true}}}`))
	children := func() []string {
		var list struct{ Executions []struct{ Name string } }
		stdout, _, code := weir(t, dir, "", "executions", "list", "--machine", "child", "-o", "json")
		if code != 0 || json.Unmarshal([]byte(stdout), &list) != nil {
			return nil
		}
		var names []string
		for _, x := range list.Executions {
			names = append(names, x.Name)
		}
		return names
	}
	p := startWeir(t, dir, nil, "executions", "start", "crash", "--name", "run", "--wait")
	waitFor(t, time.Minute, "the child to wait", func() bool {
		c := children()
		return len(c) == 1 && hasEventFor(t, dir, "child:"+c[0], "WaitStateEntered")
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if _, _, code := p.wait(t); code != 137 {
		t.Fatalf("killed weir exited %d", code)
	}

	out := mustWeir(t, dir, "executions", "resume")
	if !strings.Contains(out, "crash:run SUCCEEDED") {
		t.Fatalf("resume: %s", out)
	}
	if c := children(); len(c) != 1 {
		t.Errorf("children after the resume: %v, want the one started before the crash", c)
	}
	var x struct{ Output string }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "describe", "crash:run", "-o", "json")), &x); err != nil || x.Output != `{"counted":true}` {
		t.Errorf("parent: %+v %v", x, err)
	}
	if calls := strings.Count(readFile(t, events, "calls"), "\n"); calls != 1 {
		t.Errorf("the child's function ran %d times", calls)
	}
	var h struct{ Events []historyEvent }
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "history", "child:"+children()[0], "-o", "json")), &h); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"} {
		if !hasEvent(h.Events, typ, 1) || hasEvent(h.Events, typ, 2) {
			t.Errorf("the child's history does not have one %s: %+v", typ, h.Events)
		}
	}
}
