package app

import (
	"github.com/weirdata/weir/internal/workflow"
)

// Tasks returns a registry of the Task resources state machines can use
// in this App: Athena queries, Glue crawlers and user functions (nested
// executions come with their own issue). Substitutions set
// ${Name}/#{Name} placeholders in resources.
func (a *App) Tasks(substitutions map[string]string) (*workflow.Registry, error) {
	reg := workflow.NewRegistry()
	for k, v := range substitutions {
		reg.Substitute(k, v)
	}
	if err := a.Queries.RegisterTasks(reg); err != nil {
		return nil, err
	}
	if err := a.Crawlers.RegisterTasks(reg); err != nil {
		return nil, err
	}
	if err := a.Functions.RegisterTasks(reg); err != nil {
		return nil, err
	}
	return reg, nil
}

// Runner returns a runner of durable executions, recorded in the
// metastore, with this App's task resources; clock nil is the system
// clock.
func (a *App) Runner(clock workflow.Clock) (*workflow.Runner, error) {
	reg, err := a.Tasks(nil)
	if err != nil {
		return nil, err
	}
	opts := workflow.DefaultOptions()
	opts.Tasks, opts.Store, opts.Logger = reg, a.Meta.Workflows(), a.logger.With("component", "workflow")
	if clock != nil {
		opts.Clock = clock
	}
	return workflow.NewRunner(opts), nil
}
