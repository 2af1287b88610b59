package web_test

import (
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

func TestServiceFormRejectsBadInputAndKeepsIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.as("kakamega.ict")
		services, audits := h.count("services"), h.count("audit_log")
		form := url.Values{"code": {"KKG-ICT-12"}, "agency": {agencyID(t, h, "KKG-ICT")}, "name": {"Printer toner replacement"},
			"requirements": {"Written request\nLog on the help desk"}, "cost_kind": {"amount"}, "cost_amount": {"twelve"},
			"timeline_kind": {"duration"}, "timeline": {"10 days"}, "channels": {"counter"}}
		res, body := admin.submit("/admin/services/new", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		body = html.UnescapeString(body)
		wantContains(t, body, "Please correct the highlighted fields.", "Enter an amount in KES", "Enter a working duration",
			`value="Printer toner replacement"`, "Log on the help desk")
		if h.count("services") != services || h.count("audit_log") != audits {
			t.Fatal("a rejected form wrote something")
		}

		form.Set("cost_amount", "1,250.50")
		form.Set("timeline", "2d")
		res, body = admin.submit("/admin/services/new", form)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/services/KKG-ICT-12/edit?notice=created" {
			t.Errorf("redirected to %q", loc)
		}
		_, body = h.anonymous().get("/services/KKG-ICT-12")
		wantContains(t, html.UnescapeString(body), "KES 1,250.50", "Within 2 working days", "Written request")
		if h.count("audit_log") != audits+1 {
			t.Errorf("creating a service wrote %d audit records, want 1", h.count("audit_log")-audits)
		}
		// The same code again is a conflict shown on the code field.
		res, body = admin.submit("/admin/services/new", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "A service with this code already exists.")
		// An agency admin cannot create a service for another agency.
		form.Set("code", "NRK-ICT-99")
		form.Set("agency", agencyID(t, h, "NRK-ICT"))
		res, body = admin.submit("/admin/services/new", form)
		wantStatus(t, res, body, http.StatusForbidden)
	})
}

func agencyID(t *testing.T, h *harness, code string) string {
	t.Helper()
	a, err := h.charters.AgencyByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(a.ID, 10)
}

func TestFormsNeedTheSessionToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.as("admin")
		before := h.count("holidays")
		res, body := admin.post("/admin/holidays", url.Values{"day": {"2026-12-24"}, "name": {"Christmas Eve"}})
		wantStatus(t, res, body, http.StatusForbidden)
		wantContains(t, body, "This form has expired")
		res, body = admin.post("/admin/holidays", url.Values{"csrf": {"forged"}, "day": {"2026-12-24"}, "name": {"Christmas Eve"}})
		wantStatus(t, res, body, http.StatusForbidden)
		if h.count("holidays") != before {
			t.Fatal("a forged form added a holiday")
		}
		// A cross-site browser request is refused whatever it carries.
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/admin/holidays", strings.NewReader(url.Values{"csrf": {admin.csrf}, "day": {"2026-12-24"}, "name": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, _ = admin.do(req)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST: %d, want 403", res.StatusCode)
		}
	})
}

// TestGazettedHolidayMovesDeadlines follows a national admin entering a holiday at short notice:
// the next deadline computed skips it, and removing it (after confirming) puts it back.
func TestGazettedHolidayMovesDeadlines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.as("admin")
		due := func() string {
			_, body := h.anonymous().get("/api/v1/services/KKG-ICT-03/due?from=2026-12-01T10:00:00%2B03:00") // 10 working days
			var v struct{ Due string }
			json.Unmarshal([]byte(body), &v)
			return v.Due
		}
		if got := due(); got != "2026-12-15T10:00:00+03:00" { // Tue 1 Dec + 10 working days; 12 Dec (Jamhuri) is a Saturday in 2026
			t.Fatalf("before: due %s", got)
		}
		open, err := h.requests.Create(ctx, requests.Actor{Name: "test"}, requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "phone",
			Citizen: requests.Citizen{Name: "Caller", Phone: "0712345678"}, Description: "Broken monitor."})
		if err != nil {
			t.Fatal(err)
		}
		// A complaint lodged on Friday 27 November is to be answered in 5 working days: Friday 4 December.
		h.now = time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC) // 10:00 in Nairobi
		cs := complaints.NewStore(d, func() time.Time { return h.now }, h.charters, complaints.Config{})
		lodged, err := cs.Create(ctx, audit.Actor{Name: "test"}, complaints.NewComplaint{Category: complaints.Delay, Channel: "phone",
			CentreCode: "HC-GPO", Contact: complaints.Contact{Phone: "0712345678"}, Description: "Waited all morning."})
		if err != nil {
			t.Fatal(err)
		}
		complaintDue := func() time.Time {
			t.Helper()
			c, err := cs.ByID(ctx, lodged.Complaint.ID)
			if err != nil {
				t.Fatal(err)
			}
			return *c.DueAt
		}
		if want := time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC); !complaintDue().Equal(want) {
			t.Fatalf("the complaint is due %v, want %v", complaintDue(), want)
		}
		res, body := admin.submit("/admin/holidays", url.Values{"day": {"2026-12-03"}, "name": {"Day of national mourning"}, "calendar": {"0"}, "gazette_notice": {"Gazette Notice No. 1234"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		moved, _ := h.requests.ByID(ctx, open.Request.ID)
		if !moved.ResolutionDue.Equal(open.Request.ResolutionDue.AddDate(0, 0, 1)) {
			t.Errorf("an open request's deadline: %v before, %v after the holiday; want one day later", open.Request.ResolutionDue, moved.ResolutionDue)
		}
		if want := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC); !complaintDue().Equal(want) { // Thursday off: Monday
			t.Errorf("an open complaint's deadline after the holiday: %v, want %v", complaintDue(), want)
		}
		if got := due(); got != "2026-12-16T10:00:00+03:00" {
			t.Errorf("after the gazetted day: due %s, want one working day later", got)
		}
		res, body = admin.submit("/admin/holidays", url.Values{"day": {"2026-12-03"}, "name": {"Again"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "There is already a holiday on this day.")
		res, body = admin.submit("/admin/holidays", url.Values{"day": {"3/12/2026"}, "name": {""}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter a date as YYYY-MM-DD.", "This field is required.")

		_, page := admin.get("/admin/holidays?year=2026")
		wantContains(t, page, "Day of national mourning", "2026-12-25", "Mashujaa Day")
		id := hrefID(t, page, "/admin/holidays/", "/delete", "Day of national mourning")
		res, body = admin.get("/admin/holidays/" + id + "/delete")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Yes, remove it")
		if got := due(); got != "2026-12-16T10:00:00+03:00" {
			t.Error("asking for confirmation already removed the holiday")
		}
		res, body = admin.submit("/admin/holidays/"+id+"/delete", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		if got := due(); got != "2026-12-15T10:00:00+03:00" {
			t.Errorf("after removal: due %s", got)
		}
		if back, _ := h.requests.ByID(ctx, open.Request.ID); !back.ResolutionDue.Equal(*open.Request.ResolutionDue) {
			t.Errorf("the request's deadline after removal: %v, want %v", back.ResolutionDue, open.Request.ResolutionDue)
		}
		if !complaintDue().Equal(*lodged.Complaint.DueAt) {
			t.Errorf("the complaint's deadline after removal: %v, want %v", complaintDue(), lodged.Complaint.DueAt)
		}
		_, body = admin.get("/admin/audit?entity=holiday")
		wantContains(t, body, "Added holiday 2026-12-03", "Removed holiday 2026-12-03")
	})
}

// hrefID finds the id in a link like /admin/holidays/7/delete on the table row that mentions text.
func hrefID(t *testing.T, page, prefix, suffix, text string) string {
	t.Helper()
	for _, row := range strings.Split(page, "<tr>") {
		if !strings.Contains(row, text) {
			continue
		}
		_, after, ok := strings.Cut(row, prefix)
		id, _, ok2 := strings.Cut(after, suffix)
		if ok && ok2 {
			return id
		}
	}
	t.Fatalf("no %s…%s link next to %q", prefix, suffix, text)
	return ""
}

func TestCharterEditIsPublishedAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		narok := h.as("narok.ict")
		_, form := narok.get("/admin/charters/agency/NRK-ICT")
		wantContains(t, form, "Digitally transformed and empowered County Citizenry.")
		v := url.Values{"title": {"Narok County ICT Charter (revised)"}, "vision": {"Digitally transformed and empowered County Citizenry."},
			"core_values": {"Professionalism\nInnovation\n\n"}, "published": {"on"}}
		res, body := narok.submit("/admin/charters/agency/NRK-ICT", v)
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = h.anonymous().get("/charters/agency/NRK-ICT")
		wantContains(t, body, "Narok County ICT Charter (revised)", "Innovation")
		_, body = narok.get("/admin/audit?entity=charter")
		wantContains(t, body, "Saved charter Narok County ICT Charter (revised)")
		// Unpublished charters leave the public list.
		v.Del("published")
		narok.submit("/admin/charters/agency/NRK-ICT", v)
		_, body = h.anonymous().get("/charters")
		if strings.Contains(body, "Narok County ICT Charter (revised)") {
			t.Error("an unpublished charter is still listed")
		}
	})
}

func TestSignInRateLimitAndSignOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		users := auth.NewStore(d, nil, bcrypt.MinCost)
		s, err := web.NewServer(web.Config{SignInPerMinute: 3}, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Charters: h.charters, Auth: users, Requests: h.requests})
		if err != nil {
			t.Fatal(err)
		}
		strict := httptest.NewServer(s)
		defer strict.Close()
		h2 := *h
		h2.srv = strict
		c := h2.anonymous()
		_, form := c.get("/signin")
		token := csrfField.FindStringSubmatch(form)[1]
		var last int
		for range 5 {
			res, _ := c.post("/signin", url.Values{"csrf": {token}, "username": {"admin"}, "password": {"guess"}})
			last = res.StatusCode
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("fifth wrong password in a minute: %d, want 429", last)
		}

		admin := h.as("admin")
		res, body := admin.submit("/signout", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		res, _ = admin.get("/staff")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("after signing out /staff gave %d", res.StatusCode)
		}
		page, err := h.d.QueryContext(ctx, `SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = 'admin' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for page.Next() {
			var a string
			page.Scan(&a)
			actions = append(actions, a)
		}
		page.Close()
		if got := strings.Join(actions, ","); !strings.HasSuffix(got, "sign_in,sign_out") {
			t.Errorf("audit of the admin's sessions: %s", got)
		}
	})
}

func TestAPIRateLimitPerClient(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		for _, trust := range []bool{false, true} {
			s, err := web.NewServer(web.Config{APIPerSecond: 2, TrustProxy: trust}, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Charters: h.charters, Auth: auth.NewStore(d, nil, bcrypt.MinCost), Requests: h.requests})
			if err != nil {
				t.Fatal(err)
			}
			get := func(xff string) int {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/agencies", nil)
				req.Header.Set("X-Forwarded-For", xff)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				return rec.Code
			}
			codes := []int{get("1.1.1.1"), get("1.1.1.1"), get("1.1.1.1"), get("1.1.1.1"), get("1.1.1.1"), get("2.2.2.2")}
			// Burst of 4 (twice the rate), then 429; a second client behind a trusted proxy has its own bucket.
			if codes[3] != 200 || codes[4] != http.StatusTooManyRequests {
				t.Errorf("trust=%v: codes %v, want four 200s then 429", trust, codes)
			}
			if want := map[bool]int{false: 429, true: 200}[trust]; codes[5] != want {
				t.Errorf("trust=%v: another forwarded client got %d, want %d", trust, codes[5], want)
			}
		}
	})
}
