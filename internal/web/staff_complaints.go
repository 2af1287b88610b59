package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/complaints"
)

// complaintsInbox is the staff list of complaints and compliments the user may see: filters by
// status, kind, category and centre, search by reference, open ones by deadline first.
func (s *Server) complaintsInbox(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	const size = 25
	f := complaints.Filter{SeeIntegrity: u.IntegrityOfficer, Overdue: q.Get("overdue") != "", Reference: q.Get("q"),
		OpenOnly: q.Get("status") == "" && q.Get("all") == "" && q.Get("kind") != complaints.KindCompliment,
		Limit:    size, Offset: (pageNo - 1) * size}
	var err error
	if f.Kind, err = filterParam(q, "kind", []string{complaints.KindComplaint, complaints.KindCompliment}); err != nil {
		return err
	}
	if f.Category, err = filterParam(q, "category", complaints.Categories); err != nil {
		return err
	}
	if f.Status, err = filterParam(q, "status", complaints.Statuses); err != nil {
		return err
	}
	switch u.Role {
	case auth.NationalAdmin, auth.Auditor:
		f.SeeCentre = true
	case auth.AgencyAdmin:
		f.SeeCentre, f.ScopeAgencyID = true, u.AgencyID
	case auth.CentreManager:
		f.SeeCentre, f.ScopeCentreID = true, u.CentreID
	}
	if code := q.Get("centre"); code != "" {
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.CentreID = c.ID
	}
	page, err := s.complaints.List(r.Context(), f)
	if err != nil {
		return err
	}
	next, prev := "", ""
	if page.Offset+len(page.Complaints) < page.Total {
		next = pageLink(q, pageNo+1)
	}
	if pageNo > 1 {
		prev = pageLink(q, pageNo-1)
	}
	s.render(w, r, http.StatusOK, "staff_complaints", "Complaints and compliments", map[string]any{
		"Page": page, "Q": q, "Now": s.now(), "PageNo": pageNo, "Prev": prev, "Next": next, "Words": complaintWords,
		"Statuses": complaints.Statuses, "Categories": complaints.Categories,
	})
	return nil
}

// complaintInScope loads the complaint named in the path and checks the user may act on it with p.
// A complaint out of scope — above all a bribe report for someone without the integrity duty — is
// "not found": its existence is not told.
func (s *Server) complaintInScope(r *http.Request, p auth.Permission) (complaints.Complaint, error) {
	c, err := s.complaints.ByReference(r.Context(), r.PathValue("ref"))
	if err != nil {
		return c, err
	}
	u := info(r).user
	if !u.CanComplaint(auth.ViewComplaints, c.Integrity(), c.CentreID, c.AgencyID) {
		return c, apperr.New(apperr.NotFound, "No complaint with that reference.")
	}
	if !u.CanComplaint(p, c.Integrity(), c.CentreID, c.AgencyID) {
		return c, forbidden()
	}
	return c, nil
}

// complaintPage is one complaint: details, deadline, history, and the actions the user may take.
func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.complaintInScope(r, auth.ViewComplaints)
	if err != nil {
		return err
	}
	return s.showComplaint(w, r, http.StatusOK, c, nil)
}

func (s *Server) showComplaint(w http.ResponseWriter, r *http.Request, status int, c complaints.Complaint, errs map[string]string) error {
	u := info(r).user
	events, err := s.complaints.Events(r.Context(), c.ID, false)
	if err != nil {
		return err
	}
	cal, err := s.charters.WorkCalendar(r.Context(), c.CalendarID)
	if err != nil {
		return err
	}
	canHandle := u.CanComplaint(auth.HandleComplaints, c.Integrity(), c.CentreID, c.AgencyID) && c.Kind == complaints.KindComplaint
	var people []complaints.Person
	if canHandle {
		if people, err = s.complaints.Assignees(r.Context(), c); err != nil {
			return err
		}
	}
	// Referral: EACC by the integrity officers (bribe reports), the Ombudsman by the centre manager
	// or the secretariat (maladministration).
	var bodies []string
	if canHandle && c.Integrity() && c.ReferredEACCAt == nil {
		bodies = append(bodies, complaints.EACC)
	}
	if canHandle && !c.Integrity() && c.ReferredOmbudsmanAt == nil && (u.Role == auth.CentreManager || u.Role == auth.NationalAdmin) {
		bodies = append(bodies, complaints.Ombudsman)
	}
	s.render(w, r, status, "staff_complaint", c.Reference, map[string]any{
		"Complaint": c, "Events": events, "Zone": cal.Location(), "Words": complaintWords, "Now": s.now(),
		"Overdue": c.Overdue(s.now()), "AtRisk": c.AtRisk(s.now()), "CanHandle": canHandle, "People": people, "Bodies": bodies,
		"ToldVia": complaints.ToldVia, "Masked": !u.CanComplaint(auth.HandleComplaints, c.Integrity(), c.CentreID, c.AgencyID),
		"Errors": errs,
	})
	return nil
}

// complaintAction runs one action from the complaint page and returns to it; a refused action is
// shown on the page with its reason.
func (s *Server) complaintAction(act func(r *http.Request, c complaints.Complaint, actor audit.Actor) (complaints.Complaint, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.complaintInScope(r, auth.HandleComplaints)
		if err != nil {
			return err
		}
		u := info(r).user
		updated, err := act(r, c, audit.Actor{ID: u.ID, Name: u.Name, IP: clientIP(r)})
		if err != nil {
			if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) || apperr.Is(err, apperr.Forbidden) {
				return s.showComplaint(w, r, http.StatusUnprocessableEntity, c, s.messageErrors(r, err))
			}
			return err
		}
		http.Redirect(w, r, "/staff/complaints/"+updated.Reference+"?notice=saved", http.StatusSeeOther)
		return nil
	}
}

// complaintAssign takes a complaint (assignee "me") or gives it to someone who may handle it.
func (s *Server) complaintAssign(w http.ResponseWriter, r *http.Request) error {
	return s.complaintAction(func(r *http.Request, c complaints.Complaint, a audit.Actor) (complaints.Complaint, error) {
		id := a.ID
		if v := r.PostFormValue("assignee"); v != "me" {
			id, _ = strconv.ParseInt(v, 10, 64)
		}
		return s.complaints.Assign(r.Context(), a, c.ID, id)
	})(w, r)
}

func (s *Server) complaintNote(w http.ResponseWriter, r *http.Request) error {
	return s.complaintAction(func(r *http.Request, c complaints.Complaint, a audit.Actor) (complaints.Complaint, error) {
		return s.complaints.Note(r.Context(), a, c.ID, r.PostFormValue("body"))
	})(w, r)
}

func (s *Server) complaintAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.complaintAction(func(r *http.Request, c complaints.Complaint, a audit.Actor) (complaints.Complaint, error) {
		return s.complaints.Answer(r.Context(), a, c.ID, r.PostFormValue("action"), r.PostFormValue("told_via"))
	})(w, r)
}

func (s *Server) complaintRefer(w http.ResponseWriter, r *http.Request) error {
	return s.complaintAction(func(r *http.Request, c complaints.Complaint, a audit.Actor) (complaints.Complaint, error) {
		u := info(r).user
		body := r.PostFormValue("body")
		if body == complaints.Ombudsman && u.Role != auth.CentreManager && u.Role != auth.NationalAdmin {
			return c, apperr.New(apperr.Forbidden, "Only the centre manager or the secretariat refers a complaint to the Ombudsman.")
		}
		return s.complaints.Refer(r.Context(), a, c.ID, body, r.PostFormValue("their_reference"), r.PostFormValue("note"))
	})(w, r)
}

func (s *Server) complaintClose(w http.ResponseWriter, r *http.Request) error {
	return s.complaintAction(func(r *http.Request, c complaints.Complaint, a audit.Actor) (complaints.Complaint, error) {
		return s.complaints.Close(r.Context(), a, c.ID)
	})(w, r)
}

// staffComplaintForm is for staff lodging a complaint or a compliment for a citizen at the
// counter, or one that came by phone, e-mail or SMS.
func (s *Server) staffComplaintForm(w http.ResponseWriter, r *http.Request) error {
	n := complaints.NewComplaint{Kind: complaints.KindComplaint, Channel: "counter"}
	if r.URL.Query().Get("kind") == complaints.KindCompliment {
		n.Kind = complaints.KindCompliment
	}
	return s.showStaffComplaintForm(w, r, http.StatusOK, n, nil)
}

func (s *Server) showStaffComplaintForm(w http.ResponseWriter, r *http.Request, status int, n complaints.NewComplaint, errs map[string]string) error {
	u := info(r).user
	data := map[string]any{"Form": n, "Errors": errs, "Categories": complaints.Categories, "Channels": complaints.StaffChannels,
		"Words": complaintWords, "Key": s.formKey(r)}
	if u.CentreID != 0 {
		c, err := s.charters.CentreByID(r.Context(), u.CentreID)
		if err != nil {
			return err
		}
		data["Centre"] = c
		officers, err := s.auth.Colleagues(r.Context(), u.CentreID, 0)
		if err != nil {
			return err
		}
		data["Officers"] = officers
	}
	s.render(w, r, status, "staff_complaint_new", "Lodge a complaint or compliment", data)
	return nil
}

func (s *Server) staffComplaintSubmit(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	n := readNewComplaint(r)
	n.Channel = r.PostFormValue("channel")
	n.ServiceCode = r.PostFormValue("service")
	n.OfficerID, _ = strconv.ParseInt(r.PostFormValue("officer"), 10, 64)
	if u.CentreID != 0 {
		c, err := s.charters.CentreByID(r.Context(), u.CentreID)
		if err != nil {
			return err
		}
		n.CentreCode = c.Code // centre staff lodge at their own centre
	}
	formKey := r.PostFormValue("idempotency_key")
	if serverKey.MatchString(formKey) {
		n.IdempotencyKey, n.TrackingKey = scopedKey("staff:"+strconv.FormatInt(u.ID, 10), formKey), complaints.LinkKey(formKey)
	}
	c, err := s.complaints.Create(r.Context(), audit.Actor{ID: u.ID, Name: u.Name, IP: clientIP(r)}, n)
	if err == nil {
		s.renderComplaintDone(w, r, c, true)
		return nil
	}
	if errs, ok := formErrors(err); ok {
		return s.showStaffComplaintForm(w, r, http.StatusUnprocessableEntity, n, errs)
	}
	return err
}
