package complaints_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/jobs"
	"golang.org/x/crypto/bcrypt"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

var nairobi, _ = time.LoadLocation("Africa/Nairobi")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nairobi)
	if err != nil {
		panic(err)
	}
	return t
}

// world is a demo database with a clock the test moves and a job runner.
type world struct {
	t        *testing.T
	d        *db.DB
	now      time.Time
	store    *complaints.Store
	charters *charter.Store
	users    *auth.Store
	runner   *jobs.Runner
}

func newWorld(t *testing.T, d *db.DB, start string) *world {
	t.Helper()
	w := &world{t: t, d: d, now: at(start)}
	clock := func() time.Time { return w.now }
	charters := charter.NewStore(d, clock)
	w.charters = charters
	w.users = auth.NewStore(d, clock, bcrypt.MinCost)
	if _, err := demo.Install(ctx, d, charters, w.users, nil); err != nil {
		t.Fatal(err)
	}
	w.store = complaints.NewStore(d, clock, charters, complaints.Config{PublicURL: "https://huduma.test"})
	w.runner = jobs.NewRunner(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.store.RegisterJobs(w.runner)
	return w
}

func (w *world) advance(to string) {
	w.t.Helper()
	w.now = at(to)
	if _, err := w.runner.RunDue(ctx); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) user(name string) auth.User {
	w.t.Helper()
	u, err := w.users.UserByUsername(ctx, name)
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) lodge(n complaints.NewComplaint) complaints.Complaint {
	w.t.Helper()
	if n.Channel == "" {
		n.Channel = "web"
	}
	if n.CentreCode == "" {
		n.CentreCode = "HC-GPO"
	}
	c, err := w.store.Create(ctx, audit.Actor{Name: "citizen"}, n)
	if err != nil {
		w.t.Fatal(err)
	}
	return c.Complaint
}

var citizen = complaints.Contact{Name: "Wanjiku Kamau", Phone: "0712 345 678"}

// TestBadComplaintsWriteNothing: a complaint with no way to answer it that is not anonymous, and
// the other mistakes, are refused with the field to correct; nothing is stored or counted.
func TestBadComplaintsWriteNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		cases := []struct {
			name  string
			n     complaints.NewComplaint
			field string
		}{
			{"no contact", complaints.NewComplaint{Category: complaints.Delay, Description: "Waited three hours."}, "phone"},
			{"anonymous delay", complaints.NewComplaint{Category: complaints.Delay, Anonymous: true, Description: "Waited."}, "anonymous"},
			{"bad phone", complaints.NewComplaint{Category: complaints.Delay, Contact: complaints.Contact{Phone: "12345"}, Description: "x"}, "phone"},
			{"bad e-mail", complaints.NewComplaint{Category: complaints.Delay, Contact: complaints.Contact{Email: "not-an-address"}, Description: "x"}, "email"},
			{"no category", complaints.NewComplaint{Contact: citizen, Description: "x"}, "category"},
			{"no description", complaints.NewComplaint{Category: complaints.Other, Contact: citizen}, "description"},
			{"no centre", complaints.NewComplaint{Category: complaints.Other, Contact: citizen, Description: "x", CentreCode: "NOPE"}, "centre"},
			{"bad channel", complaints.NewComplaint{Category: complaints.Other, Contact: citizen, Description: "x", Channel: "fax"}, "channel"},
			{"unknown request", complaints.NewComplaint{Category: complaints.Delay, Contact: citizen, Description: "x", RequestRef: "ZZZZ-ZZZZ"}, "request"},
		}
		for _, c := range cases {
			if c.n.Channel == "" {
				c.n.Channel = "web"
			}
			if c.n.CentreCode == "" {
				c.n.CentreCode = "HC-GPO"
			}
			_, err := w.store.Create(ctx, audit.Actor{Name: "citizen"}, c.n)
			if !apperr.Is(err, apperr.Invalid) || apperr.FieldsOf(err)[c.field] == "" {
				t.Errorf("%s: %v (fields %v), want a message for %s", c.name, err, apperr.FieldsOf(err), c.field)
			}
		}
		if n := w.count(`SELECT COUNT(*) FROM complaints`); n != 0 {
			t.Errorf("%d complaints stored", n)
		}
		if n := w.count(`SELECT COUNT(*) FROM outbox`) + w.count(`SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Errorf("%d messages and jobs written", n)
		}
		st, err := w.store.Stats(ctx, w.lodge(complaints.NewComplaint{Kind: complaints.KindCompliment, Description: "Kind staff."}).CentreID, at("2026-01-01 00:00"))
		if err != nil || st.Complaints != 0 || st.Compliments != 1 {
			t.Errorf("stats after refusals and one compliment: %+v %v", st, err)
		}
	})
}

// TestBribeReportsReachIntegrityOfficersOnly: an anonymous report of a request for a bribe keeps no
// contact, belongs to the integrity officers, is seen by them alone and tells nobody else.
func TestBribeReportsReachIntegrityOfficersOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		c := w.lodge(complaints.NewComplaint{Category: complaints.Bribe, Anonymous: true, Contact: citizen,
			Description: "The clerk asked for 2,000 shillings to speed up my ID."})
		if c.Owner != complaints.OwnerIntegrity || c.Contact != (complaints.Contact{}) || c.DueAt == nil {
			t.Fatalf("stored %+v", c)
		}
		for name, want := range map[string]bool{"integrity": true, "gpo.manager": false, "gpo.officer": false, "admin": false, "ombudsman": false} {
			u := w.user(name)
			if got := u.CanComplaint(auth.ViewComplaints, c.Integrity(), c.CentreID, c.AgencyID); got != want {
				t.Errorf("%s may see the bribe report: %v, want %v", name, got, want)
			}
			page, err := w.store.List(ctx, complaints.Filter{SeeCentre: true, SeeIntegrity: u.IntegrityOfficer})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(page.Complaints) == 1; got != want {
				t.Errorf("%s's inbox lists it: %v, want %v", name, got, want)
			}
		}
		var to []string
		rows, err := d.QueryContext(ctx, `SELECT recipient FROM outbox ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r string
			rows.Scan(&r)
			to = append(to, r)
		}
		rows.Close()
		if strings.Join(to, ",") != "integrity@huduma.example" {
			t.Errorf("messages went to %v; want the integrity officer only (and no SMS: anonymous)", to)
		}
		if n := w.count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND (centre_id IS NOT NULL OR after_json <> '')`); n != 0 {
			t.Errorf("%d audit records of the report carry a centre or its content", n)
		}
		// Only through the integrity officer: answered on the tracking page, referred to EACC.
		officer := w.user("integrity")
		if _, err := w.store.Answer(ctx, officer.Actor(""), c.ID, "Referred to EACC.", "sms"); apperr.FieldsOf(err)["told_via"] == "" {
			t.Errorf("an SMS to an anonymous reporter: %v", err)
		}
		if _, err := w.store.Refer(ctx, officer.Actor(""), c.ID, complaints.Ombudsman, "CAJ/1", ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a bribe report referred to the Ombudsman: %v", err)
		}
		c, err = w.store.Refer(ctx, officer.Actor(""), c.ID, complaints.EACC, "EACC/NRB/2026/117", "Sent with the CCTV log.")
		if err != nil || c.EACCReference != "EACC/NRB/2026/117" || c.ReferredEACCAt == nil {
			t.Fatalf("refer to EACC: %+v %v", c, err)
		}
		events, _ := w.store.Events(ctx, c.ID, true)
		if last := events[len(events)-1]; last.Kind != "referred" || !strings.Contains(last.Body, "EACC/NRB/2026/117") {
			t.Errorf("public timeline ends with %+v", last)
		}
	})
}

// TestAnswerCloseConfirm: closing is refused until the complainant has been told; the answer goes
// to them with the link and stops the ladder; the complainant's confirmation closes it.
func TestAnswerCloseConfirm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		c := w.lodge(complaints.NewComplaint{Category: complaints.StaffConduct, Contact: citizen, Description: "The officer shouted at me."})
		if c.Status != complaints.New || c.Owner != complaints.OwnerCentre || !strings.HasPrefix(c.Reference, "C-") {
			t.Fatalf("stored %+v", c)
		}
		if n := w.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND body LIKE $1`, "%"+c.Reference+"%https://huduma.test/complaints/"+c.Reference+"?key=%"); n != 1 {
			t.Errorf("%d acknowledgements with the tracking link", n)
		}
		manager := w.user("gpo.manager")
		_, err := w.store.Close(ctx, manager.Actor(""), c.ID)
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "until the complainant has been told") {
			t.Fatalf("closing an unanswered complaint: %v", err)
		}
		if _, err := w.store.Confirm(ctx, c.ID); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("confirming before an answer: %v", err)
		}
		if _, err := w.store.Answer(ctx, manager.Actor(""), c.ID, "", "sms"); apperr.FieldsOf(err)["action"] == "" {
			t.Errorf("an answer without the action: %v", err)
		}
		if _, err := w.store.Answer(ctx, manager.Actor(""), c.ID, "Apologised.", "email"); apperr.FieldsOf(err)["told_via"] == "" {
			t.Errorf("told by e-mail with no address: %v", err)
		}
		w.now = at("2026-11-24 11:00")
		c, err = w.store.Answer(ctx, manager.Actor(""), c.ID, "The officer was warned in writing and has apologised.", "sms")
		if err != nil || c.Status != complaints.Answered || c.ToldVia != "sms" || c.AnsweredAt == nil {
			t.Fatalf("answer: %+v %v", c, err)
		}
		if n := w.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND body LIKE '%warned in writing%' AND body LIKE $1`, "%/complaints/"+c.Reference+"%"); n != 1 {
			t.Errorf("%d SMS with the action taken and the link", n)
		}
		if jobs, _ := jobs.Pending(ctx, d, "complaint:"); len(jobs) != 0 {
			t.Errorf("the ladder goes on after the answer: %v", jobs)
		}
		if _, err := w.store.Answer(ctx, manager.Actor(""), c.ID, "Again.", "sms"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a second answer: %v", err)
		}
		c, err = w.store.Confirm(ctx, c.ID)
		if err != nil || c.Status != complaints.Closed || c.ConfirmedAt == nil || c.ClosedAt == nil {
			t.Fatalf("confirm: %+v %v", c, err)
		}
		if _, err := w.store.Reopen(ctx, c.ID, "Changed my mind."); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("reopening a confirmed complaint: %v", err)
		}
		st, err := w.store.Stats(ctx, c.CentreID, at("2026-11-01 00:00"))
		if err != nil || st.Complaints != 1 || st.Answered != 1 || st.AnsweredInTime != 1 || st.Open != 0 || st.ByCategory[complaints.StaffConduct] != 1 {
			t.Errorf("stats %+v %v", st, err)
		}
		if n := w.count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND entity_id = $1`, c.Reference); n != 3 {
			t.Errorf("%d audit records (create, answer, confirm), want 3", n)
		}
	})
}

// TestLadderAndReopen: the owner is warned at 75% of the time, the national admins told at the
// breach (GPO has no agency) and again a working day later, each once; a reopened complaint gets a
// fresh deadline and a fresh chain, and its owner is told.
func TestLadderAndReopen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00") // a Monday
		c := w.lodge(complaints.NewComplaint{Category: complaints.Delay, Contact: citizen, Description: "Three hours in the queue."})
		if !c.DueAt.Equal(at("2026-11-30 10:00")) || !c.WarnAt.Equal(at("2026-11-26 17:00")) {
			t.Fatalf("due %v, warn %v; want Mon 30 Nov 10:00 and Thu 26 Nov 17:00", c.DueAt.In(nairobi), c.WarnAt.In(nairobi))
		}
		mails := func(to string) int {
			return w.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND recipient = $1 AND dedupe_key LIKE $2`, to, "complaint:%")
		}
		steps := []struct {
			at              string
			level           int
			manager, admins int
		}{
			{"2026-11-26 16:59", 0, 1, 0}, // the manager's notice of the new complaint only
			{"2026-11-26 17:00", 0, 2, 0}, // 75%: the manager is warned
			{"2026-11-30 09:59", 0, 2, 0},
			{"2026-11-30 10:00", 1, 2, 1}, // the breach: no agency, so the national admins
			{"2026-11-30 10:00", 1, 2, 1}, // the runner again: nothing twice
			{"2026-12-01 10:00", 2, 2, 2}, // a working day later: the national admins
			{"2026-12-20 10:00", 2, 2, 2}, // and nothing more
		}
		for _, s := range steps {
			w.advance(s.at)
			got, err := w.store.ByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Escalation != s.level || mails("gpo.manager@huduma.example") != s.manager || mails("secretariat@huduma.example") != s.admins {
				t.Errorf("at %s: level %d, manager %d, admins %d; want %d, %d, %d", s.at, got.Escalation,
					mails("gpo.manager@huduma.example"), mails("secretariat@huduma.example"), s.level, s.manager, s.admins)
			}
		}
		manager := w.user("gpo.manager")
		c, err := w.store.Answer(ctx, manager.Actor(""), c.ID, "We added two counters in the afternoons.", "phone")
		if err != nil {
			t.Fatal(err)
		}
		st, _ := w.store.Stats(ctx, c.CentreID, at("2026-11-01 00:00"))
		if st.Answered != 1 || st.AnsweredInTime != 0 {
			t.Errorf("a late answer counted as %+v", st)
		}
		if _, err := w.store.Reopen(ctx, c.ID, " "); apperr.FieldsOf(err)["reason"] == "" {
			t.Errorf("reopening without a reason: %v", err)
		}
		w.now = at("2026-12-21 09:00") // Monday
		c, err = w.store.Reopen(ctx, c.ID, "There were still two counters open today.")
		if err != nil || c.Status != complaints.Reopened || c.Reopens != 1 || c.Escalation != 0 || !c.DueAt.Equal(at("2026-12-29 09:00")) {
			t.Fatalf("reopen: %+v %v (due %v; want Tue 29 Dec 09:00: Christmas is a holiday)", c, err, c.DueAt)
		}
		pending, err := jobs.Pending(ctx, d, "complaint:")
		if err != nil || len(pending) != 1 || pending[0].Key != "complaint:"+itoa(c.ID)+":g1:warn" {
			t.Errorf("pending after reopening: %+v %v", pending, err)
		}
		if mails("gpo.manager@huduma.example") != 3 {
			t.Errorf("the manager was not told of the reopening")
		}
		w.advance("2027-01-04 12:00")
		if got, _ := w.store.ByID(ctx, c.ID); got.Escalation != 2 {
			t.Errorf("the fresh chain reached level %d, want 2", got.Escalation)
		}
		events, _ := w.store.Events(ctx, c.ID, false)
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds["escalated"] != 4 || kinds["sla"] != 2 || kinds["reopened"] != 1 {
			t.Errorf("history %v: want 4 escalations and 2 warnings over two chains, 1 reopening", kinds)
		}
		st, _ = w.store.Stats(ctx, c.CentreID, at("2026-11-01 00:00"))
		if st.Answered != 0 || st.Open != 1 || st.Overdue != 1 {
			t.Errorf("stats of the reopened, late complaint: %+v", st)
		}
	})
}

// TestConcurrentRetriesLodgeOnce: an API client retrying with one Idempotency-Key while the first
// attempt is being written gets the same complaint back; one complaint, one acknowledgement.
func TestConcurrentRetriesLodgeOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		n := complaints.NewComplaint{Category: complaints.WrongInformation, Channel: "api", CentreCode: "HC-GPO", Contact: citizen,
			Description: "I was told the wrong fee.", IdempotencyKey: "api:1:retry"}
		refs := make([]string, 8)
		fresh := make([]bool, 8)
		var wg sync.WaitGroup
		for i := range refs {
			wg.Go(func() {
				c, err := w.store.Create(ctx, audit.Actor{Name: "API key"}, n)
				if err != nil {
					t.Error(err)
					return
				}
				refs[i], fresh[i] = c.Complaint.Reference, c.New
			})
		}
		wg.Wait()
		created := 0
		for i, ref := range refs {
			if ref != refs[0] {
				t.Fatalf("retries answered with different complaints: %v", refs)
			}
			if fresh[i] {
				created++
			}
		}
		if created != 1 {
			t.Errorf("%d calls say they created it, want 1", created)
		}
		if got := w.count(`SELECT COUNT(*) FROM complaints`); got != 1 {
			t.Errorf("%d complaints stored, want 1", got)
		}
		if got := w.count(`SELECT COUNT(*) FROM outbox WHERE channel = 'sms'`); got != 1 {
			t.Errorf("%d acknowledgements queued, want 1", got)
		}
	})
}

// TestComplimentsReachTheOfficer: a compliment needs no answer and no contact; it counts in the
// officer's record and never in the complaints' figures.
func TestComplimentsReachTheOfficer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		officer := w.user("gpo.officer")
		c := w.lodge(complaints.NewComplaint{Kind: complaints.KindCompliment, Channel: "counter", OfficerID: officer.ID,
			Description: "Peter explained every form patiently."})
		if c.Status != complaints.Recorded || c.DueAt != nil || c.Officer != officer.Name {
			t.Fatalf("stored %+v", c)
		}
		if _, err := w.store.Answer(ctx, w.user("gpo.manager").Actor(""), c.ID, "Thanks", "phone"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("answering a compliment: %v", err)
		}
		list, n, err := w.store.Compliments(ctx, officer.ID, at("2026-11-01 00:00"), 5)
		if err != nil || n != 1 || len(list) != 1 || list[0].Description != "Peter explained every form patiently." {
			t.Errorf("the officer's compliments: %+v %d %v", list, n, err)
		}
		if _, err := w.store.Create(ctx, audit.Actor{Name: "x"}, complaints.NewComplaint{Kind: complaints.KindCompliment, Channel: "counter",
			CentreCode: "KKG-ICT-HQ", OfficerID: officer.ID, Description: "x"}); apperr.FieldsOf(err)["officer"] == "" {
			t.Errorf("a compliment for an officer of another centre: %v", err)
		}
		if n := w.count(`SELECT COUNT(*) FROM jobs`); n != 0 {
			t.Errorf("a compliment scheduled %d jobs", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestBreachGoesToTheAgencyAdmin: at a county office, the breach goes to the department's admin
// before the national admins.
func TestBreachGoesToTheAgencyAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		c := w.lodge(complaints.NewComplaint{CentreCode: "KKG-ICT-HQ", Category: complaints.WrongInformation, Contact: citizen, Description: "Wrong form."})
		w.advance("2026-11-30 10:00")
		mails := func(to string) int {
			return w.count(`SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND dedupe_key LIKE $2`, to, "complaint:"+itoa(c.ID)+":g0:esc%")
		}
		if mails("ict.admin@kakamega.example") != 1 || mails("secretariat@huduma.example") != 0 {
			t.Errorf("at the breach: agency admin %d, secretariat %d; want 1 and 0", mails("ict.admin@kakamega.example"), mails("secretariat@huduma.example"))
		}
		w.advance("2026-12-01 10:00")
		if mails("secretariat@huduma.example") != 1 {
			t.Errorf("a working day later the secretariat got %d e-mails, want 1", mails("secretariat@huduma.example"))
		}
	})
}
