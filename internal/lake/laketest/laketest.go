// Package laketest checks that object stores keep the lake.Store and
// lake.Bucket contract, and provides MemStore, an in-memory store for
// tests of the packages that use the lake.
//
// Every implementation runs the conformance suite from its tests:
//
//	func TestConformance(t *testing.T) {
//		laketest.Run(t, func(t *testing.T) lake.Store {
//			s, err := fsbucket.Open(t.TempDir())
//			...
//			return s
//		})
//	}
package laketest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// Run runs the conformance suite against the stores newStore returns. Each
// subtest calls newStore once and expects an empty store, which it may
// fill with buckets and objects.
func Run(t *testing.T, newStore func(t *testing.T) lake.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s lake.Store)
	}{
		{"BucketLifecycle", testBucketLifecycle},
		{"InvalidBucketNames", testInvalidBucketNames},
		{"PutGetStat", testPutGetStat},
		{"Overwrite", testOverwrite},
		{"Missing", testMissing},
		{"Delete", testDelete},
		{"InvalidKeys", testInvalidKeys},
		{"ListOrder", testListOrder},
		{"ListPrefix", testListPrefix},
		{"ListStopEarly", testListStopEarly},
		{"Cancel", testCancel},
		{"PutFailure", testPutFailure},
		{"KeyConflict", testKeyConflict},
		{"ConcurrentPutGet", testConcurrentPutGet},
		{"ConcurrentPutDelete", testConcurrentPutDelete},
		{"Publish", testPublish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

func testBucketLifecycle(t *testing.T, s lake.Store) {
	ctx := t.Context()
	if got, err := s.ListBuckets(ctx); err != nil || len(got) != 0 {
		t.Fatalf("ListBuckets of a new store = %v, %v; want none", got, err)
	}
	_, err := s.Bucket(ctx, "missing-bucket")
	wantErr(t, "Bucket(missing)", err, lake.ErrBucketNotExist, errs.NotFound)

	b, err := s.CreateBucket(ctx, "logs")
	if err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if b.Name() != "logs" {
		t.Errorf("Name() = %q, want logs", b.Name())
	}
	_, err = s.CreateBucket(ctx, "logs")
	wantErr(t, "CreateBucket(existing)", err, lake.ErrBucketExists, errs.Exists)
	if b, err := s.Bucket(ctx, "logs"); err != nil || b.Name() != "logs" {
		t.Fatalf("Bucket(logs) = %v, %v", b, err)
	}

	for _, name := range []string{"zeta.data", "1-two", "alpha"} {
		newBucket(t, s, name)
	}
	infos, err := s.ListBuckets(ctx)
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	var names []string
	for _, info := range infos {
		names = append(names, info.Name)
		if info.CreateTime.IsZero() {
			t.Errorf("bucket %s has no CreateTime", info.Name)
		}
	}
	if want := []string{"1-two", "alpha", "logs", "zeta.data"}; !slices.Equal(names, want) {
		t.Errorf("ListBuckets = %q, want %q", names, want)
	}

	put(t, b, "a/b/c.txt", "x")
	err = s.DeleteBucket(ctx, "logs")
	wantErr(t, "DeleteBucket(non-empty)", err, lake.ErrBucketNotEmpty, errs.Conflict)
	if got := get(t, b, "a/b/c.txt"); got != "x" {
		t.Fatalf("object changed by a failed DeleteBucket: %q", got)
	}
	if err := b.Delete(ctx, "a/b/c.txt"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := s.DeleteBucket(ctx, "logs"); err != nil {
		t.Fatalf("DeleteBucket(emptied): %v", err)
	}
	_, err = s.Bucket(ctx, "logs")
	wantErr(t, "Bucket(deleted)", err, lake.ErrBucketNotExist, errs.NotFound)
	err = s.DeleteBucket(ctx, "logs")
	wantErr(t, "DeleteBucket(deleted)", err, lake.ErrBucketNotExist, errs.NotFound)

	// A handle on a deleted bucket fails.
	_, err = b.Put(ctx, "k", strings.NewReader("v"))
	wantErr(t, "Put in deleted bucket", err, lake.ErrBucketNotExist, errs.NotFound)
	_, err = b.Get(ctx, "k")
	wantErr(t, "Get in deleted bucket", err, lake.ErrBucketNotExist, errs.NotFound)
	_, err = listAll(b.List(ctx, "", true))
	wantErr(t, "List in deleted bucket", err, lake.ErrBucketNotExist, errs.NotFound)

	infos, err = s.ListBuckets(ctx)
	if err != nil || len(infos) != 3 {
		t.Errorf("ListBuckets after delete = %v, %v; want 3 buckets", infos, err)
	}
}

// badBucketNames break S3's bucket naming rules.
var badBucketNames = []string{
	"", "ab", strings.Repeat("a", 64), "Upper", "under_score", "-lead", "trail-",
	".dot", "a..b", "192.168.1.1", "xn--abc", "name-s3alias", "with space", "ünï",
}

func testInvalidBucketNames(t *testing.T, s lake.Store) {
	ctx := t.Context()
	for _, name := range badBucketNames {
		_, err := s.CreateBucket(ctx, name)
		wantErr(t, fmt.Sprintf("CreateBucket(%q)", name), err, lake.ErrInvalidBucket, errs.Invalid)
		_, err = s.Bucket(ctx, name)
		wantErr(t, fmt.Sprintf("Bucket(%q)", name), err, lake.ErrInvalidBucket, errs.Invalid)
		err = s.DeleteBucket(ctx, name)
		wantErr(t, fmt.Sprintf("DeleteBucket(%q)", name), err, lake.ErrInvalidBucket, errs.Invalid)
	}
	if infos, err := s.ListBuckets(ctx); err != nil || len(infos) != 0 {
		t.Errorf("ListBuckets = %v, %v; want none", infos, err)
	}
}

func testPutGetStat(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	big := make([]byte, 1<<20+7)
	rand.Read(big)
	objects := map[string]string{
		"top.txt":                          "top",
		"2020/05/12/09/events.json":        `{"speed": 42}` + "\n",
		"empty":                            "",
		"big.bin":                          string(big),
		"unicode/日本語/файл.txt":             "unicode",
		"spaces/a b.csv":                   "spaces",
		"chars/!-_.*'()&$@=;:+,?#[]{}~%^`": "punctuation",
		"dots/.hidden":                     "hidden",
		"dots/..double":                    "double",
		"dots/a..b":                        "ab",
	}
	for key, content := range objects {
		start := time.Now().Add(-2 * time.Second)
		info, err := b.Put(ctx, key, strings.NewReader(content))
		if err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
		if info.Key != key || info.Size != int64(len(content)) || info.IsPrefix {
			t.Errorf("Put(%q) = %+v, want key %q, size %d", key, info, key, len(content))
		}
		if info.ModTime.Before(start) {
			t.Errorf("Put(%q) ModTime = %v, before the Put", key, info.ModTime)
		}
		stat, err := b.Stat(ctx, key)
		if err != nil {
			t.Fatalf("Stat(%q): %v", key, err)
		}
		if !sameInfo(stat, info) {
			t.Errorf("Stat(%q) = %+v, want %+v", key, stat, info)
		}
	}
	for key, content := range objects {
		if got := get(t, b, key); got != content {
			t.Errorf("Get(%q) = %d bytes, want %d", key, len(got), len(content))
		}
	}
	infos := list(t, b, "", true)
	if len(infos) != len(objects) {
		t.Errorf("List = %q, want %d objects", keys(infos), len(objects))
	}
	for _, info := range infos {
		stat, err := b.Stat(ctx, info.Key)
		if err != nil {
			t.Errorf("Stat(%q) of a listed object: %v", info.Key, err)
			continue
		}
		if !sameInfo(info, stat) {
			t.Errorf("List gives %+v, Stat gives %+v", info, stat)
		}
	}
}

func testOverwrite(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	put(t, b, "dir/key", "a longer first version")
	put(t, b, "dir/key", "second")
	if got := get(t, b, "dir/key"); got != "second" {
		t.Errorf("Get after overwrite = %q, want %q", got, "second")
	}
	if info, err := b.Stat(ctx, "dir/key"); err != nil || info.Size != int64(len("second")) {
		t.Errorf("Stat after overwrite = %+v, %v", info, err)
	}
	if got := keys(list(t, b, "", true)); !slices.Equal(got, []string{"dir/key"}) {
		t.Errorf("List after overwrite = %q", got)
	}
}

func testMissing(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	put(t, b, "dir/obj", "x")
	for _, key := range []string{"nope", "dir", "di", "dir/obj/x", "dir/ob", "dir/obj2"} {
		_, err := b.Get(ctx, key)
		wantErr(t, fmt.Sprintf("Get(%q)", key), err, lake.ErrNotExist, errs.NotFound)
		_, err = b.Stat(ctx, key)
		wantErr(t, fmt.Sprintf("Stat(%q)", key), err, lake.ErrNotExist, errs.NotFound)
	}
}

func testDelete(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	for _, key := range []string{"a/b/c", "a/b/d", "a/e", "f"} {
		put(t, b, key, key)
	}
	if err := b.Delete(ctx, "a/b/c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := b.Get(ctx, "a/b/c")
	wantErr(t, "Get(deleted)", err, lake.ErrNotExist, errs.NotFound)
	for _, key := range []string{"a/zzz", "a/b", "a", "x/y/z", "a/b/c"} {
		if err := b.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q), not an object: %v", key, err)
		}
	}
	checkList(t, b, "", true, "a/b/d", "a/e", "f")
	if err := b.Delete(ctx, "a/b/d"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	// Folders go with their last object.
	checkList(t, b, "", false, "a/", "f")
	checkList(t, b, "a/", false, "a/e")
	checkList(t, b, "a/b/", true)
	if err := b.Delete(ctx, "a/e"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := b.Delete(ctx, "f"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	checkList(t, b, "", false)
	checkList(t, b, "", true)
	// The folder can now be an object.
	put(t, b, "a", "now an object")
}

// badKeys are not object keys.
var badKeys = []string{
	"", "/abs", "a//b", "a/../b", "..", ".", "a/./b", "a/..", "trailing/",
	"nul\x00", "ctl\x01", "del\x7f", "newline\n", "bad-utf8-\xff",
	strings.Repeat("k", lake.MaxKeyLen+1), "seg/" + strings.Repeat("s", lake.MaxSegmentLen+1),
	".weir-put-123", "a/.weir-x",
}

func testInvalidKeys(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	for _, key := range badKeys {
		_, err := b.Put(ctx, key, strings.NewReader("x"))
		wantErr(t, fmt.Sprintf("Put(%q)", key), err, lake.ErrInvalidKey, errs.Invalid)
		_, err = b.Get(ctx, key)
		wantErr(t, fmt.Sprintf("Get(%q)", key), err, lake.ErrInvalidKey, errs.Invalid)
		_, err = b.Stat(ctx, key)
		wantErr(t, fmt.Sprintf("Stat(%q)", key), err, lake.ErrInvalidKey, errs.Invalid)
		err = b.Delete(ctx, key)
		wantErr(t, fmt.Sprintf("Delete(%q)", key), err, lake.ErrInvalidKey, errs.Invalid)
	}
	for _, prefix := range []string{"/x", "a//", "a/../", "..", "x\x00", "\xff"} {
		for _, recursive := range []bool{true, false} {
			infos, err := listAll(b.List(ctx, prefix, recursive))
			wantErr(t, fmt.Sprintf("List(%q, %v)", prefix, recursive), err, lake.ErrInvalidKey, errs.Invalid)
			if len(infos) != 0 {
				t.Errorf("List(%q) yielded %q besides the error", prefix, keys(infos))
			}
		}
	}
	checkList(t, b, "", true)
}

func testListOrder(t *testing.T, s lake.Store) {
	b := newBucket(t, s, "data")
	// Byte order: "B" < "a" and '-' < '.' < '/' < '0', so "a-c" comes before
	// the keys in folder "a/", which come before "a0"; "é" is two bytes
	// starting with 0xC3 and comes after "z".
	objects := []string{
		"a-c", "a.c", "a/b", "a/b-c", "a/b.c", "a/b0", "a/c/d", "a/c/d-e",
		"a/c/e-g", "a/c/e/f", "a/c0", "a0", "ab", "B", "z", "é", "a/c/e.h",
	}
	want := slices.Clone(objects)
	slices.Sort(want)
	for i := len(objects) - 1; i >= 0; i-- {
		put(t, b, objects[i], objects[i])
	}
	infos := list(t, b, "", true)
	if got := keys(infos); !slices.Equal(got, want) {
		t.Errorf("List(recursive) =\n%q\nwant\n%q", got, want)
	}
	for _, info := range infos {
		if info.Size != int64(len(info.Key)) || info.IsPrefix || info.ModTime.IsZero() {
			t.Errorf("List gives %+v, want size %d and a ModTime", info, len(info.Key))
		}
	}
	checkList(t, b, "", false, "B", "a-c", "a.c", "a/", "a0", "ab", "z", "é")
	checkList(t, b, "a/", false, "a/b", "a/b-c", "a/b.c", "a/b0", "a/c/", "a/c0")
	checkList(t, b, "a/c/", false, "a/c/d", "a/c/d-e", "a/c/e-g", "a/c/e.h", "a/c/e/")
	checkList(t, b, "a/c/", true, "a/c/d", "a/c/d-e", "a/c/e-g", "a/c/e.h", "a/c/e/f")
	for _, info := range list(t, b, "", false) {
		if info.IsPrefix != strings.HasSuffix(info.Key, "/") || info.IsPrefix && info.Size != 0 {
			t.Errorf("List(non-recursive) gives %+v", info)
		}
	}
}

func testListPrefix(t *testing.T, s lake.Store) {
	b := newBucket(t, s, "data")
	for _, key := range []string{
		"2020/05/1x", "2020/05/12/a.json", "2020/05/12/b.json", "2020/05/13/a.json",
		"2020/05/2/a.json", "2020/051/x", "2020/06/a", "other",
	} {
		put(t, b, key, key)
	}
	checkList(t, b, "2020/05/1", true, "2020/05/12/a.json", "2020/05/12/b.json", "2020/05/13/a.json", "2020/05/1x")
	checkList(t, b, "2020/05/1", false, "2020/05/12/", "2020/05/13/", "2020/05/1x")
	checkList(t, b, "2020/05", false, "2020/05/", "2020/051/")
	checkList(t, b, "2020/05/", false, "2020/05/12/", "2020/05/13/", "2020/05/1x", "2020/05/2/")
	checkList(t, b, "2020/05/12/", true, "2020/05/12/a.json", "2020/05/12/b.json")
	checkList(t, b, "2020/05/12/a.json", true, "2020/05/12/a.json")
	checkList(t, b, "2020/05/12/a.json", false, "2020/05/12/a.json")
	checkList(t, b, "2020/05/12/a.json/", true)
	checkList(t, b, "2020/05/12/a.json/x", false)
	checkList(t, b, "nothing/", true)
	checkList(t, b, "2021", false)
	checkList(t, b, "o", false, "other")
	checkList(t, b, "", false, "2020/", "other")
}

func testListStopEarly(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	for _, key := range []string{"a/1", "a/2", "b/1", "c", "d/e/f"} {
		put(t, b, key, key)
	}
	for _, recursive := range []bool{true, false} {
		var got []string
		for info, err := range b.List(ctx, "", recursive) {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			got = append(got, info.Key)
			if len(got) == 2 {
				break
			}
		}
		if len(got) != 2 {
			t.Errorf("List(recursive=%v) stopped after %q", recursive, got)
		}
	}
}

func testCancel(t *testing.T, s lake.Store) {
	b := newBucket(t, s, "data")
	for _, key := range []string{"a/1", "a/2", "b/1", "c", "d/e/f"} {
		put(t, b, key, key)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := b.Put(canceled, "new", strings.NewReader("x"))
	wantErr(t, "Put with a canceled context", err, context.Canceled, errs.Other)
	_, err = b.Get(canceled, "c")
	wantErr(t, "Get with a canceled context", err, context.Canceled, errs.Other)
	_, err = b.Stat(canceled, "c")
	wantErr(t, "Stat with a canceled context", err, context.Canceled, errs.Other)
	err = b.Delete(canceled, "c")
	wantErr(t, "Delete with a canceled context", err, context.Canceled, errs.Other)
	_, err = s.CreateBucket(canceled, "other")
	wantErr(t, "CreateBucket with a canceled context", err, context.Canceled, errs.Other)
	infos, err := listAll(b.List(canceled, "", true))
	wantErr(t, "List with a canceled context", err, context.Canceled, errs.Other)
	if len(infos) != 0 {
		t.Errorf("List with a canceled context yielded %q", keys(infos))
	}
	checkList(t, b, "", true, "a/1", "a/2", "b/1", "c", "d/e/f")

	// Canceling during a listing: the next item is the error, and the last.
	for _, recursive := range []bool{true, false} {
		ctx, cancel := context.WithCancel(t.Context())
		var got []string
		var errList []error
		for info, err := range b.List(ctx, "", recursive) {
			if err != nil {
				errList = append(errList, err)
				continue
			}
			got = append(got, info.Key)
			cancel()
		}
		cancel()
		if len(got) != 1 || len(errList) != 1 || !errors.Is(errList[0], context.Canceled) {
			t.Errorf("List(recursive=%v) canceled after the first item yielded %q and errors %v; want one item and context.Canceled",
				recursive, got, errList)
		}
	}

	// Canceling while Put copies: nothing changes.
	put(t, b, "d/e/f", "old")
	for _, key := range []string{"d/e/f", "new/folder/object"} {
		ctx, cancel := context.WithCancel(t.Context())
		r := &endlessReader{onRead: cancel, limit: 8 << 20}
		_, err := b.Put(ctx, key, r)
		cancel()
		wantErr(t, fmt.Sprintf("Put(%q) canceled while copying", key), err, context.Canceled, errs.Other)
		if r.n >= r.limit {
			t.Errorf("Put(%q) read all %d bytes after being canceled", key, r.n)
		}
	}
	if got := get(t, b, "d/e/f"); got != "old" {
		t.Errorf("canceled Put replaced the object with %d bytes", len(got))
	}
	checkList(t, b, "", true, "a/1", "a/2", "b/1", "c", "d/e/f")
	checkList(t, b, "", false, "a/", "b/", "c", "d/")
}

// endlessReader returns zeros until limit, calling onRead after each read.
type endlessReader struct {
	n, limit int
	onRead   func()
}

func (r *endlessReader) Read(p []byte) (int, error) {
	if r.n >= r.limit {
		return 0, io.EOF
	}
	n := min(len(p), r.limit-r.n)
	clear(p[:n])
	r.n += n
	r.onRead()
	return n, nil
}

var errBoom = errors.New("boom")

// failingReader returns n bytes, then errBoom.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errBoom
	}
	n := min(len(p), r.n)
	clear(p[:n])
	r.n -= n
	return n, nil
}

func testPutFailure(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	put(t, b, "dir/existing", "old")
	for _, key := range []string{"dir/existing", "dir/new", "other/folder/new"} {
		_, err := b.Put(ctx, key, &failingReader{n: 100 << 10})
		if !errors.Is(err, errBoom) {
			t.Errorf("Put(%q) from a failing reader = %v, want the reader's error", key, err)
		}
	}
	if got := get(t, b, "dir/existing"); got != "old" {
		t.Errorf("failed Put replaced the object with %d bytes", len(got))
	}
	checkList(t, b, "", true, "dir/existing")
	checkList(t, b, "", false, "dir/")
}

func testKeyConflict(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	// A store may hold both "obj" and "obj/child", as S3 does, or refuse the
	// second with ErrKeyConflict, as a file system must; either way the
	// first stays intact and the listing is consistent.
	for _, tc := range []struct{ first, second string }{
		{"obj", "obj/child"},
		{"dir/child", "dir"},
		{"x/y/z", "x/y"},
	} {
		put(t, b, tc.first, tc.first)
		_, err := b.Put(ctx, tc.second, strings.NewReader(tc.second))
		want := []string{tc.first}
		switch {
		case err == nil:
			want = append(want, tc.second)
			if got := get(t, b, tc.second); got != tc.second {
				t.Errorf("Get(%q) = %q", tc.second, got)
			}
		case errors.Is(err, lake.ErrKeyConflict):
			wantErr(t, fmt.Sprintf("Put(%q) after Put(%q)", tc.second, tc.first), err, lake.ErrKeyConflict, errs.Conflict)
			_, err := b.Stat(ctx, tc.second)
			wantErr(t, fmt.Sprintf("Stat(%q) after a conflict", tc.second), err, lake.ErrNotExist, errs.NotFound)
		default:
			t.Errorf("Put(%q) after Put(%q) = %v, want nil or ErrKeyConflict", tc.second, tc.first, err)
		}
		if got := get(t, b, tc.first); got != tc.first {
			t.Errorf("Get(%q) = %q", tc.first, got)
		}
		slices.Sort(want)
		checkList(t, b, "", true, want...)
		for _, key := range want {
			if err := b.Delete(ctx, key); err != nil {
				t.Fatalf("Delete(%q): %v", key, err)
			}
		}
	}
}

func testConcurrentPutGet(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	versions := [][]byte{
		bytes.Repeat([]byte("a"), 64<<10),
		bytes.Repeat([]byte("b"), 96<<10+3),
	}
	const key = "shared/object"
	put(t, b, key, string(versions[0]))

	var writers, readers sync.WaitGroup
	done := make(chan struct{})
	for w := range 4 {
		writers.Go(func() {
			for i := range 20 {
				v := versions[(w+i)%2]
				if _, err := b.Put(ctx, key, bytes.NewReader(v)); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := lake.ReadAll(ctx, b, key)
				if err != nil {
					t.Errorf("Get during Puts: %v", err)
					return
				}
				if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
					t.Errorf("Get during Puts read %d bytes, not one whole version", len(got))
					return
				}
			}
		})
	}
	writers.Wait()
	close(done)
	readers.Wait()
	checkList(t, b, "", true, key)
}

func testConcurrentPutDelete(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	// Deletes tidy up empty folders while Puts create them.
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				key := fmt.Sprintf("shared/folder/g%d-%d", g, i)
				if _, err := b.Put(ctx, key, strings.NewReader(key)); err != nil {
					t.Errorf("Put(%q): %v", key, err)
					return
				}
				if err := b.Delete(ctx, key); err != nil {
					t.Errorf("Delete(%q): %v", key, err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkList(t, b, "", true)
	checkList(t, b, "", false)
	if err := s.DeleteBucket(ctx, "data"); err != nil {
		t.Errorf("DeleteBucket after all objects are gone: %v", err)
	}
}

func testPublish(t *testing.T, s lake.Store) {
	ctx := t.Context()
	b := newBucket(t, s, "data")
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		// An old file: the object's time is its publication.
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const key = "tables/t/year=2020/part-0.parquet"

	src := file("one", "payload one")
	start := time.Now().Add(-2 * time.Second)
	info, err := lake.Publish(ctx, b, src, key)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if info.Key != key || info.Size != int64(len("payload one")) || info.ModTime.Before(start) {
		t.Errorf("Publish = %+v; want key %q, size %d and the time of publication", info, key, len("payload one"))
	}
	if got := get(t, b, key); got != "payload one" {
		t.Errorf("Get after Publish = %q", got)
	}
	if stat, err := b.Stat(ctx, key); err != nil || !sameInfo(stat, info) {
		t.Errorf("Stat after Publish = %+v, %v; want %+v", stat, err, info)
	}
	if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("source still exists after Publish: %v", err)
	}

	// Publish never replaces an object, and leaves the source alone.
	src = file("two", "payload two")
	_, err = lake.Publish(ctx, b, src, key)
	wantErr(t, "Publish over an object", err, lake.ErrPublishConflict, errs.Exists)
	if got := get(t, b, key); got != "payload one" {
		t.Errorf("failed Publish replaced the object with %q", got)
	}
	for _, bad := range []string{"a//b", "", "tables/", ".weir-put-x"} {
		_, err = lake.Publish(ctx, b, src, bad)
		wantErr(t, fmt.Sprintf("Publish(%q)", bad), err, lake.ErrInvalidKey, errs.Invalid)
	}
	if got, err := os.ReadFile(src); err != nil || string(got) != "payload two" {
		t.Errorf("failed Publish changed the source: %q, %v", got, err)
	}
	_, err = lake.Publish(ctx, b, filepath.Join(dir, "missing"), "tables/t/missing")
	if err == nil {
		t.Errorf("Publish of a missing file succeeded")
	}
	checkList(t, b, "", true, key)
	checkList(t, b, "", false, "tables/")

	if _, err := lake.Publish(ctx, b, src, "tables/t/year=2020/part-1.parquet"); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	checkList(t, b, "tables/t/", true, key, "tables/t/year=2020/part-1.parquet")
}

// newBucket creates a bucket or stops the test.
func newBucket(t *testing.T, s lake.Store, name string) lake.Bucket {
	t.Helper()
	b, err := s.CreateBucket(t.Context(), name)
	if err != nil {
		t.Fatalf("CreateBucket(%q): %v", name, err)
	}
	return b
}

// put stores an object or stops the test.
func put(t *testing.T, b lake.Bucket, key, content string) {
	t.Helper()
	if _, err := b.Put(t.Context(), key, strings.NewReader(content)); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// get reads an object or stops the test.
func get(t *testing.T, b lake.Bucket, key string) string {
	t.Helper()
	data, err := lake.ReadAll(t.Context(), b, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return string(data)
}

// listAll collects a listing up to its first error.
func listAll(seq iter.Seq2[lake.ObjectInfo, error]) ([]lake.ObjectInfo, error) {
	var infos []lake.ObjectInfo
	for info, err := range seq {
		if err != nil {
			return infos, err
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// list lists a bucket or stops the test.
func list(t *testing.T, b lake.Bucket, prefix string, recursive bool) []lake.ObjectInfo {
	t.Helper()
	infos, err := listAll(b.List(t.Context(), prefix, recursive))
	if err != nil {
		t.Fatalf("List(%q, %v): %v", prefix, recursive, err)
	}
	return infos
}

// checkList checks the keys a listing yields.
func checkList(t *testing.T, b lake.Bucket, prefix string, recursive bool, want ...string) {
	t.Helper()
	if got := keys(list(t, b, prefix, recursive)); !slices.Equal(got, want) {
		t.Errorf("List(%q, recursive=%v) =\n%q\nwant\n%q", prefix, recursive, got, want)
	}
}

// sameInfo reports whether a and b describe the same object.
func sameInfo(a, b lake.ObjectInfo) bool {
	return a.Key == b.Key && a.Size == b.Size && a.ModTime.Equal(b.ModTime) && a.IsPrefix == b.IsPrefix
}

func keys(infos []lake.ObjectInfo) []string {
	var ks []string
	for _, info := range infos {
		ks = append(ks, info.Key)
	}
	return ks
}

// wantErr checks that err matches target and, unless kind is errs.Other,
// has that kind, and that its message says more than the target's.
func wantErr(t *testing.T, what string, err, target error, kind errs.Kind) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s succeeded, want %v", what, target)
	case !errors.Is(err, target):
		t.Errorf("%s = %v, want %v", what, err, target)
	case kind != errs.Other && !errors.Is(err, kind):
		t.Errorf("%s = %v, of kind %v, want kind %v", what, err, errs.KindOf(err), kind)
	case err.Error() == target.Error():
		t.Errorf("%s = %q, which says nothing about where", what, err)
	}
}
