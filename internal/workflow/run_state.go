package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

// Running states: a thread's machine, state by state, with the
// JSONPath data flow, Retry and Catch.

// contextObject builds $$ for a state.
func (x *execution) contextObject(st *asl.State, thread string, entered time.Time, retries int, item map[string]any) map[string]any {
	e := x.rec
	c := map[string]any{
		"Execution": map[string]any{
			"Id": e.ARN, "Input": e.Input, "Name": e.Name, "RoleArn": "",
			"StartTime": isoTime(e.StartDate), "RedriveCount": json.Number(strconv.Itoa(e.RedriveCount)),
		},
		"State": map[string]any{
			"EnteredTime": isoTime(entered), "Name": st.Name, "RetryCount": json.Number(strconv.Itoa(retries)),
		},
		"StateMachine": map[string]any{"Id": e.StateMachineARN, "Name": e.Machine},
	}
	if st.Type == asl.TypeTask {
		c["Task"] = map[string]any{"Token": taskToken(e.ARN, thread, entered, retries)}
	}
	if item != nil {
		c["Map"] = map[string]any{"Item": item}
	}
	return c
}

// runMachine runs the thread's machine from its current position to its
// end; it returns the output or the failure that ended it, with the
// thread's last events pending for the caller to commit with its end.
func (x *execution) runMachine(ctx context.Context, t *thread, def *asl.Definition) (any, *failure) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, x.stopped(err)
		}
		st, ok := def.States[t.rec.State]
		if !ok {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("the state %q is not in the definition", t.rec.State)}
		}
		r := x.runState(ctx, t, st)
		if r.fail != nil {
			return nil, r.fail
		}
		if r.end {
			return r.output, nil
		}
		t.rec.State, t.rec.Input, t.rec.Phase = r.next, r.output, PhaseEnter
		t.rec.Until, t.rec.Retries, t.rec.Attempt = time.Time{}, nil, 0
		if len(t.pending) >= maxPendingEvents {
			t.flush(nil) // written in the background; see flush
		}
	}
}

// stopped is the failure of a machine whose context ended.
func (x *execution) stopped(err error) *failure {
	if x.historyFull.Load() {
		return &failure{asl.ErrNameRuntime, fmt.Sprintf("The execution reached the maximum number of history events (%d).", x.r.opts.MaxHistoryEvents)}
	}
	if errors.Is(err, context.DeadlineExceeded) && !x.deadline.IsZero() {
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	return &failure{"States.Aborted", "The execution was stopped"}
}

// sleepUntil waits until the time on the execution's clock, failing with
// States.Timeout when the execution's deadline comes first.
func (x *execution) sleepUntil(ctx context.Context, until time.Time) *failure {
	clock := x.r.opts.Clock
	if !x.deadline.IsZero() && until.After(x.deadline) {
		if err := clock.Sleep(ctx, x.deadline.Sub(clock.Now())); err != nil {
			return x.stopped(err)
		}
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	if err := clock.Sleep(ctx, until.Sub(clock.Now())); err != nil {
		return x.stopped(err)
	}
	return nil
}

type stateResult struct {
	output any
	next   string
	end    bool
	fail   *failure
}

// runState runs the thread's current state, from the phase its record
// is in: entering it, or resuming its work, wait or retry.
func (x *execution) runState(ctx context.Context, t *thread, st *asl.State) stateResult {
	typ := string(st.Type)
	if t.rec.Phase == PhaseEnter {
		t.rec.Entered = x.r.opts.Clock.Now()
		t.rec.Phase, t.rec.Retries, t.rec.Attempt = PhaseRun, make([]int, len(st.Retry)), 0
		t.event(typ+"StateEntered", map[string]any{
			"name": st.Name, "input": x.encode(t.rec.Input), "inputDetails": map[string]any{"truncated": false},
		})
	}
	if len(t.rec.Retries) != len(st.Retry) {
		t.rec.Retries = make([]int, len(st.Retry))
	}
	s := &stateRun{x: x, t: t, st: st, raw: t.rec.Input, sc: t.scope, entered: t.rec.Entered}
	for _, n := range t.rec.Retries {
		s.retries += n
	}
	out, next, f := s.run(ctx)
	if f == nil {
		if n := x.size(out); n > x.r.opts.MaxPayloadBytes {
			f = &failure{asl.ErrNameDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit (%d bytes > %d)", st.Name, n, x.r.opts.MaxPayloadBytes)}
		}
	}
	if f != nil {
		return stateResult{fail: f}
	}
	if st.Type != asl.TypeFail {
		details := map[string]any{"name": st.Name, "output": x.encode(out), "outputDetails": map[string]any{"truncated": false}}
		if s.assigned != nil {
			details["assignedVariables"] = s.assigned
		}
		t.event(typ+"StateExited", details)
	}
	end := st.End || st.Type == asl.TypeSucceed
	if next == "" && !end && st.Type != asl.TypeChoice {
		end = true
	}
	return stateResult{output: out, next: next, end: end && next == ""}
}

// stateRun is one visit of a state by a thread.
type stateRun struct {
	x        *execution
	t        *thread
	st       *asl.State
	raw      any
	sc       *scope
	entered  time.Time
	retries  int
	assigned map[string]any // variables assigned, for the history
}

func (s *stateRun) scope(input any, item map[string]any) asl.Scope {
	return asl.Scope{Input: input, Context: s.x.contextObject(s.st, s.t.rec.ID, s.entered, s.retries, item), Var: s.sc.get}
}

// run computes the state's output and the next state's name.
func (s *stateRun) run(ctx context.Context) (out any, next string, f *failure) {
	st := s.st
	switch st.Type {
	case asl.TypeFail:
		return nil, "", s.fail()
	}
	effective, f := s.inputPath()
	if f != nil {
		return nil, "", f
	}
	switch st.Type {
	case asl.TypePass:
		result := effective
		if st.Parameters != nil {
			if result, f = s.template(st.Parameters, effective, "Parameters"); f != nil {
				return nil, "", f
			}
		}
		if st.HasResult {
			result = st.Result
		}
		return s.finish(result, result)
	case asl.TypeSucceed:
		out, f := s.outputPath(effective)
		return out, "", f
	case asl.TypeChoice:
		sc := s.scope(effective, nil)
		for i, rule := range st.Choices {
			ok, err := rule.Eval(sc)
			if err != nil {
				return nil, "", failureOf(err, asl.ErrNameRuntime)
			}
			if ok {
				if f := s.assign(st.ChoiceAssigns[i], effective); f != nil {
					return nil, "", f
				}
				out, f := s.outputPath(effective)
				return out, rule.Next, f
			}
		}
		if st.Default == "" {
			return nil, "", &failure{asl.ErrNameNoChoiceMatched, fmt.Sprintf("No Choice Rules in the state '%s' matched the input, and the state has no Default", st.Name)}
		}
		if f := s.assignState(effective); f != nil {
			return nil, "", f
		}
		out, f := s.outputPath(effective)
		return out, st.Default, f
	case asl.TypeWait:
		if f := s.wait(ctx, effective); f != nil {
			return nil, "", f
		}
		if f := s.assignState(effective); f != nil {
			return nil, "", f
		}
		out, f := s.outputPath(effective)
		return out, st.Next, f
	}
	// Task, Parallel and Map: parameters, attempts with Retry, Catch.
	t := s.t
	for {
		if t.rec.Phase == PhaseRetry {
			// Resumed, or just failed: wait for the retry's time.
			if sf := s.x.sleepUntil(ctx, t.rec.Until); sf != nil {
				return nil, "", sf
			}
			t.rec.Phase, t.rec.Until = PhaseRun, time.Time{}
		}
		// Each attempt has its own parameters: $$.State.RetryCount and
		// $$.Task.Token differ.
		params := effective
		if st.Parameters != nil {
			if params, f = s.template(st.Parameters, effective, "Parameters"); f != nil {
				return s.catch(f)
			}
		}
		result, f := s.attempt(ctx, params, effective)
		if f == nil {
			if st.ResultSelector != nil {
				if result, f = s.template(st.ResultSelector, result, "ResultSelector"); f != nil {
					return s.catch(f)
				}
			}
			return s.finish(result, result)
		}
		if ctx.Err() != nil {
			return nil, "", f
		}
		i := s.retrier(f.Name)
		if i < 0 || t.rec.Retries[i] >= st.Retry[i].MaxAttempts {
			return s.catch(f)
		}
		delay := retryDelay(st.Retry[i], t.rec.Retries[i])
		t.rec.Retries[i]++
		t.rec.Attempt++
		s.retries++
		t.rec.Phase, t.rec.Until = PhaseRetry, s.x.r.opts.Clock.Now().Add(delay)
		if err := t.commit(ctx, nil); err != nil {
			return nil, "", &failure{asl.ErrNameRuntime, err.Error()}
		}
	}
}

// retrier returns the first retrier whose ErrorEquals matches name.
func (s *stateRun) retrier(name string) int {
	for i, r := range s.st.Retry {
		if asl.ErrorMatches(r.ErrorEquals, name) {
			return i
		}
	}
	return -1
}

// retryDelay is the wait before retry number n+1 of r: IntervalSeconds
// times BackoffRate^n, capped by MaxDelaySeconds, with full jitter if
// asked.
func retryDelay(r asl.Retrier, n int) time.Duration {
	secs := float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(n))
	if r.MaxDelaySeconds > 0 && secs > float64(r.MaxDelaySeconds) {
		secs = float64(r.MaxDelaySeconds)
	}
	if r.JitterStrategy == "FULL" {
		secs = rand.Float64() * secs
	}
	return time.Duration(secs * float64(time.Second))
}

// catch applies the first matching catcher, or returns f.
func (s *stateRun) catch(f *failure) (any, string, *failure) {
	for _, c := range s.st.Catch {
		if !asl.ErrorMatches(c.ErrorEquals, f.Name) {
			continue
		}
		errOut := map[string]any{"Error": f.Name, "Cause": f.Cause}
		out, err := s.resultPath(c.ResultPath, errOut)
		if err != nil {
			return nil, "", failureOf(err, asl.ErrNameResultPathMatchFailure)
		}
		if af := s.assign(c.Assign, errOut); af != nil {
			return nil, "", af
		}
		return out, c.Next, nil
	}
	return nil, "", f
}

// finish applies Assign (on assignIn), ResultPath (merging result into
// the raw input) and OutputPath.
func (s *stateRun) finish(result, assignIn any) (any, string, *failure) {
	if f := s.assignState(assignIn); f != nil {
		return nil, "", f
	}
	merged, err := s.resultPath(s.st.ResultPath, result)
	if err != nil {
		return s.catch(failureOf(err, asl.ErrNameResultPathMatchFailure))
	}
	out, f := s.outputPath(merged)
	if f != nil {
		return nil, "", f
	}
	return out, s.st.Next, nil
}

var rootPath = asl.MustParsePath("$")

func (s *stateRun) resultPath(rp asl.OptionalPath, result any) (any, error) {
	switch {
	case !rp.Set:
		return asl.ApplyResultPath(s.raw, result, rootPath, false)
	case rp.Null:
		return asl.ApplyResultPath(s.raw, result, nil, true)
	}
	return asl.ApplyResultPath(s.raw, result, rp.Path, false)
}

func (s *stateRun) inputPath() (any, *failure) {
	ip := s.st.InputPath
	if !ip.Set {
		return s.raw, nil
	}
	out, err := asl.ApplyInputPath(s.raw, ip.Path, s.scope(s.raw, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameRuntime)
	}
	return out, nil
}

func (s *stateRun) outputPath(v any) (any, *failure) {
	op := s.st.OutputPath
	if !op.Set {
		return v, nil
	}
	out, err := asl.ApplyOutputPath(v, op.Path, s.scope(v, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameRuntime)
	}
	return out, nil
}

func (s *stateRun) template(t *asl.Template, input any, field string) (any, *failure) {
	out, err := t.Eval(s.scope(input, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameParameterPathFailure)
	}
	return out, nil
}

func (s *stateRun) assignState(input any) *failure {
	return s.assign(s.st.Assign, input)
}

// assign evaluates an Assign template on input and sets the variables.
func (s *stateRun) assign(t *asl.Template, input any) *failure {
	if t == nil {
		return nil
	}
	v, err := t.Eval(s.scope(input, nil))
	if err != nil {
		return failureOf(err, asl.ErrNameRuntime)
	}
	vals, ok := v.(map[string]any)
	if !ok {
		return &failure{asl.ErrNameRuntime, "Assign must give an object of variables"}
	}
	s.sc.setAll(vals)
	if s.assigned == nil {
		s.assigned = map[string]any{}
	}
	for k, val := range vals {
		s.assigned[k] = s.x.encode(val)
	}
	return nil
}

func (s *stateRun) fail() *failure {
	st := s.st
	sc := s.scope(s.raw, nil)
	read := func(static string, dyn asl.PathOrIntrinsic) (string, *failure) {
		var v any
		var err error
		switch {
		case dyn.Path != nil:
			v, err = dyn.Path.Select(sc)
		case dyn.Intrinsic != nil:
			v, err = dyn.Intrinsic.Eval(sc)
		default:
			return static, nil
		}
		if err != nil {
			return "", failureOf(err, asl.ErrNameRuntime)
		}
		str, ok := v.(string)
		if !ok {
			return "", &failure{asl.ErrNameRuntime, fmt.Sprintf("The Fail state '%s' got %s for its error or cause, not a string", st.Name, s.x.encode(v))}
		}
		return str, nil
	}
	errName, f := read(st.Error, st.ErrorPath)
	if f != nil {
		return f
	}
	cause, f := read(st.Cause, st.CausePath)
	if f != nil {
		return f
	}
	return &failure{errName, cause}
}

func (s *stateRun) wait(ctx context.Context, effective any) *failure {
	st, t := s.st, s.t
	clock := s.x.r.opts.Clock
	if t.rec.Phase != PhaseWait {
		var until time.Time
		switch {
		case st.Seconds.Path != nil:
			v, err := st.Seconds.Path.Select(s.scope(effective, nil))
			if err != nil {
				return failureOf(err, asl.ErrNameRuntime)
			}
			n, ok := v.(json.Number)
			secs, perr := n.Int64()
			if !ok || perr != nil || secs < 0 {
				return &failure{asl.ErrNameRuntime, fmt.Sprintf("The SecondsPath '%s' of the Wait state '%s' gave %s, not a non-negative integer", st.Seconds.Path, st.Name, s.x.encode(v))}
			}
			until = clock.Now().Add(time.Duration(secs) * time.Second)
		case st.Seconds.Set:
			until = clock.Now().Add(time.Duration(st.Seconds.Value) * time.Second)
		case st.HasTimestamp:
			until = st.Timestamp
		case st.TimestampPath != nil:
			v, err := st.TimestampPath.Select(s.scope(effective, nil))
			if err != nil {
				return failureOf(err, asl.ErrNameRuntime)
			}
			str, _ := v.(string)
			ts, terr := asl.ParseTimestamp(str)
			if terr != nil {
				return &failure{asl.ErrNameRuntime, fmt.Sprintf("The TimestampPath '%s' of the Wait state '%s' gave %s: %v", st.TimestampPath, st.Name, s.x.encode(v), terr)}
			}
			until = ts
		}
		if !until.After(clock.Now()) {
			return nil
		}
		// The timer is durable: a resumed execution waits for what is left.
		t.rec.Phase, t.rec.Until = PhaseWait, until
		if err := t.commit(ctx, nil); err != nil {
			return &failure{asl.ErrNameRuntime, err.Error()}
		}
	}
	return s.x.sleepUntil(ctx, t.rec.Until)
}

// attempt runs a Task, Parallel or Map once on its parameters.
func (s *stateRun) attempt(ctx context.Context, params, effective any) (any, *failure) {
	switch s.st.Type {
	case asl.TypeTask:
		return s.task(ctx, params, effective)
	case asl.TypeParallel:
		return s.parallel(ctx, params)
	case asl.TypeMap:
		return s.mapItems(ctx, effective)
	}
	return nil, &failure{asl.ErrNameRuntime, "unknown state type " + string(s.st.Type)}
}
