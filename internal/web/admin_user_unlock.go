package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// userUnlock ends an account's lock after too many failed sign-ins, for an administrator whose
// scope covers the account (auth.User.CanUnlock).
func (s *Server) userUnlock(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.New(apperr.NotFound, "No such account.")
	}
	target, err := s.auth.LockState(r.Context(), id)
	if err != nil {
		return err
	}
	if !ri.user.CanUnlock(target) {
		return apperr.New(apperr.Forbidden, "Your account is not allowed to do that.")
	}
	if err := s.auth.Unlock(r.Context(), ri.user.Actor(clientIP(r)), id); err != nil {
		return err
	}
	next := r.PostFormValue("next")
	if next == "" {
		next = "/staff"
	}
	http.Redirect(w, r, safeNext(next)+"?notice=unlocked", http.StatusSeeOther)
	return nil
}
