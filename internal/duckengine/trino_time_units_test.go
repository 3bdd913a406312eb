package duckengine

import (
	"strings"
	"testing"
	"time"
)

func TestMysqlToStrftime(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"date and time", "%Y-%m-%d %H:%i:%s", "%Y-%m-%d %H:%M:%S", ""},
		{"unpadded", "%c/%e %k %l", "%-m/%-d %-H %-I", ""},
		{"names", "%a %W %b %M %p", "%a %A %b %B %p", ""},
		{"composites", "%r|%T", "%I:%M:%S %p|%H:%M:%S", ""},
		{"micros at millisecond precision", "%f", "%g000", ""},
		{"week year", "%x-%v", "%G-%V", ""},
		{"literal percent", "100%%", "100%%", ""},
		{"other letter is itself", "%Q%1", "Q1", ""},
		{"percent after code", "%%%Y", "%%%Y", ""},
		{"refused as Trino", "%D", "", "%D not supported in date format string"},
		{"refused week", "%U", "", "%U not supported"},
		{"trailing percent", "%Y%", "", "single %"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mysqlToStrftime(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("mysqlToStrftime(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("mysqlToStrftime(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMysqlToStrptime(t *testing.T) {
	tests := []struct {
		name, in, want string
		rule           yearRule
		err            string
	}{
		{"full", "%Y-%m-%d %H:%i:%s.%f", "%Y-%m-%d %H:%M:%S.%f", 0, ""},
		{"no year", "%H:%i", "%H:%M", yearRuleNone, ""},
		{"two-digit year", "%y%m%d", "%y%m%d", 1970, ""},
		{"unpadded read as padded", "%c/%e %k %l %p", "%m/%d %H %I %p", yearRuleNone, ""},
		{"day names refused", "%W %Y", "", 0, "NOT_SUPPORTED"},
		{"week year refused", "%x", "", 0, "NOT_SUPPORTED"},
		{"Trino refuses", "%w", "", 0, "%w not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rule, err := mysqlToStrptime(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("mysqlToStrptime(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || rule != tt.rule {
				t.Fatalf("mysqlToStrptime(%q) = %q, %d, %v; want %q, %d", tt.in, got, rule, err, tt.want, tt.rule)
			}
		})
	}
}

func TestJodaFormat(t *testing.T) {
	at := time.Date(2024, 3, 5, 14, 7, 9, 123456789, time.UTC)
	midnight := time.Date(2021, 1, 3, 0, 5, 0, 0, time.UTC) // a Sunday in ISO week 53 of 2020
	tests := []struct {
		name    string
		pattern string
		t       time.Time
		want    string
		fast    bool // strftime can print it
	}{
		{"iso", "yyyy-MM-dd'T'HH:mm:ss.SSS", at, "2024-03-05T14:07:09.123", true},
		{"unpadded", "y M d H m s", at, "2024 3 5 14 7 9", false},
		{"texts", "EEE EEEE MMM MMMM a", at, "Tue Tuesday Mar March PM", true},
		{"fraction digits", "S SS SSSS", at, "1 12 1230", false},
		{"clock hours", "h hh k K", midnight, "12 12 24 0", false},
		{"week fields", "xxxx-'W'ww-e", midnight, "2020-W53-7", false},
		{"era and century", "G C", at, "AD 20", false},
		{"zones", "Z ZZ ZZZ z zzzz", at, "+0000 +00:00 UTC UTC Coordinated Universal Time", true},
		{"quotes", "''h'' 'o''clock'", at, "'2' o'clock", true},
		{"unterminated quote runs to the end", "yyyy 'abc", at, "2024 abc", true},
		{"day of year", "D DDD", midnight, "3 003", true},
		{"two-digit year", "yy", midnight, "21", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jp, err := compileJoda(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := jp.format(tt.t); got != tt.want {
				t.Errorf("format = %q, want %q", got, tt.want)
			}
			if _, ok := jp.strftime(); ok != tt.fast {
				t.Errorf("strftime possible = %v, want %v", ok, tt.fast)
			}
		})
	}
	if _, err := compileJoda("yyyy-MM-dd q"); err == nil || !strings.Contains(err.Error(), "Illegal pattern component: q") {
		t.Errorf("compileJoda(q) error = %v", err)
	}
}

func TestJodaStrptime(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		pattern, want string
		rule          yearRule
		err           string
	}{
		{"yyyy-MM-dd HH:mm:ss.SSS", "%Y-%m-%d %H:%M:%S.%g", 0, ""},
		{"yyyyMMdd", "%Y%m%d", 0, ""},
		{"dd/MM/yy", "%d/%m/%y", 1946, ""},
		{"HH:mm", "%H:%M", yearRuleNone, ""},
		{"MMM d, yyyy h:mm a Z", "%b %d, %Y %I:%M %p %z", 0, ""},
		{"'T'HH", "T%H", yearRuleNone, ""},
		{"yyyy-MM-dd EEE", "", 0, "pattern EEE is not supported"},
		{"yyyy z", "", 0, "pattern z is not supported"},
		{"yyyy S", "", 0, "pattern S is not supported"},
		{"yMMdd", "", 0, "pattern y is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			jp, err := compileJoda(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got, rule, err := jp.strptime(now)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("strptime = %q, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want || rule != tt.rule {
				t.Fatalf("strptime = %q, %d, %v; want %q, %d", got, rule, err, tt.want, tt.rule)
			}
		})
	}
}

func TestParseISO(t *testing.T) {
	ts := func(s string) time.Time {
		x, err := time.Parse("2006-01-02 15:04:05.000", s)
		if err != nil {
			panic(err)
		}
		return x
	}
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2024-03-05T14:07:09.123Z", ts("2024-03-05 14:07:09.123"), ""},
		{"2020-05-11T11:15:05-05:00", ts("2020-05-11 16:15:05.000"), ""},
		{"2020-05-11T11:15:05+0530", ts("2020-05-11 05:45:05.000"), ""},
		{"2024-03-05", ts("2024-03-05 00:00:00.000"), ""},
		{"2024-03", ts("2024-03-01 00:00:00.000"), ""},
		{"2024", ts("2024-01-01 00:00:00.000"), ""},
		{"2024-065T10", ts("2024-03-05 10:00:00.000"), ""},
		{"2020-W10-1T10:30", ts("2020-03-02 10:30:00.000"), ""},
		{"T10:15", ts("1970-01-01 10:15:00.000"), ""},
		{"2024-03-05T10.5", ts("2024-03-05 10:30:00.000"), ""},
		{"2024-03-05T10:00:00,123456Z", ts("2024-03-05 10:00:00.123"), ""},
		{"2024-03-05T", ts("2024-03-05 00:00:00.000"), ""},
		{"2024-03-05TZ", ts("2024-03-05 00:00:00.000"), ""},
		{"2024-03-05t10:00z", ts("2024-03-05 10:00:00.000"), ""},
		{"2020-w10-1", ts("2020-03-02 00:00:00.000"), ""},
		{"2024-03-05 14:07:09", time.Time{}, `malformed at " 14:07:09"`},
		{"2024-03-05Z", time.Time{}, "malformed"},
		{"2024-02-30", time.Time{}, "day of month"},
		{"2024-03-05T24:00", time.Time{}, "hour of day"},
		{"", time.Time{}, "too short"},
		{"2024-03-05T14:07:09+5", time.Time{}, "Invalid format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseISOTimestamp(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseISOTimestamp(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("parseISOTimestamp(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	for in, want := range map[string]string{"2020-W10": "2020-03-02", "2020-123": "2020-05-02", "2020-12": "2020-12-01", "2020-W53-7": "2021-01-03"} {
		got, err := parseISODate(in)
		if err != nil || got.Format("2006-01-02") != want {
			t.Errorf("parseISODate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseISODate("2020-05-11T10:00"); err == nil {
		t.Errorf("parseISODate accepted a time")
	}
}

func TestHumanSeconds(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{96, "1 minute, 36 seconds"},
		{3762, "1 hour, 2 minutes, 42 seconds"},
		{56363463, "93 weeks, 1 day, 8 hours, 31 minutes, 3 seconds"},
		{0, "0 seconds"},
		{1, "1 second"},
		{59.5, "1 minute"},
		{86400, "1 day"},
	}
	for _, tt := range tests {
		if got, err := humanSeconds(tt.in); err != nil || got != tt.want {
			t.Errorf("humanSeconds(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := humanSeconds(-1); err == nil {
		t.Errorf("humanSeconds(-1) did not fail")
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"42.8ms", 43, ""},
		{"3.81 d", 329184000, ""},
		{"5m", 300000, ""},
		{" 1.5 h ", 5400000, ""},
		{"1500us", 2, ""},
		{"1 D", 0, "Unknown time unit"},
		{"ms", 0, "not a valid"},
		{"-1s", 0, "not a valid"},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseDuration(%q) = %d, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseDuration(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// FuzzJodaPattern checks that any pattern compiles or fails cleanly, and
// that a compiled pattern formats and converts without panicking and
// consistently: a strftime spelling exists only for patterns whose every
// token has one, and the parse conversion never yields a dangling %.
func FuzzJodaPattern(f *testing.F) {
	for _, s := range []string{"yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "''", "'", "EEEE, MMMM d, y G", "xxxx-'W'ww-e", "hh:mm a z", "%d %%", "SSSSSSSSSS", "yyyyMMddHHmmss"} {
		f.Add(s)
	}
	at := time.Date(2024, 3, 5, 14, 7, 9, 123e6, time.UTC)
	f.Fuzz(func(t *testing.T, p string) {
		jp, err := compileJoda(p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "INVALID_FUNCTION_ARGUMENT: Illegal pattern component") {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		_ = jp.format(at)
		if conv, ok := jp.strftime(); ok {
			checkPercents(t, conv)
		}
		if conv, _, err := jp.strptime(at); err == nil {
			checkPercents(t, conv)
		} else if !strings.HasPrefix(err.Error(), "NOT_SUPPORTED: ") {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzMysqlFormat checks that MySQL formats convert or fail with a coded
// error, and that conversions are well-formed strftime formats.
func FuzzMysqlFormat(f *testing.F) {
	for _, s := range []string{"%Y-%m-%d %H:%i:%s", "%", "%%", "%D", "100%", "%r %T %f", "%a%W%x%v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if conv, err := mysqlToStrftime(s); err == nil {
			checkPercents(t, conv)
		} else if code, _, _ := strings.Cut(err.Error(), ":"); !isErrorCode(code) {
			t.Fatalf("uncoded error %v", err)
		}
		if conv, _, err := mysqlToStrptime(s); err == nil {
			checkPercents(t, conv)
		} else if code, _, _ := strings.Cut(err.Error(), ":"); !isErrorCode(code) {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

// checkPercents fails when a strftime format has a % without a code.
func checkPercents(t *testing.T, conv string) {
	t.Helper()
	for i := 0; i < len(conv); i++ {
		if conv[i] != '%' {
			continue
		}
		i++
		if i < len(conv) && conv[i] == '-' {
			i++
		}
		if i >= len(conv) || !strings.ContainsRune("%aAbBdHIjmMpSyYgfnzZGVu", rune(conv[i])) {
			t.Fatalf("bad strftime format %q", conv)
		}
	}
}

// FuzzParseISO checks that ISO 8601 parsing never panics, fails with
// coded errors, and that what it reads prints back to the same instant.
func FuzzParseISO(f *testing.F) {
	for _, s := range []string{"2024-03-05T14:07:09.123Z", "2020-W10-1", "2020-123", "T10:15+05:30", "2024-03-05T10.5", "-0001", "2024-03-05T10:00:00,1234567890123456789-01:02:03.456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseISOTimestamp(s)
		if err != nil {
			if code, _, _ := strings.Cut(err.Error(), ":"); !isErrorCode(code) {
				t.Fatalf("uncoded error %v", err)
			}
		} else {
			back, err := parseISOTimestamp(got.UTC().Format("2006-01-02T15:04:05.000Z"))
			if err != nil || !back.Equal(got) {
				t.Fatalf("%q read as %v, which reads back as %v, %v", s, got, back, err)
			}
			if got.Nanosecond()%1e6 != 0 {
				t.Fatalf("%q read below milliseconds: %v", s, got)
			}
		}
		if d, err := parseISODate(s); err == nil && !d.Equal(d.Truncate(24*time.Hour)) {
			t.Fatalf("%q read as a date with a time: %v", s, d)
		}
	})
}
