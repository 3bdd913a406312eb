package app

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/workflow"
)

// Objects returns the lake as state machines see it: the object store of
// distributed Maps' ItemReader and ResultWriter.
func (a *App) Objects() workflow.Objects { return lakeObjects{a.Lake} }

// lakeObjects implements workflow.Objects over a lake.Store.
type lakeObjects struct{ store lake.Store }

func (o lakeObjects) bucket(ctx context.Context, name string) (lake.Bucket, error) {
	b, err := o.store.Bucket(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w (create it with weir lake mb s3://%s)", name, err, name)
	}
	return b, nil
}

// Get implements workflow.Objects.
func (o lakeObjects) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	b, err := o.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	return lake.ReadAll(ctx, b, key)
}

// Put implements workflow.Objects; the lake's puts are atomic.
func (o lakeObjects) Put(ctx context.Context, bucket, key string, data []byte) error {
	b, err := o.bucket(ctx, bucket)
	if err != nil {
		return err
	}
	_, err = b.Put(ctx, key, bytes.NewReader(data))
	return err
}

// List implements workflow.Objects. The lake keeps no ETags: each
// object's is a digest of its key, size and modification time, which
// changes when the object does (it is not the MD5 of the contents that
// S3 gives for single-part uploads).
func (o lakeObjects) List(ctx context.Context, bucket, prefix string) ([]workflow.ObjectInfo, error) {
	b, err := o.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	var out []workflow.ObjectInfo
	for info, err := range b.List(ctx, prefix, true) {
		if err != nil {
			return nil, err
		}
		if info.IsPrefix {
			continue
		}
		sum := md5.Sum(fmt.Appendf(nil, "%s\x00%d\x00%d", info.Key, info.Size, info.ModTime.UnixNano()))
		out = append(out, workflow.ObjectInfo{Key: info.Key, Size: info.Size, ETag: fmt.Sprintf("%q", fmt.Sprintf("%x", sum)), LastModified: info.ModTime})
	}
	return out, nil
}
