package crawler

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvDelimiters are the delimiters Glue's CSV classifier tries, in order.
var csvDelimiters = []byte{',', '|', '\t', ';', '\x01'}

// csvProbeRecords is how many records decide the delimiter.
const csvProbeRecords = 20

// maxHeaderName is Glue's bound on header names (all but the last column).
const maxHeaderName = 150

// classifyCSV recognises delimited text the way Glue's built-in CSV
// classifier does: one of the delimiters , | tab ; \x01 giving the same
// number of fields (at least two) on every probed record, and at least two
// records. Fields may be double-quoted. The first record is a header when
// every field of it is a string, all but the last are non-empty and
// shorter than 150 characters, no field holds a control character, and
// some data column has a type other than string. Column types: bigint,
// double, boolean, string (with rich inference, date and timestamp);
// empty fields do not count.
func classifyCSV(in *Input) (*FileSchema, bool, error) {
	// Read a little first and more while the sample is incomplete: 1,000
	// records often end well before the first megabyte.
	for size := min(firstRead, sampleBytes); ; size = nextRead(size) {
		fs, ok, more := classifyCSVAt(in, size)
		if !more {
			return fs, ok, nil
		}
	}
}

// classifyCSVAt classifies the first size bytes; more reports that the
// sample is incomplete there and should be read further (never at
// sampleBytes, the whole sample).
func classifyCSVAt(in *Input, size int) (fs *FileSchema, ok, more bool) {
	data := in.Head(size)
	truncated := in.Truncated(size)
	canRead := truncated && size < sampleBytes
	if len(data) == 0 || bytes.IndexByte(data, 0) >= 0 {
		return nil, false, false
	}
	text := data
	if truncated {
		// Drop the last, maybe partial, line.
		if i := bytes.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i+1]
		}
	}
	if !utf8.Valid(text) {
		return nil, false, false
	}
	text = bytes.TrimPrefix(text, []byte("\xEF\xBB\xBF"))
	best, bestFields := byte(0), 0
	for _, d := range csvDelimiters {
		recs, _, _ := parseCSV(text, d, csvProbeRecords)
		if len(recs) < 2 || len(recs[0]) < 2 || len(recs[0]) <= bestFields {
			continue
		}
		consistent := true
		for _, r := range recs[1:] {
			if len(r) != len(recs[0]) {
				consistent = false
				break
			}
		}
		if consistent {
			best, bestFields = d, len(recs[0])
		}
	}
	if bestFields == 0 {
		// Too few whole lines read to tell, perhaps.
		return nil, false, canRead
	}
	recs, quoted, consumed := parseCSV(text, best, sampleRecords+1)
	if canRead && len(recs) <= sampleRecords {
		return nil, false, true
	}
	fs = &FileSchema{Classification: "csv", Delimiter: string(best), Quoted: quoted}
	ncols := len(recs[0])
	kinds := make([]kind, ncols)
	colKinds := func(rows [][]string) {
		for _, r := range rows {
			for i, v := range r {
				if i < ncols {
					kinds[i] = mergeKind(kinds[i], csvKind(v, in.Rich))
				}
			}
		}
	}
	colKinds(recs[1:])
	fs.Header = csvHeader(recs[0], kinds, in.Rich)
	names := make([]string, ncols)
	if fs.Header {
		for i, v := range recs[0] {
			names[i] = strings.TrimSpace(v)
		}
	} else {
		colKinds(recs[:1])
	}
	fs.Columns = shape{kind: kStruct}
	seen := map[string]int{}
	for i := range ncols {
		name := names[i]
		if name == "" {
			name = fmt.Sprintf("col%d", i)
		}
		key := strings.ToLower(name)
		if n := seen[key]; n > 0 {
			// Glue refuses duplicate names; weir numbers the repeats.
			name = fmt.Sprintf("%s_%d", name, n+1)
			key = strings.ToLower(name)
		}
		seen[key]++
		k := kinds[i]
		if k == kNull {
			k = kString
		}
		fs.Columns.fields = append(fs.Columns.fields, &field{name: name, key: key, s: shape{kind: k}})
	}
	fs.Records = int64(len(recs))
	if fs.Header {
		fs.Records--
	}
	fs.Bytes = int64(consumed)
	fs.Complete = !truncated && consumed >= len(text)
	if fs.Complete {
		fs.Bytes = int64(len(data))
	}
	return fs, true, false
}

// csvHeader applies Glue's header heuristic to the first record, given
// the kinds of the data columns.
func csvHeader(first []string, data []kind, rich bool) bool {
	for i, v := range first {
		v = strings.TrimSpace(v)
		if k := csvKind(v, rich); k != kString && !(k == kNull && i == len(first)-1) {
			return false
		}
		if i < len(first)-1 && utf8.RuneCountInString(v) >= maxHeaderName {
			return false
		}
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				return false
			}
		}
	}
	for _, k := range data {
		if k != kString && k != kNull {
			return true
		}
	}
	return false
}

// csvKind types one field: empty and \N are nulls.
func csvKind(v string, rich bool) kind {
	v = strings.TrimSpace(v)
	if v == "" || v == `\N` {
		return kNull
	}
	switch c := v[0]; {
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return kBigInt
		}
		if isDecimal(v) {
			return kDouble
		}
	case strings.EqualFold(v, "true") || strings.EqualFold(v, "false"):
		return kBool
	}
	if rich {
		return temporalKind([]byte(v))
	}
	return kString
}

// isDecimal reports whether v is a decimal number (digits with an optional
// sign, fraction and exponent), not NaN or Infinity or hex.
func isDecimal(v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// parseCSV splits text into at most max records of fields separated by
// delim, honouring double quotes ("" is a quote inside quotes). A final
// record cut off inside quotes is dropped. It returns the records,
// whether any field was quoted, and the bytes the records took.
func parseCSV(text []byte, delim byte, max int) (recs [][]string, quoted bool, consumed int) {
	i := 0
	var field []byte
	for i < len(text) && len(recs) < max {
		var rec []string
		start := i
		for {
			field = field[:0]
			if i < len(text) && text[i] == '"' {
				quoted = true
				i++
				closed := false
				for i < len(text) {
					if text[i] == '"' {
						if i+1 < len(text) && text[i+1] == '"' {
							field = append(field, '"')
							i += 2
							continue
						}
						i++
						closed = true
						break
					}
					field = append(field, text[i])
					i++
				}
				if !closed {
					return recs, quoted, start
				}
				// Anything between the closing quote and the delimiter is
				// kept, as lenient readers do.
				for i < len(text) && text[i] != delim && text[i] != '\n' && text[i] != '\r' {
					field = append(field, text[i])
					i++
				}
			} else {
				for i < len(text) && text[i] != delim && text[i] != '\n' && text[i] != '\r' {
					field = append(field, text[i])
					i++
				}
			}
			rec = append(rec, string(field))
			if i < len(text) && text[i] == delim {
				i++
				continue
			}
			break
		}
		// End of record: \n, \r\n or the end of the text.
		if i < len(text) && text[i] == '\r' {
			i++
		}
		if i < len(text) && text[i] == '\n' {
			i++
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		recs = append(recs, rec)
		consumed = i
	}
	return recs, quoted, consumed
}
