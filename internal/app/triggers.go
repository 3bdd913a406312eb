package app

import (
	"context"

	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/trigger"
)

// triggerStarter starts the targets of triggers as schedules start
// theirs: an execution is named after the trigger and the fire time, so
// that a firing started again after a crash finds its execution.
type triggerStarter struct{ s *scheduleStarter }

// Start implements trigger.Starter.
func (t triggerStarter) Start(ctx context.Context, f trigger.Fire) (string, error) {
	return t.s.Start(ctx, schedule.Fire{Schedule: f.Trigger, Target: f.Target, Input: f.Input, FireTime: f.FireTime})
}

var _ trigger.Starter = triggerStarter{}
