package function

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/workflow"
)

// Task resources.
const (
	// ResourceInvoke is Step Functions' optimized Lambda integration.
	ResourceInvoke = "arn:aws:states:::lambda:invoke"
	// bareARN matches a function ARN as a Task's Resource, capturing
	// the name; ParseRef checks the parts, so that a malformed ARN gets
	// a precise error rather than "not available".
	bareARN = `arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]*)(?::[^:]*)?`
)

// RegisterTasks registers functions as Task resources on reg: bare
// function ARNs (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]),
// whose result is the function's result, and
// arn:aws:states:::lambda:invoke with FunctionName and Payload, whose
// result is Lambda's Invoke response. A function's error fails the task
// with its errorType; an unknown function with
// Lambda.ResourceNotFoundException.
func (s *Service) RegisterTasks(reg *workflow.Registry) error {
	if err := reg.RegisterPattern(bareARN, workflow.TaskHandlerFunc(s.taskBare)); err != nil {
		return err
	}
	// ResourceInvoke.waitForTaskToken runs this handler too, then waits
	// for the token (see workflow's callback pattern).
	return reg.Register(ResourceInvoke, workflow.TaskHandlerFunc(s.taskInvoke))
}

// taskError turns an invocation's failure into the task error Step
// Functions reports.
func taskError(err error) error {
	var fe *Error
	switch {
	case errors.As(err, &fe):
		return &workflow.TaskError{Name: fe.Name, Cause: fe.Cause()}
	case errors.Is(err, ErrFunctionNotFound):
		return &workflow.TaskError{Name: "Lambda.ResourceNotFoundException", Cause: errs.Message(err)}
	case errors.Is(err, errs.Invalid):
		return &workflow.TaskError{Name: "Lambda.InvalidParameterValueException", Cause: errs.Message(err)}
	}
	return err
}

func (s *Service) invokeRef(ctx context.Context, ref string, event any) (*Invocation, error) {
	name, _, err := ParseRef(ref)
	if err != nil {
		return nil, taskError(err)
	}
	inv, err := s.Invoke(ctx, name, event)
	if errors.Is(err, ErrFunctionNotFound) {
		return nil, &workflow.TaskError{Name: "Lambda.ResourceNotFoundException",
			Cause: fmt.Sprintf("Function not found: %s (create it with 'weir functions create %s --command ...')", ARN(name), name)}
	}
	if err != nil {
		return nil, taskError(err)
	}
	return inv, nil
}

// taskBare runs the function a bare ARN names; its result is the task's.
func (s *Service) taskBare(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	inv, err := s.invokeRef(ctx, req.Resource, req.Input)
	if err != nil {
		return nil, err
	}
	return inv.Payload, nil
}

// taskInvoke is arn:aws:states:::lambda:invoke.
func (s *Service) taskInvoke(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	bad := func(format string, args ...any) error {
		return &workflow.TaskError{Name: "Lambda.InvalidParameterValueException", Cause: fmt.Sprintf(format, args...)}
	}
	params, ok := req.Input.(map[string]any)
	if !ok {
		return nil, bad("the parameters of %s must be a JSON object with FunctionName", req.Resource)
	}
	ref, _ := params["FunctionName"].(string)
	if ref == "" {
		return nil, bad("%s needs FunctionName in its Parameters", req.Resource)
	}
	switch t, _ := params["InvocationType"].(string); t {
	case "", "RequestResponse":
	case "DryRun":
		name, _, err := ParseRef(ref)
		if err == nil {
			_, err = s.Get(ctx, name)
		}
		if err != nil {
			return nil, taskError(err)
		}
		return invokeResponse(uuid.NewString(), nil, 204), nil
	default:
		return nil, bad("InvocationType %q is not supported by weir; use RequestResponse (the default) or DryRun", t)
	}
	payload, has := params["Payload"]
	if !has {
		payload = map[string]any{}
	}
	inv, err := s.invokeRef(ctx, ref, payload)
	if err != nil {
		return nil, err
	}
	return invokeResponse(inv.RequestID, inv.Payload, 200), nil
}

// invokeResponse is the result Step Functions gives for lambda:invoke:
// Lambda's Invoke response with the payload parsed, and the SDK's
// metadata.
func invokeResponse(requestID string, payload any, status int) map[string]any {
	headers := map[string]any{
		"Connection":                     "keep-alive",
		"Content-Length":                 strconv.Itoa(len(encode(payload))),
		"Content-Type":                   "application/json",
		"X-Amz-Executed-Version":         "$LATEST",
		"x-amzn-Remapped-Content-Length": "0",
		"x-amzn-RequestId":               requestID,
	}
	all := map[string]any{}
	for k, v := range headers {
		all[k] = []any{v}
	}
	out := map[string]any{
		"ExecutedVersion": "$LATEST",
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": status,
		},
		"SdkResponseMetadata": map[string]any{"RequestId": requestID},
		"StatusCode":          status,
	}
	if status != 204 {
		out["Payload"] = payload
	}
	return out
}

// Interface guards.
var (
	_ workflow.TaskHandler = workflow.TaskHandlerFunc((*Service)(nil).taskBare)
	_ workflow.TaskHandler = workflow.TaskHandlerFunc((*Service)(nil).taskInvoke)
)
