package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/queue"
)

// TestCounterScreen: an officer's morning at counter 4 of the GPO centre, through the screen.
func TestCounterScreen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		issue := func(service string) queue.Issued {
			is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: service})
			if err != nil {
				t.Fatal(err)
			}
			return is
		}
		first, second, third := issue("NRB-01"), issue("NRB-01"), issue("NRB-01")
		officer := h.as("gpo.officer")
		res, body := officer.get("/staff/counter")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Sign in at a counter", "NRB-01")
		nrb, _ := h.charters.ServiceByCode(ctx, "NRB-01")
		// No service chosen: refused, the reason shown.
		res, body = officer.submit("/staff/counter/signin", url.Values{"counter": {"4"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Choose the services you will take at this counter.")
		res, body = officer.submit("/staff/counter/signin", url.Values{"counter": {"4"}, "service": {fmt.Sprint(nrb.ID)}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = officer.get("/staff/counter")
		wantContains(t, body, "Counter 4. Taking:", "3 waiting", "Call next")

		res, body = officer.submit("/staff/counter/call", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = officer.get("/staff/counter")
		wantContains(t, body, first.Ticket.Number, "Called: waiting for the citizen")
		// Calling again while A001 stands at the counter is refused, on the screen.
		res, body = officer.submit("/staff/counter/call", nil)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Finish ticket "+first.Ticket.Number+" first")
		for _, step := range []string{"recall", "start"} {
			res, body = officer.submit("/staff/counter/"+step, nil)
			wantStatus(t, res, body, http.StatusSeeOther)
		}
		_, body = officer.get("/staff/counter")
		wantContains(t, body, "At the counter.")
		res, body = officer.submit("/staff/counter/complete", url.Values{"outcome": {"served"}})
		wantStatus(t, res, body, http.StatusSeeOther)

		// The second needs more than a counter visit: a service request carries it on.
		officer.submit("/staff/counter/call", nil)
		res, body = officer.submit("/staff/counter/complete", url.Values{"outcome": {"request"}, "name": {"Juma Hassan"}, "phone": {"0711 222 333"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "This field is required.") // the description
		res, body = officer.submit("/staff/counter/complete", url.Values{"outcome": {"request"}, "name": {"Juma Hassan"}, "phone": {"0711 222 333"},
			"description": {"Birth certificate missing: ID to be issued when it is brought."}})
		wantStatus(t, res, body, http.StatusSeeOther)
		ref := strings.TrimPrefix(res.Header.Get("Location"), "/staff/counter?notice=saved&request=")
		if len(ref) != 9 {
			t.Fatalf("redirect %q carries no request reference", res.Header.Get("Location"))
		}
		_, body = officer.get(res.Header.Get("Location"))
		wantContains(t, body, "Service request "+ref+" opened")
		got, err := h.queue.Ticket(ctx, second.Ticket.ID)
		if err != nil || got.Outcome != queue.OutcomeRequest || got.RequestID == 0 {
			t.Errorf("second ticket %+v (%v)", got, err)
		}

		// The third goes on to KRA, keeping its number.
		officer.submit("/staff/counter/call", nil)
		res, body = officer.submit("/staff/counter/transfer", url.Values{"service": {"KRA-01"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		moved, err := h.queue.Follow(ctx, third.Ticket.ID, third.Key)
		if err != nil || moved.ServiceCode != "KRA-01" || moved.Number != third.Ticket.Number || moved.Status != queue.Waiting {
			t.Errorf("transferred: %+v (%v)", moved, err)
		}
		// Nobody left for NRB-01.
		res, body = officer.submit("/staff/counter/call", nil)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Nobody is waiting for the services at this counter.")
		res, body = officer.submit("/staff/counter/signout", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = officer.get("/staff/counter")
		wantContains(t, body, "Sign in at a counter")
	})
}

// TestCentreMonitor: the GPO manager watches the hall and stops tickets for a service.
func TestCentreMonitor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		if _, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01", Phone: "0712 000 111"}); err != nil {
			t.Fatal(err)
		}
		manager := h.as("gpo.manager")
		res, _ := manager.get("/staff/queue")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/queue/HC-GPO" {
			t.Fatalf("monitor home: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, body := manager.get("/staff/queue/HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "1</strong> people waiting", "Nobody called yet today.", "No counter is open")
		nrb, _ := h.charters.ServiceByCode(ctx, "NRB-01")
		res, body = manager.submit("/staff/queue/HC-GPO/pause", url.Values{"service": {fmt.Sprint(nrb.ID)}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Say why, for the people waiting.")
		res, body = manager.submit("/staff/queue/HC-GPO/pause", url.Values{"service": {fmt.Sprint(nrb.ID)}, "reason": {"IPRS is down"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = manager.get("/staff/queue/HC-GPO")
		wantContains(t, body, "Stopped</strong>: IPRS is down")
		if h.count("outbox WHERE recipient = '+254712000111' AND body LIKE '%IPRS is down%'") != 1 {
			t.Error("those waiting were not told by SMS")
		}
		res, body = manager.submit("/staff/queue/HC-GPO/pause", url.Values{"service": {fmt.Sprint(nrb.ID)}, "resume": {"1"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		// An officer serves; the monitor is the manager's. Another centre's monitor is not theirs.
		res, body = h.as("gpo.officer").get("/staff/queue/HC-GPO")
		wantStatus(t, res, body, http.StatusForbidden)
		res, body = manager.get("/staff/queue/HC-MOMBASA")
		wantStatus(t, res, body, http.StatusForbidden)
		res, body = h.as("admin").get("/staff/queue")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "/staff/queue/HC-GPO")
	})
}

// TestQueueSettingsScreen: the manager sets a quota and a cut-off; bad values are shown, not saved.
func TestQueueSettingsScreen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		manager := h.as("gpo.manager")
		res, body := manager.get("/staff/queue/HC-GPO/services/NRB-01")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Tickets a day", "Appointments a slot")
		res, body = manager.submit("/staff/queue/HC-GPO/services/NRB-01", url.Values{"daily_quota": {"-3"}, "cutoff": {"late"},
			"minutes_per_customer": {"6"}, "slot_minutes": {"15"}, "slot_capacity": {"2"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Give a number of tickets, or 0 for no limit.", "Give a time such as 15:30, or leave it empty.")
		res, body = manager.submit("/staff/queue/HC-GPO/services/NRB-01", url.Values{"daily_quota": {"1"}, "cutoff": {"16:00"},
			"minutes_per_customer": {"8"}, "slot_minutes": {"20"}, "slot_capacity": {"0"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if _, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); err == nil {
			t.Error("the quota of 1 set on the screen did not hold")
		}
		res, body = h.as("gpo.officer").get("/staff/queue/HC-GPO/services/NRB-01")
		wantStatus(t, res, body, http.StatusForbidden)
	})
}
