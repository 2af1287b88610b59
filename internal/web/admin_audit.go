package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
)

// auditLog lets admins and auditors browse and filter the audit trail. Agency admins and centre
// managers see only their own scope.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	const size = 50
	f := audit.Filter{Entity: q.Get("entity"), Action: q.Get("action"), Actor: q.Get("actor"), EntityID: q.Get("id"),
		Limit: size, Offset: (pageNo - 1) * size}
	if d, err := time.Parse("2006-01-02", q.Get("from")); err == nil {
		f.From = d
	}
	if d, err := time.Parse("2006-01-02", q.Get("to")); err == nil {
		f.To = d.AddDate(0, 0, 1)
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
		"Entities": []string{"agency", "centre", "centre_services", "service", "charter", "holiday", "calendar", "user"},
		"Actions":  []string{"create", "update", "delete", "sign_in", "sign_out"},
	})
	return nil
}
