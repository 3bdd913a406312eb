package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/asl"
)

// MaxPayloadBytes is Step Functions' limit on a state's or an
// execution's input and output: 256 KiB of UTF-8 JSON.
const MaxPayloadBytes = 262144

// Options configure a Runner.
type Options struct {
	Logger *slog.Logger
	Clock  Clock
	Tasks  *Registry
	// MaxPayloadBytes overrides MaxPayloadBytes (tests).
	MaxPayloadBytes int
	// MaxInlineConcurrency caps the iterations of an inline Map that
	// run at once (AWS: 40).
	MaxInlineConcurrency int
}

// DefaultOptions returns the options of a Runner on the system clock
// with an empty task registry.
func DefaultOptions() Options {
	return Options{
		Logger:               slog.New(slog.DiscardHandler),
		Clock:                SystemClock{},
		Tasks:                NewRegistry(),
		MaxPayloadBytes:      MaxPayloadBytes,
		MaxInlineConcurrency: 40,
	}
}

// Runner interprets state machine definitions.
type Runner struct {
	opts Options
}

// NewRunner returns a Runner; zero fields of opts take their defaults.
func NewRunner(opts Options) *Runner {
	d := DefaultOptions()
	if opts.Logger == nil {
		opts.Logger = d.Logger
	}
	if opts.Clock == nil {
		opts.Clock = d.Clock
	}
	if opts.Tasks == nil {
		opts.Tasks = d.Tasks
	}
	if opts.MaxPayloadBytes == 0 {
		opts.MaxPayloadBytes = d.MaxPayloadBytes
	}
	if opts.MaxInlineConcurrency == 0 {
		opts.MaxInlineConcurrency = d.MaxInlineConcurrency
	}
	return &Runner{opts: opts}
}

// ExecutionInfo names an execution and its state machine, for the
// context object and the history.
type ExecutionInfo struct {
	ARN, Name                string
	StateMachineARN, Machine string
	RoleARN                  string
}

// Result is a finished execution.
type Result struct {
	Status    Status
	Output    any
	Error     string
	Cause     string
	StartDate time.Time
	StopDate  time.Time
	Events    []Event
}

// Run executes def on input to its end and returns how it ended. The
// error is non-nil only when the execution could not run at all (an
// input that is not JSON, ...); failed executions are a Result.
func (r *Runner) Run(ctx context.Context, def *asl.Definition, input any, info ExecutionInfo) (*Result, error) {
	if info.Name == "" {
		info.Name = uuid.NewString()
	}
	if info.Machine == "" {
		info.Machine = "machine"
	}
	if info.StateMachineARN == "" {
		info.StateMachineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:" + info.Machine
	}
	if info.ARN == "" {
		info.ARN = "arn:aws:states:us-east-1:000000000000:execution:" + info.Machine + ":" + info.Name
	}
	x := &execution{r: r, def: def, info: info, input: input, hist: &history{clock: r.opts.Clock}}
	x.start = r.opts.Clock.Now()
	if def.TimeoutSeconds > 0 {
		x.deadline = x.start.Add(time.Duration(def.TimeoutSeconds) * time.Second)
	}
	status := StatusRunning
	res := &Result{StartDate: x.start}
	started := x.hist.add(0, "ExecutionStarted", map[string]any{
		"input": x.encode(input), "inputDetails": map[string]any{"truncated": false}, "roleArn": info.RoleARN,
	})
	var out any
	var f *failure
	if n := x.size(input); n > r.opts.MaxPayloadBytes {
		f = &failure{asl.ErrNameDataLimitExceeded, fmt.Sprintf("The execution input is %d bytes; the limit is %d", n, r.opts.MaxPayloadBytes)}
	} else {
		runCtx, cancel := context.WithCancel(ctx)
		if !x.deadline.IsZero() {
			if _, virtual := r.opts.Clock.(*VirtualClock); !virtual {
				runCtx, cancel = context.WithDeadline(ctx, x.deadline)
			}
		}
		var last int64
		out, last, f = x.runMachine(runCtx, def, input, newScope(nil), nil, started)
		cancel()
		started = last
	}
	switch {
	case f == nil:
		status = StatusSucceeded
		res.Output = out
		x.hist.add(started, "ExecutionSucceeded", map[string]any{"output": x.encode(out), "outputDetails": map[string]any{"truncated": false}})
	case f.Name == asl.ErrNameTimeout && x.timedOut.Load():
		status = StatusTimedOut
		res.Error, res.Cause = f.Name, f.Cause
		x.hist.add(started, "ExecutionTimedOut", map[string]any{"error": f.Name, "cause": f.Cause})
	case ctx.Err() != nil:
		status = StatusAborted
		res.Error, res.Cause = "States.Aborted", "The execution was stopped"
		x.hist.add(started, "ExecutionAborted", map[string]any{"error": res.Error, "cause": res.Cause})
	default:
		status = StatusFailed
		res.Error, res.Cause = f.Name, f.Cause
		x.hist.add(started, "ExecutionFailed", map[string]any{"error": f.Name, "cause": f.Cause})
	}
	if _, err := Transition(StatusRunning, status); err != nil {
		return nil, err
	}
	res.Status = status
	res.StopDate = r.opts.Clock.Now()
	res.Events = x.hist.snapshot()
	return res, nil
}

// failure is an error raised in a state, with its Step Functions name.
type failure struct {
	Name, Cause string
}

func failureOf(err error, defaultName string) *failure {
	var ae *asl.Error
	if errors.As(err, &ae) {
		return &failure{ae.Name, ae.Cause}
	}
	var te *TaskError
	if errors.As(err, &te) {
		return &failure{te.Name, te.Cause}
	}
	return &failure{defaultName, err.Error()}
}

type execution struct {
	r        *Runner
	def      *asl.Definition
	info     ExecutionInfo
	input    any
	start    time.Time
	deadline time.Time
	timedOut atomicBool
	hist     *history
}

type atomicBool struct {
	mu sync.Mutex
	v  bool
}

func (b *atomicBool) Store(v bool) { b.mu.Lock(); b.v = v; b.mu.Unlock() }
func (b *atomicBool) Load() bool   { b.mu.Lock(); defer b.mu.Unlock(); return b.v }

// scope holds variables (Assign). Parallel branches and Map iterations
// read their parent's variables and assign their own.
type scope struct {
	mu     sync.Mutex
	vals   map[string]any
	parent *scope
}

func newScope(parent *scope) *scope { return &scope{vals: map[string]any{}, parent: parent} }

func (s *scope) get(name string) (any, bool) {
	for c := s; c != nil; c = c.parent {
		c.mu.Lock()
		v, ok := c.vals[name]
		c.mu.Unlock()
		if ok {
			return v, true
		}
	}
	return nil, false
}

func (s *scope) setAll(vals map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range vals {
		s.vals[k] = v
	}
}

// encode renders a JSON value as history events hold it.
func (x *execution) encode(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (x *execution) size(v any) int { return len(x.encode(v)) }

// isoTime formats a time as the context object does: milliseconds,
// trailing zeros dropped.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999Z07:00")
}

// contextObject builds $$ for a state.
func (x *execution) contextObject(st *asl.State, entered time.Time, retries int, item map[string]any) map[string]any {
	c := map[string]any{
		"Execution": map[string]any{
			"Id": x.info.ARN, "Input": x.input, "Name": x.info.Name, "RoleArn": x.info.RoleARN,
			"StartTime": isoTime(x.start), "RedriveCount": json.Number("0"),
		},
		"State": map[string]any{
			"EnteredTime": isoTime(entered), "Name": st.Name, "RetryCount": json.Number(strconv.Itoa(retries)),
		},
		"StateMachine": map[string]any{"Id": x.info.StateMachineARN, "Name": x.info.Machine},
	}
	if st.Type == asl.TypeTask {
		c["Task"] = map[string]any{"Token": uuid.NewString()}
	}
	if item != nil {
		c["Map"] = map[string]any{"Item": item}
	}
	return c
}

// runMachine runs def from its StartAt on input; it returns the output,
// the id of its last event, or the failure that ended it.
func (x *execution) runMachine(ctx context.Context, def *asl.Definition, input any, sc *scope, item map[string]any, prev int64) (any, int64, *failure) {
	name := def.StartAt
	for {
		if err := ctx.Err(); err != nil {
			return nil, prev, x.stopped(err)
		}
		st := def.States[name]
		r := x.runState(ctx, st, input, sc, prev)
		prev = r.last
		if r.fail != nil {
			return nil, prev, r.fail
		}
		if r.end {
			return r.output, prev, nil
		}
		name, input = r.next, r.output
	}
}

// stopped is the failure of a machine whose context ended.
func (x *execution) stopped(err error) *failure {
	if errors.Is(err, context.DeadlineExceeded) && !x.deadline.IsZero() {
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	return &failure{"States.Aborted", "The execution was stopped"}
}

// sleep waits d on the execution's clock, failing with States.Timeout
// when the execution's deadline comes first.
func (x *execution) sleep(ctx context.Context, d time.Duration) *failure {
	clock := x.r.opts.Clock
	if !x.deadline.IsZero() && clock.Now().Add(d).After(x.deadline) {
		if err := clock.Sleep(ctx, x.deadline.Sub(clock.Now())); err != nil {
			return x.stopped(err)
		}
		x.timedOut.Store(true)
		return &failure{asl.ErrNameTimeout, fmt.Sprintf("The execution ran longer than its TimeoutSeconds (%d)", x.def.TimeoutSeconds)}
	}
	if err := clock.Sleep(ctx, d); err != nil {
		return x.stopped(err)
	}
	return nil
}

type stateResult struct {
	output any
	next   string
	end    bool
	fail   *failure
	last   int64
}

// runState runs one state on its raw input.
func (x *execution) runState(ctx context.Context, st *asl.State, raw any, sc *scope, prev int64) stateResult {
	entered := x.r.opts.Clock.Now()
	typ := string(st.Type)
	prev = x.hist.add(prev, typ+"StateEntered", map[string]any{
		"name": st.Name, "input": x.encode(raw), "inputDetails": map[string]any{"truncated": false},
	})
	s := &stateRun{x: x, st: st, raw: raw, sc: sc, entered: entered, prev: prev}
	out, next, f := s.run(ctx)
	if f == nil {
		if n := x.size(out); n > x.r.opts.MaxPayloadBytes {
			f = &failure{asl.ErrNameDataLimitExceeded, fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit (%d bytes > %d)", st.Name, n, x.r.opts.MaxPayloadBytes)}
		}
	}
	if f != nil {
		return stateResult{fail: f, last: s.prev}
	}
	if st.Type != asl.TypeFail {
		details := map[string]any{"name": st.Name, "output": x.encode(out), "outputDetails": map[string]any{"truncated": false}}
		if s.assigned != nil {
			details["assignedVariables"] = s.assigned
		}
		s.prev = x.hist.add(s.prev, typ+"StateExited", details)
	}
	end := st.End || st.Type == asl.TypeSucceed
	if next == "" && !end && st.Type != asl.TypeChoice {
		end = true
	}
	return stateResult{output: out, next: next, end: end && next == "", last: s.prev}
}

// stateRun is one visit of a state.
type stateRun struct {
	x        *execution
	st       *asl.State
	raw      any
	sc       *scope
	entered  time.Time
	prev     int64
	retries  int
	assigned map[string]any // variables assigned, for the history
}

func (s *stateRun) scope(input any, item map[string]any) asl.Scope {
	return asl.Scope{Input: input, Context: s.x.contextObject(s.st, s.entered, s.retries, item), Var: s.sc.get}
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
	params := effective
	if st.Parameters != nil {
		if params, f = s.template(st.Parameters, effective, "Parameters"); f != nil {
			return s.catch(f)
		}
	}
	retried := make([]int, len(st.Retry))
	for {
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
		if i < 0 || retried[i] >= st.Retry[i].MaxAttempts {
			return s.catch(f)
		}
		delay := retryDelay(st.Retry[i], retried[i])
		retried[i]++
		s.retries++
		if sf := s.x.sleep(ctx, delay); sf != nil {
			return nil, "", sf
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
	st := s.st
	clock := s.x.r.opts.Clock
	var d time.Duration
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
		d = time.Duration(secs) * time.Second
	case st.Seconds.Set:
		d = time.Duration(st.Seconds.Value) * time.Second
	case st.HasTimestamp:
		d = st.Timestamp.Sub(clock.Now())
	case st.TimestampPath != nil:
		v, err := st.TimestampPath.Select(s.scope(effective, nil))
		if err != nil {
			return failureOf(err, asl.ErrNameRuntime)
		}
		str, _ := v.(string)
		t, terr := asl.ParseTimestamp(str)
		if terr != nil {
			return &failure{asl.ErrNameRuntime, fmt.Sprintf("The TimestampPath '%s' of the Wait state '%s' gave %s: %v", st.TimestampPath, st.Name, s.x.encode(v), terr)}
		}
		d = t.Sub(clock.Now())
	}
	if d <= 0 {
		return nil
	}
	return s.x.sleep(ctx, d)
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
