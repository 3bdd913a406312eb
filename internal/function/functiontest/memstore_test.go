package functiontest

import (
	"testing"

	"github.com/weirdata/weir/internal/function"
)

func TestMemStore(t *testing.T) {
	RunStore(t, func(t *testing.T) function.Store { return NewMemStore() })
}
