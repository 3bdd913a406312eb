package app

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/duckengine"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/workflow"
)

// Objects returns the lake as state machines see it: the object store of
// distributed Maps' ItemReader and ResultWriter.
// It reads Parquet objects with the App's engine (workflow.ParquetReader).
func (a *App) Objects() workflow.Objects { return lakeObjects{a.Lake, a.Engine} }

// lakeObjects implements workflow.Objects over a lake.Store, and
// workflow.ParquetReader with the engine (nil in a read-only App).
type lakeObjects struct {
	store  lake.Store
	engine *duckengine.Engine
}

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

// ParquetItems implements workflow.ParquetReader: DuckDB reads the
// object's file in the lake in place.
func (o lakeObjects) ParquetItems(ctx context.Context, bucket, key string, limit int) ([]any, error) {
	if o.engine == nil {
		return nil, errors.New("this weir started without its SQL engine, which reads Parquet")
	}
	b, err := o.bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if _, err := b.Stat(ctx, key); err != nil {
		return nil, err
	}
	lp, ok := b.(lake.LocalPather)
	if !ok {
		return nil, fmt.Errorf("bucket %s does not keep its objects in files DuckDB can read", bucket)
	}
	path, err := lp.LocalPath(key)
	if err != nil {
		return nil, err
	}
	rows, err := o.engine.ParquetRows(ctx, path, limit)
	if err != nil {
		// DuckDB names the file by its path; the user knows it by its URI.
		return nil, errors.New(strings.ReplaceAll(err.Error(), path, "s3://"+bucket+"/"+key))
	}
	items := make([]any, len(rows))
	for i, r := range rows {
		dec := json.NewDecoder(strings.NewReader(r))
		dec.UseNumber()
		if err := dec.Decode(&items[i]); err != nil {
			return nil, fmt.Errorf("row %d could not be given as JSON: %v", i+1, err)
		}
	}
	return items, nil
}

var _ workflow.ParquetReader = lakeObjects{}
