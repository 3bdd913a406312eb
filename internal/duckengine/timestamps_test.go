package duckengine

import (
	"strings"
	"testing"
)

func TestJodaToStrptime(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"yyyy-MM-dd HH:mm:ss", "%Y-%m-%d %H:%M:%S", ""},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "%Y-%m-%dT%H:%M:%S.%g%z", ""},
		{"dd/MM/yy hh:mm a", "%d/%m/%y %I:%M %p", ""},
		{"EEE, dd MMM yyyy", "%a, %d %b %Y", ""},
		{"EEEE d MMMM yyyy", "%A %d %B %Y", ""},
		{"yyyyMMddHHmmss.SSSSSS", "%Y%m%d%H%M%S.%f", ""},
		{"'at' HH'h' '' 100%", "at %Hh ' 100%%", ""},
		{"yyyy-ww", "", `pattern letter 'w' is not supported`},
		{"'open", "", "unterminated quote"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := jodaToStrptime(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("jodaToStrptime(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("jodaToStrptime(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSplitFormats(t *testing.T) {
	got := splitFormats(" yyyy-MM-dd , dd MMM, yyyy'x,y', millis ")
	want := []string{"yyyy-MM-dd", "dd MMM", "yyyy'x,y'", "millis"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitFormats = %q, want %q", got, want)
	}
}
