package query_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// flakyStore is a lake whose buckets fail to publish files while fail is
// set, as a full disk would.
type flakyStore struct {
	lake.Store
	fail *atomic.Bool
}

func (s flakyStore) Bucket(ctx context.Context, name string) (lake.Bucket, error) {
	b, err := s.Store.Bucket(ctx, name)
	if err != nil {
		return nil, err
	}
	return flakyBucket{b, s.fail}, nil
}

type flakyBucket struct {
	lake.Bucket
	fail *atomic.Bool
}

func (b flakyBucket) Publish(ctx context.Context, path, key string) (lake.ObjectInfo, error) {
	if b.fail.Load() {
		return lake.ObjectInfo{}, errors.New("no space left on device")
	}
	return b.Bucket.(lake.Publisher).Publish(ctx, path, key)
}

// TestMoveFailureRetried checks that when the files of a committed write
// cannot be moved, the next statement first finishes moving them, so that
// no statement sees the write half in place.
func TestMoveFailureRetried(t *testing.T) {
	var fail atomic.Bool
	eng := &querytest.FakeEngine{
		WriteFunc: func(ctx context.Context, job *query.Job, spec *query.WriteSpec) (*query.WriteResult, error) {
			if _, err := spec.Target([]query.ResultColumn{{Name: "id", Type: catalog.TypeInt}}); err != nil {
				return nil, err
			}
			p := filepath.Join(spec.Dir, spec.FilePrefix+"_0.json")
			if err := os.WriteFile(p, []byte(`{"id":1}`), 0o644); err != nil {
				return nil, err
			}
			return &query.WriteResult{Rows: 1, Files: []query.WrittenFile{{Path: p, Size: 8, Rows: 1}}}, nil
		},
		QueryFunc: querytest.Rows([]query.ResultColumn{{Name: "one", Type: catalog.TypeInt}}, []any{int64(1)}),
	}
	env := fakeEnv(t, eng, seqIDs, func(o *query.Options) { o.Lake = flakyStore{o.Lake, &fail} })
	ctx := t.Context()
	if _, err := env.Lake.CreateBucket(ctx, "out"); err != nil {
		t.Fatal(err)
	}

	fail.Store(true)
	x := env.Exec(t, "", "CREATE TABLE t WITH (format = 'JSON', external_location = 's3://out/t/') AS SELECT 1 AS id")
	if x.State != query.StateFailed || !strings.Contains(x.StateChangeReason, "HIVE_FILESYSTEM_ERROR: the write is committed but its files could not all be moved") {
		t.Fatalf("CTAS with failing moves: %s: %s", x.State, x.StateChangeReason)
	}
	if pending, err := env.Meta.PendingWrites(ctx); err != nil || len(pending) != 1 {
		t.Fatalf("PendingWrites = %v, %v; want the committed write", pending, err)
	}

	fail.Store(false)
	env.MustExec(t, "", "SELECT 1 AS one")
	if pending, err := env.Meta.PendingWrites(ctx); err != nil || len(pending) != 0 {
		t.Errorf("PendingWrites after the next statement = %v, %v; want none", pending, err)
	}
	if got, err := readObject(t, env.Lake, "s3://out/t/"+x.ID+"_0.json"); err != nil || got != `{"id":1}` {
		t.Errorf("the committed write's file = %q, %v", got, err)
	}
}
