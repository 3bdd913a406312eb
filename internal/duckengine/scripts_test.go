package duckengine

import (
	"context"
	"testing"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/query/querytest"
)

// newTestEngine starts an engine over dirs, closed when the test ends.
func newTestEngine(t *testing.T, dirs querytest.Dirs) query.Engine {
	t.Helper()
	return openTestEngine(t, dirs)
}

// openTestEngine is newTestEngine for tests and benchmarks.
func openTestEngine(t testing.TB, dirs querytest.Dirs) *Engine {
	t.Helper()
	opts := DefaultOptions()
	opts.LakeDir, opts.StagingDir, opts.TempDir = dirs.Lake, dirs.Staging, dirs.Temp
	opts.Threads = 2
	opts.MemoryLimit = "1GB"
	e, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestScripts(t *testing.T) {
	querytest.RunScripts(t, newTestEngine)
}
