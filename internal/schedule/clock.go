package schedule

import "time"

// Clock is the time a Scheduler sees. Tests use a fake one
// (scheduletest.Clock) that moves only when told, so that no test
// sleeps.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that delivers on its channel once d has
	// passed (at once when d ≤ 0).
	NewTimer(d time.Duration) Timer
}

// Timer is a Clock's one-shot timer.
type Timer interface {
	// C returns the channel the timer delivers on.
	C() <-chan time.Time
	// Stop stops the timer; it reports whether it had not fired yet.
	Stop() bool
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (SystemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time { return t.t.C }
func (t sysTimer) Stop() bool          { return t.t.Stop() }
