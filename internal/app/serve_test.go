package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/httpapi"
)

// serving is a weir serve run in this test process.
type serving struct {
	c    *apiclient.Client
	addr string
	stop func() error
}

// startServe opens dir and serves it on a random loopback port.
func startServe(t *testing.T, dir, token string) *serving {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dir
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Open(ctx, Options{Config: cfg, Command: "weir serve (test)"})
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- a.Serve(ctx, ServeOptions{Addr: "127.0.0.1:0", AuthToken: token, Version: "test", Ready: func(addr string) { ready <- addr }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		a.Close()
		t.Fatalf("serve: %v", err)
	}
	stopped := false
	s := &serving{c: apiclient.New(addr, apiclient.Options{Token: token}), addr: addr}
	s.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		err := <-done
		return errors.Join(err, a.Close())
	}
	t.Cleanup(func() { s.stop() })
	return s
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, dir, "")
	c := s.c
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The lock file names the server.
	h, err := c.Health(ctx)
	if err != nil || h.Status != "ok" || h.Version != "test" {
		t.Fatalf("health: %+v %v", h, err)
	}

	// Lake.
	if err := c.CreateBucket(ctx, "raw"); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"t/a.json", "t/b.json", "t/c/d.json"} {
		if _, err := c.PutObject(ctx, "raw", key, strings.NewReader(`{"n": 1, "s": "x"}`+"\n"+`{"n": 2, "s": "y"}`+"\n")); err != nil {
			t.Fatal(err)
		}
	}
	l, err := c.ListObjects(ctx, "raw", "t/", false, apiclient.Page{MaxResults: 2})
	if err != nil || len(l.Objects) != 2 || l.NextToken == "" {
		t.Fatalf("first page: %+v %v", l, err)
	}
	l2, err := c.ListObjects(ctx, "raw", "t/", false, apiclient.Page{MaxResults: 2, NextToken: l.NextToken})
	if err != nil || len(l2.CommonPrefixes) != 1 || l2.CommonPrefixes[0] != "t/c/" || l2.NextToken != "" {
		t.Fatalf("second page: %+v %v", l2, err)
	}
	rc, err := c.GetObject(ctx, "raw", "t/c/d.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(b), `"n": 2`) {
		t.Errorf("object: %q", b)
	}
	if _, err := c.GetObject(ctx, "raw", "nope"); !errors.Is(err, errs.NotFound) {
		t.Errorf("missing object: %v", err)
	}

	// Crawler → catalog → query.
	db := "lakehouse"
	if _, err := c.CreateCrawler(ctx, httpapi.CrawlerInput{Name: "raw", DatabaseName: &db, Targets: targets("s3://raw/t/")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartCrawler(ctx, "raw"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the crawl", func() bool {
		cr, err := c.GetCrawler(ctx, "raw")
		return err == nil && cr.State == "READY" && cr.LastCrawl != nil
	})
	cr, _ := c.GetCrawler(ctx, "raw")
	if cr.LastCrawl.Status != "SUCCEEDED" {
		t.Fatalf("crawl: %+v", cr.LastCrawl)
	}
	tables, err := c.ListTables(ctx, db, apiclient.Page{})
	if err != nil || len(tables.Tables) != 1 {
		t.Fatalf("tables: %+v %v", tables, err)
	}
	id, err := c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: "SELECT count(*) FROM " + tables.Tables[0].Name, Database: db})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := c.WaitQuery(ctx, id, 0); err != nil || q.State != "SUCCEEDED" {
		t.Fatalf("query over the crawled table: %+v %v", q, err)
	}
	// Athena's request shape is taken too.
	id, err = c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: "SELECT count(*) FROM " + tables.Tables[0].Name,
		QueryExecutionContext: &httpapi.QueryExecutionContext{Database: db}})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := c.WaitQuery(ctx, id, 0); err != nil || q.State != "SUCCEEDED" {
		t.Fatalf("query with QueryExecutionContext.Database: %+v %v", q, err)
	}
	if _, err := c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: "SELECT 1", Database: "a",
		QueryExecutionContext: &httpapi.QueryExecutionContext{Database: "b"}}); !errors.Is(err, errs.Invalid) {
		t.Errorf("two databases: %v", err)
	}
	id, err = c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: "SELECT n FROM (VALUES 1, 2, 3, 4, 5) AS t(n) ORDER BY n"})
	if err != nil {
		t.Fatal(err)
	}
	if q, err := c.WaitQuery(ctx, id, 0); err != nil || q.State != "SUCCEEDED" {
		t.Fatalf("query: %+v %v", q, err)
	}
	var rows []string
	p, pages := apiclient.Page{MaxResults: 2}, 0
	for {
		res, err := c.QueryResults(ctx, id, p)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range res.Rows {
			rows = append(rows, *r[0])
		}
		if res.NextToken == "" {
			break
		}
		p.NextToken = res.NextToken
	}
	if strings.Join(rows, ",") != "1,2,3,4,5" || pages != 3 {
		t.Errorf("rows %v in %d pages", rows, pages)
	}

	// Functions.
	cmd := `read -r e; echo "{\"got\": $e}"`
	if _, err := c.CreateFunction(ctx, httpapi.FunctionInput{FunctionName: "echo", Command: &cmd}); err != nil {
		t.Fatal(err)
	}
	inv, err := c.InvokeFunction(ctx, "echo", map[string]any{"a": 1})
	if err != nil || inv.FunctionError != "" {
		t.Fatalf("invoke: %+v %v", inv, err)
	}

	// State machines and executions.
	def := `{"StartAt": "Call", "States": {
		"Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:echo", "Next": "Nap"},
		"Nap": {"Type": "Wait", "SecondsPath": "$.got.nap", "Next": "Done"},
		"Done": {"Type": "Succeed"}}}`
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "flow", Definition: def}); err != nil {
		t.Fatal(err)
	}
	// The execution naps long enough to be still running when it is
	// started again: only a running execution is started idempotently.
	x, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "flow", Name: "quick", Input: map[string]any{"nap": 2}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "flow", Name: "quick", Input: map[string]any{"nap": 2}})
	if err != nil || again.ExecutionArn != x.ExecutionArn {
		t.Errorf("idempotent start: %+v %v", again, err)
	}
	if _, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "flow", Name: "quick", Input: map[string]any{"nap": 3}}); !errors.Is(err, errs.Exists) {
		t.Errorf("same name, other input: %v", err)
	}
	done, err := c.WaitExecution(ctx, "flow:quick", 20*time.Millisecond)
	if err != nil || done.Status != "SUCCEEDED" {
		t.Fatalf("execution: %+v %v", done, err)
	}
	if _, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "flow", Name: "quick", Input: map[string]any{"nap": 2}}); !errors.Is(err, errs.Exists) {
		t.Errorf("same name and input after the execution closed: %v", err)
	}
	hist, err := c.ExecutionHistory(ctx, x.ExecutionArn, false, apiclient.Page{MaxResults: 3})
	if err != nil || len(hist.Events) != 3 || hist.NextToken == "" || hist.Events[0]["type"] != "ExecutionStarted" {
		t.Fatalf("history: %+v %v", hist, err)
	}

	// Stop a waiting execution, then redrive it.
	if _, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "flow", Name: "slow", Input: map[string]any{"nap": 3600}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the Wait state", func() bool {
		h, err := c.ExecutionHistory(ctx, "flow:slow", true, apiclient.Page{MaxResults: 1})
		return err == nil && len(h.Events) == 1 && h.Events[0]["type"] == "WaitStateEntered"
	})
	stopped, err := c.StopExecution(ctx, "flow:slow", "enough")
	if err != nil || stopped.Status != "ABORTED" {
		t.Fatalf("stop: %+v %v", stopped, err)
	}
	if _, err := c.RedriveExecution(ctx, "flow:quick"); !errors.Is(err, errs.Conflict) {
		t.Errorf("redrive a succeeded execution: %v", err)
	}
	red, err := c.RedriveExecution(ctx, "flow:slow")
	if err != nil || red.Status != "RUNNING" || red.RedriveCount != 1 {
		t.Fatalf("redrive: %+v %v", red, err)
	}
	list, err := c.ListExecutions(ctx, "flow", "RUNNING", apiclient.Page{})
	if err != nil || len(list.Executions) != 1 {
		t.Fatalf("running executions: %+v %v", list, err)
	}

	// Metrics.
	resp, err := http.Get("http://" + s.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`weir_executions{status="SUCCEEDED"} 1`, `weir_queries{state="SUCCEEDED"} 3`, `weir_crawl_duration_seconds_count{crawler="raw",status="SUCCEEDED"} 1`,
		`weir_http_request_duration_seconds_count{code="201",method="POST",route="POST /api/v1/executions"}`, "weir_query_scanned_bytes_total", "weir_schedule_lag_seconds"} {
		if !strings.Contains(string(mb), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// A graceful stop leaves the redriven execution RUNNING; the next
	// server resumes it.
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	s = startServe(t, dir, "")
	x2, err := s.c.DescribeExecution(ctx, "flow:slow")
	if err != nil || x2.Status != "RUNNING" {
		t.Fatalf("after restart: %+v %v", x2, err)
	}
	if st, err := s.c.StopExecution(ctx, "flow:slow", "done"); err != nil || st.Status != "ABORTED" {
		t.Fatalf("stop the resumed execution: %+v %v", st, err)
	}
}

func TestServeAuth(t *testing.T) {
	s := startServe(t, t.TempDir(), "tok")
	ctx := context.Background()
	if _, err := s.c.ListBuckets(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := apiclient.New(s.addr, apiclient.Options{}).ListBuckets(ctx); !errors.Is(err, apiclient.ErrUnauthorized) {
		t.Errorf("without the token: %v", err)
	}
	resp, err := http.Get("http://" + s.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("/metrics without the token: %d", resp.StatusCode)
	}
}

func targets(paths ...string) *crawlerTargets {
	t := &crawlerTargets{}
	for _, p := range paths {
		t.S3Targets = append(t.S3Targets, crawlerTarget{Path: p})
	}
	return t
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type (
	crawlerTargets = crawler.Targets
	crawlerTarget  = crawler.S3Target
)

// TestServeSchedules manages schedules through the API and lets the
// server's scheduler fire one: an at() schedule two seconds ahead that
// starts an execution.
func TestServeSchedules(t *testing.T) {
	ctx := context.Background()
	s := startServe(t, t.TempDir(), "")
	c := s.c
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "tick",
		Definition: `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`}); err != nil {
		t.Fatal(err)
	}
	str := func(v string) *string { return &v }
	at := time.Now().UTC().Add(2 * time.Second).Format("2006-01-02T15:04:05")
	sc, err := c.CreateSchedule(ctx, httpapi.ScheduleInput{Name: "soon", ScheduleExpression: str("at(" + at + ")"),
		Target: str("state-machine:tick"), Input: str(`{"from": "schedule"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if sc.State != "ENABLED" || len(sc.NextFireTimes) != 1 {
		t.Fatalf("created: %+v", sc)
	}
	daily, err := c.CreateSchedule(ctx, httpapi.ScheduleInput{Name: "daily", ScheduleExpression: str("cron(0 6 * * ? *)"),
		ScheduleExpressionTimezone: str("Europe/Brussels"), Target: str("crawler:none"), OverlapPolicy: str("queue")})
	if err != nil || len(daily.NextFireTimes) != 5 {
		t.Fatalf("daily: %+v %v", daily, err)
	}
	if name, off := daily.NextFireTimes[0].Zone(); off != 0 {
		t.Errorf("fire times are answered in %s, not UTC", name)
	}
	if _, err := c.CreateSchedule(ctx, httpapi.ScheduleInput{Name: "bad", ScheduleExpression: str("rate(1 minutes)"), Target: str("state-machine:tick")}); !errors.Is(err, errs.Invalid) {
		t.Errorf("a bad expression: %v", err)
	}
	if d, err := c.DisableSchedule(ctx, "daily"); err != nil || d.State != "DISABLED" || len(d.NextFireTimes) != 0 {
		t.Errorf("disable: %+v %v", d, err)
	}
	if d, err := c.UpdateSchedule(ctx, "daily", httpapi.ScheduleInput{Description: str("morning")}); err != nil || d.Description != "morning" || d.Overlap != "queue" {
		t.Errorf("update: %+v %v", d, err)
	}
	list, err := c.ListSchedules(ctx, apiclient.Page{MaxResults: 1})
	if err != nil || len(list.Schedules) != 1 || list.NextToken == "" {
		t.Errorf("list: %+v %v", list, err)
	}
	var runs *httpapi.ScheduleRunList
	waitUntil(t, "the at() schedule to fire", func() bool {
		runs, err = c.ScheduleHistory(ctx, "soon", apiclient.Page{})
		return err == nil && len(runs.Runs) == 1
	})
	if runs.Runs[0].Status != "STARTED" || !strings.Contains(runs.Runs[0].RunID, ":execution:tick:") {
		t.Fatalf("run: %+v", runs.Runs[0])
	}
	x, err := c.WaitExecution(ctx, runs.Runs[0].RunID, 20*time.Millisecond)
	if err != nil || x.Status != "SUCCEEDED" {
		t.Fatalf("the scheduled execution: %+v %v", x, err)
	}
	if err := c.DeleteSchedule(ctx, "daily"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSchedule(ctx, "daily"); !errors.Is(err, errs.NotFound) {
		t.Errorf("deleted schedule: %v", err)
	}
}

// TestServeTriggers: objects landing under a lake prefix start a state
// machine once the batch has been quiet for its debounce, with the new
// keys in its input; a state-change trigger starts another when that
// execution succeeds.
func TestServeTriggers(t *testing.T) {
	ctx := context.Background()
	s := startServe(t, t.TempDir(), "")
	c := s.c
	for _, name := range []string{"load", "report"} {
		if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: name,
			Definition: `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.CreateBucket(ctx, "raw"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTrigger(ctx, httpapi.TriggerInput{Name: "landed", EventSource: "lake:s3://raw/in/", Target: "state-machine:load", Debounce: "1s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTrigger(ctx, httpapi.TriggerInput{Name: "then", EventSource: "execution:load:SUCCEEDED", Target: "state-machine:report"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTrigger(ctx, httpapi.TriggerInput{Name: "bad", EventSource: "lake:nowhere", Target: "state-machine:load"}); !errors.Is(err, errs.Invalid) {
		t.Errorf("a bad source: %v", err)
	}
	for _, key := range []string{"in/a.json", "in/b.json", "elsewhere/c.json"} {
		if _, err := c.PutObject(ctx, "raw", key, strings.NewReader(`{"x": 1}`)); err != nil {
			t.Fatal(err)
		}
	}
	var runs *httpapi.TriggerRunList
	waitUntil(t, "the lake trigger to fire", func() bool {
		var err error
		runs, err = c.TriggerHistory(ctx, "landed", apiclient.Page{})
		return err == nil && len(runs.Runs) == 1
	})
	x, err := c.WaitExecution(ctx, runs.Runs[0].RunID, 20*time.Millisecond)
	if err != nil || x.Status != "SUCCEEDED" {
		t.Fatalf("the triggered execution: %+v %v", x, err)
	}
	in, _ := json.Marshal(x.Input)
	if !strings.Contains(string(in), "in/a.json") || !strings.Contains(string(in), "in/b.json") || strings.Contains(string(in), "elsewhere") {
		t.Errorf("the event does not name the new keys: %s", in)
	}
	waitUntil(t, "the state-change trigger to fire", func() bool {
		l, err := c.ListExecutions(ctx, "report", "SUCCEEDED", apiclient.Page{})
		return err == nil && len(l.Executions) == 1
	})
	if tr, err := c.DisableTrigger(ctx, "landed"); err != nil || tr.State != "DISABLED" {
		t.Errorf("disable: %+v %v", tr, err)
	}
	if err := c.DeleteTrigger(ctx, "then"); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListTriggers(ctx, apiclient.Page{})
	if err != nil || len(list.Triggers) != 1 {
		t.Errorf("list: %+v %v", list, err)
	}
}

// TestServeTaskTokens: a callback task's token, handed to a function,
// is answered through the API; the execution ends with the answer, and
// the token takes nothing more.
func TestServeTaskTokens(t *testing.T) {
	ctx := context.Background()
	s := startServe(t, t.TempDir(), "")
	c := s.c
	out := filepath.Join(t.TempDir(), "event.json")
	cmd, env := `cat > "$OUT.part" && mv "$OUT.part" "$OUT"; echo '{}'`, map[string]string{"OUT": out}
	if _, err := c.CreateFunction(ctx, httpapi.FunctionInput{FunctionName: "ask", Command: &cmd, Environment: &env}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "approval", Definition: `{"StartAt": "Ask", "States": {
		"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
		        "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}`}); err != nil {
		t.Fatal(err)
	}
	x, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "approval", Name: "one"})
	if err != nil {
		t.Fatal(err)
	}
	var ev struct{ Token string }
	waitUntil(t, "the function to get the token", func() bool {
		b, err := os.ReadFile(out)
		return err == nil && json.Unmarshal(b, &ev) == nil
	})
	if err := c.SendTaskHeartbeat(ctx, ev.Token); err != nil {
		t.Fatal(err)
	}
	if err := c.SendTaskSuccess(ctx, ev.Token, map[string]any{"approved": true}); err != nil {
		t.Fatal(err)
	}
	done, err := c.WaitExecution(ctx, x.ExecutionArn, 20*time.Millisecond)
	if err != nil || done.Status != "SUCCEEDED" {
		t.Fatalf("%+v %v", done, err)
	}
	if b, _ := json.Marshal(done.Output); string(b) != `{"approved":true}` {
		t.Errorf("output %s", b)
	}
	// The execution has ended: starting it again is ExecutionAlreadyExists.
	if _, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "approval", Name: "one"}); !errors.Is(err, errs.Exists) {
		t.Errorf("starting a closed execution again: %v", err)
	}
	if err := c.SendTaskFailure(ctx, ev.Token, "Late", ""); !errors.Is(err, errs.NotFound) || !strings.Contains(err.Error(), "TaskDoesNotExist") {
		t.Errorf("a second answer: %v", err)
	}
	if err := c.SendTaskHeartbeat(ctx, "forged"); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "InvalidToken") {
		t.Errorf("a forged token: %v", err)
	}
}

// TestServeStopNestedChild stops, through the API, a child execution
// that a parent's startExecution.sync task runs in the server: the run
// is asked to stop and ends ABORTED, and the parent's task fails with
// States.TaskFailed. The server once recorded the abort behind the run's
// back, as for an execution no process runs: the run waited on and the
// parent never ended.
func TestServeStopNestedChild(t *testing.T) {
	ctx := context.Background()
	s := startServe(t, t.TempDir(), "")
	c := s.c
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "child", Definition: `{"StartAt": "W", "States": {
		"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}`}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "parent", Definition: `{"StartAt": "Nest", "States": {
		"Nest": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
		         "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:child", "Name": "kid"}, "End": true}}}`}); err != nil {
		t.Fatal(err)
	}
	x, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "parent", Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the child to wait", func() bool {
		h, err := c.ExecutionHistory(ctx, "child:kid", false, apiclient.Page{})
		if err != nil {
			return false
		}
		for _, e := range h.Events {
			if e["type"] == "WaitStateEntered" {
				return true
			}
		}
		return false
	})
	stopped, err := c.StopExecution(ctx, "child:kid", "enough")
	if err != nil || stopped.Status != "ABORTED" {
		t.Fatalf("stop: %+v %v", stopped, err)
	}
	done, err := c.WaitExecution(ctx, x.ExecutionArn, 20*time.Millisecond)
	if err != nil || done.Status != "FAILED" || done.Error != "States.TaskFailed" {
		t.Fatalf("parent: %+v %v", done, err)
	}
	h, err := c.ExecutionHistory(ctx, "child:kid", false, apiclient.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range h.Events {
		types = append(types, fmt.Sprint(e["type"]))
	}
	if got := strings.Join(types, " "); got != "ExecutionStarted WaitStateEntered ExecutionAborted" {
		t.Errorf("child history: %s", got)
	}
}

// TestServeMapRuns lists an execution's Map Runs through the API.
func TestServeMapRuns(t *testing.T) {
	ctx := context.Background()
	c := startServe(t, t.TempDir(), "").c
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "fan", Definition: `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}`}); err != nil {
		t.Fatal(err)
	}
	x, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: "fan", Name: "one", Input: []any{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if done, err := c.WaitExecution(ctx, x.ExecutionArn, 20*time.Millisecond); err != nil || done.Status != "SUCCEEDED" {
		t.Fatalf("%+v %v", done, err)
	}
	runs, err := c.MapRuns(ctx, "fan:one")
	if err != nil || len(runs) != 1 || runs[0].Status != "SUCCEEDED" || runs[0].ExecutionCounts.Total != 2 ||
		runs[0].ExecutionCounts.Succeeded != 2 || runs[0].ExecutionArn != x.ExecutionArn {
		t.Fatalf("map runs: %+v %v", runs, err)
	}
	if _, err := c.MapRuns(ctx, "fan:none"); !errors.Is(err, errs.NotFound) {
		t.Errorf("map runs of no execution: %v", err)
	}
}

// TestServeFunctionLogs reads a function's invocation logs through the
// API.
func TestServeFunctionLogs(t *testing.T) {
	ctx := context.Background()
	c := startServe(t, t.TempDir(), "").c
	cmd := `read -r e; echo "event $e" >&2; echo '{}'`
	if _, err := c.CreateFunction(ctx, httpapi.FunctionInput{FunctionName: "talk", Command: &cmd}); err != nil {
		t.Fatal(err)
	}
	inv, err := c.InvokeFunction(ctx, "talk", map[string]any{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.InvokeFunction(ctx, "talk", map[string]any{"n": 2}); err != nil {
		t.Fatal(err)
	}
	all, err := c.FunctionLogs(ctx, "talk", function.LogQuery{})
	if err != nil || len(all) != 8 {
		t.Fatalf("%+v %v", all, err)
	}
	one, err := c.FunctionLogs(ctx, "talk", function.LogQuery{RequestID: inv.RequestId, Since: all[0].Timestamp})
	if err != nil || len(one) != 4 || one[1].Message != `event {"n":1}` {
		t.Errorf("one invocation: %+v %v", one, err)
	}
	if last, err := c.FunctionLogs(ctx, "talk", function.LogQuery{Limit: 1}); err != nil || len(last) != 1 || !strings.HasPrefix(last[0].Message, "REPORT") {
		t.Errorf("the newest event: %+v %v", last, err)
	}
	if _, err := c.FunctionLogs(ctx, "nobody", function.LogQuery{}); !errors.Is(err, errs.NotFound) {
		t.Errorf("logs of no function: %v", err)
	}
}
