package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/trigger"
)

// Triggers are EventBridge rule-style triggers (trigger.Engine): changes
// reach the running engine at once.
type Triggers interface {
	Create(ctx context.Context, t *trigger.Trigger) (*trigger.Trigger, error)
	Get(ctx context.Context, name string) (*trigger.Trigger, error)
	List(ctx context.Context) ([]*trigger.Trigger, error)
	Enable(ctx context.Context, name string) (*trigger.Trigger, error)
	Disable(ctx context.Context, name string) (*trigger.Trigger, error)
	Delete(ctx context.Context, name string) error
	History(ctx context.Context, name string, limit int) ([]trigger.Run, error)
}

// Trigger is a trigger as the API gives it.
type Trigger = trigger.Trigger

// TriggerInput defines a trigger. EventSource is lake:s3://BUCKET/PREFIX/,
// crawler:NAME:STATE, query:[DATABASE:]STATE or execution:MACHINE:STATE;
// Target is state-machine:NAME, crawler:NAME, function:NAME or
// query:SQL; durations are Go durations ("10s").
type TriggerInput struct {
	Name        string  `json:"Name"`
	EventSource string  `json:"EventSource"`
	Target      string  `json:"Target"`
	Input       string  `json:"Input,omitempty"`
	Debounce    string  `json:"Debounce,omitempty"`
	BatchSize   int     `json:"BatchSize,omitempty"`
	MaxWait     string  `json:"MaxWait,omitempty"`
	Description string  `json:"Description,omitempty"`
	State       *string `json:"State,omitempty"` // ENABLED (default) or DISABLED
}

// TriggerList is a page of listTriggers.
type TriggerList struct {
	Triggers  []*Trigger `json:"triggers"`
	NextToken string     `json:"nextToken,omitempty"`
}

// TriggerRunList is a page of a trigger's runs, newest first.
type TriggerRunList struct {
	Runs      []trigger.Run `json:"runs"`
	NextToken string        `json:"nextToken,omitempty"`
}

func (s *Server) triggers() (Triggers, error) {
	if s.svc.Triggers == nil {
		return nil, unavailable("triggers")
	}
	return s.svc.Triggers, nil
}

// duration reads an optional Go duration field.
func duration(field, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, invalid(field + " must be a duration such as 10s or 5m, not " + strconv.Quote(v))
	}
	return d, nil
}

func (s *Server) createTrigger(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.triggers()
	if err != nil {
		return err
	}
	var in TriggerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	src, err := trigger.ParseSource(in.EventSource)
	if err != nil {
		return err
	}
	tg, err := schedule.ParseTarget(in.Target)
	if err != nil {
		return err
	}
	debounce, err := duration("Debounce", in.Debounce)
	if err != nil {
		return err
	}
	maxWait, err := duration("MaxWait", in.MaxWait)
	if err != nil {
		return err
	}
	t := &trigger.Trigger{Name: in.Name, Source: src, Target: tg, Input: in.Input, Description: in.Description,
		Batch: trigger.Batch{Debounce: trigger.Duration(debounce), Size: in.BatchSize, MaxWait: trigger.Duration(maxWait)}}
	if in.State != nil {
		switch *in.State {
		case string(trigger.StateEnabled):
		case string(trigger.StateDisabled):
			t.State = trigger.StateDisabled
		default:
			return invalid("State must be ENABLED or DISABLED, not " + strconv.Quote(*in.State))
		}
	}
	out, err := ts.Create(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) listTriggers(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.triggers()
	if err != nil {
		return err
	}
	list, err := ts.List(r.Context())
	if err != nil {
		return err
	}
	out := TriggerList{}
	if out.Triggers, out.NextToken, err = listPage(r, list, func(t *trigger.Trigger) string { return t.Name }, same); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getTrigger(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.triggers()
	if err != nil {
		return err
	}
	t, err := ts.Get(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// switchTrigger answers enableTrigger or disableTrigger.
func (s *Server) switchTrigger(enable bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ts, err := s.triggers()
		if err != nil {
			return err
		}
		change := ts.Disable
		if enable {
			change = ts.Enable
		}
		t, err := change(r.Context(), r.PathValue("name"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, t)
		return nil
	}
}

func (s *Server) deleteTrigger(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.triggers()
	if err != nil {
		return err
	}
	if err := ts.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) triggerHistory(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.triggers()
	if err != nil {
		return err
	}
	runs, err := ts.History(r.Context(), r.PathValue("name"), 0)
	if err != nil {
		return err
	}
	out := TriggerRunList{}
	key := func(run trigger.Run) string { return run.FireTime.UTC().Format(time.RFC3339Nano) }
	if out.Runs, out.NextToken, err = listPage(r, runs, key, same); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
