package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDuckDBFence checks that only the engine package (and the packages
// that wire it: app, cli and the command) link DuckDB, so that everything
// else builds without cgo and tests in seconds. depguard cannot see
// transitive imports; this can.
func TestDuckDBFence(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "github.com/weirdata/weir/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := []string{"/internal/duckengine", "/internal/app", "/internal/cli", "/cmd/weir", "/bench"}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, " ")
		ok := false
		for _, a := range allowed {
			if strings.HasSuffix(pkg, a) || strings.Contains(pkg, a+"/") {
				ok = true
			}
		}
		if ok {
			continue
		}
		checked++
		for _, d := range strings.Fields(deps) {
			if strings.HasPrefix(d, "github.com/duckdb/duckdb-go") {
				t.Errorf("%s depends on %s; only internal/duckengine may link DuckDB (depend on query.Engine instead)", pkg, d)
				break
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d packages checked; is go list working?", checked)
	}
}
