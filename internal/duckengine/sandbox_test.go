package duckengine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/query/querytest"
)

// TestSandbox checks DuckDB's own guard, underneath the statement router
// and the planner: even SQL that reached the engine directly could not
// read or write outside the lake, load extensions or change settings.
func TestSandbox(t *testing.T) {
	dirs := tempDirs(t)
	root := filepath.Dir(dirs.Lake)
	outside := filepath.Join(root, "secret.csv")
	if err := os.WriteFile(outside, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(dirs.Lake, "ok.csv")
	if err := os.WriteFile(inside, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, dirs).(*Engine)
	ctx := context.Background()
	s, err := e.session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	refused := []struct{ sql, want string }{
		{"SELECT * FROM read_csv('" + outside + "')", "Permission"},
		{"SELECT * FROM read_csv('" + filepath.Join(dirs.Lake, "..", "secret.csv") + "')", "Permission"},
		{"COPY (SELECT 1) TO '" + filepath.Join(root, "out.csv") + "'", "Permission"},
		{"ATTACH '" + filepath.Join(root, "x.db") + "' AS x", "Permission"},
		{"INSTALL httpfs", "Permission"},
		{"LOAD httpfs", "disabled"},
		{"SET threads = 1", "locked"},
		{"SET enable_external_access = true", "locked"},
		{"SET allowed_directories = ['/']", "locked"},
	}
	for _, tt := range refused {
		_, err := s.conn.ExecContext(ctx, tt.sql)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.sql, err, tt.want)
		}
	}
	var n int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM read_csv('"+inside+"')").Scan(&n); err != nil || n != 1 {
		t.Errorf("reading a lake file: %d rows, %v", n, err)
	}
}

// tempDirs makes an engine's lake, staging and temp directories under a
// test's temporary directory.
func tempDirs(t testing.TB) querytest.Dirs {
	t.Helper()
	root := t.TempDir()
	dirs := querytest.Dirs{Lake: filepath.Join(root, "lake"), Staging: filepath.Join(root, "staging"), Temp: filepath.Join(root, "tmp")}
	for _, d := range []string{dirs.Lake, dirs.Staging, dirs.Temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dirs
}
