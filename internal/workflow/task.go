package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// TaskRequest is what a Task state asks a handler to do.
type TaskRequest struct {
	// Resource is the state's Resource, placeholders substituted.
	Resource string
	// Match is what the registry matched in Resource: for a pattern
	// with a name (a Lambda function ARN), the name.
	Match string
	// Input is the effective parameters: the state's input after
	// InputPath and Parameters.
	Input any
	// Context is the context object ($$) at the task.
	Context map[string]any
	// TimeoutSeconds is the task's timeout, 0 for none; the ctx passed
	// to Invoke ends then too.
	TimeoutSeconds int
	// Heartbeat tells the state the task is alive: with HeartbeatSeconds,
	// a task that does not call it that often fails with
	// States.HeartbeatTimeout (and its ctx ends). Safe to call from any
	// goroutine.
	Heartbeat func()
}

// KeepAlive calls req.Heartbeat every interval until stop is called: a
// handler that waits for work it knows to be alive (a running query, a
// child execution: the .sync integrations) keeps the state's
// HeartbeatSeconds from failing the task meanwhile.
func (req *TaskRequest) KeepAlive(every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				req.Heartbeat()
			}
		}
	}()
	return func() { close(done); <-finished }
}

// TaskHandler runs the work of Task states: a built-in integration
// (Athena queries, Glue crawlers, nested executions) or a user function.
type TaskHandler interface {
	// Invoke runs the task to completion and returns its result (a
	// JSON value). Failures the state machine can Retry or Catch are
	// *TaskError; other errors fail the task as States.TaskFailed.
	Invoke(ctx context.Context, req *TaskRequest) (any, error)
}

// TaskHandlerFunc adapts a function to TaskHandler.
type TaskHandlerFunc func(ctx context.Context, req *TaskRequest) (any, error)

// Invoke calls f.
func (f TaskHandlerFunc) Invoke(ctx context.Context, req *TaskRequest) (any, error) {
	return f(ctx, req)
}

// TaskError is a task failure with a Step Functions error name and cause,
// which Retry and Catch rules match (Athena.InvalidRequestException,
// Glue.CrawlerRunningException, a function's errorType, ...).
type TaskError struct {
	Name  string
	Cause string
}

func (e *TaskError) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// ErrDuplicateRegistration is returned when two handlers claim one
// resource.
var ErrDuplicateRegistration = errors.New("workflow: duplicate task resource registration")

// Registry maps Task resources to handlers. It is built once, by the
// application, before executions run.
type Registry struct {
	mu       sync.RWMutex
	exact    map[string]TaskHandler
	patterns []pattern
	// Substitutions replace ${Name} and #{Name} placeholders in
	// resources (AWS::Region, AWS::AccountId, deployment variables).
	substitutions map[string]string
}

type pattern struct {
	re      *regexp.Regexp
	src     string
	handler TaskHandler
}

// NewRegistry returns an empty registry with the default substitutions
// (AWS::Region us-east-1, AWS::AccountId 000000000000, AWS::Partition aws).
func NewRegistry() *Registry {
	return &Registry{
		exact: map[string]TaskHandler{},
		substitutions: map[string]string{
			"AWS::Region": "us-east-1", "AWS::AccountId": "000000000000", "AWS::Partition": "aws",
		},
	}
}

// Register routes the resource ARN to h.
func (r *Registry) Register(resource string, h TaskHandler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.exact[resource]; dup {
		return fmt.Errorf("%w: %s", ErrDuplicateRegistration, resource)
	}
	r.exact[resource] = h
	return nil
}

// RegisterPattern routes resources matching the regular expression to
// h; the first capture group, if any, becomes TaskRequest.Match.
func (r *Registry) RegisterPattern(expr string, h TaskHandler) error {
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		return fmt.Errorf("workflow: resource pattern %q: %w", expr, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.patterns {
		if p.src == expr {
			return fmt.Errorf("%w: %s", ErrDuplicateRegistration, expr)
		}
	}
	r.patterns = append(r.patterns, pattern{re: re, src: expr, handler: h})
	return nil
}

// Substitute sets the value of a ${name} / #{name} placeholder.
func (r *Registry) Substitute(name, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.substitutions[name] = value
}

var placeholder = regexp.MustCompile(`[$#]\{([^}]*)\}`)

// Resolve substitutes placeholders in resource and finds its handler.
func (r *Registry) Resolve(resource string) (TaskHandler, string, string, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var missing []string
	res := placeholder.ReplaceAllStringFunc(resource, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := r.substitutions[name]; ok {
			return v
		}
		missing = append(missing, name)
		return m
	})
	if len(missing) > 0 {
		missing = slices.Compact(missing)
		flags := make([]string, len(missing))
		for i, name := range missing {
			flags[i] = "--substitution " + name + "=VALUE"
		}
		if len(missing) == 1 {
			return nil, res, "", fmt.Errorf("the resource %q uses the placeholder %s, which has no value; set it with %s", resource, missing[0], flags[0])
		}
		return nil, res, "", fmt.Errorf("the resource %q uses the placeholders %s, which have no value; set them with %s", resource, strings.Join(missing, ", "), strings.Join(flags, " "))
	}
	if h, ok := r.exact[res]; ok {
		return h, res, "", nil
	}
	for _, p := range r.patterns {
		if m := p.re.FindStringSubmatch(res); m != nil {
			match := ""
			if len(m) > 1 {
				match = m[1]
			}
			return p.handler, res, match, nil
		}
	}
	return nil, res, "", fmt.Errorf("the resource %q is not available in weir (available: %s)", res, strings.Join(r.names(), ", "))
}

func (r *Registry) names() []string {
	var out []string
	for k := range r.exact {
		out = append(out, k)
	}
	sort.Strings(out)
	for _, p := range r.patterns {
		out = append(out, p.src)
	}
	return out
}

// Substitute replaces ${Name} and #{Name} placeholders in a definition's
// text with their values, as CloudFormation's DefinitionSubstitutions and
// the Serverless Framework do when a state machine is deployed; the AWS::
// pseudo parameters have their defaults. Placeholders without a value
// are left as they are.
func Substitute(text string, values map[string]string) string {
	defaults := NewRegistry().substitutions
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return v
		}
		if v, ok := defaults[name]; ok {
			return v
		}
		return m
	})
}

// Placeholders returns the names of the ${NAME} and #{NAME} placeholders
// left in text, each once, in order.
func Placeholders(text string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}
