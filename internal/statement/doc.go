// Package statement is weir's SQL front end: it lexes, splits and routes
// Athena SQL, parses Hive DDL into an AST, and finds the parts of Trino
// statements (queries, INSERT INTO, CREATE TABLE AS, UNLOAD, EXPLAIN) that
// the translator rewrites. It is pure Go and does no I/O.
//
// Athena sends each statement to one of two engines, and so does this
// package. Hive DDL (CREATE EXTERNAL TABLE, CREATE DATABASE, ALTER TABLE,
// DROP, SHOW, DESCRIBE, MSCK REPAIR TABLE) is lexed in ModeHive, where both
// '...' and "..." are strings with backslash escapes and names are
// `backquoted`, and is parsed completely. Queries and writes are lexed in
// ModeTrino, where "..." quotes names; only their heads are parsed, and
// the query text is returned as a Span for the translator. Statements that
// Athena does not accept, or that weir does not run yet (views, DELETE,
// DuckDB's COPY or PRAGMA, ...), parse to *Unsupported with a reason that
// says what to do instead.
//
// Entry points:
//
//   - Split cuts a script into statements at top-level semicolons.
//   - Parse parses one statement into a Statement.
//   - Lex exposes the tokenizer, LineCol converts offsets to positions.
//   - Edits and OffsetMap rewrite statement text and map error positions
//     in the rewritten text back to the user's text.
//   - Dump renders a Statement for tests.
//
// All errors about the text are *SyntaxError, whose message reads like
// Trino's: "line 1:23: expected TABLE after CREATE EXTERNAL, found "TABEL"".
package statement
