package statement

import (
	"strings"
	"testing"
)

type replacement struct {
	span Span
	text string
}

func TestEditsApply(t *testing.T) {
	const src = "SELECT * FROM orders o JOIN items i ON o.id = i.order_id"
	orders := Span{14, 20}
	items := Span{28, 33}
	tests := []struct {
		name  string
		edits []replacement
		want  string
	}{
		{"none", nil, src},
		{"one", []replacement{{orders, `"weir_v1"`}}, `SELECT * FROM "weir_v1" o JOIN items i ON o.id = i.order_id`},
		{"two in reverse order", []replacement{{items, "v2"}, {orders, "v1"}}, "SELECT * FROM v1 o JOIN v2 i ON o.id = i.order_id"},
		{"delete", []replacement{{Span{6, 8}, ""}}, "SELECT FROM orders o JOIN items i ON o.id = i.order_id"},
		{"insertions keep call order", []replacement{{Span{0, 0}, "/* a */ "}, {Span{0, 0}, "/* b */ "}}, "/* a */ /* b */ " + src},
		{"insertion before a replacement at the same offset", []replacement{{orders, "v1"}, {Span{14, 14}, "x."}}, "SELECT * FROM x.v1 o JOIN items i ON o.id = i.order_id"},
		{"adjacent", []replacement{{Span{0, 6}, "select"}, {Span{6, 8}, "_x"}}, "select_x FROM orders o JOIN items i ON o.id = i.order_id"},
		{"at the end", []replacement{{Span{len(src), len(src)}, " LIMIT 10"}}, src + " LIMIT 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Edits
			for _, r := range tt.edits {
				e.Replace(r.span, r.text)
			}
			if e.Len() != len(tt.edits) {
				t.Errorf("Len() = %d, want %d", e.Len(), len(tt.edits))
			}
			got, m, err := e.Apply(src)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got != tt.want {
				t.Errorf("Apply\n got: %s\nwant: %s", got, tt.want)
			}
			if m.Original(0) != 0 && !strings.HasPrefix(tt.name, "insertion") {
				t.Errorf("Original(0) = %d, want 0", m.Original(0))
			}
			if o := m.Original(len(got)); o != len(src) {
				t.Errorf("Original(end) = %d, want %d", o, len(src))
			}
		})
	}
}

func TestEditsErrors(t *testing.T) {
	const src = "SELECT 1"
	tests := []struct {
		name  string
		edits []replacement
		want  string
	}{
		{"overlap", []replacement{{Span{0, 5}, "a"}, {Span{3, 7}, "b"}}, "overlap"},
		{"same span twice", []replacement{{Span{0, 6}, "a"}, {Span{0, 6}, "b"}}, "overlap"},
		{"insertion inside a replacement", []replacement{{Span{0, 6}, "a"}, {Span{3, 3}, "b"}}, "overlap"},
		{"past the end", []replacement{{Span{7, 9}, "a"}}, "outside"},
		{"negative", []replacement{{Span{-1, 2}, "a"}}, "outside"},
		{"reversed", []replacement{{Span{5, 2}, "a"}}, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Edits
			for _, r := range tt.edits {
				e.Replace(r.span, r.text)
			}
			_, m, err := e.Apply(src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Apply error = %v, want one containing %q", err, tt.want)
			}
			if m != nil {
				t.Errorf("Apply returned a map with an error")
			}
		})
	}
}

func TestOffsetMapOriginal(t *testing.T) {
	const src = "SELECT a FROM t WHERE b = 1"
	//           0123456789012345678901234567
	var e Edits
	e.Replace(Span{14, 15}, `"weir_view_123"`) // t → 15 bytes
	e.Replace(Span{7, 8}, "")                  // drop a
	e.Replace(Span{26, 26}, "0")               // 1 → 01
	out, m, err := e.Apply(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := `SELECT  FROM "weir_view_123" WHERE b = 01`; out != want {
		t.Fatalf("Apply = %q, want %q", out, want)
	}
	tests := []struct {
		name      string
		out, orig int
	}{
		{"before any edit", 3, 3},
		{"after a deletion", 7, 8},
		{"unchanged after deletion", 8, 9},
		{"start of replacement", 13, 14},
		{"inside replacement", 20, 14},
		{"last byte of replacement", 27, 14},
		{"right after replacement", 28, 15},
		{"the b", strings.Index(out, "b ="), strings.Index(src, "b =")},
		{"inserted text", strings.Index(out, "01"), 26},
		{"after insertion", len(out) - 1, 26},
		{"end", len(out), len(src)},
		{"past the end clamps", len(out) + 10, len(src)},
		{"negative clamps", -5, 0},
	}
	for _, tt := range tests {
		if got := m.Original(tt.out); got != tt.orig {
			t.Errorf("%s: Original(%d) = %d, want %d", tt.name, tt.out, got, tt.orig)
		}
	}
}

func TestOffsetMapNilAndThen(t *testing.T) {
	var nilMap *OffsetMap
	for _, o := range []int{0, 5, 100} {
		if got := nilMap.Original(o); got != o {
			t.Errorf("nil Original(%d) = %d", o, got)
		}
	}
	if nilMap.Then(nil) != nil {
		t.Errorf("nil.Then(nil) is not nil")
	}

	// Two rewrites: "FROM t" → "FROM sales.t" → "FROM read_parquet('x')".
	const src = "SELECT * FROM t WHERE x"
	var e1 Edits
	e1.Replace(Span{14, 15}, "sales.t")
	mid, m1, err := e1.Apply(src)
	if err != nil {
		t.Fatal(err)
	}
	var e2 Edits
	at := strings.Index(mid, "sales.t")
	e2.Replace(Span{at, at + len("sales.t")}, "read_parquet('x')")
	e2.Replace(Span{0, 0}, "/*weir*/")
	out, m2, err := e2.Apply(mid)
	if err != nil {
		t.Fatal(err)
	}
	both := m1.Then(m2)
	x := strings.LastIndex(out, "x")
	if got, want := both.Original(x), strings.LastIndex(src, "x"); got != want {
		t.Errorf("composed Original(x) = %d, want %d (%q)", got, want, out)
	}
	if got, want := both.Original(strings.Index(out, "parquet")), 14; got != want {
		t.Errorf("composed Original(inside replacement) = %d, want %d", got, want)
	}
	if got := both.Original(0); got != 0 {
		t.Errorf("composed Original(0) = %d, want 0", got)
	}
	// Then leaves its operands alone and accepts nil on either side.
	if got, want := m2.Original(x), strings.LastIndex(mid, "x"); got != want {
		t.Errorf("m2 changed by Then: Original(x) = %d, want %d", got, want)
	}
	if nilMap.Then(m2) != m2 || m1.Then(nil) != m1 {
		t.Errorf("Then with nil does not return the other map")
	}
	// A three-step chain through Then of a composed map.
	var e3 Edits
	e3.Replace(Span{0, 0}, "  ")
	_, m3, err := e3.Apply(out)
	if err != nil {
		t.Fatal(err)
	}
	three := m1.Then(m2.Then(m3))
	if got, want := three.Original(x+2), strings.LastIndex(src, "x"); got != want {
		t.Errorf("three-step Original = %d, want %d", got, want)
	}
}
