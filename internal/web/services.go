package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huduma-ke/huduma/internal/charter"
)

const pageSize = 25

// servicesList is the searchable catalogue of services.
func (s *Server) servicesList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := charter.ServiceFilter{Query: q.Get("q"), AgencyCode: q.Get("agency"), CentreCode: q.Get("centre"), ActiveOnly: true,
		Limit: pageSize, Offset: (pageNo - 1) * pageSize}
	page, err := s.charters.Services(r.Context(), f)
	if err != nil {
		return err
	}
	agencies, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "services", "Services", map[string]any{
		"Page": page, "Filter": f, "Agencies": agencies, "Centres": centres,
		"Pager": newPager(pageNo, page.Total, pageSize, q),
	})
	return nil
}

// servicePage shows one service: what to bring, what it costs, how long it takes, where it is offered.
func (s *Server) servicePage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	centres, err := s.charters.CentresOffering(r.Context(), sv.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "service", sv.Name, map[string]any{"Service": sv, "Centres": centres})
	return nil
}

// pager is the "page 2 of 5" navigation under a list.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // query strings, "" when there is no such page
}

func newPager(page, total, size int, q url.Values) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "?" + v.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
