// Package app is weir's composition root: it turns a configuration into a
// running set of components over one data directory. It is the only
// package, with cli, that may import everything, the DuckDB engine
// included.
package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/config"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/dialect"
	"github.com/weirdata/weir/internal/duckengine"
	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/fsbucket"
	"github.com/weirdata/weir/internal/metastore"
	"github.com/weirdata/weir/internal/metrics"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/schedule"
	"github.com/weirdata/weir/internal/trigger"
	"github.com/weirdata/weir/internal/workflow"
)

// Options say how to open an App.
type Options struct {
	Config config.Config
	// Command describes this process in the lock file, e.g. "weir query".
	Command string
	Logger  *slog.Logger
	// LockFile, when set, is an already locked lock file inherited from a
	// parent process; the App adopts it instead of locking again.
	LockFile *os.File
	// NoEngine skips starting the SQL engine, for commands that only
	// change the lake.
	NoEngine bool
	// AfterMove is passed to the query service (see query.Options).
	AfterMove func(n int)
}

// App is an opened data directory with its components.
type App struct {
	Config  config.Config
	Dir     *datadir.Dir
	Meta    *metastore.DB
	Lake    lake.Store
	Catalog catalog.Store
	Queries *query.Service
	// Crawlers manages Glue-style crawlers and runs crawls.
	Crawlers *crawler.Service
	// Functions manages and invokes user functions (weir's Lambda).
	Functions *function.Service
	Engine    *duckengine.Engine // nil when opened read-only
	// Scheduler keeps schedules and, while its Run runs (weir serve),
	// fires them.
	Scheduler *schedule.Scheduler
	// Triggers keeps triggers and, while its Run runs (weir serve),
	// fires them.
	Triggers *trigger.Engine
	// Metrics are weir serve's metrics; nil until Serve runs.
	Metrics *metrics.Metrics

	logger  *slog.Logger
	starter *scheduleStarter
	// inflight is shared by all the App's workflow runners, so that no
	// execution runs twice at once in this process.
	inflight *workflow.Inflight
	closed   sync.Once
}

// Open opens a data directory to work in it: it takes the directory's
// lock, finishes or removes writes a crashed process left behind (when
// Run starts), and starts the SQL engine.
func Open(ctx context.Context, opts Options) (*App, error) {
	a, err := open(ctx, opts, true)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// OpenReadOnly opens a data directory to inspect it (list objects, read
// query executions and results) without taking its lock or starting the
// engine. It may be used while another process works in the directory.
func OpenReadOnly(ctx context.Context, opts Options) (*App, error) {
	return open(ctx, opts, false)
}

func open(ctx context.Context, opts Options, work bool) (*App, error) {
	cfg := opts.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dir, err := datadir.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Dir: dir, logger: logger, inflight: workflow.NewInflight()}
	if work {
		if opts.LockFile != nil {
			err = dir.Adopt(opts.LockFile, datadir.Holder{Command: opts.Command})
		} else {
			err = dir.Lock(datadir.Holder{Command: opts.Command})
		}
		if err != nil {
			dir.Unlock()
			return nil, err
		}
	}
	fail := func(err error) (*App, error) {
		a.Close()
		return nil, err
	}
	if a.Meta, err = metastore.Open(ctx, dir.MetadataPath(), metastore.Options{Logger: logger}); err != nil {
		return fail(err)
	}
	store, err := fsbucket.Open(dir.LakePath())
	if err != nil {
		return fail(err)
	}
	a.Lake, a.Catalog = store, a.Meta
	qopts := query.DefaultOptions()
	qopts.Catalog = a.Meta
	qopts.Lake = store
	qopts.Store = a.Meta
	qopts.Translator = dialect.New()
	qopts.StagingDir = dir.StagingPath()
	qopts.OutputLocation = cfg.Query.OutputLocation
	qopts.MaxConcurrent = cfg.Query.MaxConcurrent
	qopts.Logger = logger
	qopts.AfterMove = opts.AfterMove
	if work && !opts.NoEngine {
		eopts := duckengine.DefaultOptions()
		eopts.LakeDir, eopts.StagingDir, eopts.TempDir = dir.LakePath(), dir.StagingPath(), dir.TempPath()
		eopts.MemoryLimit, eopts.Threads = cfg.Engine.MemoryLimit, cfg.Engine.Threads
		// One connection per running statement, and a few to spare.
		eopts.Connections = max(eopts.Connections, cfg.Query.MaxConcurrent+2)
		eopts.Logger = logger
		if a.Engine, err = duckengine.Open(ctx, eopts); err != nil {
			return fail(err)
		}
		qopts.Engine = a.Engine
	}
	if a.Queries, err = query.New(qopts); err != nil {
		return fail(err)
	}
	copts := crawler.DefaultOptions()
	copts.Store, copts.Catalog, copts.Lake, copts.Logger = a.Meta, a.Meta, store, logger
	if a.Crawlers, err = crawler.New(copts); err != nil {
		return fail(err)
	}
	fopts := function.DefaultOptions()
	fopts.Store, fopts.Logger = a.Meta, logger
	fopts.LogDir = dir.FunctionLogsPath()
	if a.Functions, err = function.New(fopts); err != nil {
		return fail(err)
	}
	sopts := schedule.DefaultOptions()
	a.starter = &scheduleStarter{a: a}
	sopts.Store, sopts.Starter, sopts.Logger = a.Meta, a.starter, logger
	sopts.Lag = func(d time.Duration) { a.Metrics.ObserveScheduleLag(d) } // a nil Metrics records nothing
	if a.Scheduler, err = schedule.NewScheduler(sopts); err != nil {
		return fail(err)
	}
	topts := trigger.DefaultOptions()
	topts.Store, topts.Watcher, topts.Lister = a.Meta.Triggers(), a.Meta.Triggers(), trigger.LakeLister(store)
	topts.Starter, topts.Logger = triggerStarter{a.starter}, logger
	if a.Triggers, err = trigger.New(topts); err != nil {
		return fail(err)
	}
	if work && opts.LockFile == nil {
		// The directory was not locked: no process runs a crawl, and any
		// crawler still RUNNING lost its process.
		if err := a.Crawlers.Recover(ctx); err != nil {
			return fail(err)
		}
	}
	return a, nil
}

// Run runs the App's long-running components until ctx is cancelled or
// one of them fails; the first to stop stops the others.
func (a *App) Run(ctx context.Context) error {
	if a.Engine == nil {
		return errors.New("app: opened read-only; nothing to run")
	}
	var g group
	g.add(func(ctx context.Context) error { return a.Queries.Run(ctx) })
	return g.run(ctx)
}

// Close releases the engine, the metadata and the lock.
func (a *App) Close() error {
	var errs []error
	a.closed.Do(func() {
		if a.Engine != nil {
			errs = append(errs, a.Engine.Close())
		}
		if a.Meta != nil {
			errs = append(errs, a.Meta.Close())
		}
		if a.Dir != nil {
			errs = append(errs, a.Dir.Unlock())
		}
	})
	return errors.Join(errs...)
}

// Detach releases the App's resources but leaves the data directory
// locked for a child process that inherited the lock file.
func (a *App) Detach() {
	a.closed.Do(func() {
		if a.Engine != nil {
			a.Engine.Close()
		}
		if a.Meta != nil {
			a.Meta.Close()
		}
	})
}

// group runs actors together: when the first returns, the context of the
// others is cancelled, and run returns the first error.
type group struct {
	actors []func(context.Context) error
}

func (g *group) add(f func(context.Context) error) { g.actors = append(g.actors, f) }

func (g *group) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(g.actors))
	for _, f := range g.actors {
		go func() { errc <- f(ctx) }()
	}
	first := <-errc
	cancel()
	for range len(g.actors) - 1 {
		<-errc
	}
	if first != nil && !errors.Is(first, context.Canceled) {
		return first
	}
	return nil
}
