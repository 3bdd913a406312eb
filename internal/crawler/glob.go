package crawler

import (
	"errors"
	"regexp"
	"strings"
)

// compileGlob compiles a Glue exclusion pattern, matched against an
// object key relative to the include path: "*" matches within one folder
// level, "**" across levels, "?" one character, "[a-z]" and "[!a-c]"
// character classes, "{a,b}" alternatives (not nested), and "\" escapes
// the next character.
func compileGlob(g string) (*regexp.Regexp, error) {
	if g == "" {
		return nil, errors.New("the pattern is empty")
	}
	var b strings.Builder
	b.WriteString("^")
	inBraces := false
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch c {
		case '\\':
			if i+1 >= len(g) {
				return nil, errors.New(`the pattern ends with an unfinished escape "\"`)
			}
			i++
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(g[i+1:], ']')
			if j < 0 {
				return nil, errors.New(`a "[" has no closing "]"`)
			}
			class := g[i+1 : i+1+j]
			if class == "" || class == "!" {
				return nil, errors.New("a character class [] is empty")
			}
			b.WriteByte('[')
			if class[0] == '!' {
				b.WriteByte('^')
				class = class[1:]
			}
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(class, `\`, `\\`), "[", `\[`))
			b.WriteByte(']')
			i += j + 1
		case '{':
			if inBraces {
				return nil, errors.New("alternatives {a,b} cannot be nested")
			}
			inBraces = true
			b.WriteString("(?:")
		case '}':
			if !inBraces {
				return nil, errors.New(`a "}" has no opening "{"`)
			}
			inBraces = false
			b.WriteByte(')')
		case ',':
			if inBraces {
				b.WriteByte('|')
			} else {
				b.WriteByte(',')
			}
		default:
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
		}
	}
	if inBraces {
		return nil, errors.New(`a "{" has no closing "}"`)
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
