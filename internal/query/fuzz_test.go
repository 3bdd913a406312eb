package query

import (
	"bufio"
	"strings"
	"testing"
)

// FuzzResultCSV checks the reader of weir's result files: it never panics,
// and whatever a writer produced reads back field for field.
func FuzzResultCSV(f *testing.F) {
	for _, s := range []string{"\"a\",\"b\"\n\"1\",\n", "\"x\"\"y\",\"\"\n", ",,\n", "\"unterminated\n", "\"multi\nline\",\"2\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		r := &csvReader{r: bufio.NewReader(strings.NewReader(data))}
		for i := 0; i < 10000; i++ {
			if _, err := r.record(); err != nil {
				break
			}
		}
		// Round trip: write the fields of data's first line as a row and read it back.
		fields := strings.Split(strings.SplitN(data, "\n", 2)[0], ",")
		var b strings.Builder
		w := bufio.NewWriter(&b)
		for i, fld := range fields {
			if i > 0 {
				w.WriteByte(',')
			}
			writeCSVField(w, fld)
		}
		w.WriteByte('\n')
		w.Flush()
		rec, err := (&csvReader{r: bufio.NewReader(strings.NewReader(b.String()))}).record()
		if err != nil {
			t.Fatalf("reading back %q: %v", b.String(), err)
		}
		if len(rec) != len(fields) {
			t.Fatalf("read %d fields from %q, want %d", len(rec), b.String(), len(fields))
		}
		for i := range fields {
			if rec[i] == nil || *rec[i] != fields[i] {
				t.Fatalf("field %d: read %v, want %q", i, rec[i], fields[i])
			}
		}
	})
}

// FuzzNextToken checks that page tokens never panic and round-trip.
func FuzzNextToken(f *testing.F) {
	f.Add("")
	f.Add(encodeToken(12345))
	f.Add("bm90LWEtdG9rZW4")
	f.Fuzz(func(t *testing.T, tok string) {
		off, err := decodeToken(tok)
		if err != nil {
			return
		}
		if off < 0 {
			t.Fatalf("decodeToken(%q) = %d", tok, off)
		}
		if back, err := decodeToken(encodeToken(off)); err != nil || back != off {
			t.Fatalf("round trip of %d: %d, %v", off, back, err)
		}
	})
}
