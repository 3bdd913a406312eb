package function_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/function/functiontest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a log destination the function's readers write from
// their goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newService(t *testing.T, edit func(o *function.Options)) (*function.Service, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts := function.DefaultOptions()
	opts.Store = functiontest.NewMemStore()
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if edit != nil {
		edit(&opts)
	}
	s, err := function.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		command   string
		event     any
		timeout   int
		env       map[string]string
		want      string // the result as JSON, when it succeeds
		wantName  string // the error name, when it fails
		wantCause []string
	}{
		{name: "echo", command: `echo '{"ok": true, "n": 12345678901234567890}'`, want: `{"n":12345678901234567890,"ok":true}`},
		{name: "event on stdin", command: `cat`, event: map[string]any{"a": []any{1, "x"}}, want: `{"a":[1,"x"]}`},
		{name: "null event", command: `cat`, want: `null`},
		{name: "empty output", command: `true`, want: `null`},
		{name: "whitespace output", command: `printf '\n  \n'`, want: `null`},
		{name: "scalar", command: `echo 42`, want: `42`},
		{name: "error object", command: `echo '{"errorType": "ValidationError", "errorMessage": "no day"}'`,
			wantName: "ValidationError", wantCause: []string{`"errorMessage":"no day"`, `"errorType":"ValidationError"`, `"requestId":"`}},
		{name: "error object and exit 1", command: `echo '{"errorType": "Busy", "errorMessage": "later", "stackTrace": ["a"]}'; exit 1`,
			wantName: "Busy", wantCause: []string{`"stackTrace":["a"]`}},
		{name: "errorType alone is a result", command: `echo '{"errorType": "X"}'`, want: `{"errorType":"X"}`},
		{name: "crash", command: `echo starting >&2; echo 'Traceback: boom' >&2; exit 3`,
			wantName: function.ErrNameUnknown, wantCause: []string{"Runtime.ExitError", "exit status 3", "Traceback: boom"}},
		{name: "crash with a result", command: `echo '{"a": 1}'; exit 2`, wantName: function.ErrNameUnknown, wantCause: []string{"exit status 2"}},
		{name: "killed by a signal", command: `kill -9 $$`, wantName: function.ErrNameUnknown, wantCause: []string{"signal: killed"}},
		{name: "invalid JSON", command: `echo 'hello world'`, wantName: function.ErrNameUnknown,
			wantCause: []string{"Runtime.InvalidResponse", "not JSON", "hello world"}},
		{name: "two values", command: `echo '{} {}'`, wantName: function.ErrNameUnknown, wantCause: []string{"more than one JSON value"}},
		{name: "environment", command: `printf '["%s","%s","%s"]' "$GREETING" "$AWS_LAMBDA_FUNCTION_NAME" "$AWS_REGION"`,
			env: map[string]string{"GREETING": "hi there"}, want: `["hi there","fn","us-east-1"]`},
		{name: "timeout", command: `sleep 30`, timeout: 1, wantName: function.ErrNameTimedOut,
			wantCause: []string{"Task timed out after 1.00 seconds", "Sandbox.Timedout"}},
		{name: "not found", command: `no-such-program-weir`, wantName: function.ErrNameUnknown, wantCause: []string{"exit status 127", "not found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t, nil)
			f := function.NewFunction("fn", tc.command)
			f.Environment, f.WorkDir = tc.env, t.TempDir()
			if tc.timeout > 0 {
				f.Timeout = tc.timeout
			}
			inv, err := s.InvokeFunction(t.Context(), f, tc.event)
			if tc.wantName == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if got := js(inv.Payload); got != tc.want {
					t.Errorf("result = %s, want %s", got, tc.want)
				}
				return
			}
			var fe *function.Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a function error %s", err, tc.wantName)
			}
			if fe.Name != tc.wantName {
				t.Errorf("error name = %q, want %q (cause %s)", fe.Name, tc.wantName, fe.Cause())
			}
			for _, w := range tc.wantCause {
				if !strings.Contains(fe.Cause(), w) {
					t.Errorf("cause %s does not contain %q", fe.Cause(), w)
				}
			}
		})
	}
}

// TestRunKillsGroup checks that a timeout, a cancellation and the end of
// the function all kill what the function started, and that a
// background process holding standard output does not hold up the result.
func TestRunKillsGroup(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		command string // writes the background process's pid to ./pid
		cancel  bool
		want    string
	}{
		{name: "timeout", command: `sleep 60 & echo $! > pid; wait`, want: function.ErrNameTimedOut},
		{name: "cancel", command: `sleep 60 & echo $! > pid; wait`, cancel: true, want: "context canceled"},
		{name: "returns", command: `sleep 60 & echo $! > pid; echo '{"done": 1}'`, want: ""},
		{name: "grandchild holds stdout", command: `sh -c 'sleep 60 & echo $! > pid; wait' & while [ ! -s pid ]; do sleep 0.01; done; echo '{"done": 1}'`, want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t, nil)
			dir := t.TempDir()
			f := function.NewFunction("fn", tc.command)
			f.WorkDir, f.Timeout = dir, 1
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tc.want != function.ErrNameTimedOut {
				f.Timeout = 10
			}
			if tc.cancel {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			start := time.Now()
			inv, err := s.InvokeFunction(ctx, f, nil)
			took := time.Since(start)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tc.want == "" && js(inv.Payload) != `{"done":1}`:
				t.Errorf("result = %s", js(inv.Payload))
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want %s", err, tc.want)
			}
			if took > 5*time.Second {
				t.Errorf("the invocation took %v", took)
			}
			b, err := os.ReadFile(filepath.Join(dir, "pid"))
			if err != nil {
				t.Fatal(err)
			}
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			deadline := time.Now().Add(2 * time.Second)
			for alive(pid) && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if alive(pid) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("the background process %d outlived the function", pid)
			}
		})
	}
}

func TestRunHugeOutput(t *testing.T) {
	t.Parallel()
	s, _ := newService(t, func(o *function.Options) { o.MaxResponseBytes = 1 << 20 })
	for _, cmd := range []string{`head -c 3000000 /dev/zero`, `yes`} {
		f := function.NewFunction("fn", cmd)
		f.Timeout = 30
		start := time.Now()
		_, err := s.InvokeFunction(t.Context(), f, nil)
		var fe *function.Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Cause(), "Function.ResponseSizeTooLarge") {
			t.Errorf("%s: err = %v", cmd, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v", cmd, d)
		}
	}
	// Just under the limit is a result.
	f := function.NewFunction("fn", `printf '"'; head -c 1048000 /dev/zero | tr '\0' a; printf '"'`)
	f.Timeout = 30
	inv, err := s.InvokeFunction(t.Context(), f, nil)
	if err != nil || len(inv.Payload.(string)) != 1048000 {
		t.Errorf("a large result: %v", err)
	}
}

// TestRunLog checks that standard error goes to the log a line at a time
// with the function's name, and that the invocation keeps its tail.
func TestRunLog(t *testing.T) {
	t.Parallel()
	s, logs := newService(t, nil)
	f := function.NewFunction("logger-fn", `echo one >&2; printf 'two\nthree' >&2; head -c 40000 /dev/zero | tr '\0' x >&2; echo '{}'`)
	inv, err := s.InvokeFunction(t.Context(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, w := range []string{"msg=one ", "stream=stderr", "function=logger-fn", "request_id=" + inv.RequestID, "msg=two", "msg=threexxx"} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %q:\n%.2000s", w, out)
		}
	}
	if len(inv.Log) != 4096 || strings.Trim(inv.Log, "x") != "" {
		t.Errorf("log tail is %d bytes: %.100q", len(inv.Log), inv.Log)
	}
}

func TestRunWorkDirMissing(t *testing.T) {
	t.Parallel()
	s, _ := newService(t, nil)
	f := function.NewFunction("fn", "true")
	f.WorkDir = filepath.Join(t.TempDir(), "gone")
	_, err := s.InvokeFunction(t.Context(), f, nil)
	var fe *function.Error
	if !errors.As(err, &fe) || fe.Name != function.ErrNameUnknown || !strings.Contains(fe.Cause(), "Runtime.InvalidEntrypoint") {
		t.Errorf("err = %v", err)
	}
}
