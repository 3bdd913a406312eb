package metastore

import (
	"testing"

	"github.com/weirdata/weir/internal/trigger"
	"github.com/weirdata/weir/internal/trigger/triggertest"
)

func TestTriggerStore(t *testing.T) {
	triggertest.RunStore(t, func(t *testing.T) trigger.Store { return openTest(t).Triggers() })
}
