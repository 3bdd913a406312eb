package cli

import (
	"context"
	"errors"
	"io"
	"iter"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// lake returns the lake the lake verbs use: the data directory's, in
// this process (taking the lock when write), or, while a weir serve
// holds the directory or --endpoint names one, the server's through its
// API; and a function that releases it.
func (e *env) lake(ctx context.Context, verb string, write bool) (lake.Store, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		return remoteLake{c}, func() {}, nil
	}
	if write {
		a, err := e.openLake(ctx, "weir lake "+verb)
		if err != nil {
			return nil, nil, err
		}
		return a.Lake, func() { a.Close() }, nil
	}
	a, err := e.openReadOnly(ctx)
	if err != nil {
		return nil, nil, err
	}
	return a.Lake, func() { a.Close() }, nil
}

// remoteLake is a weir serve's lake.
type remoteLake struct{ c *apiclient.Client }

var (
	_ lake.Store  = remoteLake{}
	_ lake.Bucket = remoteBucket{}
)

// lakeError gives an API error the lake sentinel of its kind, so that
// the verbs treat both transports alike.
func lakeError(err error, notFound error) error {
	switch {
	case err == nil:
		return nil
	case errs.KindOf(err) == errs.NotFound && notFound != nil:
		return errors.Join(notFound, err)
	case errs.KindOf(err) == errs.Exists:
		return errors.Join(lake.ErrBucketExists, err)
	case errs.KindOf(err) == errs.Conflict:
		return errors.Join(lake.ErrBucketNotEmpty, err)
	}
	return err
}

func (r remoteLake) Bucket(ctx context.Context, name string) (lake.Bucket, error) {
	buckets, err := r.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range buckets {
		if b.Name == name {
			return remoteBucket{c: r.c, name: name}, nil
		}
	}
	return nil, lake.ErrBucketNotExist
}

func (r remoteLake) CreateBucket(ctx context.Context, name string) (lake.Bucket, error) {
	if err := r.c.CreateBucket(ctx, name); err != nil {
		return nil, lakeError(err, nil)
	}
	return remoteBucket{c: r.c, name: name}, nil
}

func (r remoteLake) ListBuckets(ctx context.Context) ([]lake.BucketInfo, error) {
	bs, err := r.c.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]lake.BucketInfo, 0, len(bs))
	for _, b := range bs {
		out = append(out, lake.BucketInfo{Name: b.Name, CreateTime: b.CreationDate})
	}
	return out, nil
}

func (r remoteLake) DeleteBucket(ctx context.Context, name string) error {
	return lakeError(r.c.DeleteBucket(ctx, name), lake.ErrBucketNotExist)
}

// remoteBucket is a bucket of a weir serve's lake.
type remoteBucket struct {
	c    *apiclient.Client
	name string
}

func (b remoteBucket) Name() string { return b.name }

func (b remoteBucket) Stat(ctx context.Context, key string) (lake.ObjectInfo, error) {
	for obj, err := range b.List(ctx, key, true) {
		if err != nil {
			return lake.ObjectInfo{}, err
		}
		if obj.Key == key {
			return obj, nil
		}
		if obj.Key > key {
			break
		}
	}
	return lake.ObjectInfo{}, lake.ErrNotExist
}

func (b remoteBucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := b.c.GetObject(ctx, b.name, key)
	return r, lakeError(err, lake.ErrNotExist)
}

func (b remoteBucket) Put(ctx context.Context, key string, r io.Reader) (lake.ObjectInfo, error) {
	o, err := b.c.PutObject(ctx, b.name, key, r)
	if err != nil {
		return lake.ObjectInfo{}, lakeError(err, lake.ErrBucketNotExist)
	}
	return lake.ObjectInfo{Key: o.Key, Size: o.Size, ModTime: o.LastModified}, nil
}

func (b remoteBucket) Delete(ctx context.Context, key string) error {
	return lakeError(b.c.DeleteObject(ctx, b.name, key), lake.ErrBucketNotExist)
}

// List pages through the server's listing; common prefixes come as
// IsPrefix objects, in key order with the objects, as a bucket's do.
func (b remoteBucket) List(ctx context.Context, prefix string, recursive bool) iter.Seq2[lake.ObjectInfo, error] {
	return func(yield func(lake.ObjectInfo, error) bool) {
		p := apiclient.Page{}
		for {
			page, err := b.c.ListObjects(ctx, b.name, prefix, recursive, p)
			if err != nil {
				yield(lake.ObjectInfo{}, lakeError(err, lake.ErrBucketNotExist))
				return
			}
			objs, pres := page.Objects, page.CommonPrefixes
			for len(objs) > 0 || len(pres) > 0 {
				var info lake.ObjectInfo
				if len(pres) > 0 && (len(objs) == 0 || pres[0] < objs[0].Key) {
					info, pres = lake.ObjectInfo{Key: pres[0], IsPrefix: true}, pres[1:]
				} else {
					info, objs = lake.ObjectInfo{Key: objs[0].Key, Size: objs[0].Size, ModTime: objs[0].LastModified}, objs[1:]
				}
				if !yield(info, nil) {
					return
				}
			}
			if page.NextToken == "" {
				return
			}
			p.NextToken = page.NextToken
		}
	}
}
