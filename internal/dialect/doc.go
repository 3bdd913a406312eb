// Package dialect translates Athena's SQL (Trino's dialect) into the SQL of
// weir's engine (DuckDB), keeping a map from positions in the output back
// to the user's text so that errors point at what the user wrote.
//
// The translation happens in layers. This package holds the token-level
// layer: Translate lexes the query once in Trino mode (rejecting what
// Trino's lexer rejects, such as `backquoted` identifiers, with Trino's
// message) and runs a pipeline of passes over the tokens. Each pass looks
// for one kind of construct and records small, local edits — replacing or
// inserting around the tokens that change, never rewriting the statement —
// in one statement.Edits, whose offset map takes engine errors back to the
// user's text. The passes:
//
//   - refuse constructs DuckDB cannot run with Trino's meaning
//     (MATCH_RECOGNIZE, inline functions, JSON_TABLE, time travel, prepared
//     statements, ...) with a NOT_SUPPORTED *query.Error (unsupported.go);
//   - spell literals DuckDB lacks or reads differently: X'..' binary
//     strings, U&'..' Unicode strings, timestamp literals with a time zone,
//     and intervals with a TO qualifier (literals.go);
//   - spell types inside CAST and TRY_CAST for DuckDB: ARRAY(T) as T[],
//     ROW as STRUCT, varbinary as BLOB, timestamp(p) with time zone as
//     TIMESTAMPTZ, ... (types.go);
//   - parenthesise VALUES rows, complete two-argument IF and make
//     TABLESAMPLE's number a percentage (syntax.go).
//
// Functions that DuckDB lacks are supplied by the engine
// (internal/duckengine) as macros and Go functions, and rewrites that need
// the syntax tree happen in the engine's planner. See docs/sql.md for what
// is translated.
package dialect
