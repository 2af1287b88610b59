// Package apperr is Huduma's one error type. Every error that reaches a user carries a Code; the web
// layer maps codes to HTTP statuses in one place (internal/web/errors.go) and shows the safe Message,
// while logs get the wrapped cause.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error by what the caller can do about it.
type Code string

const (
	NotFound Code = "not_found"
	Invalid  Code = "invalid"
	// BadRequest is a request the server cannot take as asked, whatever the record: an unknown
	// filter value, a control character in a field. It says which parameter is wrong.
	BadRequest   Code = "bad_request"
	Conflict     Code = "conflict"
	Unauthorised Code = "unauthorised"
	Forbidden    Code = "forbidden"
	Internal     Code = "internal"
	RateLimited  Code = "rate_limited"
)

// Error is an error with a code, a message safe to show, optional per-field messages for forms,
// and the underlying cause for the logs.
type Error struct {
	Code    Code
	Message string            // safe to show to the user: an English format, also the translation key
	Args    []any             // arguments for Message
	Fields  map[string]string // field name -> message, for re-showing a form
	Err     error             // the cause, for logs only
}

func (e *Error) Error() string {
	msg := fmt.Sprintf(e.Message, e.Args...)
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message. The format string doubles as the translation key,
// so keep it a literal.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: format, Args: args}
}

// Wrap attaches a code and a safe message to a cause.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: format, Args: args, Err: err}
}

// InvalidFields is a validation failure with per-field messages (each a translation key).
func InvalidFields(fields map[string]string) *Error {
	return &Error{Code: Invalid, Message: "Please correct the highlighted fields.", Fields: fields}
}

// CodeOf returns the code of err, Internal for errors without one, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// GenericMessage is what users see for an internal error; the cause goes to the log.
const GenericMessage = "Something went wrong on our side. Please try again."

// MessageOf returns the safe message format and its arguments, or the generic message for
// internal and uncoded errors.
func MessageOf(err error) (string, []any) {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message, e.Args
	}
	return GenericMessage, nil
}

// FieldsOf returns per-field messages, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
