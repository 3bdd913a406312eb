package cli

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/trigger"
)

// triggers is what the triggers verbs use: the data directory's engine
// in this process, or a weir serve's through its API (the one holding
// the directory, or --endpoint's), so that its running engine sees a
// change at once.
type triggers interface {
	Get(ctx context.Context, name string) (*trigger.Trigger, error)
	List(ctx context.Context) ([]*trigger.Trigger, error)
	// History returns up to limit runs, newest first (0: all kept).
	History(ctx context.Context, name string, limit int) ([]trigger.Run, error)
	Create(ctx context.Context, t *trigger.Trigger) (*trigger.Trigger, error)
	Enable(ctx context.Context, name string) (*trigger.Trigger, error)
	Disable(ctx context.Context, name string) (*trigger.Trigger, error)
	Delete(ctx context.Context, name string) error
}

var (
	_ triggers = (*trigger.Engine)(nil)
	_ triggers = remoteTriggers{}
)

// triggers returns the triggers to change and a function that releases
// them.
func (e *env) triggers(ctx context.Context, verb string) (triggers, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteTriggers{c}, func() {}, nil
	}
	a, err := e.openWork(ctx, "weir triggers "+verb, true)
	if err != nil {
		return nil, nil, err
	}
	return a.Triggers, func() { a.Close() }, nil
}

// remoteTriggers are a weir serve's triggers.
type remoteTriggers struct{ c *apiclient.Client }

func (r remoteTriggers) Create(ctx context.Context, t *trigger.Trigger) (*trigger.Trigger, error) {
	in := httpapi.TriggerInput{Name: t.Name, EventSource: t.Source.String(), Target: t.Target.String(), Input: t.Input,
		BatchSize: t.Batch.Size, Description: t.Description}
	if t.Batch.Debounce != 0 {
		in.Debounce = time.Duration(t.Batch.Debounce).String()
	}
	if t.Batch.MaxWait != 0 {
		in.MaxWait = time.Duration(t.Batch.MaxWait).String()
	}
	if t.State != "" {
		state := string(t.State)
		in.State = &state
	}
	return r.c.CreateTrigger(ctx, in)
}

func (r remoteTriggers) Enable(ctx context.Context, name string) (*trigger.Trigger, error) {
	return r.c.EnableTrigger(ctx, name)
}

func (r remoteTriggers) Disable(ctx context.Context, name string) (*trigger.Trigger, error) {
	return r.c.DisableTrigger(ctx, name)
}

func (r remoteTriggers) Delete(ctx context.Context, name string) error {
	return r.c.DeleteTrigger(ctx, name)
}

func (r remoteTriggers) Get(ctx context.Context, name string) (*trigger.Trigger, error) {
	return r.c.GetTrigger(ctx, name)
}

// List reads every page.
func (r remoteTriggers) List(ctx context.Context) ([]*trigger.Trigger, error) {
	return allPages(0, func(p apiclient.Page) ([]*trigger.Trigger, string, error) {
		out, err := r.c.ListTriggers(ctx, p)
		if err != nil {
			return nil, "", err
		}
		return out.Triggers, out.NextToken, nil
	})
}

func (r remoteTriggers) History(ctx context.Context, name string, limit int) ([]trigger.Run, error) {
	return allPages(limit, func(p apiclient.Page) ([]trigger.Run, string, error) {
		out, err := r.c.TriggerHistory(ctx, name, p)
		if err != nil {
			return nil, "", err
		}
		return out.Runs, out.NextToken, nil
	})
}
