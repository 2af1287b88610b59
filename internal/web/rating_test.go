package web_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
)

// TestRatingLink: the link sent when a request is resolved shows the four faces; the citizen proves
// the request is theirs with its phone number; the rating lands in ratings (source link) joined to
// the request, once; a request still open is refused.
func TestRatingLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		page, _ := h.requests.List(ctx, requests.Filter{Query: "Wanjiku Njoroge"}) // resolved in the demo data
		req := page.Requests[0]
		c := h.anonymous()
		res, form := c.get("/rate/" + req.Reference)
		wantStatus(t, res, form, http.StatusOK)
		wantContains(t, form, `class="face face-1"`, `class="face face-4"`, `name="reason" value="staff_attitude"`, `name="comment"`, `name="phone"`)
		tok := csrfField.FindStringSubmatch(form)[1]
		post := func(ref string, v url.Values) (*http.Response, string) {
			v.Set("csrf", tok)
			return c.post("/rate/"+ref, v)
		}
		res, body := post(req.Reference, url.Values{"score": {"4"}, "phone": {"0700000000"}})
		wantStatus(t, res, body, http.StatusNotFound)
		res, body = post("NOPE-0000", url.Values{"score": {"4"}, "phone": {"0711 000 303"}})
		wantStatus(t, res, body, http.StatusNotFound)
		res, body = post(req.Reference, url.Values{"score": {"5"}, "reason": {"outcome"}, "comment": {"Kept."}, "phone": {"0711 000 303"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Choose one of the four faces.", `value="outcome" checked`, "Kept.")
		if n := h.count("ratings"); n != 0 {
			t.Fatalf("%d ratings after refusals", n)
		}
		res, body = post(req.Reference, url.Values{"score": {"3"}, "reason": {"waiting_time"}, "comment": {"Quick, but the queue was long."}, "phone": {"0711 000 303"}})
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "is recorded")
		res, body = post(req.Reference, url.Values{"score": {"1"}, "phone": {"0711 000 303"}}) // sent again, or changed: kept once
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "rated already")
		var source, reason, comment string
		var score int
		var centre, service, agency int64
		if err := h.d.QueryRowContext(ctx, `SELECT source, score, reason, comment, centre_id, service_id, agency_id FROM ratings WHERE request_id = $1`, req.ID).
			Scan(&source, &score, &reason, &comment, &centre, &service, &agency); err != nil {
			t.Fatal(err)
		}
		if source != "link" || score != 3 || reason != "waiting_time" || comment != "Quick, but the queue was long." ||
			centre != req.CentreID || service != req.ServiceID || agency != req.AgencyID {
			t.Errorf("stored %s %d %q %q centre %d service %d agency %d", source, score, reason, comment, centre, service, agency)
		}
		var events int
		h.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND kind = 'rated'`, req.ID).Scan(&events)
		if n := h.count("ratings"); n != 1 || events != 1 {
			t.Errorf("%d ratings and %d rated events, want 1 and 1", n, events)
		}
		open, _ := h.requests.List(ctx, requests.Filter{Query: "Ahmed Hassan"}) // still open
		res, body = post(open.Requests[0].Reference, url.Values{"score": {"1"}, "phone": {"0799 000 404"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "once the request is resolved")
		if n := h.count("ratings"); n != 1 {
			t.Errorf("%d ratings after rating an open request", n)
		}
	})
}

// TestTicketPageRating: once a visit is finished, its ticket page offers the four faces; the rating
// (source web) joins the visit; a second one, or one for a visit rated on the counter's tablet,
// stores nothing and gets the thanks; an unfinished visit offers no faces and is refused.
func TestTicketPageRating(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		_, join := c.get("/centres/HC-GPO/join") // any public form: the token's cookie
		tok := csrfField.FindStringSubmatch(join)[1]
		issue := func() (queue.Issued, string) {
			is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
			if err != nil {
				t.Fatal(err)
			}
			return is, fmt.Sprintf("/tickets/%d", is.Ticket.JourneyID)
		}
		rate := func(is queue.Issued, path string, v url.Values) (*http.Response, string) {
			v.Set("csrf", tok)
			v.Set("key", is.Key)
			return c.post(path+"/rate", v)
		}
		is, path := issue()
		page := path + "?key=" + url.QueryEscape(is.Key)
		_, body := c.get(page)
		if strings.Contains(body, "rating-faces") {
			t.Error("a waiting ticket offers the faces")
		}
		res, body := rate(is, path, url.Values{"score": {"4"}})
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "not finished yet")
		res, body = c.post(path+"/rate", url.Values{"csrf": {tok}, "key": {"wrong"}, "score": {"4"}})
		wantStatus(t, res, body, http.StatusNotFound)
		if n := h.count("ratings"); n != 0 {
			t.Fatalf("%d ratings for an unfinished visit", n)
		}

		o, counter := h.signInCounter("gpo.officer", 2, "NRB-01")
		if _, err := h.queue.CallNext(ctx, o, counter); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.queue.Complete(ctx, o, is.Ticket.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		res, body = c.get(page)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `action="`+path+`/rate"`, `class="face face-1"`, `class="face face-4"`, `name="reason" value="information"`)
		res, body = rate(is, path, url.Values{"score": {"0"}, "comment": {"Hello"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Choose one of the four faces.", "Hello")
		for range 2 { // a resent form counts once
			res, body = rate(is, path, url.Values{"score": {"4"}, "reason": {"information"}, "comment": {"Clear answers."}})
			wantStatus(t, res, body, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); loc != page {
				t.Errorf("after rating, sent to %q, want %q", loc, page)
			}
		}
		var source, reason string
		var score int
		var ticket, counterID, officer sql.NullInt64
		var wait sql.NullInt64
		if err := h.d.QueryRowContext(ctx, `SELECT source, score, reason, ticket_id, counter_id, officer_id, wait_seconds FROM ratings`).
			Scan(&source, &score, &reason, &ticket, &counterID, &officer, &wait); err != nil {
			t.Fatal(err)
		}
		if source != "web" || score != 4 || reason != "information" || ticket.Int64 != is.Ticket.ID || counterID.Int64 != counter ||
			officer.Int64 != o.ID || !wait.Valid {
			t.Errorf("stored %s %d %q ticket %v counter %v officer %v wait %v", source, score, reason, ticket, counterID, officer, wait)
		}
		if n := h.count("ratings"); n != 1 {
			t.Errorf("%d ratings, want 1", n)
		}
		_, body = c.get(page)
		wantContains(t, body, "your rating of this visit is recorded")
		if strings.Contains(body, "rating-faces") {
			t.Error("a rated visit still offers the faces")
		}

		// Rated on the counter's tablet first: the page thanks, and a rating sent anyway adds nothing.
		is2, path2 := issue()
		if _, err := h.queue.CallNext(ctx, o, counter); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.queue.Complete(ctx, o, is2.Ticket.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		fb := feedback.NewStore(h.d, func() time.Time { return h.now }, feedback.Config{})
		dev, key, err := fb.AddDevice(ctx, audit.System, counter, "Counter 2")
		if err != nil {
			t.Fatal(err)
		}
		device, _ := fb.DeviceByKey(ctx, dev.ID, key)
		if r, err := fb.Press(ctx, device, feedback.Press{Score: feedback.Happy}); err != nil || r.TicketID != is2.Ticket.ID {
			t.Fatalf("the tablet's press %+v %v", r, err)
		}
		_, body = c.get(path2 + "?key=" + url.QueryEscape(is2.Key))
		wantContains(t, body, "your rating of this visit is recorded")
		if strings.Contains(body, "rating-faces") {
			t.Error("a visit rated on the tablet offers the faces")
		}
		res, body = rate(is2, path2, url.Values{"score": {"1"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		var web int
		h.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE ticket_id = $1`, is2.Ticket.ID).Scan(&web)
		if web != 1 || h.count("ratings") != 2 {
			t.Errorf("%d ratings of the visit rated on the tablet, %d in all; want 1 and 2", web, h.count("ratings"))
		}
	})
}
