// Package yamlerr finds the line at fault in a YAML syntax error.
//
// For its parser's errors ("did not find expected key"), the YAML
// decoder (go.yaml.in/yaml/v3) names the line before the one where the
// enclosing mapping or list starts, not the line at fault: a badly
// indented key on line 9 of a mapping that starts on line 3 is reported
// at "line 2". Locate finds the line a user should look at.
package yamlerr

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// linePrefix is the "yaml: line N: " prefix of the decoder's syntax
// errors.
var linePrefix = regexp.MustCompile(`^yaml: line (\d+): `)

// budget bounds the bytes Locate parses looking for the line.
const budget = 32 << 20

// Locate returns the line (1-based) at fault for err, a syntax error
// from decoding data, and the problem without the decoder's prefix; line
// is 0 when the error names none. For the parser's errors the line is
// the first at which a prefix of data fails with the same problem; when
// that is too long to find, the problem says which block it is in.
func Locate(data []byte, err error) (line int, problem string) {
	msg := err.Error()
	m := linePrefix.FindStringSubmatch(msg)
	if m == nil {
		return 0, strings.TrimPrefix(msg, "yaml: ")
	}
	problem = msg[len(m[0]):]
	line, _ = strconv.Atoi(m[1])
	lines := splitLines(data)
	if !strings.HasPrefix(problem, "did not find expected ") {
		// A scanner error at the end of the input can be counted
		// past the last line.
		return min(line, len(lines)), problem
	}
	start := min(max(line, 1), len(lines)+1)
	size := 0
	for _, l := range lines[:start-1] {
		size += len(l)
	}
	left := budget
	for k := start; k <= len(lines); k++ {
		size += len(lines[k-1])
		if left -= size; left < 0 {
			break
		}
		var n yaml.Node
		perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if perr != nil && strings.HasSuffix(perr.Error(), ": "+problem) {
			return k, problem
		}
	}
	return 0, problem + " in the mapping or list that starts on line " + strconv.Itoa(line+1)
}

// splitLines splits data after each line break as YAML counts them:
// LF, CR LF, a lone CR, NEL, LS and PS.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	start := 0
	for i := 0; i < len(data); {
		n := 0
		switch {
		case data[i] == '\n':
			n = 1
		case data[i] == '\r':
			n = 1
			if i+1 < len(data) && data[i+1] == '\n' {
				n = 2
			}
		case bytes.HasPrefix(data[i:], []byte("\u0085")):
			n = 2
		case bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n = 3
		}
		if n == 0 {
			i++
			continue
		}
		i += n
		lines = append(lines, data[start:i])
		start = i
	}
	return append(lines, data[start:])
}
