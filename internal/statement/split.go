package statement

// Piece is one statement of a script.
type Piece struct {
	// Text is the statement from its first token to its last, without
	// the comments around it and without the terminating ";".
	Text string
	// Offset is the byte offset of Text in the script.
	Offset int
}

// Split splits a script into statements at each ";" that is outside
// strings, quoted identifiers and comments. The final ";" is optional, and
// empty or comment-only statements are skipped. Each statement is lexed in
// the mode Parse would choose for it (Hive strings may hold backslash
// escapes or use double quotes), so a ";" inside any string never splits.
// Lexical errors are *SyntaxError with positions in script.
func Split(script string) ([]Piece, error) {
	var pieces []Piece
	pos := 0
	for pos <= len(script) {
		l := lexer{src: script, pos: pos, mode: statementMode(script, pos)}
		first, last := -1, -1
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t.Kind == TokenEOF || isOpTok(t, ";") {
				if first >= 0 {
					pieces = append(pieces, Piece{Text: script[first:last], Offset: first})
				}
				if t.Kind == TokenEOF {
					return pieces, nil
				}
				pos = t.Span.End
				break
			}
			if first < 0 {
				first = t.Span.Start
			}
			last = t.Span.End
		}
	}
	return pieces, nil
}
