package duckengine

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// Trino's format(fmt, args...) is Java's String.format with the
// arguments as Java objects: integers as Long, double, real (widened to
// double), decimals as BigDecimal, varchar as String, boolean. DuckDB's
// format uses {} and printf C's rules, so weir formats in Go. Dates and
// times (printed by java.time's toString and %t), %g and %a are refused.

var formatFunctions = map[string][]duckdb.ScalarFunc{
	"weir_format": {&goFunc{in: []duckdb.TypeInfo{tVarchar}, variadic: tAny, out: tVarchar, nulls: true, fn: formatUDF}},
}

func formatUDF(a []driver.Value) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	f := argString(a[0])
	args := make([]any, len(a)-1)
	for i, v := range a[1:] {
		args[i] = v
	}
	return javaFormat(f, args)
}

// formatError is Trino's message for an invalid format string.
func formatError(f, exception, msg string) error {
	return invalidArgument("Invalid format string: %s (%s: %s)", f, exception, msg)
}

// javaFormat formats args as java.util.Formatter does.
func javaFormat(f string, args []any) (string, error) {
	var b strings.Builder
	ordinary, last := 0, -1
	for i := 0; i < len(f); {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		spec, n, err := parseFormatSpec(f, i)
		if err != nil {
			return "", err
		}
		i += n
		switch spec.conv {
		case '%':
			if spec.precision >= 0 {
				return "", formatError(f, "IllegalFormatPrecision", strconv.Itoa(spec.precision))
			}
			if strings.Trim(spec.flags, "-") != "" {
				return "", formatError(f, "IllegalFormatFlags", "Flags = '"+spec.flags+"'")
			}
			b.WriteString(justify("%", spec))
			continue
		case 'n':
			if spec.width >= 0 {
				return "", formatError(f, "IllegalFormatWidth", strconv.Itoa(spec.width))
			}
			b.WriteByte('\n')
			continue
		}
		var arg any
		switch {
		case spec.relative:
			if last < 0 {
				return "", formatError(f, "MissingFormatArgument", "Format specifier '"+spec.text+"'")
			}
			arg = args[last]
		case spec.index > 0:
			if spec.index > len(args) {
				return "", formatError(f, "MissingFormatArgument", "Format specifier '"+spec.text+"'")
			}
			last = spec.index - 1
			arg = args[last]
		default:
			if ordinary >= len(args) {
				return "", formatError(f, "MissingFormatArgument", "Format specifier '"+spec.text+"'")
			}
			last = ordinary
			arg = args[ordinary]
			ordinary++
		}
		out, err := formatOne(f, spec, arg)
		if err != nil {
			return "", err
		}
		b.WriteString(out)
	}
	return b.String(), nil
}

// formatSpec is one %... specifier.
type formatSpec struct {
	text      string
	index     int // explicit argument index n$, 1-based; 0 if none
	relative  bool
	flags     string
	width     int // -1 if none
	precision int // -1 if none
	conv      byte
	upper     bool
}

func (s formatSpec) has(flag byte) bool { return strings.IndexByte(s.flags, flag) >= 0 }

// maxFormatWidth bounds widths and precisions, which would otherwise
// allocate whatever a format string asks for.
const maxFormatWidth = 1 << 20

// parseFormatSpec parses the specifier at f[i] == '%'.
func parseFormatSpec(f string, i int) (formatSpec, int, error) {
	s := formatSpec{width: -1, precision: -1}
	j := i + 1
	digits := func() (int, bool) {
		start := j
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		if j == start {
			return 0, false
		}
		v, err := strconv.Atoi(f[start:j])
		if err != nil {
			v = math.MaxInt32
		}
		return v, true
	}
	// n$ argument index: digits followed by '$'.
	save := j
	if v, ok := digits(); ok && j < len(f) && f[j] == '$' {
		s.index = v
		j++
	} else {
		j = save
	}
	for j < len(f) && strings.IndexByte("-#+ 0,(<", f[j]) >= 0 {
		if f[j] == '<' {
			s.relative = true
		} else {
			if strings.IndexByte(s.flags, f[j]) >= 0 {
				return s, 0, formatError(f, "DuplicateFormatFlags", "Flags = '"+string(f[j])+"'")
			}
			s.flags += string(f[j])
		}
		j++
	}
	if v, ok := digits(); ok {
		s.width = v
	}
	if j < len(f) && f[j] == '.' {
		j++
		v, ok := digits()
		if !ok {
			return s, 0, formatError(f, "UnknownFormatConversion", "Conversion = '.'")
		}
		s.precision = v
	}
	if j >= len(f) {
		return s, 0, formatError(f, "UnknownFormatConversion", "Conversion = '%'")
	}
	c := f[j]
	j++
	s.text = f[i:j]
	switch c {
	case 'b', 's', 'c', 'd', 'o', 'x', 'e', 'f', '%', 'n':
		s.conv = c
	case 'B', 'S', 'C', 'X', 'E':
		s.conv, s.upper = c+('a'-'A'), true
	case 'g', 'G', 'a', 'A', 'h', 'H', 't', 'T':
		return s, 0, functionError("NOT_SUPPORTED", "format() conversion %%%c is not supported", c)
	default:
		r, _ := utf8.DecodeRuneInString(f[j-1:])
		return s, 0, formatError(f, "UnknownFormatConversion", fmt.Sprintf("Conversion = '%c'", r))
	}
	if s.width > maxFormatWidth || s.precision > maxFormatWidth {
		return s, 0, functionError("NOT_SUPPORTED", "format() widths and precisions above %d are not supported", maxFormatWidth)
	}
	if s.has('-') && s.width < 0 && s.conv != 'n' {
		return s, 0, formatError(f, "MissingFormatWidth", s.text)
	}
	if s.has('-') && s.has('0') {
		return s, 0, formatError(f, "IllegalFormatFlags", "Flags = '"+s.flags+"'")
	}
	if s.has('+') && s.has(' ') {
		return s, 0, formatError(f, "IllegalFormatFlags", "Flags = '"+s.flags+"'")
	}
	return s, j - i, nil
}

// justify pads out to the spec's width.
func justify(s string, spec formatSpec) string {
	n := utf8.RuneCountInString(s)
	if spec.width <= n {
		return s
	}
	pad := strings.Repeat(" ", spec.width-n)
	if spec.has('-') {
		return s + pad
	}
	return pad + s
}

// javaClass names an argument's Java class as Trino passes it.
func javaClass(v any) string {
	switch v.(type) {
	case bool:
		return "java.lang.Boolean"
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64, *big.Int:
		return "java.lang.Long"
	case float32:
		return "java.lang.Float"
	case float64:
		return "java.lang.Double"
	case duckdb.Decimal:
		return "java.math.BigDecimal"
	case string:
		return "java.lang.String"
	}
	return fmt.Sprintf("%T", v)
}

// formatOne formats one argument.
func formatOne(f string, spec formatSpec, arg any) (string, error) {
	mismatch := func(flags string) error {
		return formatError(f, "FormatFlagsConversionMismatch", fmt.Sprintf("Conversion = %c, Flags = %s", spec.conv, flags))
	}
	conversion := func() error {
		return formatError(f, "IllegalFormatConversion", fmt.Sprintf("%c != %s", spec.conv, javaClass(arg)))
	}
	switch arg.(type) {
	case nil, bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, *big.Int, float32, float64, duckdb.Decimal, string:
	default:
		return "", functionError("NOT_SUPPORTED", "format() of a %T value is not supported (dates, times, arrays, maps and rows)", arg)
	}
	upper := func(s string) string {
		if spec.upper {
			return strings.ToUpper(s)
		}
		return s
	}
	switch spec.conv {
	case 'b', 's':
		for _, fl := range "+ 0,(#" {
			if spec.has(byte(fl)) {
				return "", mismatch(string(fl))
			}
		}
		var s string
		if spec.conv == 'b' {
			switch v := arg.(type) {
			case nil:
				s = "false"
			case bool:
				s = strconv.FormatBool(v)
			default:
				s = "true"
			}
		} else {
			s = javaFormatString(arg)
		}
		if spec.precision >= 0 && spec.precision < utf8.RuneCountInString(s) {
			s = s[:byteOffsetOfRune(s, spec.precision)]
		}
		return justify(upper(s), spec), nil
	case 'c':
		if arg == nil {
			return justify(upper("null"), spec), nil
		}
		return "", conversion()
	case 'd', 'o', 'x':
		if arg == nil {
			return justify(upper("null"), spec), nil
		}
		v, ok := javaLong(arg)
		if !ok {
			return "", conversion()
		}
		if spec.precision >= 0 {
			return "", formatError(f, "IllegalFormatPrecision", strconv.Itoa(spec.precision))
		}
		if spec.has('0') && spec.width < 0 {
			return "", formatError(f, "MissingFormatWidth", spec.text)
		}
		if spec.conv == 'd' {
			if spec.has('#') {
				return "", mismatch("#")
			}
			neg := v < 0
			digits := strconv.FormatUint(uint64(v), 10)
			if neg {
				digits = strconv.FormatUint(uint64(-v), 10)
				if v == math.MinInt64 {
					digits = "9223372036854775808"
				}
			}
			if spec.has(',') {
				digits = groupThousands(digits)
			}
			return padNumber(digits, neg, spec), nil
		}
		for _, fl := range "+ ,(" {
			if spec.has(byte(fl)) {
				return "", mismatch(string(fl))
			}
		}
		base, prefix := 8, "0"
		if spec.conv == 'x' {
			base, prefix = 16, "0x"
		}
		digits := strconv.FormatUint(uint64(v), base)
		if !spec.has('#') {
			prefix = ""
		}
		s := digits
		if spec.has('0') && spec.width > len(prefix)+len(digits) {
			s = strings.Repeat("0", spec.width-len(prefix)-len(digits)) + digits
		}
		return justify(upper(prefix+s), spec), nil
	case 'e', 'f':
		if arg == nil {
			return justify(upper("null"), spec), nil
		}
		if spec.has('#') {
			return "", mismatch("#")
		}
		if spec.conv == 'e' && spec.has(',') {
			return "", mismatch(",")
		}
		if spec.has('0') && spec.width < 0 {
			return "", formatError(f, "MissingFormatWidth", spec.text)
		}
		prec := spec.precision
		if prec < 0 {
			prec = 6
		}
		var d decimalDigits
		switch v := arg.(type) {
		case float64, float32:
			x, _ := v.(float64)
			if f32, ok := v.(float32); ok {
				x = float64(f32)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				s := "NaN"
				if math.IsInf(x, 1) {
					s = "Infinity"
					if spec.has('+') {
						s = "+Infinity"
					}
				} else if math.IsInf(x, -1) {
					s = "-Infinity"
					if spec.has('(') {
						s = "(Infinity)"
					}
				}
				return justify(upper(s), spec), nil
			}
			d = floatDigits(x)
		case duckdb.Decimal:
			d = bigDecimalDigits(v)
		default:
			return "", conversion()
		}
		var body string
		if spec.conv == 'f' {
			body = d.fixed(prec)
			if spec.has(',') {
				intPart, frac, hasFrac := strings.Cut(body, ".")
				body = groupThousands(intPart)
				if hasFrac {
					body += "." + frac
				}
			}
		} else {
			body = d.scientific(prec)
		}
		return upper(padNumber(body, d.neg, spec)), nil
	}
	return "", formatError(f, "UnknownFormatConversion", fmt.Sprintf("Conversion = '%c'", spec.conv))
}

// javaLong returns an integer argument as Java's long.
func javaLong(v any) (int64, bool) {
	switch x := v.(type) {
	case int8, int16, int32, int64, uint8, uint16, uint32:
		return argInt(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case *big.Int:
		return x.Int64(), x.IsInt64()
	}
	return 0, false
}

// javaFormatString is String.valueOf of the Java object Trino passes.
func javaFormatString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		s, _ := query.FormatValue(x, catalog.Type{Kind: catalog.Double})
		return s
	case float32:
		s, _ := query.FormatValue(float64(x), catalog.Type{Kind: catalog.Float})
		return s
	case duckdb.Decimal:
		return bigDecimalString(x)
	case string:
		return x
	}
	if n, ok := javaLong(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprint(v)
}

// bigDecimalString is java.math.BigDecimal.toString.
func bigDecimalString(d duckdb.Decimal) string {
	u := new(big.Int)
	if d.Value != nil {
		u.Set(d.Value)
	}
	neg := u.Sign() < 0
	digits := u.Abs(u).String()
	scale := int(d.Scale)
	adjusted := -scale + len(digits) - 1
	var s string
	switch {
	case scale == 0:
		s = digits
	case adjusted >= -6:
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		s = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	default:
		s = digits[:1]
		if len(digits) > 1 {
			s += "." + digits[1:]
		}
		s += "E" + strconv.Itoa(adjusted)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// padNumber adds sign, parentheses and zero or space padding.
func padNumber(digits string, neg bool, spec formatSpec) string {
	prefix, suffix := "", ""
	switch {
	case neg && spec.has('('):
		prefix, suffix = "(", ")"
	case neg:
		prefix = "-"
	case spec.has('+'):
		prefix = "+"
	case spec.has(' '):
		prefix = " "
	}
	if spec.has('0') {
		if n := spec.width - len(prefix) - len(suffix) - utf8.RuneCountInString(digits); n > 0 {
			digits = strings.Repeat("0", n) + digits
		}
	}
	return justify(prefix+digits+suffix, spec)
}

// groupThousands puts ',' between groups of three digits.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// decimalDigits is a non-negative decimal digits × 10^exp, with a sign.
type decimalDigits struct {
	neg    bool
	digits string // no leading zeros, "0" for zero
	exp    int
}

// floatDigits gives a double's shortest round-trip digits, which Java's
// Formatter rounds (HALF_UP) rather than the exact binary value.
func floatDigits(x float64) decimalDigits {
	d := decimalDigits{neg: math.Signbit(x)}
	s := strconv.FormatFloat(math.Abs(x), 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	intPart, frac, _ := strings.Cut(mant, ".")
	d.digits = intPart + frac
	d.exp = e - len(frac)
	d.trim()
	return d
}

func bigDecimalDigits(v duckdb.Decimal) decimalDigits {
	u := new(big.Int)
	if v.Value != nil {
		u.Set(v.Value)
	}
	d := decimalDigits{neg: u.Sign() < 0, exp: -int(v.Scale)}
	d.digits = u.Abs(u).String()
	d.trim()
	return d
}

func (d *decimalDigits) trim() {
	t := strings.TrimLeft(d.digits, "0")
	if t == "" {
		d.digits, d.exp = "0", 0
		return
	}
	d.digits = t
}

// roundDigits rounds a digit string to keep n digits, HALF_UP; it returns
// the new digits and whether a carry added a digit.
func roundDigits(digits string, n int) (string, bool) {
	if n >= len(digits) {
		return digits + strings.Repeat("0", n-len(digits)), false
	}
	if n < 0 {
		return "", false
	}
	kept := []byte(digits[:n])
	if digits[n] >= '5' {
		i := n - 1
		for ; i >= 0; i-- {
			if kept[i] == '9' {
				kept[i] = '0'
				continue
			}
			kept[i]++
			break
		}
		if i < 0 {
			return "1" + string(kept), true
		}
	}
	return string(kept), false
}

// fixed renders %.<prec>f.
func (d decimalDigits) fixed(prec int) string {
	// Digits before the point: len(digits)+exp.
	intLen := len(d.digits) + d.exp
	var all string
	if intLen >= 0 {
		keep := intLen + prec
		r, carry := roundDigits(d.digits, keep)
		if carry {
			intLen++
		}
		all = r
	} else {
		// 0.000ddd: pad leading zeros, then round.
		padded := strings.Repeat("0", -intLen) + d.digits
		r, carry := roundDigits(padded, prec)
		if carry {
			intLen = 1
			all = r
		} else {
			intLen = 0
			all = r
		}
	}
	if intLen < 0 {
		intLen = 0
	}
	intPart := all[:intLen]
	frac := all[intLen:]
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	if prec == 0 {
		return intPart
	}
	return intPart + "." + frac
}

// scientific renders %.<prec>e.
func (d decimalDigits) scientific(prec int) string {
	if d.digits == "0" {
		s := "0"
		if prec > 0 {
			s += "." + strings.Repeat("0", prec)
		}
		return s + "e+00"
	}
	exp := d.exp + len(d.digits) - 1
	r, carry := roundDigits(d.digits, prec+1)
	if carry {
		exp++
		r = r[:prec+1]
	}
	s := r[:1]
	if prec > 0 {
		s += "." + r[1:]
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	e := strconv.Itoa(exp)
	if len(e) < 2 {
		e = "0" + e
	}
	return s + "e" + sign + e
}
