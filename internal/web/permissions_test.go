package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
)

// demoUser is the demo account of each role.
var demoUser = map[auth.Role]string{
	auth.NationalAdmin: "admin",
	auth.AgencyAdmin:   "kakamega.ict",
	auth.CentreManager: "gpo.manager",
	auth.Officer:       "gpo.officer",
	auth.Auditor:       "ombudsman",
}

// TestEveryRoutePermission walks the whole route table: for every route that needs a permission,
// a role that holds it gets through and a role that does not is refused with 403 (and nobody signed
// in is sent to sign in, or refused with 401 on the API). A new route without a case here fails.
func TestEveryRoutePermission(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		hol, err := h.charters.Holidays(ctx, charter.HolidayFilter{All: true})
		if err != nil || len(hol) == 0 {
			t.Fatalf("demo holidays: %v", err)
		}
		// Concrete paths inside the demo users' scopes: KKG-ICT is kakamega.ict's agency, HC-GPO is
		// the GPO manager's centre.
		// A request at the GPO centre, where the centre manager and officer work.
		reqs, err := h.requests.List(ctx, requests.Filter{CentreID: centreID(t, h, "HC-GPO")})
		if err != nil || len(reqs.Requests) == 0 {
			t.Fatalf("demo requests at GPO: %v", err)
		}
		ref := reqs.Requests[0].Reference
		_, apiKey := h.newAPIKey("permission test")
		officer, err := h.users.UserByUsername(ctx, "gpo.officer")
		if err != nil {
			t.Fatal(err)
		}
		params := strings.NewReplacer("{code}", "KKG-ICT", "{id}", strconv.FormatInt(hol[0].ID, 10), "{owner}", "agency", "{$}", "",
			"{ref}", ref, "{reference}", ref)
		concrete := map[string]string{
			"GET /services/{code}":                 "/services/KKG-ICT-02",
			"GET /api/v1/services/{code}":          "/api/v1/services/KKG-ICT-02",
			"GET /api/v1/services/{code}/due":      "/api/v1/services/KKG-ICT-02/due",
			"GET /charters/centre/{code}":          "/charters/centre/HC-GPO",
			"GET /admin/centres/{code}/edit":       "/admin/centres/HC-GPO/edit",
			"POST /admin/centres/{code}/edit":      "/admin/centres/HC-GPO/edit",
			"POST /admin/centres/{code}/services":  "/admin/centres/HC-GPO/services",
			"GET /admin/services/{code}/edit":      "/admin/services/KKG-ICT-02/edit",
			"POST /admin/services/{code}/edit":     "/admin/services/KKG-ICT-02/edit",
			"GET /lang/{code}":                     "/lang/sw",
			"GET /services/{code}/request":         "/services/KKG-ICT-02/request",
			"POST /services/{code}/request":        "/services/KKG-ICT-02/request",
			"GET /staff/requests/{ref}/files/{id}": "/staff/requests/" + ref + "/files/999999",
			"GET /open311/v2/services/{file}":      "/open311/v2/services/KKG-ICT-02.json",
			"GET /open311/v2/requests/{file}":      "/open311/v2/requests/" + ref + ".xml",
			"GET /open311/v2/tokens/{file}":        "/open311/v2/tokens/T-1.json",
			"POST /admin/users/{id}/unlock":        "/admin/users/" + strconv.FormatInt(officer.ID, 10) + "/unlock",
			// A demo account no other case signs in as: disabling it ends nobody's test session.
			"GET /admin/users/{username}":          "/admin/users/narok.ict",
			"POST /admin/users/{username}":         "/admin/users/narok.ict",
			"POST /admin/users/{username}/reset":   "/admin/users/narok.ict/reset",
			"GET /admin/users/{username}/disable":  "/admin/users/narok.ict/disable",
			"POST /admin/users/{username}/disable": "/admin/users/narok.ict/disable",
			"POST /admin/users/{username}/enable":  "/admin/users/narok.ict/enable",
		}
		clients := map[auth.Role]*client{}
		for role, name := range demoUser {
			clients[role] = h.as(name)
		}
		s, err := web.NewServer(web.Config{}, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Charters: h.charters, Auth: auth.NewStore(d, nil, 4), Requests: h.requests})
		if err != nil {
			t.Fatal(err)
		}
		for _, rt := range s.Routes() {
			method, pattern, ok := strings.Cut(rt.Pattern, " ")
			if !ok { // a pattern for every method (Open311's catch-all): tried with GET
				method, pattern = http.MethodGet, rt.Pattern
			}
			path := concrete[rt.Pattern]
			if path == "" {
				path = params.Replace(pattern)
			}
			send := func(c *client) (*http.Response, string) {
				if method == http.MethodPost {
					if c.csrf == "" {
						return c.post(path, url.Values{})
					}
					return c.submit(path, url.Values{})
				}
				return c.get(path)
			}
			t.Run(rt.Pattern, func(t *testing.T) {
				clients := clients
				if rt.Pattern == "POST /signout" { // signing out must not end the shared sessions
					clients = map[auth.Role]*client{}
					for role, name := range demoUser {
						clients[role] = h.as(name)
					}
				}
				var allowed, refused []auth.Role
				for _, role := range auth.Roles {
					u := auth.User{ID: 1, Active: true, Role: role}
					if u.Can(rt.Perm) {
						allowed = append(allowed, role)
					} else {
						refused = append(refused, role)
					}
				}
				if rt.Pattern == "POST /signin" {
					// Public, but only with the form's own token: a wrong password is a 401, a
					// missing token a 403.
					c := h.anonymous()
					_, form := c.get("/signin")
					token := csrfField.FindStringSubmatch(form)[1]
					res, body := c.post("/signin", url.Values{"csrf": {token}, "username": {"admin"}, "password": {"wrong password"}})
					wantStatus(t, res, body, http.StatusUnauthorized)
					wantContains(t, body, "Wrong username or password.")
					res, body = h.anonymous().post("/signin", url.Values{"username": {"admin"}, "password": {"karibu-huduma"}})
					wantStatus(t, res, body, http.StatusForbidden)
					return
				}
				if rt.Perm == auth.Public && method == http.MethodPost && strings.HasPrefix(pattern, "/open311/") {
					// Open311: an API route (no cookies, no CSRF token) that the guard lets through and
					// the handler authenticates by the form's api_key, refusing with the spec's 403.
					res, body := h.anonymous().post(path, url.Values{"csrf": {"irrelevant"}})
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("Open311 POST without an api_key: %d, want 403: %.200s", res.StatusCode, body)
					}
					res, body = h.anonymous().post(path, url.Values{"api_key": {apiKey}})
					if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
						t.Errorf("Open311 POST with a valid api_key refused: %d %.200s", res.StatusCode, body)
					}
					return
				}
				if rt.Perm == auth.Public && method == http.MethodPost {
					// A public form: anyone with the form's token, nobody without it.
					c := h.anonymous()
					_, form := c.get("/signin")
					token := csrfField.FindStringSubmatch(form)[1]
					res, body := c.post(path, url.Values{"csrf": {token}})
					if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
						t.Errorf("public form refused with its token: %d %.200s", res.StatusCode, body)
					}
					res, _ = h.anonymous().post(path, url.Values{})
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("public form without a token: %d, want 403", res.StatusCode)
					}
					return
				}
				if rt.Perm == auth.Public {
					res, body := send(h.anonymous())
					if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
						t.Errorf("public route refused anonymous: %d %.200s", res.StatusCode, body)
					}
					return
				}
				if rt.Perm == auth.APIKeyHolder {
					res, _ := send(h.anonymous())
					if res.StatusCode != http.StatusUnauthorized {
						t.Errorf("without an API key: %d, want 401", res.StatusCode)
					}
					res, _ = send(clients[auth.NationalAdmin]) // a staff session is not a key
					if res.StatusCode != http.StatusUnauthorized {
						t.Errorf("with a session but no key: %d, want 401", res.StatusCode)
					}
					res, body := h.withKey(apiKey).send(method, path, "{}")
					if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
						t.Errorf("with a valid key: %d %.200s", res.StatusCode, body)
					}
					return
				}
				if len(allowed) == 0 {
					t.Fatalf("no role holds %s", rt.Perm)
				}
				// The most privileged holder in scope: the national admin if allowed, else the first.
				role := allowed[0]
				for _, r := range allowed {
					if r == auth.NationalAdmin {
						role = r
					}
				}
				res, body := send(clients[role])
				if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden ||
					strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					t.Errorf("%s (holds %s) was refused: %d %.300s", role, rt.Perm, res.StatusCode, body)
				}
				for _, r := range refused {
					res, body := send(clients[r])
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s (lacks %s) got %d, want 403: %.200s", r, rt.Perm, res.StatusCode, body)
					}
				}
				res, _ = send(h.anonymous())
				switch {
				case method == http.MethodGet && res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin?next="):
				case method == http.MethodPost && (res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden):
				default:
					t.Errorf("anonymous got %d (Location %q), want a sign-in redirect or a refusal", res.StatusCode, res.Header.Get("Location"))
				}
			})
		}
	})
}

// TestScopeIsChecked: holding a permission is not enough; the record must be in the user's scope.
func TestScopeIsChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		kakamega := h.as("kakamega.ict")
		for _, path := range []string{"/admin/agencies/NRK-ICT/edit", "/admin/services/NRK-ICT-01/edit", "/admin/charters/agency/NRK-ICT"} {
			res, body := kakamega.get(path)
			wantStatus(t, res, body, http.StatusForbidden)
		}
		res, body := kakamega.get("/admin/charters/agency/KKG-ICT")
		wantStatus(t, res, body, http.StatusOK)

		manager := h.as("gpo.manager")
		res, body = manager.get("/admin/centres/KKG-ICT-HQ/edit")
		wantStatus(t, res, body, http.StatusForbidden)
		before := h.count("audit_log")
		res, body = manager.submit("/admin/centres/KKG-ICT-HQ/edit", url.Values{"name": {"Taken over"}})
		wantStatus(t, res, body, http.StatusForbidden)
		if h.count("audit_log") != before {
			t.Error("a refused change was written")
		}
		// The agency admin's service list shows only their agency.
		_, body = kakamega.get("/admin/services")
		if strings.Contains(body, "NRK-ICT-01") || !strings.Contains(body, "KKG-ICT-01") {
			t.Error("agency admin's service list is not limited to their agency")
		}
		// Agency admins and centre managers read only their own part of the audit trail.
		_, body = kakamega.get("/admin/audit?entity=agency")
		if strings.Contains(body, "NRK-ICT") {
			t.Error("the Kakamega admin can read the Narok agency's audit records")
		}
	})
}
