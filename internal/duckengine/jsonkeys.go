package duckengine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// sampleBytes is how much of each JSON file (uncompressed) is read to learn
// how its keys are spelled.
const sampleBytes = 256 << 10

// keySample records the spellings of the keys found at the start of a JSON
// lines file, by lower-cased key path ("a.b" for key b inside object a;
// array levels are not part of the path).
type keySample struct {
	spellings map[string][]string // lower-cased path -> spellings, first seen first
	conflict  map[string]bool     // paths spelled two ways within one object
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
	s := &keySample{spellings: map[string][]string{}, conflict: map[string]bool{}}
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
	sc := bufio.NewScanner(io.LimitReader(r, sampleBytes))
	sc.Buffer(make([]byte, 64<<10), sampleBytes)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		s.value(dec, "", 0) // a malformed line just ends the walk early
	}
	return s
}

// value walks one JSON value from dec, noting object keys in the order
// they appear, so that the first spelling in the data comes first.
func (s *keySample) value(dec *json.Decoder, prefix string, depth int) bool {
	tok, err := dec.Token()
	if err != nil || depth > 32 {
		return false
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]string{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return false
			}
			k, _ := kt.(string)
			lk := strings.ToLower(k)
			p := lk
			if prefix != "" {
				p = prefix + "." + lk
			}
			if other, ok := seen[lk]; ok && other != k {
				s.conflict[p] = true
			}
			seen[lk] = k
			s.note(p, k)
			if !s.value(dec, p, depth+1) {
				return false
			}
		}
		_, err := dec.Token() // '}'
		return err == nil
	case json.Delim('['):
		for dec.More() {
			if !s.value(dec, prefix, depth+1) {
				return false
			}
		}
		_, err := dec.Token() // ']'
		return err == nil
	}
	return true
}

func (s *keySample) note(path, spelling string) {
	for _, have := range s.spellings[path] {
		if have == spelling {
			return
		}
	}
	s.spellings[path] = append(s.spellings[path], spelling)
}
