package web_test

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// newHarnessWith is newHarness with the server's configuration given (the public limits at
// their defaults, for instance), served as `huduma serve` serves it.
func newHarnessWith(t *testing.T, d *db.DB, cfg web.Config) *harness {
	t.Helper()
	h := &harness{t: t, d: d, now: time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)} // Monday 09:30 in Nairobi
	clock := func() time.Time { return h.now }
	h.charters = charter.NewStore(d, clock)
	h.users = auth.NewStore(d, clock, bcrypt.MinCost)
	h.requests = requests.NewStore(d, clock, h.charters, requests.Config{PublicURL: "https://huduma.test"})
	if _, err := demo.Install(ctx, d, h.charters, h.users, h.requests); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	h.queue = queue.NewStore(d, clock, h.charters, h.requests, queue.Config{})
	cfg.Version = "test"
	s, err := web.NewServer(cfg, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock,
		Charters: h.charters, Auth: h.users, Requests: h.requests, Queue: h.queue})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewUnstartedServer(s)
	h.srv.Config = s.HTTPServer(nil)
	h.srv.Start()
	t.Cleanup(h.srv.Close)
	return h
}

var kioskURL = regexp.MustCompile(`<code class="secret-url">([^<]+)</code>`)

// TestRegisteredKiosksHaveTheirOwnLimit: five kiosks in one hall, behind the centre's one
// address, issue a hundred tickets in a minute without a refusal once the manager has
// registered them from the monitor; the kiosk page without registration (and the join page) are
// still held to the public limit of 20 forms a minute per address.
func TestRegisteredKiosksHaveTheirOwnLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarnessWith(t, d, web.Config{}) // the public limits as shipped
		manager := h.as("gpo.manager")
		_, monitor := manager.get("/staff/queue/HC-GPO")
		wantContains(t, monitor, `action="/staff/queue/HC-GPO/kiosks"`, "Register a kiosk")

		kiosks := make([]*client, 5)
		for i := range kiosks {
			res, body := manager.submit("/staff/queue/HC-GPO/kiosks", url.Values{"label": {fmt.Sprintf("Hall kiosk %d", i+1)}})
			wantStatus(t, res, body, http.StatusOK)
			m := kioskURL.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no kiosk address on the page:\n%.2000s", body)
			}
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			// Opened on the kiosk: the secret goes into the kiosk's browser, out of the address.
			k := h.anonymous()
			res, body = k.get(u.RequestURI())
			wantStatus(t, res, body, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != "/centres/HC-GPO/kiosk" {
				t.Errorf("set-up went on to %q", loc)
			}
			kiosks[i] = k
		}
		if n := h.count("kiosks"); n != 5 {
			t.Errorf("%d kiosks stored, want 5", n)
		}
		var audited int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'kiosk' AND action = 'create'`).Scan(&audited)
		if audited != 5 {
			t.Errorf("%d kiosk registrations audited, want 5", audited)
		}
		_, monitor = manager.get("/staff/queue/HC-GPO")
		wantContains(t, monitor, "Hall kiosk 1", "Hall kiosk 5")

		// The morning peak: 20 citizens at each kiosk within the minute, all from one address.
		before := h.count("tickets")
		for round := range 20 {
			for i, k := range kiosks {
				token := kioskToken(t, k, "/centres/HC-GPO/kiosk")
				res, body := k.post("/centres/HC-GPO/kiosk", url.Values{"csrf": {token}, "service": {"NRB-01"}})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("kiosk %d, citizen %d: %d %.300s", i+1, round+1, res.StatusCode, body)
				}
			}
		}
		if n := h.count("tickets") - before; n != 100 {
			t.Errorf("%d tickets issued, want 100", n)
		}

		// An unregistered kiosk page at the same address: the public limit (20 a minute).
		public := h.anonymous()
		var refused int
		for range 25 {
			token := kioskToken(t, public, "/centres/HC-GPO/kiosk")
			res, _ := public.post("/centres/HC-GPO/kiosk", url.Values{"csrf": {token}, "service": {"NRB-01"}})
			if res.StatusCode == http.StatusTooManyRequests {
				refused++
			}
		}
		if refused != 5 {
			t.Errorf("the public kiosk page was refused %d times of 25, want 5 (a limit of 20)", refused)
		}
		// A forged or another centre's kiosk cookie is no registration.
		res, body := public.get("/centres/HC-GPO/kiosk?kiosk=1&key=guessed")
		wantStatus(t, res, body, http.StatusNotFound)
		if strings.Contains(res.Header.Get("Set-Cookie"), "huduma_kiosk") {
			t.Error("a wrong kiosk secret set the kiosk cookie")
		}
		// A counter officer cannot register a kiosk.
		res, body = h.as("gpo.officer").submit("/staff/queue/HC-GPO/kiosks", url.Values{"label": {"x"}})
		wantStatus(t, res, body, http.StatusForbidden)
	})
}
