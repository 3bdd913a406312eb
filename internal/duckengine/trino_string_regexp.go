package duckengine

import (
	"database/sql/driver"
	"errors"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's regular expression functions, run by Go functions over
// javaRegexp so that patterns, empty matches, unmatched groups (NULL) and
// replacement strings ($1, ${name}, \$) behave as in Trino.

// regexpRule checks a constant pattern when the query is planned, so that
// refusals point at the call, and renames the call.
func regexpRule(to string, patternArg int) funcRule {
	return func(c *funcCall) (string, error) {
		if p, ok := c.constString(patternArg); ok {
			if _, err := compileJavaRegexp(p); err != nil {
				var re *regexpError
				if errors.As(err, &re) && re.Code == "NOT_SUPPORTED" {
					return "", c.notSupported("%s", re.Msg)
				}
				// Invalid patterns fail when run, as in Trino.
			}
		}
		return to, nil
	}
}

// regexpReplaceRule renames regexp_replace; the lambda form is refused:
// DuckDB macros cannot apply a lambda argument, and its groups array
// would answer NULL where Trino fails for a missing group.
func regexpReplaceRule(c *funcCall) (string, error) {
	if c.nargs() == 3 && c.args[2]["class"] == "LAMBDA" {
		return "", c.notSupported("regexp_replace() with a lambda is not supported; use regexp_replace(string, pattern, replacement) with $1, ${name} or regexp_extract_all")
	}
	return regexpRule("weir_regexp_replace", 1)(c)
}

// regexpFunctions are the Go functions, by name.
var regexpFunctions = map[string][]duckdb.ScalarFunc{
	"weir_regexp_like": {&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tBoolean, fn: regexpLike}},
	"weir_regexp_extract": {
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tVarchar, fn: regexpExtract},
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar, tBigint}, out: tVarchar, fn: regexpExtract},
	},
	"weir_regexp_extract_all": {
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tVarList, fn: regexpExtractAll},
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar, tBigint}, out: tVarList, fn: regexpExtractAll},
	},
	"weir_regexp_replace": {
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tVarchar, fn: regexpReplace},
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar, tVarchar}, out: tVarchar, fn: regexpReplace},
	},
	"weir_regexp_count": {&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tBigint, fn: regexpCount}},
	"weir_regexp_position": {
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tInteger, fn: regexpPosition},
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar, tBigint}, out: tInteger, fn: regexpPosition},
		&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar, tBigint, tBigint}, out: tInteger, fn: regexpPosition},
	},
	"weir_regexp_split": {&goFunc{in: []duckdb.TypeInfo{tVarchar, tVarchar}, out: tVarList, fn: regexpSplit}},
}

// regexpArgs compiles the pattern argument.
func regexpArgs(args []driver.Value) (string, *javaRegexp, error) {
	re, err := compileJavaRegexp(argString(args[1]))
	return argString(args[0]), re, err
}

// regexpMatch is regexpArgs with a matcher over the string; group, when
// not negative, is the index of a group argument to check as well.
func regexpMatch(args []driver.Value, group int) (string, *matcher, int, error) {
	s, re, err := regexpArgs(args)
	if err != nil {
		return "", nil, 0, err
	}
	g := 0
	if group >= 0 {
		if g, err = re.groupArg(args, group); err != nil {
			return "", nil, 0, err
		}
	}
	m, err := re.matcher(s)
	return s, m, g, err
}

func regexpLike(args []driver.Value) (any, error) {
	_, m, _, err := regexpMatch(args, -1)
	if err != nil {
		return nil, err
	}
	return m.next() != nil, nil
}

// groupArg returns the group argument, validated as Trino does.
func (j *javaRegexp) groupArg(args []driver.Value, i int) (int, error) {
	if len(args) <= i {
		return 0, nil
	}
	g := argInt(args[i])
	if g < 0 {
		return 0, invalidArgument("Group cannot be negative")
	}
	if g > int64(j.groups) {
		return 0, invalidArgument("Pattern has %d groups. Cannot access group %d", j.groups, g)
	}
	return int(g), nil
}

func regexpExtract(args []driver.Value) (any, error) {
	s, m, g, err := regexpMatch(args, 2)
	if err != nil {
		return nil, err
	}
	loc := m.next()
	if loc == nil || loc[2*g] < 0 {
		return nil, nil
	}
	return s[loc[2*g]:loc[2*g+1]], nil
}

func regexpExtractAll(args []driver.Value) (any, error) {
	s, m, g, err := regexpMatch(args, 2)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for loc := m.next(); loc != nil; loc = m.next() {
		if loc[2*g] < 0 {
			out = append(out, nil)
		} else {
			out = append(out, s[loc[2*g]:loc[2*g+1]])
		}
	}
	return out, nil
}

func regexpCount(args []driver.Value) (any, error) {
	_, m, _, err := regexpMatch(args, -1)
	if err != nil {
		return nil, err
	}
	n := int64(0)
	for loc := m.next(); loc != nil; loc = m.next() {
		n++
	}
	return n, nil
}

func regexpSplit(args []driver.Value) (any, error) {
	s, m, _, err := regexpMatch(args, -1)
	if err != nil {
		return nil, err
	}
	out := []any{}
	last := 0
	for loc := m.next(); loc != nil; loc = m.next() {
		out = append(out, s[last:loc[0]])
		last = loc[1]
	}
	return append(out, s[last:]), nil
}

// regexpPosition is regexp_position(s, p[, start[, occurrence]]): the
// 1-based character position of a match, -1 when there is none. The
// search sees the text from start on as the whole text, as Trino's does.
func regexpPosition(args []driver.Value) (any, error) {
	s, re, err := regexpArgs(args)
	if err != nil {
		return nil, err
	}
	start, occurrence := int64(1), int64(1)
	if len(args) > 2 {
		start = argInt(args[2])
	}
	if len(args) > 3 {
		occurrence = argInt(args[3])
	}
	if start < 1 {
		return nil, invalidArgument("start position cannot be smaller than 1")
	}
	if occurrence < 1 {
		return nil, invalidArgument("occurrence cannot be smaller than 1")
	}
	if start > int64(utf8.RuneCountInString(s)) {
		return int32(-1), nil
	}
	off := byteOffsetOfRune(s, int(start-1))
	sub := s[off:]
	m, err := re.matcher(sub)
	if err != nil {
		return nil, err
	}
	n := int64(0)
	for loc := m.next(); loc != nil; loc = m.next() {
		n++
		if n == occurrence {
			return int32(int64(utf8.RuneCountInString(s[:off+loc[0]])) + 1), nil
		}
	}
	return int32(-1), nil
}

// byteOffsetOfRune returns the byte offset of the n-th rune (0-based) of s,
// or len(s).
func byteOffsetOfRune(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

func regexpReplace(args []driver.Value) (any, error) {
	s, re, err := regexpArgs(args)
	if err != nil {
		return nil, err
	}
	repl := ""
	if len(args) > 2 {
		repl = argString(args[2])
	}
	m, err := re.matcher(s)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	last := 0
	for loc := m.next(); loc != nil; loc = m.next() {
		b.WriteString(s[last:loc[0]])
		if err := re.appendReplacement(&b, s, loc, repl); err != nil {
			return nil, err
		}
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// appendReplacement writes repl for one match as Trino does: $g (the
// longest group number that exists), ${name}, \x for a literal x.
func (j *javaRegexp) appendReplacement(b *strings.Builder, s string, loc []int, repl string) error {
	illegal := func() error { return invalidArgument("Illegal replacement sequence: %s", repl) }
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch c {
		case '$':
			i++
			if i == len(repl) {
				return illegal()
			}
			var g int
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i+1:], '}')
				var name string
				if end < 0 {
					name = repl[i+1:]
					i = len(repl)
				} else {
					name = repl[i+1 : i+1+end]
					i += 1 + end
				}
				n, ok := j.names[name]
				if !ok {
					return invalidArgument("Illegal replacement sequence: unknown group { %s }", name)
				}
				g = n
			} else {
				d := repl[i]
				if d < '0' || d > '9' {
					return illegal()
				}
				g = int(d - '0')
				if g > j.groups {
					return invalidArgument("Illegal replacement sequence: unknown group %d", g)
				}
				for i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9' {
					ng := g*10 + int(repl[i+1]-'0')
					if ng > j.groups {
						break
					}
					g = ng
					i++
				}
			}
			if loc[2*g] >= 0 {
				b.WriteString(s[loc[2*g]:loc[2*g+1]])
			}
		case '\\':
			i++
			if i == len(repl) {
				return illegal()
			}
			b.WriteByte(repl[i])
		default:
			b.WriteByte(c)
		}
	}
	return nil
}
