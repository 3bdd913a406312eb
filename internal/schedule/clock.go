package schedule

import "time"

// Clock is the time a Scheduler sees. Tests use a fake one
// (scheduletest.Clock) that moves only when told, so that no test
// sleeps.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that delivers on its channel once the
	// clock shows at or later (at once if it does already). The deadline
	// is absolute so that a clock moved between reading Now and arming
	// the timer cannot make it fire late.
	NewTimer(at time.Time) Timer
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

// NewTimer returns a time.Timer for the time until at.
func (SystemClock) NewTimer(at time.Time) Timer { return sysTimer{time.NewTimer(time.Until(at))} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time { return t.t.C }
func (t sysTimer) Stop() bool          { return t.t.Stop() }
