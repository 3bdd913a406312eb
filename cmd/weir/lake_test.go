package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// A local folder tree to copy, with a binary file.
	src := t.TempDir()
	files := map[string]string{
		"a.txt":              "hello\n",
		"sub/b.json":         `{"b":1}` + "\n",
		"sub/deeper/c.bin":   "\x00\x01\x02\xff binary",
		"sub/deeper/d e.txt": "a name with a space\n",
	}
	for name, content := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Copying into a bucket that does not exist says how to create it.
	stdout, stderr, code := weir(t, dir, "", "lake", "cp", filepath.Join(src, "a.txt"), "s3://lake-test/a.txt")
	wantRun(t, "cp to a missing bucket", stdout, stderr, code, 1, "bucket lake-test does not exist; create it with: weir lake mb s3://lake-test")

	if out := mustWeir(t, dir, "lake", "mb", "s3://lake-test"); out != "make_bucket: lake-test\n" {
		t.Errorf("mb: %q", out)
	}
	stdout, stderr, code = weir(t, dir, "", "lake", "mb", "s3://lake-test")
	wantRun(t, "mb twice", stdout, stderr, code, 1, "already exists")
	mustWeir(t, dir, "lake", "mb", "s3://lake-other")

	// Bucket list.
	out := mustWeir(t, dir, "lake", "ls")
	var buckets []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := lsBucket.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("lake ls: unexpected line %q", l)
		}
		buckets = append(buckets, m[1])
	}
	if want := []string{"lake-other", "lake-test"}; !reflect.DeepEqual(buckets, want) {
		t.Errorf("lake ls: buckets %q, want %q", buckets, want)
	}

	// One file, to a folder (keeps its name) and to a key.
	if out := mustWeir(t, dir, "lake", "cp", filepath.Join(src, "a.txt"), "s3://lake-test/"); out != "copy: "+filepath.Join(src, "a.txt")+" to s3://lake-test/a.txt\n" {
		t.Errorf("cp file to bucket: %q", out)
	}
	mustWeir(t, dir, "lake", "cp", filepath.Join(src, "a.txt"), "s3://lake-test/renamed/x.txt")

	// A folder, recursively.
	out = mustWeir(t, dir, "lake", "cp", "--recursive", src, "s3://lake-test/tree/")
	if n := strings.Count(out, "\n"); n != len(files) || !strings.Contains(out, " to s3://lake-test/tree/sub/deeper/c.bin\n") {
		t.Errorf("cp --recursive printed:\n%s", out)
	}
	if got := mustWeir(t, dir, "lake", "cat", "s3://lake-test/tree/sub/deeper/c.bin"); got != files["sub/deeper/c.bin"] {
		t.Errorf("cat: %q", got)
	}

	// ls: objects and prefixes one level down, everything with --recursive.
	wantLs := func(args []string, want []lsEntry) {
		t.Helper()
		if got := lakeLs(t, dir, args...); !reflect.DeepEqual(got, want) {
			t.Errorf("lake ls %s:\n got %+v\nwant %+v", strings.Join(args, " "), got, want)
		}
	}
	wantLs([]string{"s3://lake-test"}, []lsEntry{{Size: 6, Name: "a.txt"}, {Prefix: true, Name: "renamed/"}, {Prefix: true, Name: "tree/"}})
	wantLs([]string{"s3://lake-test/tree/"}, []lsEntry{{Size: 6, Name: "a.txt"}, {Prefix: true, Name: "sub/"}})
	wantLs([]string{"s3://lake-test/tree"}, []lsEntry{{Prefix: true, Name: "tree/"}})
	wantLs([]string{"s3://lake-test/tree/sub/deeper/"}, []lsEntry{{Size: int64(len(files["sub/deeper/c.bin"])), Name: "c.bin"}, {Size: 20, Name: "d e.txt"}})
	wantLs([]string{"--recursive", "s3://lake-test/tree/"}, []lsEntry{
		{Size: 6, Name: "tree/a.txt"}, {Size: 8, Name: "tree/sub/b.json"}, {Size: int64(len(files["sub/deeper/c.bin"])), Name: "tree/sub/deeper/c.bin"}, {Size: 20, Name: "tree/sub/deeper/d e.txt"},
	})
	wantLs([]string{"s3://lake-other"}, nil)

	// Back out of the lake: the same tree, byte for byte.
	dst := filepath.Join(t.TempDir(), "out")
	mustWeir(t, dir, "lake", "cp", "--recursive", "s3://lake-test/tree/", dst)
	got := map[string]string{}
	for name := range filesUnder(t, dst) {
		b, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil {
			t.Fatal(err)
		}
		got[name] = string(b)
	}
	if !reflect.DeepEqual(got, files) {
		t.Errorf("lake → local copy differs:\n got %q\nwant %q", got, files)
	}
	// One object to a local folder keeps its name.
	mustWeir(t, dir, "lake", "cp", "s3://lake-test/renamed/x.txt", dst+string(filepath.Separator))
	if b, err := os.ReadFile(filepath.Join(dst, "x.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("cp object to folder: %q, %v", b, err)
	}

	// Errors.
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"empty key segment", []string{"lake", "cp", filepath.Join(src, "a.txt"), "s3://lake-test/bad//key"}, 2, `invalid lake URI "s3://lake-test/bad//key"`},
		{"dot-dot key", []string{"lake", "cp", filepath.Join(src, "a.txt"), "s3://lake-test/../key"}, 2, `segment 1 is ".."`},
		{"bucket name", []string{"lake", "ls", "s3://Lake_Test/"}, 2, `invalid bucket name "Lake_Test"`},
		{"short bucket name", []string{"lake", "mb", "s3://ab"}, 2, "bucket names are 3 to 63 characters long"},
		{"mb with a key", []string{"lake", "mb", "s3://lake-new/key"}, 2, "names an object; give just s3://lake-new"},
		{"no lake side", []string{"lake", "cp", filepath.Join(src, "a.txt"), filepath.Join(src, "b.txt")}, 2, "one side of cp must be a lake URI"},
		{"folder without --recursive", []string{"lake", "cp", src, "s3://lake-test/x/"}, 2, "is a folder; use --recursive"},
		{"rm folder without --recursive", []string{"lake", "rm", "s3://lake-test/tree/"}, 2, "is a folder; use --recursive"},
		{"cat missing object", []string{"lake", "cat", "s3://lake-test/nope"}, 1, "object does not exist"},
		{"ls missing bucket", []string{"lake", "ls", "s3://lake-nope/"}, 1, "bucket does not exist"},
		{"rb non-empty bucket", []string{"lake", "rb", "s3://lake-test"}, 1, "bucket lake-test is not empty; empty it first or use --force"},
	} {
		stdout, stderr, code := weir(t, dir, "", tc.args...)
		wantRun(t, tc.name, stdout, stderr, code, tc.code, tc.want)
	}

	// rm: one object, then a prefix.
	if out := mustWeir(t, dir, "lake", "rm", "s3://lake-test/a.txt"); out != "delete: s3://lake-test/a.txt\n" {
		t.Errorf("rm: %q", out)
	}
	out = mustWeir(t, dir, "lake", "rm", "--recursive", "s3://lake-test/tree/sub/")
	if want := "delete: s3://lake-test/tree/sub/b.json\ndelete: s3://lake-test/tree/sub/deeper/c.bin\ndelete: s3://lake-test/tree/sub/deeper/d e.txt\n"; out != want {
		t.Errorf("rm --recursive:\n%s\nwant:\n%s", out, want)
	}
	wantLs([]string{"--recursive", "s3://lake-test"}, []lsEntry{{Size: 6, Name: "renamed/x.txt"}, {Size: 6, Name: "tree/a.txt"}})

	// rb: an empty bucket, then one with objects (--force).
	if out := mustWeir(t, dir, "lake", "rb", "s3://lake-other"); out != "remove_bucket: lake-other\n" {
		t.Errorf("rb: %q", out)
	}
	out = mustWeir(t, dir, "lake", "rb", "--force", "s3://lake-test")
	if want := "delete: s3://lake-test/renamed/x.txt\ndelete: s3://lake-test/tree/a.txt\nremove_bucket: lake-test\n"; out != want {
		t.Errorf("rb --force:\n%s\nwant:\n%s", out, want)
	}
	if out := mustWeir(t, dir, "lake", "ls"); out != "" {
		t.Errorf("buckets left:\n%s", out)
	}
}
