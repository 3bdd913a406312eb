// Package fsbucket keeps a lake on the local disk, the default object store
// of a single-node weir.
//
// A Store is a root directory; each bucket is a directory below it and each
// object a file, with the "/" in keys as the directory separator:
//
//	<root>/<bucket>/<key>
//
// All file access goes through os.Root, so no key, symbolic link or
// concurrent rename can reach outside a bucket's directory. Symbolic links
// inside a bucket that lead to files inside it are read as objects; other
// links are ignored. Writes are atomic: Put writes a hidden temporary file
// (named ".weir-put-…", a prefix lake.ValidateKey reserves) next to the
// target and renames it into place, and Publish moves finished files in with
// a rename. Folders are directories that Put creates as needed and Delete
// removes once they are empty, so listings show only folders that hold
// objects.
//
// A file system cannot hold both an object "a" and an object "a/b", as S3
// can; Put and Publish report such clashes with lake.ErrKeyConflict.
//
// One process should own a root at a time: a Store serialises changes to
// directories among its own goroutines, but not with other processes.
package fsbucket

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/weirdata/weir/internal/lake"
)

// Store is a lake.Store whose buckets are directories under one root
// directory. Its methods are safe for concurrent use. Close releases it.
type Store struct {
	dir  string   // absolute path of the root directory
	root *os.Root // the root directory, through which all access goes

	// dirMu serialises changes to the tree: creating and removing
	// directories, Delete, and renaming objects into place. So tidying an
	// empty folder never removes one a Put has just made, nor an object that
	// has just replaced a folder, and Publish's check that its key is free
	// holds until its rename.
	dirMu sync.Mutex
}

// Open opens the store rooted at the directory dir, creating it if needed.
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("fsbucket: open %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("fsbucket: create lake directory: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("fsbucket: open lake directory: %w", err)
	}
	return &Store{dir: abs, root: root}, nil
}

// Close releases the store's root directory. Buckets of a closed store
// fail every operation.
func (s *Store) Close() error {
	return s.root.Close()
}

// Dir returns the absolute path of the store's root directory.
func (s *Store) Dir() string { return s.dir }

// Bucket returns the named bucket, or fails with lake.ErrBucketNotExist.
// Directories whose names are not valid bucket names are not buckets.
func (s *Store) Bucket(ctx context.Context, name string) (lake.Bucket, error) {
	if err := lake.ValidateBucketName(name); err != nil {
		return nil, fmt.Errorf("fsbucket: open bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fsbucket: open bucket %q: %w", name, err)
	}
	if !s.isBucketDir(name) {
		return nil, fmt.Errorf("fsbucket: open bucket %q: %w", name, lake.ErrBucketNotExist)
	}
	return &Bucket{store: s, name: name}, nil
}

// CreateBucket creates a bucket, or fails with lake.ErrBucketExists.
func (s *Store) CreateBucket(ctx context.Context, name string) (lake.Bucket, error) {
	if err := lake.ValidateBucketName(name); err != nil {
		return nil, fmt.Errorf("fsbucket: create bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fsbucket: create bucket %q: %w", name, err)
	}
	s.dirMu.Lock()
	err := s.root.Mkdir(name, 0o755)
	s.dirMu.Unlock()
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("fsbucket: create bucket %q: %w", name, lake.ErrBucketExists)
	}
	if err != nil {
		return nil, fmt.Errorf("fsbucket: create bucket %q: %w", name, err)
	}
	return &Bucket{store: s, name: name}, nil
}

// ListBuckets returns all buckets sorted by name. A bucket's CreateTime is
// its directory's modification time, which file systems also update when
// entries directly inside the directory are added or removed.
func (s *Store) ListBuckets(ctx context.Context) ([]lake.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fsbucket: list buckets: %w", err)
	}
	f, err := s.root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("fsbucket: list buckets: %w", err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("fsbucket: list buckets: %w", err)
	}
	var buckets []lake.BucketInfo
	for _, e := range entries {
		if !e.IsDir() || lake.ValidateBucketName(e.Name()) != nil {
			continue
		}
		fi, err := s.root.Lstat(e.Name())
		if err != nil || !fi.IsDir() {
			continue // removed since ReadDir
		}
		buckets = append(buckets, lake.BucketInfo{Name: e.Name(), CreateTime: fi.ModTime().UTC()})
	}
	slices.SortFunc(buckets, func(a, b lake.BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	return buckets, nil
}

// DeleteBucket removes an empty bucket, or fails with
// lake.ErrBucketNotEmpty. Leftovers of interrupted writes (temporary files
// and empty folders) do not count as contents and are removed with it.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	if err := lake.ValidateBucketName(name); err != nil {
		return fmt.Errorf("fsbucket: delete bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fsbucket: delete bucket %q: %w", name, err)
	}
	b := &Bucket{store: s, name: name}
	root, err := b.open()
	if err != nil {
		return fmt.Errorf("fsbucket: delete bucket %q: %w", name, err)
	}
	defer root.Close()
	has, err := hasObject(ctx, root, ".", "")
	if err != nil {
		return fmt.Errorf("fsbucket: delete bucket %q: %w", name, err)
	}
	if has {
		return fmt.Errorf("fsbucket: delete bucket %q: %w; delete its objects first", name, lake.ErrBucketNotEmpty)
	}
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if err := removeLeftovers(root, "."); err != nil {
		return fmt.Errorf("fsbucket: delete bucket %q: %w", name, err)
	}
	if err := s.root.Remove(name); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("fsbucket: delete bucket %q: %w", name, lake.ErrBucketNotExist)
		}
		return fmt.Errorf("fsbucket: delete bucket %q: %w; it holds objects or files that are not objects, under %s",
			name, lake.ErrBucketNotEmpty, filepath.Join(s.dir, name))
	}
	return nil
}

// isBucketDir reports whether name is a directory (not a symbolic link)
// in the root.
func (s *Store) isBucketDir(name string) bool {
	fi, err := s.root.Lstat(name)
	return err == nil && fi.IsDir()
}

// removeLeftovers removes temporary files and then empty directories below
// dir, keeping everything else. The caller holds dirMu.
func removeLeftovers(root *os.Root, dir string) error {
	f, err := root.Open(dir)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		switch {
		case e.IsDir():
			if err := removeLeftovers(root, p); err != nil {
				return err
			}
			_ = root.Remove(p) // fails, as it should, if anything is left
		case e.Type().IsRegular() && strings.HasPrefix(e.Name(), tempPrefix):
			if err := root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Interface guards.
var (
	_ lake.Store = (*Store)(nil)
)
