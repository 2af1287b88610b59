package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/charter"
)

// chartersList shows every published charter: agencies' and centres'.
func (s *Server) chartersList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.charters.Charters(r.Context(), true)
	if err != nil {
		return err
	}
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "charters", "Service charters", map[string]any{"Charters": list, "Agencies": agencies, "Centres": centres})
	return nil
}

// agencyCharter shows an agency's charter with its service matrix, as the printed charter does.
func (s *Server) agencyCharter(w http.ResponseWriter, r *http.Request) error {
	a, err := s.charters.AgencyByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	ch, err := s.charters.CharterOfAgency(r.Context(), a.ID)
	if err != nil {
		return err
	}
	services, err := s.charters.Services(r.Context(), charter.ServiceFilter{AgencyCode: a.Code, ActiveOnly: true, Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "charter", ch.Title, map[string]any{"Charter": ch, "Agency": a, "Services": services.Services})
	return nil
}

// centreCharter shows a centre: its charter (if it has one) and every service offered there.
func (s *Server) centreCharter(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	ch, err := s.charters.CharterOfCentre(r.Context(), c.ID)
	if err != nil && !isNotFound(err) {
		return err
	}
	if ch.Title == "" {
		ch.Title = c.Name
	}
	services, err := s.charters.Services(r.Context(), charter.ServiceFilter{CentreCode: c.Code, ActiveOnly: true, Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "charter", ch.Title, map[string]any{"Charter": ch, "Centre": c, "Services": services.Services, "ByAgency": true})
	return nil
}
