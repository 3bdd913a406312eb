package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/workflow"
)

// workflows is what the states verbs and the reading executions verbs
// use: the metadata store of the data directory in this process, or the
// weir serve the verb talks to, through its API (STYLE rule 3).
type workflows interface {
	PutStateMachine(ctx context.Context, m *metastore.StateMachine, replace bool) error
	GetStateMachine(ctx context.Context, name string) (*metastore.StateMachine, error)
	ListStateMachines(ctx context.Context) ([]*metastore.StateMachine, error)
	DeleteStateMachine(ctx context.Context, name string) error
	ListExecutions(ctx context.Context, f workflow.ListFilter) ([]*workflow.Execution, error)
	History(ctx context.Context, arn string) ([]workflow.Event, error)
}

var (
	_ workflows = (*metastore.Workflows)(nil)
	_ workflows = remoteWorkflows{}
)

// workflowService returns the workflows a verb uses and a function that
// releases them. In-process, write opens the data directory to change it
// (taking its lock, without the SQL engine); otherwise it is opened
// read-only (it works while another process runs executions).
func (e *env) workflowService(ctx context.Context, command string, write bool) (workflows, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteWorkflows{c}, func() {}, nil
	}
	if !write {
		a, err := e.openReadOnly(ctx)
		if err != nil {
			return nil, nil, err
		}
		return a.Meta.Workflows(), func() { a.Close() }, nil
	}
	a, err := e.openWork(ctx, command, true)
	if err != nil {
		return nil, nil, err
	}
	return a.Meta.Workflows(), func() { a.Close() }, nil
}

// remoteWorkflows are a weir serve's state machines and executions.
type remoteWorkflows struct{ c *apiclient.Client }

func (r remoteWorkflows) PutStateMachine(ctx context.Context, m *metastore.StateMachine, replace bool) error {
	var err error
	if replace {
		_, err = r.c.UpdateStateMachine(ctx, m.Name, httpapi.StateMachineInput{Definition: m.Definition})
	} else {
		_, err = r.c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: m.Name, Definition: m.Definition})
	}
	return err
}

func stateMachineFrom(m *httpapi.StateMachine) *metastore.StateMachine {
	return &metastore.StateMachine{Name: m.Name, Definition: m.Definition, Created: m.CreationDate, Updated: m.UpdateDate}
}

func (r remoteWorkflows) GetStateMachine(ctx context.Context, name string) (*metastore.StateMachine, error) {
	m, err := r.c.GetStateMachine(ctx, name)
	if err != nil {
		return nil, err
	}
	return stateMachineFrom(m), nil
}

func (r remoteWorkflows) ListStateMachines(ctx context.Context) ([]*metastore.StateMachine, error) {
	var all []*metastore.StateMachine
	p := apiclient.Page{MaxResults: 1000}
	for {
		out, err := r.c.ListStateMachines(ctx, p)
		if err != nil {
			return nil, err
		}
		for i := range out.StateMachines {
			all = append(all, stateMachineFrom(&out.StateMachines[i]))
		}
		if out.NextToken == "" {
			return all, nil
		}
		p.NextToken = out.NextToken
	}
}

func (r remoteWorkflows) DeleteStateMachine(ctx context.Context, name string) error {
	return r.c.DeleteStateMachine(ctx, name)
}

// ListExecutions pages through the server's executions up to f.Limit (0
// for all).
func (r remoteWorkflows) ListExecutions(ctx context.Context, f workflow.ListFilter) ([]*workflow.Execution, error) {
	var all []*workflow.Execution
	p := apiclient.Page{MaxResults: 1000}
	for {
		if f.Limit > 0 {
			p.MaxResults = min(1000, f.Limit-len(all))
		}
		out, err := r.c.ListExecutions(ctx, f.Machine, string(f.Status), p)
		if err != nil {
			return nil, err
		}
		for i := range out.Executions {
			all = append(all, executionFrom(&out.Executions[i]))
		}
		if out.NextToken == "" || (f.Limit > 0 && len(all) >= f.Limit) {
			return all, nil
		}
		p.NextToken = out.NextToken
	}
}

// History pages through an execution's whole history.
func (r remoteWorkflows) History(ctx context.Context, arn string) ([]workflow.Event, error) {
	var all []workflow.Event
	p := apiclient.Page{MaxResults: 1000}
	for {
		out, err := r.c.ExecutionHistory(ctx, arn, false, p)
		if err != nil {
			return nil, err
		}
		for _, m := range out.Events {
			ev, err := eventFrom(m)
			if err != nil {
				return nil, err
			}
			all = append(all, ev)
		}
		if out.NextToken == "" {
			return all, nil
		}
		p.NextToken = out.NextToken
	}
}

// eventFrom converts the API's history event (workflow.Event.MarshalMap).
func eventFrom(m httpapi.HistoryEvent) (workflow.Event, error) {
	var ev workflow.Event
	ev.Type, _ = m["type"].(string)
	ev.ID = number(m["id"])
	ev.PreviousEventID = number(m["previousEventId"])
	ts, _ := m["timestamp"].(string)
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ev, fmt.Errorf("weir serve answered a history event %d with the timestamp %q: %w", ev.ID, ts, err)
	}
	ev.Timestamp = t
	ev.Details, _ = m[ev.DetailsKey()].(map[string]any)
	return ev, nil
}

// number is an integer of a JSON answer decoded with UseNumber.
func number(v any) int64 {
	switch n := v.(type) {
	case interface{ Int64() (int64, error) }:
		i, _ := n.Int64()
		return i
	case float64:
		return int64(n)
	}
	return 0
}
