package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of JSON values the classifier follows.
const maxJSONDepth = 100

// errJSONTruncated is a value cut off by the end of the sample.
var errJSONTruncated = errors.New("unexpected end of data")

// classifyJSON recognises JSON lines: a stream of objects, one per line
// (whitespace between objects is tolerated, as Glue does; Athena's JSON
// SerDes then need one object per line). It merges the types of up to
// sampleRecords records: numbers are int, bigint or double by range,
// objects struct<>, arrays array<>, strings string (with rich inference,
// ISO dates and timestamps date and timestamp).
func classifyJSON(in *Input) (*FileSchema, bool, error) {
	// Read a little first and more as needed: 1,000 records often end
	// well before the first megabyte.
	size := min(firstRead, sampleBytes)
	data := in.Head(size)
	start := skipSpaceBOM(data, 0)
	if start >= len(data) || data[start] != '{' {
		return nil, false, nil
	}
	// Read on while the first record does not end: up to 1 MB, then in
	// 1 MB steps up to 10 MB.
	for {
		p := jsonParser{b: data, i: start, rich: in.Rich}
		var s shape
		err := p.value(&s, 0)
		if err == nil {
			break
		}
		if !errors.Is(err, errJSONTruncated) || !in.Truncated(size) || size >= maxJSONBytes {
			return nil, false, nil
		}
		size = nextRead(size)
		data = in.Head(size)
	}
	limit := max(size, sampleBytes)
	fs := &FileSchema{Classification: "json", Columns: shape{kind: kStruct}}
	p := jsonParser{b: data, i: start, rich: in.Rich}
	multiLine := false
	// more reads on when the data read so far ends before the sample does.
	more := func() bool {
		if size >= limit || !in.Truncated(size) {
			return false
		}
		size = min(nextRead(size), limit)
		data = in.Head(size)
		p.b = data
		return true
	}
	for fs.Records < sampleRecords {
		p.i = skipSpaceBOM(data, p.i)
		if p.i >= len(data) {
			if more() {
				continue
			}
			break
		}
		begin := p.i
		if data[p.i] != '{' {
			fs.Warnings = append(fs.Warnings, fmt.Sprintf("%s line %d: a record is not a JSON object; queries of this file will fail unless the table has ignore.malformed.json", in.Key, p.line(begin)))
			break
		}
		err := p.value(&fs.Columns, 0)
		if errors.Is(err, errJSONTruncated) && in.Truncated(size) {
			// The data read ends inside a record: read on and parse it
			// again (what it merged so far were whole values of it), or
			// stop at the end of the sample.
			p.i = begin
			if more() {
				continue
			}
			break
		}
		if err != nil {
			fs.Warnings = append(fs.Warnings, fmt.Sprintf("%s line %d: malformed JSON record (%v); queries of this file will fail unless the table has ignore.malformed.json", in.Key, p.line(begin), err))
			break
		}
		if !multiLine && bytes.IndexByte(data[begin:p.i], '\n') >= 0 {
			multiLine = true
			fs.Warnings = append(fs.Warnings, fmt.Sprintf("%s line %d: a JSON record spans several lines; Athena's JSON SerDes read one object per line", in.Key, p.line(begin)))
		}
		fs.Records++
		fs.Bytes = int64(p.i)
	}
	truncated := in.Truncated(size)
	fs.Complete = !truncated && p.i >= len(data)
	if fs.Complete {
		fs.Bytes = int64(len(data))
	}
	return fs, true, nil
}

// skipSpaceBOM skips JSON whitespace and a UTF-8 byte-order mark.
func skipSpaceBOM(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		case 0xEF:
			if bytes.HasPrefix(b[i:], []byte("\xEF\xBB\xBF")) {
				i += 3
				continue
			}
			return i
		default:
			return i
		}
	}
	return i
}

// jsonParser merges the types of JSON values into shapes, without
// building the values.
type jsonParser struct {
	b    []byte
	i    int
	rich bool
}

// line returns the 1-based line number of offset i.
func (p *jsonParser) line(i int) int { return bytes.Count(p.b[:min(i, len(p.b))], []byte{'\n'}) + 1 }

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at line %d: "+format, append([]any{p.line(p.i)}, args...)...)
}

// value parses the value at p.i and merges its type into s.
func (p *jsonParser) value(s *shape, depth int) error {
	p.skipSpace()
	if p.i >= len(p.b) {
		return errJSONTruncated
	}
	if depth > maxJSONDepth {
		return p.errorf("values nest deeper than %d levels", maxJSONDepth)
	}
	switch c := p.b[p.i]; {
	case c == '{':
		if s.kind != kStruct && s.kind != kNull {
			t := shape{kind: kStruct}
			if err := p.object(&t, depth); err != nil {
				return err
			}
			s.merge(&t)
			return nil
		}
		s.kind = kStruct
		return p.object(s, depth)
	case c == '[':
		if s.kind != kArray && s.kind != kNull {
			var t shape
			if err := p.array(&t, depth); err != nil {
				return err
			}
			s.merge(&t)
			return nil
		}
		return p.array(s, depth)
	case c == '"':
		start := p.i + 1
		if err := p.str(); err != nil {
			return err
		}
		k := kString
		if p.rich {
			k = temporalKind(p.b[start : p.i-1])
		}
		s.setScalar(k)
	case c == 't':
		if err := p.literal("true"); err != nil {
			return err
		}
		s.setScalar(kBool)
	case c == 'f':
		if err := p.literal("false"); err != nil {
			return err
		}
		s.setScalar(kBool)
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		k, err := p.number()
		if err != nil {
			return err
		}
		s.setScalar(k)
	default:
		return p.errorf("unexpected %q", c)
	}
	return nil
}

func (p *jsonParser) object(s *shape, depth int) error {
	p.i++ // {
	hint := 0
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.b) {
			return errJSONTruncated
		}
		if p.b[p.i] != '"' {
			return p.errorf("expected a quoted key, found %q", p.b[p.i])
		}
		start := p.i + 1
		if err := p.str(); err != nil {
			return err
		}
		key := p.b[start : p.i-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			key = unescapeKey(key)
		}
		p.skipSpace()
		if p.i >= len(p.b) {
			return errJSONTruncated
		}
		if p.b[p.i] != ':' {
			return p.errorf("expected ':' after a key, found %q", p.b[p.i])
		}
		p.i++
		idx, f := s.lookup(key, hint)
		hint = idx + 1
		if err := p.value(&f.s, depth+1); err != nil {
			return err
		}
		if done, err := p.separator('}', "an object"); done || err != nil {
			return err
		}
	}
}

func (p *jsonParser) array(s *shape, depth int) error {
	p.i++ // [
	if s.kind == kNull {
		*s = shape{kind: kArray, elem: &shape{}}
	}
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		if err := p.value(s.elem, depth+1); err != nil {
			return err
		}
		if done, err := p.separator(']', "an array"); done || err != nil {
			return err
		}
	}
}

// separator reads the ',' or the closing bracket after a member of an
// object or array; done reports the closing bracket.
func (p *jsonParser) separator(closing byte, in string) (done bool, err error) {
	p.skipSpace()
	if p.i >= len(p.b) {
		return false, errJSONTruncated
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		return false, nil
	case closing:
		p.i++
		return true, nil
	}
	return false, p.errorf("expected ',' or '%c' in %s, found %q", closing, in, p.b[p.i])
}

// str skips a string starting at the opening quote at p.i. It looks for
// the next quote and counts the backslashes before it: an odd number
// escapes it.
func (p *jsonParser) str() error {
	p.i++
	for {
		j := bytes.IndexByte(p.b[p.i:], '"')
		if j < 0 {
			p.i = len(p.b)
			return errJSONTruncated
		}
		q := p.i + j
		n := 0
		for m := q - 1; m >= p.i && p.b[m] == '\\'; m-- {
			n++
		}
		p.i = q + 1
		if n%2 == 0 {
			return nil
		}
	}
}

func (p *jsonParser) literal(word string) error {
	end := p.i + len(word)
	if end > len(p.b) {
		if bytes.HasPrefix([]byte(word), p.b[p.i:]) {
			return errJSONTruncated
		}
		return p.errorf("unexpected %q", p.b[p.i])
	}
	if string(p.b[p.i:end]) != word {
		return p.errorf("unexpected %q", p.b[p.i])
	}
	p.i = end
	return nil
}

// number reads a JSON number and returns its kind: int when it fits 32
// bits, bigint when it fits 64, double otherwise or with a fraction or
// exponent.
func (p *jsonParser) number() (kind, error) {
	start := p.i
	neg := p.b[p.i] == '-'
	if neg {
		p.i++
	}
	digits := p.i
	var v uint64
	overflow := false
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		d := uint64(p.b[p.i] - '0')
		if v > (1<<64-1-d)/10 {
			overflow = true
		} else {
			v = v*10 + d
		}
		p.i++
	}
	if p.i == digits {
		if p.i >= len(p.b) {
			return 0, errJSONTruncated
		}
		return 0, p.errorf("malformed number %q", p.b[start:p.i+1])
	}
	frac := false
	if p.i < len(p.b) && p.b[p.i] == '.' {
		frac = true
		p.i++
		if err := p.digits(start); err != nil {
			return 0, err
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		frac = true
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if err := p.digits(start); err != nil {
			return 0, err
		}
	}
	if p.i >= len(p.b) {
		// A number at the end of the sample may go on.
		return 0, errJSONTruncated
	}
	switch {
	case frac || overflow:
		return kDouble, nil
	case !neg && v <= 1<<31-1, neg && v <= 1<<31:
		return kInt, nil
	case !neg && v <= 1<<63-1, neg && v <= 1<<63:
		return kBigInt, nil
	}
	return kDouble, nil
}

// digits skips the digits of a fraction or exponent, which must have one
// at least; start is where the number began, for messages.
func (p *jsonParser) digits(start int) error {
	n := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i > n {
		return nil
	}
	if p.i >= len(p.b) {
		return errJSONTruncated
	}
	return p.errorf("malformed number %q", p.b[start:p.i+1])
}

// unescapeKey decodes the escapes of a JSON object key.
func unescapeKey(raw []byte) []byte {
	var out []byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'u':
			if i+4 < len(raw) {
				if r, err := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32); err == nil {
					out = utf8.AppendRune(out, rune(r))
					i += 4
					continue
				}
			}
			out = append(out, 'u')
		default:
			out = append(out, raw[i])
		}
	}
	return out
}

// temporalKind types a string for rich inference: an ISO date
// (2020-05-12) is a date, an ISO timestamp (2020-05-12 09:00:00 or
// 2020-05-12T09:00:00.123Z, with an optional zone offset) a timestamp,
// anything else a string.
func temporalKind(s []byte) kind {
	digits := func(b []byte) bool {
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	if len(s) < 10 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) {
		return kString
	}
	if len(s) == 10 {
		return kDate
	}
	t := s[10:]
	if len(t) < 9 || (t[0] != 'T' && t[0] != ' ') || !digits(t[1:3]) || t[3] != ':' || !digits(t[4:6]) || t[6] != ':' || !digits(t[7:9]) {
		return kString
	}
	t = t[9:]
	if len(t) > 0 && t[0] == '.' {
		n := 1
		for n < len(t) && t[n] >= '0' && t[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return kString
		}
		t = t[n:]
	}
	switch {
	case len(t) == 0, string(t) == "Z":
		return kTimestamp
	case (t[0] == '+' || t[0] == '-') && (len(t) == 6 && t[3] == ':' && digits(t[1:3]) && digits(t[4:6]) || len(t) == 5 && digits(t[1:5]) || len(t) == 3 && digits(t[1:3])):
		return kTimestamp
	}
	return kString
}
