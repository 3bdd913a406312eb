package function_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/workflow"
)

// invokeTask resolves resource on a registry with the function tasks and
// runs it on input.
func invokeTask(t *testing.T, s *function.Service, resource string, input any) (any, error) {
	t.Helper()
	reg := workflow.NewRegistry()
	reg.Substitute("self:service", "traffic")
	reg.Substitute("opt:stage", "dev")
	if err := s.RegisterTasks(reg); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterTasks(reg); !errors.Is(err, workflow.ErrDuplicateRegistration) {
		t.Errorf("second RegisterTasks: %v", err)
	}
	h, res, match, err := reg.Resolve(resource)
	if err != nil {
		return nil, err
	}
	return h.Invoke(context.Background(), &workflow.TaskRequest{Resource: res, Match: match, Input: input})
}

func TestTasks(t *testing.T) {
	t.Parallel()
	s, _ := newService(t, nil)
	ctx := t.Context()
	for name, cmd := range map[string]string{
		"traffic-dev-RunDataCrawler": `cat`,
		"fails":                      `echo '{"errorType": "CrawlerBusy", "errorMessage": "try later"}'`,
	} {
		if err := s.Create(ctx, function.NewFunction(name, cmd)); err != nil {
			t.Fatal(err)
		}
	}
	event := map[string]any{"year": "2020"}
	tests := []struct {
		name      string
		resource  string
		input     any
		want      string // JSON of the result
		wantName  string
		wantCause string
	}{
		{name: "bare ARN with placeholders", resource: "arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:${self:service}-${opt:stage}-RunDataCrawler",
			input: event, want: `{"year":"2020"}`},
		{name: "bare ARN with qualifier", resource: "arn:aws:lambda:us-east-1:123456789012:function:traffic-dev-RunDataCrawler:prod",
			input: event, want: `{"year":"2020"}`},
		{name: "bare ARN, function error", resource: "arn:aws:lambda:us-east-1:123456789012:function:fails",
			wantName: "CrawlerBusy", wantCause: `"errorMessage":"try later"`},
		{name: "bare ARN, unknown function", resource: "arn:aws:lambda:us-east-1:123456789012:function:nope",
			wantName: "Lambda.ResourceNotFoundException", wantCause: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"},
		{name: "bare ARN, bad name", resource: "arn:aws:lambda:us-east-1:123456789012:function:a.b",
			wantName: "Lambda.InvalidParameterValueException", wantCause: "1 to 64 letters"},
		{name: "invoke", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "traffic-dev-RunDataCrawler", "Payload": event},
			want:  `"ExecutedVersion":"$LATEST","Payload":{"year":"2020"},"SdkHttpMetadata":{`},
		{name: "invoke by ARN without Payload", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:traffic-dev-RunDataCrawler:$LATEST"},
			want:  `"Payload":{},`},
		{name: "invoke shape", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "123456789012:function:traffic-dev-RunDataCrawler", "Payload": 1},
			want:  `"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"`},
		{name: "invoke DryRun", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "fails", "InvocationType": "DryRun"}, want: `"StatusCode":204`},
		{name: "invoke, function error", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "fails"}, wantName: "CrawlerBusy", wantCause: `"errorType":"CrawlerBusy"`},
		{name: "invoke, unknown function", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "nope"}, wantName: "Lambda.ResourceNotFoundException"},
		{name: "invoke without FunctionName", resource: function.ResourceInvoke,
			input: map[string]any{"Payload": 1}, wantName: "Lambda.InvalidParameterValueException", wantCause: "needs FunctionName"},
		{name: "invoke, Event", resource: function.ResourceInvoke,
			input: map[string]any{"FunctionName": "fails", "InvocationType": "Event"}, wantName: "Lambda.InvalidParameterValueException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := invokeTask(t, s, tc.resource, tc.input)
			if tc.wantName == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := js(out); !strings.Contains(got, tc.want) {
					t.Errorf("result %s lacks %s", got, tc.want)
				}
				return
			}
			var te *workflow.TaskError
			if !errors.As(err, &te) || te.Name != tc.wantName || !strings.Contains(te.Cause, tc.wantCause) {
				t.Errorf("err = %v, want %s with %q", err, tc.wantName, tc.wantCause)
			}
		})
	}
}
