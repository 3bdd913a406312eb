package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/schedule"
)

// Schedules are EventBridge Scheduler-style schedules (schedule.Scheduler):
// changes made through them reach the running scheduler at once.
type Schedules interface {
	Create(ctx context.Context, d *schedule.Definition) (*schedule.Definition, error)
	Get(ctx context.Context, name string) (*schedule.Definition, error)
	List(ctx context.Context) ([]*schedule.Definition, error)
	Update(ctx context.Context, name string, fn func(d *schedule.Definition) error) (*schedule.Definition, error)
	Enable(ctx context.Context, name string) (*schedule.Definition, error)
	Disable(ctx context.Context, name string) (*schedule.Definition, error)
	Delete(ctx context.Context, name string) error
	History(ctx context.Context, name string, limit int) ([]schedule.Run, error)
}

// Schedule is a schedule as the API gives it: its definition, with
// EventBridge Scheduler's field names, and its next fire times.
type Schedule struct {
	*schedule.Definition
	NextFireTimes []time.Time `json:"NextFireTimes"`
}

// ScheduleInput defines a schedule. In an update, absent fields keep
// their stored values. Target is state-machine:NAME, crawler:NAME,
// function:NAME or query:SQL; times are RFC 3339.
type ScheduleInput struct {
	Name                       string     `json:"Name,omitempty"`
	ScheduleExpression         *string    `json:"ScheduleExpression,omitempty"`
	ScheduleExpressionTimezone *string    `json:"ScheduleExpressionTimezone,omitempty"`
	StartDate                  *time.Time `json:"StartDate,omitempty"`
	EndDate                    *time.Time `json:"EndDate,omitempty"`
	Target                     *string    `json:"Target,omitempty"`
	Input                      *string    `json:"Input,omitempty"`
	OverlapPolicy              *string    `json:"OverlapPolicy,omitempty"`
	CatchUpPolicy              *string    `json:"CatchUpPolicy,omitempty"`
	Description                *string    `json:"Description,omitempty"`
	State                      *string    `json:"State,omitempty"` // ENABLED or DISABLED, on create
}

func (in *ScheduleInput) apply(d *schedule.Definition) error {
	set(&d.Expression, in.ScheduleExpression)
	set(&d.TimeZone, in.ScheduleExpressionTimezone)
	set(&d.Start, in.StartDate)
	set(&d.End, in.EndDate)
	set(&d.Input, in.Input)
	set(&d.Description, in.Description)
	if in.Target != nil {
		t, err := schedule.ParseTarget(*in.Target)
		if err != nil {
			return err
		}
		d.Target = t
	}
	if in.OverlapPolicy != nil {
		o, err := schedule.ParseOverlap(*in.OverlapPolicy)
		if err != nil {
			return err
		}
		d.Overlap = o
	}
	if in.CatchUpPolicy != nil {
		c, err := schedule.ParseCatchUp(*in.CatchUpPolicy)
		if err != nil {
			return err
		}
		d.CatchUp = c
	}
	return nil
}

// ScheduleList is a page of listSchedules.
type ScheduleList struct {
	Schedules []*Schedule `json:"schedules"`
	NextToken string      `json:"nextToken,omitempty"`
}

// ScheduleRunList is a page of a schedule's runs, newest first.
type ScheduleRunList struct {
	Runs      []schedule.Run `json:"runs"`
	NextToken string         `json:"nextToken,omitempty"`
}

func (s *Server) schedules() (Schedules, error) {
	if s.svc.Schedules == nil {
		return nil, unavailable("schedules")
	}
	return s.svc.Schedules, nil
}

// scheduleAnswer is d with its next five fire times, in UTC as every
// time weir answers (the schedule's zone is in ScheduleExpressionTimezone).
func scheduleAnswer(d *schedule.Definition) *Schedule {
	next := []time.Time{}
	for _, t := range schedule.NextFires(d, 5) {
		next = append(next, t.UTC())
	}
	return &Schedule{Definition: d, NextFireTimes: next}
}

func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	var in ScheduleInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d := &schedule.Definition{Name: in.Name}
	if in.State != nil {
		switch *in.State {
		case string(schedule.StateEnabled):
		case string(schedule.StateDisabled):
			d.State = schedule.StateDisabled
		default:
			return invalid("State must be ENABLED or DISABLED, not " + strconv.Quote(*in.State))
		}
	}
	if err := in.apply(d); err != nil {
		return err
	}
	out, err := sc.Create(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, scheduleAnswer(out))
	return nil
}

func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	list, err := sc.List(r.Context())
	if err != nil {
		return err
	}
	out := ScheduleList{}
	if out.Schedules, out.NextToken, err = listPage(r, list, func(d *schedule.Definition) string { return d.Name }, scheduleAnswer); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	d, err := sc.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, scheduleAnswer(d))
	return nil
}

func (s *Server) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	var in ScheduleInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.State != nil {
		return invalid("change State with the enable and disable operations")
	}
	d, err := sc.Update(r.Context(), r.PathValue("name"), in.apply)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, scheduleAnswer(d))
	return nil
}

// switchSchedule answers enableSchedule or disableSchedule.
func (s *Server) switchSchedule(enable bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sc, err := s.schedules()
		if err != nil {
			return err
		}
		change := sc.Disable
		if enable {
			change = sc.Enable
		}
		d, err := change(r.Context(), r.PathValue("name"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, scheduleAnswer(d))
		return nil
	}
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	if err := sc.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) scheduleHistory(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.schedules()
	if err != nil {
		return err
	}
	runs, err := sc.History(r.Context(), r.PathValue("name"), schedule.HistoryLimit)
	if err != nil {
		return err
	}
	out := ScheduleRunList{}
	key := func(run schedule.Run) string { return run.FireTime.UTC().Format(time.RFC3339Nano) }
	if out.Runs, out.NextToken, err = listPage(r, runs, key, same); err != nil {
		return err
	}
	if out.Runs == nil {
		out.Runs = []schedule.Run{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
