package dialect

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/statement"
)

// rewriteBinaryStrings spells the binary string X'65683F' as
// unhex('65683F'), a BLOB in DuckDB. (The lexer has checked the digits
// with Trino's messages: hexadecimal, and an even number of them.)
func rewriteBinaryStrings(r *rewriter) error {
	for i, t := range r.toks {
		if t.Kind == statement.TokenBinaryString {
			r.replace(i, i, "unhex("+quoteString(t.Value)+")")
		}
	}
	return nil
}

// rewriteUnicodeStrings decodes the Unicode string U&'\0041b\+01F600',
// optionally followed by UESCAPE '!', into a plain string literal:
// 'Ab😀'. Escapes are \XXXX (four hex digits), \+XXXXXX (six) and \\ for
// the escape character itself; malformed ones are Trino's syntax errors.
func rewriteUnicodeStrings(r *rewriter) error {
	for i, t := range r.toks {
		if t.Kind != statement.TokenUnicodeString {
			continue
		}
		escape, last := '\\', i
		if r.isWord(i+1, "UESCAPE") && r.tok(i+2).Kind == statement.TokenString {
			e := r.tok(i + 2).Value
			switch {
			case e == "":
				return r.syntaxError(i, "Empty Unicode escape character")
			case utf8.RuneCountInString(e) != 1 || !validUnicodeEscape(e[0]):
				return r.syntaxError(i, "Invalid Unicode escape character: %s", e)
			}
			escape, last = rune(e[0]), i+2
		}
		// The text between U&' and ', with '' for each quote.
		raw := strings.ReplaceAll(t.Text[3:len(t.Text)-1], "''", "'")
		s, msg := decodeUnicode(raw, escape)
		if msg != "" {
			return r.syntaxError(i, "%s", msg)
		}
		r.replace(i, last, stringLiteral(s))
	}
	return nil
}

// validUnicodeEscape reports whether c may be a UESCAPE character: printable
// ASCII other than hexadecimal digits, quotes, + and space (Trino's rule).
func validUnicodeEscape(c byte) bool {
	return c > 0x20 && c < 0x7F && !isHexDigit(c) && c != '"' && c != '+' && c != '\''
}

// decodeUnicode decodes the escapes of a Unicode string's text, or returns
// Trino's message for the first malformed one.
func decodeUnicode(raw string, escape rune) (s, msg string) {
	if !strings.ContainsRune(raw, escape) {
		return raw, ""
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		c, size := utf8.DecodeRuneInString(raw[i:])
		i += size
		if c != escape {
			b.WriteRune(c)
			continue
		}
		if i == len(raw) {
			return "", "Incomplete escape sequence: "
		}
		digits := 4
		switch c, _ := utf8.DecodeRuneInString(raw[i:]); {
		case c == escape:
			b.WriteRune(escape)
			i++
			continue
		case c == '+':
			digits = 6
			i++
		case c >= utf8.RuneSelf || !isHexDigit(byte(c)):
			return "", "Invalid hexadecimal digit: " + string(c)
		}
		n := 0
		for n < digits && i+n < len(raw) && isHexDigit(raw[i+n]) {
			n++
		}
		hex := raw[i : i+n]
		if n < digits {
			return "", "Incomplete escape sequence: " + hex
		}
		i += n
		v, _ := strconv.ParseUint(hex, 16, 32)
		switch {
		case v > utf8.MaxRune:
			return "", "Invalid escaped character: " + hex
		case v >= 0xD800 && v <= 0xDFFF:
			return "", "Invalid escaped character: " + hex + `. Escaped character is a surrogate. Use '\+123456' instead.`
		}
		b.WriteRune(rune(v))
	}
	return b.String(), ""
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stringLiteral returns s as a DuckDB string literal. DuckDB takes the
// query as a C string, so a NUL character is spelled chr(0).
func stringLiteral(s string) string {
	if !strings.Contains(s, "\x00") {
		return quoteString(s)
	}
	parts := strings.Split(s, "\x00")
	for i, p := range parts {
		parts[i] = quoteString(p)
	}
	return "(" + strings.Join(parts, " || chr(0) || ") + ")"
}

// rewriteTimeLiterals spells timestamp and time literals that carry a time
// zone as DuckDB's TIMESTAMPTZ and TIMETZ literals, which are what Trino
// makes of them: TIMESTAMP '2024-03-05 14:07:09 America/New_York' becomes
// TIMESTAMPTZ '2024-03-05 14:07:09 America/New_York'. The string is
// normalised where DuckDB reads less than Trino: seconds are added when
// missing, and a numeric offset follows the time without a space
// ('2024-03-05 14:07:09.123+05:30'). Literals without a zone stay.
func rewriteTimeLiterals(r *rewriter) error {
	for i := range r.toks {
		s := r.tok(i + 1)
		if s.Kind != statement.TokenString {
			continue
		}
		var typ, text string
		var ok bool
		switch {
		case r.keyword(i, "TIMESTAMP"):
			typ = "TIMESTAMPTZ"
			text, ok = timestampWithZone(s.Value)
		case r.keyword(i, "TIME"):
			typ = "TIMETZ"
			text, ok = timeWithZone(s.Value)
		}
		if !ok {
			continue
		}
		r.replace(i, i, typ)
		if text != s.Value {
			r.replace(i+1, i+1, quoteString(text))
		}
	}
	return nil
}

// timestampWithZone reads a timestamp literal's text as Trino does —
// a date, an optional time and an optional zone — and, if it has a zone,
// returns the text DuckDB reads as the same TIMESTAMPTZ.
func timestampWithZone(v string) (string, bool) {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	if n := digits(v[i:]); n >= 4 {
		i += n
	} else {
		return "", false
	}
	for range 2 {
		if n := digits(v[min(i+1, len(v)):]); i < len(v) && v[i] == '-' && n >= 1 && n <= 2 {
			i += 1 + n
		} else {
			return "", false
		}
	}
	date := v[:i]
	clock, n := "00:00:00", 0
	if i < len(v) && v[i] == ' ' {
		if c, m := clockTime(v[i+1:]); m > 0 {
			clock, n = c, m+1
		}
	}
	zone := strings.TrimLeft(v[i+n:], " \t\n\r\f\v")
	if zone == "" {
		return "", false
	}
	return date + " " + clock + zoneSuffix(zone), true
}

// timeWithZone reads a time literal's text as Trino does — a time and an
// optional offset such as +05:30 — and, if it has an offset, returns the
// text DuckDB reads as the same TIMETZ.
func timeWithZone(v string) (string, bool) {
	clock, n := clockTime(v)
	if n == 0 {
		return "", false
	}
	zone := strings.TrimLeft(v[n:], " \t\n\r\f\v")
	if zone == "" || zone[0] != '+' && zone[0] != '-' {
		return "", false
	}
	return clock + zone, true
}

// clockTime reads H:M[:S[.F]] (one or two digits each) at the start of v
// and returns it with seconds, and the number of bytes read (0 if v does
// not start with a time).
func clockTime(v string) (string, int) {
	var parts []int // the end of each of H, M and S
	i := 0
	for k := range 3 {
		if k > 0 {
			if i >= len(v) || v[i] != ':' {
				break
			}
			i++
		}
		n := digits(v[i:])
		if n < 1 || n > 2 {
			if k < 2 {
				return "", 0
			}
			i-- // a ':' without seconds is not part of the time
			break
		}
		i += n
		parts = append(parts, i)
	}
	if len(parts) < 2 {
		return "", 0
	}
	if len(parts) == 2 {
		return v[:i] + ":00", i
	}
	if i < len(v) && v[i] == '.' {
		if n := digits(v[i+1:]); n > 0 {
			i += 1 + n
		}
	}
	return v[:i], i
}

// zoneSuffix returns how a zone follows the time in a DuckDB TIMESTAMPTZ
// literal: an offset (+05:30) or Z directly, a name after a space.
func zoneSuffix(zone string) string {
	if zone[0] == '+' || zone[0] == '-' || zone == "Z" || zone == "z" {
		return zone
	}
	return " " + zone
}

// digits returns the number of ASCII digits at the start of s.
func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// intervalOrder lists the fields of interval qualifiers from the largest.
var intervalOrder = []string{"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"}

// intervalSeparator is the character before each field in the string of
// an interval literal that has fields before it: '1-2' YEAR TO MONTH,
// '1 02:03:04' DAY TO SECOND.
var intervalSeparator = map[string]byte{"MONTH": '-', "HOUR": ' ', "MINUTE": ':', "SECOND": ':'}

// rewriteIntervals spells interval literals with a qualifier range
// (INTERVAL '1 02:03:04' DAY TO SECOND, INTERVAL '1-2' YEAR TO MONTH),
// which DuckDB's parser rejects, as DuckDB interval strings with the same
// value: INTERVAL '1 day 02:03:04', INTERVAL '1 year 2 months'. A sign
// before the string (INTERVAL -'2' DAY) moves into it. Malformed strings
// are Trino's errors.
func rewriteIntervals(r *rewriter) error {
	for i := range r.toks {
		if !r.keyword(i, "INTERVAL") {
			continue
		}
		first, s := i+1, i+1 // the first token replaced, the string
		neg := false
		if r.isOp(s, "-") || r.isOp(s, "+") {
			neg = r.isOp(s, "-")
			s++
		}
		str := r.tok(s)
		if str.Kind != statement.TokenString || !intervalUnit(r.word(s+1)) {
			continue
		}
		from := r.word(s + 1)
		if !r.isWord(s+2, "TO") || !intervalUnit(r.word(s+3)) {
			// A single field, which DuckDB reads; only a sign moves.
			if s > first {
				r.replace(first, s, quoteString(signed(str.Value, neg)))
			}
			continue
		}
		to := r.word(s + 3)
		units, ok := intervalUnits(from, to)
		if !ok {
			return r.syntaxError(i, "Invalid interval qualifier: %s to %s", from, to)
		}
		text, ok := intervalText(str.Value, neg, units)
		if !ok {
			return r.syntaxError(i, "Invalid INTERVAL %s TO %s value: %s", from, to, str.Value)
		}
		r.replace(first, s+3, quoteString(text))
	}
	return nil
}

// signed returns v negated when neg is set: "2" becomes "-2", "-2" "2".
func signed(v string, neg bool) string {
	switch {
	case !neg:
		return v
	case strings.HasPrefix(v, "-"):
		return v[1:]
	}
	return "-" + v
}

// intervalUnits returns the fields of the qualifier from TO to, or false
// if Trino has no such qualifier (YEAR TO MONTH and the ranges of DAY,
// HOUR, MINUTE and SECOND are valid).
func intervalUnits(from, to string) ([]string, bool) {
	var f, t int
	for k, u := range intervalOrder {
		if u == from {
			f = k
		}
		if u == to {
			t = k
		}
	}
	if f >= t || from == "MONTH" || from == "YEAR" && to != "MONTH" {
		return nil, false
	}
	return intervalOrder[f : t+1], true
}

// intervalText reads the string of an interval literal with fields units
// as Trino does — an optional leading '-' that negates the whole interval,
// then the fields from the first with their separators, where the last
// ones may be left out ('1 02' DAY TO SECOND) — and returns it as a DuckDB
// interval string. neg negates the value again (a sign before the
// string).
func intervalText(v string, neg bool, units []string) (string, bool) {
	if strings.HasPrefix(v, "-") {
		v, neg = v[1:], !neg
	}
	values := map[string]string{}
	var fields []string // the units given, in order
	for k, u := range units {
		if k > 0 {
			if v == "" {
				break
			}
			if v[0] != intervalSeparator[u] {
				return "", false
			}
			v = v[1:]
		}
		n := digits(v)
		if u == "SECOND" && n > 0 && n < len(v) && v[n] == '.' && digits(v[n+1:]) > 0 {
			n += 1 + digits(v[n+1:])
		}
		if n == 0 {
			return "", false
		}
		values[u], fields = v[:n], append(fields, u)
		v = v[n:]
	}
	if v != "" {
		return "", false
	}

	sign := ""
	if neg {
		sign = "-"
	}
	var parts []string
	h, hasH := values["HOUR"]
	m, hasM := values["MINUTE"]
	sec, hasS := values["SECOND"]
	clock := hasH && hasM && below60(m) && (!hasS || below60(sec))
	for _, u := range fields {
		switch {
		case clock && u == "HOUR":
			c := h + ":" + m
			if hasS {
				c += ":" + sec
			}
			parts = append(parts, sign+c)
		case clock && (u == "MINUTE" || u == "SECOND"):
			// In the clock.
		default:
			parts = append(parts, sign+values[u]+" "+unitName(u, values[u]))
		}
	}
	return strings.Join(parts, " "), true
}

// below60 reports whether the number v is less than 60, so that DuckDB
// reads it as minutes or seconds of a clock time.
func below60(v string) bool {
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && f < 60
}

// unitName returns the DuckDB name of interval field u for the number v:
// "day" for 1, "days" otherwise.
func unitName(u, v string) string {
	name := strings.ToLower(u)
	if f, err := strconv.ParseFloat(v, 64); err != nil || f != 1 {
		name += "s"
	}
	return name
}

// rewriteDecimalLiterals gives DECIMAL '…' literals Trino's type, whose
// precision and scale come from the digits written (DECIMAL '9.125' is
// decimal(4,3)); DuckDB reads them as DECIMAL(18,3), rounding away digits.
func rewriteDecimalLiterals(r *rewriter) error {
	for i := range r.toks {
		s := r.tok(i + 1)
		if !r.keyword(i, "DECIMAL") || s.Kind != statement.TokenString {
			continue
		}
		p, sc, ok := decimalShape(s.Value)
		if !ok {
			return r.syntaxError(i+1, "'%s' is not a valid decimal literal", s.Value)
		}
		if p > 38 {
			return r.syntaxError(i+1, "decimal literal '%s' has more than 38 digits", s.Value)
		}
		r.edit(statement.Span{Start: r.toks[i].Span.Start, End: s.Span.End},
			fmt.Sprintf("CAST(%s AS DECIMAL(%d,%d))", quoteString(strings.TrimSpace(s.Value)), p, sc))
	}
	return nil
}

// decimalShape returns the precision and scale of a decimal literal's
// text: [+-]digits[.digits], with at least one digit.
func decimalShape(v string) (precision, scale int, ok bool) {
	v = strings.TrimSpace(v)
	v = strings.TrimLeft(v, "+-")
	intPart, frac, _ := strings.Cut(v, ".")
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, 0, false
			}
		}
	}
	if intPart == "" && frac == "" {
		return 0, 0, false
	}
	digits := len(strings.TrimLeft(intPart, "0")) + len(frac)
	return max(digits, 1), len(frac), true
}
