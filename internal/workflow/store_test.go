package workflow_test

import (
	"testing"

	"github.com/weirdata/weir/internal/workflow"
	"github.com/weirdata/weir/internal/workflow/workflowtest"
)

func TestMemStore(t *testing.T) {
	workflowtest.RunStore(t, func(t *testing.T) workflow.Store { return workflow.NewMemStore() })
}
