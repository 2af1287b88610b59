package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
)

// charterOwner loads the charter being edited (or a blank one for its owner) and checks scope.
func (s *Server) charterOwner(r *http.Request) (charter.Charter, string, error) {
	u := info(r).user
	code := r.PathValue("code")
	switch r.PathValue("owner") {
	case "agency":
		a, err := s.charters.AgencyByCode(r.Context(), code)
		if err != nil {
			return charter.Charter{}, "", err
		}
		if !u.CanAgency(auth.EditCharter, a.ID) {
			return charter.Charter{}, "", forbidden()
		}
		ch, err := s.charters.CharterOfAgency(r.Context(), a.ID)
		if isNotFound(err) {
			ch, err = charter.Charter{AgencyID: a.ID, OwnerCode: a.Code, OwnerName: a.Name, Title: a.Name + " Service Charter", Published: true}, nil
		}
		return ch, "/charters/agency/" + a.Code, err
	case "centre":
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return charter.Charter{}, "", err
		}
		if !u.CanCentre(auth.EditCharter, c.ID) {
			return charter.Charter{}, "", forbidden()
		}
		ch, err := s.charters.CharterOfCentre(r.Context(), c.ID)
		if isNotFound(err) {
			ch, err = charter.Charter{CentreID: c.ID, OwnerCode: c.Code, OwnerName: c.Name, Title: c.Name + " Service Charter", Published: true}, nil
		}
		return ch, "/charters/centre/" + c.Code, err
	}
	return charter.Charter{}, "", apperr.New(apperr.NotFound, "There is no page at this address.")
}

func (s *Server) charterEditForm(w http.ResponseWriter, r *http.Request) error {
	ch, public, err := s.charterOwner(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_charter_form", "Edit charter", map[string]any{"Charter": ch, "Public": public})
	return nil
}

func (s *Server) charterUpdate(w http.ResponseWriter, r *http.Request) error {
	ch, public, err := s.charterOwner(r)
	if err != nil {
		return err
	}
	ch.Title, ch.Preamble, ch.Vision = r.PostFormValue("title"), r.PostFormValue("preamble"), r.PostFormValue("vision")
	ch.Mission, ch.Mandate = r.PostFormValue("mission"), r.PostFormValue("mandate")
	ch.CoreValues, ch.CoreFunctions = formLines(r, "core_values"), formLines(r, "core_functions")
	ch.Legislation, ch.Commitments, ch.Clients = formLines(r, "legislation"), formLines(r, "commitments"), formLines(r, "clients")
	ch.Standards, ch.Conduct = formLines(r, "standards"), formLines(r, "conduct")
	ch.ClientObligations, ch.ClientRights = formLines(r, "client_obligations"), formLines(r, "client_rights")
	ch.WorkingHours, ch.MatrixNote = r.PostFormValue("working_hours"), r.PostFormValue("matrix_note")
	ch.Complaints, ch.Closing = r.PostFormValue("complaints"), r.PostFormValue("closing")
	ch.Published = r.PostFormValue("published") == "on"
	_, err = s.charters.SaveCharter(r.Context(), info(r).user.Actor(clientIP(r)), ch)
	if errs, ok := formErrors(err); ok {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_charter_form", "Edit charter", map[string]any{"Charter": ch, "Public": public, "Errors": errs})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, r.URL.Path+"?notice=saved", http.StatusSeeOther)
	return nil
}
