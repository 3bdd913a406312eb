package triggertest

import (
	"testing"

	"github.com/weirdata/weir/internal/trigger"
)

func TestMemStore(t *testing.T) {
	RunStore(t, func(t *testing.T) trigger.Store { return NewMemStore() })
}
