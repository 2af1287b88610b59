package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/requests"
)

// inbox is the staff list of requests: the user's scope, filters, search, most urgent first.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	const size = 25
	f := requests.Filter{Query: q.Get("q"), Limit: size, Offset: (pageNo - 1) * size, OpenOnly: q.Get("status") == "" && q.Get("all") == ""}
	var err error
	if f.Status, err = filterParam(q, "status", requests.Statuses); err != nil {
		return err
	}
	if f.SLA, err = filterParam(q, "sla", requests.SLAFilters); err != nil {
		return err
	}
	if f.Channel, err = filterParam(q, "channel", requests.Channels); err != nil {
		return err
	}
	if _, err := filterParam(q, "who", []string{"me", "unassigned", "user"}); err != nil {
		return err
	}
	switch u.Role {
	case auth.Officer, auth.CentreManager:
		f.CentreID = u.CentreID
	case auth.AgencyAdmin:
		f.AgencyID = u.AgencyID
	}
	switch q.Get("who") {
	case "me":
		f.AssigneeID = u.ID
	case "unassigned":
		f.Unassigned = true
	case "user":
		if f.AssigneeID, err = strconv.ParseInt(q.Get("assignee"), 10, 64); err != nil || f.AssigneeID <= 0 {
			return apperr.New(apperr.BadRequest, "%s must be a whole number.", "assignee")
		}
	}
	if q.Get("escalated") != "" {
		f.Escalated = true
	}
	if code := q.Get("service"); code != "" {
		sv, err := s.charters.ServiceByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.ServiceID = sv.ID
	}
	if code := q.Get("centre"); code != "" && f.CentreID == 0 {
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.CentreID = c.ID
	}
	page, err := s.requests.List(r.Context(), f)
	if err != nil {
		return err
	}
	next := ""
	if page.Offset+len(page.Requests) < page.Total || page.Capped {
		next = pageLink(q, pageNo+1)
	}
	prev := ""
	if pageNo > 1 {
		prev = pageLink(q, pageNo-1)
	}
	s.render(w, r, http.StatusOK, "staff_inbox", "Requests", map[string]any{
		"Page": page, "Q": q, "Now": s.now(), "PageNo": pageNo, "Prev": prev, "Next": next,
		"Statuses": requests.Statuses, "Channels": requests.Channels,
		"SLAStates": []requests.SLAState{requests.Breached, requests.AtRisk, requests.OnTrack, requests.Paused},
		"Masked":    !u.SeesPersonalData(),
	})
	return nil
}

func pageLink(q url.Values, n int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(n))
	return "?" + v.Encode()
}

// requestInScope loads the request named in the path and checks the user may act on it with p.
func (s *Server) requestInScope(r *http.Request, p auth.Permission) (requests.Request, error) {
	req, err := s.requests.ByReference(r.Context(), r.PathValue("ref"))
	if err != nil {
		return req, err
	}
	if !info(r).user.CanRequest(p, req.CentreID, req.AgencyID, req.ReferredFrom) {
		return req, forbidden()
	}
	return req, nil
}

// requestPage is one request: details, SLA, timeline, and the actions the user may take.
func (s *Server) requestPage(w http.ResponseWriter, r *http.Request) error {
	req, err := s.requestInScope(r, auth.ViewRequests)
	if err != nil {
		return err
	}
	return s.showRequest(w, r, http.StatusOK, req, nil)
}

func (s *Server) showRequest(w http.ResponseWriter, r *http.Request, status int, req requests.Request, errs map[string]string) error {
	u := info(r).user
	events, err := s.requests.Events(r.Context(), req.ID, false)
	if err != nil {
		return err
	}
	files, err := s.requests.Attachments(r.Context(), req.ID, false)
	if err != nil {
		return err
	}
	linked, err := s.requests.Linked(r.Context(), req.ID)
	if err != nil {
		return err
	}
	cal, err := s.charters.WorkCalendar(r.Context(), req.CalendarID)
	if err != nil {
		return err
	}
	staff, err := s.auth.Colleagues(r.Context(), req.CentreID, req.AgencyID)
	if err != nil {
		return err
	}
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	canned, err := s.requests.CannedReplies(r.Context(), req.AgencyID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "staff_request", req.Reference, map[string]any{
		"Request": req, "Events": events, "Files": files, "Linked": linked, "SLA": req.SLA(s.now()), "Zone": cal.Location(),
		"Next": req.Status.Next(), "WaitingOn": requests.WaitingOn, "Staff": staff, "Agencies": agencies, "Canned": canned,
		"CanHandle":  u.CanRequest(auth.HandleRequests, req.CentreID, req.AgencyID, req.ReferredFrom),
		"CanApprove": u.CanRequest(auth.ApproveRequests, req.CentreID, req.AgencyID, req.ReferredFrom) && req.Approval == "pending",
		"Masked":     !u.SeesPersonalData(), "Errors": errs,
	})
	return nil
}

// requestAction runs one action from the request page and returns to it; a refused action is
// shown on the page with its reason.
func (s *Server) requestAction(p auth.Permission, act func(r *http.Request, req requests.Request, actor requests.Actor) (requests.Request, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		req, err := s.requestInScope(r, p)
		if err != nil {
			return err
		}
		u := info(r).user
		updated, err := act(r, req, requests.Actor{ID: u.ID, Name: u.Name})
		if err != nil {
			if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
				errs := s.messageErrors(r, err)
				return s.showRequest(w, r, http.StatusUnprocessableEntity, req, errs)
			}
			return err
		}
		http.Redirect(w, r, "/staff/requests/"+updated.Reference+"?notice=saved", http.StatusSeeOther)
		return nil
	}
}

func (s *Server) requestStatus(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		return s.requests.ChangeStatus(r.Context(), a, req.ID, requests.StatusChange{To: requests.Status(r.PostFormValue("status")),
			WaitingOn: r.PostFormValue("waiting_on"), Message: r.PostFormValue("message")})
	})(w, r)
}

func (s *Server) requestComment(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		return s.requests.Comment(r.Context(), a, req.ID, r.PostFormValue("body"), r.PostFormValue("public") == "on")
	})(w, r)
}

func (s *Server) requestAssign(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		if r.PostFormValue("auto") != "" {
			return s.requests.AutoAssign(r.Context(), a, req.ID)
		}
		id, _ := strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
		return s.requests.Assign(r.Context(), a, req.ID, id)
	})(w, r)
}

func (s *Server) requestRefer(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		return s.requests.Refer(r.Context(), a, req.ID, r.PostFormValue("agency"), r.PostFormValue("note"))
	})(w, r)
}

func (s *Server) requestDecide(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.ApproveRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		return s.requests.Decide(r.Context(), a, req.ID, r.PostFormValue("decision") == "approve", r.PostFormValue("note"))
	})(w, r)
}

func (s *Server) requestLink(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		if r.PostFormValue("merge") != "" {
			return s.requests.Merge(r.Context(), a, req.ID, r.PostFormValue("other"))
		}
		if r.PostFormValue("parent") != "" {
			return s.requests.SetParent(r.Context(), a, req.ID, r.PostFormValue("other"))
		}
		return s.requests.Link(r.Context(), a, req.ID, r.PostFormValue("other"))
	})(w, r)
}

func (s *Server) requestAttach(w http.ResponseWriter, r *http.Request) error {
	return s.requestAction(auth.HandleRequests, func(r *http.Request, req requests.Request, a requests.Actor) (requests.Request, error) {
		n, err := readNewRequest(r)
		if err != nil {
			return req, err
		}
		if len(n.Attachments) == 0 {
			return req, apperr.InvalidFields(map[string]string{"attachment": "Choose a file to attach."})
		}
		att := n.Attachments[0]
		att.Public = r.FormValue("public") == "on"
		return s.requests.Attach(r.Context(), a, req.ID, att)
	})(w, r)
}

// requestFile sends one attachment to staff who may read the request.
func (s *Server) requestFile(w http.ResponseWriter, r *http.Request) error {
	req, err := s.requestInScope(r, auth.ViewRequests)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a, data, err := s.requests.AttachmentData(r.Context(), req.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(a.Filename))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
	return nil
}

// staffIntakeForm is for staff opening a request on a citizen's behalf.
func (s *Server) staffIntakeForm(w http.ResponseWriter, r *http.Request) error {
	return s.showStaffIntake(w, r, http.StatusOK, requests.NewRequest{Channel: "counter", ServiceCode: r.URL.Query().Get("service")}, nil)
}

func (s *Server) showStaffIntake(w http.ResponseWriter, r *http.Request, status int, n requests.NewRequest, errs map[string]string) error {
	u := info(r).user
	f := charter.ServiceFilter{ActiveOnly: true, Limit: 500}
	if u.CentreID != 0 {
		c, err := s.charters.CentreByID(r.Context(), u.CentreID)
		if err != nil {
			return err
		}
		f.CentreCode = c.Code
		if n.CentreCode == "" {
			n.CentreCode = c.Code
		}
	}
	page, err := s.charters.Services(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, status, "staff_request_new", "Open a request", map[string]any{
		"Services": page.Services, "Form": n, "Errors": errs, "Channels": requests.StaffChannels, "Key": s.formKey(r),
	})
	return nil
}

func (s *Server) staffIntakeSubmit(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	n, err := readNewRequest(r)
	if err == nil {
		n.ServiceCode, n.Channel = r.FormValue("service"), r.FormValue("channel")
		if u.CentreID != 0 {
			c, err := s.charters.CentreByID(r.Context(), u.CentreID)
			if err != nil {
				return err
			}
			n.CentreCode = c.Code // centre staff open requests at their own centre
		}
		key := n.IdempotencyKey
		n.IdempotencyKey = scopedKey("staff:"+strconv.FormatInt(u.ID, 10), key)
		var c requests.Created
		c, err = s.requests.Create(r.Context(), requests.Actor{ID: u.ID, Name: u.Name}, n)
		if err == nil {
			http.Redirect(w, r, "/staff/requests/"+c.Request.Reference+"?notice=created", http.StatusSeeOther)
			return nil
		}
		n.IdempotencyKey = key
	}
	if errs, ok := formErrors(err); ok {
		return s.showStaffIntake(w, r, http.StatusUnprocessableEntity, n, errs)
	}
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Invalid) {
		msg, args := apperr.MessageOf(err)
		return s.showStaffIntake(w, r, http.StatusUnprocessableEntity, n, map[string]string{"service": s.tr.T(info(r).lang, msg, args...)})
	}
	return err
}

// dutyToggle lets an officer go on or off duty for round-robin assignment.
func (s *Server) dutyToggle(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	if err := s.requests.SetOnDuty(r.Context(), u.ID, r.PostFormValue("on_duty") == "on"); err != nil {
		return err
	}
	http.Redirect(w, r, "/staff?notice=saved", http.StatusSeeOther)
	return nil
}
