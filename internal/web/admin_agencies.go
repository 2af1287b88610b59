package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
)

// adminAgencies lists the agencies the user may edit.
func (s *Server) adminAgencies(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	all, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	var list []charter.Agency
	for _, a := range all {
		if u.CanAgency(auth.EditOwnAgency, a.ID) {
			list = append(list, a)
		}
	}
	s.render(w, r, http.StatusOK, "admin_agencies", "Agencies", map[string]any{"Agencies": list})
	return nil
}

func (s *Server) showAgencyForm(w http.ResponseWriter, r *http.Request, status int, a charter.Agency, errs map[string]string) {
	s.render(w, r, status, "admin_agency_form", "Agency", map[string]any{"Agency": a, "Errors": errs, "Kinds": charter.AgencyKinds})
}

func (s *Server) agencyNewForm(w http.ResponseWriter, r *http.Request) error {
	s.showAgencyForm(w, r, http.StatusOK, charter.Agency{Kind: "agency"}, nil)
	return nil
}

func agencyFromForm(r *http.Request, a charter.Agency) charter.Agency {
	a.Code, a.Name, a.NameSw = r.PostFormValue("code"), r.PostFormValue("name"), r.PostFormValue("name_sw")
	a.Kind, a.County = r.PostFormValue("kind"), r.PostFormValue("county")
	a.Email, a.Phone, a.Address = r.PostFormValue("email"), r.PostFormValue("phone"), r.PostFormValue("address")
	return a
}

func (s *Server) agencyCreate(w http.ResponseWriter, r *http.Request) error {
	a := agencyFromForm(r, charter.Agency{})
	saved, err := s.charters.SaveAgency(r.Context(), info(r).user.Actor(clientIP(r)), a)
	if errs, ok := formErrors(err); ok {
		s.showAgencyForm(w, r, http.StatusUnprocessableEntity, a, errs)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agencies/"+saved.Code+"/edit?notice=created", http.StatusSeeOther)
	return nil
}

func (s *Server) agencyInScope(r *http.Request) (charter.Agency, error) {
	a, err := s.charters.AgencyByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return a, err
	}
	if !info(r).user.CanAgency(auth.EditOwnAgency, a.ID) {
		return a, forbidden()
	}
	return a, nil
}

func (s *Server) agencyEditForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.agencyInScope(r)
	if err != nil {
		return err
	}
	s.showAgencyForm(w, r, http.StatusOK, a, nil)
	return nil
}

func (s *Server) agencyUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := s.agencyInScope(r)
	if err != nil {
		return err
	}
	oldCode := a.Code
	a = agencyFromForm(r, a)
	if !info(r).user.Can(auth.ManageAgencies) {
		a.Code = oldCode // only the secretariat renames codes: other systems refer to them
	}
	saved, err := s.charters.SaveAgency(r.Context(), info(r).user.Actor(clientIP(r)), a)
	if errs, ok := formErrors(err); ok {
		s.showAgencyForm(w, r, http.StatusUnprocessableEntity, a, errs)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/agencies/"+saved.Code+"/edit?notice=saved", http.StatusSeeOther)
	return nil
}
