package web

import "github.com/huduma-ke/huduma/internal/auth"

// RouteSpec is a route as the permission test sees it.
type RouteSpec struct {
	Pattern string
	Perm    auth.Permission
}

// Routes lists the route table, so tests can check every route's permission.
func (s *Server) Routes() []RouteSpec {
	var out []RouteSpec
	for _, r := range s.table() {
		out = append(out, RouteSpec{r.pattern, r.perm})
	}
	return out
}
