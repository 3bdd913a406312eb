package querytest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/query"
)

//go:embed testdata/*.txt
var scripts embed.FS

// Scripts returns the names and contents of the embedded script files.
func Scripts() (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(scripts, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := scripts.ReadFile(p)
		if err != nil {
			return err
		}
		out[path.Base(p)] = string(b)
		return nil
	})
	return out, err
}

// RunScripts runs every script in testdata against a fresh environment
// each, as subtests named after the files.
//
// A script is a sequence of records separated by blank lines; lines
// starting with '#' are comments. Records:
//
//	use DATABASE                 set the database of later statements
//	mb BUCKET                    make a bucket
//	put [gzip] [escaped] s3://b/k   store the following lines (until a blank
//	                             line) as an object; "escaped" turns \t, \n,
//	                             \\ and \xHH into bytes
//	statement ok                 the following SQL must succeed
//	statement count N            ... and write (UpdateCount) N rows
//	statement error TEXT         ... must fail with a reason containing TEXT
//	query [rowsort]              the SQL, a line "----", a header line
//	                             "name type | name type ...", then one line
//	                             per row with values separated by " | ";
//	                             NULL is NULL and '' an empty string
//	scanned N                    the previous statement read N bytes
//	ls s3://b/prefix             the keys under the prefix, one per line,
//	                             relative to it, with UUIDs shown as <id>
func RunScripts(t *testing.T, newEngine NewEngine) {
	all, err := Scripts()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			t.Parallel()
			env := NewEnv(t, newEngine)
			runScript(t, env, name, all[name])
		})
	}
}

type record struct {
	line  int      // 1-based line of the directive
	words []string // the directive line, split
	body  []string // lines until "----" or a blank line
	want  []string // lines after "----"
}

func parseScript(text string) ([]record, error) {
	var recs []record
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur *record
	inWant := false
	n := 0
	flush := func() {
		if cur != nil {
			recs = append(recs, *cur)
		}
		cur, inWant = nil, false
	}
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur == nil && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#")):
			continue
		case cur == nil:
			cur = &record{line: n, words: strings.Fields(line)}
		case strings.TrimSpace(line) == "":
			flush()
		case line == "----" && !inWant:
			inWant = true
		case inWant:
			cur.want = append(cur.want, line)
		default:
			cur.body = append(cur.body, line)
		}
	}
	flush()
	return recs, sc.Err()
}

func runScript(t *testing.T, env *Env, name, text string) {
	recs, err := parseScript(text)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	database := "default"
	var last *query.Execution
	for _, r := range recs {
		where := fmt.Sprintf("%s:%d", name, r.line)
		sql := strings.Join(r.body, "\n")
		switch r.words[0] {
		case "use":
			database = r.words[1]
		case "mb":
			if _, err := env.Lake.CreateBucket(ctx, r.words[1]); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "put":
			if err := put(ctx, env, r); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case "statement":
			if len(r.words) < 2 {
				t.Fatalf("%s: statement needs ok, count or error", where)
			}
			last = env.Exec(t, database, sql)
			switch r.words[1] {
			case "ok":
				if last.State != query.StateSucceeded {
					t.Errorf("%s: statement failed: %s\n%s", where, last.StateChangeReason, sql)
				}
			case "count":
				want, _ := strconv.ParseInt(r.words[2], 10, 64)
				if last.State != query.StateSucceeded {
					t.Errorf("%s: statement failed: %s\n%s", where, last.StateChangeReason, sql)
				} else if last.Statistics.UpdateCount != want {
					t.Errorf("%s: wrote %d rows, want %d", where, last.Statistics.UpdateCount, want)
				}
			case "error":
				want := strings.Join(r.words[2:], " ")
				if last.State != query.StateFailed {
					t.Errorf("%s: statement succeeded, want an error containing %q\n%s", where, want, sql)
				} else if !strings.Contains(last.StateChangeReason, want) {
					t.Errorf("%s: error\n  %s\nwant it to contain\n  %s", where, last.StateChangeReason, want)
				}
			default:
				t.Fatalf("%s: unknown statement mode %q", where, r.words[1])
			}
		case "query":
			last = env.Exec(t, database, sql)
			if last.State != query.StateSucceeded {
				t.Errorf("%s: query failed: %s\n%s", where, last.StateChangeReason, sql)
				continue
			}
			cols, rows := env.Rows(t, last.ID)
			got := formatResult(cols, rows, len(r.words) > 1 && r.words[1] == "rowsort")
			if want := strings.Join(r.want, "\n"); got != want {
				t.Errorf("%s: query\n%s\ngot:\n%s\nwant:\n%s", where, sql, got, want)
			}
		case "scanned":
			want, _ := strconv.ParseInt(r.words[1], 10, 64)
			if last == nil {
				t.Fatalf("%s: scanned before any statement", where)
			}
			if got := last.Statistics.DataScannedInBytes; got != want {
				t.Errorf("%s: scanned %d bytes, want %d", where, got, want)
			}
		case "ls":
			got, err := list(ctx, env, r.words[1])
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if want := strings.Join(r.body, "\n"); got != want {
				t.Errorf("%s: ls %s\ngot:\n%s\nwant:\n%s", where, r.words[1], got, want)
			}
		default:
			t.Fatalf("%s: unknown directive %q", where, r.words[0])
		}
	}
}

func put(ctx context.Context, env *Env, r record) error {
	var gz, escaped bool
	var uri string
	for _, w := range r.words[1:] {
		switch w {
		case "gzip":
			gz = true
		case "escaped":
			escaped = true
		default:
			uri = w
		}
	}
	u, err := lake.ParseURI(uri)
	if err != nil {
		return err
	}
	var content []byte
	for _, l := range r.body {
		if escaped {
			l = unescape(l)
		}
		content = append(content, l...)
		content = append(content, '\n')
	}
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(content)
		zw.Close()
		content = buf.Bytes()
	}
	b, err := env.Lake.Bucket(ctx, u.Bucket)
	if err != nil {
		if b, err = env.Lake.CreateBucket(ctx, u.Bucket); err != nil {
			return err
		}
	}
	_, err = b.Put(ctx, u.Key, bytes.NewReader(content))
	return err
}

var hexEscape = regexp.MustCompile(`\\x([0-9a-fA-F]{2})`)

func unescape(s string) string {
	s = hexEscape.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.ParseUint(m[2:], 16, 8)
		return string([]byte{byte(v)})
	})
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\\`, `\`).Replace(s)
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func list(ctx context.Context, env *Env, uri string) (string, error) {
	u, err := lake.ParseURI(uri)
	if err != nil {
		return "", err
	}
	b, err := env.Lake.Bucket(ctx, u.Bucket)
	if err != nil {
		return "", err
	}
	var keys []string
	for obj, err := range b.List(ctx, u.Key, true) {
		if err != nil {
			return "", err
		}
		keys = append(keys, uuidPattern.ReplaceAllString(strings.TrimPrefix(obj.Key, u.Key), "<id>"))
	}
	return strings.Join(keys, "\n"), nil
}

// formatResult renders a result set as the script format expects.
func formatResult(cols []query.ColumnInfo, rows [][]*string, sortRows bool) string {
	var header []string
	for _, c := range cols {
		header = append(header, c.Name+" "+c.FullType)
	}
	lines := make([]string, len(rows))
	for i, row := range rows {
		vals := make([]string, len(row))
		for j, v := range row {
			switch {
			case v == nil:
				vals[j] = "NULL"
			case *v == "":
				vals[j] = "''"
			default:
				vals[j] = strings.NewReplacer("|", `\|`, "\n", `\n`, "\t", `\t`).Replace(uuidPattern.ReplaceAllString(*v, "<id>"))
			}
		}
		lines[i] = strings.Join(vals, " | ")
	}
	if sortRows {
		sort.Strings(lines)
	}
	return strings.Join(append([]string{strings.Join(header, " | ")}, lines...), "\n")
}
