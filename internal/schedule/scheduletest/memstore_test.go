package scheduletest

import (
	"testing"

	"github.com/weirdata/weir/internal/schedule"
)

func TestMemStore(t *testing.T) {
	RunStore(t, func(t *testing.T) schedule.Store { return NewMemStore() })
}
