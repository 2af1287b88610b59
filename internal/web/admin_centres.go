package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
)

// adminCentres lists the centres the user may edit.
func (s *Server) adminCentres(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	all, err := s.charters.Centres(r.Context(), charter.CentreFilter{Query: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	var list []charter.Centre
	for _, c := range all {
		if u.CanCentre(auth.EditOwnCentre, c.ID) {
			list = append(list, c)
		}
	}
	s.render(w, r, http.StatusOK, "admin_centres", "Centres", map[string]any{"Centres": list, "Q": r.URL.Query().Get("q")})
	return nil
}

func (s *Server) showCentreForm(w http.ResponseWriter, r *http.Request, status int, c charter.Centre, errs map[string]string) error {
	calendars, err := s.charters.Calendars(r.Context())
	if err != nil {
		return err
	}
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	data := map[string]any{"Centre": c, "Errors": errs, "Kinds": charter.CentreKinds, "Calendars": calendars, "Agencies": agencies}
	if c.ID != 0 {
		all, err := s.charters.Services(r.Context(), charter.ServiceFilter{Limit: 500})
		if err != nil {
			return err
		}
		offered, err := s.charters.Services(r.Context(), charter.ServiceFilter{CentreCode: c.Code, Limit: 500})
		if err != nil {
			return err
		}
		on := map[int64]bool{}
		for _, sv := range offered.Services {
			on[sv.ID] = true
		}
		data["AllServices"], data["Offered"] = all.Services, on
	}
	s.render(w, r, status, "admin_centre_form", "Centre", data)
	return nil
}

func (s *Server) centreNewForm(w http.ResponseWriter, r *http.Request) error {
	cal, err := s.charters.CalendarByCode(r.Context(), charter.DefaultCalendarCode)
	if err != nil {
		return err
	}
	return s.showCentreForm(w, r, http.StatusOK, charter.Centre{Kind: "huduma_centre", CalendarID: cal.ID}, nil)
}

func centreFromForm(r *http.Request, c charter.Centre) charter.Centre {
	c.Code, c.Name, c.Kind = r.PostFormValue("code"), r.PostFormValue("name"), r.PostFormValue("kind")
	c.County, c.Address = r.PostFormValue("county"), r.PostFormValue("address")
	c.CalendarID, _ = strconv.ParseInt(r.PostFormValue("calendar"), 10, 64)
	c.AgencyID, _ = strconv.ParseInt(r.PostFormValue("agency"), 10, 64)
	counters, err := strconv.Atoi(r.PostFormValue("counters"))
	if err != nil {
		counters = -1 // reported as a field error by validation
	}
	c.Counters = counters
	return c
}

func (s *Server) centreCreate(w http.ResponseWriter, r *http.Request) error {
	c := centreFromForm(r, charter.Centre{})
	saved, err := s.charters.SaveCentre(r.Context(), info(r).user.Actor(clientIP(r)), c)
	if errs, ok := formErrors(err); ok {
		return s.showCentreForm(w, r, http.StatusUnprocessableEntity, c, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/centres/"+saved.Code+"/edit?notice=created", http.StatusSeeOther)
	return nil
}

func (s *Server) centreInScope(r *http.Request) (charter.Centre, error) {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return c, err
	}
	if !info(r).user.CanCentre(auth.EditOwnCentre, c.ID) {
		return c, forbidden()
	}
	return c, nil
}

func (s *Server) centreEditForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.centreInScope(r)
	if err != nil {
		return err
	}
	return s.showCentreForm(w, r, http.StatusOK, c, nil)
}

func (s *Server) centreUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.centreInScope(r)
	if err != nil {
		return err
	}
	before := c
	c = centreFromForm(r, c)
	if !info(r).user.Can(auth.ManageCentres) {
		// A centre manager edits the centre's details, not its identity or who runs it.
		c.Code, c.Kind, c.AgencyID = before.Code, before.Kind, before.AgencyID
	}
	saved, err := s.charters.SaveCentre(r.Context(), info(r).user.Actor(clientIP(r)), c)
	if errs, ok := formErrors(err); ok {
		return s.showCentreForm(w, r, http.StatusUnprocessableEntity, c, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/centres/"+saved.Code+"/edit?notice=saved", http.StatusSeeOther)
	return nil
}

// centreServicesUpdate sets which services a centre offers.
func (s *Server) centreServicesUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.centreInScope(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["service"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if err := s.charters.SetCentreServices(r.Context(), info(r).user.Actor(clientIP(r)), c.ID, ids); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/centres/"+c.Code+"/edit?notice=saved#services", http.StatusSeeOther)
	return nil
}
