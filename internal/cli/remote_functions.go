package cli

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/httpapi"
)

// functions is what the functions verbs use: the function service of
// the data directory in this process, or that of the weir serve the
// verb talks to, through its API (STYLE rule 3).
type functions interface {
	Create(ctx context.Context, f *function.Function) error
	Get(ctx context.Context, name string) (*function.Function, error)
	List(ctx context.Context) ([]*function.Function, error)
	Update(ctx context.Context, name string, fn func(f *function.Function) error) error
	Delete(ctx context.Context, name string) error
	Invoke(ctx context.Context, name string, event any) (*function.Invocation, error)
	Logs(ctx context.Context, name string, q function.LogQuery) ([]function.LogEvent, error)
}

var (
	_ functions = (*function.Service)(nil)
	_ functions = remoteFunctions{}
)

// functionService returns the functions a verb uses and a function that
// releases them. In-process, write opens the data directory to change it
// (taking its lock, without the SQL engine); otherwise it is opened
// read-only (a function may itself run weir commands that take the lock).
func (e *env) functionService(ctx context.Context, command string, write bool) (functions, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteFunctions{c}, func() {}, nil
	}
	if !write {
		a, err := e.openReadOnly(ctx)
		if err != nil {
			return nil, nil, err
		}
		return a.Functions, func() { a.Close() }, nil
	}
	a, err := e.openWork(ctx, command, true)
	if err != nil {
		return nil, nil, err
	}
	return a.Functions, func() { a.Close() }, nil
}

// remoteFunctions are a weir serve's functions.
type remoteFunctions struct{ c *apiclient.Client }

// functionInput is the whole of f as an API request.
func functionInput(f *function.Function) httpapi.FunctionInput {
	return httpapi.FunctionInput{FunctionName: f.Name, Runtime: &f.Runtime, Command: &f.Command, Module: &f.Module, Handler: &f.Handler,
		Timeout: &f.Timeout, Environment: &f.Environment, WorkingDirectory: &f.WorkDir, Description: &f.Description}
}

func (r remoteFunctions) Create(ctx context.Context, f *function.Function) error {
	_, err := r.c.CreateFunction(ctx, functionInput(f))
	return err
}

func (r remoteFunctions) Get(ctx context.Context, name string) (*function.Function, error) {
	return r.c.GetFunction(ctx, name)
}

func (r remoteFunctions) List(ctx context.Context) ([]*function.Function, error) {
	var all []*function.Function
	p := apiclient.Page{MaxResults: 1000}
	for {
		out, err := r.c.ListFunctions(ctx, p)
		if err != nil {
			return nil, err
		}
		all = append(all, out.Functions...)
		if out.NextToken == "" {
			return all, nil
		}
		p.NextToken = out.NextToken
	}
}

// Update applies fn to the server's function and sends the result.
func (r remoteFunctions) Update(ctx context.Context, name string, fn func(f *function.Function) error) error {
	f, err := r.c.GetFunction(ctx, name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	in := functionInput(f)
	in.FunctionName = ""
	_, err = r.c.UpdateFunction(ctx, name, in)
	return err
}

func (r remoteFunctions) Delete(ctx context.Context, name string) error {
	return r.c.DeleteFunction(ctx, name)
}

// Invoke runs the function in the server; a failing function is a
// *function.Error, as in-process.
func (r remoteFunctions) Invoke(ctx context.Context, name string, event any) (*function.Invocation, error) {
	out, err := r.c.InvokeFunction(ctx, name, event)
	if err != nil {
		return nil, err
	}
	inv := &function.Invocation{RequestID: out.RequestId, Payload: out.Payload, Log: out.LogResult, Duration: time.Duration(out.DurationMillis) * time.Millisecond}
	if out.FunctionError != "" {
		obj, _ := out.Payload.(map[string]any)
		return inv, &function.Error{Name: out.FunctionError, Object: obj}
	}
	return inv, nil
}

func (r remoteFunctions) Logs(ctx context.Context, name string, q function.LogQuery) ([]function.LogEvent, error) {
	return r.c.FunctionLogs(ctx, name, q)
}
