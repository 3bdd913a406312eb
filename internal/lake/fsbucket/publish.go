package fsbucket

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"

	"github.com/weirdata/weir/internal/lake"
)

// Publish moves the local file at src into the bucket under key, the last
// step of a staged write, and creates the folders key needs. It renames the
// file when src is on the same file system as the bucket, and otherwise
// copies it to a temporary file next to key, renames that into place and
// then removes src. Either way the object appears whole, synced to disk,
// with the time of publication as its modification time, and there is no
// moment, even in a crash, when neither src nor the object exists.
//
// Publish never replaces an object: it fails with lake.ErrPublishConflict
// if key exists. (The check and the rename are atomic with respect to the
// store's other writes, not to other processes writing into the root.) On
// error the contents of src are left where they were. ctx is checked before
// the move and while copying.
func (b *Bucket) Publish(ctx context.Context, src, key string) (lake.ObjectInfo, error) {
	root, err := b.begin(ctx, "publish", key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer root.Close()
	info, err := b.publish(ctx, root, src, key)
	if err != nil {
		return lake.ObjectInfo{}, b.fail("publish", key, err)
	}
	return info, nil
}

func (b *Bucket) publish(ctx context.Context, root *os.Root, src, key string) (lake.ObjectInfo, error) {
	src, err := filepath.Abs(src)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if !fi.Mode().IsRegular() {
		return lake.ObjectInfo{}, fmt.Errorf("%s is not a regular file; publish files only", src)
	}
	if fi, err := root.Lstat(key); err == nil && !fi.IsDir() {
		return lake.ObjectInfo{}, publishConflict()
	}
	info, err := seal(src)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	err = b.moveIn(root, src, key)
	if errors.Is(err, syscall.EXDEV) {
		info, err = b.copyIn(ctx, root, src, key)
	}
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := syncDir(root, path.Dir(key)); err != nil {
		return lake.ObjectInfo{}, err
	}
	info.Key = key
	return info, nil
}

// seal stamps the file at path with the current time, syncs it to disk
// and returns its size and modification time.
func seal(path string) (lake.ObjectInfo, error) {
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		return lake.ObjectInfo{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return lake.ObjectInfo{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	return lake.ObjectInfo{Size: fi.Size(), ModTime: fi.ModTime().UTC()}, nil
}

// moveIn makes the folders key needs and renames the file at the absolute
// path src to key, unless key exists. It fails with an error matching
// syscall.EXDEV if src is on another file system.
func (b *Bucket) moveIn(root *os.Root, src, key string) error {
	b.store.dirMu.Lock()
	defer b.store.dirMu.Unlock()
	if err := prepareDir(root, key); err != nil {
		return err
	}
	err := noObject(root, key)
	if err == nil {
		var d *os.File
		d, err = root.Open(path.Dir(key))
		if err == nil {
			err = renameIn(d, src, path.Base(key))
			d.Close()
		}
	}
	if err != nil {
		removeEmptyDirs(root, path.Dir(key))
	}
	return err
}

// copyIn copies the file at src to a temporary file next to key, renames
// it to key unless key exists, and removes src.
func (b *Bucket) copyIn(ctx context.Context, root *os.Root, src, key string) (lake.ObjectInfo, error) {
	in, err := os.Open(src)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer in.Close()
	tmp, f, err := b.createTemp(root, key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	info, err := fill(ctx, f, in)
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = b.commit(root, tmp, key, false)
	} else {
		b.removeTemp(root, tmp)
	}
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	if err := os.Remove(src); err != nil {
		return lake.ObjectInfo{}, fmt.Errorf("the object was published, but removing the copied file failed: %w", err)
	}
	return info, nil
}

// noObject fails with lake.ErrPublishConflict if key exists.
func noObject(root *os.Root, key string) error {
	_, err := root.Lstat(key)
	switch {
	case err == nil:
		return publishConflict()
	case isMissing(err):
		return nil
	}
	return err
}

func publishConflict() error {
	return fmt.Errorf("%w; publish under another key or delete the object first", lake.ErrPublishConflict)
}
