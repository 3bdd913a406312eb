package function_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/function"
)

// needPython skips only when no python3 exists at all; .ci/run installs
// it, so in CI these tests run.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed (.ci/run installs it)")
	}
}

func TestPython(t *testing.T) {
	needPython(t)
	t.Parallel()
	module, err := filepath.Abs("testdata/handler.py")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		module    string
		handler   string
		event     any
		want      []string // in the result's JSON
		wantName  string
		wantCause []string
	}{
		{name: "result and context", event: map[string]any{"day": "2024-03-01"},
			want: []string{`"echo":{"day":"2024-03-01"}`, `"function_name":"py"`, `"remaining_ok":true`, `"greeting":"hello weir"`,
				`"arn":"arn:aws:lambda:us-east-1:000000000000:function:py"`, `"cwd":"testdata"`}},
		{name: "exception", event: map[string]any{"fail": true}, wantName: "ValidationError",
			wantCause: []string{`"errorMessage":"no day in {\"fail\": true}"`, `"stackTrace":["  File \"`, `handler.py`}},
		{name: "other handler returns None", handler: "other", event: map[string]any{}, want: []string{`null`}},
		{name: "missing handler", handler: "nope", event: map[string]any{}, wantName: "Runtime.HandlerNotFound",
			wantCause: []string{"Handler 'nope' missing on module 'handler'"}},
		{name: "import error", module: "testdata/broken.py", event: map[string]any{}, wantName: "Runtime.ImportModuleError",
			wantCause: []string{"Unable to import module 'broken'", "no_such_module_for_weir"}},
		{name: "SystemExit crashes", event: map[string]any{"exit": true}, wantName: function.ErrNameUnknown,
			wantCause: []string{"exit status 4"}},
		{name: "unserializable result", event: map[string]any{"unserializable": true}, wantName: "Runtime.MarshalError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, logs := newService(t, nil)
			m := module
			if tc.module != "" {
				m, _ = filepath.Abs(tc.module)
			}
			f := function.NewPythonFunction("py", m, tc.handler)
			f.WorkDir, f.Timeout = filepath.Dir(m), 5
			f.Environment = map[string]string{"WHO": "weir"}
			inv, err := s.InvokeFunction(t.Context(), f, tc.event)
			if tc.wantName == "" {
				if err != nil {
					t.Fatalf("err = %v\nlog:\n%s", err, logs)
				}
				got := js(inv.Payload)
				for _, w := range tc.want {
					if !strings.Contains(got, w) {
						t.Errorf("result %s lacks %s", got, w)
					}
				}
				if !strings.Contains(logs.String(), "msg=\"handling") && tc.handler == "" {
					t.Errorf("print() did not reach the log:\n%s", logs)
				}
				return
			}
			var fe *function.Error
			if !errors.As(err, &fe) || fe.Name != tc.wantName {
				t.Fatalf("err = %v, want %s\nlog:\n%s", err, tc.wantName, logs)
			}
			for _, w := range tc.wantCause {
				if !strings.Contains(fe.Cause(), w) {
					t.Errorf("cause %s lacks %s", fe.Cause(), w)
				}
			}
		})
	}
}

func TestPythonMissingInterpreter(t *testing.T) {
	t.Parallel()
	s, _ := newService(t, func(o *function.Options) { o.Python = "/nonexistent/python3" })
	f := function.NewPythonFunction("py", "/x.py", "")
	_, err := s.InvokeFunction(t.Context(), f, nil)
	var fe *function.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Cause(), "cannot be found") {
		t.Errorf("err = %v", err)
	}
}
