package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/errs"
)

// Code is an API error code. The set is closed: clients may switch on it.
type Code string

// The API error codes.
const (
	CodeInvalidRequest   Code = "InvalidRequest"   // malformed request or a rule broken (400)
	CodeUnauthorized     Code = "Unauthorized"     // missing or wrong bearer token (401)
	CodeNotFound         Code = "NotFound"         // no such resource or route (404)
	CodeMethodNotAllowed Code = "MethodNotAllowed" // the route exists with other methods (405)
	CodeAlreadyExists    Code = "AlreadyExists"    // the named resource exists (409)
	CodeConflict         Code = "Conflict"         // clashes with the resource's current state (409)
	CodePayloadTooLarge  Code = "PayloadTooLarge"  // request body over the limit (413)
	CodeInternal         Code = "Internal"         // a bug or broken invariant (500)
	CodeUnavailable      Code = "Unavailable"      // busy, shutting down, service missing (503)
	CodeCanceled         Code = "Canceled"         // the request was cancelled (503)
	CodeTimeout          Code = "Timeout"          // the request ran out of time (504)
)

// errorTable is THE mapping from errors to statuses and codes (STYLE
// rule 18): each row is a code with its status and the errs.Kind it
// stands for (Other when no kind maps to it). Clients map codes back to
// kinds with KindOf.
var errorTable = []struct {
	code   Code
	status int
	kind   errs.Kind
}{
	{CodeInvalidRequest, http.StatusBadRequest, errs.Invalid},
	{CodeUnauthorized, http.StatusUnauthorized, errs.Other},
	{CodeNotFound, http.StatusNotFound, errs.NotFound},
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed, errs.Other},
	{CodeAlreadyExists, http.StatusConflict, errs.Exists},
	{CodeConflict, http.StatusConflict, errs.Conflict},
	{CodePayloadTooLarge, http.StatusRequestEntityTooLarge, errs.Other},
	{CodeInternal, http.StatusInternalServerError, errs.Internal},
	{CodeUnavailable, http.StatusServiceUnavailable, errs.Unavailable},
	{CodeCanceled, http.StatusServiceUnavailable, errs.Canceled},
	{CodeTimeout, http.StatusGatewayTimeout, errs.Other},
}

// sentinels are known errors that carry no kind, checked before kinds.
var sentinels = []struct {
	match func(error) bool
	code  Code
}{
	{func(err error) bool { var e *http.MaxBytesError; return errors.As(err, &e) }, CodePayloadTooLarge},
	{func(err error) bool { var e *asl.ValidationError; return errors.As(err, &e) }, CodeInvalidRequest},
	{func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, CodeTimeout},
	{func(err error) bool { return errors.Is(err, context.Canceled) }, CodeCanceled},
}

// Status returns the HTTP status of code (500 for an unknown code).
func Status(code Code) int {
	for _, row := range errorTable {
		if row.code == code {
			return row.status
		}
	}
	return http.StatusInternalServerError
}

// KindOf returns the errs.Kind a code stands for, or errs.Other.
func KindOf(code Code) errs.Kind {
	for _, row := range errorTable {
		if row.code == code {
			return row.kind
		}
	}
	return errs.Other
}

// CodeOf classifies err: its known sentinel, else its errs.Kind, else
// Internal.
func CodeOf(err error) Code {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	for _, s := range sentinels {
		if s.match(err) {
			return s.code
		}
	}
	if k := errs.KindOf(err); k != errs.Other {
		for _, row := range errorTable {
			if row.kind == k {
				return row.code
			}
		}
	}
	return CodeInternal
}

// Error is the body of every error answer, and an error a handler may
// return to choose the code itself.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// apiError builds an *Error.
func apiError(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// invalid is an InvalidRequest error.
func invalid(msg string) error { return apiError(CodeInvalidRequest, msg) }

// writeError writes err as {"code", "message"}.
func writeError(w http.ResponseWriter, err error) int {
	code := CodeOf(err)
	msg := errs.Message(err)
	var ae *Error
	if errors.As(err, &ae) {
		msg = ae.Message
	}
	if code == CodeInternal && msg == "" {
		msg = "internal error"
	}
	status := Status(code)
	if code == CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="weir"`)
	}
	writeJSON(w, status, &Error{Code: code, Message: msg})
	return status
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(&Error{Code: CodeInternal, Message: "encode the answer: " + err.Error()})
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
