package fsbucket

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/weirdata/weir/internal/lake"
)

// tempPrefix starts the names of temporary files. lake.ValidateKey refuses
// keys with segments starting with ".weir-", so they never name objects.
const tempPrefix = ".weir-put-"

// Bucket is a bucket of a Store: a directory holding objects as files. Its
// methods are safe for concurrent use. A Bucket stays usable while the
// bucket exists; after DeleteBucket its methods fail with
// lake.ErrBucketNotExist.
type Bucket struct {
	store *Store
	name  string
}

// Name returns the bucket's name.
func (b *Bucket) Name() string { return b.name }

// LocalPath returns the absolute path of the file that holds key, which
// need not exist. The path is only for reading the object in place (by a
// query engine); write through Put or Publish, which keep writes atomic.
func (b *Bucket) LocalPath(key string) (string, error) {
	if err := lake.ValidateKey(key); err != nil {
		return "", b.fail("local path", key, err)
	}
	return filepath.Join(b.store.dir, b.name, filepath.FromSlash(key)), nil
}

// Stat returns an object's size and modification time, or fails with
// lake.ErrNotExist.
func (b *Bucket) Stat(ctx context.Context, key string) (lake.ObjectInfo, error) {
	root, err := b.begin(ctx, "stat", key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer root.Close()
	fi, err := root.Stat(key)
	if err != nil {
		return lake.ObjectInfo{}, b.fail("stat", key, notExist(root, key, err))
	}
	if !fi.Mode().IsRegular() {
		return lake.ObjectInfo{}, b.fail("stat", key, lake.ErrNotExist)
	}
	return lake.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}, nil
}

// Get opens an object for reading, or fails with lake.ErrNotExist. ctx
// covers opening the object, not reading it.
func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	root, err := b.begin(ctx, "get", key)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	// O_NONBLOCK keeps a named pipe someone left in the bucket from
	// blocking the open; it does not affect reading regular files.
	f, err := root.OpenFile(key, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, b.fail("get", key, notExist(root, key, err))
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, b.fail("get", key, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, b.fail("get", key, lake.ErrNotExist)
	}
	return f, nil
}

// Put stores the contents of r under key, replacing any object there, and
// creates the folders it needs. It writes a temporary file in the target
// folder, syncs it to disk and renames it into place, so readers see the old
// object or the whole new one. If Put fails, or ctx is canceled while it
// copies r, nothing changes.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader) (lake.ObjectInfo, error) {
	root, err := b.begin(ctx, "put", key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer root.Close()
	info, err := b.put(ctx, root, key, r)
	if err != nil {
		return lake.ObjectInfo{}, b.fail("put", key, err)
	}
	return info, nil
}

func (b *Bucket) put(ctx context.Context, root *os.Root, key string, r io.Reader) (lake.ObjectInfo, error) {
	tmp, f, err := b.createTemp(root, key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	info, err := fill(ctx, f, r)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		b.removeTemp(root, tmp)
		return lake.ObjectInfo{}, err
	}
	if err := b.commit(root, tmp, key, true); err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := syncDir(root, path.Dir(key)); err != nil {
		return lake.ObjectInfo{}, err
	}
	info.Key = key
	return info, nil
}

// fill copies r to f until r ends or ctx is done, syncs f to disk and
// closes it. The result has the size and modification time of f.
func fill(ctx context.Context, f *os.File, r io.Reader) (lake.ObjectInfo, error) {
	n, err := io.Copy(f, lake.ContextReader(ctx, r))
	if err == nil {
		err = f.Sync()
	}
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	return lake.ObjectInfo{Size: n, ModTime: fi.ModTime().UTC()}, nil
}

// createTemp makes the folders key needs and creates a temporary file in
// the last of them, returning its name and the file open for writing.
func (b *Bucket) createTemp(root *os.Root, key string) (string, *os.File, error) {
	b.store.dirMu.Lock()
	defer b.store.dirMu.Unlock()
	if err := prepareDir(root, key); err != nil {
		return "", nil, err
	}
	name := tempName(key)
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		removeEmptyDirs(root, path.Dir(key))
		return "", nil, err
	}
	return name, f, nil
}

// commit renames the temporary file tmp to key, replacing an object there
// only if replace is set. If it fails, it removes tmp.
func (b *Bucket) commit(root *os.Root, tmp, key string, replace bool) error {
	b.store.dirMu.Lock()
	defer b.store.dirMu.Unlock()
	var err error
	if !replace {
		err = noObject(root, key)
	}
	if err == nil {
		err = root.Rename(tmp, key)
		if err != nil && isDir(root, key) {
			err = folderConflict(key)
		}
	}
	if err != nil {
		_ = root.Remove(tmp)
		removeEmptyDirs(root, path.Dir(tmp))
	}
	return err
}

// removeTemp removes a temporary file and the folders that were made for
// it, if they are left empty.
func (b *Bucket) removeTemp(root *os.Root, name string) {
	b.store.dirMu.Lock()
	defer b.store.dirMu.Unlock()
	_ = root.Remove(name)
	removeEmptyDirs(root, path.Dir(name))
}

// Delete removes an object and then the folders above it that are left
// empty. Deleting a missing object, or a key that names a folder, is not an
// error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	root, err := b.begin(ctx, "delete", key)
	if err != nil {
		return err
	}
	defer root.Close()
	b.store.dirMu.Lock()
	defer b.store.dirMu.Unlock()
	fi, err := root.Lstat(key)
	switch {
	case isMissing(err):
		return nil
	case err != nil:
		return b.fail("delete", key, err)
	case fi.IsDir():
		return nil
	}
	if err := root.Remove(key); err != nil && !isMissing(err) {
		return b.fail("delete", key, err)
	}
	removeEmptyDirs(root, path.Dir(key))
	return nil
}

// begin validates key, checks ctx and opens the bucket's directory.
func (b *Bucket) begin(ctx context.Context, op, key string) (*os.Root, error) {
	if err := lake.ValidateKey(key); err != nil {
		return nil, b.fail(op, key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, b.fail(op, key, err)
	}
	root, err := b.open()
	if err != nil {
		return nil, b.fail(op, key, err)
	}
	return root, nil
}

// open opens the bucket's directory. The caller closes it.
func (b *Bucket) open() (*os.Root, error) {
	root, err := b.store.root.OpenRoot(b.name)
	if err != nil {
		if isMissing(err) || !b.store.isBucketDir(b.name) {
			return nil, fmt.Errorf("%w; create it first", lake.ErrBucketNotExist)
		}
		return nil, err
	}
	return root, nil
}

// fail adds the operation and the object's location to err.
func (b *Bucket) fail(op, key string, err error) error {
	if errors.Is(err, lake.ErrInvalidKey) {
		return fmt.Errorf("fsbucket: %s in bucket %q: %w", op, b.name, err)
	}
	return fmt.Errorf("fsbucket: %s s3://%s/%s: %w", op, b.name, key, err)
}

// prepareDir makes the folders above key, failing with lake.ErrKeyConflict
// if key or one of its folders is an object. An empty directory at key,
// left by an interrupted write, is removed. The caller holds dirMu.
func prepareDir(root *os.Root, key string) error {
	if isDir(root, key) {
		if root.Remove(key) != nil {
			return folderConflict(key)
		}
	}
	dir := path.Dir(key)
	if dir == "." {
		return nil
	}
	if err := root.MkdirAll(dir, 0o755); err != nil {
		if obj := objectAbove(root, key); obj != "" {
			return fmt.Errorf("%w: %q is an object, so it cannot also be a folder on a local disk; delete it or choose another key",
				lake.ErrKeyConflict, obj)
		}
		return err
	}
	return nil
}

func folderConflict(key string) error {
	return fmt.Errorf("%w: %q is a folder holding objects, so it cannot also be an object on a local disk; choose another key",
		lake.ErrKeyConflict, key+"/")
}

// objectAbove returns the first folder of key that is an object (a file,
// or a symbolic link to one inside the bucket), or "".
func objectAbove(root *os.Root, key string) string {
	for i := range len(key) {
		if key[i] != '/' {
			continue
		}
		fi, err := root.Stat(key[:i])
		switch {
		case err != nil:
			return ""
		case fi.Mode().IsRegular():
			return key[:i]
		case !fi.IsDir():
			return ""
		}
	}
	return ""
}

// removeEmptyDirs removes dir and the directories above it, up to the
// bucket's directory, for as long as they are empty. The caller holds
// dirMu, so that no Put is between making a directory and filling it.
func removeEmptyDirs(root *os.Root, dir string) {
	for ; dir != "." && dir != "/"; dir = path.Dir(dir) {
		// Check first: Remove would also remove a file or a symbolic link.
		if !isDir(root, dir) || root.Remove(dir) != nil {
			return
		}
	}
}

// syncDir flushes a directory's entries to disk, making renames into it
// durable.
func syncDir(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// tempName returns a fresh name for a temporary file next to key.
func tempName(key string) string {
	return path.Join(path.Dir(key), tempPrefix+rand.Text())
}

// isDir reports whether name is a directory, not following a final
// symbolic link.
func isDir(root *os.Root, name string) bool {
	fi, err := root.Lstat(name)
	return err == nil && fi.IsDir()
}

// isMissing reports whether err says a file or one of its directories does
// not exist.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// notExist turns the error of opening key into lake.ErrNotExist if key is
// missing or is a symbolic link that leaves the bucket or leads nowhere.
func notExist(root *os.Root, key string, err error) error {
	if isMissing(err) {
		return lake.ErrNotExist
	}
	if fi, lerr := root.Lstat(key); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%w: it is a symbolic link that leaves the bucket or leads nowhere", lake.ErrNotExist)
	}
	return err
}

// Interface guards.
var (
	_ lake.Bucket      = (*Bucket)(nil)
	_ lake.LocalPather = (*Bucket)(nil)
	_ lake.Publisher   = (*Bucket)(nil)
)
