package schedule

import "context"

// Store keeps schedules and their run history durably. Methods take and
// return copies. internal/metastore implements it; scheduletest.MemStore
// is an in-memory one, and scheduletest.RunStore the suite both pass.
type Store interface {
	// CreateSchedule adds a schedule or fails with ErrScheduleExists.
	CreateSchedule(ctx context.Context, d *Definition) error
	// GetSchedule returns a schedule or ErrScheduleNotFound.
	GetSchedule(ctx context.Context, name string) (*Definition, error)
	// ListSchedules returns all schedules sorted by name.
	ListSchedules(ctx context.Context) ([]*Definition, error)
	// UpdateSchedule reads a schedule, lets fn change it, and writes it
	// back together with runs in one transaction: a run replaces the
	// schedule's run with the same fire time, and only the newest
	// HistoryLimit runs are kept. An error from fn changes nothing; fn
	// may not rename the schedule. Missing: ErrScheduleNotFound.
	UpdateSchedule(ctx context.Context, name string, runs []Run, fn func(d *Definition) error) error
	// DeleteSchedule removes a schedule and its runs, or fails with
	// ErrScheduleNotFound.
	DeleteSchedule(ctx context.Context, name string) error
	// ListRuns returns up to limit of a schedule's runs, newest fire
	// time first (limit ≤ 0: all kept). Missing: ErrScheduleNotFound.
	ListRuns(ctx context.Context, name string, limit int) ([]Run, error)
}
