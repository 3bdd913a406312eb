package app

import (
	"github.com/weirdata/weir/internal/workflow"
)

// Tasks returns a registry of the Task resources state machines can use
// in this App: Athena queries, Glue crawlers, user functions and nested
// executions of stored state machines. Substitutions set ${Name}/#{Name}
// placeholders in resources.
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
	// Nested executions are durable, whatever runs their parent.
	if err := a.registerStates(reg, workflow.NewRunner(a.runnerOptions(reg, nil))); err != nil {
		return nil, err
	}
	return reg, nil
}

// runnerOptions are the options of a durable runner with reg's tasks.
func (a *App) runnerOptions(reg *workflow.Registry, clock workflow.Clock) workflow.Options {
	opts := workflow.DefaultOptions()
	opts.Tasks, opts.Store, opts.Logger = reg, a.Meta.Workflows(), a.logger.With("component", "workflow")
	opts.Objects = a.Objects()
	opts.Inflight = a.inflight
	if clock != nil {
		opts.Clock = clock
	}
	return opts
}

// Runner returns a runner of durable executions, recorded in the
// metastore, with this App's task resources; clock nil is the system
// clock.
func (a *App) Runner(clock workflow.Clock) (*workflow.Runner, error) {
	reg, err := a.Tasks(nil)
	if err != nil {
		return nil, err
	}
	return workflow.NewRunner(a.runnerOptions(reg, clock)), nil
}
