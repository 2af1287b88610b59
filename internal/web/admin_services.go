package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
)

// adminServices lists the services the user may edit, searchable and paged.
func (s *Server) adminServices(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := charter.ServiceFilter{Query: q.Get("q"), AgencyCode: q.Get("agency"), Limit: pageSize, Offset: (pageNo - 1) * pageSize}
	if u.Role == auth.AgencyAdmin {
		a, err := s.charters.AgencyByID(r.Context(), u.AgencyID)
		if err != nil {
			return err
		}
		f.AgencyCode = a.Code
	}
	page, err := s.charters.Services(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_services", "Services", map[string]any{"Page": page, "Filter": f, "Pager": newPager(pageNo, page.Total, pageSize, q)})
	return nil
}

func (s *Server) showServiceForm(w http.ResponseWriter, r *http.Request, status int, sv charter.Service, errs map[string]string) error {
	u := info(r).user
	all, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	var agencies []charter.Agency
	for _, a := range all {
		if u.CanAgency(auth.ManageServices, a.ID) {
			agencies = append(agencies, a)
		}
	}
	s.render(w, r, status, "admin_service_form", "Service", map[string]any{"Service": sv, "Errors": errs, "Agencies": agencies, "Channels": charter.Channels})
	return nil
}

func (s *Server) serviceNewForm(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	return s.showServiceForm(w, r, http.StatusOK, charter.Service{AgencyID: u.AgencyID, Cost: charter.Cost{Kind: charter.CostFree},
		Timeline: charter.Timeline{Kind: charter.TimelineDuration}, Channels: []string{"counter"}, Active: true}, nil)
}

// serviceFromForm reads the form over sv. A bad amount is left as -1 cents so validation names it.
func serviceFromForm(r *http.Request, sv charter.Service) charter.Service {
	sv.Code, sv.Name, sv.NameSw, sv.Description = r.PostFormValue("code"), r.PostFormValue("name"), r.PostFormValue("name_sw"), r.PostFormValue("description")
	sv.AgencyID, _ = strconv.ParseInt(r.PostFormValue("agency"), 10, 64)
	sv.Requirements = formLines(r, "requirements")
	sv.Cost = charter.Cost{Kind: r.PostFormValue("cost_kind"), Text: r.PostFormValue("cost_text")}
	if sv.Cost.Kind == charter.CostAmount {
		cents, ok := formCents(r.PostFormValue("cost_amount"))
		if !ok {
			cents = -1
		}
		sv.Cost.Cents = cents
	}
	sv.Timeline = charter.Timeline{Kind: r.PostFormValue("timeline_kind"), Span: r.PostFormValue("timeline"), Text: r.PostFormValue("timeline_text")}
	_ = r.ParseForm()
	sv.Channels = r.PostForm["channels"]
	sv.Active = r.PostFormValue("active") == "on"
	sv.AllowAnonymous = r.PostFormValue("allow_anonymous") == "on"
	return sv
}

func (s *Server) serviceCreate(w http.ResponseWriter, r *http.Request) error {
	sv := serviceFromForm(r, charter.Service{})
	sv.Active = true
	if !info(r).user.CanAgency(auth.ManageServices, sv.AgencyID) && sv.AgencyID != 0 {
		return forbidden()
	}
	saved, err := s.charters.SaveService(r.Context(), info(r).user.Actor(clientIP(r)), sv)
	if errs, ok := formErrors(err); ok {
		return s.showServiceForm(w, r, http.StatusUnprocessableEntity, sv, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/services/"+saved.Code+"/edit?notice=created", http.StatusSeeOther)
	return nil
}

func (s *Server) serviceInScope(r *http.Request) (charter.Service, error) {
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return sv, err
	}
	if !info(r).user.CanAgency(auth.ManageServices, sv.AgencyID) {
		return sv, forbidden()
	}
	return sv, nil
}

func (s *Server) serviceEditForm(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.serviceInScope(r)
	if err != nil {
		return err
	}
	return s.showServiceForm(w, r, http.StatusOK, sv, nil)
}

func (s *Server) serviceUpdate(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.serviceInScope(r)
	if err != nil {
		return err
	}
	sv = serviceFromForm(r, sv)
	// Moving a service to another agency needs the right over that agency too.
	if !info(r).user.CanAgency(auth.ManageServices, sv.AgencyID) {
		return forbidden()
	}
	saved, err := s.charters.SaveService(r.Context(), info(r).user.Actor(clientIP(r)), sv)
	if errs, ok := formErrors(err); ok {
		return s.showServiceForm(w, r, http.StatusUnprocessableEntity, sv, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/services/"+saved.Code+"/edit?notice=saved", http.StatusSeeOther)
	return nil
}
