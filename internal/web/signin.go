package web

import (
	"net/http"
	"net/url"

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
	u, err := s.auth.SignIn(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), clientIP(r))
	if apperr.Is(err, apperr.Unauthorised) || err == auth.ErrLocked {
		s.log.WarnContext(r.Context(), "sign-in refused", "username", r.PostFormValue("username"), "ip", clientIP(r), "locked", err == auth.ErrLocked)
		status := http.StatusUnauthorized
		if err == auth.ErrLocked {
			status = http.StatusTooManyRequests
		}
		msg, args := apperr.MessageOf(err)
		s.showSignIn(w, r, status, r.PostFormValue("username"), s.tr.T(ri.lang, msg, args...))
		return nil
	}
	if err != nil {
		return err
	}
	next := safeNext(r.PostFormValue("next"))
	tf, err := s.auth.TwoFactorOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if tf.Enabled {
		// The second step: no session yet, only a challenge bound to this browser by its cookie.
		token, err := s.auth.StartChallenge(r.Context(), u, clientIP(r))
		if err != nil {
			return err
		}
		http.SetCookie(w, s.challengeCookie(token, int(auth.ChallengeLifetime.Seconds())))
		http.Redirect(w, r, "/signin/code?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	sess, err := s.auth.StartSession(r.Context(), u, r.UserAgent(), clientIP(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, sess.Token, int(auth.SessionLifetime.Seconds())))
	if s.mustEnrol(r.Context(), u) {
		// An admin who must use two-step sign-in and does not yet: enrolment first, and nothing
		// else until it is done (the guard holds them there).
		next = "/account/two-factor"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
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
