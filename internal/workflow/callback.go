package workflow

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/errs"
)

// The callback pattern: a Task whose Resource ends in .waitForTaskToken
// runs its integration (request-response) with $$.Task.Token in its
// parameters, then waits until someone sends the token back with
// SendTaskSuccess or SendTaskFailure — or its TimeoutSeconds or
// HeartbeatSeconds (reset by SendTaskHeartbeat) run out.
//
// A token names the execution, the thread, the time the thread entered
// the state and the attempt (a retry gets a new token), so it is the
// same after a restart and a process other than the one running the
// execution can check it. What is sent
// is stored (Store.PutTaskOutcome); the running task polls for it and is
// woken at once when it was sent through the same Runner. The wait is
// durable: a task that was waiting for its token when its process
// stopped waits again on resume, without running its integration twice.

// callbackSuffix marks the callback pattern on a Task's Resource.
const callbackSuffix = ".waitForTaskToken"

// TaskOutcomeStatus is what was sent for a token.
type TaskOutcomeStatus string

// Outcomes. A token that only had heartbeats has status "".
const (
	TaskOutcomeSucceeded TaskOutcomeStatus = "SUCCEEDED"
	TaskOutcomeFailed    TaskOutcomeStatus = "FAILED"
)

// TaskOutcome is what was sent for a callback task's token.
type TaskOutcome struct {
	Token        string
	ExecutionARN string
	Status       TaskOutcomeStatus // "" while only heartbeats came
	Output       any               // SUCCEEDED: the task's result
	Error        string            // FAILED
	Cause        string            // FAILED
	Heartbeat    time.Time         // the last heartbeat; zero for none
}

// Errors of SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, with
// Step Functions' names.
var (
	ErrInvalidToken     = errs.E("", errs.Invalid, errors.New("InvalidToken: the task token is malformed; pass the value of $$.Task.Token whole"))
	ErrTaskDoesNotExist = errs.E("", errs.NotFound, errors.New("TaskDoesNotExist: no task waits for this token (it ended, timed out or was already answered, or its execution stopped)"))
)

// tokenPrefix starts every task token weir gives.
const tokenPrefix = "weir1."

// taskToken is the token of attempt (0 first, then each retry) of the
// task a thread runs in the state it entered at entered.
func taskToken(arn, thread string, entered time.Time, attempt int) string {
	raw := arn + "\n" + thread + "\n" + strconv.FormatInt(entered.UnixNano(), 10) + "\n" + strconv.Itoa(attempt)
	return tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// tokenParts is what a task token names.
type tokenParts struct {
	arn, thread string
	entered     time.Time
	attempt     int
}

// parseTaskToken reads a token taskToken made.
func parseTaskToken(tok string) (tokenParts, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, tokenPrefix))
	if err != nil || !strings.HasPrefix(tok, tokenPrefix) {
		return tokenParts{}, ErrInvalidToken
	}
	parts := strings.Split(string(b), "\n")
	if len(parts) != 4 || parts[0] == "" || parts[1] == "" {
		return tokenParts{}, ErrInvalidToken
	}
	ns, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return tokenParts{}, ErrInvalidToken
	}
	attempt, err := strconv.Atoi(parts[3])
	if err != nil || attempt < 0 {
		return tokenParts{}, ErrInvalidToken
	}
	return tokenParts{parts[0], parts[1], time.Unix(0, ns), attempt}, nil
}

// callbacks are the tokens the tasks of a Runner wait for, to wake them
// when their outcome is sent through it.
type callbacks struct {
	mu      sync.Mutex
	waiting map[string]*callbackWait
}

type callbackWait struct {
	store Store
	wake  chan struct{} // 1-buffered
}

func (c *callbacks) add(token string, store Store) *callbackWait {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting == nil {
		c.waiting = map[string]*callbackWait{}
	}
	w := &callbackWait{store: store, wake: make(chan struct{}, 1)}
	c.waiting[token] = w
	return w
}

func (c *callbacks) remove(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.waiting, token)
}

func (c *callbacks) get(token string) *callbackWait {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting[token]
}

// SendTaskSuccess answers the callback task waiting for token with
// output, its result (a JSON value).
func (r *Runner) SendTaskSuccess(ctx context.Context, token string, output any) error {
	return r.sendTask(ctx, &TaskOutcome{Token: token, Status: TaskOutcomeSucceeded, Output: output})
}

// SendTaskFailure fails the callback task waiting for token with the
// error name and cause ("" for the name is States.TaskFailed).
func (r *Runner) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	if errorName == "" {
		errorName = asl.ErrNameTaskFailed
	}
	return r.sendTask(ctx, &TaskOutcome{Token: token, Status: TaskOutcomeFailed, Error: errorName, Cause: cause})
}

// SendTaskHeartbeat tells the callback task waiting for token that its
// work goes on: its HeartbeatSeconds count from now.
func (r *Runner) SendTaskHeartbeat(ctx context.Context, token string) error {
	return r.sendTask(ctx, &TaskOutcome{Token: token, Heartbeat: r.opts.Clock.Now()})
}

func (r *Runner) sendTask(ctx context.Context, o *TaskOutcome) error {
	tp, err := parseTaskToken(o.Token)
	if err != nil {
		return err
	}
	arn := tp.arn
	o.ExecutionARN = arn
	store := r.opts.Store
	w := r.callbacks.get(o.Token)
	if w != nil {
		store = w.store // an execution in memory (Run)
	}
	if store == nil {
		return ErrTaskDoesNotExist
	}
	e, err := store.GetExecution(ctx, arn)
	if errors.Is(err, ErrExecutionDoesNotExist) {
		return ErrTaskDoesNotExist
	}
	if err != nil {
		return err
	}
	if e.Status != StatusRunning {
		return ErrTaskDoesNotExist
	}
	// A task of this Runner waiting for the token is a callback task;
	// otherwise the execution's definition says whether the thread's
	// state is one.
	isCallback := func(string) bool { return true }
	if w == nil {
		def, err := r.parse(e.Definition)
		if err != nil {
			return err
		}
		isCallback = func(state string) bool { return callbackState(def, state) }
	}
	threads, err := store.Threads(ctx, arn)
	if err != nil {
		return err
	}
	found := false
	for _, t := range threads {
		// The task may still be running its integration (a function can
		// send its own token before it returns) or already waiting.
		// Only a .waitForTaskToken task waits for its token: the token of
		// another task ($$.Task.Token is in every Task's context) answers
		// nothing.
		if t.ID == tp.thread && t.Entered.Equal(tp.entered) && retryCount(t) == tp.attempt && (t.Phase == PhaseRun || t.Phase == PhaseCallback) &&
			isCallback(t.State) {
			found = true
			break
		}
	}
	if !found {
		return ErrTaskDoesNotExist
	}
	if err := store.PutTaskOutcome(ctx, o); err != nil {
		return err
	}
	if w != nil {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// waitForToken waits for the outcome sent for token, until the task's
// deadline (zero for none) or its heartbeat deadline. It returns the
// result, or the failure (States.Timeout, States.HeartbeatTimeout, the
// error sent, or the execution's stop).
func (s *stateRun) waitForToken(ctx context.Context, w *callbackWait, token string, deadline time.Time, heartbeat int, submitted time.Time) (any, *failure) {
	x := s.x
	for {
		o, err := x.store.TaskOutcome(ctx, token)
		if err != nil && ctx.Err() == nil {
			return nil, &failure{asl.ErrNameRuntime, err.Error()}
		}
		if o != nil {
			switch o.Status {
			case TaskOutcomeSucceeded:
				return o.Output, nil
			case TaskOutcomeFailed:
				return nil, &failure{o.Error, o.Cause}
			}
		}
		now := time.Now()
		wakeAt := now.Add(x.r.opts.StopPoll)
		if heartbeat > 0 {
			last := submitted
			if o != nil && o.Heartbeat.After(last) {
				last = o.Heartbeat
			}
			hb := last.Add(time.Duration(heartbeat) * time.Second)
			if !now.Before(hb) {
				return nil, &failure{asl.ErrNameHeartbeatTimeout, fmt.Sprintf("No SendTaskHeartbeat came for the task token in %d seconds (HeartbeatSeconds)", heartbeat)}
			}
			wakeAt = minTime(wakeAt, hb)
		}
		if !deadline.IsZero() {
			if !now.Before(deadline) {
				return nil, &failure{asl.ErrNameTimeout, "No SendTaskSuccess or SendTaskFailure came for the task token within its TimeoutSeconds"}
			}
			wakeAt = minTime(wakeAt, deadline)
		}
		timer := time.NewTimer(wakeAt.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, x.stopped(ctx.Err())
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// callbackState reports whether a state of that name in def, or in a
// branch or item processor of it, is a .waitForTaskToken task. (Names
// are unique within a machine, not across its branches: a thread's state
// is looked for everywhere.)
func callbackState(def *asl.Definition, name string) bool {
	for n, st := range def.States {
		if n == name && st.Type == asl.TypeTask && strings.HasSuffix(st.Resource, callbackSuffix) {
			return true
		}
		for _, b := range st.Branches {
			if callbackState(b, name) {
				return true
			}
		}
		if st.ItemProcessor != nil && callbackState(st.ItemProcessor, name) {
			return true
		}
	}
	return false
}

// retryCount is $$.State.RetryCount of the state a thread is in.
func retryCount(t *Thread) int {
	n := 0
	for _, r := range t.Retries {
		n += r
	}
	return n
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
