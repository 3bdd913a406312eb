package metastore

import (
	"testing"

	"github.com/weirdata/weir/internal/workflow"
	"github.com/weirdata/weir/internal/workflow/workflowtest"
)

func TestWorkflowStore(t *testing.T) {
	workflowtest.RunStore(t, func(t *testing.T) workflow.Store { return openTest(t).Workflows() })
}
