package catalogtest_test

import (
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/catalog/catalogtest"
)

func TestMemStore(t *testing.T) {
	catalogtest.RunStore(t, func(t *testing.T) catalog.Store {
		return catalogtest.NewMemStore()
	})
}
