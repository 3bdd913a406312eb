package cli

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/trigger"
)

// triggers is what the changing triggers verbs use: the data
// directory's engine in this process, or a weir serve's through its API,
// so that its running engine sees the change at once.
type triggers interface {
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
