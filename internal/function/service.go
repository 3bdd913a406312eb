package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/errs"
)

// Options configure a Service.
type Options struct {
	// Store keeps the definitions. Required.
	Store Store
	// Logger receives the functions' standard error, a line at a time.
	Logger *slog.Logger
	// Python is the interpreter of Python functions, a path or a name
	// looked up in PATH.
	Python string
	// MaxResponseBytes bounds a function's standard output; a function
	// printing more is killed and fails (Lambda's limit is 6 MB).
	MaxResponseBytes int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// LogDir, when set, keeps every invocation's log (START, standard
	// error, the error, END, REPORT) under it, a folder a function, a
	// file a UTC day, for LogRetention (DefaultLogRetention when 0).
	LogDir       string
	LogRetention time.Duration
}

// DefaultOptions returns the defaults: python3 from PATH, Lambda's 6 MB
// response limit.
func DefaultOptions() Options {
	return Options{Python: "python3", MaxResponseBytes: 6 << 20}
}

// Service manages functions and invokes them.
type Service struct {
	opts   Options
	logger *slog.Logger
	book   *logBook // nil without Options.LogDir
}

// New returns a Service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil {
		return nil, errors.New("function: Options.Store is required")
	}
	d := DefaultOptions()
	if opts.Python == "" {
		opts.Python = d.Python
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = d.MaxResponseBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{opts: opts, logger: logger.With("component", "function")}
	if opts.LogDir != "" {
		if opts.LogRetention <= 0 {
			opts.LogRetention = DefaultLogRetention
		}
		s.book = &logBook{dir: opts.LogDir, retention: opts.LogRetention}
	}
	return s, nil
}

// Logs returns the log events of a function's invocations that q
// selects, oldest first. A function deleted keeps its logs until they
// expire; one that neither exists nor has logs is ErrFunctionNotFound.
func (s *Service) Logs(ctx context.Context, name string, q LogQuery) ([]LogEvent, error) {
	if s.book == nil {
		return nil, errors.New("function: this service keeps no logs (Options.LogDir)")
	}
	if err := ValidName(name); err != nil {
		return nil, err
	}
	events, err := s.book.read(name, q)
	if err != nil {
		return nil, fmt.Errorf("function %s: read the logs: %w", name, err)
	}
	if len(events) == 0 {
		if _, err := s.Get(ctx, name); err != nil {
			return nil, err
		}
	}
	return events, nil
}

func (s *Service) now() time.Time { return s.opts.Now() }

// NewFunction returns a command function with the defaults filled in.
func NewFunction(name, command string) *Function {
	return &Function{Name: name, Runtime: RuntimeCommand, Command: command, Timeout: DefaultTimeout}
}

// NewPythonFunction returns a Python function with the defaults filled in.
func NewPythonFunction(name, module, handler string) *Function {
	if handler == "" {
		handler = DefaultHandler
	}
	return &Function{Name: name, Runtime: RuntimePython, Module: module, Handler: handler, Timeout: DefaultTimeout}
}

// Create adds a function.
func (s *Service) Create(ctx context.Context, f *Function) error {
	f = f.Clone()
	if err := f.Validate(); err != nil {
		return err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	f.CreateTime, f.LastModified = now, now
	if err := s.opts.Store.CreateFunction(ctx, f); err != nil {
		return fmt.Errorf("function: create %s: %w", f.Name, err)
	}
	return nil
}

// Get returns a function's definition.
func (s *Service) Get(ctx context.Context, name string) (*Function, error) {
	f, err := s.opts.Store.GetFunction(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("function: %s: %w", name, err)
	}
	return f, nil
}

// List returns all functions sorted by name.
func (s *Service) List(ctx context.Context) ([]*Function, error) {
	return s.opts.Store.ListFunctions(ctx)
}

// Update changes a function with fn; the result must be valid.
func (s *Service) Update(ctx context.Context, name string, fn func(f *Function) error) error {
	err := s.opts.Store.UpdateFunction(ctx, name, func(f *Function) error {
		if err := fn(f); err != nil {
			return err
		}
		if f.Name != name {
			return errs.Errorf("function.Update", errs.Invalid, "a function cannot be renamed")
		}
		f.LastModified = s.now().UTC().Truncate(time.Millisecond)
		return f.Validate()
	})
	if err != nil {
		return fmt.Errorf("function: update %s: %w", name, err)
	}
	return nil
}

// Delete removes a function.
func (s *Service) Delete(ctx context.Context, name string) error {
	if err := s.opts.Store.DeleteFunction(ctx, name); err != nil {
		return fmt.Errorf("function: delete %s: %w", name, err)
	}
	return nil
}

// Invoke runs the function name on event (a JSON value) and waits for
// it. A failure of the function is an *Error; a missing function
// ErrFunctionNotFound; when ctx ends first the process group is killed
// and ctx's error returned. The Invocation is returned in every case
// after the function ran, with its log tail.
func (s *Service) Invoke(ctx context.Context, name string, event any) (*Invocation, error) {
	f, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.InvokeFunction(ctx, f, event)
}

// InvokeFunction runs f, which need not be stored, as Invoke does.
func (s *Service) InvokeFunction(ctx context.Context, f *Function, event any) (*Invocation, error) {
	return s.InvokeRequest(ctx, f, event, uuid.NewString())
}

// InvokeRequest runs f as InvokeFunction does under the request id
// given, for a caller that names the invocation before it runs (an
// asynchronous invocation answers with its id at once, as Lambda's
// Event invocations do).
func (s *Service) InvokeRequest(ctx context.Context, f *Function, event any, requestID string) (*Invocation, error) {
	// A trailing newline lets shell functions read the event with read -r.
	input := []byte(encode(event) + "\n")
	inv := &Invocation{RequestID: requestID}
	if s.book != nil {
		inv.log = &invocationLog{}
	}
	s.logger.Debug("invoking function", "function", f.Name, "request_id", inv.RequestID)
	start := time.Now()
	err := s.run(ctx, f, input, inv)
	var fe *Error
	if errors.As(err, &fe) {
		s.logger.Info("function failed", "function", f.Name, "request_id", inv.RequestID, "error", fe.Name, "cause", fe.Cause())
	}
	if s.book != nil {
		if inv.Duration == 0 {
			inv.Duration = time.Since(start)
		}
		if lerr := s.book.record(f.Name, inv, start, err); lerr != nil {
			s.logger.Warn("cannot write the function's log", "function", f.Name, "request_id", inv.RequestID, "err", lerr)
		}
	}
	return inv, err
}
