package duckengine

import "github.com/weirdata/weir/internal/statement"

// rewriteUnnest rewrites an UNNEST table function (a TABLE_FUNCTION node
// in a FROM clause) whose Trino meaning DuckDB's UNNEST does not have.
func rewriteUnnest(sql string, n map[string]any, edits *statement.Edits) error {
	return nil
}
