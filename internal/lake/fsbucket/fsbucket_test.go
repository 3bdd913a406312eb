package fsbucket_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/fsbucket"
	"github.com/weirdata/weir/internal/lake/laketest"
)

func TestConformance(t *testing.T) {
	laketest.Run(t, func(t *testing.T) lake.Store {
		s, _ := open(t)
		return s
	})
}

// open opens a store in a new temporary directory, returned too.
func open(t *testing.T) (*fsbucket.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := fsbucket.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// newBucket opens a store with one bucket, "data", and returns the bucket
// and its directory.
func newBucket(t *testing.T) (*fsbucket.Store, *fsbucket.Bucket, string) {
	t.Helper()
	s, dir := open(t)
	b, err := s.CreateBucket(t.Context(), "data")
	if err != nil {
		t.Fatal(err)
	}
	return s, b.(*fsbucket.Bucket), filepath.Join(dir, "data")
}

// files returns the paths of everything below dir, relative to it, with
// directories ending in "/".
func files(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func keys(t *testing.T, b lake.Bucket, prefix string, recursive bool) []string {
	t.Helper()
	var got []string
	for info, err := range b.List(t.Context(), prefix, recursive) {
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		got = append(got, info.Key)
	}
	return got
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCreatesRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "lake")
	s, err := fsbucket.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("Open did not create %s: %v", dir, err)
	}
	if s.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", s.Dir(), dir)
	}
}

func TestLayoutOnDisk(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	if _, err := b.Put(ctx, "2020/05/12/a.json", strings.NewReader("{}")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "2020", "05", "12", "a.json"))
	if err != nil || string(got) != "{}" {
		t.Fatalf("object file = %q, %v", got, err)
	}
	if got, want := files(t, dir), []string{"2020/", "2020/05/", "2020/05/12/", "2020/05/12/a.json"}; !slices.Equal(got, want) {
		t.Errorf("files after Put = %q, want %q (no temporary files)", got, want)
	}
	p, err := b.LocalPath("2020/05/12/a.json")
	if err != nil || p != filepath.Join(dir, "2020", "05", "12", "a.json") {
		t.Errorf("LocalPath = %q, %v", p, err)
	}
	if _, err := b.LocalPath("../x"); !errors.Is(err, lake.ErrInvalidKey) {
		t.Errorf("LocalPath(../x) = %v, want ErrInvalidKey", err)
	}
	if err := b.Delete(ctx, "2020/05/12/a.json"); err != nil {
		t.Fatal(err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files after Delete = %q, want none: empty folders go", got)
	}
}

func TestFailedPutLeavesNothing(t *testing.T) {
	_, b, dir := newBucket(t)
	errRead := errors.New("read failed")
	_, err := b.Put(t.Context(), "new/deep/key", &failingReader{err: errRead})
	if !errors.Is(err, errRead) {
		t.Fatalf("Put = %v, want the reader's error", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files after a failed Put = %q, want none", got)
	}
}

type failingReader struct{ err error }

func (r *failingReader) Read(p []byte) (int, error) { return 0, r.err }

func TestLeftoversAreInvisible(t *testing.T) {
	ctx := t.Context()
	s, b, dir := newBucket(t)
	// What a crash in the middle of Puts leaves behind.
	write(t, filepath.Join(dir, ".weir-put-ABC"), "partial")
	write(t, filepath.Join(dir, "crashed", "deep", ".weir-put-DEF"), "partial")
	if err := os.MkdirAll(filepath.Join(dir, "empty", "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "real", "object"), "x")

	if got, want := keys(t, b, "", true), []string{"real/object"}; !slices.Equal(got, want) {
		t.Errorf("List(recursive) = %q, want %q", got, want)
	}
	if got, want := keys(t, b, "", false), []string{"real/"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q: folders without objects are not shown", got, want)
	}
	if _, err := b.Get(ctx, ".weir-put-ABC"); !errors.Is(err, lake.ErrInvalidKey) {
		t.Errorf("Get(temporary file) = %v, want ErrInvalidKey", err)
	}
	// An empty directory does not block an object of the same name.
	if _, err := b.Put(ctx, "empty/folder", strings.NewReader("now an object")); err != nil {
		t.Errorf("Put over an empty directory: %v", err)
	}
	for _, key := range []string{"real/object", "empty/folder"} {
		if err := b.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteBucket(ctx, "data"); err != nil {
		t.Fatalf("DeleteBucket with only leftovers: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("bucket directory still exists: %v", err)
	}
}

func TestDeleteBucketKeepsForeignFiles(t *testing.T) {
	ctx := t.Context()
	s, _, dir := newBucket(t)
	// Not an object (the name is not a valid key), but not weir's to remove.
	write(t, filepath.Join(dir, "bad\nname"), "x")
	err := s.DeleteBucket(ctx, "data")
	if !errors.Is(err, lake.ErrBucketNotEmpty) || !strings.Contains(err.Error(), dir) {
		t.Errorf("DeleteBucket = %v, want ErrBucketNotEmpty naming %s", err, dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad\nname")); err != nil {
		t.Errorf("foreign file removed: %v", err)
	}
}

func TestSymlinks(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	write(t, secret, "secret")
	write(t, filepath.Join(dir, "real"), "real")
	links := map[string]string{
		"abs-leak":  secret,
		"rel-leak":  "../../" + filepath.Base(outside) + "/secret",
		"dir-leak":  outside,
		"dangling":  "nowhere",
		"inside":    "real",
		"inner-dir": ".",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}

	// Links to files inside the bucket are objects; nothing else is, and
	// links to directories are not followed.
	if got, want := keys(t, b, "", true), []string{"inside", "real"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	if got, err := lake.ReadAll(ctx, b, "inside"); err != nil || string(got) != "real" {
		t.Errorf("Get(inside) = %q, %v", got, err)
	}
	for _, key := range []string{"abs-leak", "rel-leak", "dangling", "dir-leak"} {
		if _, err := b.Get(ctx, key); !errors.Is(err, lake.ErrNotExist) {
			t.Errorf("Get(%q) = %v, want ErrNotExist", key, err)
		}
		if _, err := b.Stat(ctx, key); !errors.Is(err, lake.ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want ErrNotExist", key, err)
		}
	}
	if r, err := b.Get(ctx, "dir-leak/secret"); err == nil {
		r.Close()
		t.Errorf("Get(dir-leak/secret) read outside the bucket")
	}

	// No write reaches outside.
	if _, err := b.Put(ctx, "dir-leak/new", strings.NewReader("x")); err == nil {
		t.Errorf("Put(dir-leak/new) succeeded")
	}
	if err := b.Delete(ctx, "dir-leak/secret"); err == nil {
		t.Errorf("Delete(dir-leak/secret) succeeded")
	}
	src := filepath.Join(t.TempDir(), "src")
	write(t, src, "published")
	if _, err := b.Publish(ctx, src, "dir-leak/published"); err == nil {
		t.Errorf("Publish(dir-leak/published) succeeded")
	}
	if _, err := os.Stat(src); err != nil {
		t.Errorf("failed Publish moved its source: %v", err)
	}
	// Replacing a link replaces the link, not its target.
	if _, err := b.Put(ctx, "abs-leak", strings.NewReader("replaced")); err != nil {
		t.Errorf("Put(abs-leak): %v", err)
	}
	if got, want := files(t, outside), []string{"secret"}; !slices.Equal(got, want) {
		t.Errorf("files outside the bucket = %q, want %q", got, want)
	}
	if got, _ := os.ReadFile(secret); string(got) != "secret" {
		t.Errorf("file outside the bucket changed to %q", got)
	}
}

func TestDirectoriesThatAreNotBuckets(t *testing.T) {
	ctx := t.Context()
	s, dir := open(t)
	for _, name := range []string{"_weir_staging", ".trash", "Upper", "ok-bucket"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "file-not-bucket"), "x")
	if err := os.Symlink(t.TempDir(), filepath.Join(dir, "linked-bucket")); err != nil {
		t.Fatal(err)
	}
	infos, err := s.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Name != "ok-bucket" || infos[0].CreateTime.IsZero() {
		t.Errorf("ListBuckets = %+v, want only ok-bucket", infos)
	}
	for _, name := range []string{"_weir_staging", ".trash", "Upper"} {
		if _, err := s.Bucket(ctx, name); !errors.Is(err, lake.ErrInvalidBucket) {
			t.Errorf("Bucket(%q) = %v, want ErrInvalidBucket", name, err)
		}
	}
	for _, name := range []string{"file-not-bucket", "linked-bucket"} {
		if _, err := s.Bucket(ctx, name); !errors.Is(err, lake.ErrBucketNotExist) {
			t.Errorf("Bucket(%q) = %v, want ErrBucketNotExist", name, err)
		}
	}
}

func TestKeyConflictMessages(t *testing.T) {
	ctx := t.Context()
	_, b, _ := newBucket(t)
	if _, err := b.Put(ctx, "a", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	_, err := b.Put(ctx, "a/b", strings.NewReader("x"))
	if !errors.Is(err, lake.ErrKeyConflict) || !strings.Contains(err.Error(), `"a" is an object`) {
		t.Errorf("Put(a/b) = %v, want ErrKeyConflict naming object \"a\"", err)
	}
	if _, err := b.Put(ctx, "c/d", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	_, err = b.Put(ctx, "c", strings.NewReader("x"))
	if !errors.Is(err, lake.ErrKeyConflict) || !strings.Contains(err.Error(), `"c/" is a folder`) {
		t.Errorf("Put(c) = %v, want ErrKeyConflict naming folder \"c/\"", err)
	}
	src := filepath.Join(t.TempDir(), "src")
	write(t, src, "x")
	for _, key := range []string{"a/b", "c"} {
		if _, err := b.Publish(ctx, src, key); !errors.Is(err, lake.ErrKeyConflict) {
			t.Errorf("Publish(%q) = %v, want ErrKeyConflict", key, err)
		}
	}
	if _, err := os.Stat(src); err != nil {
		t.Errorf("failed Publish moved its source: %v", err)
	}
}

func TestPublishRenames(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	src := filepath.Join(t.TempDir(), "part-0.parquet")
	write(t, src, "parquet")
	before, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, src, "t/part-0.parquet"); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(filepath.Join(dir, "t", "part-0.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("Publish copied the file instead of renaming it")
	}
	if got, want := files(t, dir), []string{"t/", "t/part-0.parquet"}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}

	// A conflict leaves the source where it is.
	write(t, src, "second")
	if _, err := b.Publish(ctx, src, "t/part-0.parquet"); !errors.Is(err, lake.ErrPublishConflict) {
		t.Fatalf("Publish over an object = %v, want ErrPublishConflict", err)
	}
	if got, err := os.ReadFile(src); err != nil || string(got) != "second" {
		t.Errorf("source after a failed Publish = %q, %v", got, err)
	}
	if got, want := files(t, dir), []string{"t/", "t/part-0.parquet"}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}

func TestPublishRefusesNonFiles(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	srcDir := t.TempDir()
	if _, err := b.Publish(ctx, srcDir, "k"); err == nil {
		t.Errorf("Publish of a directory succeeded")
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink("/etc/passwd", link); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Publish(ctx, link, "k"); err == nil {
		t.Errorf("Publish of a symbolic link succeeded")
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files = %q, want none", got)
	}
}

func TestClosedStore(t *testing.T) {
	ctx := t.Context()
	s, b, _ := newBucket(t)
	s.Close()
	if _, err := b.Put(ctx, "k", strings.NewReader("x")); err == nil {
		t.Error("Put in a closed store succeeded")
	}
	if _, err := s.ListBuckets(ctx); err == nil {
		t.Error("ListBuckets of a closed store succeeded")
	}
}

func TestConcurrentPublishOneWins(t *testing.T) {
	ctx := t.Context()
	_, b, _ := newBucket(t)
	dir := t.TempDir()
	const n = 8
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		src := filepath.Join(dir, fmt.Sprint(i))
		write(t, src, fmt.Sprint(i))
		wg.Go(func() {
			_, results[i] = b.Publish(ctx, src, "t/part-0")
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range results {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("publishers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, lake.ErrPublishConflict):
			t.Errorf("publisher %d: %v, want ErrPublishConflict", i, err)
		default:
			if got, err := os.ReadFile(filepath.Join(dir, fmt.Sprint(i))); err != nil || string(got) != fmt.Sprint(i) {
				t.Errorf("losing publisher %d's source = %q, %v", i, got, err)
			}
		}
	}
	if winner < 0 {
		t.Fatal("no publisher succeeded")
	}
	if got, err := lake.ReadAll(ctx, b, "t/part-0"); err != nil || string(got) != fmt.Sprint(winner) {
		t.Errorf("object = %q, %v; want the winner's %d", got, err, winner)
	}
}
