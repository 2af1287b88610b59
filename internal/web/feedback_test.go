package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/browsertest"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
)

// TestFeedbackAPI: a system rates a finished visit and a request, once each; bad ratings refused.
func TestFeedbackAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("Feedback kiosk")
		api := h.withKey(secret)
		is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
		if err != nil {
			t.Fatal(err)
		}
		rate := func(body string) (*http.Response, string) { return api.send("POST", "/api/v1/feedback", body) }
		res, out := rate(fmt.Sprintf(`{"ticket_id":%d,"rating":4}`, is.Ticket.ID))
		if res.StatusCode != http.StatusConflict || !strings.Contains(out, "not finished") {
			t.Errorf("a waiting visit: %d %s", res.StatusCode, out)
		}
		o, counter := h.signInCounter("gpo.officer", 2, "NRB-01")
		if _, err := h.queue.CallNext(ctx, o, counter); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.queue.Complete(ctx, o, is.Ticket.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		res, out = rate(fmt.Sprintf(`{"ticket_id":%d,"rating":4,"reason":"staff_attitude","comment":"Quick and kind."}`, is.Ticket.ID))
		wantStatus(t, res, out, http.StatusCreated)
		wantContains(t, out, `"rating": 4`, `"reason": "staff_attitude"`)
		res, out = rate(fmt.Sprintf(`{"ticket_id":%d,"rating":1}`, is.Ticket.ID))
		if res.StatusCode != http.StatusConflict {
			t.Errorf("a second rating of one visit: %d %s", res.StatusCode, out)
		}
		c, err := h.requests.Create(ctx, requests.Actor{Name: "test"}, requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web",
			Citizen: requests.Citizen{Name: "Amina", Phone: "0712345678"}, Description: "Printer jams."})
		if err != nil {
			t.Fatal(err)
		}
		res, out = rate(`{"request_reference":"` + c.Request.Reference + `","rating":2,"reason":"waiting_time"}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, "once the request is resolved") {
			t.Errorf("a request still open: %d %s", res.StatusCode, out)
		}
		if _, err := h.requests.ChangeStatus(ctx, requests.Actor{Name: "test"}, c.Request.ID, requests.StatusChange{To: requests.Resolved}); err != nil {
			t.Fatal(err)
		}
		res, out = rate(`{"request_reference":"` + c.Request.Reference + `","rating":2,"reason":"waiting_time"}`)
		wantStatus(t, res, out, http.StatusCreated)
		for _, c := range []struct {
			body   string
			status int
			want   string
		}{
			{`{"ticket_id":1,"rating":5}`, 422, "four faces"},
			{`{"rating":3}`, 422, "one of them"},
			{fmt.Sprintf(`{"ticket_id":%d,"request_reference":"X","rating":3}`, is.Ticket.ID), 404, "No request"},
			{`{"ticket_id":987654,"rating":3}`, 404, "No such ticket."},
			{`{"request_reference":"NOPE-NOPE","rating":3}`, 404, "No request"},
		} {
			res, out := rate(c.body)
			if res.StatusCode != c.status || !strings.Contains(out, c.want) {
				t.Errorf("%s: %d %s", c.body, res.StatusCode, out)
			}
		}
		if h.count("ratings") != 2 {
			t.Errorf("%d ratings stored, want 2", h.count("ratings"))
		}
	})
}

// TestFeedbackTabletInBrowser: a citizen just served at counter 2 presses a smiley on the tablet,
// adds a reason, and the rating joins the visit; the officer's screen says nothing of it.
func TestFeedbackTabletInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	gpo, _ := h.charters.CentreByCode(ctx, "HC-GPO")
	manager := h.as("gpo.manager")
	res, body := manager.submit("/staff/queue/HC-GPO/devices", url.Values{"counter": {"2"}, "label": {"Counter 2"}})
	wantStatus(t, res, body, http.StatusOK)
	i := strings.Index(body, "/devices/")
	path := html.UnescapeString(body[i : i+strings.Index(body[i:], "<")])
	if res, page := h.anonymous().get(path); res.StatusCode != http.StatusOK || !strings.Contains(page, "face-4") {
		t.Fatalf("the tablet's address %q: %d", path, res.StatusCode)
	}
	is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
	if err != nil {
		t.Fatal(err)
	}
	o, counter := h.signInCounter("gpo.officer", 2, "NRB-01")
	if _, err := h.queue.CallNext(ctx, o, counter); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.queue.Complete(ctx, o, is.Ticket.ID, queue.Completion{}); err != nil {
		t.Fatal(err)
	}
	_, screen := h.as("gpo.officer").get("/staff/counter")
	if strings.Contains(screen, "rating") || strings.Contains(screen, "😀") {
		t.Error("the officer's screen shows the feedback")
	}
	browser := browsertest.NewWithSize(t, 1280, 800)
	b, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	err = chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+path),
		chromedp.WaitVisible(chromedp.CSS(`button.face-4`)),
		chromedp.Click(chromedp.CSS(`button.face-4`)),
		chromedp.WaitVisible(chromedp.CSS(`.device-reasons`)),
		chromedp.Click(chromedp.CSS(`input[value="staff_attitude"]`)),
		chromedp.Click(chromedp.CSS(`.device-reasons button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.face-1`)),
	)
	if err != nil {
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 300)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	var score int
	var reason string
	var ticket sql.NullInt64
	if err := h.d.QueryRowContext(ctx, `SELECT score, reason, ticket_id FROM ratings WHERE centre_id = $1`, gpo.ID).Scan(&score, &reason, &ticket); err != nil {
		t.Fatal(err)
	}
	if score != 4 || reason != "staff_attitude" || ticket.Int64 != is.Ticket.ID {
		t.Errorf("rating %d %q for ticket %d, want 4 staff_attitude for %d", score, reason, ticket.Int64, is.Ticket.ID)
	}
	res, _ = h.anonymous().get(strings.Replace(path, "key=", "key=x", 1))
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a wrong key: %d", res.StatusCode)
	}
}

// TestUnhappyPressPointsToTheManager: after an unhappy press the tablet says the centre manager
// is there to put it right and shows the complaint form's address (and its QR code); after a
// happy press it does not.
func TestUnhappyPressPointsToTheManager(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		res, body := h.as("gpo.manager").submit("/staff/queue/HC-GPO/devices", url.Values{"counter": {"3"}})
		wantStatus(t, res, body, http.StatusOK)
		i := strings.Index(body, "/devices/")
		path := html.UnescapeString(body[i : i+strings.Index(body[i:], "<")])
		id, key, _ := strings.Cut(strings.TrimPrefix(path, "/devices/"), "?key=")
		tablet := h.anonymous()
		press := func(score string) string {
			_, page := tablet.get(path)
			m := csrfField.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("no form token on the tablet's page")
			}
			res, out := tablet.post("/devices/"+id+"/press", url.Values{"csrf": {m[1]}, "key": {key}, "score": {score}})
			wantStatus(t, res, out, http.StatusOK)
			return out
		}
		out := press("4")
		if strings.Contains(out, "/complaints/new") || strings.Contains(out, "centre manager") {
			t.Error("a happy press is pointed to the complaint form")
		}
		h.now = h.now.Add(time.Minute)
		out = press("1")
		wantContains(t, out, "We are sorry.", "centre manager is here to put it right", "/complaints/new?centre=HC-GPO", "<svg")
	})
}
