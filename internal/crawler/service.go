package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// Options configure a Service.
type Options struct {
	Store   Store
	Catalog catalog.Store // read to compare; writes go through Store.CommitCrawl
	Lake    lake.Store
	// Classifiers are tried in order on each sampled file; nil means
	// DefaultRegistry().
	Classifiers *Registry
	Logger      *slog.Logger
	Now         func() time.Time
	// Workers is how many files are sampled at once; 0 means twice
	// GOMAXPROCS.
	Workers int
	// StopPoll is how often a running crawl checks whether it was asked
	// to stop (by another process, through the Store).
	StopPoll time.Duration
}

// DefaultOptions returns options with a discarding logger and the
// built-in classifiers; Store, Catalog and Lake must be set.
func DefaultOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), Now: time.Now, StopPoll: 100 * time.Millisecond}
}

// Service manages crawlers and runs crawls.
type Service struct {
	opts        Options
	classifiers *Registry
	logger      *slog.Logger
}

// New returns a Service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Catalog == nil || opts.Lake == nil {
		return nil, errors.New("crawler: Store, Catalog and Lake are required")
	}
	def := DefaultOptions()
	if opts.Logger == nil {
		opts.Logger = def.Logger
	}
	if opts.Now == nil {
		opts.Now = def.Now
	}
	if opts.StopPoll <= 0 {
		opts.StopPoll = def.StopPoll
	}
	reg := opts.Classifiers
	if reg == nil {
		reg = DefaultRegistry()
	}
	return &Service{opts: opts, classifiers: reg, logger: opts.Logger.With("component", "crawler")}, nil
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

// Create validates and stores a new crawler.
func (s *Service) Create(ctx context.Context, c *Crawler) error {
	c = c.Clone()
	if err := c.Validate(); err != nil {
		return err
	}
	c.State, c.LastCrawl, c.Folders = StateReady, nil, nil
	c.CreateTime, c.LastUpdated, c.Version = s.now(), s.now(), 1
	if err := s.opts.Store.CreateCrawler(ctx, c); err != nil {
		return wrap(c.Name, err)
	}
	return nil
}

// Get returns a crawler.
func (s *Service) Get(ctx context.Context, name string) (*Crawler, error) {
	c, err := s.opts.Store.GetCrawler(ctx, name)
	if err != nil {
		return nil, wrap(name, err)
	}
	return c, nil
}

// List returns all crawlers sorted by name.
func (s *Service) List(ctx context.Context) ([]*Crawler, error) {
	return s.opts.Store.ListCrawlers(ctx)
}

// Update changes a crawler's definition with fn; a running crawler
// cannot be changed (CrawlerRunningException, as in Glue).
func (s *Service) Update(ctx context.Context, name string, fn func(c *Crawler) error) error {
	err := s.opts.Store.UpdateCrawler(ctx, name, func(c *Crawler) error {
		if c.State != StateReady {
			return ErrCrawlerRunning
		}
		if err := fn(c); err != nil {
			return err
		}
		c.Name = name
		if err := c.Validate(); err != nil {
			return err
		}
		c.LastUpdated = s.now()
		c.Version++
		return nil
	})
	if err != nil {
		return wrap(name, err)
	}
	return nil
}

// Delete removes a crawler that is not running. The tables it made stay.
func (s *Service) Delete(ctx context.Context, name string) error {
	err := s.opts.Store.DeleteCrawler(ctx, name, func(c *Crawler) error {
		if c.State != StateReady {
			return ErrCrawlerRunning
		}
		return nil
	})
	if err != nil {
		return wrap(name, err)
	}
	return nil
}

// Start moves a crawler to RUNNING and returns at once; Crawl then runs
// it (in this process or another that holds the data directory). It fails
// with ErrCrawlerRunning if the crawler is running or stopping.
func (s *Service) Start(ctx context.Context, name string) (*Crawler, error) {
	var out *Crawler
	err := s.opts.Store.UpdateCrawler(ctx, name, func(c *Crawler) error {
		st, err := c.State.Apply(EventStart)
		if err != nil {
			return err
		}
		c.State, c.RunStart = st, s.now()
		out = c.Clone()
		return nil
	})
	if err != nil {
		return nil, wrap(name, err)
	}
	s.logger.Info("crawler started", "crawler", name)
	return out, nil
}

// Stop asks a running crawler to stop: it moves to STOPPING, and the
// crawl ends as CANCELLED without changing the catalog.
func (s *Service) Stop(ctx context.Context, name string) error {
	err := s.opts.Store.UpdateCrawler(ctx, name, func(c *Crawler) error {
		st, err := c.State.Apply(EventStop)
		if err != nil {
			return err
		}
		c.State = st
		return nil
	})
	if err != nil {
		return wrap(name, err)
	}
	return nil
}

// Run starts a crawler and crawls until it finishes: Start then Crawl.
func (s *Service) Run(ctx context.Context, name string) (*Crawler, error) {
	if _, err := s.Start(ctx, name); err != nil {
		return nil, err
	}
	return s.Crawl(ctx, name)
}

// Recover finishes crawls that no process runs any more (their process
// stopped): RUNNING ones as FAILED, STOPPING ones as CANCELLED. Call it
// only while holding the data directory, with no crawl running.
func (s *Service) Recover(ctx context.Context) error {
	list, err := s.opts.Store.ListCrawlers(ctx)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.State == StateReady {
			continue
		}
		status, msg := StatusFailed, "the weir process running the crawl stopped before it finished; the catalog is unchanged"
		if c.State == StateStopping {
			status, msg = StatusCancelled, ""
		}
		err := s.opts.Store.UpdateCrawler(ctx, c.Name, func(c *Crawler) error {
			return s.finish(c, &LastCrawl{CrawlID: newID(), Status: status, ErrorMessage: msg, StartTime: c.RunStart})
		})
		if err != nil {
			return wrap(c.Name, err)
		}
		s.logger.Warn("finished an abandoned crawl", "crawler", c.Name, "status", status)
	}
	return nil
}

// finish moves c to READY with lc as its LastCrawl.
func (s *Service) finish(c *Crawler, lc *LastCrawl) error {
	st, err := c.State.Apply(EventFinish)
	if err != nil {
		return err
	}
	if lc.StartTime.IsZero() {
		lc.StartTime = s.now()
	}
	lc.EndTime = s.now()
	lc.DurationMillis = lc.EndTime.Sub(lc.StartTime).Milliseconds()
	c.State, c.RunStart, c.LastCrawl = st, time.Time{}, lc
	return nil
}

// Crawl runs a started (RUNNING) crawler to the end and returns it with
// its LastCrawl. A crawl that fails or is stopped (Stop, or ctx
// cancelled) changes nothing in the catalog and ends FAILED or
// CANCELLED; Crawl returns an error only when it cannot record that.
func (s *Service) Crawl(ctx context.Context, name string) (*Crawler, error) {
	c, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if c.State == StateStopping {
		// Stopped before it began.
		lc := &LastCrawl{CrawlID: newID(), Status: StatusCancelled, StartTime: c.RunStart}
		if err := s.opts.Store.UpdateCrawler(ctx, name, func(c *Crawler) error { return s.finish(c, lc) }); err != nil {
			return nil, wrap(name, err)
		}
		return s.Get(ctx, name)
	}
	if c.State != StateRunning {
		return nil, errs.E("crawler.Crawl", errs.Conflict, fmt.Errorf("crawler %s is %s, not RUNNING; start it first", name, c.State))
	}
	lc := &LastCrawl{CrawlID: newID(), StartTime: c.RunStart}
	if lc.StartTime.IsZero() {
		lc.StartTime = s.now()
	}
	logger := s.logger.With("crawler", name, "crawl_id", lc.CrawlID)
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s.watchStop(runCtx, name, cancel)
	}()
	var w warnings
	ch, folders, err := s.crawl(runCtx, c, lc, &w)
	cancel(nil)
	<-stopped
	// Record the outcome even if ctx was cancelled.
	rec := context.WithoutCancel(ctx)
	if err == nil {
		lc.Status = StatusSucceeded
		lc.Warnings = w.result()
		err = s.opts.Store.CommitCrawl(rec, name, ch, func(c *Crawler) error {
			c.Folders = folders
			return s.finish(c, lc)
		})
		if err == nil {
			logger.Info("crawl succeeded", "tables_created", lc.TablesCreated, "tables_updated", lc.TablesUpdated,
				"tables_deleted", lc.TablesDeleted, "partitions_added", lc.PartitionsAdded, "partitions_removed", lc.PartitionsRemoved,
				"warnings", len(lc.Warnings))
			return s.Get(rec, name)
		}
		err = fmt.Errorf("update the catalog: %w", err)
	}
	lc.Summary = Summary{}
	lc.Warnings = w.result()
	switch {
	case errors.Is(err, errStopped) || errors.Is(context.Cause(runCtx), errStopped):
		lc.Status = StatusCancelled
	case ctx.Err() != nil:
		lc.Status, lc.ErrorMessage = StatusCancelled, "the crawl was interrupted"
	default:
		lc.Status, lc.ErrorMessage = StatusFailed, errs.Message(err)
	}
	// A failed crawl is an outcome, recorded and answered to whoever asked, as
	// a failed query or execution is: not a fault of the service.
	logger.Info("crawl did not succeed", "status", lc.Status, "error", lc.ErrorMessage)
	if uerr := s.opts.Store.UpdateCrawler(rec, name, func(c *Crawler) error { return s.finish(c, lc) }); uerr != nil {
		return nil, fmt.Errorf("crawler %s: record the crawl's end: %w", name, uerr)
	}
	return s.Get(rec, name)
}

// errStopped is the cause of a crawl's cancellation by Stop.
var errStopped = errors.New("the crawler was stopped")

// watchStop cancels a crawl when its crawler moves to STOPPING.
func (s *Service) watchStop(ctx context.Context, name string, cancel context.CancelCauseFunc) {
	t := time.NewTicker(s.opts.StopPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c, err := s.opts.Store.GetCrawler(ctx, name)
		if err == nil && c.State == StateStopping {
			cancel(errStopped)
			return
		}
	}
}

// crawl does the work of one crawl: list, sample, group, plan. It returns
// the catalog changes and the data folders seen.
func (s *Service) crawl(ctx context.Context, c *Crawler, lc *LastCrawl, w *warnings) (*Changes, []string, error) {
	targets, err := s.targets(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	full := c.RecrawlPolicy.RecrawlBehavior != CrawlNewFoldersOnly || len(c.Folders) == 0
	seen := map[string]bool{}
	for _, f := range c.Folders {
		seen[f] = true
	}
	var all []*folder
	for _, t := range targets {
		folders, err := t.listFolders(ctx, w)
		if err != nil {
			return nil, nil, err
		}
		if len(folders) == 0 {
			w.add("target %s holds no data files", t.Path)
		}
		for _, f := range folders {
			if full || !seen[f.uri()] {
				all = append(all, f)
			}
		}
	}
	if err := s.sampleFolders(ctx, all, c.InferTypes == TypesRich, w); err != nil {
		return nil, nil, err
	}
	var leaves []*folder
	for _, f := range all {
		if f.schema == nil {
			if len(f.files) > 0 && f.size > 0 {
				w.add("%s: none of its sampled files could be read; skipped", f.uri())
			}
			continue
		}
		leaves = append(leaves, f)
	}
	existing := map[string]*catalog.Table{}
	tables, err := s.opts.Catalog.ListTables(ctx, c.DatabaseName)
	switch {
	case errors.Is(err, catalog.ErrDatabaseNotFound):
	case err != nil:
		return nil, nil, fmt.Errorf("list the tables of %s: %w", c.DatabaseName, err)
	}
	for _, t := range tables {
		existing[t.Name] = t
	}
	plans := s.groupAll(c, targets, leaves, existing, full, w)
	p := &planner{c: c, runID: lc.CrawlID, now: s.now(), full: full, existing: existing, w: w, cat: s.opts.Catalog,
		ch: &Changes{Database: &catalog.Database{Name: c.DatabaseName, CreateTime: s.now()}}}
	if err := p.plan(ctx, plans); err != nil {
		return nil, nil, err
	}
	for _, t := range p.ch.CreateTables {
		if err := catalog.ValidateTable(t); err != nil {
			return nil, nil, fmt.Errorf("table %s at %s: %w", t.Name, t.Location, err)
		}
	}
	lc.Summary = p.sum
	var folders []string
	if !full {
		folders = append(folders, c.Folders...)
	}
	for _, f := range all {
		folders = append(folders, f.uri())
	}
	return p.ch, folders, nil
}

// targets parses the crawler's targets and opens their buckets.
func (s *Service) targets(ctx context.Context, c *Crawler) ([]*target, error) {
	var out []*target
	for _, st := range c.Targets.S3Targets {
		u, err := lake.ParseURI(st.Path)
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", st.Path, err)
		}
		t := &target{S3Target: st, uri: u.AsPrefix()}
		t.bucket, err = s.opts.Lake.Bucket(ctx, u.Bucket)
		if errors.Is(err, lake.ErrBucketNotExist) {
			return nil, fmt.Errorf("target %s: bucket %s does not exist; create it with 'weir lake mb s3://%s' or fix the target with 'weir crawlers update %s --target ...'",
				st.Path, u.Bucket, u.Bucket, c.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("target %s: %w", st.Path, err)
		}
		for _, g := range st.Exclusions {
			re, err := compileGlob(g)
			if err != nil {
				return nil, fmt.Errorf("target %s: exclusion %q: %w", st.Path, g, err)
			}
			t.excludes = append(t.excludes, &excludeGlob{text: g, re: re})
		}
		out = append(out, t)
	}
	return out, nil
}

// groupAll groups each target's leaves into tables. For new-folders-only
// crawls, leaves under an existing table of the crawler join it first.
func (s *Service) groupAll(c *Crawler, targets []*target, leaves []*folder, existing map[string]*catalog.Table, full bool, w *warnings) []*tablePlan {
	var own []*catalog.Table
	if !full {
		for _, t := range existing {
			if t.Parameters[ParamUpdatedByCrawler] == c.Name {
				own = append(own, t)
			}
		}
	}
	byTarget := map[*target][]*folder{}
	joined := map[string]*tablePlan{}
	var plans []*tablePlan
	for _, l := range leaves {
		if t := owner(own, l.uri()); t != nil {
			tp := joined[t.Name]
			rel := strings.TrimPrefix(t.Location, l.target.uri.String())
			if tp == nil {
				tp = &tablePlan{target: l.target, rel: rel, name: strings.TrimPrefix(t.Name, c.TablePrefix), first: l.schema, comp: compressionOfSig(l.sig), schema: shape{kind: kStruct}}
				for _, k := range t.PartitionKeys {
					tp.keys = append(tp.keys, k.Name)
				}
				joined[t.Name] = tp
				plans = append(plans, tp)
			}
			depth := strings.Count(rel, "/")
			names := map[string]bool{}
			for _, col := range t.Columns {
				names[strings.ToLower(col.Name)] = true
			}
			lnames := map[string]bool{}
			for _, f := range l.schema.Columns.fields {
				lnames[f.key] = true
			}
			switch {
			case len(l.parts)-depth != len(tp.keys):
				w.add("%s: its depth does not match the partitions of table %s; skipped", l.uri(), t.Name)
			case !similar(names, lnames):
				w.add("%s: its schema differs too much from table %s; skipped (new-folders-only crawls do not change tables)", l.uri(), t.Name)
			default:
				tp.leaves = append(tp.leaves, l)
				tp.schema.merge(&l.schema.Columns)
			}
			continue
		}
		byTarget[l.target] = append(byTarget[l.target], l)
	}
	for _, t := range targets {
		g := &grouper{t: t, combine: c.Grouping.TableGroupingPolicy == CombineCompatibleSchemas, level: c.Grouping.TableLevelConfiguration, w: w,
			blocked: func(uri string) bool {
				for _, o := range own {
					if strings.HasPrefix(o.Location, uri) {
						return true
					}
				}
				return false
			}}
		plans = append(plans, g.group(byTarget[t])...)
	}
	kept := plans[:0]
	for _, tp := range plans {
		if len(tp.leaves) > 0 {
			kept = append(kept, tp)
		}
	}
	sortPlans(kept)
	return kept
}

// owner returns the table whose location holds uri, if any.
func owner(tables []*catalog.Table, uri string) *catalog.Table {
	var best *catalog.Table
	for _, t := range tables {
		loc := strings.TrimSuffix(t.Location, "/") + "/"
		if strings.HasPrefix(uri, loc) && (best == nil || len(loc) > len(best.Location)) {
			best = t
		}
	}
	return best
}

// newID returns a crawl id, a random UUID.
func newID() string { return uuid.NewString() }

// wrap names the crawler in err. A missing crawler and a refused
// lifecycle event are said plainly, with Glue's exception name: the
// store's message names its own operation ("metastore: update crawler
// ..."), which means nothing to a user.
func wrap(name string, err error) error {
	if errors.Is(err, ErrCrawlerNotFound) {
		return notFoundError(name)
	}
	for _, known := range []error{ErrCrawlerRunning, ErrCrawlerNotRunning, ErrCrawlerStopping, ErrCrawlerExists} {
		if errors.Is(err, known) {
			return fmt.Errorf("crawler %s: %w", name, known)
		}
	}
	return fmt.Errorf("crawler %s: %w", name, err)
}
