package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// typeName names the JSON type of v for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	if _, ok := toNumber(v); ok {
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}

// toNumber returns the decimal text of v if v is a JSON number.
func toNumber(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case float64:
		return strconv.FormatFloat(n, 'g', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(n), 'g', -1, 32), true
	case int:
		return strconv.Itoa(n), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case int32:
		return strconv.FormatInt(int64(n), 10), true
	case uint64:
		return strconv.FormatUint(n, 10), true
	}
	return "", false
}

// decimal is a JSON number in normalized scientific form: the value is
// neg × 0.digits × 10^exp, with digits free of leading and trailing zeros
// (empty for zero).
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// parseDecimal parses the text of a JSON number exactly. It also accepts a
// leading '+' and a '+' in the exponent, which Go's float formatting writes.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		d.neg = s[i] == '-'
		i++
	}
	var mant []byte
	pointAt := -1
	seen := false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			mant = append(mant, c)
			seen = true
		} else if c == '.' && pointAt < 0 {
			pointAt = len(mant)
		} else {
			break
		}
	}
	if !seen {
		return d, false
	}
	if pointAt < 0 {
		pointAt = len(mant)
	}
	var exp int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return d, false
		}
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return d, false
			}
			if exp < 1e15 {
				exp = exp*10 + int64(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return d, false
	}
	// Strip leading zeros, moving the decimal point.
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	mant = mant[lead:]
	pointAt -= lead
	trail := len(mant)
	for trail > 0 && mant[trail-1] == '0' {
		trail--
	}
	mant = mant[:trail]
	if len(mant) == 0 {
		return decimal{}, true
	}
	d.digits = string(mant)
	d.exp = int64(pointAt) + exp
	return d, true
}

// cmp compares two decimals, returning -1, 0 or +1.
func (d decimal) cmp(e decimal) int {
	dz, ez := d.digits == "", e.digits == ""
	switch {
	case dz && ez:
		return 0
	case dz:
		if e.neg {
			return 1
		}
		return -1
	case ez:
		if d.neg {
			return -1
		}
		return 1
	case d.neg != e.neg:
		if d.neg {
			return -1
		}
		return 1
	}
	c := 0
	switch {
	case d.exp < e.exp:
		c = -1
	case d.exp > e.exp:
		c = 1
	default:
		n := max(len(d.digits), len(e.digits))
		a, b := d.digits+zeros(n-len(d.digits)), e.digits+zeros(n-len(e.digits))
		switch {
		case a < b:
			c = -1
		case a > b:
			c = 1
		}
	}
	if d.neg {
		c = -c
	}
	return c
}

// zeros returns n '0' characters.
func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

// compareNumbers compares two JSON values that are numbers exactly. ok is
// false when either is not a number.
func compareNumbers(a, b any) (c int, ok bool) {
	as, ok1 := toNumber(a)
	bs, ok2 := toNumber(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	da, ok1 := parseDecimal(as)
	db, ok2 := parseDecimal(bs)
	if !ok1 || !ok2 {
		return 0, false
	}
	return da.cmp(db), true
}

// jsonEqual reports whether a and b are the same JSON value; numbers are
// compared by value, so 1, 1.0 and 1e0 are equal.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	c, ok := compareNumbers(a, b)
	return ok && c == 0
}

// compactJSON returns v as compact JSON without HTML escaping, as Step
// Functions prints payloads.
func compactJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// integerOf returns v as an int64 if it is a number. A number with a
// fraction is rounded as Java's Math.round does (halves toward positive
// infinity, so 2.5 gives 3 and -2.5 gives -2), which is what Step Functions
// does, when round is true, and refused otherwise; ok is false when v is
// not a number or does not fit.
func integerOf(v any, round bool) (n int64, ok bool) {
	s, isNum := toNumber(v)
	if !isNum {
		return 0, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if f != math.Trunc(f) && !round {
		return 0, false
	}
	f = math.Floor(f + 0.5)
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}
