package duckengine

import (
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// timestamps says how a table's SerDe reads timestamp text: Hive's
// default (java.sql.Timestamp's yyyy-MM-dd HH:mm:ss[.f...], which DuckDB's
// cast also reads in ISO 8601 form), the Joda patterns of the SerDe
// property timestamp.formats, and epoch milliseconds.
type timestamps struct {
	formats []string // strptime formats, tried first, in order
	millis  bool     // a number is epoch milliseconds
}

// timestampsOf reads a table's timestamp.formats property. millis says
// whether numbers are epoch milliseconds without being asked to ("millis"
// in the property always turns it on).
func timestampsOf(t *catalog.Table, millis bool) (timestamps, error) {
	ts := timestamps{millis: millis}
	v, ok := serdeParam(t, "timestamp.formats")
	if !ok || strings.TrimSpace(v) == "" {
		return ts, nil
	}
	for _, p := range splitFormats(v) {
		if p == "millis" {
			ts.millis = true
			continue
		}
		f, err := jodaToStrptime(p)
		if err != nil {
			return ts, query.Errorf("INVALID_TABLE_PROPERTY", "table %s: timestamp.formats pattern %q: %v", t.QualifiedName(), p, err)
		}
		ts.formats = append(ts.formats, f)
	}
	return ts, nil
}

// splitFormats splits a comma-separated list of Joda patterns; a comma
// inside quotes belongs to the pattern.
func splitFormats(v string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range v {
		switch {
		case r == '\'':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// expr returns an expression reading the text src as a timestamp, NULL if
// it fits no form. COALESCE evaluates an argument only where the earlier
// ones are NULL, so the common case costs one parse.
func (ts timestamps) expr(src string) string {
	var alts []string
	for _, f := range ts.formats {
		// A zone (%z) makes strptime return a timestamp with time zone:
		// convert it to UTC, as Hive does.
		alts = append(alts, fmt.Sprintf("CAST(try_strptime(%s, %s) AS TIMESTAMP)", src, quoteString(f)))
	}
	alts = append(alts, fmt.Sprintf("TRY_CAST(%s AS TIMESTAMP)", src))
	if ts.millis {
		alts = append(alts, fmt.Sprintf("CASE WHEN regexp_full_match(%s, '-?[0-9]{1,15}') THEN make_timestamp(%s::BIGINT * 1000) END", src, src))
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return "coalesce(" + strings.Join(alts, ", ") + ")"
}

// jodaToStrptime converts a Joda-Time pattern (as Hive's timestamp.formats
// and Trino's parse_datetime take them) into a DuckDB strptime format.
func jodaToStrptime(p string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\'':
			// Quoted literal text; '' is a quote.
			j := i + 1
			if j < len(p) && p[j] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			for j < len(p) && p[j] != '\'' {
				if p[j] == '%' {
					b.WriteString("%%")
				} else {
					b.WriteByte(p[j])
				}
				j++
			}
			if j >= len(p) {
				return "", fmt.Errorf("unterminated quote")
			}
			i = j + 1
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			n := 1
			for i+n < len(p) && p[i+n] == c {
				n++
			}
			f, err := jodaField(c, n)
			if err != nil {
				return "", err
			}
			b.WriteString(f)
			i += n
			continue
		case c == '%':
			b.WriteString("%%")
		default:
			b.WriteByte(c)
		}
		i++
	}
	return b.String(), nil
}

func jodaField(c byte, n int) (string, error) {
	switch c {
	case 'y', 'Y':
		if n == 2 {
			return "%y", nil
		}
		return "%Y", nil
	case 'M':
		switch {
		case n >= 4:
			return "%B", nil
		case n == 3:
			return "%b", nil
		}
		return "%m", nil
	case 'd':
		return "%d", nil
	case 'D':
		return "%j", nil
	case 'H', 'k':
		return "%H", nil
	case 'h', 'K':
		return "%I", nil
	case 'm':
		return "%M", nil
	case 's':
		return "%S", nil
	case 'S':
		switch {
		case n <= 3:
			return "%g", nil // milliseconds
		case n <= 6:
			return "%f", nil // microseconds
		}
		return "%n", nil // nanoseconds
	case 'a':
		return "%p", nil
	case 'E':
		if n >= 4 {
			return "%A", nil
		}
		return "%a", nil
	case 'Z', 'X':
		return "%z", nil
	case 'z':
		return "%Z", nil
	}
	return "", fmt.Errorf("pattern letter %q is not supported", c)
}
