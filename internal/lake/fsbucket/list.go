package fsbucket

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/weirdata/weir/internal/lake"
)

// List yields the objects whose keys start with prefix, in byte order of
// their keys, as S3 does. The prefix is a string prefix: "2020/05/1" selects
// "2020/05/12/x". Unless recursive, keys are grouped at the next "/" after
// the prefix, and each group with at least one object is yielded once as a
// folder with IsPrefix set.
//
// List streams: it holds the sorted entries of one directory per level of
// the walk, never the whole bucket. Objects written or deleted during a
// listing may or may not be yielded. Files that are not objects (temporary
// files, names that are not valid keys, symbolic links that leave the bucket
// or lead to directories) are skipped. After an error, or once ctx is done,
// List yields the error and stops.
func (b *Bucket) List(ctx context.Context, prefix string, recursive bool) iter.Seq2[lake.ObjectInfo, error] {
	return func(yield func(lake.ObjectInfo, error) bool) {
		if err := lake.ValidatePrefix(prefix); err != nil {
			yield(lake.ObjectInfo{}, b.fail("list", prefix, err))
			return
		}
		if err := ctx.Err(); err != nil {
			yield(lake.ObjectInfo{}, b.fail("list", prefix, err))
			return
		}
		root, err := b.open()
		if err != nil {
			yield(lake.ObjectInfo{}, b.fail("list", prefix, err))
			return
		}
		defer root.Close()
		l := &lister{ctx: ctx, root: root, recursive: recursive, yield: yield}
		// Start in the folder the prefix names; the rest of the prefix
		// selects names in it.
		i := strings.LastIndexByte(prefix, '/')
		dirKey, namePrefix := prefix[:i+1], prefix[i+1:]
		dir := "."
		if dirKey != "" {
			dir = strings.TrimSuffix(dirKey, "/")
		}
		if err := l.walk(dir, dirKey, namePrefix); err != nil && !errors.Is(err, errStop) {
			yield(lake.ObjectInfo{}, b.fail("list", prefix, err))
		}
	}
}

// errStop ends a walk when the consumer stops iterating.
var errStop = errors.New("listing stopped")

type lister struct {
	ctx       context.Context
	root      *os.Root
	recursive bool
	yield     func(lake.ObjectInfo, error) bool
}

// walk yields the objects in directory dir, whose key prefix is dirKey,
// with names starting with namePrefix.
func (l *lister) walk(dir, dirKey, namePrefix string) error {
	entries, err := readSorted(l.root, dir, dirKey, namePrefix)
	if isMissing(err) {
		return nil // the folder does not exist, or vanished during the walk
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		switch {
		case !e.info.IsPrefix:
			if !l.yield(e.info, nil) {
				return errStop
			}
		case l.recursive:
			if err := l.walk(e.path, e.info.Key, ""); err != nil {
				return err
			}
		default:
			has, err := hasObject(l.ctx, l.root, e.path, e.info.Key)
			if err != nil {
				return err
			}
			if has && !l.yield(e.info, nil) {
				return errStop
			}
		}
	}
	return nil
}

// entry is an object or a folder found in a directory.
type entry struct {
	path string          // relative to the bucket's directory
	info lake.ObjectInfo // a folder's Key ends in "/"
}

// readSorted returns the objects and folders in directory dir whose names
// start with namePrefix, sorted by key. Giving folders keys ending in "/"
// sorts them where S3 sorts the keys inside them: "a-c" < "a/b" < "a0".
func readSorted(root *os.Root, dir, dirKey, namePrefix string) ([]entry, error) {
	f, err := root.Open(dir)
	if err != nil {
		return nil, err
	}
	des, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	var entries []entry
	for _, de := range des {
		if !strings.HasPrefix(de.Name(), namePrefix) {
			continue
		}
		e, ok, err := classify(root, path.Join(dir, de.Name()), dirKey+de.Name(), de.Type())
		if err != nil {
			return nil, err
		}
		if ok {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.info.Key, b.info.Key) })
	return entries, nil
}

// classify decides whether the directory entry p of type typ, whose key
// would be key, is an object, a folder, or neither (ok is false).
func classify(root *os.Root, p, key string, typ fs.FileMode) (e entry, ok bool, err error) {
	switch {
	case typ.IsDir():
		if lake.ValidatePrefix(key+"/") != nil {
			return entry{}, false, nil
		}
		return entry{path: p, info: lake.ObjectInfo{Key: key + "/", IsPrefix: true}}, true, nil
	case typ.IsRegular(), typ&fs.ModeSymlink != 0:
		// Invalid keys include temporary files: ".weir-" is reserved.
		if lake.ValidateKey(key) != nil {
			return entry{}, false, nil
		}
		var fi fs.FileInfo
		if typ.IsRegular() {
			fi, err = root.Lstat(p)
		} else {
			fi, err = root.Stat(p) // follows the link only inside the bucket
		}
		if err != nil {
			if isMissing(err) || typ&fs.ModeSymlink != 0 {
				return entry{}, false, nil
			}
			return entry{}, false, err
		}
		if !fi.Mode().IsRegular() {
			return entry{}, false, nil
		}
		return entry{path: p, info: lake.ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime().UTC()}}, true, nil
	}
	return entry{}, false, nil // devices, sockets, named pipes
}

// hasObject reports whether directory dir, whose key prefix is dirKey,
// holds an object at any depth. It stops at the first one it finds.
func hasObject(ctx context.Context, root *os.Root, dir, dirKey string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	f, err := root.Open(dir)
	if isMissing(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	for {
		des, err := f.ReadDir(256)
		for _, de := range des {
			e, ok, cerr := classify(root, path.Join(dir, de.Name()), dirKey+de.Name(), de.Type())
			if cerr != nil {
				return false, cerr
			}
			if !ok {
				continue
			}
			if !e.info.IsPrefix {
				return true, nil
			}
			if has, err := hasObject(ctx, root, e.path, e.info.Key); has || err != nil {
				return has, err
			}
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}
