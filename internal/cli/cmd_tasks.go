package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/workflow"
)

// taskTokens answer the tokens of callback tasks: a weir serve's runner,
// or the data directory's in this process (the answer is stored; the
// process running the execution, a background runner holding the
// directory or the next one, takes it).
type taskTokens interface {
	SendTaskSuccess(ctx context.Context, token string, output any) error
	SendTaskFailure(ctx context.Context, token, errorName, cause string) error
	SendTaskHeartbeat(ctx context.Context, token string) error
}

// withTaskTokens runs fn on the task tokens (see taskTokens).
func (e *env) withTaskTokens(ctx context.Context, verb string, fn func(tt taskTokens) error) error {
	c, err := e.server(ctx)
	if err != nil {
		return err
	}
	if c != nil {
		return kindError(fn(c))
	}
	a, err := e.openWork(ctx, "weir executions "+verb, true)
	if errors.Is(err, datadir.ErrLocked) {
		// A background runner holds the directory and runs the
		// execution: store the answer for it to take, as a stop request.
		ro, err := e.openReadOnly(ctx)
		if err != nil {
			return err
		}
		defer ro.Close()
		return kindError(fn(workflow.NewRunner(workflow.Options{Store: ro.Meta.Workflows()})))
	}
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Runner(nil)
	if err != nil {
		return err
	}
	return kindError(fn(r))
}

// executionsTaskCommands are send-task-success, send-task-failure and
// send-task-heartbeat, named and flagged as in the AWS CLI.
func (e *env) executionsTaskCommands() []*cobra.Command {
	var token, output, errorName, cause string
	tokenFlag := func(c *cobra.Command) {
		c.Flags().StringVar(&token, "task-token", "", "the token: the value of $$.Task.Token the task passed on (required)")
		c.MarkFlagRequired("task-token")
	}
	success := &cobra.Command{
		Use:   "send-task-success --task-token TOKEN --task-output JSON",
		Short: "Answer a callback task (.waitForTaskToken) with its result",
		Long: `send-task-success ends the Task state waiting for TOKEN (a .waitForTaskToken
task; the token is the $$.Task.Token it passed to its integration) with the result
--task-output, as Step Functions' SendTaskSuccess. The execution goes on from there.
A token that no task waits for any more (answered, timed out, or its execution
stopped) fails with TaskDoesNotExist.`,
		Example: `  weir executions send-task-success --task-token "$TOKEN" --task-output '{"approved": true}'`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := jsonArg("--task-output", output)
			if err != nil {
				return err
			}
			return e.withTaskTokens(cmd.Context(), "send-task-success", func(tt taskTokens) error {
				if err := tt.SendTaskSuccess(cmd.Context(), token, v); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "task answered: SUCCEEDED")
				return nil
			})
		},
	}
	tokenFlag(success)
	success.Flags().StringVar(&output, "task-output", "{}", "the task's result: JSON, or @FILE to read it from a file")

	failure := &cobra.Command{
		Use:   "send-task-failure --task-token TOKEN [--error NAME] [--cause TEXT]",
		Short: "Fail a callback task (.waitForTaskToken) with an error that Retry and Catch match",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withTaskTokens(cmd.Context(), "send-task-failure", func(tt taskTokens) error {
				if err := tt.SendTaskFailure(cmd.Context(), token, errorName, cause); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "task answered: FAILED")
				return nil
			})
		},
	}
	tokenFlag(failure)
	failure.Flags().StringVar(&errorName, "error", "", "the error name (default States.TaskFailed)")
	failure.Flags().StringVar(&cause, "cause", "", "what went wrong")

	heartbeat := &cobra.Command{
		Use:   "send-task-heartbeat --task-token TOKEN",
		Short: "Tell a callback task that its work goes on (resets its HeartbeatSeconds)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withTaskTokens(cmd.Context(), "send-task-heartbeat", func(tt taskTokens) error {
				if err := tt.SendTaskHeartbeat(cmd.Context(), token); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "heartbeat sent")
				return nil
			})
		},
	}
	tokenFlag(heartbeat)
	return []*cobra.Command{success, failure, heartbeat}
}
