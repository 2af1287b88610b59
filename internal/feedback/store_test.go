package feedback_test

import (
	"context"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// TestPressJoinsTheVisit: a press on counter 2's tablet joins the visit just finished there, once;
// a press with no visit and a burst are kept apart; bad presses are refused.
func TestPressJoinsTheVisit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		nairobi, _ := time.LoadLocation("Africa/Nairobi")
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, nairobi)
		clock := func() time.Time { return now }
		charters := charter.NewStore(d, clock)
		users := auth.NewStore(d, clock, bcrypt.MinCost)
		if _, err := demo.Install(ctx, d, charters, users, nil); err != nil {
			t.Fatal(err)
		}
		q := queue.NewStore(d, clock, charters, requests.NewStore(d, clock, charters, requests.Config{}), queue.Config{})
		fb := feedback.NewStore(d, clock, feedback.Config{})
		gpo, _ := charters.CentreByCode(ctx, "HC-GPO")
		counters, err := q.Counters(ctx, gpo.ID)
		if err != nil {
			t.Fatal(err)
		}
		dev, key, err := fb.AddDevice(ctx, audit.System, counters[1].ID, "Counter 2 tablet")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fb.DeviceByKey(ctx, dev.ID, "wrong"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a wrong key: %v", err)
		}
		device, err := fb.DeviceByKey(ctx, dev.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		// Nobody served yet: kept apart.
		r, err := fb.Press(ctx, device, feedback.Press{Score: feedback.Happy})
		if err != nil || r.Suspect != "no_visit" || r.TicketID != 0 {
			t.Fatalf("press before any visit: %+v %v", r, err)
		}
		u, _ := users.UserByUsername(ctx, "gpo.officer")
		o := queue.Officer{ID: u.ID, Name: u.Name, CentreID: gpo.ID}
		nrb, _ := charters.ServiceByCode(ctx, "NRB-01")
		if _, err := q.SignIn(ctx, o, counters[1].ID, []int64{nrb.ID}); err != nil {
			t.Fatal(err)
		}
		is, err := q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(12 * time.Minute)
		if _, err := q.CallNext(ctx, o, counters[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Start(ctx, o, counters[1].ID); err != nil {
			t.Fatal(err)
		}
		now = now.Add(7 * time.Minute)
		if _, _, err := q.Complete(ctx, o, is.Ticket.ID, queue.Completion{}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(30 * time.Second)
		r, err = fb.Press(ctx, device, feedback.Press{Score: feedback.VeryHappy, Reason: "staff_attitude"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Suspect != "" || r.TicketID != is.Ticket.ID || r.OfficerID != u.ID || r.ServiceID != nrb.ID || r.AgencyID != nrb.AgencyID ||
			r.WaitSeconds != 12*60 || r.ServiceSeconds != 7*60 {
			t.Errorf("the press joined %+v", r)
		}
		if err := fb.AddReason(ctx, device, r.ID, "bribe", ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a reason off the list: %v", err)
		}
		if err := fb.AddReason(ctx, device, r.ID, "information", "  Clear answers.  "); err != nil {
			t.Fatal(err)
		}
		var reason, comment string
		d.QueryRowContext(ctx, `SELECT reason, comment FROM ratings WHERE id = $1`, r.ID).Scan(&reason, &comment)
		if reason != "information" || comment != "Clear answers." {
			t.Errorf("the reason added reads %q, %q", reason, comment)
		}
		// The same visit cannot be rated twice: the second press is kept apart.
		now = now.Add(30 * time.Second)
		if r, err = fb.Press(ctx, device, feedback.Press{Score: feedback.VeryHappy}); err != nil || r.Suspect != "no_visit" {
			t.Errorf("second press for one visit: %+v %v", r, err)
		}
		// A burst: the third and later presses within 20 seconds.
		now = now.Add(time.Minute)
		var last feedback.Rating
		for range 4 {
			if last, err = fb.Press(ctx, device, feedback.Press{Score: feedback.VeryHappy}); err != nil {
				t.Fatal(err)
			}
		}
		if last.Suspect != "burst" {
			t.Errorf("a burst of presses: %+v", last)
		}
		for _, p := range []feedback.Press{{Score: 0}, {Score: 5}, {Score: 3, Reason: "bribe"}} {
			if _, err := fb.Press(ctx, device, p); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("press %+v: %v", p, err)
			}
		}
		var counted, apart int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE suspect = ''`).Scan(&counted)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE suspect <> ''`).Scan(&apart)
		if counted != 1 || apart != 6 {
			t.Errorf("%d counted, %d apart; want 1 and 6", counted, apart)
		}
	})
}
