package duckengine

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's format_datetime and parse_datetime take Joda-Time patterns
// (org.joda.time.format.DateTimeFormat). A pattern is compiled once into
// tokens; formatting goes through DuckDB's strftime when every token has a
// strftime spelling, and through jodaPattern.format per row otherwise.
// Parsing always goes through strptime, and patterns strptime cannot read
// the way Joda does are refused.

// jodaToken is one element of a Joda pattern: a run of one pattern letter
// or a literal text.
type jodaToken struct {
	letter byte   // 0 for a literal
	n      int    // how many times the letter is repeated
	text   string // the literal
}

// jodaPattern is a compiled Joda pattern.
type jodaPattern struct {
	tokens []jodaToken
}

// jodaLetters are the pattern letters Joda knows; any other ASCII letter
// is an error, as in Joda ("Illegal pattern component").
const jodaLetters = "GCYxwyeEDMdaKhHkmsSzZ"

// compileJoda parses a Joda pattern. Its errors read as Trino's.
func compileJoda(p string) (*jodaPattern, error) {
	var jp jodaPattern
	lit := func(s string) {
		if k := len(jp.tokens); k > 0 && jp.tokens[k-1].letter == 0 {
			jp.tokens[k-1].text += s
			return
		}
		jp.tokens = append(jp.tokens, jodaToken{text: s})
	}
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			// Quoted literal text; '' is a quote, inside quotes too.
			if i+1 < len(p) && p[i+1] == '\'' {
				lit("'")
				i += 2
				continue
			}
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(p) {
					// Joda takes an unterminated quote to the end.
					break
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					j++
					break
				}
				b.WriteByte(p[j])
				j++
			}
			if b.Len() > 0 {
				lit(b.String())
			}
			i = j
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			if !strings.ContainsRune(jodaLetters, rune(c)) {
				return nil, fmt.Errorf("INVALID_FUNCTION_ARGUMENT: Illegal pattern component: %s", p[i:i+n])
			}
			jp.tokens = append(jp.tokens, jodaToken{letter: c, n: n})
			i += n
		default:
			lit(string(c))
			i++
		}
	}
	return &jp, nil
}

// numeric reports whether token k prints or parses as a number, which
// decides how wide Joda lets the token before it be.
func (jp *jodaPattern) numeric(k int) bool {
	if k >= len(jp.tokens) {
		return false
	}
	t := jp.tokens[k]
	switch t.letter {
	case 0, 'G', 'a', 'E', 'z', 'Z':
		return false
	case 'M':
		return t.n < 3
	}
	return true
}

// strftime returns the DuckDB strftime format printing what the pattern
// prints, for timestamps in UTC (the zone of every timestamp weir
// formats), or false when some token has no strftime spelling.
func (jp *jodaPattern) strftime() (string, bool) {
	var b strings.Builder
	for _, t := range jp.tokens {
		var s string
		switch t.letter {
		case 0:
			s = strings.ReplaceAll(t.text, "%", "%%")
		case 'y', 'Y':
			switch t.n {
			case 2:
				s = "%y"
			case 4:
				s = "%Y"
			}
		case 'x':
			if t.n == 4 {
				s = "%G"
			}
		case 'M':
			s = [...]string{"", "%-m", "%m", "%b"}[min(t.n, 3)]
			if t.n >= 4 {
				s = "%B"
			}
		case 'd':
			s = pick(t.n, "%-d", "%d")
		case 'H':
			s = pick(t.n, "%-H", "%H")
		case 'h':
			s = pick(t.n, "%-I", "%I")
		case 'm':
			s = pick(t.n, "%-M", "%M")
		case 's':
			s = pick(t.n, "%-S", "%S")
		case 'S':
			if t.n >= 3 && t.n <= 9 {
				// Milliseconds, then zeros: Trino's timestamps have
				// millisecond precision.
				s = "%g" + strings.Repeat("0", t.n-3)
			}
		case 'a':
			s = "%p"
		case 'E':
			s = "%a"
			if t.n >= 4 {
				s = "%A"
			}
		case 'D':
			switch t.n {
			case 1:
				s = "%-j"
			case 3:
				s = "%j"
			}
		case 'w':
			if t.n == 2 {
				s = "%V"
			}
		case 'z':
			s = "UTC"
			if t.n >= 4 {
				s = "Coordinated Universal Time"
			}
		case 'Z':
			s = [...]string{"", "+0000", "+00:00", "UTC"}[min(t.n, 3)]
		}
		if s == "" {
			return "", false
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// pick returns one for a single letter and two for two; "" (no strftime
// spelling) for wider padding.
func pick(n int, one, two string) string {
	switch n {
	case 1:
		return one
	case 2:
		return two
	}
	return ""
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

var dayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// format prints t (read in UTC) as Joda does with an English locale.
func (jp *jodaPattern) format(t time.Time) string {
	t = t.UTC()
	var b strings.Builder
	num := func(v, width int) {
		s := strconv.Itoa(abs(v))
		if v < 0 {
			b.WriteByte('-')
		}
		for i := len(s); i < width; i++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	for _, tk := range jp.tokens {
		n := tk.n
		switch tk.letter {
		case 0:
			b.WriteString(tk.text)
		case 'G':
			if t.Year() <= 0 {
				b.WriteString("BC")
			} else {
				b.WriteString("AD")
			}
		case 'C':
			num(yearOfEra(t.Year())/100, n)
		case 'y', 'Y', 'x':
			y := t.Year()
			if tk.letter == 'x' {
				y, _ = t.ISOWeek()
			} else if tk.letter == 'Y' {
				y = yearOfEra(y)
			}
			if n == 2 {
				num(((y%100)+100)%100, 2)
			} else {
				num(y, n)
			}
		case 'w':
			_, w := t.ISOWeek()
			num(w, n)
		case 'e':
			num(isoWeekday(t), n)
		case 'E':
			name := dayNames[t.Weekday()]
			if n < 4 {
				name = name[:3]
			}
			b.WriteString(name)
		case 'D':
			num(t.YearDay(), n)
		case 'M':
			switch {
			case n >= 4:
				b.WriteString(monthNames[t.Month()-1])
			case n == 3:
				b.WriteString(monthNames[t.Month()-1][:3])
			default:
				num(int(t.Month()), n)
			}
		case 'd':
			num(t.Day(), n)
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'K':
			num(t.Hour()%12, n)
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			num(h, n)
		case 'H':
			num(t.Hour(), n)
		case 'k':
			h := t.Hour()
			if h == 0 {
				h = 24
			}
			num(h, n)
		case 'm':
			num(t.Minute(), n)
		case 's':
			num(t.Second(), n)
		case 'S':
			// The fraction's first n digits, at millisecond precision.
			ms := fmt.Sprintf("%03d", t.Nanosecond()/1e6)
			if n <= 3 {
				b.WriteString(ms[:n])
			} else {
				b.WriteString(ms)
				b.WriteString(strings.Repeat("0", n-3))
			}
		case 'z':
			if n >= 4 {
				b.WriteString("Coordinated Universal Time")
			} else {
				b.WriteString("UTC")
			}
		case 'Z':
			b.WriteString([...]string{"", "+0000", "+00:00", "UTC"}[min(n, 3)])
		}
	}
	return b.String()
}

// abs is the absolute value of v.
func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// yearOfEra is Joda's year of era: 1 BC is year 0 of the proleptic
// calendar.
func yearOfEra(y int) int {
	if y <= 0 {
		return 1 - y
	}
	return y
}

// isoWeekday is the ISO day of the week, Monday = 1 ... Sunday = 7.
func isoWeekday(t time.Time) int {
	if d := int(t.Weekday()); d != 0 {
		return d
	}
	return 7
}

// yearRule tells the parse macros how to correct the year strptime reads:
// 0 keeps it, yearRuleNone moves a pattern without a year from strptime's
// 1900 to Joda's 1970, and a positive value is the first year of the
// century window a two-digit year falls in (strptime's is 1969..2068).
type yearRule = int32

// yearRuleNone marks a pattern without a year field.
const yearRuleNone yearRule = -1

// strptime returns the DuckDB strptime format reading what Joda's parser
// reads with the pattern, and how to correct the year. Patterns Joda
// reads differently from strptime are refused.
func (jp *jodaPattern) strptime(now time.Time) (string, yearRule, error) {
	var b strings.Builder
	rule := yearRuleNone
	for k, t := range jp.tokens {
		var s string
		switch t.letter {
		case 0:
			s = strings.ReplaceAll(t.text, "%", "%%")
		case 'y', 'Y':
			switch {
			case t.n == 2:
				// Joda reads two digits in the century around the
				// current year less 30 (and, leniently, a longer
				// number as the year itself, which strptime refuses).
				s = "%y"
				rule = yearRule(now.Year() - 30 - 50)
			case t.n == 4 || !jp.numeric(k+1):
				// strptime reads up to four digits, as Joda does
				// before another number.
				s = "%Y"
				rule = 0
			default:
				return "", 0, notSupportedPattern(t, "a year of other than 2 or 4 letters next to another number")
			}
		case 'M':
			s = [...]string{"", "%m", "%m", "%b"}[min(t.n, 3)]
			if t.n >= 4 {
				s = "%B"
			}
		case 'd':
			s = "%d"
		case 'D':
			s = "%j"
		case 'H':
			s = "%H"
		case 'h':
			s = "%I"
		case 'm':
			s = "%M"
		case 's':
			s = "%S"
		case 'S':
			switch {
			case t.n == 3:
				s = "%g"
			case t.n >= 4 && t.n <= 6:
				s = "%f"
			case t.n > 6:
				s = "%n"
			}
		case 'a':
			s = "%p"
		case 'Z':
			if t.n <= 2 {
				s = "%z"
			}
		}
		if s == "" {
			return "", 0, notSupportedPattern(t, "")
		}
		b.WriteString(s)
	}
	return b.String(), rule, nil
}

// notSupportedPattern is the error for a pattern letter parse_datetime
// cannot read with Joda's meaning.
func notSupportedPattern(t jodaToken, why string) error {
	if why == "" {
		why = "weir cannot read it the way Joda does"
	}
	return fmt.Errorf("NOT_SUPPORTED: parse_datetime pattern %s is not supported: %s", strings.Repeat(string(t.letter), t.n), why)
}

// jodaCache holds compiled patterns by their text: patterns are few and
// are looked up once per row by the per-row formatter.
var jodaCache sync.Map // string → *jodaPattern or error

// cachedJoda compiles a pattern once.
func cachedJoda(p string) (*jodaPattern, error) {
	if v, ok := jodaCache.Load(p); ok {
		if err, bad := v.(error); bad {
			return nil, err
		}
		return v.(*jodaPattern), nil
	}
	jp, err := compileJoda(p)
	if err != nil {
		jodaCache.Store(p, err)
		return nil, err
	}
	jodaCache.Store(p, jp)
	return jp, nil
}

// jodaFormatUDF is weir_joda_format(ts, pattern): format_datetime per row,
// for patterns strftime cannot print.
type jodaFormatUDF struct{ in duckdb.Type }

// Config takes a timestamp of the given type and a VARCHAR pattern.
func (u jodaFormatUDF) Config() duckdb.ScalarFuncConfig {
	return udfConfig(duckdb.TYPE_VARCHAR, u.in, duckdb.TYPE_VARCHAR)
}

// Executor formats one row.
func (jodaFormatUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		jp, err := cachedJoda(v[1].(string))
		if err != nil {
			return nil, err
		}
		return jp.format(v[0].(time.Time)), nil
	}}
}

// jodaParseFormat compiles a parse_datetime pattern.
func jodaParseFormat(p string) (string, yearRule, error) {
	jp, err := cachedJoda(p)
	if err != nil {
		return "", 0, err
	}
	return jp.strptime(time.Now())
}

// udfConfig is the configuration of a scalar function with fixed input
// types.
func udfConfig(result duckdb.Type, inputs ...duckdb.Type) duckdb.ScalarFuncConfig {
	info := func(t duckdb.Type) duckdb.TypeInfo {
		ti, err := duckdb.NewTypeInfo(t)
		if err != nil {
			panic(err) // only for types NewTypeInfo refuses: a programming error
		}
		return ti
	}
	c := duckdb.ScalarFuncConfig{ResultTypeInfo: info(result)}
	for _, t := range inputs {
		c.InputTypeInfos = append(c.InputTypeInfos, info(t))
	}
	return c
}
