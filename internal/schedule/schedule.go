package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Spec describes a schedule as a user writes it.
type Spec struct {
	// Expression is a rate, cron or at expression.
	Expression string
	// TimeZone is the IANA name of the zone in which cron and at
	// expressions are read, such as "Europe/Brussels"; empty means UTC.
	TimeZone string
	// Start and End, when not zero, bound a recurring schedule: it fires
	// at or after Start and before End. One-time schedules ignore them.
	Start, End time.Time
	// Created is when the schedule was created. A rate schedule without a
	// Start counts its intervals from Created, as EventBridge starts such a
	// schedule at once.
	Created time.Time
}

// Schedule is a validated schedule that computes its fire times. It is an
// immutable value, safe for concurrent use.
type Schedule struct {
	expr       Expression
	loc        *time.Location
	start, end time.Time
	anchor     time.Time // rate: the first fire time
}

// ErrNoAnchor reports a rate schedule given neither a start nor a creation
// time, so that it has nothing to count its intervals from.
var ErrNoAnchor = errors.New("a rate schedule needs a start time or its creation time")

// newOp names the operation in errors returned by New.
const newOp = "schedule.New"

// New validates spec and returns its schedule. Errors are [errs.Invalid]:
// a malformed expression (wrapping a [*SyntaxError]), an unknown time zone,
// an end not after the start, or [ErrNoAnchor].
func New(spec Spec) (*Schedule, error) {
	expr, err := Parse(spec.Expression)
	if err != nil {
		return nil, err
	}
	loc, err := LoadLocation(spec.TimeZone)
	if err != nil {
		return nil, errs.E(newOp, errs.Invalid, err)
	}
	s := &Schedule{expr: expr, loc: loc, start: spec.Start, end: spec.End}
	if !s.start.IsZero() && !s.end.IsZero() && !s.end.After(s.start) {
		return nil, errs.Errorf(newOp, errs.Invalid, "end %s is not after start %s: give an end later than the start, or none",
			s.end.Format(time.RFC3339), s.start.Format(time.RFC3339))
	}
	if expr.Kind() == KindRate {
		s.anchor = spec.Start
		if s.anchor.IsZero() {
			s.anchor = spec.Created
		}
		if s.anchor.IsZero() {
			return nil, errs.E(newOp, errs.Invalid, ErrNoAnchor)
		}
	}
	return s, nil
}

// LoadLocation returns the time zone named by an IANA name such as
// "Europe/Brussels"; "" and "UTC" are UTC. It refuses "Local", whose meaning
// depends on the machine. Zone data comes from the system or from the
// time/tzdata copy that the weir command embeds.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, fmt.Errorf("time zone %q: want an IANA name such as Europe/Brussels or America/New_York, or UTC", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: want an IANA name such as Europe/Brussels or America/New_York, or UTC", name)
	}
	return loc, nil
}

// Expression returns the schedule's expression.
func (s *Schedule) Expression() Expression { return s.expr }

// Location returns the time zone in which the schedule reads its
// expression.
func (s *Schedule) Location() *time.Location { return s.loc }

// Start returns the start of the schedule's window, or the zero time.
func (s *Schedule) Start() time.Time { return s.start }

// End returns the end of the schedule's window, or the zero time.
func (s *Schedule) End() time.Time { return s.end }

// Next returns the schedule's first fire time strictly after after, in the
// schedule's time zone, and true; or false if it never fires again. It does
// not read the clock: the caller passes the present, or the last fire time
// to step through a schedule.
func (s *Schedule) Next(after time.Time) (time.Time, bool) {
	if s.expr.kind == KindAt {
		if t := resolveAt(s.expr.at, s.loc); t.After(after) {
			return t, true
		}
		return time.Time{}, false
	}
	if !s.start.IsZero() && after.Before(s.start) {
		after = s.start.Add(-time.Nanosecond)
	}
	var t time.Time
	var ok bool
	switch s.expr.kind {
	case KindRate:
		t, ok = s.nextRate(after)
	case KindCron:
		t, ok = s.nextCron(after)
	}
	if !ok || (!s.end.IsZero() && !t.Before(s.end)) {
		return time.Time{}, false
	}
	return t, true
}

// NextN returns up to n fire times after after, in order.
func (s *Schedule) NextN(after time.Time, n int) []time.Time {
	var out []time.Time
	for range n {
		t, ok := s.Next(after)
		if !ok {
			break
		}
		out = append(out, t)
		after = t
	}
	return out
}

// nextRate returns anchor + k·interval for the least k ≥ 0 after after.
func (s *Schedule) nextRate(after time.Time) (time.Time, bool) {
	if after.Before(s.anchor) {
		return s.anchor.In(s.loc), true
	}
	step := int64(s.expr.interval / time.Second) // whole minutes, so whole seconds
	// anchor + k·step > after for k = ⌊(after − anchor) / step⌋ + 1, in
	// whole seconds: the nanoseconds of after − anchor cannot reach the
	// next multiple of step.
	diff := after.Unix() - s.anchor.Unix()
	if after.Nanosecond() < s.anchor.Nanosecond() {
		diff--
	}
	k := diff/step + 1
	sec := s.anchor.Unix() + k*step
	if sec > maxUnix {
		return time.Time{}, false
	}
	return time.Unix(sec, int64(s.anchor.Nanosecond())).In(s.loc), true
}

// maxUnix bounds rate schedules so that fire times stay printable years.
var maxUnix = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()

// maxCandidates bounds the wall-clock times nextCron tries. A zone can
// repeat or skip a few hours of wall-clock times, so a handful of tries
// suffice; the bound only guards against malformed zone data.
const maxCandidates = 1 << 12

// nextCron returns the first instant after after whose wall-clock time in
// the schedule's zone matches the cron expression. Wall-clock times that a
// zone skips do not fire; those it repeats fire at their first instant.
// Candidates are tried in wall-clock order, which is also instant order
// once each is resolved to its first instant, so the first candidate later
// than after is the answer.
func (s *Schedule) nextCron(after time.Time) (time.Time, bool) {
	w := civilOf(after.In(s.loc))
	w.second = 0 // the minute of after is itself a candidate
	for range maxCandidates {
		c, ok := s.expr.cron.next(w)
		if !ok {
			return time.Time{}, false
		}
		if t, ok := firstInstant(c, s.loc); ok && t.After(after) {
			return t, true
		}
		c.second = 1 // next time, start from the following minute
		w = c
	}
	return time.Time{}, false
}

// offsets is a small set of UTC offsets, in seconds.
type offsets struct {
	n   int
	off [6]int
}

func (o *offsets) add(x int) {
	for _, y := range o.off[:o.n] {
		if y == x {
			return
		}
	}
	if o.n < len(o.off) {
		o.off[o.n] = x
		o.n++
	}
}

func offsetAt(sec int64, loc *time.Location) int {
	_, o := time.Unix(sec, 0).In(loc).Zone()
	return o
}

// zoneOffsets returns the UTC offsets in force around the wall-clock time
// u (seconds, read as UTC), which include every offset under which u can
// occur: each such instant lies within 14 hours of u.
func zoneOffsets(u int64, loc *time.Location) offsets {
	var o offsets
	const span = 14 * 3600
	o.add(offsetAt(u-span, loc))
	o.add(offsetAt(u, loc))
	o.add(offsetAt(u+span, loc))
	for _, x := range o.off[:o.n] {
		o.add(offsetAt(u-int64(x), loc))
	}
	return o
}

// firstInstant returns the first instant whose wall-clock time in loc is c,
// and false if the zone skips c.
func firstInstant(c civil, loc *time.Location) (time.Time, bool) {
	u := c.unix()
	best, found := int64(0), false
	offs := zoneOffsets(u, loc)
	for _, o := range offs.off[:offs.n] {
		t := u - int64(o)
		if offsetAt(t, loc) == o && (!found || t < best) {
			best, found = t, true
		}
	}
	return time.Unix(best, 0).In(loc), found
}

// resolveAt returns the instant of an at expression's wall-clock time c in
// loc: its first instant, or, in a gap the zone skips, the instant c names
// under the offset before the gap (so it fires later by the gap's length),
// as java.time resolves local times.
func resolveAt(c civil, loc *time.Location) time.Time {
	if t, ok := firstInstant(c, loc); ok {
		return t
	}
	u := c.unix()
	offs := zoneOffsets(u, loc)
	lo := offs.off[0]
	for _, o := range offs.off[1:offs.n] {
		lo = min(lo, o)
	}
	return time.Unix(u-int64(lo), 0).In(loc)
}
