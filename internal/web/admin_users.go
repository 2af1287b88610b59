package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
)

// adminUsers lists the staff the user manages (auth decides who: User.SeesStaff, applied by the
// query), searchable by name or username and filtered by role, centre, agency and state.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	u := info(r).user
	q := r.URL.Query()
	f := auth.StaffFilter{Query: strings.TrimSpace(q.Get("q")), Role: auth.Role(q.Get("role")), State: q.Get("state"), PerPage: 25}
	errs := map[string]string{}
	for name, dst := range map[string]*int64{"centre": &f.CentreID, "agency": &f.AgencyID} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id < 0 {
				errs[name] = "Choose one of the listed options."
			}
			*dst = id
		}
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs["page"] = "Choose one of the listed options."
		}
		f.Page = n
	}
	page := auth.StaffPage{Page: 1, Pages: 1}
	status := http.StatusOK
	if len(errs) == 0 {
		var err error
		page, err = s.auth.ListStaff(r.Context(), u, f)
		if fe, ok := formErrors(err); ok {
			errs, status = fe, http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	centres, agencies, err := s.staffChoices(r, u)
	if err != nil {
		return err
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, vals := range q {
			if k != "page" && len(vals) > 0 && vals[0] != "" {
				v.Set(k, vals[0])
			}
		}
		v.Set("page", strconv.Itoa(n))
		return "/admin/users?" + v.Encode()
	}
	pager := map[string]any{"Page": page.Page, "Pages": page.Pages, "Prev": "", "Next": ""}
	if page.Page > 1 {
		pager["Prev"] = pageURL(page.Page - 1)
	}
	if page.Page < page.Pages {
		pager["Next"] = pageURL(page.Page + 1)
	}
	s.render(w, r, status, "admin_users", "Staff", map[string]any{
		"Page": page, "Pager": pager, "Q": q, "Errors": errs, "Roles": auth.Roles, "RoleNames": roleNames,
		"Centres": centres, "Agencies": agencies,
	})
	return nil
}

// staffChoices are the centres and agencies the user may put staff in, for the forms and filters:
// the secretariat any; an agency admin any centre (their officers serve at Huduma Centres too)
// and their own agency; a centre manager their centre.
func (s *Server) staffChoices(r *http.Request, u auth.User) ([]charter.Centre, []charter.Agency, error) {
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{})
	if err != nil {
		return nil, nil, err
	}
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return nil, nil, err
	}
	switch u.Role {
	case auth.NationalAdmin:
		return centres, agencies, nil
	case auth.AgencyAdmin:
		var own []charter.Agency
		for _, a := range agencies {
			if a.ID == u.AgencyID {
				own = append(own, a)
			}
		}
		return centres, own, nil
	case auth.CentreManager:
		var own []charter.Centre
		for _, c := range centres {
			if c.ID == u.CentreID {
				own = append(own, c)
			}
		}
		return own, agencies, nil
	}
	return nil, nil, nil
}

// noStore keeps pages with personal data out of browser and proxy caches.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// staffChangeFromForm reads the account form.
func staffChangeFromForm(r *http.Request) auth.StaffChange {
	c := auth.StaffChange{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		Role: auth.Role(r.PostFormValue("role")), Language: r.PostFormValue("language"), IntegrityOfficer: r.PostFormValue("integrity") != ""}
	c.CentreID, _ = strconv.ParseInt(r.PostFormValue("centre"), 10, 64)
	c.AgencyID, _ = strconv.ParseInt(r.PostFormValue("agency"), 10, 64)
	return c
}

// showUserForm shows the add or edit form: st is the account as typed (or stored).
func (s *Server) showUserForm(w http.ResponseWriter, r *http.Request, status int, st auth.Staff, errs map[string]string) error {
	noStore(w)
	u := info(r).user
	centres, agencies, err := s.staffChoices(r, u)
	if err != nil {
		return err
	}
	title := "Add a staff member"
	var lockedUntil time.Time
	if st.ID != 0 {
		title = "Staff account"
		lock, err := s.auth.LockState(r.Context(), st.ID)
		if err != nil {
			return err
		}
		lockedUntil = lock.LockedUntil
	}
	s.render(w, r, status, "admin_user_form", title, map[string]any{
		"Staff": st, "Errors": errs, "Roles": u.GrantableRoles(), "RoleNames": roleNames, "Centres": centres, "Agencies": agencies,
		"Integrity": u.Role == auth.NationalAdmin, "LockedUntil": lockedUntil, "Zone": displayZone,
	})
	return nil
}

func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	st := auth.Staff{User: auth.User{Role: auth.Officer, Language: info(r).lang, Active: true}}
	switch u.Role {
	case auth.CentreManager:
		st.CentreID = u.CentreID
	case auth.AgencyAdmin:
		st.AgencyID = u.AgencyID
	}
	return s.showUserForm(w, r, http.StatusOK, st, nil)
}

// userCreate adds an account and sends its invitation; nobody but its owner ever sets its password.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	c := staffChangeFromForm(r)
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	st, err := s.auth.InviteStaff(r.Context(), u, clientIP(r), username, c, s.publicURL())
	if apperr.Is(err, apperr.Conflict) {
		// The same form sent twice (a double click, a retry on a slow link) finds the account its
		// first sending made: show it rather than a "taken" error, and send nothing again.
		if prev, lerr := s.auth.ManagedStaff(r.Context(), u, username); lerr == nil && prev.Invited && prev.Name == strings.TrimSpace(c.Name) &&
			prev.Email == strings.TrimSpace(c.Email) && s.now().Sub(prev.CreatedAt) < 10*time.Minute {
			http.Redirect(w, r, "/admin/users/"+prev.Username+"?notice=invited", http.StatusSeeOther)
			return nil
		}
	}
	if errs, ok := formErrors(err); ok {
		typed := auth.Staff{User: auth.User{Username: username, Name: c.Name, Email: c.Email, Phone: c.Phone, Role: c.Role,
			CentreID: c.CentreID, AgencyID: c.AgencyID, Language: c.Language, IntegrityOfficer: c.IntegrityOfficer}}
		return s.showUserForm(w, r, statusOf(apperr.CodeOf(err)), typed, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+st.Username+"?notice=invited", http.StatusSeeOther)
	return nil
}

// publicURL is the address links in messages start with.
func (s *Server) publicURL() string { return s.requests.Config().PublicURL }

func (s *Server) userEditForm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.ManagedStaff(r.Context(), info(r).user, r.PathValue("username"))
	if err != nil {
		return err
	}
	return s.showUserForm(w, r, http.StatusOK, st, nil)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	before, err := s.auth.ManagedStaff(r.Context(), u, r.PathValue("username"))
	if err != nil {
		return err
	}
	c := staffChangeFromForm(r)
	if u.Role != auth.NationalAdmin {
		c.IntegrityOfficer = before.IntegrityOfficer // the form has no such box for them
	}
	_, err = s.auth.UpdateStaff(r.Context(), u, clientIP(r), before.Username, c, s.publicURL())
	if errs, ok := formErrors(err); ok {
		typed := before
		typed.Name, typed.Email, typed.Phone, typed.Role = c.Name, c.Email, c.Phone, c.Role
		typed.CentreID, typed.AgencyID, typed.Language, typed.IntegrityOfficer = c.CentreID, c.AgencyID, c.Language, c.IntegrityOfficer
		return s.showUserForm(w, r, statusOf(apperr.CodeOf(err)), typed, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+before.Username+"?notice=saved", http.StatusSeeOther)
	return nil
}

// userDisableConfirm asks before disabling: it signs the person out everywhere and frees their counter.
func (s *Server) userDisableConfirm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.ManagedStaff(r.Context(), info(r).user, r.PathValue("username"))
	if err != nil {
		return err
	}
	noStore(w)
	data := map[string]any{"Staff": st}
	if ss, err := s.queue.SessionOf(r.Context(), st.ID); err == nil {
		data["Counter"] = ss
	}
	s.render(w, r, http.StatusOK, "admin_user_disable", "Disable account", data)
	return nil
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.DisableStaff(r.Context(), info(r).user, clientIP(r), r.PathValue("username"), s.queue.ReleaseOfficer)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+st.Username+"?notice=disabled", http.StatusSeeOther)
	return nil
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.EnableStaff(r.Context(), info(r).user, clientIP(r), r.PathValue("username"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+st.Username+"?notice=enabled", http.StatusSeeOther)
	return nil
}

// userReset sends the account a link to set a new password (a fresh invitation if it never set one).
func (s *Server) userReset(w http.ResponseWriter, r *http.Request) error {
	st, err := s.auth.SendPasswordReset(r.Context(), info(r).user, clientIP(r), r.PathValue("username"), s.publicURL())
	if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
		before, lerr := s.auth.ManagedStaff(r.Context(), info(r).user, r.PathValue("username"))
		if lerr != nil {
			return lerr
		}
		return s.showUserForm(w, r, statusOf(apperr.CodeOf(err)), before, s.messageErrors(r, err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+st.Username+"?notice=reset_sent", http.StatusSeeOther)
	return nil
}
