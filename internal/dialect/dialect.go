// Package dialect translates Athena's SQL (Trino's dialect) into the SQL of
// weir's engine (DuckDB), keeping a map from positions in the output back
// to the user's text so that errors point at what the user wrote.
//
// The translation happens in layers. This package holds the token-level
// layer: it lexes the statement in Trino mode (rejecting what Trino's
// lexer rejects, such as `backquoted` identifiers, with Trino's message)
// and rewrites token sequences DuckDB's parser does not accept. Functions
// that DuckDB lacks are supplied by the engine (internal/duckengine) as
// macros and Go functions, and rewrites that need the syntax tree happen
// in the engine's planner. See docs/sql.md for what is translated.
package dialect

import (
	"github.com/weirdata/weir/internal/statement"
)

// Translator translates Trino SQL to DuckDB SQL. The zero value is ready
// to use and safe for concurrent use.
type Translator struct{}

// New returns a Translator.
func New() *Translator { return &Translator{} }

// Translate returns sql in DuckDB's dialect and the map from positions in
// the result back to sql.
func (t *Translator) Translate(sql string) (string, *statement.OffsetMap, error) {
	toks, err := statement.Lex(sql, statement.ModeTrino)
	if err != nil {
		return "", nil, err
	}
	for _, t := range toks {
		if t.Kind == statement.TokenBacktickIdent {
			line, col := statement.LineCol(sql, t.Span.Start)
			return "", nil, &statement.SyntaxError{Offset: t.Span.Start, Line: line, Column: col,
				Msg: "backquoted identifiers are not supported; use double quotes to quote identifiers"}
		}
	}
	return sql, nil, nil
}
