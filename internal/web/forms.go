package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// formLines reads a textarea as a list: one item a line, blanks dropped.
func formLines(r *http.Request, name string) []string {
	var out []string
	for _, l := range strings.Split(r.PostFormValue(name), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// formCents reads "1,050" or "1050.50" as cents; ok is false for anything else.
func formCents(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "KES"), ",", ""))
	if s == "" {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	var c int64
	if hasFrac {
		if len(frac) == 0 || len(frac) > 2 {
			return 0, false
		}
		if len(frac) == 1 {
			frac += "0"
		}
		c, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || c < 0 {
			return 0, false
		}
	}
	return w*100 + c, true
}

// formErrors is the per-field messages of a validation error, for re-showing the form.
func formErrors(err error) (map[string]string, bool) {
	if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
		if f := apperr.FieldsOf(err); len(f) > 0 {
			return f, true
		}
	}
	return nil, false
}

// randomKey is a fresh idempotency key for a form.
func randomKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// forbidden is the refusal for a record outside the user's scope.
func forbidden() error {
	return apperr.New(apperr.Forbidden, "Your account is not allowed to do that.")
}
