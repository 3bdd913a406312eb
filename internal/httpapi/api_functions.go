package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/function"
)

// Function is a user function's definition, with Lambda's field names.
type Function = function.Function

// FunctionInput defines a function. In an update, absent fields keep
// their stored values. Runtime is "command" (Command runs with /bin/sh -c)
// or "python3" (Handler of the module file Module); when absent it is
// python3 if Module is given and command otherwise.
type FunctionInput struct {
	FunctionName     string             `json:"FunctionName,omitempty"`
	Runtime          *string            `json:"Runtime,omitempty"`
	Command          *string            `json:"Command,omitempty"`
	Module           *string            `json:"Module,omitempty"`
	Handler          *string            `json:"Handler,omitempty"`
	Timeout          *int               `json:"Timeout,omitempty"`
	Environment      *map[string]string `json:"Environment,omitempty"`
	WorkingDirectory *string            `json:"WorkingDirectory,omitempty"`
	Description      *string            `json:"Description,omitempty"`
}

func (in *FunctionInput) apply(f *function.Function) {
	set(&f.Runtime, in.Runtime)
	set(&f.Command, in.Command)
	set(&f.Module, in.Module)
	set(&f.Handler, in.Handler)
	set(&f.Timeout, in.Timeout)
	set(&f.Environment, in.Environment)
	set(&f.WorkDir, in.WorkingDirectory)
	set(&f.Description, in.Description)
}

// FunctionList is a page of listFunctions.
type FunctionList struct {
	Functions []*Function `json:"functions"`
	NextToken string      `json:"nextToken,omitempty"`
}

// InvokeOutput is an invocation's outcome. A function that failed has
// FunctionError set (its Step Functions error name, e.g. Lambda.Unknown
// or the error type it raised) and its error object as Payload.
type InvokeOutput struct {
	RequestId      string `json:"RequestId"`
	Payload        any    `json:"Payload"`
	FunctionError  string `json:"FunctionError,omitempty"`
	LogResult      string `json:"LogResult,omitempty"`
	DurationMillis int64  `json:"DurationMillis"`
}

func (s *Server) functions() (Functions, error) {
	if s.svc.Functions == nil {
		return nil, unavailable("functions")
	}
	return s.svc.Functions, nil
}

func (s *Server) createFunction(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	var in FunctionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := function.NewFunction(in.FunctionName, "")
	if in.Runtime == nil && in.Module != nil {
		f = function.NewPythonFunction(in.FunctionName, "", "")
	}
	in.apply(f)
	if f.Runtime == function.RuntimePython && f.Handler == "" {
		f.Handler = function.DefaultHandler
	}
	if err := fs.Create(r.Context(), f); err != nil {
		return err
	}
	return s.answerFunction(w, r, fs, f.Name, http.StatusCreated)
}

func (s *Server) answerFunction(w http.ResponseWriter, r *http.Request, fs Functions, name string, status int) error {
	f, err := fs.Get(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, status, f)
	return nil
}

func (s *Server) listFunctions(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	list, err := fs.List(r.Context())
	if err != nil {
		return err
	}
	out := FunctionList{}
	if out.Functions, out.NextToken, err = listPage(r, list, func(f *function.Function) string { return f.Name }, same); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getFunction(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	return s.answerFunction(w, r, fs, r.PathValue("name"), http.StatusOK)
}

func (s *Server) updateFunction(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	var in FunctionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	name := r.PathValue("name")
	if in.FunctionName != "" && in.FunctionName != name {
		return invalid("a function cannot be renamed: FunctionName " + in.FunctionName + " differs from " + name + " in the path")
	}
	if err := fs.Update(r.Context(), name, func(f *function.Function) error { in.apply(f); return nil }); err != nil {
		return err
	}
	return s.answerFunction(w, r, fs, name, http.StatusOK)
}

func (s *Server) deleteFunction(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	if err := fs.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) invokeFunction(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	var event any = map[string]any{}
	if err := decode(w, r, &event); err != nil {
		return err
	}
	inv, err := fs.Invoke(r.Context(), r.PathValue("name"), event)
	var fe *function.Error
	if err != nil && !errors.As(err, &fe) {
		return err
	}
	out := InvokeOutput{}
	if inv != nil {
		out.RequestId, out.Payload, out.LogResult, out.DurationMillis = inv.RequestID, inv.Payload, inv.Log, inv.Duration.Milliseconds()
	}
	if fe != nil {
		out.FunctionError, out.Payload = fe.Name, fe.Object
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// FunctionLogs is the answer of functionLogs.
type FunctionLogs struct {
	Events []function.LogEvent `json:"events"`
}

func (s *Server) functionLogs(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.functions()
	if err != nil {
		return err
	}
	q := function.LogQuery{RequestID: r.URL.Query().Get("requestId"), Limit: 10000}
	if v := r.URL.Query().Get("since"); v != "" {
		if q.Since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return invalid(fmt.Sprintf("since %q must be a time in RFC 3339, e.g. 2024-03-01T09:00:00Z", v))
		}
	}
	if v := r.URL.Query().Get("limit"); v != "" {
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit < 1 {
			return invalid(fmt.Sprintf("limit %q must be a positive number", v))
		}
	}
	events, err := fs.Logs(r.Context(), r.PathValue("name"), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, FunctionLogs{Events: events})
	return nil
}
