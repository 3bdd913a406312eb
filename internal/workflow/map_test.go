package workflow

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/errs"
)

// memObjects is an Objects in memory: buckets exist when an object of
// theirs was put, or when made by the "--- object s3://bucket/" of a
// script; it remembers what was written.
type memObjects struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key"
	buckets map[string]bool
	puts    []string
	modTime time.Time
}

func newMemObjects() *memObjects {
	return &memObjects{objects: map[string][]byte{}, buckets: map[string]bool{},
		modTime: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// scriptObjects makes the objects of a record's "--- object
// s3://bucket/key [gzip|zstd]" sections (a key ending in "/" makes only
// the bucket); gzip or zstd stores the content so compressed.
func scriptObjects(t testing.TB, sections string) *memObjects {
	m := newMemObjects()
	for _, sec := range strings.Split(sections, "\n--- object ")[1:] {
		line, content, _ := strings.Cut(sec, "\n")
		uri, codec, _ := strings.Cut(line, " ")
		bucket, key, ok := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
		if !ok {
			t.Fatalf("object %q: want s3://bucket/key", uri)
		}
		m.buckets[bucket] = true
		if key != "" {
			m.objects[bucket+"/"+key] = compress(t, codec, []byte(content+"\n"))
		}
	}
	return m
}

// compress compresses data with codec: "", gzip or zstd.
func compress(t testing.TB, codec string, data []byte) []byte {
	var b bytes.Buffer
	var w io.WriteCloser
	switch codec {
	case "":
		return data
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zstd":
		zw, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	default:
		t.Fatalf("unknown compression %q: want gzip or zstd", codec)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (m *memObjects) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[bucket+"/"+key]
	if !ok {
		return nil, errs.E("get", errs.NotFound, fmt.Errorf("object does not exist"))
	}
	return b, nil
}

func (m *memObjects) Put(ctx context.Context, bucket, key string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.buckets[bucket] {
		return fmt.Errorf("bucket %s does not exist", bucket)
	}
	m.objects[bucket+"/"+key] = append([]byte(nil), data...)
	m.puts = append(m.puts, bucket+"/"+key)
	return nil
}

func (m *memObjects) List(ctx context.Context, bucket, prefix string) ([]ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.buckets[bucket] {
		return nil, fmt.Errorf("bucket %s does not exist", bucket)
	}
	var out []ObjectInfo
	for k, v := range m.objects {
		if key, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(key, prefix) {
			out = append(out, ObjectInfo{Key: key, Size: int64(len(v)), ETag: `"e"`, LastModified: m.modTime})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

var datePattern = regexp.MustCompile(`"(StartDate|StopDate)":"[^"]*"`)

// written renders the objects put, in key order, with their dates
// elided.
func (m *memObjects) written() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := append([]string(nil), m.puts...)
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		content := datePattern.ReplaceAllString(string(m.objects[k]), `"$1":"…"`)
		fmt.Fprintf(&b, "\nwrote s3://%s:\n%s", k, strings.TrimSuffix(content, "\n"))
	}
	return b.String()
}

// TestResumeItemReaderMap interrupts a distributed Map that reads its
// items from an object, changes the object, and resumes: the Map runs
// the items it read at first, each to its end once, and writes their
// results.
func TestResumeItemReaderMap(t *testing.T) {
	store := NewMemStore()
	g := newGate("b")
	objs := scriptObjects(t, "\n--- object s3://data/items.jsonl\n"+`{"key": "a"}`+"\n"+`{"key": "b"}`+"\n"+`{"key": "c"}`+"\n--- object s3://out/")
	runner := func() *Runner {
		r := durableRunner(t, store, g)
		r.opts.Objects = objs
		return r
	}
	r := runner()
	e := createExecution(t, r, `{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "End": true,
		"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
		               "Parameters": {"Bucket": "data", "Key": "items.jsonl"}},
		"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "runs"},
		                 "WriterConfig": {"Transformation": "COMPACT"}},
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "G", "States": {
		  "G": {"Type": "Task", "Resource": "`+gateARN+`", "OutputPath": "$.key", "End": true}}}}}}`, `{}`)
	interrupt(t, r, e.ARN, g, 1) // at item b
	threads, _ := store.Threads(context.Background(), e.ARN)
	var root *Thread
	for _, th := range threads {
		if th.ID == "root" {
			root = th
		}
	}
	if root == nil || root.Items == nil || len(root.Items.Items) != 3 {
		t.Fatalf("the Map's items were not recorded with its start: %+v", root)
	}
	// The source changes while the execution waits to resume.
	if err := objs.Put(context.Background(), "data", "items.jsonl", []byte(`{"key": "x"}`+"\n")); err != nil {
		t.Fatal(err)
	}
	res, err := runner().Resume(context.Background(), e.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusSucceeded {
		t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
	}
	for key, n := range map[string]int{"a": 1, "b": 2, "c": 1, "x": 0} {
		if g.count(key) != n {
			t.Errorf("%s called %d times, want %d", key, g.count(key), n)
		}
	}
	types := checkHistory(t, res.Events, map[string]int{"M": 1, "G": 3})
	joined := strings.Join(types, " ")
	if strings.Count(joined, "MapRunStarted") != 1 || strings.Count(joined, "MapRunSucceeded") != 1 || strings.Count(joined, "MapIterationSucceeded") != 3 {
		t.Errorf("history: %s", joined)
	}
	details, _ := res.Output.(map[string]any)["ResultWriterDetails"].(map[string]any)
	key, _ := details["Key"].(string)
	manifest, err := objs.Get(context.Background(), "out", key)
	if err != nil {
		t.Fatalf("manifest %s: %v", key, err)
	}
	succeeded := strings.Replace(key, "manifest.json", "SUCCEEDED_0.json", 1)
	data, err := objs.Get(context.Background(), "out", succeeded)
	if err != nil || string(data) != `["a","b","c"]` {
		t.Errorf("%s: %s %v (manifest %s)", succeeded, data, err, manifest)
	}
	for _, th := range mustThreads(t, store, e.ARN) {
		if th.Items != nil {
			t.Errorf("thread %s keeps the Map's items after the Map ended", th.ID)
		}
	}
}

func mustThreads(t *testing.T, store Store, arn string) []*Thread {
	t.Helper()
	threads, err := store.Threads(context.Background(), arn)
	if err != nil {
		t.Fatal(err)
	}
	return threads
}

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		delim    byte
		headers  []string
		want     string // the items as JSON, or "error: ..." (a prefix)
	}{
		{"header and rows", "a,b\n1,2\n3,4\n", ',', nil, `[{"a":"1","b":"2"},{"a":"3","b":"4"}]`},
		{"CRLF and no final newline", "a,b\r\n1,2\r\n3,4", ',', nil, `[{"a":"1","b":"2"},{"a":"3","b":"4"}]`},
		{"quoted newline and delimiter", "a,b\n\"x\ny\",\"p,q\"\n", ',', nil, `[{"a":"x\ny","b":"p,q"}]`},
		{"doubled quotes", "a\n\"say \"\"hi\"\"\"\n", ',', nil, `[{"a":"say \"hi\""}]`},
		{"backslash escapes", "a,b\n\\\\x\\,y,\\q\n", ',', nil, `[{"a":"\\x,y","b":"q"}]`},
		{"short and long rows", "a,b\n1\n1,2,3\n", ',', nil, `[{"a":"1","b":""},{"a":"1","b":"2"}]`},
		{"empty lines skipped", "a\n\n1\n\n\n2\n", ',', nil, `[{"a":"1"},{"a":"2"}]`},
		{"given headers", "1;2\n", ';', []string{"x", "y"}, `[{"x":"1","y":"2"}]`},
		{"tab", "a\tb\n1\t2\n", '\t', nil, `[{"a":"1","b":"2"}]`},
		{"quote inside a field is kept", "a\nx\"y\n", ',', nil, `[{"a":"x\"y"}]`},
		{"unclosed quote", "a\n1\n\"oops\n", ',', nil, "error: line 3: a quoted field is not closed"},
		{"duplicate column", "a,a\n1,2\n", ',', nil, "error: line 1: the column \"a\" appears twice"},
		{"empty file", "", ',', nil, "error: the file is empty"},
		{"header only", "a,b\n", ',', nil, `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items, err := parseCSV([]byte(tc.in), tc.delim, tc.headers, maxReaderItems)
			got := encodeJSON(items)
			if err != nil {
				got = "error: " + err.Error()
			}
			if !strings.HasPrefix(got, tc.want) || (!strings.HasPrefix(tc.want, "error:") && got != tc.want) {
				t.Errorf("got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseItemsLimit(t *testing.T) {
	for _, cfg := range []readerConfig{{inputType: "JSON"}, {inputType: "JSONL"}, {inputType: "CSV", delimiter: ','}} {
		data := map[string]string{"JSON": "[1, 2, 3]", "JSONL": "1\n2\n3\n", "CSV": "a\n1\n2\n3\n"}[cfg.inputType]
		items, err := parseItems([]byte(data), cfg, 2)
		if err != nil || len(items) != 2 {
			t.Errorf("%s: %d items, %v", cfg.inputType, len(items), err)
		}
	}
}

// FuzzParseItems checks that no object makes the item parsers panic or
// give anything but JSON values, whatever its bytes.
func FuzzParseItems(f *testing.F) {
	for _, seed := range []string{"a,b\n1,2\n", "\"x\ny\",\"p\"\"q\"\r\n", "\\\\\\,\\\"", "[1, {\"a\": 2}]", "{\"a\":1}\n\n[2]\n", "\"", "a\r", "\r\n\r\n"} {
		f.Add([]byte(seed), uint8(0))
		f.Add([]byte(seed), uint8(1))
		f.Add([]byte(seed), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		cfg := readerConfig{inputType: []string{"JSON", "JSONL", "CSV"}[kind%3], delimiter: ",|; \t"[int(kind)%5]}
		items, err := parseItems(data, cfg, 1000)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if _, err := json.Marshal(items); err != nil {
			t.Fatalf("items that are not JSON: %v", err)
		}
		if cfg.inputType == "CSV" {
			for _, it := range items {
				for _, v := range it.(map[string]any) {
					if _, ok := v.(string); !ok {
						t.Fatalf("a CSV value that is not a string: %#v", v)
					}
				}
			}
		}
	})
}

// TestMapConcurrencyLimits runs six items through an inline Map and a
// distributed one whose MaxConcurrency is 0, with the inline limit at
// 2: the inline Map never runs more than 2 at once, the distributed one
// is not held to the inline limit (it once was, at 40).
func TestMapConcurrencyLimits(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want int
	}{{"INLINE", 2}, {"DISTRIBUTED", 6}} {
		t.Run(tc.mode, func(t *testing.T) {
			var mu sync.Mutex
			running, peak := 0, 0
			arrived := make(chan struct{})
			reg := NewRegistry()
			err := reg.Register("arn:aws:lambda:us-east-1:000000000000:function:hold", TaskHandlerFunc(
				func(ctx context.Context, req *TaskRequest) (any, error) {
					mu.Lock()
					running++
					peak = max(peak, running)
					if running == tc.want {
						close(arrived)
					}
					mu.Unlock()
					// Wait until the expected number run together, or
					// long enough that more would have started.
					select {
					case <-arrived:
					case <-time.After(2 * time.Second):
					}
					mu.Lock()
					running--
					mu.Unlock()
					return req.Input, nil
				}))
			if err != nil {
				t.Fatal(err)
			}
			def, err := asl.Parse([]byte(`{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
				"ItemProcessor": {"ProcessorConfig": {"Mode": "` + tc.mode + `"}, "StartAt": "H", "States": {
				  "H": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:hold", "End": true}}}}}}`))
			if err != nil {
				t.Fatal(err)
			}
			runner := NewRunner(Options{Tasks: reg, MaxInlineConcurrency: 2})
			res, err := runner.Run(context.Background(), def, []any{json.Number("1"), json.Number("2"), json.Number("3"),
				json.Number("4"), json.Number("5"), json.Number("6")}, ExecutionInfo{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != StatusSucceeded {
				t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
			}
			if peak != tc.want {
				t.Errorf("at most %d items ran at once, want %d", peak, tc.want)
			}
		})
	}
}
