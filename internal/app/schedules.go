package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/workflow"
)

// scheduleStarter starts the targets of schedules and triggers in this
// App: durable executions of stored state machines, crawls, function
// invocations and Athena queries. Each runs in the background in this
// process; the ctx given to Start bounds it (an execution cut short
// stays RUNNING and resumes with the next runner, a crawl ends
// CANCELLED, a function is killed, a query is run by the App's query
// workers).
type scheduleStarter struct {
	a *App

	mu      sync.Mutex
	runner  *workflow.Runner
	invoked map[string]bool // request ids of the function invocations running
	wg      sync.WaitGroup
}

// Start implements schedule.Starter.
func (s *scheduleStarter) Start(ctx context.Context, f schedule.Fire) (string, error) {
	a := s.a
	switch f.Target.Kind {
	case schedule.TargetStateMachine:
		sm, err := a.Meta.Workflows().GetStateMachine(ctx, f.Target.Name)
		if err != nil {
			if errs.KindOf(err) == errs.NotFound {
				return "", fmt.Errorf("state machine %s does not exist; store it with 'weir states create %s'", f.Target.Name, f.Target.Name)
			}
			return "", err
		}
		input, err := fireInput(f)
		if err != nil {
			return "", err
		}
		r, err := s.workflows()
		if err != nil {
			return "", err
		}
		// The name is the same for the same fire time, so a fire time
		// started again after a crash finds its execution.
		x, _, err := r.Create(ctx, sm.Definition, input, workflow.ExecutionInfo{Name: f.Name(), Machine: sm.Name})
		if err != nil {
			return "", err
		}
		s.background(func() {
			if _, err := r.Execute(ctx, x.ARN); err != nil && ctx.Err() == nil {
				a.logger.Error("scheduled execution", "execution", x.ARN, "err", err)
			}
		})
		return x.ARN, nil
	case schedule.TargetCrawler:
		c, err := a.Crawlers.Start(ctx, f.Target.Name)
		if err != nil {
			if errs.KindOf(err) == errs.NotFound {
				return "", fmt.Errorf("crawler %s does not exist; create it with 'weir crawlers create %s --database DB --target s3://BUCKET/PREFIX/'", f.Target.Name, f.Target.Name)
			}
			return "", err
		}
		s.background(func() {
			if _, err := a.Crawlers.Crawl(ctx, f.Target.Name); err != nil {
				a.logger.Error("scheduled crawl", "crawler", f.Target.Name, "err", err)
			}
		})
		return crawlID(c.Name, c.RunStart), nil
	case schedule.TargetQuery:
		in, err := schedule.ParseQueryInput(f.Input)
		if err != nil {
			return "", err
		}
		return a.Queries.Start(ctx, query.StartInput{Query: f.Target.Name, Database: in.Database, OutputLocation: in.OutputLocation})
	case schedule.TargetFunction:
		return s.invoke(ctx, f)
	}
	return "", fmt.Errorf("unknown target kind %q", f.Target.Kind)
}

// fireInput is the JSON value of a fire's input, {} when there is none.
func fireInput(f schedule.Fire) (any, error) {
	var v any = map[string]any{}
	if strings.TrimSpace(f.Input) == "" {
		return v, nil
	}
	dec := json.NewDecoder(strings.NewReader(f.Input))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("input is not JSON: %w", err)
	}
	return v, nil
}

// invoke starts the function of f as EventBridge does a Lambda target,
// asynchronously, with the input as its event ({} when there is none);
// the run is the invocation's request id. The outcome goes to the log:
// an asynchronous invocation has no caller to answer.
func (s *scheduleStarter) invoke(ctx context.Context, f schedule.Fire) (string, error) {
	a := s.a
	fn, err := a.Functions.Get(ctx, f.Target.Name)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return "", fmt.Errorf("function %s does not exist; create it with 'weir functions create %s'", f.Target.Name, f.Target.Name)
		}
		return "", err
	}
	event, err := fireInput(f)
	if err != nil {
		return "", err
	}
	id := uuid.NewString()
	s.mu.Lock()
	if s.invoked == nil {
		s.invoked = map[string]bool{}
	}
	s.invoked[id] = true
	s.mu.Unlock()
	s.background(func() {
		defer func() {
			s.mu.Lock()
			delete(s.invoked, id)
			s.mu.Unlock()
		}()
		inv, err := a.Functions.InvokeRequest(ctx, fn, event, id)
		switch {
		case err != nil && ctx.Err() == nil:
			a.logger.Error("function started by a schedule or trigger failed", "function", fn.Name, "request_id", id, "fire", f.Name(), "err", err)
		case err == nil:
			a.logger.Info("function started by a schedule or trigger succeeded", "function", fn.Name, "request_id", id, "fire", f.Name(), "duration", inv.Duration)
		}
	})
	return id, nil
}

// Open implements schedule.Starter.
func (s *scheduleStarter) Open(ctx context.Context, target schedule.Target, runID string) (bool, error) {
	a := s.a
	var open bool
	var err error
	switch target.Kind {
	case schedule.TargetStateMachine:
		var x *workflow.Execution
		if x, err = a.Meta.Workflows().GetExecution(ctx, runID); err == nil {
			open = x.Status == workflow.StatusRunning
		}
	case schedule.TargetCrawler:
		var c *crawler.Crawler
		if c, err = a.Crawlers.Get(ctx, target.Name); err == nil {
			open = c.State != crawler.StateReady && crawlID(c.Name, c.RunStart) == runID
		}
	case schedule.TargetQuery:
		var q *query.Execution
		if q, err = a.Queries.Get(ctx, runID); err == nil {
			open = !q.State.Terminal()
		}
	case schedule.TargetFunction:
		// An invocation runs in the process that started it: one started
		// before a restart has ended.
		s.mu.Lock()
		open = s.invoked[runID]
		s.mu.Unlock()
	default:
		return false, fmt.Errorf("unknown target kind %q", target.Kind)
	}
	if errors.Is(err, errs.NotFound) {
		return false, nil
	}
	return open, err
}

// crawlID names a crawl by its crawler and start time.
func crawlID(name string, start time.Time) string {
	return name + "@" + start.UTC().Format("2006-01-02T15:04:05.000Z")
}

// workflows returns the runner of scheduled executions, made once.
func (s *scheduleStarter) workflows() (*workflow.Runner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runner == nil {
		r, err := s.a.Runner(nil)
		if err != nil {
			return nil, err
		}
		s.runner = r
	}
	return s.runner, nil
}

func (s *scheduleStarter) background(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// WaitScheduledRuns waits until the executions, crawls and function
// invocations that schedules and triggers started in this process have
// ended (or stopped with the ctx they were
// started with). Queries run on the App's query workers: wait for them
// with the query service.
func (a *App) WaitScheduledRuns() { a.starter.wg.Wait() }

var _ schedule.Starter = (*scheduleStarter)(nil)
