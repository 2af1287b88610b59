package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// statusOf is the one place where error codes become HTTP statuses.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.BadRequest:
		return http.StatusBadRequest
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Unauthorised:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// fail shows err to the user: a page, a sign-in redirect, or a JSON error. Internal causes go to the
// log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	code := apperr.CodeOf(err)
	status := statusOf(code)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	dropSuccessHeaders(w)
	ri := info(r)
	msg, args := apperr.MessageOf(err)
	text := s.tr.T(ri.lang, msg, args...)
	if api {
		body := map[string]any{"code": code, "message": text}
		if f := apperr.FieldsOf(err); len(f) > 0 {
			fields := map[string]string{}
			for k, m := range f {
				fields[k] = s.tr.T(ri.lang, m)
			}
			body["fields"] = fields
		}
		if err := writeJSON(w, status, map[string]any{"error": body}); err != nil {
			s.log.ErrorContext(r.Context(), "API error response", "err", err)
			writeRaw(w, http.StatusInternalServerError, "application/json; charset=utf-8", []byte(`{"error": {"code": "internal", "message": "`+apperr.GenericMessage+`"}}`+"\n"))
		}
		return
	}
	if code == apperr.Unauthorised && r.Method == http.MethodGet {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if code == apperr.RateLimited {
		w.Header().Set("Retry-After", "60")
	}
	s.render(w, r, status, "error", "Error", map[string]any{"Status": status, "Message": text})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, isAPIPath(r.URL.Path), apperr.New(apperr.NotFound, "There is no page at this address."))
}

// isAPIPath is true for the JSON API's addresses, whose errors are the API's JSON.
func isAPIPath(path string) bool { return strings.HasPrefix(path, "/api/") }

// crossOriginRefused answers a state-changing request sent from another site (Go's
// CrossOriginProtection): the API's JSON error on the API, the error page elsewhere.
func (s *Server) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, isAPIPath(r.URL.Path), apperr.New(apperr.Forbidden, "Requests sent from other sites are refused."))
}

func isNotFound(err error) bool { return apperr.Is(err, apperr.NotFound) }

// writeJSON answers with v as JSON. It encodes the whole body before it writes the status, so
// that a value the encoder refuses (a NaN, say) is an error the caller returns — a 500 in the
// route's error format — and never a 200 with an empty or half-written body. When it fails it
// has written nothing. Every caller must return its error (TestWriterErrorsAreReturned).
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := encodeJSON(v)
	if err != nil {
		return err
	}
	writeRaw(w, status, "application/json; charset=utf-8", b)
	return nil
}

// encodeJSON is the API's JSON: indented, with a final newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode the JSON answer: %w", err) // no code: Internal, a 500
	}
	return buf.Bytes(), nil
}

// writeRaw writes a body already encoded in full. A failed write is the client gone: there is
// nobody left to tell.
func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// dropSuccessHeaders takes back the headers a handler set for a success it then failed to send,
// so that an error answer never claims a Location or a replay.
func dropSuccessHeaders(w http.ResponseWriter) {
	w.Header().Del("Location")
	w.Header().Del("Idempotent-Replayed")
}

// writeCreated answers an API create: 201 with the new record's Location, or — a retry with the
// same Idempotency-Key that found the first record — 200 with Idempotent-Replayed: true. Like
// writeJSON it encodes first and writes nothing when that fails.
func writeCreated(w http.ResponseWriter, fresh bool, location string, body any) error {
	b, err := encodeJSON(body)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if fresh {
		w.Header().Set("Location", location)
	} else {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeRaw(w, status, "application/json; charset=utf-8", b)
	return nil
}

// refusal turns a coded refusal into a translated sentence (ok false: a real failure).
func (s *Server) refusal(r *http.Request, err error) (string, bool) {
	switch apperr.CodeOf(err) {
	case apperr.NotFound, apperr.Invalid, apperr.Conflict:
		msg, args := apperr.MessageOf(err)
		return s.tr.T(info(r).lang, msg, args...), true
	}
	return "", false
}

// messageErrors is a refusal as a form's messages: its per-field messages, or else its message,
// translated, under "action" (shown at the top of the screen).
func (s *Server) messageErrors(r *http.Request, err error) map[string]string {
	if f := apperr.FieldsOf(err); len(f) > 0 {
		return f
	}
	msg, args := apperr.MessageOf(err)
	return map[string]string{"action": s.tr.T(info(r).lang, msg, args...)}
}
