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
