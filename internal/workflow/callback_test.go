package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

const notifyARN = "arn:aws:states:::weir:test:notify"

// notifier is the integration of callback tests: it records the token
// in its input ("token") and answers as its input's "answer" says — at
// once, before returning (as a function that sends its own token does);
// "later", from another goroutine after it returned; "beat", with
// heartbeats every 300 ms for 1.2 s and then success; or not at all.
type notifier struct {
	r *Runner

	mu     sync.Mutex
	calls  int
	tokens []string
}

func (n *notifier) Invoke(ctx context.Context, req *TaskRequest) (any, error) {
	m, _ := req.Input.(map[string]any)
	token, _ := m["token"].(string)
	n.mu.Lock()
	n.calls++
	n.tokens = append(n.tokens, token)
	n.mu.Unlock()
	ctxTok, _ := req.Context["Task"].(map[string]any)["Token"].(string)
	if ctxTok != token {
		return nil, &TaskError{Name: "Test.Token", Cause: "$$.Task.Token differs from the task request's context"}
	}
	switch m["answer"] {
	case "now":
		if err := n.r.SendTaskSuccess(ctx, token, map[string]any{"approved": true}); err != nil {
			return nil, err
		}
	case "fail":
		go n.r.SendTaskFailure(context.Background(), token, "Rejected", "the reviewer said no")
	case "later":
		go func() {
			time.Sleep(50 * time.Millisecond)
			n.r.SendTaskSuccess(context.Background(), token, "done later")
		}()
	case "beat":
		go func() {
			for range 4 {
				time.Sleep(300 * time.Millisecond)
				n.r.SendTaskHeartbeat(context.Background(), token)
			}
			n.r.SendTaskSuccess(context.Background(), token, "beat")
		}()
	}
	return map[string]any{"StatusCode": json.Number("200")}, nil
}

func callbackRunner(t *testing.T, store Store) (*Runner, *notifier) {
	t.Helper()
	n := &notifier{}
	reg := NewRegistry()
	if err := reg.Register(notifyARN, n); err != nil {
		t.Fatal(err)
	}
	n.r = NewRunner(Options{Store: store, Tasks: reg, StopPoll: 20 * time.Millisecond})
	return n.r, n
}

func callbackMachine(answer string, extra string) string {
	return `{"StartAt": "Ask", "States": {
		"Ask": {"Type": "Task", "Resource": "` + notifyARN + `.waitForTaskToken",
		        "Parameters": {"token.$": "$$.Task.Token", "answer": "` + answer + `"}` + extra + `,
		        "Catch": [{"ErrorEquals": ["Rejected"], "Next": "No"}], "End": true},
		"No": {"Type": "Pass", "Result": "rejected", "End": true}}}`
}

func TestCallbackPattern(t *testing.T) {
	for _, tc := range []struct {
		name, answer, extra string
		status              Status
		output, error       string
		events              string
	}{
		{name: "token sent before the integration returns", answer: "now", status: StatusSucceeded, output: `{"approved":true}`,
			events: "ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskSubmitted TaskSucceeded TaskStateExited ExecutionSucceeded"},
		{name: "token sent later", answer: "later", status: StatusSucceeded, output: `"done later"`},
		{name: "failure caught by its error name", answer: "fail", status: StatusSucceeded, output: `"rejected"`},
		{name: "nothing sent: TimeoutSeconds", answer: "none", extra: `, "TimeoutSeconds": 1`, status: StatusFailed, error: asl.ErrNameTimeout,
			events: "ExecutionStarted TaskStateEntered TaskScheduled TaskStarted TaskSubmitted TaskTimedOut ExecutionFailed"},
		{name: "heartbeats keep it alive", answer: "beat", extra: `, "HeartbeatSeconds": 1, "TimeoutSeconds": 10`, status: StatusSucceeded, output: `"beat"`},
		{name: "no heartbeat: HeartbeatSeconds", answer: "none", extra: `, "HeartbeatSeconds": 1`, status: StatusFailed, error: asl.ErrNameHeartbeatTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, n := callbackRunner(t, nil)
			def, err := asl.Parse([]byte(callbackMachine(tc.answer, tc.extra)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background(), def, map[string]any{}, ExecutionInfo{Name: "cb"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || res.Error != tc.error {
				t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
			}
			if out, _ := json.Marshal(res.Output); tc.output != "" && string(out) != tc.output {
				t.Errorf("output %s, want %s", out, tc.output)
			}
			types := checkHistory(t, res.Events, map[string]int{"Ask": 1})
			if tc.events != "" && strings.Join(types, " ") != tc.events {
				t.Errorf("history:\n%s\nwant\n%s", strings.Join(types, " "), tc.events)
			}
			if n.calls != 1 || !strings.HasPrefix(n.tokens[0], tokenPrefix) {
				t.Errorf("integration called %d times, tokens %q", n.calls, n.tokens)
			}
			// The token takes nothing more once the task ended.
			if err := r.SendTaskSuccess(context.Background(), n.tokens[0], 1); !errors.Is(err, ErrTaskDoesNotExist) {
				t.Errorf("a second answer: %v", err)
			}
		})
	}
}

func TestSendTaskErrors(t *testing.T) {
	ctx := context.Background()
	r, _ := callbackRunner(t, NewMemStore())
	for _, tok := range []string{"", "nonsense", tokenPrefix + "!!!", tokenPrefix + "YQ"} {
		if err := r.SendTaskSuccess(ctx, tok, nil); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	unknown := taskToken("arn:aws:states:us-east-1:000000000000:execution:m:none", "root", time.Now(), 0)
	if err := r.SendTaskHeartbeat(ctx, unknown); !errors.Is(err, ErrTaskDoesNotExist) {
		t.Errorf("an execution that does not exist: %v", err)
	}
}

// TestCallbackSurvivesRestart: a process stops while its task waits for
// the token; the token is sent while no process runs the execution; the
// resumed execution takes the answer without running the integration
// again.
func TestCallbackSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	r1, n1 := callbackRunner(t, store)
	e := createExecution(t, r1, callbackMachine("none", `, "TimeoutSeconds": 60`), `{}`)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := r1.Resume(rctx, e.ARN)
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		th := mustThreads(t, store, e.ARN)
		if len(th) == 1 && th[0].Phase == PhaseCallback {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the task never waited for its token")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	// Another process answers the token.
	r2, n2 := callbackRunner(t, store)
	if err := r2.SendTaskSuccess(ctx, n1.tokens[0], "answered while stopped"); err != nil {
		t.Fatal(err)
	}
	res, err := r2.Resume(ctx, e.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(res.Output); res.Status != StatusSucceeded || string(out) != `"answered while stopped"` {
		t.Fatalf("%s %s %s %s", res.Status, out, res.Error, res.Cause)
	}
	if n1.calls+n2.calls != 1 {
		t.Errorf("the integration ran %d times", n1.calls+n2.calls)
	}
	types := strings.Join(checkHistory(t, res.Events, map[string]int{"Ask": 1}), " ")
	if strings.Count(types, "TaskSubmitted") != 1 || strings.Count(types, "TaskSucceeded") != 1 {
		t.Errorf("history: %s", types)
	}
}

// TestKeepAlive: a handler that waits on live work with KeepAlive is not
// failed by HeartbeatSeconds; one that does not is.
func TestKeepAlive(t *testing.T) {
	for _, keep := range []bool{true, false} {
		reg := NewRegistry()
		err := reg.Register("arn:aws:states:::weir:test:busy", TaskHandlerFunc(func(ctx context.Context, req *TaskRequest) (any, error) {
			if keep {
				defer req.KeepAlive(200 * time.Millisecond)()
			}
			select {
			case <-time.After(1500 * time.Millisecond):
				return "done", nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}))
		if err != nil {
			t.Fatal(err)
		}
		def, err := asl.Parse([]byte(`{"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::weir:test:busy", "HeartbeatSeconds": 1, "End": true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		res, err := NewRunner(Options{Tasks: reg}).Run(context.Background(), def, map[string]any{}, ExecutionInfo{})
		if err != nil {
			t.Fatal(err)
		}
		want := StatusSucceeded
		if !keep {
			want = StatusFailed
		}
		if res.Status != want {
			t.Errorf("keep alive %v: %s %s", keep, res.Status, res.Error)
		}
	}
}

// FuzzTaskToken: any string parses to a token's parts or ErrInvalidToken,
// without panicking; a token made from parts parses back to them.
func FuzzTaskToken(f *testing.F) {
	f.Add("arn:aws:states:us-east-1:000000000000:execution:m:x", "root/M#0/3", int64(1795291081562768431), 2, "weir1.YQ")
	f.Fuzz(func(t *testing.T, arn, thread string, ns int64, attempt int, s string) {
		if _, err := parseTaskToken(s); err != nil && !errors.Is(err, ErrInvalidToken) {
			t.Errorf("parse %q: %v", s, err)
		}
		if arn == "" || thread == "" || strings.Contains(arn, "\n") || strings.Contains(thread, "\n") || attempt < 0 {
			return
		}
		want := tokenParts{arn, thread, time.Unix(0, ns), attempt}
		got, err := parseTaskToken(taskToken(arn, thread, time.Unix(0, ns), attempt))
		if err != nil || got.arn != want.arn || got.thread != want.thread || !got.entered.Equal(want.entered) || got.attempt != attempt {
			t.Errorf("round trip of %+v: %+v %v", want, got, err)
		}
	})
}

// TestCallbackRetry: a callback task failed through its token and
// retried gets a new token for the new attempt (the old one was
// answered), and $$.State.RetryCount in its Parameters counts.
func TestCallbackRetry(t *testing.T) {
	r, n := callbackRunner(t, nil)
	var mu sync.Mutex
	attempts := 0
	reg := NewRegistry()
	err := reg.Register("arn:aws:states:::weir:test:flaky", TaskHandlerFunc(func(ctx context.Context, req *TaskRequest) (any, error) {
		m, _ := req.Input.(map[string]any)
		token, _ := m["token"].(string)
		mu.Lock()
		attempts++
		first := attempts == 1
		mu.Unlock()
		go func() {
			if first {
				n.r.SendTaskFailure(context.Background(), token, "Flaky", "first attempt")
				return
			}
			n.r.SendTaskSuccess(context.Background(), token, map[string]any{"retry": m["retry"]})
		}()
		return nil, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	r.opts.Tasks = reg
	def, err := asl.Parse([]byte(`{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::weir:test:flaky.waitForTaskToken",
		"Parameters": {"token.$": "$$.Task.Token", "retry.$": "$$.State.RetryCount"},
		"Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2}], "TimeoutSeconds": 10, "End": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	r.opts.Clock = NewVirtualClock()
	res, err := r.Run(context.Background(), def, map[string]any{}, ExecutionInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(res.Output); res.Status != StatusSucceeded || string(out) != `{"retry":1}` {
		t.Fatalf("%s %s %s %s", res.Status, out, res.Error, res.Cause)
	}
}

// TestTokenOfAPlainTask: $$.Task.Token is in every Task's context, but
// only a .waitForTaskToken task takes an answer.
func TestTokenOfAPlainTask(t *testing.T) {
	r, n := callbackRunner(t, NewMemStore())
	var answer error
	reg := NewRegistry()
	err := reg.Register(notifyARN, TaskHandlerFunc(func(ctx context.Context, req *TaskRequest) (any, error) {
		token, _ := req.Input.(map[string]any)["token"].(string)
		answer = n.r.SendTaskSuccess(ctx, token, "hijacked")
		return "own result", nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	r.opts.Tasks = reg
	e := createExecution(t, r, `{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "`+notifyARN+`",
		"Parameters": {"token.$": "$$.Task.Token"}, "End": true}}}`, `{}`)
	res, err := r.Resume(context.Background(), e.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(res.Output); string(out) != `"own result"` {
		t.Errorf("output %s", out)
	}
	if !errors.Is(answer, ErrTaskDoesNotExist) {
		t.Errorf("answering a plain task's token: %v", answer)
	}
}
