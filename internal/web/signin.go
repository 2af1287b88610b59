package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
)

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) error {
	if info(r).user.ID != 0 {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.showSignIn(w, r, http.StatusOK, "", "")
	return nil
}

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, status int, username, errMsg string) {
	token := s.publicFormToken(w, r)
	s.render(w, r, status, "signin", "Staff sign-in", map[string]any{
		"Token": token, "Next": r.FormValue("next"), "Username": username, "Error": errMsg,
	})
}

func (s *Server) signInSubmit(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if !s.signIn.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		s.showSignIn(w, r, http.StatusTooManyRequests, r.PostFormValue("username"), s.tr.T(ri.lang, "Too many sign-in attempts. Please wait a minute and try again."))
		return nil
	}
	u, err := s.auth.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"))
	if apperr.Is(err, apperr.Unauthorised) {
		s.log.WarnContext(r.Context(), "sign-in refused", "username", r.PostFormValue("username"), "ip", clientIP(r))
		s.showSignIn(w, r, http.StatusUnauthorized, r.PostFormValue("username"), s.tr.T(ri.lang, "Wrong username or password."))
		return nil
	}
	if err != nil {
		return err
	}
	sess, err := s.auth.StartSession(r.Context(), u, r.UserAgent(), clientIP(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, sess.Token, int(auth.SessionLifetime.Seconds())))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if err := s.auth.EndSession(r.Context(), ri.user, ri.session.Token, clientIP(r)); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/?notice=signed_out", http.StatusSeeOther)
	return nil
}
