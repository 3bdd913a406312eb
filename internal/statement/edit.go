package statement

import (
	"fmt"
	"sort"
	"strings"
)

// Edits is a set of non-overlapping replacements on a source string, for
// rewriting statement text (say, a table reference into a view name) while
// keeping a map from the rewritten text back to the original. The zero
// value is an empty set.
type Edits struct {
	edits []edit
}

type edit struct {
	span Span
	text string
	seq  int // call order, to keep insertions at one offset in order
}

// Replace records that span is to be replaced by text. An empty span
// inserts text. Calls may come in any order; Apply reports overlapping
// spans.
func (e *Edits) Replace(span Span, text string) {
	e.edits = append(e.edits, edit{span: span, text: text, seq: len(e.edits)})
}

// Len returns the number of recorded replacements.
func (e *Edits) Len() int { return len(e.edits) }

// Apply returns src with the replacements made, and a map from offsets in
// the result back to offsets in src. It fails when a span lies outside src
// or two spans overlap; insertions (empty spans) at the same offset are
// made in the order Replace was called.
func (e *Edits) Apply(src string) (string, *OffsetMap, error) {
	edits := append([]edit(nil), e.edits...)
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i].span, edits[j].span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End // an insertion goes before a replacement at its start
		}
		return edits[i].seq < edits[j].seq
	})
	var b strings.Builder
	m := &OffsetMap{inLen: len(src)}
	prev := 0
	for i, ed := range edits {
		s := ed.span
		if s.Start < 0 || s.End > len(src) || s.Start > s.End {
			return "", nil, fmt.Errorf("statement: edit span [%d,%d) is outside the text of length %d", s.Start, s.End, len(src))
		}
		if s.Start < prev {
			o := edits[i-1].span
			return "", nil, fmt.Errorf("statement: edit spans [%d,%d) and [%d,%d) overlap", o.Start, o.End, s.Start, s.End)
		}
		b.WriteString(src[prev:s.Start])
		outStart := b.Len()
		b.WriteString(ed.text)
		m.segs = append(m.segs, segment{outStart: outStart, outEnd: b.Len(), inStart: s.Start, inEnd: s.End})
		prev = s.End
	}
	b.WriteString(src[prev:])
	m.outLen = b.Len()
	return b.String(), m, nil
}

// OffsetMap maps byte offsets in edited text back to the text it was made
// from, so that an error position reported on rewritten SQL can be shown
// on the user's SQL. A nil *OffsetMap is the identity.
type OffsetMap struct {
	segs          []segment // replacements, in output order
	inLen, outLen int
	prev          *OffsetMap // applied before this one; see Then
}

// segment records that output [outStart, outEnd) replaced input
// [inStart, inEnd).
type segment struct {
	outStart, outEnd int
	inStart, inEnd   int
}

// Original maps an offset in the edited text to the original text. An
// offset inside replacement text maps to the start of the span it
// replaced; offsets in unchanged text map to the same character. Offsets
// outside the edited text are clamped to its bounds.
func (m *OffsetMap) Original(offset int) int {
	for ; m != nil; m = m.prev {
		offset = m.original(offset)
	}
	return offset
}

func (m *OffsetMap) original(offset int) int {
	offset = max(0, min(offset, m.outLen))
	// The last segment that starts at or before offset.
	i := sort.Search(len(m.segs), func(i int) bool { return m.segs[i].outStart > offset }) - 1
	if i < 0 {
		return offset
	}
	s := m.segs[i]
	if offset < s.outEnd {
		return s.inStart
	}
	return s.inEnd + offset - s.outEnd
}

// Then composes m with next, where next maps text produced from m's output:
// the result's Original maps next's output back through both to m's
// input. Either may be nil.
func (m *OffsetMap) Then(next *OffsetMap) *OffsetMap {
	if next == nil {
		return m
	}
	if m == nil {
		return next
	}
	// Copy next's chain so that m and next stay unchanged.
	head := &OffsetMap{segs: next.segs, inLen: next.inLen, outLen: next.outLen}
	tail := head
	for n := next.prev; n != nil; n = n.prev {
		tail.prev = &OffsetMap{segs: n.segs, inLen: n.inLen, outLen: n.outLen}
		tail = tail.prev
	}
	tail.prev = m
	return head
}
