package scheduletest

import (
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/schedule"
)

// Clock is a fake schedule.Clock: its time moves only with Set and
// Advance, which fire the timers that come due. Tests wait for the code
// under test to arm a timer (AwaitTimer) instead of sleeping.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*timer]bool
	armed  chan struct{} // closed and replaced whenever a timer is armed
}

// NewClock returns a fake clock showing now.
func NewClock(now time.Time) *Clock {
	return &Clock{now: now, timers: map[*timer]bool{}, armed: make(chan struct{})}
}

type timer struct {
	c    *Clock
	at   time.Time
	ch   chan time.Time
	done bool
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer implements schedule.Clock.
func (c *Clock) NewTimer(at time.Time) schedule.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: c, at: at, ch: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.done = true
		t.ch <- c.now
		return t
	}
	c.timers[t] = true
	close(c.armed)
	c.armed = make(chan struct{})
	return t
}

func (t *timer) C() <-chan time.Time { return t.ch }

func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.done
	t.done = true
	delete(t.c.timers, t)
	return was
}

// Set moves the clock to now (forward or back) and fires the timers due.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	for t := range c.timers {
		if !t.at.After(now) {
			t.done = true
			delete(c.timers, t)
			t.ch <- now
		}
	}
}

// Advance moves the clock forward by d and fires the timers due.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// AwaitTimer waits until a timer is armed that fires at deadline (or at
// any time, for the zero deadline) and fails the test if none is within
// ten seconds of real time: a way to know that a Scheduler has handled
// everything due and sleeps until deadline.
func (c *Clock) AwaitTimer(t testing.TB, deadline time.Time) {
	t.Helper()
	give := time.NewTimer(10 * time.Second)
	defer give.Stop()
	for {
		c.mu.Lock()
		for tm := range c.timers {
			if deadline.IsZero() || tm.at.Equal(deadline) {
				c.mu.Unlock()
				return
			}
		}
		armed := c.armed
		c.mu.Unlock()
		select {
		case <-armed:
		case <-give.C:
			t.Fatalf("no timer for %s was armed within 10s", deadline.Format(time.RFC3339Nano))
		}
	}
}
