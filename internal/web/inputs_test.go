package web_test

// Tests of what the edge accepts (issue 10 §4): JSON bodies, filters, cross-origin refusals and
// caching headers. Each was written to fail before its fix.

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/web"
)

// routes is the server's route table.
func (h *harness) routes() []web.RouteSpec {
	h.t.Helper()
	s, err := web.NewServer(web.Config{}, web.Deps{DB: h.d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Charters: h.charters,
		Auth: h.users, Requests: h.requests})
	if err != nil {
		h.t.Fatal(err)
	}
	return s.Routes()
}

// apiError is the API's JSON error body.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func wantAPIError(t *testing.T, res *http.Response, body string, status int, code, mentions string) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("%s %s: not the API's JSON error (%v): %.300s", res.Request.Method, res.Request.URL, err, body)
	}
	if res.StatusCode != status || e.Error.Code != code || !strings.Contains(body, mentions) {
		t.Fatalf("%s %s: %d %q, want %d %q mentioning %q: %.400s", res.Request.Method, res.Request.URL, res.StatusCode,
			e.Error.Code, status, code, mentions, body)
	}
	return e
}

func TestJSONWithTrailingDataIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("trailing")
		api := h.withKey(secret)
		good := `{"service_code":"KKG-ICT-03","citizen":{"name":"Finance","phone":"0700 123 456"},"description":"UPS beeping.","subject":"UPS"}`
		for _, body := range []string{good + ` {"subject":"second"}`, good + `garbage`, good + `]`} {
			res, out := api.send("POST", "/api/v1/requests", body)
			wantAPIError(t, res, out, http.StatusUnprocessableEntity, "invalid", "nothing after it")
		}
		if n := h.count("requests WHERE channel = 'api'"); n != 0 {
			t.Errorf("%d requests stored from bodies with trailing data", n)
		}
		res, out := api.send("POST", "/api/v1/requests", good+"\n")
		wantStatus(t, res, out, http.StatusCreated) // trailing white space is not data
	})
}

func TestCrossOriginRefusalOnTheAPIIsJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("cross origin")
		res, out := h.withKey(secret).send("POST", "/api/v1/requests", `{}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		wantAPIError(t, res, out, http.StatusForbidden, "forbidden", "other sites")
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		// A page's form posted from another site is refused with a page, not the API's JSON.
		req, _ := http.NewRequest("POST", h.srv.URL+"/complaints/new", strings.NewReader(""))
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, out = h.anonymous().do(req)
		wantStatus(t, res, out, http.StatusForbidden)
		if !strings.Contains(out, "<html") || !strings.Contains(out, "other sites") {
			t.Errorf("cross-origin form refusal: %.300s", out)
		}
	})
}

// TestPersonalResponsesAreNotStored walks the route table: every response of a route that needs a
// signed-in user or an API key, and every public page that shows a citizen's own record, tells
// browsers and proxies not to store it.
func TestPersonalResponsesAreNotStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("no-store")
		admin := h.as("admin")
		ownRecord := map[string]bool{ // public pages that show one citizen's own record
			"GET /track/{ref}": true, "GET /tickets/{id}": true, "GET /appointments/{code}": true,
			"GET /complaints/{ref}": true, "GET /rate/{ref}": true, "GET /devices/{id}": true,
		}
		params := strings.NewReplacer("{code}", "HC-GPO", "{id}", "1", "{ref}", "HK-000000", "{reference}", "HK-000000",
			"{owner}", "agency", "{service}", "KKG-ICT-02", "{file}", "x.json", "{$}", "")
		checked := 0
		for _, rt := range h.routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			if method != http.MethodGet || strings.HasSuffix(pattern, "/events") {
				continue // POST answers are checked below; event streams are never cached anyway
			}
			path := params.Replace(pattern)
			var res *http.Response
			var body string
			switch {
			case rt.Perm == auth.APIKeyHolder:
				res, body = h.withKey(secret).send("GET", path, "")
			case rt.Perm != auth.Public:
				res, body = admin.get(path)
			case ownRecord[rt.Pattern]:
				res, body = h.anonymous().get(path)
			default:
				continue
			}
			checked++
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s (%d): Cache-Control %q, want no-store: %.100s", rt.Pattern, res.StatusCode, cc, body)
			}
		}
		if checked < 40 {
			t.Errorf("only %d routes checked", checked)
		}
		// Any page seen while signed in carries the user's name; any form's answer may carry a link.
		for _, res := range []*http.Response{first(admin.get("/services")), first(h.anonymous().post("/complaints/new", nil))} {
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s %s: Cache-Control %q", res.Request.Method, res.Request.URL.Path, cc)
			}
		}
		// A public page seen anonymously may be kept.
		if res, _ := h.anonymous().get("/services"); strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Error("the public services page is no-store for anonymous visitors")
		}
	})
}

func TestUnknownFilterValuesAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("filters")
		api := h.withKey(secret)
		for _, c := range []struct{ query, param string }{
			{"status=opne", "status"}, {"sla=late", "sla"}, {"channel=pigeon", "channel"},
		} {
			res, out := api.send("GET", "/api/v1/requests?"+c.query, "")
			wantAPIError(t, res, out, http.StatusBadRequest, "bad_request", c.param)
		}
		res, out := api.send("GET", "/api/v1/requests?status=new&sla=on_track&channel=web", "")
		wantStatus(t, res, out, http.StatusOK)

		admin := h.as("admin")
		for _, path := range []string{
			"/staff/requests?status=opne", "/staff/requests?sla=late", "/staff/requests?channel=pigeon", "/staff/requests?who=nobody",
			"/staff/complaints?status=opne", "/staff/complaints?kind=praise", "/staff/complaints?category=weather",
			"/admin/audit?entity=spaceship", "/admin/audit?action=explode", "/admin/audit?from=yesterday",
		} {
			res, out := admin.get(path)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(out, "is not one of") && !strings.Contains(out, "a date") {
				t.Errorf("%s: %d %.300s", path, res.StatusCode, out)
			}
		}
		for _, path := range []string{"/staff/requests?status=new&sla=on_track&channel=web&who=me", "/staff/complaints?status=new&kind=complaint&category=delay",
			"/admin/audit?entity=service&action=update&from=2026-11-01"} {
			res, out := admin.get(path)
			wantStatus(t, res, out, http.StatusOK)
		}
	})
}
