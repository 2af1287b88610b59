package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/charter"
)

// centresList lists the centres, searchable by name or county.
func (s *Server) centresList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{Query: q})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "centres", "Centres", map[string]any{"Centres": centres, "Q": q})
	return nil
}
