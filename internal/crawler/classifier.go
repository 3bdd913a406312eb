package crawler

import (
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/weirdata/weir/internal/errs"
)

// What a crawl reads of each sampled file (Glue's knowledge-center rules):
// the first sampleBytes of its (decompressed) content and at most
// sampleRecords records; a JSON file whose first record does not end
// within sampleBytes is read on, up to maxJSONBytes. Parquet files are
// not sampled: their schema and row count come from the footer.
const (
	sampleBytes   = 1 << 20
	maxJSONBytes  = 10 << 20
	sampleRecords = 1000
)

// firstRead is how much of a file the text classifiers read at first;
// they read on (nextRead) until their sample is complete.
const firstRead = 64 << 10

// nextRead returns how far to read after size: four times as far up to
// sampleBytes, then on in sampleBytes steps.
func nextRead(size int) int {
	if size < sampleBytes {
		return min(4*size, sampleBytes)
	}
	return size + sampleBytes
}

// Classifier recognises one file format and infers a file's schema from
// its sample. Classifiers are tried in registration order (Glue's:
// parquet, json, csv); the first that recognises a file wins.
type Classifier interface {
	// Classify returns the file's schema, or ok false if the file is not
	// in the classifier's format. It must not keep in after returning.
	Classify(in *Input) (fs *FileSchema, ok bool, err error)
}

// ClassifierFunc adapts a function to Classifier.
type ClassifierFunc func(in *Input) (*FileSchema, bool, error)

// Classify calls f.
func (f ClassifierFunc) Classify(in *Input) (*FileSchema, bool, error) { return f(in) }

// Input is one sampled file, read lazily: Head reads only as far as asked.
type Input struct {
	Key         string // object key, for messages
	Size        int64  // stored size in bytes
	Compression string // "none" or "gzip"
	// At reads the stored object at any offset, when it is uncompressed
	// and the bucket gives random access; otherwise nil.
	At   io.ReaderAt
	Rich bool // infer timestamp and date types

	r   io.Reader
	buf []byte
	eof bool
	err error
}

// NewInput returns an Input reading the (decompressed) content from r.
func NewInput(key string, size int64, compression string, r io.Reader) *Input {
	in := &Input{Key: key, Size: size, Compression: compression, r: r}
	if at, ok := r.(io.ReaderAt); ok && compression == "none" {
		in.At = at
	}
	return in
}

// Head returns up to the first n bytes of the content (fewer at its
// end). A read error is kept in Err and ends the content.
func (in *Input) Head(n int) []byte {
	if len(in.buf) < n && !in.eof {
		if cap(in.buf) < n {
			// Grow geometrically: callers ask for a little more at a time.
			nb := make([]byte, len(in.buf), max(n, 2*cap(in.buf), 64<<10))
			copy(nb, in.buf)
			in.buf = nb
		}
		m, err := io.ReadFull(in.r, in.buf[len(in.buf):n])
		in.buf = in.buf[:len(in.buf)+m]
		if err != nil {
			in.eof = true
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				in.err = err
			}
		}
	}
	return in.buf[:min(n, len(in.buf))]
}

// Truncated reports whether content follows the first n bytes.
func (in *Input) Truncated(n int) bool {
	in.Head(n + 1)
	return len(in.buf) > n
}

// Err returns the error that ended reading early, if any.
func (in *Input) Err() error { return in.err }

// FileSchema is what a classifier learnt of one file.
type FileSchema struct {
	Classification string // Glue's classification: parquet, json, csv
	// Columns is a struct shape of the top-level columns, in file order.
	Columns shape
	// Text format details, which files of one table must share.
	Delimiter string // csv: the field delimiter
	Header    bool   // csv: the first line names the columns
	Quoted    bool   // csv: some fields are quoted
	Records   int64  // records read (Parquet: rows in the file)
	// Bytes is how much of the content the records took; with Complete,
	// it is the whole content.
	Bytes    int64
	Complete bool // the whole file was read (or, for Parquet, counted)
	Warnings []string

	file string // the sampled file, for messages
}

// signature is what files of one table must have in common: format,
// compression and text layout.
func (fs *FileSchema) signature(compression string) string {
	return fmt.Sprintf("%s/%s/%q/%t", fs.Classification, compression, fs.Delimiter, fs.Header)
}

// Registry holds classifiers by id, in the order they are tried.
type Registry struct {
	ids   []string
	items map[string]Classifier
}

// ErrDuplicateRegistration is a classifier id registered twice.
var ErrDuplicateRegistration = errs.E("", errs.Invalid, errors.New("classifier is already registered"))

var classifierID = regexp.MustCompile(`^classifier\.[a-z][a-z0-9_]*$`)

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{items: map[string]Classifier{}} }

// Register adds a classifier under an id such as "classifier.json"; it
// is tried after those registered before it.
func (r *Registry) Register(id string, c Classifier) error {
	if !classifierID.MatchString(id) {
		return errs.Errorf("crawler.Register", errs.Invalid, "classifier id %q must look like classifier.name", id)
	}
	if _, ok := r.items[id]; ok {
		return fmt.Errorf("%s: %w", id, ErrDuplicateRegistration)
	}
	r.ids = append(r.ids, id)
	r.items[id] = c
	return nil
}

// DefaultRegistry returns the built-in classifiers in Glue's order:
// parquet, json, csv.
func DefaultRegistry() *Registry {
	r := NewRegistry()
	for _, c := range []struct {
		id string
		c  Classifier
	}{
		{"classifier.parquet", ClassifierFunc(classifyParquet)},
		{"classifier.json", ClassifierFunc(classifyJSON)},
		{"classifier.csv", ClassifierFunc(classifyCSV)},
	} {
		if err := r.Register(c.id, c.c); err != nil {
			panic(err) // the ids above are valid and distinct
		}
	}
	return r
}

// classify runs the classifiers in order on one file.
func (r *Registry) classify(in *Input) (*FileSchema, error) {
	for _, id := range r.ids {
		fs, ok, err := r.items[id].Classify(in)
		if err != nil {
			return nil, err
		}
		if ok {
			return fs, nil
		}
	}
	if err := in.Err(); err != nil {
		return nil, err
	}
	return nil, nil
}

// Interface guards.
var (
	_ Classifier = ClassifierFunc(nil)
)
