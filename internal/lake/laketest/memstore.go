package laketest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/weirdata/weir/internal/lake"
)

// MemStore is an in-memory lake.Store for tests. It follows the contract
// of fsbucket, the default store, including lake.ErrKeyConflict when a key
// would be both an object and a folder, so code tested against it behaves
// the same on disk. Its buckets do not implement lake.LocalPather or
// lake.Publisher, so lake.Publish copies into them. The zero value is not
// usable; call NewMemStore.
type MemStore struct {
	mu      sync.Mutex
	buckets map[string]*memBucketData
}

type memBucketData struct {
	created time.Time
	objects map[string]memObject
}

type memObject struct {
	data    []byte // never modified once stored
	modTime time.Time
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{buckets: make(map[string]*memBucketData)}
}

// Bucket returns the named bucket, or fails with lake.ErrBucketNotExist.
func (s *MemStore) Bucket(ctx context.Context, name string) (lake.Bucket, error) {
	if err := lake.ValidateBucketName(name); err != nil {
		return nil, fmt.Errorf("memstore: open bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: open bucket %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[name] == nil {
		return nil, fmt.Errorf("memstore: open bucket %q: %w", name, lake.ErrBucketNotExist)
	}
	return &memBucket{store: s, name: name}, nil
}

// CreateBucket creates a bucket, or fails with lake.ErrBucketExists.
func (s *MemStore) CreateBucket(ctx context.Context, name string) (lake.Bucket, error) {
	if err := lake.ValidateBucketName(name); err != nil {
		return nil, fmt.Errorf("memstore: create bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: create bucket %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[name] != nil {
		return nil, fmt.Errorf("memstore: create bucket %q: %w", name, lake.ErrBucketExists)
	}
	s.buckets[name] = &memBucketData{created: time.Now().UTC(), objects: make(map[string]memObject)}
	return &memBucket{store: s, name: name}, nil
}

// ListBuckets returns all buckets sorted by name.
func (s *MemStore) ListBuckets(ctx context.Context) ([]lake.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: list buckets: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var infos []lake.BucketInfo
	for name, b := range s.buckets {
		infos = append(infos, lake.BucketInfo{Name: name, CreateTime: b.created})
	}
	slices.SortFunc(infos, func(a, b lake.BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	return infos, nil
}

// DeleteBucket removes an empty bucket, or fails with
// lake.ErrBucketNotEmpty.
func (s *MemStore) DeleteBucket(ctx context.Context, name string) error {
	if err := lake.ValidateBucketName(name); err != nil {
		return fmt.Errorf("memstore: delete bucket: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete bucket %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[name]
	switch {
	case b == nil:
		return fmt.Errorf("memstore: delete bucket %q: %w", name, lake.ErrBucketNotExist)
	case len(b.objects) > 0:
		return fmt.Errorf("memstore: delete bucket %q: %w; delete its objects first", name, lake.ErrBucketNotEmpty)
	}
	delete(s.buckets, name)
	return nil
}

// memBucket is a handle on a MemStore bucket, found by name on every call
// so that it fails once the bucket is deleted.
type memBucket struct {
	store *MemStore
	name  string
}

func (b *memBucket) Name() string { return b.name }

// check validates key and checks ctx.
func (b *memBucket) check(ctx context.Context, op, key string) error {
	if err := lake.ValidateKey(key); err != nil {
		return fmt.Errorf("memstore: %s in bucket %q: %w", op, b.name, err)
	}
	if err := ctx.Err(); err != nil {
		return b.fail(op, key, err)
	}
	return nil
}

// begin runs check, then locks the store and returns the bucket's data. On
// success the caller unlocks b.store.mu.
func (b *memBucket) begin(ctx context.Context, op, key string) (*memBucketData, error) {
	if err := b.check(ctx, op, key); err != nil {
		return nil, err
	}
	b.store.mu.Lock()
	data := b.store.buckets[b.name]
	if data == nil {
		b.store.mu.Unlock()
		return nil, b.fail(op, key, lake.ErrBucketNotExist)
	}
	return data, nil
}

func (b *memBucket) fail(op, key string, err error) error {
	return fmt.Errorf("memstore: %s s3://%s/%s: %w", op, b.name, key, err)
}

func (b *memBucket) Stat(ctx context.Context, key string) (lake.ObjectInfo, error) {
	data, err := b.begin(ctx, "stat", key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer b.store.mu.Unlock()
	obj, ok := data.objects[key]
	if !ok {
		return lake.ObjectInfo{}, b.fail("stat", key, lake.ErrNotExist)
	}
	return obj.info(key), nil
}

func (b *memBucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	data, err := b.begin(ctx, "get", key)
	if err != nil {
		return nil, err
	}
	defer b.store.mu.Unlock()
	obj, ok := data.objects[key]
	if !ok {
		return nil, b.fail("get", key, lake.ErrNotExist)
	}
	return io.NopCloser(bytes.NewReader(obj.data)), nil
}

func (b *memBucket) Put(ctx context.Context, key string, r io.Reader) (lake.ObjectInfo, error) {
	if err := b.check(ctx, "put", key); err != nil {
		return lake.ObjectInfo{}, err
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, lake.ContextReader(ctx, r)); err != nil {
		return lake.ObjectInfo{}, b.fail("put", key, err)
	}
	data, err := b.begin(ctx, "put", key)
	if err != nil {
		return lake.ObjectInfo{}, err
	}
	defer b.store.mu.Unlock()
	if err := data.conflict(key); err != nil {
		return lake.ObjectInfo{}, b.fail("put", key, err)
	}
	obj := memObject{data: buf.Bytes(), modTime: time.Now().UTC()}
	data.objects[key] = obj
	return obj.info(key), nil
}

// conflict reports whether key cannot be stored because a folder of key is
// an object, or key is a folder holding objects, as on a local disk.
func (d *memBucketData) conflict(key string) error {
	for i := range len(key) {
		if key[i] == '/' {
			if _, ok := d.objects[key[:i]]; ok {
				return fmt.Errorf("%w: %q is an object, so it cannot also be a folder on a local disk; delete it or choose another key",
					lake.ErrKeyConflict, key[:i])
			}
		}
	}
	for k := range d.objects {
		if strings.HasPrefix(k, key+"/") {
			return fmt.Errorf("%w: %q is a folder holding objects, so it cannot also be an object on a local disk; choose another key",
				lake.ErrKeyConflict, key+"/")
		}
	}
	return nil
}

func (b *memBucket) Delete(ctx context.Context, key string) error {
	data, err := b.begin(ctx, "delete", key)
	if err != nil {
		return err
	}
	defer b.store.mu.Unlock()
	delete(data.objects, key)
	return nil
}

func (b *memBucket) List(ctx context.Context, prefix string, recursive bool) iter.Seq2[lake.ObjectInfo, error] {
	return func(yield func(lake.ObjectInfo, error) bool) {
		if err := lake.ValidatePrefix(prefix); err != nil {
			yield(lake.ObjectInfo{}, fmt.Errorf("memstore: list in bucket %q: %w", b.name, err))
			return
		}
		infos, err := b.snapshot(ctx, prefix, recursive)
		if err != nil {
			yield(lake.ObjectInfo{}, err)
			return
		}
		for _, info := range infos {
			if err := ctx.Err(); err != nil {
				yield(lake.ObjectInfo{}, b.fail("list", prefix, err))
				return
			}
			if !yield(info, nil) {
				return
			}
		}
	}
}

// snapshot returns what List yields, sorted by key.
func (b *memBucket) snapshot(ctx context.Context, prefix string, recursive bool) ([]lake.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, b.fail("list", prefix, err)
	}
	b.store.mu.Lock()
	defer b.store.mu.Unlock()
	data := b.store.buckets[b.name]
	if data == nil {
		return nil, b.fail("list", prefix, lake.ErrBucketNotExist)
	}
	var infos []lake.ObjectInfo
	for key, obj := range data.objects {
		if strings.HasPrefix(key, prefix) {
			infos = append(infos, obj.info(key))
		}
	}
	slices.SortFunc(infos, func(a, b lake.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	if recursive {
		return infos, nil
	}
	// Keys sharing a folder are adjacent once sorted: keep one entry each.
	grouped := infos[:0]
	for _, info := range infos {
		if i := strings.IndexByte(info.Key[len(prefix):], '/'); i >= 0 {
			folder := info.Key[:len(prefix)+i+1]
			if n := len(grouped); n > 0 && grouped[n-1].Key == folder {
				continue
			}
			info = lake.ObjectInfo{Key: folder, IsPrefix: true}
		}
		grouped = append(grouped, info)
	}
	return grouped, nil
}

func (o memObject) info(key string) lake.ObjectInfo {
	return lake.ObjectInfo{Key: key, Size: int64(len(o.data)), ModTime: o.modTime}
}

// Interface guards.
var (
	_ lake.Store  = (*MemStore)(nil)
	_ lake.Bucket = (*memBucket)(nil)
)
