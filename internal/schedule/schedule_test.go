package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// base is the fixed time the tests count from; nothing reads the clock.
var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustNew(t testing.TB, spec Spec) *Schedule {
	t.Helper()
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		expr     string
		kind     Kind
		interval time.Duration
	}{
		{"rate(1 minute)", KindRate, time.Minute},
		{"rate(5 minutes)", KindRate, 5 * time.Minute},
		{"rate(1 hour)", KindRate, time.Hour},
		{"rate(12 hours)", KindRate, 12 * time.Hour},
		{"rate(1 day)", KindRate, 24 * time.Hour},
		{"rate(7 days)", KindRate, 7 * 24 * time.Hour},
		{" rate( 5  minutes ) ", KindRate, 5 * time.Minute},
		{"cron(0 10 * * ? *)", KindCron, 0},
		{"cron(0/15 * ? * MON-FRI *)", KindCron, 0},
		{"cron(0 0 L * ? *)", KindCron, 0},
		{"cron(0 0 LW * ? *)", KindCron, 0},
		{"cron(0 0 15W * ? *)", KindCron, 0},
		{"cron(0 0 ? * 6L *)", KindCron, 0},
		{"cron(0 0 ? * L *)", KindCron, 0},
		{"cron(0 0 ? * 3#2 *)", KindCron, 0},
		{"cron(0 0 ? * WED#2 *)", KindCron, 0},
		{"cron(0 0 ? * SUN,WED *)", KindCron, 0},
		{"cron(0 0 1 JAN-MAR,DEC ? 1970-2199)", KindCron, 0},
		{"cron(0-59/1 0-23/1 1-31/1 1-12/1 ? 1970/1)", KindCron, 0},
		{"at(2026-12-01T09:30:00)", KindAt, 0},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if e.Kind() != tt.kind || e.Interval() != tt.interval {
				t.Errorf("kind %v interval %v, want %v %v", e.Kind(), e.Interval(), tt.kind, tt.interval)
			}
			if e.String() != strings.TrimSpace(tt.expr) {
				t.Errorf("String() = %q", e.String())
			}
			if e.IsOneTime() != (tt.kind == KindAt) {
				t.Errorf("IsOneTime() = %v", e.IsOneTime())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr, field, msg string
	}{
		{"rate(1 minutes)", "unit", "write rate(1 minute)"},
		{"rate(1 hours)", "unit", "write rate(1 hour)"},
		{"rate(1 days)", "unit", "write rate(1 day)"},
		{"rate(5 hour)", "unit", "write rate(5 hours)"},
		{"rate(0 days)", "value", "positive whole number"},
		{"rate(+5 days)", "value", "positive whole number"},
		{"rate(5 weeks)", "unit", "minute, minutes, hour, hours, day or days"},
		{"cron(0 10 * * ? )", "", "add * at the end"},
		{"cron(0 10 * * * *)", "day-of-week", "put ? in one of them"},
		{"cron(0 10 ? * ? *)", "day-of-month", "cannot both be ?"},
		{"cron(0 10 ? * 0 *)", "day-of-week", "1 = SUN"},
		{"cron(0 10 ? * 1/2 *)", "day-of-week", "no increments"},
		{"cron(0 10 ? * 3#1,6#3 *)", "day-of-week", "only one expression"},
		{"cron(0 10 ? * 2#0 *)", "day-of-week", "from 1 to 5"},
		{"cron(0 10 ? * 9L *)", "day-of-week", "6L for the last Friday"},
		{"cron(0 10 ? * 15W *)", "day-of-week", "W belongs in day-of-month"},
		{"cron(0 10 L,15 * ? *)", "day-of-month", "must stand alone"},
		{"cron(0 10 W * ? *)", "day-of-month", "W follows one day"},
		{"cron(0 10 L-2 * ? *)", "day-of-month", "L-n"},
		{"cron(0 10 1#2 * ? *)", "day-of-month", "# belongs in day-of-week"},
		{"cron(0 10 * * ? 2200)", "year", "1970-2199"},
		{"cron(0 10 * * ? 1/0)", "year", "increment"},
		{"cron(0 10 * * ? 20000000000000000000)", "year", "1970-2199"},
		{"cron(0 10/30 * * ? *)", "hours", "from 1 to 24"},
		{"cron(0 12-6 * * ? *)", "hours", "12-23,0-6"},
		{"cron(0 10 * DEC-JAN ? *)", "month", "DEC-DEC,JAN-JAN"},
		{"cron(* ? * * ? *)", "hours", "use * for every hour"},
		{"cron(0,,1 10 * * ? *)", "minutes", "empty item"},
		{"cron(0-5-9 10 * * ? *)", "minutes", "not a valid minute"},
		{"at(2026-12-01)", "", "at(yyyy-mm-ddThh:mm:ss)"},
		{"at(2026-12-01T09:30:00.5)", "", "without zone or fraction"},
		{"Cron(0 10 * * ? *)", "", "lower case"},
		{"cron(0 10 * * ? *", "", "want rate("},
		{"", "", "want rate("},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, errs.Invalid) {
				t.Errorf("error is not errs.Invalid: %v", err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is not a *SyntaxError: %v", err)
			}
			if se.Field != tt.field || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("got field %q message %q; want field %q message containing %q", se.Field, se.Msg, tt.field, tt.msg)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Run("default zone is UTC", func(t *testing.T) {
		s := mustNew(t, Spec{Expression: "cron(0 10 * * ? *)"})
		if s.Location() != time.UTC {
			t.Errorf("Location() = %v", s.Location())
		}
		if s.Expression().String() != "cron(0 10 * * ? *)" || !s.Start().IsZero() || !s.End().IsZero() {
			t.Errorf("accessors: %v %v %v", s.Expression(), s.Start(), s.End())
		}
	})
	tests := []struct {
		name string
		spec Spec
		want error
	}{
		{"bad expression", Spec{Expression: "rate(1 minutes)"}, errs.Invalid},
		{"bad zone", Spec{Expression: "cron(0 10 * * ? *)", TimeZone: "Mars/Olympus_Mons"}, errs.Invalid},
		{"local zone", Spec{Expression: "cron(0 10 * * ? *)", TimeZone: "Local"}, errs.Invalid},
		{"zone as a path", Spec{Expression: "cron(0 10 * * ? *)", TimeZone: "../../etc/passwd"}, errs.Invalid},
		{"end before start", Spec{Expression: "cron(0 10 * * ? *)", Start: base, End: base.Add(-time.Hour)}, errs.Invalid},
		{"rate without anchor", Spec{Expression: "rate(5 minutes)"}, ErrNoAnchor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.spec)
			if !errors.Is(err, tt.want) {
				t.Errorf("New() error = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestNext pins fire times around the cases that are easy to get wrong,
// with both the local wall-clock time and the instant spelled out.
func TestNext(t *testing.T) {
	brussels := mustLoad(t, "Europe/Brussels")
	newYork := mustLoad(t, "America/New_York")
	tests := []struct {
		name  string
		spec  Spec
		after time.Time
		want  []time.Time // in UTC; empty if the schedule never fires
	}{
		{
			name:  "Brussels spring forward skips 02:30",
			spec:  Spec{Expression: "cron(30 2 * * ? *)", TimeZone: "Europe/Brussels"},
			after: time.Date(2026, 3, 28, 12, 0, 0, 0, brussels),
			want:  []time.Time{time.Date(2026, 3, 30, 0, 30, 0, 0, time.UTC)},
		},
		{
			name:  "Brussels fall back fires 02:30 once, in summer time",
			spec:  Spec{Expression: "cron(30 2 * * ? *)", TimeZone: "Europe/Brussels"},
			after: time.Date(2026, 10, 24, 12, 0, 0, 0, brussels),
			want: []time.Time{
				time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), // 02:30 CEST
				time.Date(2026, 10, 26, 1, 30, 0, 0, time.UTC), // 02:30 CET
			},
		},
		{
			name:  "New York spring forward skips 02:00-02:59",
			spec:  Spec{Expression: "cron(0/30 * * * ? *)", TimeZone: "America/New_York"},
			after: time.Date(2026, 3, 8, 1, 15, 0, 0, newYork),
			want: []time.Time{
				time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), // 01:30 EST
				time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC),  // 03:00 EDT
			},
		},
		{
			name:  "New York fall back does not repeat 01:00-01:59",
			spec:  Spec{Expression: "cron(0/30 * * * ? *)", TimeZone: "America/New_York"},
			after: time.Date(2026, 11, 1, 5, 15, 0, 0, time.UTC), // 01:15 EDT
			want: []time.Time{
				time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), // 01:30 EDT
				time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC),  // 02:00 EST
			},
		},
		{
			name:  "leap day in a zone ahead of UTC",
			spec:  Spec{Expression: "cron(0 0 29 2 ? *)", TimeZone: "Europe/Brussels"},
			after: base,
			want: []time.Time{
				time.Date(2028, 2, 28, 23, 0, 0, 0, time.UTC),
				time.Date(2032, 2, 28, 23, 0, 0, 0, time.UTC),
			},
		},
		{
			name:  "month end in a zone behind UTC",
			spec:  Spec{Expression: "cron(0 22 L * ? *)", TimeZone: "America/New_York"},
			after: base,
			want: []time.Time{
				time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC), // Dec 31 22:00 EST
				time.Date(2026, 2, 1, 3, 0, 0, 0, time.UTC), // Jan 31 22:00 EST
				time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC), // Feb 28 22:00 EST
				time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC), // Mar 31 22:00 EDT
			},
		},
		{
			name:  "start and end window",
			spec:  Spec{Expression: "cron(0 12 * * ? *)", Start: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)},
			after: base,
			want: []time.Time{
				time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
				time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC),
			},
		},
		{
			name:  "after the end",
			spec:  Spec{Expression: "cron(0 12 * * ? *)", End: base},
			after: base,
		},
		{
			name:  "rate anchored at creation",
			spec:  Spec{Expression: "rate(90 minutes)", Created: base.Add(-time.Hour)},
			after: base,
			want:  []time.Time{base.Add(30 * time.Minute), base.Add(120 * time.Minute)},
		},
		{
			name:  "rate start wins over creation",
			spec:  Spec{Expression: "rate(1 day)", Start: base.Add(48 * time.Hour), Created: base},
			after: base,
			want:  []time.Time{base.Add(48 * time.Hour), base.Add(72 * time.Hour)},
		},
		{
			name:  "rate a century on",
			spec:  Spec{Expression: "rate(7 days)", Start: base},
			after: time.Date(2126, 1, 1, 0, 0, 0, 0, time.UTC),
			want: []time.Time{
				// 36,524 days on, 5 past a multiple of 7.
				time.Date(2126, 1, 3, 0, 0, 0, 0, time.UTC),
				time.Date(2126, 1, 10, 0, 0, 0, 0, time.UTC),
			},
		},
		{
			name:  "at in the future",
			spec:  Spec{Expression: "at(2026-07-04T12:00:00)", TimeZone: "America/New_York"},
			after: base,
			want:  []time.Time{time.Date(2026, 7, 4, 16, 0, 0, 0, time.UTC)},
		},
		{
			name:  "at in the past",
			spec:  Spec{Expression: "at(2025-07-04T12:00:00)", TimeZone: "America/New_York"},
			after: base,
		},
		{
			name:  "year bound",
			spec:  Spec{Expression: "cron(0 0 1 1 ? 2198-2199)"},
			after: time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC),
			want: []time.Time{
				time.Date(2198, 1, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2199, 1, 1, 0, 0, 0, 0, time.UTC),
			},
		},
		{
			name:  "after the last year",
			spec:  Spec{Expression: "cron(* * * * ? *)"},
			after: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, tt.spec)
			got := s.NextN(tt.after, len(tt.want)+1)
			if len(got) > len(tt.want) && len(tt.want) > 0 {
				got = got[:len(tt.want)]
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("fire %d: got %v, want %v", i, got[i].UTC(), tt.want[i])
				}
				if got[i].Location() != s.Location() {
					t.Errorf("fire %d is in %v, want %v", i, got[i].Location(), s.Location())
				}
			}
		})
	}
}

// matches reports whether the wall-clock minute w matches the cron
// expression, field by field, for the brute-force check below.
func (c *cronSpec) matches(w civil) bool {
	return c.minutes&(1<<w.minute) != 0 &&
		c.hours&(1<<w.hour) != 0 &&
		c.months&(1<<w.month) != 0 &&
		c.hasYear(w.year) &&
		c.day.days(w.year, w.month)&(1<<w.day) != 0
}

// bruteNext walks instants minute by minute, as a naive scheduler would,
// and fires at each instant whose wall-clock time matches and has not
// fired before: it is the documented DST behaviour, stated without any of
// nextCron's cleverness.
func bruteNext(c *cronSpec, loc *time.Location, after time.Time, limit time.Duration) []time.Time {
	var out []time.Time
	seen := map[civil]bool{}
	t := after.Truncate(time.Minute)
	// Wall-clock times already passed before after must not fire again on a
	// repeat either: mark the hours before after.
	for p := t.Add(-3 * time.Hour); !p.After(after); p = p.Add(time.Minute) {
		seen[civilOf(p.In(loc))] = true
	}
	for end := after.Add(limit); t.Before(end); t = t.Add(time.Minute) {
		if !t.After(after) {
			continue
		}
		w := civilOf(t.In(loc))
		if c.matches(w) && !seen[w] {
			out = append(out, t)
		}
		seen[w] = true
	}
	return out
}

func TestNextMatchesBruteForce(t *testing.T) {
	exprs := []string{
		"cron(* * * * ? *)",
		"cron(0/15 * * * ? *)",
		"cron(30 2 * * ? *)",
		"cron(0,30 1-3 * * ? *)",
		"cron(59 1 * * ? *)",
		"cron(0 0 L * ? *)",
		"cron(45 2 ? * 1L *)",
		"cron(5 1,2 ? * SUN *)",
	}
	// Windows of two days around DST changes, and one without.
	cases := []struct {
		zone string
		from time.Time
	}{
		{"Europe/Brussels", time.Date(2026, 3, 28, 10, 7, 0, 0, time.UTC)},
		{"Europe/Brussels", time.Date(2026, 10, 24, 10, 7, 30, 0, time.UTC)},
		{"Europe/Brussels", time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC)}, // inside the repeat
		{"America/New_York", time.Date(2026, 3, 7, 10, 0, 0, 0, time.UTC)},
		{"America/New_York", time.Date(2026, 10, 31, 10, 0, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", time.Date(2026, 4, 4, 0, 0, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)},
		{"Asia/Kolkata", time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC)},
	}
	const window = 48 * time.Hour
	for _, expr := range exprs {
		for _, c := range cases {
			t.Run(expr+" "+c.zone+" "+c.from.Format(time.RFC3339), func(t *testing.T) {
				s := mustNew(t, Spec{Expression: expr, TimeZone: c.zone})
				want := bruteNext(s.expr.cron, s.loc, c.from, window)
				var got []time.Time
				for after := c.from; ; {
					next, ok := s.Next(after)
					if !ok || !next.Before(c.from.Add(window)) {
						break
					}
					got = append(got, next)
					after = next
				}
				if len(got) != len(want) {
					t.Fatalf("got %d fire times, want %d\ngot  %v\nwant %v", len(got), len(want), got, want)
				}
				for i := range got {
					if !got[i].Equal(want[i]) {
						t.Fatalf("fire %d: got %v, want %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}

func TestNextNStops(t *testing.T) {
	s := mustNew(t, Spec{Expression: "at(2026-06-01T00:00:00)"})
	if got := s.NextN(base, 5); len(got) != 1 {
		t.Errorf("at fired %d times, want 1: %v", len(got), got)
	}
	if next, ok := s.Next(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); ok || !next.IsZero() {
		t.Errorf("Next after the at time = %v, %v; want the zero time, false", next, ok)
	}
	if got := s.NextN(base, 0); len(got) != 0 {
		t.Errorf("NextN(0) = %v", got)
	}
}

func BenchmarkNext(b *testing.B) {
	for _, bc := range []struct{ expr, zone string }{
		{"cron(0/5 * * * ? *)", "UTC"},
		{"cron(0 10 ? * MON-FRI *)", "Europe/Brussels"},
		{"cron(0 0 29 2 ? *)", "UTC"},
		{"cron(0 0 ? * 6#5 2199)", "America/New_York"},
		{"cron(0 0 30 2 ? *)", "UTC"}, // never fires: the whole range is searched
		{"cron(30 2 * * ? *)", "Europe/Brussels"},
		{"rate(5 minutes)", "UTC"},
	} {
		b.Run(bc.expr, func(b *testing.B) {
			s := mustNew(b, Spec{Expression: bc.expr, TimeZone: bc.zone, Created: base})
			after := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				s.Next(after)
			}
		})
	}
}
