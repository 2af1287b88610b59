package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
)

// alertAcknowledge: a centre's manager acknowledges an alert with its cause (what happened and
// what was done). The alert then closes by itself when its measure recovers.
func (s *Server) alertAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "No such alert.")
	}
	a, err := s.feedback.Alert(r.Context(), id)
	if err != nil {
		return err
	}
	u := info(r).user
	if !u.CanCentre(auth.ManageQueue, a.CentreID) {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	back := strings.TrimSpace(r.PostFormValue("centre")) // the page's centre filter, kept on the way back
	cause := r.PostFormValue("cause")
	_, err = s.feedback.Acknowledge(r.Context(), u.Actor(clientIP(r)), id, cause)
	if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
		status := http.StatusUnprocessableEntity
		if apperr.Is(err, apperr.Conflict) {
			status = http.StatusConflict
		}
		return s.showAlerts(w, r, status, back, alertsPage{Errors: s.messageErrors(r, err), ErrorOn: id, Cause: cause})
	}
	if err != nil {
		return err
	}
	to := alertsURL(back)
	if strings.Contains(to, "?") {
		to += "&notice=acknowledged"
	} else {
		to += "?notice=acknowledged"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
