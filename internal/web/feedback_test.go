package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

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
