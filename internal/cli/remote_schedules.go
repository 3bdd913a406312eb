package cli

import (
	"context"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/schedule"
)

// schedules is what the schedules verbs use: the scheduler of the data
// directory in this process, or, while a weir serve holds the directory
// (or with --endpoint), the server's through its API (STYLE rule 3), so
// that its running scheduler sees a change at once.
type schedules interface {
	Get(ctx context.Context, name string) (*schedule.Definition, error)
	List(ctx context.Context) ([]*schedule.Definition, error)
	// History returns up to limit runs, newest first (0: all kept).
	History(ctx context.Context, name string, limit int) ([]schedule.Run, error)
	Create(ctx context.Context, d *schedule.Definition) (*schedule.Definition, error)
	Update(ctx context.Context, name string, fn func(d *schedule.Definition) error) (*schedule.Definition, error)
	Enable(ctx context.Context, name string) (*schedule.Definition, error)
	Disable(ctx context.Context, name string) (*schedule.Definition, error)
	Delete(ctx context.Context, name string) error
}

var (
	_ schedules = (*schedule.Scheduler)(nil)
	_ schedules = remoteSchedules{}
)

// schedules returns the schedules to change and a function that
// releases them.
func (e *env) schedules(ctx context.Context, verb string) (schedules, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteSchedules{c}, func() {}, nil
	}
	a, err := e.openWork(ctx, "weir schedules "+verb, true)
	if err != nil {
		return nil, nil, err
	}
	return a.Scheduler, func() { a.Close() }, nil
}

// remoteSchedules are a weir serve's schedules.
type remoteSchedules struct{ c *apiclient.Client }

// scheduleInput is the whole of d as an API request.
func scheduleInput(d *schedule.Definition) httpapi.ScheduleInput {
	target := d.Target.String()
	overlap, catchUp := string(d.Overlap), string(d.CatchUp)
	in := httpapi.ScheduleInput{Name: d.Name, ScheduleExpression: &d.Expression, ScheduleExpressionTimezone: &d.TimeZone,
		Target: &target, Input: &d.Input, Description: &d.Description}
	if overlap != "" {
		in.OverlapPolicy = &overlap
	}
	if catchUp != "" {
		in.CatchUpPolicy = &catchUp
	}
	if !d.Start.IsZero() {
		in.StartDate = &d.Start
	}
	if !d.End.IsZero() {
		in.EndDate = &d.End
	}
	return in
}

func (r remoteSchedules) Create(ctx context.Context, d *schedule.Definition) (*schedule.Definition, error) {
	in := scheduleInput(d)
	if d.State != "" {
		state := string(d.State)
		in.State = &state
	}
	out, err := r.c.CreateSchedule(ctx, in)
	if err != nil {
		return nil, err
	}
	return out.Definition, nil
}

// Update applies fn to the server's schedule and sends the result.
func (r remoteSchedules) Update(ctx context.Context, name string, fn func(d *schedule.Definition) error) (*schedule.Definition, error) {
	cur, err := r.c.GetSchedule(ctx, name)
	if err != nil {
		return nil, err
	}
	d := cur.Definition.Clone()
	if err := fn(d); err != nil {
		return nil, err
	}
	in := scheduleInput(d)
	in.Name = ""
	out, err := r.c.UpdateSchedule(ctx, name, in)
	if err != nil {
		return nil, err
	}
	return out.Definition, nil
}

func (r remoteSchedules) Enable(ctx context.Context, name string) (*schedule.Definition, error) {
	out, err := r.c.EnableSchedule(ctx, name)
	if err != nil {
		return nil, err
	}
	return out.Definition, nil
}

func (r remoteSchedules) Disable(ctx context.Context, name string) (*schedule.Definition, error) {
	out, err := r.c.DisableSchedule(ctx, name)
	if err != nil {
		return nil, err
	}
	return out.Definition, nil
}

func (r remoteSchedules) Delete(ctx context.Context, name string) error {
	return r.c.DeleteSchedule(ctx, name)
}

func (r remoteSchedules) Get(ctx context.Context, name string) (*schedule.Definition, error) {
	out, err := r.c.GetSchedule(ctx, name)
	if err != nil {
		return nil, err
	}
	return out.Definition, nil
}

// List reads every page.
func (r remoteSchedules) List(ctx context.Context) ([]*schedule.Definition, error) {
	return allPages(0, func(p apiclient.Page) ([]*schedule.Definition, string, error) {
		out, err := r.c.ListSchedules(ctx, p)
		if err != nil {
			return nil, "", err
		}
		defs := make([]*schedule.Definition, len(out.Schedules))
		for i, s := range out.Schedules {
			defs[i] = s.Definition
		}
		return defs, out.NextToken, nil
	})
}

func (r remoteSchedules) History(ctx context.Context, name string, limit int) ([]schedule.Run, error) {
	return allPages(limit, func(p apiclient.Page) ([]schedule.Run, string, error) {
		out, err := r.c.ScheduleHistory(ctx, name, p)
		if err != nil {
			return nil, "", err
		}
		return out.Runs, out.NextToken, nil
	})
}

// allPages reads pages from next until there are no more or limit items
// have come (0: no limit).
func allPages[T any](limit int, next func(p apiclient.Page) ([]T, string, error)) ([]T, error) {
	var all []T
	p := apiclient.Page{}
	if limit > 0 {
		p.MaxResults = min(limit, 1000) // the API's largest page
	}
	for {
		items, token, err := next(p)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if limit > 0 && len(all) >= limit {
			return all[:limit], nil
		}
		if token == "" {
			return all, nil
		}
		p.NextToken = token
	}
}
