package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
)

// The page an invitation or a password reset link opens (/password?t=…): the person chooses their
// password. A link that is unknown, used or expired gets a page that says which, and what to do.

func (s *Server) passwordLinkForm(w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	token := r.URL.Query().Get("t")
	l, err := s.auth.CheckPasswordLink(r.Context(), token)
	if err != nil {
		return s.badPasswordLink(w, r, err)
	}
	s.showPasswordLink(w, r, http.StatusOK, token, l, nil)
	return nil
}

func (s *Server) showPasswordLink(w http.ResponseWriter, r *http.Request, status int, token string, l auth.PasswordLink, errs map[string]string) {
	title := "Choose a new password"
	if l.Purpose == auth.PurposeInvite {
		title = "Welcome to Huduma"
	}
	s.render(w, r, status, "password_link", title, map[string]any{
		"Token": token, "FormToken": s.publicFormToken(w, r), "Link": l, "Errors": errs, "Invite": l.Purpose == auth.PurposeInvite,
	})
}

// badPasswordLink answers a link that no longer works: 404 for one that never did, 410 Gone for a
// used or expired one.
func (s *Server) badPasswordLink(w http.ResponseWriter, r *http.Request, err error) error {
	status := http.StatusGone
	switch {
	case err == auth.ErrLinkUnknown:
		status = http.StatusNotFound
	case err == auth.ErrLinkUsed, err == auth.ErrLinkExpired:
	default:
		return err
	}
	msg, args := apperr.MessageOf(err)
	s.render(w, r, status, "password_link_bad", "This link does not work", map[string]any{"Message": s.tr.T(info(r).lang, msg, args...)})
	return nil
}

func (s *Server) passwordLinkSubmit(w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	token := r.PostFormValue("t")
	_, err := s.auth.UsePasswordLink(r.Context(), token, r.PostFormValue("password"), r.PostFormValue("confirm"), clientIP(r))
	if errs, ok := formErrors(err); ok {
		l, lerr := s.auth.CheckPasswordLink(r.Context(), token)
		if lerr != nil {
			return s.badPasswordLink(w, r, lerr)
		}
		s.showPasswordLink(w, r, http.StatusUnprocessableEntity, token, l, errs)
		return nil
	}
	if err != nil {
		return s.badPasswordLink(w, r, err)
	}
	// Any session this browser had (another account's, perhaps) is not the new password's owner.
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/signin?notice=password_set", http.StatusSeeOther)
	return nil
}
