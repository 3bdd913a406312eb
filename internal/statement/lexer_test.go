package statement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/errs"
)

// renderTokens renders tokens as "Kind Text" (and "=Value" when the value
// differs), without the final EOF.
func renderTokens(toks []Token) string {
	var parts []string
	for _, t := range toks {
		if t.Kind == TokenEOF {
			continue
		}
		s := fmt.Sprintf("%v %s", t.Kind, t.Text)
		if t.Value != t.Text {
			s += fmt.Sprintf(" =%q", t.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func TestLex(t *testing.T) {
	tests := []struct {
		name string
		mode Mode
		src  string
		want string
	}{
		{"words", ModeTrino, "SELECT a_1, _b FROM t$x", "Ident SELECT | Ident a_1 | Op , | Ident _b | Ident FROM | Ident t$x"},
		{"unicode word", ModeTrino, "SELECT größe", "Ident SELECT | Ident größe"},
		{"trino quoted ident", ModeTrino, `"a""b" "x y"`, `QuotedIdent "a""b" ="a\"b" | QuotedIdent "x y" ="x y"`},
		{"trino string", ModeTrino, `'it''s' 'a\n'`, `String 'it''s' ="it's" | String 'a\n' ="a\\n"`},
		{"trino backtick", ModeTrino, "`a``b`", "BacktickIdent `a``b` =\"a`b\""},
		{"unicode string", ModeTrino, `U&'\0041\+01F600\\x' u&'a'`, `UnicodeString U&'\0041\+01F600\\x' ="A😀\\x" | UnicodeString u&'a' ="a"`},
		{"binary string", ModeTrino, "X'0a1B' x''", `BinaryString X'0a1B' ="0a1B" | BinaryString x'' =""`},
		{"numbers", ModeTrino, "123 1.5 .5 1. 1e10 2E-3 3e+2 0x1F 0b101 0o17 1_000", "Number 123 | Number 1.5 | Number .5 | Number 1. | Number 1e10 | Number 2E-3 | Number 3e+2 | Number 0x1F | Number 0b101 | Number 0o17 | Number 1_000"},
		{"dot after name", ModeTrino, "t.5 a.b", "Ident t | Op . | Number 5 | Ident a | Op . | Ident b"},
		{"operators", ModeTrino, "( ) , ; . = <> != < <= > >= + - * / % || [ ] { } : -> => ? ::",
			"Op ( | Op ) | Op , | Op ; | Op . | Op = | Op <> | Op != | Op < | Op <= | Op > | Op >= | Op + | Op - | Op * | Op / | Op % | Op || | Op [ | Op ] | Op { | Op } | Op : | Op -> | Op => | Op ? | Op ::"},
		{"no >> operator", ModeHive, "array<array<int>>", "Ident array | Op < | Ident array | Op < | Ident int | Op > | Op >"},
		{"comments", ModeTrino, "a -- line\n/* block\n */ b--end", "Ident a | Ident b"},
		{"minus minus is a comment", ModeTrino, "1--2", "Number 1"},
		{"hive both quotes are strings", ModeHive, `'a' "b"`, `String 'a' ="a" | String "b" ="b"`},
		{"hive backtick", ModeHive, "`my col` `a``b`", "QuotedIdent `my col` =\"my col\" | QuotedIdent `a``b` =\"a`b\""},
		{"hive escapes", ModeHive, `'\n\t\r\b\0\Z\\\'\"'`, `String '\n\t\r\b\0\Z\\\'\"' ="\n\t\r\b\x00\x1a\\'\""`},
		{"hive like escapes kept", ModeHive, `'\%\_'`, `String '\%\_' ="\\%\\_"`},
		{"hive octal", ModeHive, `'\001' '\101\60' '\400'`, `String '\001' ="\x01" | String '\101\60' ="A60" | String '\400' ="400"`},
		{"hive unicode escape", ModeHive, `'\u00e9\u12'`, `String '\u00e9\u12' ="éu12"`},
		{"hive other escapes", ModeHive, `'\;\q' "\""`, `String '\;\q' =";q" | String "\"" ="\""`},
		{"hive digit words", ModeHive, "2020_data 100L db.2020_x", "Ident 2020_data | Ident 100L | Ident db | Op . | Ident 2020_x"},
		{"hive numbers", ModeHive, "2020 1.5 1e10 2E-3 -1", "Number 2020 | Number 1.5 | Number 1e10 | Number 2E-3 | Op - | Number 1"},
		{"hive no U& or X prefix", ModeHive, "X'0A' U", `Ident X | String '0A' ="0A" | Ident U`},
		{"empty", ModeTrino, "", ""},
		{"only space", ModeHive, " \t\r\n\f\v", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := Lex(tt.src, tt.mode)
			if err != nil {
				t.Fatalf("Lex(%q): %v", tt.src, err)
			}
			if got := renderTokens(toks); got != tt.want {
				t.Errorf("Lex(%q)\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
			checkTokens(t, tt.src, toks)
		})
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct {
		mode Mode
		src  string
		want string
	}{
		{ModeTrino, "SELECT 'abc", "line 1:8: unterminated string; close it with '"},
		{ModeHive, `SELECT 'ab\'`, "line 1:8: unterminated string; close it with '"},
		{ModeHive, `x "abc`, `line 1:3: unterminated string; close it with "`},
		{ModeTrino, `x "abc`, `line 1:3: unterminated quoted identifier; close it with "`},
		{ModeTrino, "x\n  `abc", "line 2:3: unterminated quoted identifier; close it with `"},
		{ModeHive, "x `abc", "line 1:3: unterminated quoted identifier; close it with `"},
		{ModeTrino, "a /* b", "line 1:3: unterminated /* comment; close it with */"},
		{ModeTrino, "a\n\n b ^ c", "line 3:4: unexpected character '^'; Athena has no operator '^' (use functions such as bitwise_and or regexp_like instead)"},
		{ModeTrino, "é\u00a0x", "line 1:2: unexpected character U+00A0 (a non-ASCII space); replace it with an ordinary space"},
		{ModeTrino, "a \xff", "line 1:3: invalid UTF-8 byte 0xFF"},
		{ModeTrino, "a \x01", "line 1:3: unexpected character U+0001"},
		{ModeTrino, "1abc", `line 1:1: identifiers must not start with a digit; surround the identifier with double quotes ("1abc")`},
		{ModeTrino, "1e", `line 1:1: identifiers must not start with a digit; surround the identifier with double quotes ("1e")`},
		{ModeTrino, `""`, `line 1:1: zero-length quoted identifier "" is not allowed`},
		{ModeHive, "``", "line 1:1: zero-length quoted identifier `` is not allowed"},
		{ModeTrino, "X'0Z'", "line 1:1: binary literal X'0Z' can only contain hexadecimal digits"},
		{ModeTrino, "X'012'", "line 1:1: binary literal X'012' must contain an even number of digits"},
		{ModeTrino, "a ! b", `line 1:3: unexpected character '!'; use <> or != for "not equal"`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			toks, err := Lex(tt.src, tt.mode)
			if err == nil {
				t.Fatalf("Lex(%q) = %s, want error %q", tt.src, renderTokens(toks), tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Lex(%q) error %T, want *SyntaxError", tt.src, err)
			}
			if err.Error() != tt.want {
				t.Errorf("Lex(%q) error\n got: %s\nwant: %s", tt.src, err, tt.want)
			}
			checkSyntaxError(t, tt.src, se)
		})
	}
}

func TestLineCol(t *testing.T) {
	src := "ab\ncé\n\nx"
	tests := []struct{ offset, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1}, {4, 2, 2}, {6, 2, 3}, {7, 3, 1}, {8, 4, 1}, {9, 4, 2}, {100, 4, 2},
	}
	for _, tt := range tests {
		if line, col := LineCol(src, tt.offset); line != tt.line || col != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.offset, line, col, tt.line, tt.col)
		}
	}
}

func TestTokenKindString(t *testing.T) {
	if got := TokenBacktickIdent.String(); got != "BacktickIdent" {
		t.Errorf("String() = %q", got)
	}
	if got := TokenKind(99).String(); got != "TokenKind(99)" {
		t.Errorf("String() = %q", got)
	}
	if ModeHive.String() != "hive" || ModeTrino.String() != "trino" {
		t.Errorf("Mode names: %v %v", ModeHive, ModeTrino)
	}
}

// checkTokens checks that tokens cover their source text in order, without
// overlapping, and end with EOF.
func checkTokens(t testing.TB, src string, toks []Token) {
	t.Helper()
	if len(toks) == 0 || toks[len(toks)-1].Kind != TokenEOF {
		t.Fatalf("%q: tokens do not end with EOF", src)
	}
	prev := 0
	for i, tok := range toks {
		s := tok.Span
		if s.Start < prev || s.End < s.Start || s.End > len(src) {
			t.Fatalf("%q: token %d %v has span %v after offset %d", src, i, tok.Kind, s, prev)
		}
		if tok.Text != src[s.Start:s.End] {
			t.Fatalf("%q: token %d text %q is not its span's %q", src, i, tok.Text, src[s.Start:s.End])
		}
		if tok.Kind != TokenEOF && s.Start == s.End {
			t.Fatalf("%q: token %d %v is empty", src, i, tok.Kind)
		}
		if tok.Kind == TokenEOF && i != len(toks)-1 {
			t.Fatalf("%q: EOF before the last token", src)
		}
		prev = s.End
	}
}

func TestSyntaxErrorIsInvalid(t *testing.T) {
	_, err := Parse("SELEC 1")
	if !errors.Is(err, errs.Invalid) {
		t.Errorf("errors.Is(%v, errs.Invalid) = false", err)
	}
	if errors.Is(err, errs.NotFound) {
		t.Errorf("a syntax error matches errs.NotFound")
	}
}
