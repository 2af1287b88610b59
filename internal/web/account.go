package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
)

// account is each person's own page: their details (name, mobile number, language), their
// password, and the browsers signed in as them, any of which they can sign out.
func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.showAccount(w, r, http.StatusOK, info(r).user, nil)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, status int, typed auth.User, errs map[string]string) error {
	noStore(w)
	ri := info(r)
	sessions, err := s.auth.Sessions(r.Context(), ri.user, ri.session.Token)
	if err != nil {
		return err
	}
	s.render(w, r, status, "account", "Your account", map[string]any{
		"Me": typed, "Errors": errs, "Sessions": sessions, "RoleName": roleNames[ri.user.Role], "Zone": displayZone,
	})
	return nil
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	u, err := s.auth.UpdateProfile(r.Context(), ri.user, clientIP(r), r.PostFormValue("name"), r.PostFormValue("phone"), r.PostFormValue("language"))
	if errs, ok := formErrors(err); ok {
		return s.showAccount(w, r, http.StatusUnprocessableEntity, u, errs)
	}
	if err != nil {
		return err
	}
	if u.Language != ri.user.Language {
		// The pages follow the new language at once, as the language switch would.
		http.SetCookie(w, s.cookie("lang", u.Language, 365*24*3600))
	}
	http.Redirect(w, r, "/account?notice=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	err := s.auth.ChangePassword(r.Context(), ri.user, ri.session.Token, clientIP(r),
		r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if errs, ok := formErrors(err); ok {
		return s.showAccount(w, r, http.StatusUnprocessableEntity, ri.user, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account?notice=password_changed", http.StatusSeeOther)
	return nil
}

// accountSessions signs out one other browser (session=ID) or all of them (no session given).
func (s *Server) accountSessions(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if _, err := s.auth.EndSessions(r.Context(), ri.user, ri.session.Token, clientIP(r), r.PostFormValue("session")); err != nil {
		if errs, ok := formErrors(err); ok {
			return s.showAccount(w, r, http.StatusUnprocessableEntity, ri.user, errs)
		}
		if _, ok := s.refusal(r, err); ok {
			return s.showAccount(w, r, http.StatusUnprocessableEntity, ri.user, s.messageErrors(r, err))
		}
		return err
	}
	http.Redirect(w, r, "/account?notice=sessions_ended#sessions", http.StatusSeeOther)
	return nil
}
