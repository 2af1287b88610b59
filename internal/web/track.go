package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/requests"
)

// trackForm asks for a reference and the phone number it was lodged with.
func (s *Server) trackForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "track_form", "Track a request", map[string]any{"Ref": r.URL.Query().Get("ref"), "Token": s.publicFormToken(w, r)})
	return nil
}

// trackLookup finds a request by reference and phone (POSTed, so the phone number stays out of
// addresses and logs).
func (s *Server) trackLookup(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	req, err := s.requests.Track(r.Context(), r.PostFormValue("ref"), "", r.PostFormValue("phone"))
	if apperr.Is(err, apperr.NotFound) {
		s.render(w, r, http.StatusNotFound, "track_form", "Track a request", map[string]any{"Ref": r.PostFormValue("ref"), "Token": s.publicFormToken(w, r), "Error": s.tr.T(info(r).lang, "We could not find a request with that reference and phone number.")})
		return nil
	}
	if err != nil {
		return err
	}
	return s.showTracked(w, r, req)
}

// trackLink is the link sent to the citizen: the reference and its secret key.
func (s *Server) trackLink(w http.ResponseWriter, r *http.Request) error {
	req, err := s.requests.Track(r.Context(), r.PathValue("ref"), r.URL.Query().Get("key"), "")
	if err != nil {
		return err
	}
	return s.showTracked(w, r, req)
}

func (s *Server) showTracked(w http.ResponseWriter, r *http.Request, req requests.Request) error {
	events, err := s.requests.Events(r.Context(), req.ID, true)
	if err != nil {
		return err
	}
	cal, err := s.charters.WorkCalendar(r.Context(), req.CalendarID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "track", "Your request", map[string]any{"Request": req, "Events": events, "SLA": req.SLA(s.now()), "Zone": cal.Location()})
	return nil
}
