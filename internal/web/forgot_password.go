package web

import (
	"net/http"
)

// "Forgot password?" on the sign-in page: the person gives their username or e-mail address and
// is always told the same thing, so the page reveals nothing about which accounts exist. It is
// rate-limited per address as sign-in is (it shares sign-in's allowance).

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "forgot_password", "Forgot password?", map[string]any{"Token": s.publicFormToken(w, r)})
	return nil
}

func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	data := map[string]any{"Token": s.publicFormToken(w, r), "Who": r.PostFormValue("who")}
	if !s.signIn.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		data["Error"] = s.tr.T(ri.lang, "Too many attempts. Please wait a minute and try again.")
		s.render(w, r, http.StatusTooManyRequests, "forgot_password", "Forgot password?", data)
		return nil
	}
	if err := s.auth.RequestPasswordReset(r.Context(), r.PostFormValue("who"), clientIP(r), s.publicURL()); err != nil {
		return err
	}
	data["Sent"] = true
	s.render(w, r, http.StatusOK, "forgot_password", "Forgot password?", data)
	return nil
}
