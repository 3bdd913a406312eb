package statement

import (
	"fmt"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/errs"
)

// SyntaxError reports malformed statement text. Its message says what was
// expected and what was found; Error prefixes it with the position in the
// style of Trino ("line 1:15: ...").
type SyntaxError struct {
	Offset int // byte offset in the text that was parsed or split
	Line   int // 1-based line of Offset
	Column int // 1-based column of Offset, counted in characters
	Msg    string
}

// Error returns "line L:C: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d:%d: %s", e.Line, e.Column, e.Msg)
}

// Is reports that a SyntaxError is of kind errs.Invalid, so that
// errors.Is(err, errs.Invalid) holds and transports report a client error.
func (e *SyntaxError) Is(target error) bool { return target == errs.Invalid }

// syntaxErrorf builds a SyntaxError at byte offset off of src.
func syntaxErrorf(src string, off int, format string, args ...any) *SyntaxError {
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	line, col := LineCol(src, off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// LineCol returns the 1-based line and column of byte offset in src.
// Columns count characters (runes), not bytes. Offsets outside src are
// clamped to its bounds.
func LineCol(src string, offset int) (line, col int) {
	if offset > len(src) {
		offset = len(src)
	}
	line, col = 1, 1
	for i := 0; i < offset; {
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += size
	}
	return line, col
}
