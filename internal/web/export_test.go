package web

import (
	"math"
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
)

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

// Unencodable serves, through the real guard and writers, answers whose value the encoders
// refuse — a NaN for encoding/json, a map for encoding/xml — so that tests see what a client gets
// when encoding fails: /api/v1/unencodable (the JSON API) and /open311/v2/unencodable.{json,xml}.
func (s *Server) Unencodable() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/unencodable", s.guard(route{pattern: "GET /api/v1/unencodable", perm: auth.Public, api: true,
		handle: func(w http.ResponseWriter, r *http.Request) error {
			return writeJSON(w, http.StatusOK, map[string]float64{"lat": math.NaN()})
		}}))
	mux.Handle("GET /open311/v2/{file}", s.guard(route{pattern: "GET /open311/v2/{file}", perm: auth.Public, api: true,
		handle: s.open311(func(w http.ResponseWriter, r *http.Request, c o311Call) error {
			if c.format == o311XML {
				return o311Write(w, http.StatusOK, c.format, map[string]string{"a": "b"})
			}
			return o311Write(w, http.StatusOK, c.format, map[string]float64{"lat": math.NaN()})
		})}))
	return mux
}
