package crawler

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/weirdata/weir/internal/lake"
)

// folder is one folder of data files under a target: a leaf of the
// folder tree that becomes a table or a partition.
type folder struct {
	target *target
	rel    string   // relative to the target's prefix, "" or ending in "/"
	parts  []string // rel split into folder names
	files  []lake.ObjectInfo
	size   int64

	// Filled by sampling.
	schema   *FileSchema // merged over the sampled files; nil if none was readable
	sig      string
	records  float64 // estimated records in the whole folder
	recBytes float64 // estimated content bytes per record
}

// uri returns the folder's location, "s3://bucket/prefix/rel".
func (f *folder) uri() string { return f.target.uri.Join(f.rel).AsPrefix().String() }

// target is a parsed S3 target.
type target struct {
	S3Target
	uri      lake.URI // as a folder prefix
	bucket   lake.Bucket
	excludes []*excludeGlob
}

type excludeGlob struct {
	text string
	re   interface{ MatchString(string) bool }
}

// hidden reports whether a relative key has a folder or file name
// starting with "_" or "." (Spark's _SUCCESS, _temporary, weir's
// _weir_staging, editors' dot files).
func hidden(rel string) bool {
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// excluded reports whether a relative key, or a folder above it, matches
// one of the target's exclusion globs.
func (t *target) excluded(rel string) bool {
	if len(t.excludes) == 0 {
		return false
	}
	for _, g := range t.excludes {
		if g.re.MatchString(rel) {
			return true
		}
		for i := 0; i < len(rel); i++ {
			if rel[i] == '/' && (g.re.MatchString(rel[:i]) || g.re.MatchString(rel[:i+1])) {
				return true
			}
		}
	}
	return false
}

// listFolders lists a target's data files grouped by folder, in key
// order, skipping hidden and excluded objects.
func (t *target) listFolders(ctx context.Context, w *warnings) ([]*folder, error) {
	var folders []*folder
	var cur *folder
	for obj, err := range t.bucket.List(ctx, t.uri.Key, true) {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", t.uri, err)
		}
		if obj.IsPrefix {
			continue
		}
		rel := strings.TrimPrefix(obj.Key, t.uri.Key)
		if hidden(rel) || t.excluded(rel) {
			continue
		}
		dir := ""
		if i := strings.LastIndexByte(rel, '/'); i >= 0 {
			dir = rel[:i+1]
		}
		if cur == nil || cur.rel != dir {
			cur = &folder{target: t, rel: dir}
			if dir != "" {
				cur.parts = strings.Split(strings.TrimSuffix(dir, "/"), "/")
			}
			folders = append(folders, cur)
		}
		cur.files = append(cur.files, obj)
		cur.size += obj.Size
	}
	// A listing in key order can visit a folder's files in two runs
	// ("a/x", "a/b/y", "a/z" sorts "a/b/" inside "a/"); join them.
	sort.SliceStable(folders, func(i, j int) bool { return folders[i].rel < folders[j].rel })
	out := folders[:0]
	for _, f := range folders {
		if n := len(out); n > 0 && out[n-1].rel == f.rel {
			out[n-1].files = append(out[n-1].files, f.files...)
			out[n-1].size += f.size
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// pick returns the indexes of up to n files of a folder to sample, spread
// evenly over key order: the first, the last and ones between. Empty
// files are never picked.
func pick(files []lake.ObjectInfo, n int) []int {
	var nonEmpty []int
	for i, f := range files {
		if f.Size > 0 {
			nonEmpty = append(nonEmpty, i)
		}
	}
	if len(nonEmpty) <= n {
		return nonEmpty
	}
	out := make([]int, 0, n)
	for k := range n {
		idx := 0
		if n > 1 {
			idx = k * (len(nonEmpty) - 1) / (n - 1)
		}
		out = append(out, nonEmpty[idx])
	}
	return out
}

// fileSample is a classified file with what is needed to estimate counts.
type fileSample struct {
	fs          *FileSchema
	compression string
	size        int64
	stored      float64 // stored bytes the records read took
}

// compressionOf names a key's compression by its extension: "none",
// "gzip", or another name weir cannot read.
func compressionOf(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".gz", ".gzip":
		return "gzip"
	case ".bz2":
		return "bzip2"
	case ".snappy":
		return "snappy"
	case ".lz4":
		return "lz4"
	case ".zst", ".zstd":
		return "zstd"
	case ".zip":
		return "zip"
	case ".deflate":
		return "deflate"
	case ".lzo":
		return "lzo"
	case ".br":
		return "brotli"
	}
	return "none"
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errSkip marks a file that is skipped with a warning.
var errSkip = errors.New("skipped")

// sampleFile opens, decompresses and classifies one file.
func (s *Service) sampleFile(ctx context.Context, t *target, obj lake.ObjectInfo, rich bool) (*fileSample, error) {
	where := "s3://" + t.bucket.Name() + "/" + obj.Key
	comp := compressionOf(obj.Key)
	if comp != "none" && comp != "gzip" {
		return nil, fmt.Errorf("%w: %s is %s-compressed; weir reads uncompressed and gzip (.gz) files", errSkip, where, comp)
	}
	rc, err := t.bucket.Get(ctx, obj.Key)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s cannot be read: %v", errSkip, where, err)
	}
	defer rc.Close()
	raw := &countingReader{r: rc}
	var r io.Reader = raw
	if comp == "gzip" {
		gz, err := gzip.NewReader(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %s has a .gz name but is not gzip data (%v); rename it or recompress it", errSkip, where, err)
		}
		defer gz.Close()
		r = gz
	}
	in := NewInput(where, obj.Size, comp, r)
	if comp == "none" {
		if at, ok := rc.(io.ReaderAt); ok {
			in.At = at
		}
	}
	in.Rich = rich
	fs, err := s.classifiers.classify(in)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errSkip, where, err)
	}
	if fs == nil {
		if comp == "none" && strings.HasPrefix(string(in.Head(2)), "\x1f\x8b") {
			return nil, fmt.Errorf("%w: %s is gzip data without a .gz extension; rename it to end in .gz", errSkip, where)
		}
		return nil, fmt.Errorf("%w: %s is not Parquet, JSON lines or delimited text (classification UNKNOWN)", errSkip, where)
	}
	fs.file = where
	fsm := &fileSample{fs: fs, compression: comp, size: obj.Size}
	switch {
	case fs.Complete:
		fsm.stored = float64(obj.Size)
	case comp == "gzip" && len(in.buf) > 0:
		fsm.stored = float64(fs.Bytes) * float64(raw.n) / float64(len(in.buf))
	default:
		fsm.stored = float64(fs.Bytes)
	}
	return fsm, nil
}

// maxSampleRounds bounds how often a folder whose sampled files were all
// unreadable is sampled again with other files.
const maxSampleRounds = 3

// sampleFolders classifies the sampled files of every folder, in
// parallel, and merges each folder's schemas. When none of a folder's
// sampled files can be read, the next files are tried, for at most
// maxSampleRounds rounds.
func (s *Service) sampleFolders(ctx context.Context, folders []*folder, rich bool, w *warnings) error {
	results := make([][]*fileSample, len(folders))
	cands := make([][]lake.ObjectInfo, len(folders))
	for fi, f := range folders {
		for _, obj := range f.files {
			switch c := compressionOf(obj.Key); {
			case obj.Size == 0:
				w.add("s3://%s/%s is empty; skipped", f.target.bucket.Name(), obj.Key)
			case c != "none" && c != "gzip":
				w.add("s3://%s/%s is %s-compressed; weir reads uncompressed and gzip (.gz) files; skipped", f.target.bucket.Name(), obj.Key, c)
			default:
				cands[fi] = append(cands[fi], obj)
			}
		}
	}
	for round := range maxSampleRounds {
		var jobs []sampleJob
		for fi, f := range folders {
			if len(cands[fi]) == 0 || len(results[fi]) > 0 {
				continue
			}
			n := f.target.SampleSize
			if n <= 0 {
				n = DefaultSampleSize
			}
			var idx []int
			if round == 0 {
				idx = pick(cands[fi], n)
			} else {
				for i := range min(n, len(cands[fi])) {
					idx = append(idx, i)
				}
			}
			tried := map[int]bool{}
			for _, i := range idx {
				tried[i] = true
				jobs = append(jobs, sampleJob{folder: fi, t: f.target, obj: cands[fi][i]})
			}
			rest := cands[fi][:0:0]
			for i, obj := range cands[fi] {
				if !tried[i] {
					rest = append(rest, obj)
				}
			}
			cands[fi] = rest
		}
		if len(jobs) == 0 {
			break
		}
		if err := s.runSamples(ctx, jobs, rich, results, w); err != nil {
			return err
		}
	}
	for fi, f := range folders {
		f.merge(results[fi], w)
	}
	return nil
}

type sampleJob struct {
	folder int
	t      *target
	obj    lake.ObjectInfo
}

// runSamples classifies files on a pool of workers, appending what it
// learns to results (by folder) and skipped files to w.
func (s *Service) runSamples(ctx context.Context, jobs []sampleJob, rich bool, results [][]*fileSample, w *warnings) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var firstErr error
	next := make(chan sampleJob)
	var wg sync.WaitGroup
	for range min(s.workers(), len(jobs)) {
		wg.Go(func() {
			for j := range next {
				fsm, err := s.sampleFile(ctx, j.t, j.obj, rich)
				mu.Lock()
				switch {
				case errors.Is(err, errSkip):
					w.addText(strings.TrimPrefix(err.Error(), errSkip.Error()+": "))
				case err != nil:
					if firstErr == nil {
						firstErr = err
						cancel()
					}
				default:
					results[j.folder] = append(results[j.folder], fsm)
				}
				mu.Unlock()
			}
		})
	}
send:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break send
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (s *Service) workers() int {
	if s.opts.Workers > 0 {
		return s.opts.Workers
	}
	return max(2, runtime.GOMAXPROCS(0)*2)
}

// merge sets a folder's schema from its sampled files: the files of the
// most common signature are merged; others are reported.
func (f *folder) merge(samples []*fileSample, w *warnings) {
	count := map[string]int{}
	best := ""
	for _, fsm := range samples {
		if fsm == nil {
			continue
		}
		sig := fsm.fs.signature(fsm.compression)
		count[sig]++
		if best == "" || count[sig] > count[best] {
			best = sig
		}
	}
	if best == "" {
		return
	}
	var records, stored, content float64
	for _, fsm := range samples {
		if fsm == nil {
			continue
		}
		if sig := fsm.fs.signature(fsm.compression); sig != best {
			w.add("%s is %s but other files of its folder are %s; it does not fit the folder's table and queries may fail on it",
				fsm.fs.where(), describe(sig), describe(best))
			continue
		}
		if f.schema == nil {
			cp := *fsm.fs
			cp.Columns = fsm.fs.Columns.clone()
			f.schema = &cp
			f.sig = best
		} else {
			f.schema.Columns.merge(&fsm.fs.Columns)
			f.schema.Quoted = f.schema.Quoted || fsm.fs.Quoted
		}
		w.addAll(fsm.fs.Warnings)
		records += float64(fsm.fs.Records)
		stored += fsm.stored
		content += float64(fsm.fs.Bytes)
	}
	if stored > 0 {
		f.records = records / stored * float64(f.size)
	}
	if records > 0 {
		f.recBytes = content / records
	}
}

// where names the file a schema came from, for messages.
func (fs *FileSchema) where() string { return fs.file }

// describe turns a signature into words.
func describe(sig string) string {
	parts := strings.SplitN(sig, "/", 3)
	if len(parts) < 2 {
		return sig
	}
	if parts[1] == "none" {
		return parts[0]
	}
	return parts[1] + "-compressed " + parts[0]
}

// maxWarnings bounds the warnings a crawl keeps.
const maxWarnings = 100

// warnings collects a crawl's warnings, keeping the first maxWarnings
// and counting the rest. Callers hold their own lock when sharing it.
type warnings struct {
	list    []string
	dropped int
}

func (w *warnings) add(format string, args ...any) { w.addText(fmt.Sprintf(format, args...)) }

func (w *warnings) addText(s string) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, s)
}

func (w *warnings) addAll(list []string) {
	for _, s := range list {
		w.addText(s)
	}
}

// result returns the warnings, with a last line counting those dropped.
func (w *warnings) result() []string {
	if w.dropped == 0 {
		return w.list
	}
	return append(append([]string(nil), w.list...), fmt.Sprintf("… and %d more warnings", w.dropped))
}
