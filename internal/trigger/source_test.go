package trigger

import (
	"strings"
	"testing"
)

func TestParseSource(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"lake", "lake:s3://raw/in/", "lake:s3://raw/in/", ""},
		{"lake bucket root", "lake:s3://raw/", "lake:s3://raw/", ""},
		{"lake no slash", "lake:s3://raw/in", "", "does not end in '/'"},
		{"lake bad uri", "lake:raw/in/", "", "lake:s3://"},
		{"crawler", "crawler:Raw:succeeded", "crawler:raw:SUCCEEDED", ""},
		{"crawler states", "crawler:raw:FAILED,CANCELLED", "crawler:raw:FAILED,CANCELLED", ""},
		{"crawler no state", "crawler:raw", "", "no state"},
		{"crawler any", "crawler:*:FAILED", "", "name one crawler"},
		{"query", "query:FAILED", "query:FAILED", ""},
		{"query db", "query:sales:SUCCEEDED", "query:sales:SUCCEEDED", ""},
		{"query bad state", "query:TIMED_OUT", "", "want one or more of SUCCEEDED, FAILED, CANCELLED"},
		{"execution", "execution:etl:TIMED_OUT,ABORTED", "execution:etl:TIMED_OUT,ABORTED", ""},
		{"execution any", "execution:*:FAILED", "execution:*:FAILED", ""},
		{"execution empty name", "execution::FAILED", "", "empty"},
		{"unknown", "s3:raw", "", "unknown kind"},
		{"no colon", "lake", "", "want lake:s3://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSource(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseSource(%q) = %v, want error with %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != tc.want {
				t.Errorf("String() = %q, want %q", s.String(), tc.want)
			}
		})
	}
}

func TestTransitions(t *testing.T) {
	for _, tc := range []struct {
		from State
		ev   StateEvent
		want State
		ok   bool
	}{
		{StateEnabled, EventDisable, StateDisabled, true},
		{StateDisabled, EventEnable, StateEnabled, true},
		{StateEnabled, EventEnable, StateEnabled, true},
		{StateDisabled, EventDisable, StateDisabled, true},
		{"BROKEN", EventEnable, "BROKEN", false},
	} {
		got, err := tc.from.Apply(tc.ev)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("%s --%s--> %s, %v; want %s", tc.from, tc.ev, got, err, tc.want)
		}
	}
}

func FuzzParseSource(f *testing.F) {
	for _, s := range []string{"lake:s3://raw/in/", "crawler:raw:SUCCEEDED", "query:FAILED", "query:db:SUCCEEDED,FAILED", "execution:*:ABORTED", "lake:s3://b/", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSource(in)
		if err != nil {
			return
		}
		again, err := ParseSource(s.String())
		if err != nil {
			t.Fatalf("%q parsed to %q, which does not parse: %v", in, s.String(), err)
		}
		if again.String() != s.String() {
			t.Fatalf("%q: %q then %q", in, s.String(), again.String())
		}
	})
}
