package fsbucket_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/weirdata/weir/internal/lake"
)

func TestSpecialFilesAreNotObjects(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	write(t, filepath.Join(dir, "file"), "x")
	if got, want := keys(t, b, "", true), []string{"file"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	// Opening a named pipe must not block.
	if _, err := b.Get(ctx, "fifo"); !errors.Is(err, lake.ErrNotExist) {
		t.Errorf("Get(fifo) = %v, want ErrNotExist", err)
	}
	if _, err := b.Stat(ctx, "fifo"); !errors.Is(err, lake.ErrNotExist) {
		t.Errorf("Stat(fifo) = %v, want ErrNotExist", err)
	}
}

// xdevDir returns a directory on another file system than dir: the one
// named by $WEIR_TEST_XDEV_DIR, or /dev/shm. It skips the test if there is
// none.
func xdevDir(t *testing.T, dir string) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	for _, cand := range []string{os.Getenv("WEIR_TEST_XDEV_DIR"), "/dev/shm"} {
		var cst syscall.Stat_t
		if cand == "" || syscall.Stat(cand, &cst) != nil || cst.Dev == st.Dev {
			continue
		}
		tmp, err := os.MkdirTemp(cand, "weir-xdev-")
		if err != nil {
			continue
		}
		t.Cleanup(func() { os.RemoveAll(tmp) })
		return tmp
	}
	t.Skip("no directory on another file system; set WEIR_TEST_XDEV_DIR to one")
	return ""
}

func TestPublishAcrossFileSystems(t *testing.T) {
	ctx := t.Context()
	_, b, dir := newBucket(t)
	other := xdevDir(t, dir)
	src := filepath.Join(other, "part-0.parquet")
	write(t, src, "parquet")
	before, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	info, err := b.Publish(ctx, src, "t/part-0.parquet")
	if err != nil {
		t.Fatalf("Publish across file systems: %v", err)
	}
	if info.Size != int64(len("parquet")) {
		t.Errorf("Publish = %+v", info)
	}
	after, err := os.Stat(filepath.Join(dir, "t", "part-0.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Fatalf("the file was renamed, so the copying path was not tested")
	}
	if got, err := lake.ReadAll(ctx, b, "t/part-0.parquet"); err != nil || string(got) != "parquet" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("source still exists: %v", err)
	}

	// A conflict leaves the source and no temporary copy.
	write(t, src, "second")
	if _, err := b.Publish(ctx, src, "t/part-0.parquet"); !errors.Is(err, lake.ErrPublishConflict) {
		t.Errorf("Publish over an object = %v, want ErrPublishConflict", err)
	}
	if got, err := os.ReadFile(src); err != nil || string(got) != "second" {
		t.Errorf("source after a failed Publish = %q, %v", got, err)
	}
	if got, want := files(t, dir), []string{"t/", "t/part-0.parquet"}; !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
}
