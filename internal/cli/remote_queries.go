package cli

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/query"
)

// queryService is what the query verbs use: the query service of the
// data directory in this process, or that of the weir serve the verb
// talks to, through its API (STYLE rule 3).
type queryService interface {
	Start(ctx context.Context, in query.StartInput) (string, error)
	Get(ctx context.Context, id string) (*query.Execution, error)
	List(ctx context.Context, opts query.ListOptions) ([]*query.Execution, string, error)
	Results(ctx context.Context, id, token string, max int) (*query.ResultPage, error)
	Cancel(ctx context.Context, id string) error
	// Wait waits for the execution to finish (something must run it).
	Wait(ctx context.Context, id string) (*query.Execution, error)
}

var (
	_ queryService = (*query.Service)(nil)
	_ queryService = remoteQueries{}
)

// queries returns the query service a verb uses and a function that
// releases it. In-process, run opens the data directory to run queries
// (taking its lock, with the query workers running until release);
// otherwise it is opened read-only.
func (e *env) queries(ctx context.Context, command string, run bool) (queryService, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteQueries{c}, func() {}, nil
	}
	if !run {
		a, err := e.openReadOnly(ctx)
		if err != nil {
			return nil, nil, err
		}
		return a.Queries, func() { a.Close() }, nil
	}
	a, err := e.open(ctx, command)
	if err != nil {
		return nil, nil, err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	return a.Queries, func() { stop(); <-done; a.Close() }, nil
}

// remoteQueries are a weir serve's query executions.
type remoteQueries struct{ c *apiclient.Client }

func (r remoteQueries) Start(ctx context.Context, in query.StartInput) (string, error) {
	return r.c.StartQuery(ctx, httpapi.StartQueryInput{QueryString: in.Query, Database: in.Database, OutputLocation: in.OutputLocation})
}

func (r remoteQueries) Get(ctx context.Context, id string) (*query.Execution, error) {
	return r.c.GetQuery(ctx, id)
}

func (r remoteQueries) List(ctx context.Context, opts query.ListOptions) ([]*query.Execution, string, error) {
	var states []string
	for _, s := range opts.States {
		states = append(states, string(s))
	}
	out, err := r.c.ListQueries(ctx, apiclient.Page{MaxResults: opts.Limit, NextToken: opts.NextToken}, states...)
	if err != nil {
		return nil, "", err
	}
	return out.QueryExecutions, out.NextToken, nil
}

func (r remoteQueries) Results(ctx context.Context, id, token string, max int) (*query.ResultPage, error) {
	out, err := r.c.QueryResults(ctx, id, apiclient.Page{MaxResults: max, NextToken: token})
	if err != nil {
		return nil, err
	}
	return &query.ResultPage{Columns: out.Columns, Rows: out.Rows, NextToken: out.NextToken, UpdateCount: out.UpdateCount}, nil
}

func (r remoteQueries) Cancel(ctx context.Context, id string) error {
	_, err := r.c.CancelQuery(ctx, id)
	return err
}

func (r remoteQueries) Wait(ctx context.Context, id string) (*query.Execution, error) {
	return r.c.WaitQuery(ctx, id, 50*time.Millisecond)
}
