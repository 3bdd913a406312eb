package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/workflow"
)

// The executions verbs as clients of a weir serve that holds the data
// directory (STYLE rule 3): start, describe, stop and redrive. Their
// output is the in-process verbs'.

// executionFrom converts the API's execution.
func executionFrom(x *httpapi.Execution) *workflow.Execution {
	return &workflow.Execution{ARN: x.ExecutionArn, Name: x.Name, StateMachineARN: x.StateMachineArn, Machine: x.StateMachine,
		Status: workflow.Status(x.Status), Input: x.Input, Output: x.Output, Error: x.Error, Cause: x.Cause,
		StartDate: x.StartDate, StopDate: x.StopDate, RedriveCount: x.RedriveCount}
}

func (e *env) remoteStart(ctx context.Context, c *apiclient.Client, machine, name string, in any, wait bool, output string) error {
	x, err := c.StartExecution(ctx, httpapi.StartExecutionInput{StateMachine: machine, Name: name, Input: in})
	if err != nil {
		return kindError(err)
	}
	if !wait {
		if output == outputJSON {
			return writeJSON(e.stdout, map[string]any{"executionArn": x.ExecutionArn, "startDate": isoMillis(x.StartDate)})
		}
		fmt.Fprintf(e.stdout, "execution %s:%s %s in weir serve at %s; follow it with 'weir executions describe %s:%s'\n", x.StateMachine, x.Name, x.Status, c.Base(), x.StateMachine, x.Name)
		return nil
	}
	fmt.Fprintf(e.stderr, "execution %s:%s RUNNING in weir serve at %s (weir executions describe %s:%s)\n", x.StateMachine, x.Name, c.Base(), x.StateMachine, x.Name)
	return e.remoteWait(ctx, c, x.ExecutionArn, output)
}

// remoteWait waits for an execution the server runs and prints its
// result; interrupted, the execution runs on in the server.
func (e *env) remoteWait(ctx context.Context, c *apiclient.Client, arn, output string) error {
	done, err := c.WaitExecution(ctx, arn, 100*time.Millisecond)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "interrupted: the execution runs on in weir serve\n")
		}
		return kindError(err)
	}
	return e.printExecutionResult(&workflow.Result{Execution: *executionFrom(done)}, output, false)
}

func (e *env) remoteDescribe(ctx context.Context, c *apiclient.Client, ref, output string) error {
	x, err := c.DescribeExecution(ctx, ref)
	if err != nil {
		return kindError(err)
	}
	return e.printStateExecution(executionFrom(x), output)
}

func (e *env) remoteStop(ctx context.Context, c *apiclient.Client, ref, arn string) error {
	x, err := c.StopExecution(ctx, arn, "Stopped with weir executions stop")
	if err != nil {
		return kindError(err)
	}
	fmt.Fprintf(e.stdout, "execution %s %s\n", ref, x.Status)
	return nil
}

func (e *env) remoteRedrive(ctx context.Context, c *apiclient.Client, arn, output string) error {
	if _, err := c.RedriveExecution(ctx, arn); err != nil {
		return kindError(err)
	}
	return e.remoteWait(ctx, c, arn, output)
}
