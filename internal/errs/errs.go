// Package errs gives weir's domain errors a Kind that transports (HTTP, CLI
// exit codes) can act on without knowing the domain.
//
// A domain package wraps its failures in an *Error naming the operation and
// the Kind:
//
//	return errs.E("catalog.CreateTable", errs.Exists, fmt.Errorf("table %s.%s already exists", db, name))
//
// and callers match with the standard library:
//
//	if errors.Is(err, errs.NotFound) { ... }
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what a caller can do about it.
type Kind uint8

// The kinds of error. Other is the zero value and means "not classified".
const (
	Other       Kind = iota // not classified
	Invalid                 // the request is malformed or breaks a rule
	NotFound                // the named thing does not exist
	Exists                  // the named thing already exists
	Conflict                // the request clashes with the current state
	Unavailable             // try again later: busy, locked, shutting down
	Canceled                // the caller gave up
	Internal                // a bug or broken invariant inside weir
)

var kindNames = [...]string{
	Other:       "other",
	Invalid:     "invalid",
	NotFound:    "not found",
	Exists:      "already exists",
	Conflict:    "conflict",
	Unavailable: "unavailable",
	Canceled:    "canceled",
	Internal:    "internal",
}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error implements error so that a Kind can be the target of errors.Is.
func (k Kind) Error() string { return k.String() }

// Error is a domain error: an operation, a kind and the underlying cause.
type Error struct {
	Op   string // the operation, e.g. "lake.Put"
	Kind Kind
	Err  error
}

// E builds an *Error. err may be nil, in which case the kind's name is the message.
func E(op string, kind Kind, err error) error {
	return &Error{Op: op, Kind: kind, Err: err}
}

// Errorf builds an *Error from a format string, wrapping any %w operands.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// Error returns "op: cause".
func (e *Error) Error() string {
	msg := e.Kind.String()
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Op == "" {
		return msg
	}
	return e.Op + ": " + msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, so errors.Is(err, errs.NotFound) works.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k != Other && k == e.Kind
}

// KindOf returns the kind of the outermost classified error in err's chain,
// or Other.
func KindOf(err error) Kind {
	var e *Error
	for err != nil {
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Message returns err's message without the operation prefixes of the
// *Error values wrapped directly around it, for showing to users. Details
// added by fmt.Errorf wrappers are kept.
func Message(err error) string {
	for {
		e, ok := err.(*Error)
		if !ok || e.Err == nil {
			break
		}
		err = e.Err
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
