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
