package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// Filters of lists (inboxes, the audit trail, the API's lists) are refused when their value is not
// one the list knows: a typo or a stale link that silently showed everything, or nothing, would be
// taken for the answer.

// filterParam reads the filter name from q: "" when it is absent or empty, the value when it is
// one of allowed, else a refusal that names the parameter and the values it takes.
func filterParam[T ~string](q url.Values, name string, allowed []T) (T, error) {
	v := T(strings.TrimSpace(q.Get(name)))
	if v == "" || slices.Contains(allowed, v) {
		return v, nil
	}
	words := make([]string, len(allowed))
	for i, a := range allowed {
		words[i] = string(a)
	}
	return "", apperr.New(apperr.BadRequest, "%s=%q is not one of the values this filter takes: %s.", name, string(v), strings.Join(words, ", "))
}

// dateParam reads a day (2026-11-24) from q; the zero time when it is absent.
func dateParam(q url.Values, name string) (time.Time, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, apperr.New(apperr.BadRequest, "%s must be a date, like 2026-11-24.", name)
	}
	return d, nil
}
