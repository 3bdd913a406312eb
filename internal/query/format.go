package query

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/catalog"
)

// FormatValue renders a value the way Athena prints it in results: Trino's
// text form for each type. ok is false for NULL.
func FormatValue(v any, t catalog.Type) (s string, ok bool) {
	if v == nil {
		return "", false
	}
	var b strings.Builder
	formatInto(&b, v, t, false)
	return b.String(), true
}

// formatInto writes v; nested is true inside arrays, maps and rows, where
// NULL prints as "null".
func formatInto(b *strings.Builder, v any, t catalog.Type, nested bool) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if t.Kind == catalog.Float {
			b.WriteString(JavaFloat(x, 32))
		} else {
			b.WriteString(JavaFloat(x, 64))
		}
	case string:
		b.WriteString(x)
	case Decimal:
		b.WriteString(string(x))
	case []byte:
		b.WriteString(hexBytes(x))
	case time.Time:
		b.WriteString(formatTime(x, t))
	case *MapValue:
		kt, vt := unknown, unknown
		if t.Kind == catalog.Map {
			kt, vt = *t.Key, *t.Value
		}
		b.WriteByte('{')
		for i := range x.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			formatInto(b, x.Keys[i], kt, true)
			b.WriteByte('=')
			formatInto(b, x.Values[i], vt, true)
		}
		b.WriteByte('}')
	case []any:
		if t.Kind == catalog.Struct {
			b.WriteByte('{')
			for i, f := range t.Fields {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(f.Name)
				b.WriteByte('=')
				if i < len(x) {
					formatInto(b, x[i], f.Type, true)
				} else {
					b.WriteString("null")
				}
			}
			b.WriteByte('}')
			return
		}
		et := unknown
		if t.Kind == catalog.Array {
			et = *t.Elem
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			formatInto(b, e, et, true)
		}
		b.WriteByte(']')
	default:
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\r", " ")))
	}
}

var unknown = catalog.Type{Kind: catalog.Unknown}

func toString(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

func formatTime(x time.Time, t catalog.Type) string {
	switch t.Kind {
	case catalog.Date:
		return x.Format("2006-01-02")
	case catalog.Time:
		return x.Format("15:04:05.000")
	case catalog.TimestampTZ:
		return x.UTC().Format("2006-01-02 15:04:05.000") + " UTC"
	}
	return x.Format("2006-01-02 15:04:05.000")
}

// hexBytes prints varbinary the way Athena does: space-separated hex.
func hexBytes(p []byte) string {
	h := hex.EncodeToString(p)
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// JavaFloat prints a floating point number as Java's Double.toString (and
// so Trino) does: the shortest digits that round-trip, in plain notation
// for magnitudes in [1e-3, 1e7) with at least one fractional digit
// ("100.0"), otherwise as "1.0E20" / "1.5E-7".
func JavaFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, bits)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'e', -1, bits) // e.g. "1e+20", "1.5e-07"
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}
