package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/workflow"
)

// Lake.

// ListBuckets lists the lake's buckets.
func (c *Client) ListBuckets(ctx context.Context) ([]httpapi.Bucket, error) {
	var out httpapi.BucketList
	err := c.do(ctx, "GET", "/lake/buckets", nil, nil, &out)
	return out.Buckets, err
}

// CreateBucket creates a bucket.
func (c *Client) CreateBucket(ctx context.Context, name string) error {
	return c.do(ctx, "PUT", "/lake/buckets/"+esc(name), nil, nil, nil)
}

// DeleteBucket deletes an empty bucket.
func (c *Client) DeleteBucket(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/lake/buckets/"+esc(name), nil, nil, nil)
}

// ListObjects lists a page of the objects (and, unless recursive, the
// common prefixes) under prefix.
func (c *Client) ListObjects(ctx context.Context, bucket, prefix string, recursive bool, p Page) (*httpapi.ObjectList, error) {
	q := p.values()
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if recursive {
		q.Set("recursive", "true")
	}
	var out httpapi.ObjectList
	if err := c.do(ctx, "GET", "/lake/buckets/"+esc(bucket)+"/objects", q, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetObject opens an object; the caller closes it.
func (c *Client) GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	resp, err := c.send(ctx, "GET", "/lake/buckets/"+esc(bucket)+"/objects/"+escKey(key), nil, nil, "")
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// PutObject stores r under key.
func (c *Client) PutObject(ctx context.Context, bucket, key string, r io.Reader) (*httpapi.Object, error) {
	resp, err := c.send(ctx, "PUT", "/lake/buckets/"+esc(bucket)+"/objects/"+escKey(key), nil, r, "application/octet-stream")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out httpapi.Object
	if err := decodeBody(resp, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteObject deletes an object.
func (c *Client) DeleteObject(ctx context.Context, bucket, key string) error {
	return c.do(ctx, "DELETE", "/lake/buckets/"+esc(bucket)+"/objects/"+escKey(key), nil, nil, nil)
}

// Catalog.

// ListDatabases lists a page of databases.
func (c *Client) ListDatabases(ctx context.Context, p Page) (*httpapi.DatabaseList, error) {
	var out httpapi.DatabaseList
	return &out, c.do(ctx, "GET", "/catalog/databases", p.values(), nil, &out)
}

// GetDatabase gets a database.
func (c *Client) GetDatabase(ctx context.Context, name string) (*httpapi.Database, error) {
	var out httpapi.Database
	return &out, c.do(ctx, "GET", "/catalog/databases/"+esc(name), nil, nil, &out)
}

// ListTables lists a page of a database's tables.
func (c *Client) ListTables(ctx context.Context, db string, p Page) (*httpapi.TableList, error) {
	var out httpapi.TableList
	return &out, c.do(ctx, "GET", "/catalog/databases/"+esc(db)+"/tables", p.values(), nil, &out)
}

// GetTable gets a table.
func (c *Client) GetTable(ctx context.Context, db, table string) (*httpapi.Table, error) {
	var out httpapi.Table
	return &out, c.do(ctx, "GET", "/catalog/databases/"+esc(db)+"/tables/"+esc(table), nil, nil, &out)
}

// ListPartitions lists a page of a table's partitions.
func (c *Client) ListPartitions(ctx context.Context, db, table string, p Page) (*httpapi.PartitionList, error) {
	var out httpapi.PartitionList
	return &out, c.do(ctx, "GET", "/catalog/databases/"+esc(db)+"/tables/"+esc(table)+"/partitions", p.values(), nil, &out)
}

// Queries.

// StartQuery starts a query execution and returns its id.
func (c *Client) StartQuery(ctx context.Context, in httpapi.StartQueryInput) (string, error) {
	var out httpapi.StartQueryOutput
	err := c.do(ctx, "POST", "/queries", nil, in, &out)
	return out.QueryExecutionId, err
}

// GetQuery gets a query execution.
func (c *Client) GetQuery(ctx context.Context, id string) (*httpapi.QueryExecution, error) {
	var out httpapi.QueryExecution
	if err := c.do(ctx, "GET", "/queries/"+esc(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListQueries lists a page of query executions, newest first; states
// filter them.
func (c *Client) ListQueries(ctx context.Context, p Page, states ...string) (*httpapi.QueryList, error) {
	q := p.values()
	for _, s := range states {
		q.Add("state", s)
	}
	var out httpapi.QueryList
	return &out, c.do(ctx, "GET", "/queries", q, nil, &out)
}

// QueryResults gets a page of a succeeded query's results.
func (c *Client) QueryResults(ctx context.Context, id string, p Page) (*httpapi.QueryResults, error) {
	var out httpapi.QueryResults
	return &out, c.do(ctx, "GET", "/queries/"+esc(id)+"/results", p.values(), nil, &out)
}

// CancelQuery cancels a queued or running query.
func (c *Client) CancelQuery(ctx context.Context, id string) (*httpapi.QueryExecution, error) {
	var out httpapi.QueryExecution
	if err := c.do(ctx, "POST", "/queries/"+esc(id)+"/cancel", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Crawlers.

// CreateCrawler creates a crawler.
func (c *Client) CreateCrawler(ctx context.Context, in httpapi.CrawlerInput) (*httpapi.Crawler, error) {
	var out httpapi.Crawler
	return &out, c.do(ctx, "POST", "/crawlers", nil, in, &out)
}

// GetCrawler gets a crawler.
func (c *Client) GetCrawler(ctx context.Context, name string) (*httpapi.Crawler, error) {
	var out httpapi.Crawler
	return &out, c.do(ctx, "GET", "/crawlers/"+esc(name), nil, nil, &out)
}

// ListCrawlers lists a page of crawlers.
func (c *Client) ListCrawlers(ctx context.Context, p Page) (*httpapi.CrawlerList, error) {
	var out httpapi.CrawlerList
	return &out, c.do(ctx, "GET", "/crawlers", p.values(), nil, &out)
}

// UpdateCrawler changes a crawler's definition.
func (c *Client) UpdateCrawler(ctx context.Context, name string, in httpapi.CrawlerInput) (*httpapi.Crawler, error) {
	var out httpapi.Crawler
	return &out, c.do(ctx, "PUT", "/crawlers/"+esc(name), nil, in, &out)
}

// DeleteCrawler deletes a crawler.
func (c *Client) DeleteCrawler(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/crawlers/"+esc(name), nil, nil, nil)
}

// StartCrawler starts a crawl in the server.
func (c *Client) StartCrawler(ctx context.Context, name string) (*httpapi.Crawler, error) {
	var out httpapi.Crawler
	return &out, c.do(ctx, "POST", "/crawlers/"+esc(name)+"/start", nil, nil, &out)
}

// StopCrawler stops a running crawl.
func (c *Client) StopCrawler(ctx context.Context, name string) (*httpapi.Crawler, error) {
	var out httpapi.Crawler
	return &out, c.do(ctx, "POST", "/crawlers/"+esc(name)+"/stop", nil, nil, &out)
}

// Functions.

// CreateFunction creates a function.
func (c *Client) CreateFunction(ctx context.Context, in httpapi.FunctionInput) (*httpapi.Function, error) {
	var out httpapi.Function
	return &out, c.do(ctx, "POST", "/functions", nil, in, &out)
}

// GetFunction gets a function.
func (c *Client) GetFunction(ctx context.Context, name string) (*httpapi.Function, error) {
	var out httpapi.Function
	return &out, c.do(ctx, "GET", "/functions/"+esc(name), nil, nil, &out)
}

// ListFunctions lists a page of functions.
func (c *Client) ListFunctions(ctx context.Context, p Page) (*httpapi.FunctionList, error) {
	var out httpapi.FunctionList
	return &out, c.do(ctx, "GET", "/functions", p.values(), nil, &out)
}

// UpdateFunction changes a function.
func (c *Client) UpdateFunction(ctx context.Context, name string, in httpapi.FunctionInput) (*httpapi.Function, error) {
	var out httpapi.Function
	return &out, c.do(ctx, "PUT", "/functions/"+esc(name), nil, in, &out)
}

// DeleteFunction deletes a function.
func (c *Client) DeleteFunction(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/functions/"+esc(name), nil, nil, nil)
}

// InvokeFunction invokes a function with event and waits for it.
func (c *Client) InvokeFunction(ctx context.Context, name string, event any) (*httpapi.InvokeOutput, error) {
	var out httpapi.InvokeOutput
	return &out, c.do(ctx, "POST", "/functions/"+esc(name)+"/invoke", nil, event, &out)
}

// FunctionLogs returns a function's invocation logs that q selects,
// oldest first.
func (c *Client) FunctionLogs(ctx context.Context, name string, q function.LogQuery) ([]function.LogEvent, error) {
	v := url.Values{}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if q.RequestID != "" {
		v.Set("requestId", q.RequestID)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out httpapi.FunctionLogs
	if err := c.do(ctx, "GET", "/functions/"+esc(name)+"/logs", v, nil, &out); err != nil {
		return nil, err
	}
	return out.Events, nil
}

// State machines.

// CreateStateMachine stores a state machine.
func (c *Client) CreateStateMachine(ctx context.Context, in httpapi.StateMachineInput) (*httpapi.StateMachine, error) {
	var out httpapi.StateMachine
	return &out, c.do(ctx, "POST", "/state-machines", nil, in, &out)
}

// UpdateStateMachine replaces a state machine's definition.
func (c *Client) UpdateStateMachine(ctx context.Context, name string, in httpapi.StateMachineInput) (*httpapi.StateMachine, error) {
	var out httpapi.StateMachine
	return &out, c.do(ctx, "PUT", "/state-machines/"+esc(name), nil, in, &out)
}

// GetStateMachine gets a state machine with its definition.
func (c *Client) GetStateMachine(ctx context.Context, name string) (*httpapi.StateMachine, error) {
	var out httpapi.StateMachine
	return &out, c.do(ctx, "GET", "/state-machines/"+esc(name), nil, nil, &out)
}

// ListStateMachines lists a page of state machines.
func (c *Client) ListStateMachines(ctx context.Context, p Page) (*httpapi.StateMachineList, error) {
	var out httpapi.StateMachineList
	return &out, c.do(ctx, "GET", "/state-machines", p.values(), nil, &out)
}

// DeleteStateMachine deletes a state machine.
func (c *Client) DeleteStateMachine(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/state-machines/"+esc(name), nil, nil, nil)
}

// ValidateStateMachine validates a definition.
func (c *Client) ValidateStateMachine(ctx context.Context, definition string) (*httpapi.ValidateOutput, error) {
	var out httpapi.ValidateOutput
	return &out, c.do(ctx, "POST", "/state-machines/validate", nil, httpapi.ValidateInput{Definition: definition}, &out)
}

// Executions.

// StartExecution starts an execution; starting the same name with the
// same input again returns the existing execution.
func (c *Client) StartExecution(ctx context.Context, in httpapi.StartExecutionInput) (*httpapi.Execution, error) {
	var out httpapi.Execution
	if err := c.do(ctx, "POST", "/executions", nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DescribeExecution describes an execution, named by its ARN or
// MACHINE:NAME.
func (c *Client) DescribeExecution(ctx context.Context, execution string) (*httpapi.Execution, error) {
	var out httpapi.Execution
	if err := c.do(ctx, "GET", "/executions/"+esc(execution), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListExecutions lists a page of executions, newest first, of machine
// (all if "") in status (all if "").
func (c *Client) ListExecutions(ctx context.Context, machine, status string, p Page) (*httpapi.ExecutionList, error) {
	q := p.values()
	if machine != "" {
		q.Set("stateMachine", machine)
	}
	if status != "" {
		q.Set("status", status)
	}
	var out httpapi.ExecutionList
	return &out, c.do(ctx, "GET", "/executions", q, nil, &out)
}

// ExecutionHistory gets a page of an execution's history.
func (c *Client) ExecutionHistory(ctx context.Context, execution string, reverse bool, p Page) (*httpapi.History, error) {
	q := p.values()
	if reverse {
		q.Set("reverseOrder", "true")
	}
	var out httpapi.History
	return &out, c.do(ctx, "GET", "/executions/"+esc(execution)+"/history", q, nil, &out)
}

// MapRuns lists an execution's distributed Map Runs (ListMapRuns).
func (c *Client) MapRuns(ctx context.Context, execution string) ([]workflow.MapRun, error) {
	var out httpapi.MapRunList
	if err := c.do(ctx, "GET", "/executions/"+esc(execution)+"/map-runs", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.MapRuns, nil
}

// StopExecution stops a running execution; it ends ABORTED.
func (c *Client) StopExecution(ctx context.Context, execution, cause string) (*httpapi.Execution, error) {
	var out httpapi.Execution
	if err := c.do(ctx, "POST", "/executions/"+esc(execution)+"/stop", nil, httpapi.StopExecutionInput{Cause: cause}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RedriveExecution runs a failed, timed-out or aborted execution again
// from the state that did not succeed.
func (c *Client) RedriveExecution(ctx context.Context, execution string) (*httpapi.Execution, error) {
	var out httpapi.Execution
	if err := c.do(ctx, "POST", "/executions/"+esc(execution)+"/redrive", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func decodeBody(resp *http.Response, out any) error {
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("apiclient: read the answer: %w", err)
	}
	return nil
}

// Task tokens.

// SendTaskSuccess answers a callback task's token with output, the
// task's result (a JSON value).
func (c *Client) SendTaskSuccess(ctx context.Context, token string, output any) error {
	b, err := json.Marshal(output)
	if err != nil {
		return fmt.Errorf("task output: %w", err)
	}
	return c.do(ctx, "POST", "/tasks/success", nil, httpapi.SendTaskSuccessInput{TaskToken: token, Output: string(b)}, nil)
}

// SendTaskFailure fails the callback task waiting for token.
func (c *Client) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	return c.do(ctx, "POST", "/tasks/failure", nil, httpapi.SendTaskFailureInput{TaskToken: token, Error: errorName, Cause: cause}, nil)
}

// SendTaskHeartbeat tells the callback task waiting for token that its
// work goes on.
func (c *Client) SendTaskHeartbeat(ctx context.Context, token string) error {
	return c.do(ctx, "POST", "/tasks/heartbeat", nil, httpapi.SendTaskHeartbeatInput{TaskToken: token}, nil)
}

// Schedules.

// CreateSchedule creates a schedule.
func (c *Client) CreateSchedule(ctx context.Context, in httpapi.ScheduleInput) (*httpapi.Schedule, error) {
	var out httpapi.Schedule
	return &out, c.do(ctx, "POST", "/schedules", nil, in, &out)
}

// GetSchedule returns a schedule with its next fire times.
func (c *Client) GetSchedule(ctx context.Context, name string) (*httpapi.Schedule, error) {
	var out httpapi.Schedule
	return &out, c.do(ctx, "GET", "/schedules/"+esc(name), nil, nil, &out)
}

// ListSchedules returns a page of schedules by name.
func (c *Client) ListSchedules(ctx context.Context, p Page) (*httpapi.ScheduleList, error) {
	var out httpapi.ScheduleList
	return &out, c.do(ctx, "GET", "/schedules", p.values(), nil, &out)
}

// UpdateSchedule changes the fields in of a schedule.
func (c *Client) UpdateSchedule(ctx context.Context, name string, in httpapi.ScheduleInput) (*httpapi.Schedule, error) {
	var out httpapi.Schedule
	return &out, c.do(ctx, "PUT", "/schedules/"+esc(name), nil, in, &out)
}

// EnableSchedule enables a schedule; DisableSchedule disables it.
func (c *Client) EnableSchedule(ctx context.Context, name string) (*httpapi.Schedule, error) {
	var out httpapi.Schedule
	return &out, c.do(ctx, "POST", "/schedules/"+esc(name)+"/enable", nil, nil, &out)
}

// DisableSchedule disables a schedule.
func (c *Client) DisableSchedule(ctx context.Context, name string) (*httpapi.Schedule, error) {
	var out httpapi.Schedule
	return &out, c.do(ctx, "POST", "/schedules/"+esc(name)+"/disable", nil, nil, &out)
}

// DeleteSchedule deletes a schedule.
func (c *Client) DeleteSchedule(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/schedules/"+esc(name), nil, nil, nil)
}

// ScheduleHistory returns a page of a schedule's runs, newest first.
func (c *Client) ScheduleHistory(ctx context.Context, name string, p Page) (*httpapi.ScheduleRunList, error) {
	var out httpapi.ScheduleRunList
	return &out, c.do(ctx, "GET", "/schedules/"+esc(name)+"/history", p.values(), nil, &out)
}

// Triggers.

// CreateTrigger creates a trigger.
func (c *Client) CreateTrigger(ctx context.Context, in httpapi.TriggerInput) (*httpapi.Trigger, error) {
	var out httpapi.Trigger
	return &out, c.do(ctx, "POST", "/triggers", nil, in, &out)
}

// GetTrigger returns a trigger.
func (c *Client) GetTrigger(ctx context.Context, name string) (*httpapi.Trigger, error) {
	var out httpapi.Trigger
	return &out, c.do(ctx, "GET", "/triggers/"+esc(name), nil, nil, &out)
}

// ListTriggers returns a page of triggers by name.
func (c *Client) ListTriggers(ctx context.Context, p Page) (*httpapi.TriggerList, error) {
	var out httpapi.TriggerList
	return &out, c.do(ctx, "GET", "/triggers", p.values(), nil, &out)
}

// EnableTrigger enables a trigger.
func (c *Client) EnableTrigger(ctx context.Context, name string) (*httpapi.Trigger, error) {
	var out httpapi.Trigger
	return &out, c.do(ctx, "POST", "/triggers/"+esc(name)+"/enable", nil, nil, &out)
}

// DisableTrigger disables a trigger.
func (c *Client) DisableTrigger(ctx context.Context, name string) (*httpapi.Trigger, error) {
	var out httpapi.Trigger
	return &out, c.do(ctx, "POST", "/triggers/"+esc(name)+"/disable", nil, nil, &out)
}

// DeleteTrigger deletes a trigger.
func (c *Client) DeleteTrigger(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/triggers/"+esc(name), nil, nil, nil)
}

// TriggerHistory returns a page of a trigger's runs, newest first.
func (c *Client) TriggerHistory(ctx context.Context, name string, p Page) (*httpapi.TriggerRunList, error) {
	var out httpapi.TriggerRunList
	return &out, c.do(ctx, "GET", "/triggers/"+esc(name)+"/history", p.values(), nil, &out)
}
