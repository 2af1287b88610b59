package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/queue"
)

// signInCounter puts the demo GPO officer at counter n of the GPO centre, taking services.
func (h *harness) signInCounter(username string, n int, services ...string) (queue.Officer, int64) {
	h.t.Helper()
	u, err := h.users.UserByUsername(ctx, username)
	if err != nil {
		h.t.Fatal(err)
	}
	gpo, err := h.charters.CentreByCode(ctx, "HC-GPO")
	if err != nil {
		h.t.Fatal(err)
	}
	counters, err := h.queue.Counters(ctx, gpo.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var ids []int64
	for _, code := range services {
		sv, err := h.charters.ServiceByCode(ctx, code)
		if err != nil {
			h.t.Fatal(err)
		}
		ids = append(ids, sv.ID)
	}
	o := queue.Officer{ID: u.ID, Name: u.Name, CentreID: gpo.ID}
	if _, err := h.queue.SignIn(ctx, o, counters[n-1].ID, ids); err != nil {
		h.t.Fatal(err)
	}
	return o, counters[n-1].ID
}

func TestQueueAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("Hall kiosk")
		api := h.withKey(secret)
		res, out := api.send("POST", "/api/v1/tickets", `{"centre":"HC-GPO","service":"NRB-01","phone":"0712 345 678","channel":"kiosk"}`)
		wantStatus(t, res, out, http.StatusCreated)
		var issued struct {
			Ticket struct {
				ID     int64
				Number string
				Status string
			}
			Estimate struct {
				Position int
				Known    bool
			}
		}
		if err := json.Unmarshal([]byte(out), &issued); err != nil {
			t.Fatal(err)
		}
		if issued.Ticket.Number != "A001" || issued.Ticket.Status != "waiting" || issued.Estimate.Position != 1 || issued.Estimate.Known {
			t.Errorf("issued: %s", out)
		}
		if strings.Contains(out, "712") {
			t.Error("the API shows the ticket holder's phone number")
		}
		for _, c := range []struct {
			body   string
			status int
			want   string
		}{
			{`{"centre":"HC-GPO","service":"NOPE"}`, 404, "No service with code"},
			{`{"centre":"HC-GPO","service":"KKG-ICT-03"}`, 422, "is not offered at"},
			{`{"centre":"HC-GPO","service":"NRB-01","priority":"vip"}`, 422, "priority"},
			{`{"centre":"HC-GPO","service":"NRB-01","colour":"red"}`, 422, "colour"},
			{`nonsense`, 422, "JSON"},
		} {
			res, out := api.send("POST", "/api/v1/tickets", c.body)
			if res.StatusCode != c.status || !strings.Contains(out, c.want) {
				t.Errorf("%s: %d %s", c.body, res.StatusCode, out)
			}
		}
		// Nobody at the counter yet.
		gpo, _ := h.charters.CentreByCode(ctx, "HC-GPO")
		counters, _ := h.queue.Counters(ctx, gpo.ID)
		res, out = api.send("POST", fmt.Sprintf("/api/v1/counters/%d/call-next", counters[2].ID), "")
		if res.StatusCode != 422 || !strings.Contains(out, "Nobody is signed in at this counter") {
			t.Errorf("call-next at an empty counter: %d %s", res.StatusCode, out)
		}
		_, counter := h.signInCounter("gpo.officer", 3, "NRB-01")
		res, out = api.send("POST", fmt.Sprintf("/api/v1/counters/%d/call-next", counter), "")
		wantStatus(t, res, out, http.StatusOK)
		wantContains(t, out, `"number": "A001"`, `"status": "called"`, `"counter": 3`)
		res, out = api.send("GET", "/api/v1/centres/HC-GPO/queue", "")
		wantStatus(t, res, out, http.StatusOK)
		wantContains(t, out, `"number": 3`, `"ticket": "A001"`, `"kind": "call"`)
		res, out = api.send("POST", fmt.Sprintf("/api/v1/tickets/%d/complete", issued.Ticket.ID), `{"outcome":"served"}`)
		wantStatus(t, res, out, http.StatusOK)
		wantContains(t, out, `"status": "done"`, `"outcome": "served"`)
		res, out = api.send("POST", fmt.Sprintf("/api/v1/tickets/%d/complete", issued.Ticket.ID), `{"outcome":"served"}`)
		if res.StatusCode != http.StatusConflict || !strings.Contains(out, "already finished") {
			t.Errorf("completing twice: %d %s", res.StatusCode, out)
		}
		res, out = api.send("GET", fmt.Sprintf("/api/v1/tickets/%d", issued.Ticket.ID), "")
		wantStatus(t, res, out, http.StatusOK)
		res, out = h.withKey("hk_notakeyatall_xxxxxxxxxxxx").send("POST", "/api/v1/tickets", `{"centre":"HC-GPO","service":"NRB-01"}`)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("bad key: %d %s", res.StatusCode, out)
		}
	})
}
