package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/workflow"
)

// registerStates registers Step Functions' own integration, nested
// executions: arn:aws:states:::states:startExecution starts an execution
// of a stored state machine and returns at once; .sync waits for it and
// returns DescribeExecution's answer with Input and Output as JSON text;
// .sync:2 with them as JSON values. Children are durable executions run
// by child (recorded in the metastore): a child started without .sync
// runs on in the background, and one whose process stops is resumed like
// any execution.
func (a *App) registerStates(reg *workflow.Registry, child *workflow.Runner) error {
	for suffix, mode := range map[string]int{"": 0, ".sync": 1, ".sync:2": 2} {
		h := workflow.TaskHandlerFunc(func(ctx context.Context, req *workflow.TaskRequest) (any, error) {
			return a.startExecution(ctx, child, req, mode)
		})
		if err := reg.Register("arn:aws:states:::states:startExecution"+suffix, h); err != nil {
			return err
		}
		if mode == 0 {
			if err := reg.Register("arn:aws:states:::aws-sdk:sfn:startExecution", h); err != nil {
				return err
			}
		}
	}
	return nil
}

func statesError(name, format string, args ...any) error {
	return &workflow.TaskError{Name: name, Cause: fmt.Sprintf(format, args...)}
}

func (a *App) startExecution(ctx context.Context, child *workflow.Runner, req *workflow.TaskRequest, mode int) (any, error) {
	m, _ := req.Input.(map[string]any)
	arn, _ := m["StateMachineArn"].(string)
	i := strings.LastIndex(arn, ":stateMachine:")
	if arn == "" || i < 0 {
		return nil, statesError("StepFunctions.InvalidArnException", "StateMachineArn must be a state machine's ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME), not %q", arn)
	}
	machine := arn[i+len(":stateMachine:"):]
	sm, err := a.Meta.Workflows().GetStateMachine(ctx, machine)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return nil, statesError("StepFunctions.StateMachineDoesNotExistException", "State Machine Does Not Exist: '%s'; store it with 'weir states create %s'", arn, machine)
		}
		return nil, err
	}
	// Input is an object, or a JSON text (as the SDK's StartExecution
	// takes it).
	var input any = map[string]any{}
	switch in := m["Input"].(type) {
	case nil:
	case string:
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		if err := dec.Decode(&input); err != nil {
			return nil, statesError("StepFunctions.InvalidExecutionInputException", "Input is not JSON: %v", err)
		}
	default:
		input = in
	}
	name, _ := m["Name"].(string)
	if name == "" {
		name = childName(req)
	}
	x, _, err := child.Create(ctx, sm.Definition, input, workflow.ExecutionInfo{Name: name, Machine: sm.Name, StateMachineARN: arn})
	if err != nil {
		if errors.Is(err, workflow.ErrExecutionAlreadyExists) {
			return nil, statesError("StepFunctions.ExecutionAlreadyExistsException", "%v", err)
		}
		return nil, err
	}
	if mode == 0 {
		go func() {
			if _, err := child.Execute(context.WithoutCancel(ctx), x.ARN); err != nil {
				a.logger.Error("nested execution", "execution", x.ARN, "err", err)
			}
		}()
		return map[string]any{"ExecutionArn": x.ARN, "StartDate": x.StartDate.UTC().Format("2006-01-02T15:04:05.000Z")}, nil
	}
	stop := req.KeepAlive(time.Second) // the child runs: the task is alive
	done, err := child.Execute(ctx, x.ARN)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			// The parent stopped or timed out: stop the child too, as
			// Step Functions does.
			child.Abort(context.WithoutCancel(ctx), x.ARN, "The parent execution stopped")
		}
		return nil, err
	}
	out := describeExecution(done, mode == 2)
	if done.Status != workflow.StatusSucceeded {
		b, _ := json.Marshal(out)
		return nil, &workflow.TaskError{Name: "States.TaskFailed", Cause: string(b)}
	}
	return out, nil
}

// describeExecution is DescribeExecution's answer for x, with input and
// output as JSON text, or as values (startExecution.sync:2).
func describeExecution(x *workflow.Execution, values bool) map[string]any {
	text := func(v any) any {
		if values {
			return v
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	out := map[string]any{
		"ExecutionArn": x.ARN, "StateMachineArn": x.StateMachineARN, "Name": x.Name, "Status": string(x.Status),
		"StartDate": stamp(x.StartDate), "Input": text(x.Input), "InputDetails": map[string]any{"Included": true},
	}
	if !x.StopDate.IsZero() {
		out["StopDate"] = stamp(x.StopDate)
	}
	if x.Status == workflow.StatusSucceeded {
		out["Output"], out["OutputDetails"] = text(x.Output), map[string]any{"Included": true}
	} else {
		out["Error"], out["Cause"] = x.Error, x.Cause
	}
	return out
}

// childName names a child started without a name after the task's
// attempt, which $$.Task.Token names durably: the task run again after a
// crash then finds the child it started (running or ended) instead of
// starting another. It is a UUID, as AWS's generated names are.
func childName(req *workflow.TaskRequest) string {
	task, _ := req.Context["Task"].(map[string]any)
	token, _ := task["Token"].(string)
	if token == "" {
		return uuid.NewString()
	}
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte("weir nested execution\n"+token)).String()
}
