package duckengine

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Trino's regular expressions are Java patterns run by joni (Oniguruma's
// Java syntax, UTF-8, Unicode character classes); Go's regexp is RE2.
// javaRegexp translates a Java pattern into Go syntax where both mean the
// same, and refuses what RE2 cannot express (look-around, back
// references, possessive quantifiers, class intersections...). Some
// differences depend on the text as well as the pattern (a "$" before a
// final line break, \b next to non-ASCII letters); those are refused when
// a row needs them, never answered differently.

// errRegexpNotSupported marks a Java construct RE2 cannot express.
var errRegexpNotSupported = errors.New("NOT_SUPPORTED")

// regexpError is a pattern weir cannot run: Code is NOT_SUPPORTED for a
// valid Java construct RE2 lacks and INVALID_FUNCTION_ARGUMENT for a
// pattern Trino rejects as well.
type regexpError struct {
	Code string
	Msg  string
}

func (e *regexpError) Error() string { return e.Code + ": " + e.Msg }

// Is lets errors.Is(err, errRegexpNotSupported) find refusals.
func (e *regexpError) Is(target error) bool {
	return target == errRegexpNotSupported && e.Code == "NOT_SUPPORTED"
}

// regexpUnsupported refuses a construct of pattern: "regular expression
// "p": <what> is not supported[; hint]".
func regexpUnsupported(pattern, what string, args ...any) error {
	return &regexpError{Code: "NOT_SUPPORTED", Msg: fmt.Sprintf("regular expression '%s': ", pattern) + fmt.Sprintf(what, args...)}
}

func regexpInvalid(format string, args ...any) error {
	return &regexpError{Code: "INVALID_FUNCTION_ARGUMENT", Msg: fmt.Sprintf(format, args...)}
}

// javaRegexp is a compiled Java pattern.
type javaRegexp struct {
	pattern string
	// plain matches from the start of a text; ctx matches from an offset,
	// given the text from the rune before the offset, as
	// \A(?s:.)(?s:.)*?(P), so that anchors and \b see that rune.
	// plain[1]/ctx[1] are the variant where a "$" outside multi-line mode
	// also matches before a final line break (Java's \Z); nil when the
	// pattern has no such "$".
	plain, ctx [2]*regexp.Regexp
	groups     int            // capturing groups
	names      map[string]int // named groups
	// caretLine: the pattern has a multi-line ^, which joni does not
	// match after a final line break and RE2 does.
	caretLine bool
	// wordBoundary: the pattern has \b or \B, which are ASCII in RE2 and
	// Unicode in joni.
	wordBoundary bool
}

// regexpCache holds compiled patterns; patterns are nearly always
// constants, so a small cache that is dropped when full is enough.
var regexpCache struct {
	sync.Mutex
	m map[string]*javaRegexp
}

const regexpCacheSize = 512

// compileJavaRegexp translates and compiles a Java pattern, cached.
func compileJavaRegexp(pattern string) (*javaRegexp, error) {
	regexpCache.Lock()
	re, ok := regexpCache.m[pattern]
	regexpCache.Unlock()
	if ok {
		return re, nil
	}
	re, err := newJavaRegexp(pattern)
	if err != nil {
		return nil, err
	}
	regexpCache.Lock()
	if regexpCache.m == nil || len(regexpCache.m) >= regexpCacheSize {
		regexpCache.m = map[string]*javaRegexp{}
	}
	regexpCache.m[pattern] = re
	regexpCache.Unlock()
	return re, nil
}

func newJavaRegexp(pattern string) (*javaRegexp, error) {
	t, err := translateJavaRegexp(pattern)
	if err != nil {
		return nil, err
	}
	j := &javaRegexp{pattern: pattern, caretLine: t.caretLine, wordBoundary: t.wordBoundary}
	variants := 1
	if t.dollar {
		variants = 2
	}
	for v := 0; v < variants; v++ {
		body := t.render(v == 1)
		plain, err := regexp.Compile(body)
		if err != nil {
			return nil, regexpInvalid("invalid regular expression %q: %s", pattern, goRegexpReason(err))
		}
		ctx, err := regexp.Compile(`\A(?s:.)(?s:.)*?(` + body + `)`)
		if err != nil {
			return nil, regexpInvalid("invalid regular expression %q: %s", pattern, goRegexpReason(err))
		}
		j.plain[v], j.ctx[v] = plain, ctx
	}
	j.groups = j.plain[0].NumSubexp()
	for i, n := range j.plain[0].SubexpNames() {
		if n != "" {
			if j.names == nil {
				j.names = map[string]int{}
			}
			j.names[n] = i
		}
	}
	return j, nil
}

// goRegexpReason is the reason in a Go regexp compile error.
func goRegexpReason(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// variant picks the compiled variant for s, or refuses s when no variant
// matches as joni would.
func (j *javaRegexp) variant(s string) (plain, ctx *regexp.Regexp, err error) {
	if j.wordBoundary && hasNonASCIIWord(s) {
		return nil, nil, regexpUnsupported(j.pattern, "\\b and \\B next to non-ASCII letters or digits are not supported (weir's engine sees only ASCII word characters there)")
	}
	endsLF := strings.HasSuffix(s, "\n")
	if j.caretLine && endsLF {
		return nil, nil, regexpUnsupported(j.pattern, "multi-line ^ on text ending in a line break is not supported")
	}
	if j.plain[1] == nil {
		return j.plain[0], j.ctx[0], nil
	}
	inner := strings.IndexByte(s, '\n')
	switch {
	case inner < 0:
		return j.plain[0], j.ctx[0], nil
	case endsLF && inner == len(s)-1:
		return j.plain[1], j.ctx[1], nil
	case !endsLF:
		return j.plain[0], j.ctx[0], nil
	}
	return nil, nil, regexpUnsupported(j.pattern, "$ on text of several lines that ends in a line break is not supported; use \\z for the very end or (?m)$ for line ends")
}

// hasNonASCIIWord reports whether s has a non-ASCII rune that joni counts
// as a word character.
func hasNonASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf {
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if isJavaWordRune(r) {
			return true
		}
		i += w - 1
	}
	return false
}

func isJavaWordRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Pc)
}

// matcher walks the matches of a pattern in a text as Trino's functions
// do: after an empty match the search goes on one character later, after
// a non-empty match where it ended (so an empty match right after a
// non-empty one counts, as in Java).
type matcher struct {
	s          string
	plain, ctx *regexp.Regexp
	pos        int
	done       bool
}

func (j *javaRegexp) matcher(s string) (*matcher, error) {
	plain, ctx, err := j.variant(s)
	if err != nil {
		return nil, err
	}
	return &matcher{s: s, plain: plain, ctx: ctx}, nil
}

// next returns the next match's submatch offsets (as FindStringSubmatchIndex
// gives them), or nil.
func (m *matcher) next() []int {
	if m.done || m.pos > len(m.s) {
		return nil
	}
	var loc []int
	if m.pos == 0 {
		loc = m.plain.FindStringSubmatchIndex(m.s)
	} else {
		_, w := utf8.DecodeLastRuneInString(m.s[:m.pos])
		base := m.pos - w
		sub := m.ctx.FindStringSubmatchIndex(m.s[base:])
		if sub != nil {
			loc = sub[2:]
			for i, v := range loc {
				if v >= 0 {
					loc[i] = v + base
				}
			}
		}
	}
	if loc == nil {
		m.done = true
		return nil
	}
	if loc[0] == loc[1] {
		if loc[1] >= len(m.s) {
			m.done = true
		} else {
			_, w := utf8.DecodeRuneInString(m.s[loc[1]:])
			m.pos = loc[1] + w
		}
	} else {
		m.pos = loc[1]
	}
	return loc
}

// translation is a Java pattern in Go syntax, with the places of the
// "$"s that differ by variant.
type translation struct {
	parts        []string // Go pattern pieces; dollarMark pieces are rendered per variant
	dollar       bool
	caretLine    bool
	wordBoundary bool
}

const dollarMark = "\x00$"

func (t *translation) render(finalLF bool) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p == dollarMark {
			if finalLF {
				b.WriteString(`(?m:$)`)
			} else {
				b.WriteString(`\z`)
			}
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

// Unicode classes as joni has them for UTF-8 text.
const (
	javaWordClass  = `\p{L}\p{M}\p{Nd}\p{Pc}`
	javaSpaceClass = `\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
)

// unicodeClassNames maps lower-case \p{...} names to Go's spelling:
// general categories and scripts, which joni names the same way.
var unicodeClassNames = func() map[string]string {
	m := map[string]string{}
	for n := range unicode.Categories {
		m[strings.ToLower(n)] = n
	}
	for n := range unicode.Scripts {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// javaTranslator is the state of one translation.
type javaTranslator struct {
	p     string
	i     int
	t     translation
	flags []bool // multi-line mode per open group; the last is current
}

// translateJavaRegexp translates a Java pattern into Go syntax.
func translateJavaRegexp(p string) (*translation, error) {
	if !utf8.ValidString(p) {
		return nil, regexpInvalid("regular expression is not valid UTF-8")
	}
	tr := &javaTranslator{p: p, flags: []bool{false}}
	if err := tr.run(); err != nil {
		return nil, err
	}
	return &tr.t, nil
}

func (tr *javaTranslator) emit(s string) { tr.t.parts = append(tr.t.parts, s) }

func (tr *javaTranslator) multiline() bool { return tr.flags[len(tr.flags)-1] }

func (tr *javaTranslator) run() error {
	p := tr.p
	for tr.i < len(p) {
		c := p[tr.i]
		switch c {
		case '\\':
			if err := tr.escape(); err != nil {
				return err
			}
			continue
		case '[':
			if err := tr.class(); err != nil {
				return err
			}
			continue
		case '(':
			if err := tr.group(); err != nil {
				return err
			}
			continue
		case ')':
			if len(tr.flags) > 1 {
				tr.flags = tr.flags[:len(tr.flags)-1]
			}
			tr.emit(")")
			tr.i++
		case '^':
			if tr.multiline() {
				tr.t.caretLine = true
				tr.emit(`(?m:^)`)
			} else {
				tr.emit(`\A`)
			}
			tr.i++
		case '$':
			if tr.multiline() {
				tr.emit(`(?m:$)`)
			} else {
				tr.t.dollar = true
				tr.emit(dollarMark)
			}
			tr.i++
		case '*', '+', '?':
			tr.emit(string(c))
			tr.i++
			if err := tr.quantifierSuffix(); err != nil {
				return err
			}
		case '{':
			if n := repeatLength(p[tr.i:]); n > 0 {
				tr.emit(p[tr.i : tr.i+n])
				tr.i += n
				if err := tr.quantifierSuffix(); err != nil {
					return err
				}
			} else {
				tr.emit(`\{`)
				tr.i++
			}
		case '.', '|':
			tr.emit(string(c))
			tr.i++
		default:
			r, w := utf8.DecodeRuneInString(p[tr.i:])
			tr.emit(regexp.QuoteMeta(string(r)))
			tr.i += w
		}
	}
	return nil
}

// repeatLength returns the length of a {n}, {n,} or {n,m} repeat at the
// start of s, or 0.
func repeatLength(s string) int {
	i := 1
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return 0
	}
	if i < len(s) && s[i] == ',' {
		i++
		digits()
	}
	if i < len(s) && s[i] == '}' {
		return i + 1
	}
	return 0
}

// quantifierSuffix handles a lazy "?" or refuses a possessive "+" after a
// quantifier.
func (tr *javaTranslator) quantifierSuffix() error {
	if tr.i >= len(tr.p) {
		return nil
	}
	switch tr.p[tr.i] {
	case '?':
		tr.emit("?")
		tr.i++
	case '+':
		return regexpUnsupported(tr.p, "possessive quantifiers (such as a*+) are not supported")
	}
	return nil
}

func (tr *javaTranslator) group() error {
	p := tr.p
	rest := p[tr.i+1:]
	if !strings.HasPrefix(rest, "?") {
		tr.flags = append(tr.flags, tr.multiline())
		tr.emit("(")
		tr.i++
		return nil
	}
	rest = rest[1:]
	switch {
	case strings.HasPrefix(rest, ":"):
		tr.flags = append(tr.flags, tr.multiline())
		tr.emit("(?:")
		tr.i += 3
		return nil
	case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"), strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
		return regexpUnsupported(p, "look-around ((?=, (?!, (?<=, (?<!) is not supported; match the context too and pick the part you want with a capture group (regexp_extract(s, 'a(b)', 1))")
	case strings.HasPrefix(rest, ">"):
		return regexpUnsupported(p, "atomic groups (?>...) are not supported")
	case strings.HasPrefix(rest, "#"):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return regexpInvalid("unterminated comment in regular expression %q", p)
		}
		tr.i += 2 + end + 1
		return nil
	case strings.HasPrefix(rest, "<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return regexpInvalid("invalid group name in regular expression %q", p)
		}
		name := rest[1:end]
		if !validGroupName(name) {
			return regexpInvalid("invalid group name <%s> in regular expression %q", name, p)
		}
		tr.flags = append(tr.flags, tr.multiline())
		tr.emit("(?P<" + name + ">")
		tr.i += 2 + end + 1
		return nil
	}
	// Flags: (?imsx-imsx) or (?imsx-imsx:...).
	j := 0
	on := true
	var goFlags strings.Builder
	ml := tr.multiline()
	for ; j < len(rest); j++ {
		switch f := rest[j]; f {
		case 'i', 's':
			if !on && goFlags.Len() == 0 {
				goFlags.WriteByte('-')
			}
			goFlags.WriteByte(f)
		case 'm':
			ml = on
		case '-':
			if !on {
				return regexpInvalid("invalid group option in regular expression %q", p)
			}
			on = false
			if goFlags.Len() > 0 {
				goFlags.WriteByte('-')
			}
		case ')', ':':
			fl := goFlags.String()
			fl = strings.TrimSuffix(fl, "-")
			if f == ')' {
				tr.flags[len(tr.flags)-1] = ml
				if fl != "" {
					tr.emit("(?" + fl + ")")
				}
			} else {
				tr.flags = append(tr.flags, ml)
				tr.emit("(?" + fl + ":")
			}
			tr.i += 2 + j + 1
			return nil
		case 'x':
			return regexpUnsupported(p, "the comments flag (?x) is not supported")
		default:
			return regexpUnsupported(p, "the group construct (?%c is not supported", f)
		}
	}
	return regexpInvalid("end pattern in group in regular expression %q", p)
}

func validGroupName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// escape translates a backslash sequence outside a character class.
func (tr *javaTranslator) escape() error {
	p := tr.p
	if tr.i+1 >= len(p) {
		return regexpInvalid("end pattern at escape in regular expression %q", p)
	}
	c := p[tr.i+1]
	switch c {
	case 'd':
		tr.emit(`\p{Nd}`)
	case 'D':
		tr.emit(`\P{Nd}`)
	case 'w':
		tr.emit(`[` + javaWordClass + `]`)
	case 'W':
		tr.emit(`[^` + javaWordClass + `]`)
	case 's':
		tr.emit(`[` + javaSpaceClass + `]`)
	case 'S':
		tr.emit(`[^` + javaSpaceClass + `]`)
	case 'b', 'B':
		tr.t.wordBoundary = true
		tr.emit(`\` + string(c))
	case 'A':
		tr.emit(`\A`)
	case 'z':
		tr.emit(`\z`)
	case 'Z':
		tr.t.dollar = true
		tr.emit(dollarMark)
	case 'Q':
		end := strings.Index(p[tr.i+2:], `\E`)
		lit := p[tr.i+2:]
		n := len(p)
		if end >= 0 {
			lit = lit[:end]
			n = tr.i + 2 + end + 2
		}
		tr.emit(regexp.QuoteMeta(lit))
		tr.i = n
		return nil
	case 'E':
		// A stray \E is ignored, as in Java.
	case 'p', 'P':
		cls, n, err := tr.property(tr.i)
		if err != nil {
			return err
		}
		tr.emit(cls)
		tr.i += n
		return nil
	default:
		r, n, err := tr.charEscape(tr.i)
		if err != nil {
			return err
		}
		tr.emit(fmt.Sprintf(`\x{%X}`, r))
		tr.i += n
		return nil
	}
	tr.i += 2
	return nil
}

// property translates \p{Name}, \pL, \P{Name} at i into a Go class
// escape and returns its length.
func (tr *javaTranslator) property(i int) (string, int, error) {
	p := tr.p
	neg := p[i+1] == 'P'
	var name string
	n := 0
	switch {
	case i+2 < len(p) && p[i+2] == '{':
		end := strings.IndexByte(p[i+3:], '}')
		if end < 0 {
			return "", 0, regexpInvalid("invalid character property in regular expression %q", p)
		}
		name = p[i+3 : i+3+end]
		n = 3 + end + 1
	case i+2 < len(p):
		name = p[i+2 : i+3]
		n = 3
	default:
		return "", 0, regexpInvalid("invalid character property in regular expression %q", p)
	}
	goName, ok := unicodeClassNames[strings.ToLower(name)]
	if !ok || goName == "" {
		return "", 0, regexpUnsupported(p, "the character property \\p{%s} is not supported (general categories such as \\p{L} and scripts such as \\p{Greek} are)", name)
	}
	if neg {
		return `\P{` + goName + `}`, n, nil
	}
	return `\p{` + goName + `}`, n, nil
}

// charEscape reads an escape that stands for one character (\t, \x41,
// \u00e9, \cA, \. ...) at i and returns it and its length.
func (tr *javaTranslator) charEscape(i int) (rune, int, error) {
	p := tr.p
	c := p[i+1]
	switch c {
	case 't':
		return '\t', 2, nil
	case 'n':
		return '\n', 2, nil
	case 'r':
		return '\r', 2, nil
	case 'f':
		return '\f', 2, nil
	case 'a':
		return '\a', 2, nil
	case 'e':
		return 0x1B, 2, nil
	case 'v':
		return '\v', 2, nil
	case 'x':
		if i+2 < len(p) && p[i+2] == '{' {
			end := strings.IndexByte(p[i+3:], '}')
			if end < 0 {
				return 0, 0, regexpInvalid("invalid hexadecimal escape in regular expression %q", p)
			}
			v, err := strconv.ParseUint(p[i+3:i+3+end], 16, 32)
			if err != nil || v > unicode.MaxRune {
				return 0, 0, regexpInvalid("invalid hexadecimal escape in regular expression %q", p)
			}
			return rune(v), 3 + end + 1, nil
		}
		if i+4 <= len(p) {
			if v, err := strconv.ParseUint(p[i+2:i+4], 16, 8); err == nil {
				return rune(v), 4, nil
			}
		}
		return 0, 0, regexpInvalid("invalid hexadecimal escape in regular expression %q", p)
	case 'u':
		if i+6 <= len(p) {
			if v, err := strconv.ParseUint(p[i+2:i+6], 16, 16); err == nil {
				if v >= 0xD800 && v <= 0xDFFF {
					return 0, 0, regexpUnsupported(p, "surrogate escapes (\\u%s) are not supported; write the character as \\x{...}", p[i+2:i+6])
				}
				return rune(v), 6, nil
			}
		}
		return 0, 0, regexpInvalid("invalid unicode escape in regular expression %q", p)
	case 'c':
		if i+2 < len(p) && p[i+2] < utf8.RuneSelf {
			return rune(p[i+2]) ^ 0x40, 3, nil
		}
		return 0, 0, regexpInvalid("invalid control escape in regular expression %q", p)
	}
	switch {
	case c >= '1' && c <= '9':
		return 0, 0, regexpUnsupported(p, "back-references (\\%c) are not supported", c)
	case c == '0':
		return 0, 0, regexpUnsupported(p, "octal escapes (\\0...) are not supported; write \\x.. instead")
	case c == 'k' || c == 'g':
		return 0, 0, regexpUnsupported(p, "back-references (\\%c) are not supported", c)
	case c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
		return 0, 0, regexpUnsupported(p, "the escape \\%c is not supported", c)
	}
	r, w := utf8.DecodeRuneInString(p[i+1:])
	return r, 1 + w, nil
}

// class translates a character class at tr.i.
func (tr *javaTranslator) class() error {
	p := tr.p
	i := tr.i + 1
	var b strings.Builder
	b.WriteByte('[')
	if i < len(p) && p[i] == '^' {
		b.WriteByte('^')
		i++
	}
	first := true
	for {
		if i >= len(p) {
			return regexpInvalid("premature end of char-class in regular expression %q", p)
		}
		c := p[i]
		if c == ']' && !first {
			i++
			break
		}
		first = false
		var r rune
		isChar := false
		switch {
		case c == '[':
			return regexpUnsupported(p, "nested character classes and POSIX brackets ([a[b]], [[:alpha:]]) are not supported")
		case c == '&' && strings.HasPrefix(p[i:], "&&"):
			return regexpUnsupported(p, "character class intersection (&&) is not supported")
		case c == '\\':
			if i+1 >= len(p) {
				return regexpInvalid("premature end of char-class in regular expression %q", p)
			}
			switch e := p[i+1]; e {
			case 'd':
				b.WriteString(`\p{Nd}`)
				i += 2
			case 'D':
				b.WriteString(`\P{Nd}`)
				i += 2
			case 'w':
				b.WriteString(javaWordClass)
				i += 2
			case 's':
				b.WriteString(javaSpaceClass)
				i += 2
			case 'W', 'S':
				return regexpUnsupported(p, "\\%c inside a character class is not supported", e)
			case 'p', 'P':
				cls, n, err := tr.property(i)
				if err != nil {
					return err
				}
				b.WriteString(cls)
				i += n
			case 'Q', 'E', 'b', 'B', 'A', 'z', 'Z':
				return regexpUnsupported(p, "\\%c inside a character class is not supported", e)
			default:
				v, n, err := tr.charEscape(i)
				if err != nil {
					return err
				}
				r, isChar = v, true
				i += n
			}
		default:
			v, w := utf8.DecodeRuneInString(p[i:])
			r, isChar = v, true
			i += w
		}
		if !isChar {
			continue
		}
		// A range a-z: the "-" is literal at the end of the class.
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			i++
			var hi rune
			switch {
			case p[i] == '[':
				return regexpUnsupported(p, "nested character classes are not supported")
			case p[i] == '\\':
				if i+1 < len(p) && strings.IndexByte("dDwWsSpPQEbBAzZ", p[i+1]) >= 0 {
					return regexpUnsupported(p, "a class escape as a range end is not supported")
				}
				v, n, err := tr.charEscape(i)
				if err != nil {
					return err
				}
				hi = v
				i += n
			default:
				v, w := utf8.DecodeRuneInString(p[i:])
				hi = v
				i += w
			}
			if hi < r {
				return regexpInvalid("empty range in char class in regular expression %q", p)
			}
			fmt.Fprintf(&b, `\x{%X}-\x{%X}`, r, hi)
			continue
		}
		fmt.Fprintf(&b, `\x{%X}`, r)
	}
	b.WriteByte(']')
	tr.emit(b.String())
	tr.i = i
	return nil
}
