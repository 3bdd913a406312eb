package metastore

import (
	"testing"

	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/function/functiontest"
)

func TestFunctionStore(t *testing.T) {
	functiontest.RunStore(t, func(t *testing.T) function.Store { return openTest(t) })
}
