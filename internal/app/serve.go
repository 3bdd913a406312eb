package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/metrics"
	"github.com/weirdata/weir/internal/workflow"
)

// DefaultAddr is where weir serve listens when no address is given:
// loopback only.
const DefaultAddr = "127.0.0.1:8337"

// ServeOptions configure App.Serve.
type ServeOptions struct {
	// Addr is the TCP address to listen on; port 0 picks a free port.
	Addr string
	// AuthToken, when set, is required as a bearer token by /api/v1 and
	// /metrics.
	AuthToken string
	// Version is reported by /healthz.
	Version string
	// Ready, when set, is called once the server listens, with its
	// address (host:port).
	Ready func(addr string)
	// ShutdownTimeout bounds the wait for in-flight requests on stop.
	ShutdownTimeout time.Duration
}

// Serve runs weir serve over the App's data directory until ctx ends:
// the HTTP API, the query workers, the durable-executions runner (which
// first resumes every RUNNING execution), crawls started through the API
// and, when the App has one, the scheduler — one run group, the first
// to stop stops the others. It records its address in the lock file so
// that CLI verbs talk to it. On stop, executions in flight stay RUNNING
// and resume at the next start; queued queries are re-queued then.
func (a *App) Serve(ctx context.Context, opts ServeOptions) error {
	if a.Engine == nil || a.Dir.LockFile() == nil {
		return errors.New("app: Serve needs an App opened with Open (the lock and the SQL engine)")
	}
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	logger := a.logger.With("component", "serve")
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return errs.E("app.Serve", errs.Unavailable, fmt.Errorf("listen on %s: %w; choose another --addr (port 0 picks a free one)", opts.Addr, err))
	}
	defer ln.Close()
	addr := ln.Addr().String()
	if ip := ln.Addr().(*net.TCPAddr).IP; opts.AuthToken == "" && !ip.IsLoopback() {
		logger.Warn("weir serve listens beyond loopback without an auth token: anyone who reaches the port can use the API; set --auth-token", "addr", addr)
	}
	if err := a.Dir.SetAddress(addr); err != nil {
		return err
	}
	m := metrics.New(a.metricsSource, a.logger)
	a.Metrics = m

	base, stopBase := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBase()
	runner, err := a.Runner(nil)
	if err != nil {
		return err
	}
	ex := &executor{runner: runner, inflight: a.inflight, store: a.Meta.Workflows(), base: base, logger: a.logger.With("component", "executor"), running: map[string]bool{}}
	cr := &serverCrawlers{Service: a.Crawlers, base: base, metrics: m, logger: a.logger.With("component", "crawls")}
	svc := httpapi.Services{
		Lake: a.Lake, Catalog: a.Catalog, Queries: a.Queries, Crawlers: cr, Functions: a.Functions,
		StateMachines: stateMachines{a.Meta.Workflows()}, Executions: a.Meta.Workflows(), Runs: ex,
	}
	if a.Scheduler != nil {
		svc.Schedules = a.Scheduler
	}
	if a.Triggers != nil {
		svc.Triggers = a.Triggers
	}
	srv, err := httpapi.New(httpapi.Options{
		Services: svc, AuthToken: opts.AuthToken, Metrics: m, Logger: a.logger, Version: opts.Version,
	})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}

	var g group
	g.add(func(ctx context.Context) error { return a.Queries.Run(ctx) })
	resumed := make(chan struct{})
	g.add(func(ctx context.Context) error {
		// Executions and crawls run on base: they stop when the group
		// does, after the HTTP server stopped taking requests.
		err := ex.resumeAll(ctx)
		close(resumed)
		<-ctx.Done()
		stopBase()
		ex.wg.Wait()
		cr.wg.Wait()
		return err
	})
	g.add(func(ctx context.Context) error {
		errc := make(chan error, 1)
		go func() { errc <- hs.Serve(ln) }()
		select {
		case err := <-errc:
			return fmt.Errorf("serve http on %s: %w", addr, err)
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownTimeout)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			hs.Close()
		}
		<-errc
		return nil
	})
	if a.Scheduler != nil {
		g.add(func(ctx context.Context) error {
			// The scheduler starts executions of its own: it begins once
			// the executor has taken the RUNNING ones, so that none is
			// run twice.
			select {
			case <-resumed:
			case <-ctx.Done():
				return nil
			}
			err := a.Scheduler.Run(ctx)
			a.WaitScheduledRuns()
			return err
		})
	}
	if a.Triggers != nil {
		g.add(func(ctx context.Context) error {
			// Like the scheduler, triggers start executions of their own
			// once the executor has taken the RUNNING ones.
			select {
			case <-resumed:
			case <-ctx.Done():
				return nil
			}
			err := a.Triggers.Run(ctx)
			a.WaitScheduledRuns()
			return err
		})
	}
	logger.Info("weir serve listening", "addr", addr, "url", "http://"+addr+httpapi.Prefix, "data_dir", a.Dir.Root, "auth", opts.AuthToken != "")
	if opts.Ready != nil {
		opts.Ready(addr)
	}
	err = g.run(ctx)
	logger.Info("weir serve stopped", "err", err)
	return err
}

// metricsSource reads the stored metrics figures.
func (a *App) metricsSource(ctx context.Context) (metrics.Snapshot, error) {
	c, err := a.Meta.Counts(ctx)
	if err != nil {
		return metrics.Snapshot{}, err
	}
	return metrics.Snapshot{ExecutionsByStatus: c.ExecutionsByStatus, QueriesByState: c.QueriesByState, BytesScanned: c.BytesScanned, HistoryEvents: c.HistoryEvents}, nil
}

// executor runs durable executions in the serving process: those left
// RUNNING by a previous process and those started through the API.
type executor struct {
	runner *workflow.Runner
	// inflight holds every execution running in this process, those
	// that parents' nested-execution tasks run included.
	inflight *workflow.Inflight
	store    *metastore.Workflows
	base     context.Context
	logger   *slog.Logger

	wg      sync.WaitGroup
	mu      sync.Mutex
	running map[string]bool
}

// run runs the execution arn in the background unless it already runs
// here; done, when set, receives the outcome.
func (ex *executor) run(arn string, fn func(ctx context.Context) error) bool {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if ex.running[arn] || ex.base.Err() != nil {
		return false
	}
	ex.running[arn] = true
	ex.wg.Add(1)
	go func() {
		defer ex.wg.Done()
		err := fn(ex.base)
		ex.mu.Lock()
		delete(ex.running, arn)
		ex.mu.Unlock()
		if err != nil && ex.base.Err() == nil {
			ex.logger.Error("execution", "execution", arn, "err", err)
		}
	}()
	return true
}

func (ex *executor) execute(arn string) bool {
	return ex.run(arn, func(ctx context.Context) error {
		_, err := ex.runner.Execute(ctx, arn)
		return err
	})
}

// resumeAll starts every RUNNING execution.
func (ex *executor) resumeAll(ctx context.Context) error {
	open, err := ex.store.ListExecutions(ctx, workflow.ListFilter{Status: workflow.StatusRunning})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("resume executions: %w", err)
	}
	for _, x := range open {
		ex.execute(x.ARN)
	}
	if len(open) > 0 {
		ex.logger.Info("resumed executions", "count", len(open))
	}
	return nil
}

// Start implements httpapi.ExecutionRunner.
func (ex *executor) Start(ctx context.Context, machine, name string, input any) (*workflow.Execution, bool, error) {
	m, err := ex.store.GetStateMachine(ctx, machine)
	if err != nil {
		return nil, false, err
	}
	x, created, err := ex.runner.Create(ctx, m.Definition, input, workflow.ExecutionInfo{Name: name, Machine: m.Name, StateMachineARN: httpapi.StateMachineArn(m.Name)})
	if err == nil {
		err = workflow.StartedAgain(x, created)
	}
	if err != nil {
		return nil, false, err
	}
	if x.Status == workflow.StatusRunning {
		ex.execute(x.ARN)
	}
	return x, created, nil
}

// Stop implements httpapi.ExecutionRunner: the process running the
// execution (this one) aborts it; Stop waits for that, up to 10 s.
func (ex *executor) Stop(ctx context.Context, arn, cause string) (*workflow.Execution, error) {
	x, err := ex.store.GetExecution(ctx, arn)
	if err != nil {
		return nil, err
	}
	if x.Status.Terminal() {
		return x, nil
	}
	ex.mu.Lock()
	here := ex.running[arn] || ex.inflight.Running(arn)
	ex.mu.Unlock()
	if !here {
		if err := ex.runner.Abort(ctx, arn, cause); err != nil {
			return nil, err
		}
		return ex.store.GetExecution(ctx, arn)
	}
	if err := ex.store.RequestStop(ctx, arn, cause); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		x, err := ex.store.GetExecution(ctx, arn)
		if err != nil || x.Status.Terminal() || time.Now().After(deadline) {
			return x, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// SendTaskSuccess implements httpapi.ExecutionRunner.
func (ex *executor) SendTaskSuccess(ctx context.Context, token string, output any) error {
	return ex.runner.SendTaskSuccess(ctx, token, output)
}

// SendTaskFailure implements httpapi.ExecutionRunner.
func (ex *executor) SendTaskFailure(ctx context.Context, token, errorName, cause string) error {
	return ex.runner.SendTaskFailure(ctx, token, errorName, cause)
}

// SendTaskHeartbeat implements httpapi.ExecutionRunner.
func (ex *executor) SendTaskHeartbeat(ctx context.Context, token string) error {
	return ex.runner.SendTaskHeartbeat(ctx, token)
}

// Redrive implements httpapi.ExecutionRunner: it returns once the
// execution runs again.
func (ex *executor) Redrive(ctx context.Context, arn string) (*workflow.Execution, error) {
	before, err := ex.store.GetExecution(ctx, arn)
	if err != nil {
		return nil, err
	}
	if _, err := workflow.Transition(before.Status, workflow.StatusRunning); err != nil {
		return nil, fmt.Errorf("execution %s is %s: %w", arn, before.Status, workflow.ErrExecutionNotRedrivable)
	}
	errc := make(chan error, 1)
	started := ex.run(arn, func(ctx context.Context) error {
		_, err := ex.runner.Redrive(ctx, arn)
		errc <- err
		return err
	})
	if !started {
		return nil, errs.Errorf("app.Redrive", errs.Conflict, "execution %s is running in this server already", arn)
	}
	for {
		select {
		case err := <-errc:
			if err != nil {
				return nil, err
			}
			return ex.store.GetExecution(ctx, arn)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		x, err := ex.store.GetExecution(ctx, arn)
		if err != nil {
			return nil, err
		}
		if x.RedriveCount > before.RedriveCount {
			return x, nil
		}
	}
}

// serverCrawlers are the crawler service with crawls started through the
// API run in this process.
type serverCrawlers struct {
	*crawler.Service
	base    context.Context
	metrics *metrics.Metrics
	logger  *slog.Logger
	wg      sync.WaitGroup
}

// Start starts the crawler and runs its crawl in the background.
func (c *serverCrawlers) Start(ctx context.Context, name string) (*crawler.Crawler, error) {
	if c.base.Err() != nil {
		return nil, errs.Errorf("app.StartCrawler", errs.Unavailable, "weir serve is stopping; start the crawler when it runs again")
	}
	cr, err := c.Service.Start(ctx, name)
	if err != nil {
		return nil, err
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		start := time.Now()
		done, err := c.Crawl(c.base, name)
		if err != nil {
			c.logger.Error("crawl", "crawler", name, "err", err)
			return
		}
		status := "UNKNOWN"
		if done.LastCrawl != nil {
			status = string(done.LastCrawl.Status)
		}
		c.metrics.ObserveCrawl(name, status, time.Since(start))
	}()
	return cr, nil
}

// stateMachines adapts the metastore's state machines to the API.
type stateMachines struct{ w *metastore.Workflows }

func (s stateMachines) PutStateMachine(ctx context.Context, name, definition string, replace bool) error {
	return s.w.PutStateMachine(ctx, &metastore.StateMachine{Name: name, Definition: definition}, replace)
}

func (s stateMachines) GetStateMachine(ctx context.Context, name string) (*httpapi.StoredStateMachine, error) {
	m, err := s.w.GetStateMachine(ctx, name)
	if err != nil {
		return nil, err
	}
	return &httpapi.StoredStateMachine{Name: m.Name, Definition: m.Definition, Created: m.Created, Updated: m.Updated}, nil
}

func (s stateMachines) ListStateMachines(ctx context.Context) ([]*httpapi.StoredStateMachine, error) {
	ms, err := s.w.ListStateMachines(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*httpapi.StoredStateMachine, len(ms))
	for i, m := range ms {
		out[i] = &httpapi.StoredStateMachine{Name: m.Name, Definition: m.Definition, Created: m.Created, Updated: m.Updated}
	}
	return out, nil
}

func (s stateMachines) DeleteStateMachine(ctx context.Context, name string) error {
	return s.w.DeleteStateMachine(ctx, name)
}

// Interface guards.
var (
	_ httpapi.ExecutionRunner = (*executor)(nil)
	_ httpapi.Crawlers        = (*serverCrawlers)(nil)
	_ httpapi.StateMachines   = stateMachines{}
	_ httpapi.Executions      = (*metastore.Workflows)(nil)
)
