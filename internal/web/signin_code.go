package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
)

// challengeCookieName holds the half-signed-in state between the password and the second step.
// Its own cookie, scoped to the second step's path, never the session's: it opens nothing else.
const challengeCookieName = "huduma_2fa"

func (s *Server) challengeCookie(token string, maxAge int) *http.Cookie {
	c := s.cookie(challengeCookieName, token, maxAge)
	c.Path = "/signin/code"
	c.SameSite = http.SameSiteStrictMode
	return c
}

func challengeToken(r *http.Request) string {
	if c, err := r.Cookie(challengeCookieName); err == nil {
		return c.Value
	}
	return ""
}

// signInCodeForm asks for the code of the second step, while this browser's challenge is open.
func (s *Server) signInCodeForm(w http.ResponseWriter, r *http.Request) error {
	if !s.auth.ChallengeOpen(r.Context(), challengeToken(r)) {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	s.showSignInCode(w, r, http.StatusOK, "")
	return nil
}

func (s *Server) showSignInCode(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "signin_code", "Two-step sign-in", map[string]any{
		"Token": s.publicFormToken(w, r), "Next": safeNext(r.FormValue("next")), "Error": errMsg,
	})
}

// signInCodeSubmit takes the second step: the right code starts the session.
func (s *Server) signInCodeSubmit(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if !s.signIn.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		s.showSignInCode(w, r, http.StatusTooManyRequests, s.tr.T(ri.lang, "Too many sign-in attempts. Please wait a minute and try again."))
		return nil
	}
	token := challengeToken(r)
	if token == "" {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	_, sess, err := s.auth.CompleteChallenge(r.Context(), token, r.PostFormValue("code"), r.UserAgent(), clientIP(r))
	switch {
	case err == auth.ErrBadCode:
		msg, _ := apperr.MessageOf(err)
		s.showSignInCode(w, r, http.StatusUnauthorized, s.tr.T(ri.lang, msg))
		return nil
	case err == auth.ErrChallengeEnded || err == auth.ErrLocked:
		// Back to the password, with the reason.
		http.SetCookie(w, s.challengeCookie("", -1))
		status := http.StatusUnauthorized
		if err == auth.ErrLocked {
			status = http.StatusTooManyRequests
		}
		msg, _ := apperr.MessageOf(err)
		s.showSignIn(w, r, status, "", s.tr.T(ri.lang, msg))
		return nil
	case err != nil:
		return err
	}
	http.SetCookie(w, s.challengeCookie("", -1))
	http.SetCookie(w, s.cookie(sessionCookie, sess.Token, int(auth.SessionLifetime.Seconds())))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
