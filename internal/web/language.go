package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/i18n"
)

// setLanguage remembers the chosen language in a cookie and goes back to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if !i18n.Supported(code) {
		return apperr.New(apperr.NotFound, "That language is not offered.")
	}
	c := s.cookie("lang", code, 365*24*3600)
	c.HttpOnly = false
	http.SetCookie(w, c)
	next := r.URL.Query().Get("next")
	if safeNext(next) != next {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
