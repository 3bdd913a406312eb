package laketest_test

import (
	"testing"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/laketest"
)

func TestMemStore(t *testing.T) {
	laketest.Run(t, func(t *testing.T) lake.Store { return laketest.NewMemStore() })
}

func TestMemBucketIsNotLocal(t *testing.T) {
	s := laketest.NewMemStore()
	b, err := s.CreateBucket(t.Context(), "data")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.(lake.LocalPather); ok {
		t.Error("MemStore buckets implement lake.LocalPather")
	}
	if _, ok := b.(lake.Publisher); ok {
		t.Error("MemStore buckets implement lake.Publisher, so lake.Publish's copying path goes untested")
	}
}
