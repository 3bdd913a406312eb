package schedule

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone files
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/*.txt")

// A script file holds records separated by blank lines:
//
//	# what the record shows (comments, optional)
//	expr cron(0 0 29 2 ? *)
//	zone Europe/Brussels              (optional, UTC if absent)
//	from 2026-01-01T00:00:00Z
//	start 2026-06-01T00:00:00Z        (optional)
//	end 2030-01-01T00:00:00Z          (optional)
//	created 2026-01-01T00:00:00Z      (optional; rate schedules without start)
//	n 3                               (optional, 5 if absent)
//	----
//	2028-02-29T00:00:00+01:00 Tue CET (the next n fire times, or fewer
//	(no more)                          followed by "(no more)", or
//	                                   "error: " and the error's message)
type scriptRecord struct {
	comment []string
	input   []string // the key-value lines, as written
	keys    map[string]string
	want    []string
	line    int // where the record starts in its file
}

const inputEnd = "----"

var scriptKeys = map[string]bool{"expr": true, "zone": true, "from": true, "start": true, "end": true, "created": true, "n": true}

// readScript splits a script file into records.
func readScript(name, text string) ([]scriptRecord, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var recs []scriptRecord
	for i := 0; i < len(lines); {
		rec := scriptRecord{keys: map[string]string{}}
		for i < len(lines) && (lines[i] == "" || strings.HasPrefix(lines[i], "#")) {
			if lines[i] != "" {
				rec.comment = append(rec.comment, lines[i])
			}
			i++
		}
		if i == len(lines) {
			break
		}
		rec.line = i + 1
		for ; i < len(lines) && lines[i] != inputEnd; i++ {
			k, v, _ := strings.Cut(lines[i], " ")
			if !scriptKeys[k] || lines[i] == "" {
				return nil, fmt.Errorf("%s:%d: want one of expr, zone, from, start, end, created, n or %s; found %q", name, i+1, inputEnd, lines[i])
			}
			rec.input = append(rec.input, lines[i])
			rec.keys[k] = strings.TrimSpace(v)
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s:%d: record has no %s line", name, rec.line, inputEnd)
		}
		if rec.keys["expr"] == "" || rec.keys["from"] == "" {
			return nil, fmt.Errorf("%s:%d: record needs expr and from", name, rec.line)
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			rec.want = append(rec.want, lines[i])
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// formatFire prints a fire time with its offset, weekday and zone
// abbreviation, so that a reader can check DST, L, W and # by eye.
func formatFire(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.999999999Z07:00 Mon MST")
}

// run computes a record's output lines.
func (rec scriptRecord) run() ([]string, error) {
	parseTime := func(key string) (time.Time, error) {
		v, ok := rec.keys[key]
		if !ok {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: %w", key, err)
		}
		return t, nil
	}
	var spec Spec
	var err error
	spec.Expression, spec.TimeZone = rec.keys["expr"], rec.keys["zone"]
	from, err := parseTime("from")
	if err != nil {
		return nil, err
	}
	if spec.Start, err = parseTime("start"); err != nil {
		return nil, err
	}
	if spec.End, err = parseTime("end"); err != nil {
		return nil, err
	}
	if spec.Created, err = parseTime("created"); err != nil {
		return nil, err
	}
	n := 5
	if v, ok := rec.keys["n"]; ok {
		if n, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("n: %w", err)
		}
	}
	s, err := New(spec)
	if err != nil {
		return []string{"error: " + err.Error()}, nil
	}
	var out []string
	for _, t := range s.NextN(from, n) {
		out = append(out, formatFire(t))
	}
	if len(out) < n {
		out = append(out, "(no more)")
	}
	return out, nil
}

func writeScript(recs []scriptRecord) string {
	var b strings.Builder
	for i, rec := range recs {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range append(append(append(rec.comment, rec.input...), inputEnd), rec.want...) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func scriptFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	return files
}

// readScriptFile reads and splits a script file.
func readScriptFile(t testing.TB, file string) []scriptRecord {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := readScript(file, string(text))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestScripts(t *testing.T) {
	for _, file := range scriptFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			recs := readScriptFile(t, file)
			for i := range recs {
				rec := &recs[i]
				got, err := rec.run()
				if err != nil {
					t.Fatalf("%s:%d: %v", file, rec.line, err)
				}
				if *update {
					rec.want = got
					continue
				}
				if strings.Join(got, "\n") != strings.Join(rec.want, "\n") {
					t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", file, rec.line, rec.keys["expr"],
						strings.Join(got, "\n"), strings.Join(rec.want, "\n"))
				}
			}
			if *update {
				if err := os.WriteFile(file, []byte(writeScript(recs)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
