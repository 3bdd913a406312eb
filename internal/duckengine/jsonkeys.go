package duckengine

import (
	"compress/gzip"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// sampleBytes is how much of each JSON file (uncompressed) is read to learn
// how its keys are spelled.
const sampleBytes = 128 << 10

// keySample records the spellings of the keys found at the start of a JSON
// lines file, by lower-cased key path ("a.b" for key b inside object a;
// array levels are not part of the path).
type keySample struct {
	spellings map[string][]string // lower-cased path -> spellings, first seen first
}

// spelled returns the spellings of the key at path.
func (k *keySample) spelled(path string) []string {
	if k == nil {
		return nil
	}
	return k.spellings[path]
}

type sampleKey struct {
	path    string
	size    int64
	modTime time.Time
}

// sampleCache remembers key samples per file version.
type sampleCache struct {
	mu sync.Mutex
	m  map[sampleKey]*keySample
}

func newSampleCache() *sampleCache { return &sampleCache{m: map[sampleKey]*keySample{}} }

// get returns the key sample of a file, reading it if needed. A file that
// cannot be sampled yields an empty sample: reading it will report the
// problem with the file's name.
func (c *sampleCache) get(path string, size int64, modTime time.Time) *keySample {
	key := sampleKey{path, size, modTime}
	c.mu.Lock()
	s, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = sampleJSONKeys(path)
	c.mu.Lock()
	if len(c.m) > 100000 {
		c.m = map[sampleKey]*keySample{}
	}
	c.m[key] = s
	c.mu.Unlock()
	return s
}

func sampleJSONKeys(path string) *keySample {
	s := &keySample{spellings: map[string][]string{}}
	f, err := os.Open(path)
	if err != nil {
		return s
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case strings.HasSuffix(path, ".gz"):
		gz, err := gzip.NewReader(f)
		if err != nil {
			return s
		}
		defer gz.Close()
		r = gz
	case strings.HasSuffix(path, ".zst"):
		zr, err := zstd.NewReader(f)
		if err != nil {
			return s
		}
		defer zr.Close()
		r = zr
	}
	data, _ := io.ReadAll(io.LimitReader(r, sampleBytes))
	s.scan(data)
	return s
}

// scan notes the object keys of JSON text, in the order they appear, with
// the lower-cased path of the objects holding them. It is a byte scanner,
// not a parser: it never fails, and on malformed input it notes whatever
// keys it can recognise.
func (s *keySample) scan(data []byte) {
	type frame struct {
		object    bool
		path      string // lower-cased path of this container
		expectKey bool   // an object about to read a key
		key       string // lower-cased last key read (objects)
	}
	var stack []frame
	valuePath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := &stack[len(stack)-1]
		if !top.object {
			return top.path
		}
		if top.path == "" {
			return top.key
		}
		return top.path + "." + top.key
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '{', '[':
			if len(stack) >= 32 {
				stack = stack[:0] // too deep: give up on this record
				continue
			}
			stack = append(stack, frame{object: c == '{', path: valuePath(), expectKey: c == '{'})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].expectKey = true
			}
		case '\n':
			stack = stack[:0] // one record per line
		case '"':
			j, escaped := i+1, false
			for ; j < len(data) && data[j] != '"' && data[j] != '\n'; j++ {
				if data[j] == '\\' {
					escaped = true
					j++ // skip the escaped character
				}
			}
			if j >= len(data) || data[j] != '"' {
				i = j - 1
				continue
			}
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey {
				key := string(data[i+1 : j])
				if escaped {
					if k, err := strconv.Unquote(string(data[i : j+1])); err == nil {
						key = k
					}
				}
				top := &stack[len(stack)-1]
				top.expectKey = false
				top.key = strings.ToLower(key)
				p := top.key
				if top.path != "" {
					p = top.path + "." + top.key
				}
				s.note(p, key)
			}
			i = j
		}
	}
}

func (s *keySample) note(path, spelling string) {
	for _, have := range s.spellings[path] {
		if have == spelling {
			return
		}
	}
	s.spellings[path] = append(s.spellings[path], spelling)
}
