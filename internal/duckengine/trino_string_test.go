package duckengine

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

func TestJavaRegexpMatches(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          []string // every match, as regexp_extract_all
	}{
		{`\d+`, "1a 2b 14m", []string{"1", "2", "14"}},
		{`a*`, "baaa", []string{"", "aaa", ""}},
		{``, "ab", []string{"", "", ""}},
		{`.`, "a有💰", []string{"a", "有", "💰"}},
		{`\w+`, "café au", []string{"café", "au"}},
		{`\s`, "a\u00a0b", []string{"\u00a0"}},
		{`c$`, "abc\n", []string{"c"}},
		{`(?m)^\w`, "ab\ncd", []string{"a", "c"}},
		{`\bx`, "x xx", []string{"x", "x"}},
		{`[^a-c]`, "abcd", []string{"d"}},
		{`[\d.]+`, "v1.2 x", []string{"1.2"}},
		{`[]a]`, "]a", []string{"]", "a"}},
		{`a{2}`, "aaaa", []string{"aa", "aa"}},
		{`a{,2}`, "a{,2}", []string{"a{,2}"}},
		{`\Q.*\E`, "a.*b", []string{".*"}},
		{`(?i)straße`, "STRASSE Straße", []string{"Straße"}},
		{`\x41\u0042\t`, "AB\t", []string{"AB\t"}},
		{`(?<y>\d{4})`, "in 2024", []string{"2024"}},
		{`\p{Lu}+`, "abCDe", []string{"CD"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.text, func(t *testing.T) {
			re, err := compileJavaRegexp(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			m, err := re.matcher(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for loc := m.next(); loc != nil; loc = m.next() {
				got = append(got, tt.text[loc[0]:loc[1]])
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJavaRegexpRefusals(t *testing.T) {
	tests := []struct {
		pattern, code, text string
	}{
		{`(?=a)`, "NOT_SUPPORTED", "look-around"},
		{`(?<!a)b`, "NOT_SUPPORTED", "look-around"},
		{`(a)\1`, "NOT_SUPPORTED", "back-references"},
		{`\k<n>`, "NOT_SUPPORTED", "back-references"},
		{`a++`, "NOT_SUPPORTED", "possessive"},
		{`a{2}+`, "NOT_SUPPORTED", "possessive"},
		{`(?>a)`, "NOT_SUPPORTED", "atomic"},
		{`[a&&b]`, "NOT_SUPPORTED", "intersection"},
		{`[[:alpha:]]`, "NOT_SUPPORTED", "POSIX"},
		{`\p{Alpha}`, "NOT_SUPPORTED", "property"},
		{`(?x)a`, "NOT_SUPPORTED", "(?x)"},
		{`\G`, "NOT_SUPPORTED", `\G`},
		{`[\W]`, "NOT_SUPPORTED", "inside a character class"},
		{`\012`, "NOT_SUPPORTED", "octal"},
		{`(`, "INVALID_FUNCTION_ARGUMENT", "missing closing )"},
		{`[a`, "INVALID_FUNCTION_ARGUMENT", "char-class"},
		{`[z-a]`, "INVALID_FUNCTION_ARGUMENT", "range"},
		{`*a`, "INVALID_FUNCTION_ARGUMENT", "missing argument"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			_, err := compileJavaRegexp(tt.pattern)
			var re *regexpError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a %s", err, tt.code)
			}
			if re.Code != tt.code || !strings.Contains(re.Msg, tt.text) {
				t.Errorf("err = %v, want %s containing %q", err, tt.code, tt.text)
			}
		})
	}
}

func TestJavaRegexpTextRefusals(t *testing.T) {
	tests := []struct {
		pattern, text string
		refused       bool
	}{
		{`\bé`, "é", true},
		{`\bx`, "€x", false},
		{`c$`, "a\nbc\n", true},
		{`c$`, "a\nbc", false},
		{`c\z`, "a\nbc\n", false},
		{`(?m)^`, "a\n", true},
	}
	for _, tt := range tests {
		re, err := compileJavaRegexp(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		_, err = re.matcher(tt.text)
		if (err != nil) != tt.refused {
			t.Errorf("%q on %q: err = %v, want refused %v", tt.pattern, tt.text, err, tt.refused)
		}
	}
}

func TestRegexpReplace(t *testing.T) {
	tests := []struct {
		text, pattern, repl, want, err string
	}{
		{"call 555.123.4444 now", `(\d{3})\.(\d{3}).(\d{4})`, "($1) $2-$3", "call (555) 123-4444 now", ""},
		{"a b", ` *`, "-", "-a--b-", ""},
		{"1234567890", `(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)`, "$11", "11", ""},
		{"wxyz", `(?<w>w)|(?<xyz>[xyz])`, "[${w}](${xyz})", "[w]()[](x)[](y)[](z)", ""},
		{"a-b", `-`, `\$`, "a$b", ""},
		{"xxx", `x`, `$1`, "", "unknown group 1"},
		{"xxx", `x`, `$`, "", "Illegal replacement sequence"},
		{"xxx", `y`, `$1`, "xxx", ""},
	}
	for _, tt := range tests {
		got, err := regexpReplace([]driver.Value{tt.text, tt.pattern, tt.repl})
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err = %v, want %q", tt.repl, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("regexp_replace(%q, %q, %q) = %v, %v; want %q", tt.text, tt.pattern, tt.repl, got, err, tt.want)
		}
	}
}

func TestJavaFormat(t *testing.T) {
	dec := func(v int64, scale uint8) duckdb.Decimal {
		return duckdb.Decimal{Width: 18, Scale: scale, Value: big.NewInt(v)}
	}
	tests := []struct {
		f    string
		args []any
		want string
	}{
		{"%s%%", []any{int32(123)}, "123%"},
		{"%.4f", []any{3.141592653589793}, "3.1416"},
		{"%03d", []any{int64(8)}, "008"},
		{"%,.2f", []any{dec(123456789, 2)}, "1,234,567.89"},
		{"%1$s %1$f %1$.2f", []any{dec(912345678, 8)}, "9.12345678 9.123457 9.12"},
		{"%s", []any{dec(1, 7)}, "1E-7"},
		{"%s", []any{dec(-150, 2)}, "-1.50"},
		{"%.1f", []any{0.25}, "0.3"},
		{"%.2f", []any{1.005}, "1.01"},
		{"%.0f", []any{0.5}, "1"},
		{"%.3f", []any{0.0001}, "0.000"},
		{"%.2f", []any{0.999}, "1.00"},
		{"%e", []any{0.0}, "0.000000e+00"},
		{"%.2e", []any{9.999}, "1.00e+01"},
		{"%E", []any{-0.00012345}, "-1.234500E-04"},
		{"%f", []any{math.Copysign(0, -1)}, "-0.000000"},
		{"%10.3f|%-10.1f|", []any{3.14159, 2.0}, "     3.142|2.0       |"},
		{"%08.3f", []any{-3.14159}, "-003.142"},
		{"%s", []any{1e20}, "1.0E20"},
		{"%s", []any{float32(0.1)}, "0.1"},
		{"%f", []any{float32(0.1)}, "0.100000"},
		{"%#x %#o", []any{int64(255), int64(8)}, "0xff 010"},
		{"%x", []any{int64(-1)}, "ffffffffffffffff"},
		{"% d|%+d|%(d", []any{int64(5), int64(5), int64(-5)}, " 5|+5|(5)"},
		{"%,d", []any{int64(-1234567)}, "-1,234,567"},
		{"%d", []any{int64(-9223372036854775808)}, "-9223372036854775808"},
		{"%.2s", []any{"hello"}, "he"},
		{"%b", []any{"x"}, "true"},
		{"%s", []any{nil}, "null"},
		{"%f %s", []any{nil, nil}, "null null"},
		{"%5%|%-5%|", nil, "    %|%    |"},
		{"a%nb", nil, "a\nb"},
		{"%s", []any{"ü"}, "ü"},
		{"%f", []any{1e300}, "1" + strings.Repeat("0", 300) + ".000000"},
	}
	for _, tt := range tests {
		got, err := javaFormat(tt.f, tt.args)
		if err != nil || got != tt.want {
			t.Errorf("format(%q, %v) = %q, %v; want %q", tt.f, tt.args, got, err, tt.want)
		}
	}
}

func TestJavaFormatErrors(t *testing.T) {
	tests := []struct {
		f    string
		args []any
		want string
	}{
		{"%.4d", []any{int64(8)}, "(IllegalFormatPrecision: 4)"},
		{"%-02d", []any{int64(8)}, "(IllegalFormatFlags: Flags = '-0')"},
		{"%--2d", []any{int64(8)}, "(DuplicateFormatFlags: Flags = '-')"},
		{"%+s", []any{int64(8)}, "(FormatFlagsConversionMismatch: Conversion = s, Flags = +)"},
		{"%-s", []any{int64(8)}, "(MissingFormatWidth: %-s)"},
		{"%5n", []any{int64(8)}, "(IllegalFormatWidth: 5)"},
		{"%s %d", []any{int64(8)}, "(MissingFormatArgument: Format specifier '%d')"},
		{"%d", []any{duckdb.Decimal{Scale: 0, Value: big.NewInt(8)}}, "(IllegalFormatConversion: d != java.math.BigDecimal)"},
		{"%d", []any{1.5}, "(IllegalFormatConversion: d != java.lang.Double)"},
		{"%f", []any{int64(1)}, "(IllegalFormatConversion: f != java.lang.Long)"},
		{"%c", []any{int64(65)}, "(IllegalFormatConversion: c != java.lang.Long)"},
		{"%q", nil, "(UnknownFormatConversion: Conversion = 'q')"},
		{"%", nil, "(UnknownFormatConversion: Conversion = '%')"},
		{"%<s", []any{"a"}, "MissingFormatArgument"},
		{"%tY", []any{int64(1)}, "NOT_SUPPORTED"},
		{"%g", []any{1.0}, "NOT_SUPPORTED"},
	}
	for _, tt := range tests {
		_, err := javaFormat(tt.f, tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("format(%q) err = %v, want %q", tt.f, err, tt.want)
		}
	}
}

func TestStringFunctions(t *testing.T) {
	call := func(f func([]driver.Value) (any, error), args ...driver.Value) string {
		v, err := f(args)
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprint(v)
	}
	tests := []struct{ got, want string }{
		{call(substr, "hello", int64(-3), int64(2)), "ll"},
		{call(substr, "hello", int64(0)), ""},
		{call(substr, "héllo", int64(2), int64(100)), "éllo"},
		{call(strpos, "abcabc", "bc", int64(-1)), "5"},
		{call(strpos, "aaa", "aa", int64(2)), "2"},
		{call(strpos, "aaa", "aa", int64(-2)), "1"},
		{call(strpos, "aaa", "aa", int64(-3)), "0"},
		{call(splitPart, "a,b,", ",", int64(3)), ""},
		{call(splitPart, "a,b", ",", int64(3)), "<nil>"},
		{call(soundex, "Ashcraft"), "A261"},
		{call(soundex, "Tymczak"), "T522"},
		{call(soundex, "éa"), "error: INVALID_FUNCTION_ARGUMENT: The character is not mapped: É"},
		{call(pad(true), "abc", int64(7), "xy"), "xyxyabc"},
		{call(levenshteinDistance, "kitten", "sitting"), "3"},
		{call(urlEncode, "~@:.-*_+ ☃"), "%7E%40%3A.-*_%2B+%E2%98%83"},
		{call(urlPart("host"), "http://my_host.com/x"), ""},
		{call(urlPart("path"), "http://h/a%20b"), "/a%20b"},
		{call(fromBase, "7fffffffffffffff", int64(16)), "9223372036854775807"},
		{call(fromBase, "8000000000000000", int64(16)), "error: INVALID_FUNCTION_ARGUMENT: Not a valid base-16 number: 8000000000000000"},
		{call(bitCount, int64(-7), int64(8)), "6"},
		{call(bitCount, int64(128), int64(8)), "error: INVALID_FUNCTION_ARGUMENT: Number must be representable with the bits specified. 128 cannot be represented with 8 bits"},
		{fmt.Sprintf("%016X", xxhash64([]byte("abc"), 0)), "44BC2CF5AD770999"},
		{fmt.Sprintf("%016X", xxhash64([]byte(strings.Repeat("a", 100)), 0)), fmt.Sprintf("%016X", xxhash64([]byte(strings.Repeat("a", 100)), 0))},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestTrinoTypeName(t *testing.T) {
	tests := map[string]string{
		"INTEGER":                      "integer",
		"DECIMAL(2,1)":                 "decimal(2,1)",
		"INTEGER[]":                    "array(integer)",
		"MAP(BIGINT, DOUBLE[])":        "map(bigint, array(double))",
		"STRUCT(a INTEGER, b BOOLEAN)": "row(a integer, b boolean)",
		"FLOAT":                        "real",
		`"NULL"`:                       "unknown",
		"VARCHAR":                      "NOT_SUPPORTED",
		"TIMESTAMP":                    "NOT_SUPPORTED",
	}
	for duck, want := range tests {
		got, err := trinoTypeName(duck)
		if err != nil {
			got = strings.SplitN(err.Error(), ":", 2)[0]
		}
		if got != want {
			t.Errorf("trinoTypeName(%s) = %q, want %q", duck, got, want)
		}
	}
}

// FuzzJavaRegexp checks that any pattern either translates or is refused
// with a regexpError, and that matching never panics or loops.
func FuzzJavaRegexp(f *testing.F) {
	for _, s := range []string{`\d+`, `(?<n>a)|b`, `[^a-z\s]`, `a{2,3}?`, `(?m)^x$`, `\Q*\E`, `(?i-s:a.)`, `\p{Lu}`, `[]-]`, `\x{1F600}`, `(?#c)a`, `$`, `\Z`} {
		f.Add(s, "ab 12\nÉ")
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		re, err := newJavaRegexp(pattern)
		if err != nil {
			var re *regexpError
			if !errors.As(err, &re) {
				t.Fatalf("pattern %q: error %v is not a regexpError", pattern, err)
			}
			return
		}
		m, err := re.matcher(text)
		if err != nil {
			return
		}
		prev := -1
		for n := 0; n <= len(text)+1; n++ {
			loc := m.next()
			if loc == nil {
				return
			}
			if loc[0] < prev || loc[1] < loc[0] || loc[1] > len(text) {
				t.Fatalf("pattern %q on %q: bad match %v after %d", pattern, text, loc, prev)
			}
			prev = loc[1]
		}
		t.Fatalf("pattern %q on %q: more matches than positions", pattern, text)
	})
}

// FuzzJavaFormat checks that any format string formats or fails cleanly.
func FuzzJavaFormat(f *testing.F) {
	for _, s := range []string{"%s%%", "%,.2f", "%1$d %1$x", "%-7s|%7s", "%<s", "%(,010d", "%e", "%.0f", "%#X"} {
		f.Add(s, int64(-1234), 3.25, "x")
	}
	f.Fuzz(func(t *testing.T, format string, i int64, d float64, s string) {
		args := []any{i, d, s, nil, duckdb.Decimal{Width: 10, Scale: 3, Value: big.NewInt(i)}, float32(d)}
		_, _ = javaFormat(format, args)
	})
}
