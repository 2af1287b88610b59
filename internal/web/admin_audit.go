package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
)

// The entities and actions the audit trail's filters offer (and accept: another value is refused).
var (
	auditEntities = []string{"agency", "centre", "centre_services", "service", "charter", "holiday", "calendar", "user"}
	auditActions  = []string{"create", "update", "delete", "sign_in", "sign_out", "disable", "enable", "password_link", "password_set", "unlock"}
)

// auditLog lets admins and auditors browse and filter the audit trail. Agency admins and centre
// managers see only their own scope.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	const size = 50
	f := audit.Filter{Actor: q.Get("actor"), EntityID: q.Get("id"), Limit: size, Offset: (pageNo - 1) * size}
	var err error
	if f.Entity, err = filterParam(q, "entity", auditEntities); err != nil {
		return err
	}
	if f.Action, err = filterParam(q, "action", auditActions); err != nil {
		return err
	}
	if f.From, err = dateParam(q, "from"); err != nil {
		return err
	}
	if f.To, err = dateParam(q, "to"); err != nil {
		return err
	}
	// The days are the viewer's, as the times the trail shows are (render.go, when).
	zone := s.viewerZone(r)
	inZone := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone) }
	if !f.From.IsZero() {
		f.From = inZone(f.From)
	}
	if !f.To.IsZero() {
		f.To = inZone(f.To).AddDate(0, 0, 1)
	}
	if !u.SeesAllAudit() {
		f.AgencyID, f.CentreID = u.AgencyID, u.CentreID
	}
	page, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "?" + v.Encode()
	}
	var prev, next string
	if pageNo > 1 {
		prev = link(pageNo - 1)
	}
	if page.More {
		next = link(pageNo + 1)
	}
	s.render(w, r, http.StatusOK, "admin_audit", "Audit trail", map[string]any{
		"Entries": page.Entries, "Q": q, "Page": pageNo, "Prev": prev, "Next": next,
		"Entities": auditEntities, "Actions": auditActions,
	})
	return nil
}
