package web

import (
	"net/http"
	"regexp"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
)

// complaintWords are the words for a complaint's codes (translation keys).
var complaintWords = map[string]string{
	complaints.Delay: "Delay", complaints.StaffConduct: "Staff conduct", complaints.Bribe: "Request for a bribe",
	complaints.WrongInformation: "Wrong information", complaints.Facilities: "Facilities", complaints.Other: "Other",
	complaints.KindComplaint: "Complaint", complaints.KindCompliment: "Compliment",
	"new": "new", "in_progress": "in progress", "answered": "answered", "closed": "closed", "reopened": "reopened", "recorded": "recorded",
	"web": "web", "counter": "counter", "phone": "phone", "email": "e-mail", "sms": "SMS", "api": "API",
	"in_person": "in person", "letter": "letter", "tracking_page": "tracking page",
	"centre": "the centre manager", "integrity": "the integrity officers",
	complaints.EACC: "Ethics and Anti-Corruption Commission (EACC)", complaints.Ombudsman: "Commission on Administrative Justice (Ombudsman)",
	// The history's entries.
	"event created": "received", "event assigned": "assigned", "event status": "being looked into", "event note": "note",
	"event answered": "answered", "event closed": "closed", "event confirmed": "confirmed by the complainant",
	"event reopened": "reopened by the complainant", "event referred": "referred", "event escalated": "escalated",
	"event sla": "deadline near",
}

// complaintForm is the public form for a complaint or a compliment: no account needed.
// ?centre=CODE chooses the centre, ?kind=compliment the kind.
func (s *Server) complaintForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	n := complaints.NewComplaint{CentreCode: q.Get("centre"), Kind: complaints.KindComplaint}
	if q.Get("kind") == complaints.KindCompliment {
		n.Kind = complaints.KindCompliment
	}
	return s.showComplaintForm(w, r, http.StatusOK, n, nil)
}

func (s *Server) showComplaintForm(w http.ResponseWriter, r *http.Request, status int, n complaints.NewComplaint, errs map[string]string) error {
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{})
	if err != nil {
		return err
	}
	s.render(w, r, status, "complaint_form", "Complaints and compliments", map[string]any{
		"Form": n, "Errors": errs, "Centres": centres, "Categories": complaints.Categories, "Words": complaintWords,
		"Key": s.formKey(r), "Token": s.publicFormToken(w, r),
	})
	return nil
}

// readNewComplaint reads the public or staff complaint form (already parsed by the guard).
func readNewComplaint(r *http.Request) complaints.NewComplaint {
	return complaints.NewComplaint{
		Kind: r.PostFormValue("kind"), Category: r.PostFormValue("category"), CentreCode: r.PostFormValue("centre"),
		Description: r.PostFormValue("description"), OfficerText: r.PostFormValue("officer_text"), RequestRef: r.PostFormValue("request"),
		Anonymous: r.PostFormValue("anonymous") == "on",
		Contact:   complaints.Contact{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email")},
	}
}

// serverKey matches the idempotency keys this server puts in its forms (randomKey): only those
// may carry a tracking key derived from them.
var serverKey = regexp.MustCompile(`^[0-9a-f]{32}$`)

// complaintSubmit lodges a complaint or a compliment from the public form. The same form sent
// twice (a double click, a reload) lodges one, and shows its link again.
func (s *Server) complaintSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	n := readNewComplaint(r)
	n.Channel = "web"
	formKey := r.PostFormValue("idempotency_key")
	if serverKey.MatchString(formKey) {
		n.IdempotencyKey, n.TrackingKey = scopedKey("web", formKey), complaints.LinkKey(formKey)
	}
	c, err := s.complaints.Create(r.Context(), audit.Actor{Name: "citizen (web)", IP: clientIP(r)}, n)
	if err == nil {
		s.renderComplaintDone(w, r, c, false)
		return nil
	}
	if errs, ok := formErrors(err); ok {
		return s.showComplaintForm(w, r, http.StatusUnprocessableEntity, n, errs)
	}
	return err
}

// renderComplaintDone is the confirmation: the reference and the tracking link.
func (s *Server) renderComplaintDone(w http.ResponseWriter, r *http.Request, c complaints.Created, staff bool) {
	link := ""
	if c.TrackingKey != "" {
		link = complaints.TrackingPath(c.Complaint.Reference, c.TrackingKey)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	title := "Complaint received"
	if c.Complaint.Kind == complaints.KindCompliment {
		title = "Thank you for your compliment"
	}
	s.render(w, r, http.StatusCreated, "complaint_done", title, map[string]any{
		"Complaint": c.Complaint, "Link": link, "Fresh": c.New, "Staff": staff, "Words": complaintWords,
	})
}
