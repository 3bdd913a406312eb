package duckengine

// A small scanner over query text for the array family's rewrites: it
// finds where a call's arguments end without a full parse, stepping over
// string literals, quoted identifiers, comments and bracketed groups.

// arraySkipTrivia returns the offset of the first byte at or after i that is
// not white space or part of a comment.
func arraySkipTrivia(sql string, i int) int {
	for i < len(sql) {
		switch {
		case sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r' || sql[i] == '\f':
			i++
		case sql[i] == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case sql[i] == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := arrayIndexFrom(sql, "*/", i+2)
			if end < 0 {
				return len(sql)
			}
			i = end + 2
		default:
			return i
		}
	}
	return i
}

// arrayIndexFrom is strings.Index from offset i, or -1.
func arrayIndexFrom(s, sub string, i int) int {
	for j := i; j+len(sub) <= len(s); j++ {
		if s[j:j+len(sub)] == sub {
			return j
		}
	}
	return -1
}

// arraySkipQuoted returns the offset after the quoted text that starts at i
// with quote q, where a doubled quote stands for itself, or -1 if it is
// not closed.
func arraySkipQuoted(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] == q {
			if j+1 < len(sql) && sql[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return -1
}

// arrayScanArgs scans from just after an opening parenthesis and returns
// the offsets of the commas at its top level and of the parenthesis that
// closes it. ok is false if the text ends first or brackets do not match.
func arrayScanArgs(sql string, from int) (commas []int, closing int, ok bool) {
	return arrayScanGroup(sql, from, ')')
}

// arrayScanGroup is arrayScanArgs for a group closed by want, one of ) ]
// and }.
func arrayScanGroup(sql string, from int, want byte) (commas []int, closing int, ok bool) {
	var stack []byte
	i := from
	for {
		i = arraySkipTrivia(sql, i)
		if i >= len(sql) {
			return nil, 0, false
		}
		switch c := sql[i]; c {
		case '\'', '"':
			j := arraySkipQuoted(sql, i, c)
			if j < 0 {
				return nil, 0, false
			}
			i = j
			continue
		case '(', '[', '{':
			stack = append(stack, arrayCloser(c))
		case ')', ']', '}':
			if len(stack) == 0 {
				if c != want {
					return nil, 0, false
				}
				return commas, i, true
			}
			if stack[len(stack)-1] != c {
				return nil, 0, false
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) == 0 {
				commas = append(commas, i)
			}
		}
		i++
	}
}

// arrayArgEnd returns the offset of the comma or closing parenthesis that ends
// the call argument starting at from.
func arrayArgEnd(sql string, from int) (int, bool) {
	commas, closing, ok := arrayScanArgs(sql, from)
	if !ok {
		return 0, false
	}
	if len(commas) > 0 {
		return commas[0], true
	}
	return closing, true
}

func arrayCloser(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}
