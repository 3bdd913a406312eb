package function

import (
	"bufio"
	"bytes"
	"context"
	_ "embed" // the Python adapter
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Adapter is the Python program that runs a Lambda handler module (see
// the package doc); weir runs it with python3 -c.
//
//go:embed adapter.py
var Adapter string

// Error is a failed invocation: the function's own error, a crash, a
// timeout. Name is the Step Functions error name Retry and Catch match;
// Object is Lambda's error object (errorType, errorMessage, stackTrace,
// requestId, ...), whose JSON is the task's cause.
type Error struct {
	Name   string
	Object map[string]any
}

func (e *Error) Error() string {
	msg, _ := e.Object["errorMessage"].(string)
	return e.Name + ": " + msg
}

// Cause returns the error object as JSON, the cause Step Functions gives
// a failed Lambda task.
func (e *Error) Cause() string { return encode(e.Object) }

// Invocation is one run of a function.
type Invocation struct {
	RequestID string
	// Payload is the function's result, a JSON value as encoding/json
	// decodes it with UseNumber.
	Payload any
	// Log is the tail of the function's standard error, up to 4 KB,
	// as Lambda's LogResult.
	Log      string
	Duration time.Duration

	log *invocationLog // standard error for the function's log, when kept
}

// Error names of failures that are not the function's own error.
const (
	// ErrNameUnknown is Step Functions' name for an unhandled Lambda
	// error: a crash, an unreadable result.
	ErrNameUnknown = "Lambda.Unknown"
	// ErrNameTimedOut is Lambda's error for a function that ran past its
	// timeout.
	ErrNameTimedOut = "Sandbox.Timedout"
)

const (
	logTail   = 4 << 10
	lineLimit = 16 << 10
	// killGrace bounds how long output is read after the function's
	// process group was killed: a process that left the group may hold
	// the pipes open.
	killGrace = 2 * time.Second
)

// run runs f's process on input and fills inv.
func (s *Service) run(ctx context.Context, f *Function, input []byte, inv *Invocation) error {
	// Functions run in real time, whatever the service's clock.
	start := time.Now()
	timeout := time.Duration(f.Timeout) * time.Second
	deadline := start.Add(timeout)
	fail := func(name, errType, msg string, extra map[string]any) *Error {
		obj := map[string]any{"errorType": errType, "errorMessage": "RequestId: " + inv.RequestID + " Error: " + msg}
		for k, v := range extra {
			obj[k] = v
		}
		return &Error{Name: name, Object: obj}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("function %s: %w", f.Name, context.Cause(ctx))
	}
	argv, err := s.argv(f)
	if err != nil {
		return fail(ErrNameUnknown, "Runtime.InvalidEntrypoint", err.Error(), nil)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = f.WorkDir
	cmd.Env = s.environ(f, inv.RequestID, deadline)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	var files []*os.File
	pipe := func() (r, w *os.File) {
		if err == nil {
			r, w, err = os.Pipe()
			files = append(files, r, w)
		}
		return r, w
	}
	inR, inW := pipe()
	outR, outW := pipe()
	errR, errW := pipe()
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if err != nil {
		closeAll()
		return fmt.Errorf("function %s: %w", f.Name, err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll()
		return fail(ErrNameUnknown, "Runtime.InvalidEntrypoint", fmt.Sprintf("cannot start the function: %v", err), nil)
	}
	// The child has its copies; ours would keep the pipes open.
	inR.Close()
	outW.Close()
	errW.Close()
	pgid := cmd.Process.Pid
	killGroup := sync.OnceFunc(func() { syscall.Kill(-pgid, syscall.SIGKILL) })

	var wg sync.WaitGroup
	wg.Go(func() {
		inW.Write(input)
		inW.Close()
	})
	var out bytes.Buffer
	overflow := false
	wg.Go(func() {
		n, _ := io.Copy(&out, io.LimitReader(outR, int64(s.opts.MaxResponseBytes)+1))
		if n > int64(s.opts.MaxResponseBytes) {
			overflow = true
			killGroup()
		}
		io.Copy(io.Discard, outR)
	})
	var tail tailBuffer
	logger := s.logger.With("function", f.Name, "request_id", inv.RequestID)
	wg.Go(func() {
		r := bufio.NewReaderSize(errR, lineLimit)
		for {
			line, err := r.ReadSlice('\n')
			if len(line) > 0 {
				tail.Write(line)
				text := strings.TrimRight(string(line), "\r\n")
				logger.Info(text, "stream", "stderr")
				inv.log.add(inv.RequestID, text)
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				return
			}
		}
	})
	// Timeout and cancellation kill the whole process group.
	timedOut := false
	exited := make(chan struct{})
	watchDone := make(chan struct{})
	timer := time.NewTimer(time.Until(deadline))
	go func() {
		defer close(watchDone)
		defer timer.Stop()
		select {
		case <-exited:
		case <-ctx.Done():
			killGroup()
		case <-timer.C:
			timedOut = true
			killGroup()
		}
	}()
	waitErr := cmd.Wait()
	close(exited)
	<-watchDone
	// What the function started and left running dies with it, as a
	// Lambda sandbox is frozen when its handler returns.
	killGroup()
	readers := make(chan struct{})
	go func() { wg.Wait(); close(readers) }()
	select {
	case <-readers:
	case <-time.After(killGrace):
		// A process that left the group still holds the pipes.
		inW.Close()
		outR.Close()
		errR.Close()
		<-readers
	}
	inW.Close()
	outR.Close()
	errR.Close()
	inv.Duration = time.Since(start)
	inv.Log = tail.String()

	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("function %s: %w", f.Name, context.Cause(ctx))
	case timedOut:
		return fail(ErrNameTimedOut, ErrNameTimedOut, fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds()), nil)
	case overflow:
		return fail(ErrNameUnknown, "Function.ResponseSizeTooLarge",
			fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", s.opts.MaxResponseBytes), nil)
	}
	result, perr := decodeResult(out.Bytes())
	if obj, ok := errorObject(result); ok && perr == nil {
		if _, has := obj["requestId"]; !has {
			obj["requestId"] = inv.RequestID
		}
		return &Error{Name: obj["errorType"].(string), Object: obj}
	}
	if waitErr != nil {
		var ee *exec.ExitError
		msg := waitErr.Error()
		if errors.As(waitErr, &ee) {
			msg = ee.ProcessState.String()
		}
		return fail(ErrNameUnknown, "Runtime.ExitError", "Runtime exited with error: "+msg, map[string]any{"stderr": lastLines(inv.Log, 10)})
	}
	if perr != nil {
		return fail(ErrNameUnknown, "Runtime.InvalidResponse", perr.Error(), nil)
	}
	inv.Payload = result
	return nil
}

// argv is the program and arguments that run f.
func (s *Service) argv(f *Function) ([]string, error) {
	switch f.Runtime {
	case RuntimeCommand:
		return []string{"/bin/sh", "-c", f.Command}, nil
	case RuntimePython:
		py, err := exec.LookPath(s.opts.Python)
		if err != nil {
			return nil, fmt.Errorf("the Python interpreter %s cannot be found (install python3, e.g. apt-get install python3): %v", s.opts.Python, err)
		}
		return []string{py, "-c", Adapter, f.Module, f.Handler}, nil
	}
	return nil, fmt.Errorf("the runtime %q is not supported", f.Runtime)
}

// environ is weir's environment, Lambda's variables, then the function's
// own. Variables meant for this weir process alone are left out.
func (s *Service) environ(f *Function, requestID string, deadline time.Time) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEIR_LOCK_FD=") && !strings.HasPrefix(kv, "WEIR_TEST_") {
			env = append(env, kv)
		}
	}
	handler := f.Handler
	if f.Runtime == RuntimePython {
		handler = strings.TrimSuffix(f.Module[strings.LastIndexByte(f.Module, '/')+1:], ".py") + "." + f.Handler
	}
	env = append(env,
		"AWS_REGION="+Region, "AWS_DEFAULT_REGION="+Region,
		"AWS_LAMBDA_FUNCTION_NAME="+f.Name, "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+f.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME="+s.now().UTC().Format("2006/01/02")+"/[$LATEST]"+strings.ReplaceAll(requestID, "-", ""),
		"AWS_EXECUTION_ENV=weir", "LAMBDA_TASK_ROOT="+f.WorkDir, "_HANDLER="+handler,
		"WEIR_FUNCTION_ARN="+ARN(f.Name), "WEIR_FUNCTION_REQUEST_ID="+requestID,
		"WEIR_FUNCTION_DEADLINE_MS="+strconv.FormatInt(deadline.UnixMilli(), 10),
	)
	for k, v := range f.Environment {
		env = append(env, k+"="+v)
	}
	return env
}

// decodeResult reads a function's standard output: one JSON value, or
// nothing (null).
func decodeResult(b []byte) (any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the function's standard output is not JSON (%v): %s", err, excerpt(b))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("the function's standard output holds more than one JSON value: %s", excerpt(b))
	}
	return v, nil
}

// errorObject reports whether v is Lambda's error object: a JSON object
// with a string errorType and an errorMessage.
func errorObject(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	t, ok := m["errorType"].(string)
	_, hasMsg := m["errorMessage"]
	return m, ok && t != "" && hasMsg
}

func excerpt(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b[:min(len(b), n)]), "\uFFFD")
	if len(b) > n {
		s += "…"
	}
	return strconv.Quote(s)
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// tailBuffer keeps the last logTail bytes written to it.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*logTail {
		t.b = append(t.b[:0], t.b[len(t.b)-logTail:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.ToValidUTF8(string(t.b[max(0, len(t.b)-logTail):]), "\uFFFD")
}

func encode(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
