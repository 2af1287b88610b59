package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
)

// staffHome is where a signed-in person lands: who they are, their scope, and what they may do.
func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	data := map[string]any{}
	if u.CentreID != 0 {
		c, err := s.charters.CentreByID(r.Context(), u.CentreID)
		if err != nil {
			return err
		}
		data["Centre"] = c
	}
	if u.AgencyID != 0 {
		a, err := s.charters.AgencyByID(r.Context(), u.AgencyID)
		if err != nil {
			return err
		}
		data["Agency"] = a
	}
	data["RoleName"] = roleNames[u.Role]
	onDuty, err := s.auth.OnDuty(r.Context(), u.ID)
	if err != nil {
		return err
	}
	data["OnDuty"] = onDuty
	if u.Can(auth.MonitorQueue) { // live quality alerts: a centre's managers their centre's, others every centre's
		if data["LiveAlerts"], err = s.feedback.CountLiveAlerts(r.Context(), u.CentreID); err != nil {
			return err
		}
	}
	// Compliments that name this officer: what was said, and how many in the last 90 days.
	compliments, n, err := s.complaints.Compliments(r.Context(), u.ID, s.now().AddDate(0, 0, -90), 5)
	if err != nil {
		return err
	}
	data["Compliments"], data["ComplimentCount"] = compliments, n
	s.render(w, r, http.StatusOK, "staff", "Staff home", data)
	return nil
}

// roleNames are the roles as people say them (translation keys).
var roleNames = map[auth.Role]string{
	auth.Officer:       "Counter officer",
	auth.CentreManager: "Centre manager",
	auth.AgencyAdmin:   "Agency administrator",
	auth.NationalAdmin: "National administrator (secretariat)",
	auth.Auditor:       "Auditor (read-only oversight)",
}
