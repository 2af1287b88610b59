package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
)

// qualityDesk is counter 1 of the GPO centre with the demo officer serving NRB-01 and a feedback
// tablet, over the harness's database and clock.
type qualityDesk struct {
	h       *harness
	fb      *feedback.Store
	officer queue.Officer
	counter int64
	device  feedback.Device
	// wait and serve are each visit's waiting and service time.
	wait, serve time.Duration
}

func newQualityDesk(t *testing.T, h *harness) *qualityDesk {
	t.Helper()
	q := &qualityDesk{h: h, fb: feedback.NewStore(h.d, func() time.Time { return h.now }, feedback.Config{PublicURL: "https://huduma.test"}),
		wait: 2 * time.Minute, serve: 3 * time.Minute}
	q.officer, q.counter = h.signInCounter("gpo.officer", 1, "NRB-01")
	dev, key, err := q.fb.AddDevice(ctx, audit.System, q.counter, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.device, err = q.fb.DeviceByKey(ctx, dev.ID, key); err != nil {
		t.Fatal(err)
	}
	return q
}

// rated serves one citizen at the counter (by default 2 minutes' wait, 3 minutes' service), who then presses
// score on the tablet, with a reason and a comment.
func (q *qualityDesk) rated(t *testing.T, score int, reason, comment string) {
	t.Helper()
	h := q.h
	is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
	if err != nil {
		t.Fatal(err)
	}
	h.now = h.now.Add(q.wait)
	if _, err := h.queue.CallNext(ctx, q.officer, q.counter); err != nil {
		t.Fatal(err)
	}
	h.now = h.now.Add(q.serve)
	if _, _, err := h.queue.Complete(ctx, q.officer, is.Ticket.ID, queue.Completion{}); err != nil {
		t.Fatal(err)
	}
	h.now = h.now.Add(10 * time.Second)
	r, err := q.fb.Press(ctx, q.device, feedback.Press{Score: score, Reason: reason, Comment: comment})
	if err != nil || r.TicketID != is.Ticket.ID {
		t.Fatalf("press %d after visit %d: %+v %v", score, is.Ticket.ID, r, err)
	}
	q.fold(t)
}

// fold counts the presses into the roll-ups, as the watcher does in a running Huduma.
func (q *qualityDesk) fold(t *testing.T) {
	t.Helper()
	if _, err := q.fb.Fold(ctx); err != nil {
		t.Fatal(err)
	}
}

// otherManager is a centre manager of the Kakamega ICT centre, signed in.
func otherManager(t *testing.T, h *harness) *client {
	t.Helper()
	if _, err := h.users.CreateUser(ctx, audit.System, auth.NewUser{Username: "kkg.manager", Name: "Kakamega Manager",
		Role: auth.CentreManager, CentreID: centreID(t, h, "KKG-ICT-HQ"), Password: demo.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	return h.as("kkg.manager")
}

// TestQualityPages: ratings pressed after served visits show on the national view, the centre's
// page, the centre monitor and the public figures, each with what its reader may see.
func TestQualityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		gpo, _ := h.charters.CentreByCode(ctx, "HC-GPO")
		admin := h.as("admin")
		_, body := admin.get("/staff/quality")
		wantContains(t, body, "No ratings in this window.", "bind")

		q := newQualityDesk(t, h)
		// 4, 4, 3, 1: CSAT 75%, index (3+3+2+0)/12 = 66.7.
		q.rated(t, feedback.VeryHappy, "", "")
		q.rated(t, feedback.VeryHappy, "staff_attitude", "")
		q.rated(t, feedback.Happy, "", "")
		q.rated(t, feedback.VeryUnhappy, "waiting_time", "The queue was slow near the door.")
		// A press with nobody served is kept apart.
		h.now = h.now.Add(time.Minute)
		if r, err := q.fb.Press(ctx, q.device, feedback.Press{Score: feedback.VeryUnhappy}); err != nil || r.Suspect == "" {
			t.Fatalf("a press with no visit: %+v %v", r, err)
		}
		q.fold(t)

		res, body := admin.get("/staff/quality")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "4 responses", "<strong>75%</strong>", "<strong>67</strong>/100",
			`href="/staff/quality/HC-GPO?window=today"`, html.EscapeString(gpo.Name), "1 press kept apart", "Alerts (0)")
		res, body = admin.get("/staff/quality?window=30d")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "4 responses", `aria-current="page">30 days`)
		res, _ = admin.get("/staff/quality?window=year")
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an unknown window: %d", res.StatusCode)
		}
		// Tomorrow's today is empty.
		h.now = h.now.Add(24 * time.Hour)
		_, body = admin.get("/staff/quality")
		wantContains(t, body, "No ratings in this window.")
		_, body = admin.get("/staff/quality?window=7d")
		wantContains(t, body, "4 responses")
		h.now = h.now.Add(-24 * time.Hour)

		// The centre's manager is sent to the centre's page: counters, officers, reasons, comments.
		manager := h.as("gpo.manager")
		res, _ = manager.get("/staff/quality?window=7d")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/quality/HC-GPO?window=7d" {
			t.Errorf("the manager on the national view: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body = manager.get("/staff/quality/HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "<strong>75%</strong>", "Counter", "Peter Kamau", "Waiting time", "Staff attitude",
			"The queue was slow near the door.", "Hour by hour", "12:00", "2 min", "3 min", "No integrity signals in this window.")
		// Someone presses the counter's tablet five times at once, all very happy: the fourth and
		// fifth are a burst, kept apart and shown as an integrity signal.
		h.now = h.now.Add(time.Minute)
		for range 5 {
			if _, err := q.fb.Press(ctx, q.device, feedback.Press{Score: feedback.VeryHappy}); err != nil {
				t.Fatal(err)
			}
		}
		h.now = h.now.Add(time.Second)
		q.fold(t)
		_, body = manager.get("/staff/quality/HC-GPO")
		wantContains(t, body, "Integrity signals", "2 presses in bursts, every one happy")
		// The auditor reads it too; another centre's manager, an officer and nobody may not.
		res, body = h.as("ombudsman").get("/staff/quality/HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		res, _ = otherManager(t, h).get("/staff/quality/HC-GPO")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("another centre's manager: %d, want 403", res.StatusCode)
		}
		for _, path := range []string{"/staff/quality", "/staff/quality/HC-GPO", "/staff/alerts"} {
			if res, _ := h.as("gpo.officer").get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("an officer on %s: %d, want 403", path, res.StatusCode)
			}
		}
		// An agency's administrator sees that agency's figures only: not GPO's NRB ratings.
		res, body = h.as("kakamega.ict").get("/staff/quality")
		wantStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, html.EscapeString(gpo.Name)) || strings.Contains(body, "75%") {
			t.Error("an agency admin sees another agency's ratings")
		}
		res, body = h.as("kakamega.ict").get("/staff/quality/HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, "Peter Kamau") || strings.Contains(body, "slow near the door") || strings.Contains(body, "75%") {
			t.Error("an agency admin sees the centre's officers, comments or other agencies' figures")
		}

		// The centre monitor shows today's ratings and links to the quality page.
		_, body = manager.get("/staff/queue/HC-GPO")
		wantContains(t, body, "Ratings today", "4 responses", "<strong>75%</strong>", `href="/staff/quality/HC-GPO"`)

		// The public figures: counts and service names, never an officer or a comment.
		res, body = h.anonymous().get("/centres/HC-GPO/figures")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "<dd>4</dd>", "<dd>75%</dd>", "Complaints")
		for _, private := range []string{"Peter Kamau", "slow near the door", "Counter 1", "Grace Muthoni"} {
			if strings.Contains(body, private) {
				t.Errorf("the public figures show %q", private)
			}
		}
		_, body = h.anonymous().get("/centres")
		wantContains(t, body, `href="/centres/HC-GPO/figures"`)
		if res, _ := h.anonymous().get("/centres/NOPE/figures"); res.StatusCode != http.StatusNotFound {
			t.Errorf("figures of no centre: %d", res.StatusCode)
		}
	})
}

// liveAlert trips the counter rule (at least half unhappy within 15 minutes, 4 responses) and
// returns the counter's alert.
func liveAlert(t *testing.T, q *qualityDesk, centre int64) feedback.Alert {
	t.Helper()
	q.wait, q.serve = 30*time.Second, time.Minute
	for range 4 {
		q.rated(t, feedback.VeryUnhappy, "waiting_time", "")
	}
	if opened, _, err := q.fb.Evaluate(ctx, centre); err != nil || opened == 0 {
		t.Fatalf("evaluate: opened %d, %v", opened, err)
	}
	live, err := q.fb.Alerts(ctx, feedback.AlertFilter{CentreID: centre, LiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range live {
		if a.Rule.Scope == "counter" {
			return a
		}
	}
	t.Fatalf("no counter alert among %+v", live)
	return feedback.Alert{}
}

// TestAlertAcknowledge: the manager sees the live alert on the staff home, the monitor and the
// alerts page; an empty cause is refused on the form and writes nothing; a cause acknowledges it,
// once; another centre's manager and an auditor may not.
func TestAlertAcknowledge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		gpo := centreID(t, h, "HC-GPO")
		q := newQualityDesk(t, h)
		a := liveAlert(t, q, gpo)
		manager := h.as("gpo.manager")
		_, home := manager.get("/staff")
		if !strings.Contains(home, "Alerts (2)") { // the counter's and the service's
			t.Errorf("the staff home does not count the live alerts")
		}
		_, body := manager.get("/staff/queue/HC-GPO")
		wantContains(t, body, html.EscapeString(a.Summary("en")))
		res, body := manager.get("/staff/alerts")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, html.EscapeString(a.Summary("en")), fmt.Sprintf(`action="/staff/alerts/%d/acknowledge"`, a.ID))
		_, body = h.as("admin").get("/staff/alerts?centre=HC-GPO")
		wantContains(t, body, html.EscapeString(a.Summary("en")))
		if res, _ := h.as("admin").get("/staff/alerts?centre=NOPE"); res.StatusCode != http.StatusNotFound {
			t.Errorf("alerts of no centre: %d", res.StatusCode)
		}

		// In Kiswahili: the alert's summary and the quality pages in the manager's language.
		sw := h.as("gpo.manager")
		sw.get("/lang/sw?next=/staff")
		_, body = sw.get("/staff/alerts")
		wantContains(t, body, html.EscapeString(a.Summary("sw")))
		for _, path := range []string{"/staff/quality/HC-GPO?window=30d", "/staff/queue/HC-GPO", "/centres/HC-GPO/figures", "/staff"} {
			res, body := sw.get(path)
			wantStatus(t, res, body, http.StatusOK)
		}

		path := fmt.Sprintf("/staff/alerts/%d/acknowledge", a.ID)
		audits := h.count("audit_log")
		res, body = manager.submit(path, url.Values{"cause": {"   "}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Say what caused it and what you did.", `id="cause-`)
		if got, _ := q.fb.Alert(ctx, a.ID); got.Status != feedback.AlertOpen || got.Cause != "" || h.count("audit_log") != audits {
			t.Errorf("an empty cause changed the alert: %+v", got)
		}
		if res, _ := otherManager(t, h).submit(path, url.Values{"cause": {"Not mine."}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("another centre's manager acknowledged: %d", res.StatusCode)
		}
		if res, _ := h.as("ombudsman").submit(path, url.Values{"cause": {"Read-only."}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an auditor acknowledged: %d", res.StatusCode)
		}
		if res, _ := manager.submit("/staff/alerts/999999/acknowledge", url.Values{"cause": {"x"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("no such alert: %d", res.StatusCode)
		}

		res, body = manager.submit(path, url.Values{"cause": {"Registry system down; a second officer opened counter 3."}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/staff/alerts?notice=acknowledged" {
			t.Errorf("after acknowledging: %q", loc)
		}
		got, _ := q.fb.Alert(ctx, a.ID)
		if got.Status != feedback.AlertAcknowledged || !strings.Contains(got.Cause, "Registry system down") {
			t.Errorf("acknowledged: %+v", got)
		}
		_, body = manager.get("/staff/alerts?centre=HC-GPO&notice=acknowledged")
		wantContains(t, body, "Alert acknowledged", "Registry system down", "Grace Muthoni")
		res, body = manager.submit(path, url.Values{"cause": {"Again."}})
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "acknowledged already")
		if got, _ := q.fb.Alert(ctx, a.ID); strings.Contains(got.Cause, "Again") {
			t.Error("acknowledged twice")
		}
	})
}

// TestManagerClosesAlertInBrowser: four unhappy presses at one counter open an alert; the centre's
// manager signs in, finds it on the alerts page and acknowledges it with the cause; happy ratings
// close it, and the page shows it closed.
func TestManagerClosesAlertInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	gpo := centreID(t, h, "HC-GPO")
	q := newQualityDesk(t, h)
	a := liveAlert(t, q, gpo)

	browser := browsertest.NewWithSize(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	b, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	item := fmt.Sprintf(`#alert-%d`, a.ID)
	var status string
	err := chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/staff/alerts"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "gpo.manager"),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DemoPassword),
		chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(item+` textarea`)),
	)
	if err == nil {
		status, err = chromedp.Run(b, chromedp.Text(chromedp.CSS(item+` .alert-status`)))
	}
	if err != nil {
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	if status != "Open" {
		t.Errorf("the alert's status reads %q", status)
	}
	var notice string
	err = chromedp.Do(b,
		chromedp.SendKeys(chromedp.CSS(item+` textarea`), "Registry system down; counter 3 opened."),
		chromedp.Click(chromedp.CSS(item+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if err == nil {
		notice, err = chromedp.Run(b, chromedp.Text(chromedp.CSS(`.notice`)))
	}
	if err == nil {
		status, err = chromedp.Run(b, chromedp.Text(chromedp.CSS(item+` .alert-status`)))
	}
	if err != nil {
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	if !strings.Contains(notice, "acknowledged") || status != "Acknowledged" {
		t.Errorf("after acknowledging: notice %q, status %q", notice, status)
	}

	// The counter recovers: happy citizens bring the unhappy share under half.
	for range 5 {
		q.rated(t, feedback.VeryHappy, "", "")
	}
	if _, closed, err := q.fb.Evaluate(ctx, gpo); err != nil || closed == 0 {
		t.Fatalf("evaluate: closed %d, %v", closed, err)
	}
	var row string
	err = chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/staff/alerts"),
		chromedp.WaitVisible(chromedp.CSS(`tr`+item)),
	)
	if err == nil {
		row, err = chromedp.Run(b, chromedp.Text(chromedp.CSS(`tr`+item)))
	}
	if err != nil {
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	if !strings.Contains(row, "Closed") || !strings.Contains(row, "Registry system down") {
		t.Errorf("the closed alert reads %q", row)
	}
	if got, _ := q.fb.Alert(ctx, a.ID); got.Status != feedback.AlertClosed {
		t.Errorf("the alert is %s", got.Status)
	}
}
