package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// statusOf is the one place where error codes become HTTP statuses.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
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
		writeJSON(w, status, map[string]any{"error": body})
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
	api := len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
	s.fail(w, r, api, apperr.New(apperr.NotFound, "There is no page at this address."))
}

func isNotFound(err error) bool { return apperr.Is(err, apperr.NotFound) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// writeCreated answers an API create: 201 with the new record's Location, or — a retry with the
// same Idempotency-Key that found the first record — 200 with Idempotent-Replayed: true.
func writeCreated(w http.ResponseWriter, fresh bool, location string, body any) {
	status := http.StatusCreated
	if fresh {
		w.Header().Set("Location", location)
	} else {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, body)
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
