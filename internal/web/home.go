package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/charter"
)

// home is the front page: search for a service, or browse charters and centres.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{Kind: "huduma_centre"})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", "Huduma — government services in one place", map[string]any{
		"Agencies": agencies, "Centres": centres,
	})
	return nil
}
