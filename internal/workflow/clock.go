package workflow

import (
	"context"
	"sync"
	"time"
)

// Clock is the time an execution sees: Wait states and retry intervals
// sleep on it, and history events are stamped with it.
type Clock interface {
	Now() time.Time
	// Sleep returns after d, or with ctx's error when ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or for ctx to end.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// VirtualClock skips time: Sleep moves its clock forward at once, so
// Wait-heavy machines finish in milliseconds (weir states run
// --fast-timers). Concurrent sleepers each move it by their own
// duration; the clock only ever moves forward.
type VirtualClock struct {
	mu   sync.Mutex
	base time.Time // real time at creation
	skip time.Duration
}

// NewVirtualClock returns a virtual clock starting at the current time.
func NewVirtualClock() *VirtualClock { return &VirtualClock{base: time.Now()} }

// Now returns real time plus the time skipped so far.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.skip)
}

// Sleep skips d and returns at once.
func (c *VirtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.mu.Lock()
		c.skip += d
		c.mu.Unlock()
	}
	return nil
}
