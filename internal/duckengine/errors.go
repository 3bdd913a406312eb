package duckengine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/query"
)

// duckError is a DuckDB error as errors_as_json reports it.
type duckError struct {
	Type       string `json:"exception_type"`
	Message    string `json:"exception_message"`
	Subtype    string `json:"error_subtype"`
	Position   string `json:"position"`
	Name       string `json:"name"`
	Kind       string `json:"type"`       // for catalog errors: "Table", "Scalar Function", ...
	Candidates string `json:"candidates"` // DuckDB's suggestions, comma-separated
}

// parseDuckError extracts the structured error from a DuckDB error, which
// may carry a prefix such as "Parser Error: " before the JSON.
func parseDuckError(err error) (duckError, bool) {
	var de duckError
	if err == nil {
		return de, false
	}
	msg := err.Error()
	i := strings.IndexByte(msg, '{')
	if i < 0 {
		return de, false
	}
	if json.Unmarshal([]byte(msg[i:]), &de) != nil || de.Type == "" {
		return de, false
	}
	return de, true
}

// plainError turns a DuckDB error into a readable one, for internal use.
func plainError(err error) error {
	if de, ok := parseDuckError(err); ok {
		return fmt.Errorf("%s error: %s", de.Type, de.Message)
	}
	return err
}

// translateError turns a DuckDB error raised while running p's SQL into an
// Athena-style *query.Error positioned in the job's SQL.
func translateError(ctx context.Context, err error, p *plan) error {
	if err == nil {
		return nil
	}
	var qe *query.Error
	if errors.As(err, &qe) {
		return err
	}
	if ctx.Err() != nil {
		return &query.Error{Code: "USER_CANCELLED", Message: "Query cancelled by user", Offset: -1, Err: ctx.Err()}
	}
	de, ok := parseDuckError(err)
	if !ok {
		msg := err.Error()
		if strings.Contains(msg, "INTERRUPT") || strings.Contains(msg, "Interrupted") {
			return &query.Error{Code: "USER_CANCELLED", Message: "Query cancelled by user", Offset: -1, Err: err}
		}
		return &query.Error{Code: "GENERIC_INTERNAL_ERROR", Message: msg, Offset: -1, Err: err}
	}
	msg := de.Message
	if p != nil {
		msg = p.unmaskNames(msg)
	}
	offset := -1
	if de.Position != "" {
		if n, err := strconv.Atoi(de.Position); err == nil && p != nil {
			offset = p.originalOffset(n)
		}
	}
	// Errors weir's Go functions return reach DuckDB through the driver,
	// which prefixes them.
	for _, prefix := range []string{"database/sql/driver: ", "API error: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	// Errors weir raises inside SQL (error('HIVE_BAD_DATA: ...')) carry
	// their own code.
	if code, rest, ok := strings.Cut(msg, ": "); ok && isErrorCode(code) {
		return &query.Error{Code: code, Message: rest, Offset: -1, Err: err}
	}
	code := "GENERIC_INTERNAL_ERROR"
	switch de.Type {
	case "Parser":
		code = "SYNTAX_ERROR"
	case "Binder":
		code = "SYNTAX_ERROR"
		if de.Subtype == "COLUMN_NOT_FOUND" {
			code = "COLUMN_NOT_FOUND"
			msg = columnNotFound(de, msg)
		}
		if m, ok := unsupportedReverse(msg); ok {
			code, msg = "NOT_SUPPORTED", m
		}
	case "Catalog":
		switch {
		case strings.Contains(de.Kind, "Function") || de.Kind == "Macro":
			code = "FUNCTION_NOT_FOUND"
			msg = fmt.Sprintf("Function '%s' not registered", de.Name)
		case de.Kind == "Table":
			code = "TABLE_NOT_FOUND"
			msg = fmt.Sprintf("Table '%s' does not exist", de.Name)
		default:
			code = "SYNTAX_ERROR"
		}
	case "Conversion":
		code = "INVALID_CAST_ARGUMENT"
	case "Out of Range":
		code = "NUMERIC_VALUE_OUT_OF_RANGE"
	case "Invalid Input":
		code = "INVALID_FUNCTION_ARGUMENT"
		if strings.Contains(msg, "Malformed JSON") {
			code = "HIVE_CURSOR_ERROR"
			msg = "Row is not a valid JSON Object: " + msg + ". Fix the file, or set the SerDe property 'ignore.malformed.json'='true' to read malformed lines as NULL rows"
		}
	case "Permission":
		code = "PERMISSION_DENIED"
		msg = "queries may only read lake files through catalog tables (" + msg + ")"
	case "Out of Memory":
		code = "EXCEEDED_LOCAL_MEMORY_LIMIT"
		msg = "Query exhausted resources: " + msg + ". Raise the engine memory limit (engine.memory_limit) or reduce the data the query holds at once"
	case "Interrupt":
		return &query.Error{Code: "USER_CANCELLED", Message: "Query cancelled by user", Offset: -1, Err: err}
	case "Not implemented":
		code = "NOT_SUPPORTED"
	case "IO":
		code = "HIVE_FILESYSTEM_ERROR"
	case "Invalid type", "Mismatch Type":
		code = "TYPE_MISMATCH"
	case "Constraint", "Dependency", "Transaction", "Sequence", "Serialization":
		code = "GENERIC_INTERNAL_ERROR"
	}
	return &query.Error{Code: code, Message: msg, Offset: offset, Err: err}
}

// unsupportedReverse words DuckDB's refusal of reverse() of an array or
// a varbinary, which Trino reverses and weir does not yet: the dialect is
// translated before types are known, and DuckDB's reverse takes strings
// only.
func unsupportedReverse(msg string) (string, bool) {
	const prefix = "No function matches the given name and argument types 'reverse("
	i := strings.Index(msg, prefix)
	if i < 0 {
		return "", false
	}
	arg, _, _ := strings.Cut(msg[i+len(prefix):], ")'")
	switch {
	case strings.HasSuffix(arg, "[]"):
		return "reverse() of an array is not supported yet; write transform(sequence(cardinality(a), 1, -1), i -> a[i])", true
	case arg == "BLOB":
		return "reverse() of a varbinary is not supported yet", true
	}
	return "", false
}

func columnNotFound(de duckError, msg string) string {
	name := de.Name
	if name == "" {
		return msg
	}
	msg = fmt.Sprintf("Column '%s' cannot be resolved", name)
	if c := strings.TrimSpace(de.Candidates); c != "" && !strings.Contains(c, "__") {
		msg += fmt.Sprintf("; did you mean %s?", strings.ReplaceAll(c, "\"", ""))
	}
	return msg
}

// isErrorCode reports whether s looks like an Athena error code.
func isErrorCode(s string) bool {
	if len(s) < 5 || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return strings.Contains(s, "_")
}
