// Package lake is weir's object store: buckets of objects addressed by
// s3://bucket/key URIs, as in Amazon S3.
//
// The package defines the Store and Bucket interfaces, URI parsing and the
// validation of bucket names and keys. Implementations live in
// sub-packages named for how they store objects: lake/fsbucket keeps each
// bucket as a directory on the local disk. lake/laketest holds the
// conformance suite every implementation passes and an in-memory fake.
package lake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// Errors returned by stores and buckets. They carry an errs.Kind.
var (
	ErrNotExist        = errs.E("", errs.NotFound, errors.New("object does not exist"))
	ErrBucketNotExist  = errs.E("", errs.NotFound, errors.New("bucket does not exist"))
	ErrBucketExists    = errs.E("", errs.Exists, errors.New("bucket already exists"))
	ErrBucketNotEmpty  = errs.E("", errs.Conflict, errors.New("bucket is not empty"))
	ErrInvalidKey      = errs.E("", errs.Invalid, errors.New("invalid object key"))
	ErrInvalidBucket   = errs.E("", errs.Invalid, errors.New("invalid bucket name"))
	ErrInvalidURI      = errs.E("", errs.Invalid, errors.New("invalid lake URI"))
	ErrKeyConflict     = errs.E("", errs.Conflict, errors.New("key conflicts with an existing object"))
	ErrNotLocal        = errs.E("", errs.Invalid, errors.New("bucket does not keep objects as local files"))
	ErrPublishConflict = errs.E("", errs.Exists, errors.New("publish target already exists"))
)

// ObjectInfo describes an object, or a common prefix in a non-recursive
// listing.
type ObjectInfo struct {
	Key      string
	Size     int64
	ModTime  time.Time
	IsPrefix bool // a "directory": Key ends in "/" and Size is 0
}

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name       string
	CreateTime time.Time
}

// Store is a set of buckets.
type Store interface {
	// Bucket returns the named bucket, or ErrBucketNotExist.
	Bucket(ctx context.Context, name string) (Bucket, error)
	// CreateBucket creates a bucket, or fails with ErrBucketExists.
	CreateBucket(ctx context.Context, name string) (Bucket, error)
	// ListBuckets returns all buckets sorted by name.
	ListBuckets(ctx context.Context) ([]BucketInfo, error)
	// DeleteBucket removes an empty bucket.
	DeleteBucket(ctx context.Context, name string) error
}

// Bucket holds objects under keys. Keys use "/" as the folder separator and
// are validated with ValidateKey. All methods are safe for concurrent use.
type Bucket interface {
	// Name returns the bucket's name.
	Name() string
	// Stat returns an object's size and modification time.
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// Get opens an object for reading.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Put stores r under key, replacing any object there. Readers see
	// either the old object or the whole new one, never a partial write.
	Put(ctx context.Context, key string, r io.Reader) (ObjectInfo, error)
	// Delete removes an object. Deleting a missing object is not an error,
	// as in S3.
	Delete(ctx context.Context, key string) error
	// List yields the objects whose keys start with prefix, in
	// lexicographic key order. Unless recursive, keys are grouped at the
	// next "/" after the prefix and each group is yielded once as an
	// ObjectInfo with IsPrefix set, as S3 does with Delimiter "/".
	List(ctx context.Context, prefix string, recursive bool) iter.Seq2[ObjectInfo, error]
}

// LocalPather is implemented by buckets whose objects are files on the
// local disk, so that an engine can read them in place.
type LocalPather interface {
	// LocalPath returns the file holding key (which need not exist yet).
	LocalPath(key string) (string, error)
}

// Publisher is implemented by buckets that can take ownership of a local
// file atomically, the last step of weir's staged writes.
type Publisher interface {
	// Publish moves the local file at path to key. It fails with
	// ErrPublishConflict if key exists, and leaves path untouched on error.
	Publish(ctx context.Context, path, key string) (ObjectInfo, error)
}

// Publish moves a local file into b under key: atomically with a rename if
// b is a Publisher, otherwise by copying it with Put and removing it.
func Publish(ctx context.Context, b Bucket, path, key string) (ObjectInfo, error) {
	if p, ok := b.(Publisher); ok {
		return p.Publish(ctx, path, key)
	}
	if _, err := b.Stat(ctx, key); err == nil {
		return ObjectInfo{}, errs.E("lake.Publish", errs.Exists,
			fmt.Errorf("%w: s3://%s/%s; publish under another key or delete the object first", ErrPublishConflict, b.Name(), key))
	}
	f, err := os.Open(path)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer f.Close()
	info, err := b.Put(ctx, key, f)
	if err != nil {
		return ObjectInfo{}, err
	}
	return info, os.Remove(path)
}

// ContextReader returns a reader of r that fails with ctx's error once ctx
// is done, so that long copies can be cancelled.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ReadAll returns the contents of an object.
func ReadAll(ctx context.Context, b Bucket, key string) ([]byte, error) {
	r, err := b.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
