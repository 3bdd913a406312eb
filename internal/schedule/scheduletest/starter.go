package scheduletest

import (
	"context"
	"fmt"
	"sync"

	"github.com/weirdata/weir/internal/schedule"
)

// Starter is a fake schedule.Starter. Each Start records the fire and
// opens a run named run-1, run-2, ...; the run stays open until End.
type Starter struct {
	mu    sync.Mutex
	fires []schedule.Fire
	ids   []string
	open  map[string]bool
	fail  map[string]error
	// Started, when set, receives every fire as it starts (after it is
	// recorded).
	Started chan schedule.Fire
	// OnStart, when set, is called at the start of each Start.
	OnStart func(schedule.Fire)
}

// NewStarter returns a Starter that has started nothing.
func NewStarter() *Starter { return &Starter{open: map[string]bool{}, fail: map[string]error{}} }

// Start implements schedule.Starter.
func (s *Starter) Start(ctx context.Context, f schedule.Fire) (string, error) {
	if s.OnStart != nil {
		s.OnStart(f)
	}
	s.mu.Lock()
	if err := s.fail[f.Schedule]; err != nil {
		s.mu.Unlock()
		return "", err
	}
	s.fires = append(s.fires, f)
	id := fmt.Sprintf("run-%d", len(s.fires))
	s.ids = append(s.ids, id)
	s.open[id] = true
	s.mu.Unlock()
	if s.Started != nil {
		s.Started <- f
	}
	return id, nil
}

// Open implements schedule.Starter.
func (s *Starter) Open(ctx context.Context, target schedule.Target, runID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open[runID], nil
}

// End ends a run.
func (s *Starter) End(runID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.open, runID)
}

// EndAll ends every run.
func (s *Starter) EndAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.open)
}

// Fail makes the Starts of schedule name fail with err (nil: succeed).
func (s *Starter) Fail(name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[name] = err
}

// Fires returns what was started, in order.
func (s *Starter) Fires() []schedule.Fire {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]schedule.Fire(nil), s.fires...)
}

var _ schedule.Starter = (*Starter)(nil)
