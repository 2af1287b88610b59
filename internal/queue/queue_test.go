package queue_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

var nairobi, _ = time.LoadLocation("Africa/Nairobi")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, nairobi)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02 15:04", s, nairobi)
	}
	if err != nil {
		panic(err)
	}
	return t
}

// hall is the GPO Huduma Centre on a demo database, with a clock the test moves.
type hall struct {
	t        testing.TB
	d        *db.DB
	now      time.Time
	charters *charter.Store
	users    *auth.Store
	q        *queue.Store
	centre   charter.Centre
	dir      *charter.Directory
}

func newHall(t testing.TB, d *db.DB, start string) *hall {
	t.Helper()
	h := &hall{t: t, d: d, now: at(start)}
	clock := func() time.Time { return h.now }
	h.charters = charter.NewStore(d, clock)
	h.users = auth.NewStore(d, clock, bcrypt.MinCost)
	if _, err := demo.Install(ctx, d, h.charters, h.users, nil); err != nil {
		t.Fatal(err)
	}
	reqs := requests.NewStore(d, clock, h.charters, requests.Config{PublicURL: "https://huduma.test"})
	h.q = queue.NewStore(d, clock, h.charters, reqs, queue.Config{})
	var err error
	if h.dir, err = h.charters.Directory(ctx); err != nil {
		t.Fatal(err)
	}
	h.centre, _ = h.dir.Centre("HC-GPO")
	return h
}

func (h *hall) advance(d time.Duration) { h.now = h.now.Add(d) }

func (h *hall) issue(service, priority, phone string) queue.Issued {
	h.t.Helper()
	is, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: service, Priority: priority, Phone: phone})
	if err != nil {
		h.t.Fatalf("issue %s: %v", service, err)
	}
	return is
}

func (h *hall) serviceID(code string) int64 {
	sv, ok := h.dir.Service(code)
	if !ok {
		h.t.Fatalf("no service %s", code)
	}
	return sv.ID
}

// officer makes an officer of the GPO centre (or returns the demo one) and signs them in.
func (h *hall) officer(username string, counter int, services ...string) (queue.Officer, int64) {
	h.t.Helper()
	u, err := h.users.UserByUsername(ctx, username)
	if err != nil {
		u, err = h.users.CreateUser(ctx, audit.System, auth.NewUser{Username: username, Name: username, Role: auth.Officer,
			CentreID: h.centre.ID, Password: "karibu-huduma-2026"})
		if err != nil {
			h.t.Fatal(err)
		}
	}
	o := queue.Officer{ID: u.ID, Name: u.Name, CentreID: h.centre.ID}
	counters, err := h.q.Counters(ctx, h.centre.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var ids []int64
	for _, s := range services {
		ids = append(ids, h.serviceID(s))
	}
	if _, err := h.q.SignIn(ctx, o, counters[counter-1].ID, ids); err != nil {
		h.t.Fatal(err)
	}
	return o, counters[counter-1].ID
}

func (h *hall) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func TestIssueNumbersAndRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00") // a Monday
		a1 := h.issue("NRB-01", "", "0712 345 678")
		a2 := h.issue("NRB-01", "", "")
		b1 := h.issue("KRA-01", "", "")
		if a1.Ticket.Number != "A001" || a2.Ticket.Number != "A002" || b1.Ticket.Number != "B001" {
			t.Errorf("numbers %s %s %s, want A001 A002 B001", a1.Ticket.Number, a2.Ticket.Number, b1.Ticket.Number)
		}
		if a1.Ticket.Phone != "+254712345678" || a1.Ticket.Day != "2026-11-23" {
			t.Errorf("ticket %+v", a1.Ticket)
		}
		if a2.Estimate.Known || a2.Estimate.Position != 2 {
			t.Errorf("with no counter open: %+v, want position 2 and an unknown wait", a2.Estimate)
		}
		// A priority ticket is on the audit record.
		h.issue("NRB-01", "elderly", "")
		if n := h.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'priority' AND entity = 'ticket'`); n != 1 {
			t.Errorf("%d priority audit records, want 1", n)
		}
		refused := []struct {
			n     queue.NewTicket
			code  apperr.Code
			field string
		}{
			{queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NOPE"}, apperr.NotFound, ""},
			{queue.NewTicket{CentreCode: "HC-NOWHERE", ServiceCode: "NRB-01"}, apperr.NotFound, ""},
			{queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "KKG-ICT-03"}, apperr.Invalid, ""}, // a county office's service
			{queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01", Priority: "vip"}, apperr.Invalid, "priority"},
			{queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01", Phone: "12345"}, apperr.Invalid, "phone"},
		}
		for i, c := range refused {
			_, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, c.n)
			if !apperr.Is(err, c.code) || (c.field != "" && apperr.FieldsOf(err)[c.field] == "") {
				t.Errorf("case %d: %v, want %s on %q", i, err, c.code, c.field)
			}
		}
		before := h.count(`SELECT COUNT(*) FROM tickets`)
		// Closed on Sunday.
		h.now = at("2026-11-22 10:00")
		if _, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "closed") {
			t.Errorf("on a Sunday: %v", err)
		}
		h.now = at("2026-11-23 09:30")
		// Cut-off and quota.
		nrb := h.serviceID("NRB-01")
		st, err := h.q.Settings(ctx, h.centre.ID, nrb)
		if err != nil {
			t.Fatal(err)
		}
		st.DailyQuota, st.Cutoff = 4, "15:00"
		if _, err := h.q.SaveSettings(ctx, audit.System, st); err != nil {
			t.Fatal(err)
		}
		h.issue("NRB-01", "", "") // the 4th
		if _, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("over the quota: %v", err)
		}
		h.now = at("2026-11-23 15:00")
		if _, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "KRA-01"}); err != nil {
			t.Errorf("another service after NRB-01's cut-off: %v", err)
		}
		st.DailyQuota = 0
		if _, err := h.q.SaveSettings(ctx, audit.System, st); err != nil {
			t.Fatal(err)
		}
		if _, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("after the cut-off: %v", err)
		}
		// Paused: no tickets, and those waiting with a phone are told.
		h.now = at("2026-11-23 11:00")
		if err := h.q.Pause(ctx, audit.System, h.centre.ID, nrb, "the IPRS link is down"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("while paused: %v", err)
		}
		var body string
		if err := d.QueryRowContext(ctx, `SELECT body FROM outbox WHERE recipient = '+254712345678'`).Scan(&body); err != nil || !strings.Contains(body, "A001") || !strings.Contains(body, "IPRS") {
			t.Errorf("pause SMS %q (%v)", body, err)
		}
		if err := h.q.Resume(ctx, audit.System, h.centre.ID, nrb); err != nil {
			t.Fatal(err)
		}
		h.issue("NRB-01", "", "")
		// A refusal writes nothing: 3 refused since, 2 issued.
		if got := h.count(`SELECT COUNT(*) FROM tickets`); got != before+3 {
			t.Errorf("%d tickets, want %d", got, before+3)
		}
	})
}

func TestCallNextRanksAndNeverStarves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		o, counter := h.officer("gpo.officer", 1, "NRB-01", "KRA-01")
		if _, err := h.q.CallNext(ctx, o, counter); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("empty hall: %v", err)
		}
		a1 := h.issue("NRB-01", "", "")        // 09:00
		h.advance(2 * time.Minute)             //
		b1 := h.issue("KRA-01", "", "")        // 09:02
		h.advance(5 * time.Minute)             //
		p1 := h.issue("NRB-01", "infant", "")  // 09:07, ranked 08:52: first
		h.advance(30 * time.Minute)            //
		p2 := h.issue("KRA-01", "elderly", "") // 09:37, ranked 09:22: after a1 and b1
		var order []string
		for range 4 {
			tk, err := h.q.CallNext(ctx, o, counter)
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, tk.Number)
			if _, _, err := h.q.Complete(ctx, o, tk.ID, queue.Completion{}); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{p1.Ticket.Number, a1.Ticket.Number, b1.Ticket.Number, p2.Ticket.Number}
		if strings.Join(order, " ") != strings.Join(want, " ") {
			t.Errorf("called %v, want %v", order, want)
		}
		// An ordinary ticket overtaken by a stream of priority tickets is called after five.
		ord := h.issue("NRB-01", "", "")
		var prios []string
		for range 8 {
			h.advance(time.Minute)
			prios = append(prios, h.issue("NRB-01", "disability", "").Ticket.Number)
		}
		order = nil
		for range 7 {
			tk, err := h.q.CallNext(ctx, o, counter)
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, tk.Number)
			if _, _, err := h.q.Complete(ctx, o, tk.ID, queue.Completion{}); err != nil {
				t.Fatal(err)
			}
		}
		want = append(append([]string{}, prios[:5]...), ord.Ticket.Number, prios[5])
		if strings.Join(order, " ") != strings.Join(want, " ") {
			t.Errorf("called %v, want %v (the ordinary ticket after 5 overtakes)", order, want)
		}
	})
}

func TestCounterDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		a1 := h.issue("NRB-01", "", "")
		a2 := h.issue("NRB-01", "", "")
		counters, _ := h.q.Counters(ctx, h.centre.ID)
		if len(counters) != h.centre.Counters {
			t.Fatalf("%d counters, want %d", len(counters), h.centre.Counters)
		}
		o, counter := h.officer("gpo.officer", 5, "NRB-01")
		intruder, _ := h.officer("gpo.second", 6, "KRA-01")
		// Not signed in, or someone else's counter: refused.
		if _, err := h.q.CallNext(ctx, o, counters[0].ID); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a counter nobody is signed in at: %v", err)
		}
		if _, err := h.q.CallNext(ctx, intruder, counter); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("another officer's counter: %v", err)
		}
		tk, err := h.q.CallNext(ctx, o, counter)
		if err != nil || tk.ID != a1.Ticket.ID || tk.Status != queue.Called || tk.CounterNumber != 5 {
			t.Fatalf("first call: %+v, %v", tk, err)
		}
		if _, err := h.q.CallNext(ctx, o, counter); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("calling with a ticket at the counter: %v", err)
		}
		if _, err := h.q.NoShow(ctx, o, counter); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a no-show before any recall: %v", err)
		}
		for range 2 {
			if _, err := h.q.Recall(ctx, o, counter); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.q.Recall(ctx, o, counter); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a third recall: %v", err)
		}
		if tk, err = h.q.NoShow(ctx, o, counter); err != nil || tk.Status != queue.NoShow {
			t.Fatalf("no-show: %+v %v", tk, err)
		}
		calls, err := h.q.Calls(ctx, h.centre.ID, 0, 10)
		if err != nil || len(calls) != 3 || calls[0].Kind != "call" || calls[2].Kind != "recall" || calls[2].Number != "A001" {
			t.Fatalf("board calls %+v (%v)", calls, err)
		}
		// A board that saw the first call gets the two recalls, and nothing after them.
		if after, _ := h.q.Calls(ctx, h.centre.ID, calls[0].ID, 10); len(after) != 2 || after[0].ID != calls[1].ID {
			t.Errorf("calls after %d: %+v", calls[0].ID, after)
		}
		// The next one reaches the counter, and the visit moves on to KRA with its arrival time.
		h.advance(10 * time.Minute)
		if tk, err = h.q.CallNext(ctx, o, counter); err != nil || tk.ID != a2.Ticket.ID {
			t.Fatalf("second call: %+v %v", tk, err)
		}
		if _, err := h.q.Start(ctx, o, counter); err != nil {
			t.Fatal(err)
		}
		h.advance(4 * time.Minute)
		b := h.issue("KRA-01", "", "") // arrived at 09:14, after a2's 09:00
		moved, err := h.q.Transfer(ctx, o, counter, "KRA-01", 0)
		if err != nil {
			t.Fatal(err)
		}
		if moved.Number != a2.Ticket.Number || moved.Leg != 2 || moved.JourneyID != a2.Ticket.ID || !moved.ArrivedAt.Equal(a2.Ticket.ArrivedAt) || moved.ServiceCode != "KRA-01" {
			t.Errorf("transferred leg %+v", moved)
		}
		if _, _, err := h.q.Complete(ctx, o, a2.Ticket.ID, queue.Completion{}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("completing a transferred leg: %v", err)
		}
		// At KRA's counter the transferred visit goes before the later arrival.
		tk, err = h.q.CallNext(ctx, intruder, h.sessionCounter(intruder))
		if err != nil || tk.ID != moved.ID {
			t.Fatalf("KRA's first call: %+v %v, want the transferred %s", tk, err, moved.Number)
		}
		// Not finished on the spot: a service request carries it on, linked to the ticket.
		done, created, err := h.q.Complete(ctx, intruder, tk.ID, queue.Completion{Request: &requests.NewRequest{
			Citizen: requests.Citizen{Name: "Wanjiku Njoroge", Phone: "0722 111 222"}, Description: "PIN registration needs the employer's letter."}})
		if err != nil {
			t.Fatal(err)
		}
		if done.Outcome != queue.OutcomeRequest || done.RequestID != created.Request.ID || created.Request.ServiceCode != "KRA-01" || created.Request.Channel != "counter" {
			t.Errorf("completed %+v with request %+v", done, created.Request)
		}
		if _, _, err := h.q.Complete(ctx, intruder, tk.ID, queue.Completion{}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("completing twice: %v", err)
		}
		if tk, err = h.q.CallNext(ctx, intruder, h.sessionCounter(intruder)); err != nil || tk.ID != b.Ticket.ID {
			t.Errorf("then the later arrival: %+v %v", tk, err)
		}
		// Park and resume.
		if _, err := h.q.Park(ctx, intruder, h.sessionCounter(intruder)); err != nil {
			t.Fatal(err)
		}
		parked, _ := h.q.Parked(ctx, h.sessionCounter(intruder))
		if len(parked) != 1 || parked[0].ID != b.Ticket.ID {
			t.Fatalf("parked %+v", parked)
		}
		if tk, err = h.q.ResumeParked(ctx, intruder, h.sessionCounter(intruder), b.Ticket.ID); err != nil || tk.Status != queue.Serving {
			t.Fatalf("resume: %+v %v", tk, err)
		}
		if err := h.q.SignOut(ctx, intruder); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("signing out with a ticket at the counter: %v", err)
		}
		if _, _, err := h.q.Complete(ctx, intruder, tk.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		if err := h.q.SignOut(ctx, intruder); err != nil {
			t.Fatal(err)
		}
		snap, err := h.q.Snapshot(ctx, h.centre.ID)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Served != 2 || snap.Waiting != 0 || len(snap.Sessions) != 1 || snap.Called != 4 {
			t.Errorf("snapshot: served %d, waiting %d, %d sessions, %d calls", snap.Served, snap.Waiting, len(snap.Sessions), snap.Called)
		}
	})
}

func (h *hall) sessionCounter(o queue.Officer) int64 {
	h.t.Helper()
	ss, err := h.q.SessionOf(ctx, o.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return ss.CounterID
}

func TestEstimatesAndNearMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		var last queue.Issued
		for i := range 9 {
			phone := ""
			if i == 4 {
				phone = "0733 000 004"
			}
			last = h.issue("NRB-01", "", phone)
		}
		o1, c1 := h.officer("gpo.officer", 1, "NRB-01")
		h.officer("gpo.second", 2, "NRB-01")
		e, err := h.q.Estimate(ctx, last.Ticket)
		if err != nil {
			t.Fatal(err)
		}
		// 8 ahead, two counters, 6 minutes each before any is measured: about 24 minutes.
		if !e.Known || e.Position != 9 || e.Counters != 2 || e.Low > 24*time.Minute || e.High < 24*time.Minute {
			t.Errorf("estimate %+v", e)
		}
		// Calling the first makes the 5th ticket third in line: it is told its turn is near, once.
		tk, err := h.q.CallNext(ctx, o1, c1)
		if err != nil {
			t.Fatal(err)
		}
		if n := h.count(`SELECT COUNT(*) FROM outbox WHERE recipient = '+254733000004' AND body LIKE '%turn is near%'`); n != 0 {
			t.Errorf("told too early (%d)", n)
		}
		h.advance(5 * time.Minute)
		if _, _, err := h.q.Complete(ctx, o1, tk.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.q.CallNext(ctx, o1, c1); err != nil {
			t.Fatal(err)
		}
		if n := h.count(`SELECT COUNT(*) FROM outbox WHERE recipient = '+254733000004' AND body LIKE '%turn is near%'`); n != 1 {
			t.Errorf("%d 'turn is near' messages, want 1", n)
		}
	})
}

// TestCountersNeverCallOneTicketTwice: counters calling at the same moment each get their own ticket.
func TestCountersNeverCallOneTicketTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		for range 12 {
			h.issue("NRB-01", "", "")
		}
		type desk struct {
			o       queue.Officer
			counter int64
		}
		var desks []desk
		for i, name := range []string{"gpo.officer", "gpo.second", "gpo.third", "gpo.fourth"} {
			o, c := h.officer(name, i+1, "NRB-01")
			desks = append(desks, desk{o, c})
		}
		seen := map[int64]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, dk := range desks {
			wg.Go(func() {
				for range 3 {
					tk, err := h.q.CallNext(ctx, dk.o, dk.counter)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					seen[tk.ID]++
					mu.Unlock()
					if _, _, err := h.q.Complete(ctx, dk.o, tk.ID, queue.Completion{}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != 12 {
			t.Errorf("%d distinct tickets called, want 12: %v", len(seen), seen)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("ticket %d called %d times", id, n)
			}
		}
	})
}

// TestFollowLinkShowsOneVisit: the follow link finds its visit, through a transfer, and nothing
// with a wrong key.
func TestFollowLinkShowsOneVisit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		mine := h.issue("NRB-01", "", "")
		other := h.issue("NRB-01", "", "")
		if mine.Key == "" || mine.Key == other.Key {
			t.Fatalf("keys %q %q", mine.Key, other.Key)
		}
		got, err := h.q.Follow(ctx, mine.Ticket.ID, mine.Key)
		if err != nil || got.ID != mine.Ticket.ID {
			t.Fatalf("follow: %+v %v", got, err)
		}
		for _, c := range []struct {
			id  int64
			key string
		}{{mine.Ticket.ID, other.Key}, {other.Ticket.ID, mine.Key}, {mine.Ticket.ID, ""}, {987654, mine.Key}} {
			if _, err := h.q.Follow(ctx, c.id, c.key); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("follow %d with another key: %v", c.id, err)
			}
		}
		o, counter := h.officer("gpo.officer", 1, "NRB-01")
		if _, err := h.q.CallNext(ctx, o, counter); err != nil {
			t.Fatal(err)
		}
		moved, err := h.q.Transfer(ctx, o, counter, "KRA-01", 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := h.q.Follow(ctx, mine.Ticket.ID, mine.Key); err != nil || got.ID != moved.ID || got.ServiceCode != "KRA-01" {
			t.Errorf("after the transfer the link shows %+v (%v), want the KRA leg", got, err)
		}
	})
}
