package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

// DefaultOutputLocation is where results go unless a query says otherwise.
const DefaultOutputLocation = "s3://weir-query-results/"

// Translator turns Athena (Trino) SQL into the engine's dialect. The
// offset map takes positions in the output back to the input.
type Translator interface {
	Translate(sql string) (string, *statement.OffsetMap, error)
}

// Options configure a Service.
type Options struct {
	Catalog    catalog.Store
	Lake       lake.Store
	Engine     Engine
	Store      Store
	Translator Translator // nil: queries reach the engine unchanged
	StagingDir string     // local directory for staged writes and result files

	// OutputLocation is the default result location (Athena's
	// ResultConfiguration.OutputLocation).
	OutputLocation string
	// MaxConcurrent is how many statements run at once; the rest queue.
	MaxConcurrent int
	// CancelPoll is how often running executions check for cancellations
	// requested by other processes.
	CancelPoll time.Duration

	Logger *slog.Logger
	Now    func() time.Time
	NewID  func() string

	// AfterMove, when set, is called after each file a write publishes is
	// moved into place; crash tests use it to stop a process mid-publish.
	AfterMove func(n int)
}

// DefaultOptions returns options with the defaults filled in; the
// dependencies (Catalog, Lake, Engine, Store, StagingDir) must still be set.
func DefaultOptions() Options {
	return Options{
		OutputLocation: DefaultOutputLocation,
		MaxConcurrent:  4,
		CancelPoll:     250 * time.Millisecond,
		Logger:         slog.New(slog.DiscardHandler),
		Now:            func() time.Time { return time.Now().UTC() },
		NewID:          func() string { return uuid.NewString() },
	}
}

// Service runs Athena-style query executions: it queues them, runs up to
// MaxConcurrent at once, records their lifecycle and statistics, and keeps
// their results in the lake.
//
// Lifecycle: New → Run(ctx) (returns when ctx is cancelled, after running
// statements are cancelled) → Close is not needed. Start, Get, List,
// Results and Cancel may be called before and during Run; statements only
// make progress while Run is running.
type Service struct {
	opts   Options
	logger *slog.Logger

	mu      sync.Mutex
	queue   []string                      // ids waiting to run, in order
	wake    chan struct{}                 // signalled when queue grows
	running map[string]context.CancelFunc // ids running in this process
	done    map[string]chan struct{}      // closed when an execution ends

	recovered  bool // Run has finished recovering
	unfinished bool // a committed write's files could not all be moved

	// publish serialises making writes visible against listing files, so
	// that a query never sees half of another query's files.
	publish sync.RWMutex
}

// New validates opts and returns a Service.
func New(opts Options) (*Service, error) {
	def := DefaultOptions()
	if opts.OutputLocation == "" {
		opts.OutputLocation = def.OutputLocation
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = def.MaxConcurrent
	}
	if opts.CancelPoll <= 0 {
		opts.CancelPoll = def.CancelPoll
	}
	if opts.Logger == nil {
		opts.Logger = def.Logger
	}
	if opts.Now == nil {
		opts.Now = def.Now
	}
	if opts.NewID == nil {
		opts.NewID = def.NewID
	}
	if opts.Catalog == nil || opts.Lake == nil || opts.Store == nil {
		return nil, errors.New("query: Catalog, Lake and Store are required")
	}
	if _, err := lake.ParseURI(opts.OutputLocation); err != nil {
		return nil, fmt.Errorf("query: output location: %w", err)
	}
	return &Service{
		opts:    opts,
		logger:  opts.Logger.With("component", "query"),
		wake:    make(chan struct{}, 1),
		running: map[string]context.CancelFunc{},
		done:    map[string]chan struct{}{},
	}, nil
}

// StartInput is a request to run one statement.
type StartInput struct {
	Query          string
	Database       string // default database for unqualified names; "default" if empty
	OutputLocation string // overrides Options.OutputLocation
}

// maxQueryLength is Athena's limit on QueryString.
const maxQueryLength = 262144

// Start records a new execution and queues it. The statement is parsed at
// once: a statement that does not parse is recorded as FAILED, as Athena
// does, and Start still returns its id.
func (s *Service) Start(ctx context.Context, in StartInput) (string, error) {
	if strings.TrimSpace(in.Query) == "" {
		return "", errs.Errorf("query.Start", errs.Invalid, "the query is empty")
	}
	if len(in.Query) > maxQueryLength {
		return "", errs.Errorf("query.Start", errs.Invalid, "the query is %d characters long; Athena accepts at most %d", len(in.Query), maxQueryLength)
	}
	db := catalog.NormalizeName(in.Database)
	if db == "" {
		db = catalog.DefaultDatabase
	}
	out := in.OutputLocation
	if out == "" {
		out = s.opts.OutputLocation
	}
	outURI, err := lake.ParseURI(out)
	if err != nil {
		return "", errs.E("query.Start", errs.Invalid, fmt.Errorf("output location: %w", err))
	}
	id := s.opts.NewID()
	now := s.opts.Now()
	e := &Execution{
		ID:             id,
		Query:          in.Query,
		Database:       db,
		Catalog:        "AwsDataCatalog",
		WorkGroup:      "primary",
		State:          StateQueued,
		SubmissionTime: now,
	}
	stmt, perr := statement.Parse(in.Query)
	ext := ".csv"
	if perr == nil {
		e.StatementType, e.SubstatementType = stmt.Type()
		if e.StatementType == "DDL" || e.StatementType == "UTILITY" {
			ext = ".txt"
		}
	} else {
		e.StatementType, e.SubstatementType = "DML", "UNKNOWN"
	}
	e.OutputLocation = outURI.AsPrefix().Join(id + ext).String()
	s.mu.Lock()
	s.done[id] = make(chan struct{})
	s.mu.Unlock()
	if err := s.opts.Store.CreateExecution(ctx, e); err != nil {
		s.forget(id)
		return "", err
	}
	if perr != nil {
		s.finish(ctx, e, EventFail, syntaxError(perr, in.Query), nil)
		return id, nil
	}
	if stmt.Kind() == statement.KindUnsupported {
		u := stmt.(*statement.Unsupported)
		s.finish(ctx, e, EventFail, Errorf("NOT_SUPPORTED", "%s", u.Reason), nil)
		return id, nil
	}
	s.enqueue(id)
	return id, nil
}

// enqueue queues an execution unless it is already queued or running.
func (s *Service) enqueue(id string) {
	s.mu.Lock()
	if _, running := s.running[id]; running {
		s.mu.Unlock()
		return
	}
	for _, q := range s.queue {
		if q == id {
			s.mu.Unlock()
			return
		}
	}
	s.queue = append(s.queue, id)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// syntaxError converts a parse error into an Athena SYNTAX_ERROR.
func syntaxError(err error, sql string) *Error {
	var se *statement.SyntaxError
	if errors.As(err, &se) {
		return &Error{Code: "SYNTAX_ERROR", Message: se.Msg, Offset: se.Offset, Line: se.Line, Column: se.Column, Err: err}
	}
	return &Error{Code: "SYNTAX_ERROR", Message: err.Error(), Offset: -1, Err: err}
}

// Get returns an execution.
func (s *Service) Get(ctx context.Context, id string) (*Execution, error) {
	return s.opts.Store.GetExecution(ctx, id)
}

// List returns executions, newest first.
func (s *Service) List(ctx context.Context, opts ListOptions) ([]*Execution, string, error) {
	return s.opts.Store.ListExecutions(ctx, opts)
}

// Cancel stops a queued or running execution. Cancelling a finished
// execution is not an error, as in Athena.
func (s *Service) Cancel(ctx context.Context, id string) error {
	e, err := s.opts.Store.GetExecution(ctx, id)
	if err != nil {
		return err
	}
	if e.State.Terminal() {
		return nil
	}
	// Record the request first: a process running the execution (this
	// one or another) acts on it even if it starts the statement now.
	if err := s.opts.Store.RequestCancel(ctx, id); err != nil {
		return err
	}
	s.mu.Lock()
	cancel, running := s.running[id]
	queued := false
	for i, q := range s.queue {
		if q == id {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			queued = true
			break
		}
	}
	s.mu.Unlock()
	switch {
	case running:
		cancel()
		return nil
	case queued:
		s.finish(ctx, e, EventCancel, nil, nil)
	}
	return nil
}

// Wait blocks until an execution has finished or ctx is done, and returns
// the execution. It works for executions run by other processes too.
func (s *Service) Wait(ctx context.Context, id string) (*Execution, error) {
	s.mu.Lock()
	ch := s.done[id]
	s.mu.Unlock()
	for {
		e, err := s.opts.Store.GetExecution(ctx, id)
		if err != nil {
			return nil, err
		}
		if e.State.Terminal() {
			return e, nil
		}
		if ch != nil {
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Execute starts a statement and waits for it to finish. The execution is
// returned whatever its outcome; err is only for failures to start or wait.
func (s *Service) Execute(ctx context.Context, in StartInput) (*Execution, error) {
	id, err := s.Start(ctx, in)
	if err != nil {
		return nil, err
	}
	return s.Wait(ctx, id)
}

// Run executes queued statements until ctx is cancelled. On start it
// finishes writes a previous process committed but did not publish, sweeps
// abandoned staging files, fails executions a previous process left
// running, and re-queues executions it left queued.
func (s *Service) Run(ctx context.Context) error {
	if err := s.recover(ctx); err != nil {
		if ctx.Err() != nil {
			// Stopped before recovery finished: not a failure, and the
			// next Run recovers again.
			return nil
		}
		return err
	}
	s.mu.Lock()
	s.recovered = true
	s.mu.Unlock()
	var wg sync.WaitGroup
	for range s.opts.MaxConcurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.worker(ctx)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.pollCancels(ctx)
	}()
	<-ctx.Done()
	s.mu.Lock()
	for _, cancel := range s.running {
		cancel()
	}
	s.mu.Unlock()
	wg.Wait()
	return nil
}

// Drain runs queued statements, as Run does, until none is queued or
// running, then returns.
func (s *Service) Drain(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-t.C:
		}
		s.mu.Lock()
		idle := s.recovered && len(s.queue) == 0 && len(s.running) == 0
		s.mu.Unlock()
		if idle {
			cancel()
			return <-errc
		}
	}
}

func (s *Service) worker(ctx context.Context) {
	for {
		id, ok := s.next(ctx)
		if !ok {
			return
		}
		s.execute(ctx, id)
	}
}

// next takes the next queued id, waiting for one.
func (s *Service) next(ctx context.Context) (string, bool) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			id := s.queue[0]
			s.queue = s.queue[1:]
			s.running[id] = func() {} // claimed; execute installs the real cancel
			more := len(s.queue) > 0
			s.mu.Unlock()
			if more {
				select {
				case s.wake <- struct{}{}:
				default:
				}
			}
			return id, true
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return "", false
		case <-s.wake:
		}
	}
}

// pollCancels acts on cancellations requested by other processes.
func (s *Service) pollCancels(ctx context.Context) {
	t := time.NewTicker(s.opts.CancelPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.mu.Lock()
		ids := make([]string, 0, len(s.running))
		for id := range s.running {
			ids = append(ids, id)
		}
		s.mu.Unlock()
		for _, id := range ids {
			e, err := s.opts.Store.GetExecution(ctx, id)
			if err == nil && e.CancelRequested {
				s.mu.Lock()
				if cancel, ok := s.running[id]; ok {
					cancel()
				}
				s.mu.Unlock()
			}
		}
	}
}

// execute runs one execution to completion.
func (s *Service) execute(ctx context.Context, id string) {
	defer func() {
		s.mu.Lock()
		delete(s.running, id)
		s.mu.Unlock()
	}()
	e, err := s.opts.Store.GetExecution(ctx, id)
	if err != nil {
		s.logger.Error("load queued execution", "id", id, "err", err)
		return
	}
	if e.State != StateQueued {
		return
	}
	if e.CancelRequested {
		s.finish(ctx, e, EventCancel, nil, nil)
		return
	}
	s.mu.Lock()
	retry := s.unfinished
	s.mu.Unlock()
	if retry {
		// Never let a statement see a committed write half in place.
		if _, err := s.finishPending(ctx); err != nil {
			s.logger.Error("finish committed writes", "err", err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.running[id] = cancel
	s.mu.Unlock()

	to, err := Transition(e.State, EventStart)
	if err != nil {
		s.logger.Error("start execution", "id", id, "err", err)
		return
	}
	e.State = to
	e.StartTime = s.opts.Now()
	e.Statistics.QueryQueueTimeMillis = e.StartTime.Sub(e.SubmissionTime).Milliseconds()
	if err := s.opts.Store.UpdateExecution(ctx, e); err != nil {
		s.logger.Error("record running execution", "id", id, "err", err)
		return
	}
	s.logger.Debug("query running", "id", id, "type", e.SubstatementType)
	res, err := s.run(runCtx, e)
	switch {
	case err == nil:
		s.finish(ctx, e, EventSucceed, nil, res)
	case runCtx.Err() != nil && ctx.Err() == nil:
		s.finish(ctx, e, EventCancel, nil, res)
	case ctx.Err() != nil:
		s.finish(context.WithoutCancel(ctx), e, EventFail,
			Errorf("SERVER_SHUTTING_DOWN", "weir stopped while the query was running; run it again"), res)
	default:
		s.finish(ctx, e, EventFail, err, res)
	}
}

// finish applies a terminal event, records the outcome and wakes waiters.
func (s *Service) finish(ctx context.Context, e *Execution, ev Event, cause error, res *runResult) {
	to, err := Transition(e.State, ev)
	if err != nil {
		s.logger.Error("finish execution", "id", e.ID, "err", err)
		return
	}
	now := s.opts.Now()
	e.State = to
	e.CompletionTime = now
	if !e.StartTime.IsZero() {
		e.Statistics.EngineExecutionTimeMillis = now.Sub(e.StartTime).Milliseconds()
	}
	e.Statistics.TotalExecutionTimeMillis = now.Sub(e.SubmissionTime).Milliseconds()
	if res != nil {
		e.Statistics.DataScannedInBytes = res.scanned
		e.Statistics.ResultRows = res.rows
		e.Statistics.UpdateCount = res.updateCount
		e.Statistics.DataManifestLocation = res.manifest
		e.Statistics.QueryPlanningTimeMillis = res.planning.Milliseconds()
	}
	switch to {
	case StateFailed:
		qe := asError(cause)
		positionError(qe, e.Query)
		e.Error = athenaError(qe)
		e.StateChangeReason = qe.Error()
	case StateCancelled:
		e.StateChangeReason = "Query cancelled by user"
		e.Error = &AthenaError{ErrorCategory: CategoryUser, ErrorType: 1011, ErrorMessage: "Query cancelled by user"}
	}
	if err := s.opts.Store.UpdateExecution(ctx, e); err != nil {
		s.logger.Error("record finished execution", "id", e.ID, "err", err)
	}
	s.logger.Debug("query finished", "id", e.ID, "state", e.State, "reason", e.StateChangeReason)
	s.mu.Lock()
	if ch, ok := s.done[e.ID]; ok {
		close(ch)
		delete(s.done, e.ID)
	}
	s.mu.Unlock()
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.done, id)
	s.mu.Unlock()
}

// positionError fills in Line and Column from Offset, relative to sql.
func positionError(qe *Error, sql string) {
	if qe.Line > 0 || qe.Offset < 0 || qe.Offset > len(sql) {
		return
	}
	qe.Line, qe.Column = statement.LineCol(sql, qe.Offset)
}
