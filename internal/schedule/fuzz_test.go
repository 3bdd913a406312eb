package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// FuzzParse checks that Parse never panics, that its errors are
// *SyntaxErrors of kind Invalid, and that a parsed expression's fire times
// increase, match the expression, stay within the year bounds and come
// quickly. It is seeded from the expressions in testdata/*.txt.
func FuzzParse(f *testing.F) {
	for _, file := range scriptFiles(f) {
		for _, rec := range readScriptFile(f, file) {
			f.Add(rec.keys["expr"], int64(0))
		}
	}
	f.Add("cron(0 0 ? * 6#5 2199)", int64(-1e9))
	zones := []*time.Location{time.UTC, mustLoad(f, "Europe/Brussels"), mustLoad(f, "America/New_York")}
	f.Fuzz(func(t *testing.T, expr string, offset int64) {
		e, err := Parse(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.Is(err, errs.Invalid) || !errors.As(err, &se) || se.Msg == "" {
				t.Fatalf("Parse(%q) error %v is not an Invalid *SyntaxError with a message", expr, err)
			}
			return
		}
		if e.String() != strings.TrimSpace(expr) {
			t.Fatalf("String() = %q for %q", e.String(), expr)
		}
		if _, err := Parse(e.String()); err != nil {
			t.Fatalf("Parse(%q).String() does not parse again: %v", expr, err)
		}
		// Start somewhere between 1900 and 2300.
		from := base.Add(time.Duration(offset%(200*366*24)) * time.Hour)
		// A window that opens a few days after from and lasts 40 days.
		start := from.Add(time.Duration(offset%97) * time.Hour)
		end := start.Add(40 * 24 * time.Hour)
		for i, loc := range zones {
			s := &Schedule{expr: e, loc: loc, anchor: base}
			if i == 1 {
				s.start, s.end, s.anchor = start, end, start
			}
			after := from
			for i := range 5 {
				next, ok := s.Next(after)
				if !ok {
					break
				}
				if !next.After(after) {
					t.Fatalf("%s in %v: fire %d at %v is not after %v", expr, loc, i, next, after)
				}
				if !s.start.IsZero() && e.Kind() != KindAt && (next.Before(s.start) || !next.Before(s.end)) {
					t.Fatalf("%s in %v: fire %d at %v is outside [%v, %v)", expr, loc, i, next, s.start, s.end)
				}
				if e.Kind() == KindCron {
					w := civilOf(next.In(loc))
					if w.year < MinYear || w.year > MaxYear || w.second != 0 || !e.cron.matches(w) {
						t.Fatalf("%s in %v: fire %d at %v does not match", expr, loc, i, next)
					}
				}
				after = next
			}
		}
	})
}
