package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

// lambdaFunction matches a bare Lambda function ARN (qualifier allowed).
func lambdaFunction(resource string) bool {
	return strings.HasPrefix(resource, "arn:aws:lambda:") && strings.Contains(resource, ":function:")
}

// resourceParts splits a service integration ARN the way Step Functions'
// history does: arn:aws:states:::athena:startQueryExecution.sync gives
// "athena" and "startQueryExecution.sync".
func resourceParts(resource string) (typ, name string) {
	rest := strings.TrimPrefix(resource, "arn:aws:states:::")
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		return rest[:i], rest[i+1:]
	}
	return rest, rest
}

// task runs a Task state once: it resolves the resource, invokes its
// handler under the state's timeout, and records the task events.
func (s *stateRun) task(ctx context.Context, params, effective any) (any, *failure) {
	st, x := s.st, s.x
	base, callback := strings.CutSuffix(st.Resource, callbackSuffix)
	handler, resource, match, err := x.r.opts.Tasks.Resolve(base)
	if err != nil {
		return nil, &failure{asl.ErrNameRuntime, err.Error()}
	}
	named := resource // as the history names it
	if callback {
		named += callbackSuffix
	}
	timeout, f := s.seconds(st.TimeoutSeconds, effective, "TimeoutSecondsPath")
	if f != nil {
		return nil, f
	}
	heartbeat, f := s.seconds(st.HeartbeatSeconds, effective, "HeartbeatSecondsPath")
	if f != nil {
		return nil, f
	}
	if heartbeat > 0 && timeout > 0 && heartbeat >= timeout {
		return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("The state '%s' has HeartbeatSeconds %d, not smaller than its TimeoutSeconds %d", st.Name, heartbeat, timeout)}
	}
	lambda := lambdaFunction(named)
	typ, name := resourceParts(named)
	details := func(m map[string]any) map[string]any {
		if !lambda {
			m["resourceType"], m["resource"] = typ, name
		}
		return m
	}
	prefix := "Task"
	if lambda {
		prefix = "LambdaFunction"
	}
	var token string
	var waiter *callbackWait
	if callback {
		token = taskToken(x.rec.ARN, s.t.rec.ID, s.entered, s.retries)
		waiter = x.r.callbacks.add(token, x.store)
		defer x.r.callbacks.remove(token)
		if s.t.rec.Phase == PhaseCallback {
			// Resumed while waiting: the integration ran already.
			return s.callbackEnd(ctx, waiter, token, heartbeat, details, prefix)
		}
	}
	scheduled := map[string]any{"resourceType": typ, "resource": name, "region": "us-east-1", "parameters": x.encode(params)}
	if lambda {
		scheduled = map[string]any{"resource": named, "input": x.encode(params), "inputDetails": map[string]any{"truncated": false}}
	}
	if timeout > 0 {
		scheduled["timeoutInSeconds"] = timeout
	}
	if heartbeat > 0 {
		scheduled["heartbeatInSeconds"] = heartbeat
	}
	s.t.event(prefix+"Scheduled", scheduled)
	ids := map[string]any{"resourceType": typ, "resource": name}
	if lambda {
		ids = nil
	}
	s.t.event(prefix+"Started", ids)
	// Committed before the task runs: the history shows it running, and
	// a process that stops now runs the task again when it resumes.
	if err := s.t.commit(ctx, nil); err != nil {
		return nil, &failure{asl.ErrNameRuntime, err.Error()}
	}
	// Tasks run in real time, on any clock.
	started := time.Now()
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		tctx, cancel = context.WithTimeout(ctx, time.Duration(timeout)*time.Second)
	}
	req := &TaskRequest{Resource: resource, Match: match, Input: params, TimeoutSeconds: timeout,
		Context: x.contextObject(st, s.t.rec.ID, s.entered, s.retries, nil), Heartbeat: func() {}}
	// A task with HeartbeatSeconds must call req.Heartbeat at least that
	// often, or it fails with States.HeartbeatTimeout.
	// (A callback task's heartbeats are for its wait, below.)
	var heartbeatLost atomic.Bool
	if heartbeat > 0 && !callback {
		hctx, hcancel := context.WithCancel(tctx)
		cancel = func(prev context.CancelFunc) context.CancelFunc { return func() { hcancel(); prev() } }(cancel)
		timer := time.AfterFunc(time.Duration(heartbeat)*time.Second, func() {
			heartbeatLost.Store(true)
			hcancel()
		})
		defer timer.Stop()
		req.Heartbeat = func() { timer.Reset(time.Duration(heartbeat) * time.Second) }
		tctx = hctx
	}
	out, err := invoke(tctx, handler, req)
	timedOut := timeout > 0 && errors.Is(tctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	lostHeartbeat := heartbeatLost.Load() && ctx.Err() == nil && !timedOut
	cancel()
	switch {
	case lostHeartbeat:
		f := &failure{asl.ErrNameHeartbeatTimeout, fmt.Sprintf("The task sent no heartbeat for %d seconds (HeartbeatSeconds)", heartbeat)}
		s.t.event(prefix+"TimedOut", details(map[string]any{"error": f.Name, "cause": f.Cause}))
		return nil, f
	case timedOut:
		f := &failure{asl.ErrNameTimeout, fmt.Sprintf("The task did not finish within its TimeoutSeconds (%d)", timeout)}
		s.t.event(prefix+"TimedOut", details(map[string]any{"error": f.Name, "cause": f.Cause}))
		return nil, f
	case ctx.Err() != nil:
		return nil, x.stopped(ctx.Err())
	case err != nil:
		f := failureOf(err, asl.ErrNameTaskFailed)
		s.t.event(prefix+"Failed", details(map[string]any{"error": f.Name, "cause": f.Cause}))
		return nil, f
	}
	if callback {
		s.t.event(prefix+"Submitted", details(map[string]any{"output": x.encode(out), "outputDetails": map[string]any{"truncated": false}}))
		s.t.rec.Phase, s.t.rec.Submitted, s.t.rec.Until = PhaseCallback, time.Now(), time.Time{}
		if timeout > 0 {
			s.t.rec.Until = started.Add(time.Duration(timeout) * time.Second)
		}
		if err := s.t.commit(ctx, nil); err != nil {
			return nil, &failure{asl.ErrNameRuntime, err.Error()}
		}
		return s.callbackEnd(ctx, waiter, token, heartbeat, details, prefix)
	}
	s.t.event(prefix+"Succeeded", details(map[string]any{"output": x.encode(out), "outputDetails": map[string]any{"truncated": false}}))
	return out, nil
}

// callbackEnd waits for a callback task's token and records how the
// task ended.
func (s *stateRun) callbackEnd(ctx context.Context, w *callbackWait, token string, heartbeat int, details func(map[string]any) map[string]any, prefix string) (any, *failure) {
	rec := s.t.rec
	out, f := s.waitForToken(ctx, w, token, rec.Until, heartbeat, rec.Submitted)
	rec.Phase, rec.Until, rec.Submitted = PhaseRun, time.Time{}, time.Time{}
	switch {
	case f == nil:
		s.t.event(prefix+"Succeeded", details(map[string]any{"output": s.x.encode(out), "outputDetails": map[string]any{"truncated": false}}))
		return out, nil
	case ctx.Err() != nil:
		return nil, f
	case f.Name == asl.ErrNameTimeout || f.Name == asl.ErrNameHeartbeatTimeout:
		s.t.event(prefix+"TimedOut", details(map[string]any{"error": f.Name, "cause": f.Cause}))
	default:
		s.t.event(prefix+"Failed", details(map[string]any{"error": f.Name, "cause": f.Cause}))
	}
	return nil, f
}

// invoke calls h, turning a panic in a handler into a task failure.
func invoke(ctx context.Context, h TaskHandler, req *TaskRequest) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &TaskError{Name: asl.ErrNameTaskFailed, Cause: fmt.Sprintf("the task handler crashed: %v", r)}
		}
	}()
	return h.Invoke(ctx, req)
}

// seconds reads a TimeoutSeconds-like field, static or by path.
func (s *stateRun) seconds(v asl.IntOrPath, effective any, field string) (int, *failure) {
	if v.Path == nil {
		return v.Value, nil
	}
	got, err := v.Path.Select(s.scope(effective, nil))
	if err != nil {
		return 0, failureOf(err, asl.ErrNameRuntime)
	}
	n, ok := got.(json.Number)
	i, perr := n.Int64()
	if !ok || perr != nil || i < 0 || i > math.MaxInt32 {
		return 0, &failure{asl.ErrNameRuntime, fmt.Sprintf("The %s '%s' of the state '%s' gave %s, not a non-negative integer", field, v.Path, s.st.Name, s.x.encode(got))}
	}
	return int(i), nil
}
