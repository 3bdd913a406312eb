package workflow

import (
	"context"
	"sync"
)

// Inflight is the set of executions a process is running. Runners that
// share one never run an execution twice at once: Execute of an
// execution that another Execute is running waits for that run to end
// and answers with its end. Without it, a background runner that
// resumes every open execution and a parent's nested-execution task
// could both run the same child, each invoking its tasks.
//
// One data directory is worked on by one process (its lock), so a
// process-wide set is enough.
type Inflight struct {
	mu      sync.Mutex
	running map[string]chan struct{} // closed when the run ends
}

// NewInflight returns an empty set.
func NewInflight() *Inflight {
	return &Inflight{running: map[string]chan struct{}{}}
}

// acquire marks arn as running and returns the function that ends the
// run; if arn is already running, it waits for that run to end (or for
// ctx) and tries again.
func (in *Inflight) acquire(ctx context.Context, arn string) (release func(), err error) {
	for {
		in.mu.Lock()
		done, busy := in.running[arn]
		if !busy {
			done = make(chan struct{})
			in.running[arn] = done
			in.mu.Unlock()
			return func() {
				in.mu.Lock()
				delete(in.running, arn)
				in.mu.Unlock()
				close(done)
			}, nil
		}
		in.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Running reports whether an Execute of arn runs in this process: to
// stop it, ask that run (Store.RequestStop) rather than record the end
// behind its back.
func (in *Inflight) Running(arn string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	_, ok := in.running[arn]
	return ok
}
