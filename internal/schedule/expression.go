package schedule

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Kind tells the three kinds of expression apart.
type Kind uint8

// The kinds of expression. The zero Kind belongs to the zero Expression,
// which is not valid.
const (
	KindNone Kind = iota // the zero Expression
	KindRate             // rate(value unit): a fixed interval
	KindCron             // cron(fields): calendar times
	KindAt               // at(yyyy-mm-ddThh:mm:ss): once
)

var kindNames = [...]string{KindNone: "none", KindRate: "rate", KindCron: "cron", KindAt: "at"}

// String returns the kind's keyword: rate, cron or at.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Expression is a parsed schedule expression. The zero Expression is not
// valid; get one from [Parse]. Expressions are immutable values and safe to
// share.
type Expression struct {
	kind     Kind
	text     string
	interval time.Duration // KindRate
	cron     *cronSpec     // KindCron
	at       civil         // KindAt
}

// Kind returns the expression's kind.
func (e Expression) Kind() Kind { return e.kind }

// String returns the expression as it was written, without surrounding
// white space.
func (e Expression) String() string { return e.text }

// Interval returns the interval of a rate expression, and 0 for the other
// kinds.
func (e Expression) Interval() time.Duration { return e.interval }

// IsOneTime reports whether the expression fires once (an at expression).
func (e Expression) IsOneTime() bool { return e.kind == KindAt }

// SyntaxError describes what is wrong with a schedule expression: the
// expression, the field at fault (a cron field such as "day-of-week", or
// "value" and "unit" for rate expressions; empty when the whole expression
// is at fault), the field's text, and a message that says what to write
// instead.
type SyntaxError struct {
	Expr  string // the expression as given
	Field string // e.g. "minutes", "day-of-week", "unit"; "" for the whole expression
	Text  string // the offending field's text
	Msg   string // the problem and its fix
}

// Error returns "expr: field "text": message".
func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q: ", e.Expr)
	if e.Field != "" {
		fmt.Fprintf(&b, "%s %q: ", e.Field, e.Text)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// parseOp names the operation in errors returned by Parse.
const parseOp = "schedule.Parse"

// Parse parses an EventBridge Scheduler schedule expression: rate(value
// unit), cron(minutes hours day-of-month month day-of-week year) or
// at(yyyy-mm-ddThh:mm:ss). The error, if any, is an [errs.Invalid] error
// wrapping a [*SyntaxError]. See docs/schedules.md for the syntax.
func Parse(expr string) (Expression, error) {
	text := strings.TrimSpace(expr)
	e, err := parse(text)
	if err != nil {
		if err.Expr == "" {
			err.Expr = text
		}
		return Expression{}, errs.E(parseOp, errs.Invalid, err)
	}
	e.text = text
	return e, nil
}

func parse(text string) (Expression, *SyntaxError) {
	kw, body, ok := strings.Cut(text, "(")
	if !ok || !strings.HasSuffix(body, ")") {
		return Expression{}, &SyntaxError{Msg: "want rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)"}
	}
	body = strings.TrimSuffix(body, ")")
	switch kw {
	case "rate":
		return parseRate(body)
	case "cron":
		c, err := parseCron(body)
		if err != nil {
			return Expression{}, err
		}
		return Expression{kind: KindCron, cron: c}, nil
	case "at":
		return parseAt(body)
	}
	if k := strings.ToLower(strings.TrimSpace(kw)); k == "rate" || k == "cron" || k == "at" {
		return Expression{}, &SyntaxError{Msg: fmt.Sprintf("write the keyword as %s(...), in lower case with no space before the parenthesis", k)}
	}
	return Expression{}, &SyntaxError{Msg: fmt.Sprintf("unknown expression type %q: want rate(...), cron(...) or at(...)", kw)}
}

// rateUnits maps rate units to their length; the singular forms go with a
// value of 1, the plural forms with larger values.
var rateUnits = map[string]struct {
	d        time.Duration
	singular bool
	other    string
}{
	"minute":  {time.Minute, true, "minutes"},
	"minutes": {time.Minute, false, "minute"},
	"hour":    {time.Hour, true, "hours"},
	"hours":   {time.Hour, false, "hour"},
	"day":     {24 * time.Hour, true, "days"},
	"days":    {24 * time.Hour, false, "day"},
}

func parseRate(body string) (Expression, *SyntaxError) {
	f := strings.Fields(body)
	if len(f) != 2 {
		return Expression{}, &SyntaxError{Msg: "want rate(value unit) with a positive whole number and minute(s), hour(s) or day(s), e.g. rate(5 minutes)"}
	}
	value, unit := f[0], f[1]
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 1 || value[0] == '+' {
		return Expression{}, &SyntaxError{Field: "value", Text: value, Msg: "want a positive whole number, e.g. rate(5 minutes)"}
	}
	u, ok := rateUnits[unit]
	if !ok {
		return Expression{}, &SyntaxError{Field: "unit", Text: unit, Msg: "want minute, minutes, hour, hours, day or days (in lower case)"}
	}
	switch {
	case n == 1 && !u.singular:
		return Expression{}, &SyntaxError{Field: "unit", Text: unit, Msg: fmt.Sprintf("a value of 1 takes the singular unit: write rate(1 %s)", u.other)}
	case n > 1 && u.singular:
		return Expression{}, &SyntaxError{Field: "unit", Text: unit, Msg: fmt.Sprintf("a value above 1 takes the plural unit: write rate(%d %s)", n, u.other)}
	}
	if n > math.MaxInt64/int64(u.d) {
		return Expression{}, &SyntaxError{Field: "value", Text: value, Msg: fmt.Sprintf("too large: the interval can be at most %d %s", math.MaxInt64/int64(u.d), strings.TrimSuffix(unit, "s")+"s")}
	}
	return Expression{kind: KindRate, interval: time.Duration(n) * u.d}, nil
}

// atLayout is the layout of the time in an at expression.
const atLayout = "2006-01-02T15:04:05"

func parseAt(body string) (Expression, *SyntaxError) {
	s := strings.TrimSpace(body)
	t, err := time.Parse(atLayout, s)
	if err != nil || len(s) != len(atLayout) {
		return Expression{}, &SyntaxError{Msg: fmt.Sprintf("want at(yyyy-mm-ddThh:mm:ss), a wall-clock time without zone or fraction, e.g. at(2026-12-01T09:30:00); got %q", s)}
	}
	return Expression{kind: KindAt, at: civilOf(t)}, nil
}
