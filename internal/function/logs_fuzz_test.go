package function

import (
	"strings"
	"testing"
)

// FuzzParseLogLine checks that no line of a log file makes the reader
// panic, and that what it accepts has a time and no line break.
func FuzzParseLogLine(f *testing.F) {
	for _, seed := range []string{"2024-03-01T09:00:00.000Z\tid\tmessage", "2024-03-01T09:00:00Z\t\t", "x\ty\tz", "\t\t", "2024-03-0", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, ok := parseLogLine(line)
		if !ok {
			return
		}
		if e.Timestamp.IsZero() && !strings.HasPrefix(line, "0001-01-01") {
			t.Fatalf("accepted %q without a time", line)
		}
		if strings.Contains(e.RequestID, "\t") {
			t.Fatalf("a request id with a tab: %q", e.RequestID)
		}
	})
}
