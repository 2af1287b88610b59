package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

func TestPublicPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()

		res, body := c.get("/")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Government services in one place", "Huduma Centre GPO")

		res, body = c.get("/charters")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "/charters/agency/KKG-ICT", "/charters/agency/NRK-ICT")

		// The Kakamega charter reads as the printed one: its text and its service matrix.
		res, body = c.get("/charters/agency/KKG-ICT")
		wantStatus(t, res, body, http.StatusOK)
		body = html.UnescapeString(body)
		wantContains(t, body, "To be a leading county in providing of ICT and e-government",
			"Update an item on the county website", "Within 10 working days.", "Equipment cost and budget",
			"*Days mentioned refers to working days", "We are committed to Excellence in Service Delivery")
		if n := strings.Count(body, `<tr>`) - 1; n != 11 {
			t.Errorf("Kakamega service matrix has %d rows, want 11", n)
		}

		res, body = c.get("/services/KKG-ICT-03")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "ICT equipment Repair", "Log on the help desk")

		res, body = c.get("/services/NO-SUCH")
		wantStatus(t, res, body, http.StatusNotFound)
		wantContains(t, body, "No service with code")

		res, body = c.get("/services?q=website")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Update an item on the county website")

		res, body = c.get("/centres?q=Kakamega")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Kakamega")

		res, body = c.get("/no/such/page")
		wantStatus(t, res, body, http.StatusNotFound)
	})
}

func TestKiswahili(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		_, en := c.get("/charters/agency/NRK-ICT")
		_, sw := c.get("/charters/agency/NRK-ICT", "Accept-Language", "sw-KE,sw;q=0.9,en;q=0.5")
		if !strings.Contains(en, `lang="en"`) || !strings.Contains(sw, `lang="sw"`) {
			t.Fatal("Accept-Language: sw did not switch the page to Kiswahili")
		}
		if !strings.Contains(en, "Service matrix") || strings.Contains(sw, "Service matrix") {
			t.Error("the matrix heading is not translated")
		}
		// The switch sets a cookie that wins over the browser's header.
		res, _ := c.get("/lang/sw?next=/charters")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/charters" {
			t.Errorf("language switch: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		_, body := c.get("/charters", "Accept-Language", "en")
		if !strings.Contains(body, `lang="sw"`) {
			t.Error("the language cookie did not stick")
		}
		res, _ = c.get("/lang/sw?next=https://evil.example/")
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("open redirect through the language switch: %q", loc)
		}
	})
}

func TestAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		getJSON := func(path string, want int, v any) {
			t.Helper()
			res, body := c.get(path)
			wantStatus(t, res, body, want)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: content type %q", path, ct)
			}
			if err := json.Unmarshal([]byte(body), v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		var agencies struct{ Agencies []struct{ Code, Name string } }
		getJSON("/api/v1/agencies", 200, &agencies)
		if len(agencies.Agencies) < 3 {
			t.Errorf("agencies: %d", len(agencies.Agencies))
		}
		var centres struct {
			Centres []struct {
				Code, County string
				Services     int
			}
		}
		getJSON("/api/v1/centres?county=Kakamega", 200, &centres)
		if len(centres.Centres) == 0 {
			t.Error("no centre in Kakamega county")
		}
		for _, c := range centres.Centres {
			if c.County != "Kakamega" {
				t.Errorf("county filter let through %+v", c)
			}
		}
		var services struct {
			Services []struct {
				Code     string
				Cost     struct{ Kind string }
				Timeline struct{ Kind, Span, Text string }
			}
			Total int
		}
		getJSON("/api/v1/services?agency=NRK-ICT", 200, &services)
		if services.Total != 9 || len(services.Services) != 9 {
			t.Errorf("Narok services: total %d, listed %d; want 9", services.Total, len(services.Services))
		}
		getJSON("/api/v1/services?centre=HC-GPO&limit=5", 200, &services)
		if len(services.Services) != 5 || services.Total <= 5 {
			t.Errorf("GPO page: listed %d of %d", len(services.Services), services.Total)
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		getJSON("/api/v1/services?agency=NOPE", 404, &e)
		if e.Error.Code != "not_found" || e.Error.Message == "" {
			t.Errorf("unknown agency: %+v", e)
		}
		getJSON("/api/v1/services?limit=0", 422, &e)
		var due struct{ Due, Within string }
		getJSON("/api/v1/services/KKG-ICT-02/due?from=2026-11-23T12:50:00%2B03:00", 200, &due)
		if due.Due != "2026-11-23T14:20:00+03:00" || due.Within != "30m" {
			t.Errorf("due: %+v", due)
		}
		getJSON("/api/v1/services/KKG-ICT-01/due", 422, &e) // "as per approved maintenance schedule"
	})
}

func TestHealthAndMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		res, body := c.get("/healthz")
		wantStatus(t, res, body, 200)
		wantContains(t, body, `"status": "ok"`, string(d.Engine))
		res, body = c.get("/metrics")
		wantStatus(t, res, body, 200)
		wantContains(t, body, `huduma_http_requests_total{code="200",route="GET /healthz"} 1`, `huduma_backlog{queue="outbox",state="waiting"}`, `huduma_backlog{queue="jobs",state="due"}`)
		d.Close()
		res, body = c.get("/healthz")
		wantStatus(t, res, body, http.StatusServiceUnavailable)
	})
}

// TestLanguageSwitchKeepsTheQuery: switching language on a page reached by a link with a key
// (a ticket, a tracked request) comes back to that same link.
func TestLanguageSwitchKeepsTheQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		_, body := c.get("/services?q=ID&agency=NRB")
		if !strings.Contains(body, `/lang/sw?next=%2fservices%3fq%3dID%26agency%3dNRB`) {
			t.Fatalf("the switch does not carry the query: %s", body[strings.Index(body, "/lang/"):][:120])
		}
		res, _ := c.get("/lang/sw?next=%2fservices%3fq%3dID%26agency%3dNRB")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/services?q=ID&agency=NRB" {
			t.Errorf("switch: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
}
