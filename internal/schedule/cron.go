package schedule

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// The bounds of the year field, which are also the bounds of every cron
// schedule.
const (
	MinYear = 1970
	MaxYear = 2199
)

// cronSpec is a parsed cron expression: one bit set per allowed value, plus
// the day rule, which needs the month's calendar.
type cronSpec struct {
	minutes uint64    // bit m for minute m
	hours   uint32    // bit h for hour h
	months  uint16    // bit m for month m (1-12)
	years   [4]uint64 // bit y-MinYear for year y
	day     dayRule
}

// dayKind is the shape of the day rule, from whichever of day-of-month and
// day-of-week is not "?".
type dayKind uint8

const (
	domSet      dayKind = iota // day-of-month values: mask bits 1-31
	domLast                    // L: the last day of the month
	domLastWeek                // LW: the last weekday of the month
	domNearWeek                // nW: the weekday nearest day n
	dowSet                     // day-of-week values: mask bits 1-7, 1 = Sunday
	dowLast                    // nL: the last weekday n of the month
	dowNth                     // n#k: the k-th weekday n of the month
)

type dayRule struct {
	kind dayKind
	mask uint32 // domSet, dowSet
	n    int    // domNearWeek: the day; dowLast, dowNth: the weekday, 1 = Sunday
	k    int    // dowNth: which one, 1-5

	// weeks repeats a dowSet mask over 38 days: bit i is set if weekday
	// i%7 (0 = Sunday) is allowed.
	weeks uint64
}

// dowRule returns the rule for a set of weekdays, mask bits 1-7.
func dowRule(mask uint32) dayRule {
	r := dayRule{kind: dowSet, mask: mask}
	for i := range 38 {
		if mask&(1<<(i%7+1)) != 0 {
			r.weeks |= 1 << i
		}
	}
	return r
}

// field describes one cron field for parsing.
type field struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ...; nil if none
}

var (
	fieldMinutes    = field{name: "minutes", min: 0, max: 59}
	fieldHours      = field{name: "hours", min: 0, max: 23}
	fieldDayOfMonth = field{name: "day-of-month", min: 1, max: 31}
	fieldMonth      = field{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	fieldDayOfWeek  = field{name: "day-of-week", min: 1, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	fieldYear       = field{name: "year", min: MinYear, max: MaxYear}
)

const cronUsage = "want cron(minutes hours day-of-month month day-of-week year), six fields separated by spaces, e.g. cron(0 8 ? * MON-FRI *)"

func parseCron(body string) (*cronSpec, *SyntaxError) {
	f := strings.Fields(body)
	if len(f) != 6 {
		msg := fmt.Sprintf("%s; got %d field(s)", cronUsage, len(f))
		if len(f) == 5 {
			msg += " (EventBridge has no seconds field but needs a year: add * at the end)"
		}
		return nil, &SyntaxError{Msg: msg}
	}
	var c cronSpec
	var err *SyntaxError
	var m uint64
	if c.minutes, err = parseSet(fieldMinutes, f[0]); err != nil {
		return nil, err
	}
	if m, err = parseSet(fieldHours, f[1]); err != nil {
		return nil, err
	}
	c.hours = uint32(m)
	if m, err = parseSet(fieldMonth, f[3]); err != nil {
		return nil, err
	}
	c.months = uint16(m)
	if c.years, err = parseYears(f[5]); err != nil {
		return nil, err
	}
	dom, dow := strings.ToUpper(f[2]), strings.ToUpper(f[4])
	switch {
	case dom == "?" && dow == "?":
		return nil, &SyntaxError{Field: "day-of-month", Text: f[2], Msg: "day-of-month and day-of-week cannot both be ?: set one of them, e.g. * in day-of-month for every day"}
	case dom != "?" && dow != "?":
		return nil, &SyntaxError{Field: "day-of-week", Text: f[4], Msg: "day-of-month and day-of-week cannot both be set: put ? in one of them, e.g. cron(0 8 * * ? *) or cron(0 8 ? * MON *)"}
	case dow == "?":
		c.day, err = parseDayOfMonth(f[2])
	default:
		c.day, err = parseDayOfWeek(f[4])
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// parseSet parses a list of values, ranges and steps into a bit set.
// Bit i stands for value i (fields whose values exceed 63 use parseYears).
func parseSet(fd field, text string) (uint64, *SyntaxError) {
	var set uint64
	err := eachItem(fd, text, true, func(v int) { set |= 1 << v })
	return set, err
}

func parseYears(text string) ([4]uint64, *SyntaxError) {
	var set [4]uint64
	err := eachItem(fieldYear, text, true, func(v int) {
		i := v - MinYear
		set[i/64] |= 1 << (i % 64)
	})
	return set, err
}

// eachItem parses text as a comma-separated list of *, values, ranges
// a-b and, if steps is true, increments */n, a/n and a-b/n, and calls add
// for every value the list includes.
func eachItem(fd field, text string, steps bool, add func(int)) *SyntaxError {
	bad := func(format string, args ...any) *SyntaxError {
		return &SyntaxError{Field: fd.name, Text: text, Msg: fmt.Sprintf(format, args...)}
	}
	if text == "?" {
		return bad("? is allowed only in day-of-month and day-of-week; use * for every %s", singular(fd))
	}
	for item := range strings.SplitSeq(strings.ToUpper(text), ",") {
		if item == "" {
			return bad("empty item in the list: write values separated by single commas, e.g. 1,15")
		}
		rng, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			if !steps {
				return bad("%s takes no increments (/): list the values instead, e.g. 2,4,6", fd.name)
			}
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > fd.max-fd.min+1 || stepText[0] == '+' {
				return bad("the increment after / must be a whole number from 1 to %d, e.g. %s", fd.max-fd.min+1, stepExample(fd))
			}
			step = n
		}
		lo, hi := fd.min, fd.max
		switch {
		case rng == "*":
		case rng == "":
			return bad("missing start before /: write */n or a/n, e.g. %s", stepExample(fd))
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err *SyntaxError
			if lo, err = value(fd, text, a); err != nil {
				return err
			}
			switch {
			case isRange:
				if hi, err = value(fd, text, b); err != nil {
					return err
				}
				if hi < lo {
					return bad("the range %s runs backwards: weir does not wrap ranges around; write it as two ranges, e.g. %s-%s,%s-%s", rng, a, fd.label(fd.max), fd.label(fd.min), b)
				}
			case !hasStep:
				hi = lo
			}
		}
		for v := lo; v <= hi; v += step {
			add(v)
		}
	}
	return nil
}

// value parses one value of a field: a number or, where the field has them,
// a three-letter name.
func value(fd field, text, s string) (int, *SyntaxError) {
	for i, n := range fd.names {
		if s == n {
			return fd.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err == nil && s[0] != '+' && s[0] != '-' && v >= fd.min && v <= fd.max {
		return v, nil
	}
	msg := fmt.Sprintf("%q is not a valid %s: want %d-%d", s, singular(fd), fd.min, fd.max)
	if fd.names != nil {
		msg += fmt.Sprintf(" or %s-%s", fd.names[0], fd.names[len(fd.names)-1])
	}
	switch {
	case fd.name == fieldDayOfWeek.name && s == "0":
		msg += " (EventBridge counts 1 = SUN to 7 = SAT, unlike Unix cron: write 1 or SUN)"
	case fd.name == fieldYear.name && err == nil && len(s) == 4:
		msg += " (the years EventBridge schedules)"
	case err != nil && strings.ContainsAny(s, "LW#?"):
		msg += fmt.Sprintf("; %s does not take L, W, # or ? here", fd.name)
	}
	return 0, &SyntaxError{Field: fd.name, Text: text, Msg: msg}
}

func singular(fd field) string {
	switch fd.name {
	case "minutes":
		return "minute"
	case "hours":
		return "hour"
	case "day-of-month":
		return "day of the month"
	case "day-of-week":
		return "day of the week"
	}
	return fd.name
}

func (fd field) label(v int) string {
	if fd.names != nil {
		return fd.names[v-fd.min]
	}
	return strconv.Itoa(v)
}

func stepExample(fd field) string {
	switch fd.name {
	case "minutes":
		return "0/15 for every 15 minutes from :00"
	case "hours":
		return "*/6 for every 6 hours"
	case "month":
		return "1/3 for every quarter"
	case "year":
		return "2026/2 for every other year"
	}
	return "1/7"
}

// parseDayOfMonth parses a day-of-month field other than "?".
func parseDayOfMonth(text string) (dayRule, *SyntaxError) {
	s := strings.ToUpper(text)
	bad := func(msg string) (dayRule, *SyntaxError) {
		return dayRule{}, &SyntaxError{Field: "day-of-month", Text: text, Msg: msg}
	}
	switch {
	case s == "L":
		return dayRule{kind: domLast}, nil
	case s == "LW":
		return dayRule{kind: domLastWeek}, nil
	case strings.HasPrefix(s, "L-"):
		return bad("offsets from the last day (L-n) are not in EventBridge's syntax: use L for the last day, or list the days")
	case strings.HasSuffix(s, "W") && !strings.ContainsAny(s, ",-/*"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "W"))
		if err != nil || n < 1 || n > 31 || s[0] == '+' {
			return bad("W follows one day of the month from 1 to 31, e.g. 15W for the weekday nearest the 15th, or LW for the last weekday")
		}
		return dayRule{kind: domNearWeek, n: n}, nil
	case strings.ContainsAny(s, "LW"):
		return bad("L and W must stand alone in day-of-month (L, LW or a single nW such as 15W), not in a list or range")
	case strings.Contains(s, "#"):
		return bad("# belongs in day-of-week (e.g. 3#2 for the second Tuesday); put ? in day-of-month")
	}
	var mask uint64
	if err := eachItem(fieldDayOfMonth, text, true, func(v int) { mask |= 1 << v }); err != nil {
		return dayRule{}, err
	}
	return dayRule{kind: domSet, mask: uint32(mask)}, nil
}

// parseDayOfWeek parses a day-of-week field other than "?".
func parseDayOfWeek(text string) (dayRule, *SyntaxError) {
	s := strings.ToUpper(text)
	bad := func(msg string) (dayRule, *SyntaxError) {
		return dayRule{}, &SyntaxError{Field: "day-of-week", Text: text, Msg: msg}
	}
	weekday := func(s string) (int, bool) {
		v, err := value(fieldDayOfWeek, text, s)
		return v, err == nil
	}
	switch {
	case s == "L":
		return dowRule(1 << 7), nil // the last day of the week: SAT
	case strings.Contains(s, "#"):
		if strings.ContainsAny(s, ",-/*L") {
			return bad("# allows only one expression in day-of-week, such as 3#2 (the second Tuesday); lists and ranges cannot be combined with it")
		}
		d, k, _ := strings.Cut(s, "#")
		n, ok := weekday(d)
		nth, err := strconv.Atoi(k)
		if !ok || err != nil || nth < 1 || nth > 5 || k[0] == '+' {
			return bad("want n#k with a day of the week n (1-7 or SUN-SAT) and an occurrence k from 1 to 5, e.g. 3#2 for the second Tuesday")
		}
		return dayRule{kind: dowNth, n: n, k: nth}, nil
	case strings.HasSuffix(s, "L"):
		if strings.ContainsAny(s, ",-/*") {
			return bad("nL (the last day n of the month) must stand alone in day-of-week, e.g. 6L for the last Friday")
		}
		n, ok := weekday(strings.TrimSuffix(s, "L"))
		if !ok {
			return bad("want nL with a day of the week n (1-7 or SUN-SAT), e.g. 6L for the last Friday of the month")
		}
		return dayRule{kind: dowLast, n: n}, nil
	case strings.ContainsAny(s, "LW"):
		if strings.Contains(s, "W") && !containsName(s) {
			return bad("W belongs in day-of-month (e.g. 15W); put ? in day-of-week")
		}
	}
	var mask uint64
	if err := eachItem(fieldDayOfWeek, text, false, func(v int) { mask |= 1 << v }); err != nil {
		return dayRule{}, err
	}
	return dowRule(uint32(mask)), nil
}

// containsName reports whether s contains a day name (WED has a W).
func containsName(s string) bool {
	for _, n := range fieldDayOfWeek.names {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// civil is a wall-clock time with no zone.
type civil struct {
	year                             int
	month, day, hour, minute, second int
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return civil{y, int(m), d, h, mi, s}
}

// unix returns the civil time's seconds since the epoch, read as UTC.
func (c civil) unix() int64 {
	return time.Date(c.year, time.Month(c.month), c.day, c.hour, c.minute, c.second, 0, time.UTC).Unix()
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// weekdayOf returns the day of the week, 0 = Sunday.
func weekdayOf(year, month, day int) int {
	return int(time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Weekday())
}

// days returns the days of the given month the rule allows, as bits 1-31.
func (r dayRule) days(year, month int) uint32 {
	last := daysIn(year, month)
	all := uint32(1)<<(last+1) - 2
	switch r.kind {
	case domSet:
		return r.mask & all
	case domLast:
		return 1 << last
	case domLastWeek:
		switch weekdayOf(year, month, last) {
		case 0: // Sunday: back to Friday
			return 1 << (last - 2)
		case 6:
			return 1 << (last - 1)
		}
		return 1 << last
	case domNearWeek:
		d := r.n
		if d > last {
			return 0 // like a plain 31, nW does not fire in months without day n
		}
		switch weekdayOf(year, month, d) {
		case 6: // Saturday: Friday before, or Monday after the 1st
			if d == 1 {
				d = 3
			} else {
				d--
			}
		case 0: // Sunday: Monday after, or Friday before the last day
			if d == last {
				d -= 2
			} else {
				d++
			}
		}
		return 1 << d
	}
	first := weekdayOf(year, month, 1) // 0 = Sunday
	switch r.kind {
	case dowSet:
		// Day d has weekday (first+d-1)%7, so it is allowed if bit
		// first+d-1 of the weekly pattern repeated is set.
		return uint32(r.weeks>>first<<1) & all
	case dowLast:
		lastWeekday := (first + last - 1) % 7
		return 1 << (last - (lastWeekday-(r.n-1)+7)%7)
	case dowNth:
		d := 1 + (r.n-1-first+7)%7 + 7*(r.k-1)
		if d > last {
			return 0
		}
		return 1 << d
	}
	return 0
}

// firstBit returns the lowest set bit of set at or above from, or -1.
func firstBit(set uint64, from int) int {
	if from >= 64 {
		return -1
	}
	set &^= 1<<from - 1
	if set == 0 {
		return -1
	}
	return bits.TrailingZeros64(set)
}

func (c *cronSpec) hasYear(y int) bool {
	i := y - MinYear
	return i >= 0 && y <= MaxYear && c.years[i/64]&(1<<(i%64)) != 0
}

// next returns the first wall-clock time at or after from that the
// expression matches, with second 0; false if there is none before the end
// of MaxYear. It visits at most one candidate day per allowed month, so it
// takes microseconds however far ahead the answer lies.
func (c *cronSpec) next(from civil) (civil, bool) {
	y, mo, d, h, mi := from.year, from.month, from.day, from.hour, from.minute
	if from.second > 0 {
		mi++ // a later second of the minute: the next whole minute
	}
	if y < MinYear {
		y, mo, d, h, mi = MinYear, 1, 1, 0, 0
	}
	for ; y <= MaxYear; y, mo, d, h, mi = y+1, 1, 1, 0, 0 {
		if !c.hasYear(y) {
			continue
		}
		for ; mo <= 12; mo, d, h, mi = mo+1, 1, 0, 0 {
			if c.months&(1<<mo) == 0 {
				continue
			}
			days := uint64(c.day.days(y, mo))
			for dd := firstBit(days, d); dd >= 0; dd = firstBit(days, dd+1) {
				if dd != d {
					h, mi = 0, 0
				}
				for hh := firstBit(uint64(c.hours), h); hh >= 0; hh = firstBit(uint64(c.hours), hh+1) {
					if hh != h {
						mi = 0
					}
					if mm := firstBit(c.minutes, mi); mm >= 0 {
						return civil{y, mo, dd, hh, mm, 0}, true
					}
				}
				d = dd
			}
		}
	}
	return civil{}, false
}
