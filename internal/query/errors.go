package query

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/errs"
)

// Error is a failed statement as Athena reports it: a Trino-style error
// code that users match on, a message, and where in the statement the
// problem is.
type Error struct {
	Code    string // e.g. "SYNTAX_ERROR", "TABLE_NOT_FOUND", "HIVE_BAD_DATA"
	Message string // what went wrong and what to do, without the code
	// Offset is the byte offset of the problem in the text the error was
	// raised against, or -1. Line and Column (1-based) are filled in once
	// the offset is mapped back to the user's statement.
	Offset       int
	Line, Column int
	Err          error // the underlying cause, if any
}

// Errorf returns an *Error with the given code, no position and a
// formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Offset: -1}
}

// ErrorAt returns an *Error positioned at offset.
func ErrorAt(code string, offset int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Offset: offset}
}

// Error returns "CODE: line L:C: message", the form Athena puts in
// StateChangeReason.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	b.WriteString(": ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d:%d: ", e.Line, e.Column)
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the errs.Kind of e's code, so errors.Is(err, errs.NotFound)
// holds for TABLE_NOT_FOUND.
func (e *Error) Is(target error) bool {
	k, ok := target.(errs.Kind)
	return ok && k != errs.Other && k == errorCodes[e.Code].kind
}

// AthenaError is the error detail of a failed execution (Athena's
// AthenaError structure).
type AthenaError struct {
	ErrorCategory int    `json:"ErrorCategory"` // 1 system, 2 user, 3 other
	ErrorType     int    `json:"ErrorType"`     // Athena's error type number
	Retryable     bool   `json:"Retryable"`     // whether resubmitting might succeed
	ErrorMessage  string `json:"ErrorMessage"`  // the full message
}

// The error categories.
const (
	CategorySystem = 1
	CategoryUser   = 2
	CategoryOther  = 3
)

type codeInfo struct {
	category  int
	errorType int
	kind      errs.Kind
	retryable bool
}

// errorCodes maps each error code weir raises to Athena's category and
// type numbers (see docs/queries.md for the list) and to an errs.Kind.
var errorCodes = map[string]codeInfo{
	"SYNTAX_ERROR":                  {CategoryUser, 1006, errs.Invalid, false},
	"COLUMN_NOT_FOUND":              {CategoryUser, 1006, errs.Invalid, false},
	"AMBIGUOUS_NAME":                {CategoryUser, 1006, errs.Invalid, false},
	"TYPE_MISMATCH":                 {CategoryUser, 1006, errs.Invalid, false},
	"MISSING_GROUP_BY":              {CategoryUser, 1006, errs.Invalid, false},
	"INVALID_TABLE_PROPERTY":        {CategoryUser, 1006, errs.Invalid, false},
	"INVALID_PARTITION_VALUE":       {CategoryUser, 1006, errs.Invalid, false},
	"NOT_SUPPORTED":                 {CategoryUser, 1006, errs.Invalid, false},
	"INVALID_PARAMETER_USAGE":       {CategoryUser, 1006, errs.Invalid, false},
	"MISSING_COLUMN_NAME":           {CategoryUser, 1006, errs.Invalid, false},
	"INVALID_LITERAL":               {CategoryUser, 1006, errs.Invalid, false},
	"TABLE_NOT_FOUND":               {CategoryUser, 1110, errs.NotFound, false},
	"SCHEMA_NOT_FOUND":              {CategoryUser, 1110, errs.NotFound, false},
	"CATALOG_NOT_FOUND":             {CategoryUser, 1110, errs.NotFound, false},
	"PARTITION_NOT_FOUND":           {CategoryUser, 1110, errs.NotFound, false},
	"FUNCTION_NOT_FOUND":            {CategoryUser, 1303, errs.Invalid, false},
	"ALREADY_EXISTS":                {CategoryUser, 1000, errs.Exists, false},
	"SCHEMA_NOT_EMPTY":              {CategoryUser, 1000, errs.Conflict, false},
	"HIVE_PATH_ALREADY_EXISTS":      {CategoryUser, 1000, errs.Exists, false},
	"HIVE_INVALID_PATH":             {CategoryUser, 1109, errs.Invalid, false},
	"PERMISSION_DENIED":             {CategoryUser, 1000, errs.Invalid, false},
	"HIVE_BAD_DATA":                 {CategoryUser, 1001, errs.Invalid, false},
	"HIVE_CURSOR_ERROR":             {CategoryUser, 1002, errs.Invalid, false},
	"HIVE_UNSUPPORTED_FORMAT":       {CategoryUser, 1001, errs.Invalid, false},
	"INVALID_CAST_ARGUMENT":         {CategoryUser, 1001, errs.Invalid, false},
	"INVALID_FUNCTION_ARGUMENT":     {CategoryUser, 1001, errs.Invalid, false},
	"DIVISION_BY_ZERO":              {CategoryUser, 1001, errs.Invalid, false},
	"NUMERIC_VALUE_OUT_OF_RANGE":    {CategoryUser, 1001, errs.Invalid, false},
	"GENERIC_USER_ERROR":            {CategoryUser, 1000, errs.Invalid, false},
	"USER_CANCELLED":                {CategoryUser, 1011, errs.Canceled, false},
	"EXCEEDED_LOCAL_MEMORY_LIMIT":   {CategorySystem, 1, errs.Unavailable, true},
	"HIVE_METASTORE_ERROR":          {CategorySystem, 204, errs.Internal, true},
	"HIVE_FILESYSTEM_ERROR":         {CategorySystem, 239, errs.Internal, true},
	"GENERIC_INTERNAL_ERROR":        {CategorySystem, 200, errs.Internal, false},
	"EXCEEDED_TIME_LIMIT":           {CategorySystem, 206, errs.Unavailable, true},
	"SERVER_SHUTTING_DOWN":          {CategorySystem, 100, errs.Unavailable, true},
	"HIVE_TOO_MANY_OPEN_PARTITIONS": {CategoryUser, 1000, errs.Invalid, false},
}

// athenaError describes err as Athena would.
func athenaError(err error) *AthenaError {
	qe := asError(err)
	info, ok := errorCodes[qe.Code]
	if !ok {
		info = errorCodes["GENERIC_INTERNAL_ERROR"]
	}
	return &AthenaError{
		ErrorCategory: info.category,
		ErrorType:     info.errorType,
		Retryable:     info.retryable,
		ErrorMessage:  qe.Error(),
	}
}

// asError returns err as an *Error, classifying errors that are not one.
func asError(err error) *Error {
	var qe *Error
	if errors.As(err, &qe) {
		return qe
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, errs.Canceled):
		return &Error{Code: "USER_CANCELLED", Message: "Query cancelled by user", Offset: -1, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Code: "EXCEEDED_TIME_LIMIT", Message: "Query exceeded the time limit", Offset: -1, Err: err}
	case errors.Is(err, errs.NotFound):
		return &Error{Code: "GENERIC_USER_ERROR", Message: errs.Message(err), Offset: -1, Err: err}
	case errors.Is(err, errs.Invalid), errors.Is(err, errs.Exists), errors.Is(err, errs.Conflict):
		return &Error{Code: "GENERIC_USER_ERROR", Message: errs.Message(err), Offset: -1, Err: err}
	}
	return &Error{Code: "GENERIC_INTERNAL_ERROR", Message: err.Error(), Offset: -1, Err: err}
}
