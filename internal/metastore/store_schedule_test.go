package metastore

import (
	"testing"

	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/schedule/scheduletest"
)

func TestScheduleStore(t *testing.T) {
	scheduletest.RunStore(t, func(t *testing.T) schedule.Store { return openTest(t) })
}
