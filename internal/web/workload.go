package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
)

// workload shows the team's open work per person: who is on duty, who holds what, what is at
// risk or late — the centre manager's view at 7:55 on a Monday.
func (s *Server) workload(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	var centreID, agencyID int64
	switch u.Role {
	case auth.Officer, auth.CentreManager:
		centreID = u.CentreID
	case auth.AgencyAdmin:
		agencyID = u.AgencyID
	}
	loads, err := s.requests.Workload(r.Context(), centreID, agencyID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_workload", "Workload", map[string]any{"Loads": loads})
	return nil
}
