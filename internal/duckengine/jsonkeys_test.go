package duckengine

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKeyScan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string][]string
	}{
		{"top level in order", `{"Zeta": 1, "alpha": "x", "zeta": 2}`, map[string][]string{"zeta": {"Zeta", "zeta"}, "alpha": {"alpha"}}},
		{"nested objects and arrays", `{"Loc": {"Lat": 1, "lon": [1, {"Deep": true}]}, "items": [{"T": 1}, {"t": 2}]}`,
			map[string][]string{"loc": {"Loc"}, "loc.lat": {"Lat"}, "loc.lon": {"lon"}, "loc.lon.deep": {"Deep"}, "items": {"items"}, "items.t": {"T", "t"}}},
		{"strings holding JSON syntax", `{"a": "{\"fake\": 1}", "b:c": "x,y", "d": ["}", "\""]}`, map[string][]string{"a": {"a"}, "b:c": {"b:c"}, "d": {"d"}}},
		{"escaped key", `{"a\"b": 1, "\u00e9t\u00e9": 2}`, map[string][]string{`a"b`: {`a"b`}, "été": {"été"}}},
		{"several lines", "{\"a\": 1}\n{\"B\": {\"c\": 1}}\n", map[string][]string{"a": {"a"}, "b": {"B"}, "b.c": {"c"}}},
		{"malformed lines are skipped", "{\"a\": 1, \"b\"\nnot json\n{\"c\": [}\n{\"d\": 1}", map[string][]string{"a": {"a"}, "b": {"b"}, "c": {"c"}, "d": {"d"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &keySample{spellings: map[string][]string{}}
			s.scan([]byte(tt.in))
			if !reflect.DeepEqual(s.spellings, tt.want) {
				t.Errorf("scan(%s) = %v, want %v", tt.in, s.spellings, tt.want)
			}
		})
	}
}

// FuzzKeyScan checks the scanner never panics and, for one valid JSON
// object per line, finds exactly the keys encoding/json sees.
func FuzzKeyScan(f *testing.F) {
	for _, s := range []string{`{"a": {"B": [1, {"c": null}]}}`, `{"x\"y": "}{"}`, "{\"a\":1}\n{\"A\":2}", `[{"a":1}]`, `{"a":`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := &keySample{spellings: map[string][]string{}}
		s.scan([]byte(in))
		if strings.Contains(in, "\n") || !utf8.ValidString(in) {
			return // one record per line; encoding/json rewrites invalid UTF-8
		}
		var v map[string]any
		if json.Unmarshal([]byte(in), &v) != nil {
			return
		}
		want := map[string]bool{}
		var walk func(prefix string, v any, depth int)
		walk = func(prefix string, v any, depth int) {
			if depth >= 31 {
				return
			}
			switch x := v.(type) {
			case map[string]any:
				for k, val := range x {
					p := strings.ToLower(k)
					if prefix != "" {
						p = prefix + "." + p
					}
					want[p+"\x00"+k] = true
					walk(p, val, depth+1)
				}
			case []any:
				for _, e := range x {
					walk(prefix, e, depth+1)
				}
			}
		}
		walk("", v, 0)
		got := map[string]bool{}
		for p, sp := range s.spellings {
			for _, k := range sp {
				got[p+"\x00"+k] = true
			}
		}
		for k := range want {
			if !got[k] {
				keys := []string{}
				for g := range got {
					keys = append(keys, g)
				}
				sort.Strings(keys)
				t.Fatalf("scan missed %q (found %q)", k, keys)
			}
		}
	})
}
