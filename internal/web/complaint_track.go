package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/complaints"
)

// complaintTrack is the complainant's page: with the link's key, the complaint (a wrong key is
// a 404); without it, a form asking for the phone number or e-mail address it was lodged with.
func (s *Server) complaintTrack(w http.ResponseWriter, r *http.Request) error {
	key := r.URL.Query().Get("key")
	if key == "" {
		s.render(w, r, http.StatusOK, "complaint_lookup", "Follow a complaint", map[string]any{"Ref": r.PathValue("ref"), "Token": s.publicFormToken(w, r)})
		return nil
	}
	c, err := s.complaints.Track(r.Context(), r.PathValue("ref"), key, "")
	if err != nil {
		return err
	}
	return s.showTrackedComplaint(w, r, http.StatusOK, c, key, "", nil)
}

// complaintLookup finds a complaint by reference and the phone number or e-mail address (POSTed, so
// they stay out of addresses and logs).
func (s *Server) complaintLookup(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	c, err := s.complaints.Track(r.Context(), r.PathValue("ref"), "", r.PostFormValue("contact"))
	if apperr.Is(err, apperr.NotFound) {
		s.render(w, r, http.StatusNotFound, "complaint_lookup", "Follow a complaint", map[string]any{"Ref": r.PathValue("ref"),
			"Token": s.publicFormToken(w, r), "Error": s.tr.T(info(r).lang, "We could not find a complaint with that reference.")})
		return nil
	}
	if err != nil {
		return err
	}
	return s.showTrackedComplaint(w, r, http.StatusOK, c, "", r.PostFormValue("contact"), nil)
}

func (s *Server) showTrackedComplaint(w http.ResponseWriter, r *http.Request, status int, c complaints.Complaint, key, contact string, errs map[string]string) error {
	events, err := s.complaints.Events(r.Context(), c.ID, true)
	if err != nil {
		return err
	}
	cal, err := s.charters.WorkCalendar(r.Context(), c.CalendarID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "complaint_track", "Your complaint", map[string]any{
		"Complaint": c, "Events": events, "Zone": cal.Location(), "Key": key, "Contact": contact, "Words": complaintWords,
		"Token": s.publicFormToken(w, r), "Errors": errs, "Overdue": c.Overdue(s.now()),
	})
	return nil
}

// trackedComplaint finds the complaint a confirm or reopen form is for, by the key or the contact
// it carries.
func (s *Server) trackedComplaint(r *http.Request) (complaints.Complaint, error) {
	if !s.intake.allow(clientIP(r)) {
		return complaints.Complaint{}, apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	return s.complaints.Track(r.Context(), r.PathValue("ref"), r.PostFormValue("key"), r.PostFormValue("contact"))
}

// complaintConfirm is the complainant accepting the action taken.
func (s *Server) complaintConfirm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.trackedComplaint(r)
	if err != nil {
		return err
	}
	key, contact := r.PostFormValue("key"), r.PostFormValue("contact")
	updated, err := s.complaints.Confirm(r.Context(), c.ID)
	if err != nil {
		if msg, ok := s.refusal(r, err); ok {
			return s.showTrackedComplaint(w, r, http.StatusConflict, c, key, contact, map[string]string{"action": msg})
		}
		return err
	}
	return s.showTrackedComplaint(w, r, http.StatusOK, updated, key, contact, nil)
}

// complaintReopen is the complainant not satisfied with the answer: why, and it is open again.
func (s *Server) complaintReopen(w http.ResponseWriter, r *http.Request) error {
	c, err := s.trackedComplaint(r)
	if err != nil {
		return err
	}
	key, contact := r.PostFormValue("key"), r.PostFormValue("contact")
	updated, err := s.complaints.Reopen(r.Context(), c.ID, r.PostFormValue("reason"))
	if err != nil {
		if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
			return s.showTrackedComplaint(w, r, http.StatusUnprocessableEntity, c, key, contact, s.messageErrors(r, err))
		}
		return err
	}
	return s.showTrackedComplaint(w, r, http.StatusOK, updated, key, contact, nil)
}
