package requests_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strconv"
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
	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// world is a demo database with a clock the test moves.
type world struct {
	t        *testing.T
	d        *db.DB
	now      time.Time
	charters *charter.Store
	users    *auth.Store
	reqs     *requests.Store
	runner   *jobs.Runner
}

var nairobi, _ = time.LoadLocation("Africa/Nairobi")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nairobi)
	if err != nil {
		panic(err)
	}
	return t
}

func newWorld(t *testing.T, d *db.DB, start string) *world {
	t.Helper()
	w := &world{t: t, d: d, now: at(start)}
	clock := func() time.Time { return w.now }
	w.charters = charter.NewStore(d, clock)
	w.users = auth.NewStore(d, clock, bcrypt.MinCost)
	w.reqs = requests.NewStore(d, clock, w.charters, requests.Config{PublicURL: "https://huduma.test", EscalateAfter: "4h"})
	if _, err := demo.Install(ctx, d, w.charters, w.users, nil); err != nil {
		t.Fatal(err)
	}
	w.runner = jobs.NewRunner(d, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.reqs.RegisterJobs(w.runner)
	return w
}

// advance moves the clock and runs every job that has come due, as the background runner would.
func (w *world) advance(to string) {
	w.t.Helper()
	w.now = at(to)
	if _, err := w.runner.RunDue(ctx); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) lodge(n requests.NewRequest) requests.Created {
	w.t.Helper()
	if n.Channel == "" {
		n.Channel = "web"
	}
	if n.Citizen.Name == "" {
		n.Citizen = requests.Citizen{Name: "Achieng Odhiambo", Phone: "0712 345 678"}
	}
	if n.Description == "" {
		n.Description = "My office computer will not start."
	}
	c, err := w.reqs.Create(ctx, requests.Actor{Name: "citizen"}, n)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) user(name string) requests.Actor {
	w.t.Helper()
	u, err := w.users.UserByUsername(ctx, name)
	if err != nil {
		w.t.Fatal(err)
	}
	return requests.Actor{ID: u.ID, Name: u.Name}
}

func eq(t *testing.T, what string, got *time.Time, want string) {
	t.Helper()
	if got == nil || !got.Equal(at(want)) {
		t.Errorf("%s = %v, want %s", what, got, want)
	}
}

func TestCreateTakesDeadlinesFromTheCharter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 12:50")
		c := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"}) // ICT equipment repair: within 10 working days
		r := c.Request
		if !c.New || c.TrackingKey == "" || len(r.Reference) != 9 || r.Status != requests.New || r.Citizen.Phone != "+254712345678" {
			t.Fatalf("created %+v", c)
		}
		eq(t, "resolution due", r.ResolutionDue, "2026-12-07 12:50")
		eq(t, "first response due", r.ResponseDue, "2026-11-23 14:50") // 1 working hour, over lunch
		if r.CentreCode != "KKG-ICT-HQ" {
			t.Errorf("handled at %s, want the agency's own office", r.CentreCode)
		}
		// The citizen is told, once, with the tracking link.
		var body string
		if err := d.QueryRowContext(ctx, `SELECT body FROM outbox WHERE request_id = $1 AND channel = 'sms'`, r.ID).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, r.Reference) || !strings.Contains(body, "https://huduma.test/track/"+r.Reference+"?key="+c.TrackingKey) {
			t.Errorf("acknowledgement SMS: %q", body)
		}
		// One pending timer, the warning: each step schedules the next when it runs.
		var kind string
		var runAt time.Time
		if err := d.QueryRowContext(ctx, `SELECT kind, run_at FROM jobs WHERE key LIKE $1 AND status = 'pending'`, "sla:"+itoa(r.ID)+":%").Scan(&kind, &runAt); err != nil {
			t.Fatalf("the SLA timer: %v", err)
		}
		if kind != requests.JobWarn || r.WarnAt == nil || !runAt.Equal(*r.WarnAt) {
			t.Errorf("first timer %s at %v, want the warning at %v", kind, runAt, r.WarnAt)
		}
		if n := w.count(`SELECT COUNT(*) FROM jobs WHERE key LIKE $1`, "sla:"+itoa(r.ID)+":%"); n != 1 {
			t.Errorf("%d SLA timers, want 1", n)
		}
		// A continuous service has no deadline.
		c2 := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-06"}) // security breaches: "Continuous"
		if c2.Request.ResolutionDue != nil || c2.Request.SLA(w.now) != requests.NoSLA {
			t.Errorf("continuous service got deadline %v", c2.Request.ResolutionDue)
		}
	})
}

// TestCreatedIsWhatIsStored: intake answers with the request it built rather than reading it back,
// so the answer must be exactly what the database holds — on both engines, to the microsecond.
// It also checks that a service edited by an admin is taken in under its new rules at once.
func TestCreatedIsWhatIsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 12:50")
		w.now = w.now.Add(123456789 * time.Nanosecond) // a clock finer than either database
		parent := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"})
		n := requests.NewRequest{ServiceCode: "kkg-ict-03", CentreCode: "kkg-ict-hq", Channel: "phone",
			Citizen: requests.Citizen{Name: "Wanjiru Kamau", Phone: "0722 000 111", Email: "wanjiru@example.org", IDNumber: "12345678"},
			Subject: "Printer", Description: "The printer in room 4 jams.", Fields: map[string]string{"asset_tag": "KKG-0042"},
			ParentRef: parent.Request.Reference, Address: "County HQ, room 4"}
		lat, lon := 0.2827, 34.7519
		n.Latitude, n.Longitude = &lat, &lon
		if _, err := w.reqs.Create(ctx, requests.Actor{Name: "officer"}, n); apperr.FieldsOf(err)["field_asset_tag"] == "" {
			t.Fatalf("a field the service does not ask for: %v", err)
		}
		sv, err := w.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		sv.Fields = []charter.Field{{Code: "asset_tag", Label: "Asset tag", Required: true}}
		if _, err := w.charters.SaveService(ctx, audit.System, sv); err != nil {
			t.Fatal(err)
		}
		withoutTag := n
		withoutTag.Fields = nil
		if _, err := w.reqs.Create(ctx, requests.Actor{Name: "officer"}, withoutTag); apperr.FieldsOf(err)["field_asset_tag"] == "" {
			t.Fatalf("the admin's new required field is not asked for at once: %v", err)
		}
		c, err := w.reqs.Create(ctx, requests.Actor{Name: "officer"}, n)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := w.reqs.ByID(ctx, c.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Request, stored) {
			t.Errorf("intake answered\n%+v\nthe database holds\n%+v", c.Request, stored)
		}
		if stored.ParentID != parent.Request.ID || stored.Fields["asset_tag"] != "KKG-0042" || stored.CentreCode != "KKG-ICT-HQ" {
			t.Errorf("stored %+v", stored)
		}
	})
}

// TestConcurrentRetriesLodgeOnce: a client that times out and retries while the first attempt is
// still being written gets the same request back, never a second one.
func TestConcurrentRetriesLodgeOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		n := requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "api", IdempotencyKey: "api:1:retry",
			Citizen: requests.Citizen{Name: "Otieno", Phone: "0712345678"}, Description: "No network in the registry."}
		refs := make([]string, 8)
		var wg sync.WaitGroup
		for i := range refs {
			wg.Go(func() {
				c, err := w.reqs.Create(ctx, requests.Actor{Name: "API key"}, n)
				if err != nil {
					t.Error(err)
					return
				}
				refs[i] = c.Request.Reference
			})
		}
		wg.Wait()
		for _, ref := range refs {
			if ref != refs[0] {
				t.Fatalf("retries answered with different requests: %v", refs)
			}
		}
		if got := w.count(`SELECT COUNT(*) FROM requests WHERE idempotency_key = 'api:1:retry'`); got != 1 {
			t.Errorf("%d requests stored, want 1", got)
		}
		if got := w.count(`SELECT COUNT(*) FROM outbox o JOIN requests r ON r.id = o.request_id WHERE r.idempotency_key = 'api:1:retry'`); got != 1 {
			t.Errorf("%d acknowledgements queued, want 1", got)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBadIntakeWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		before := w.count(`SELECT COUNT(*) FROM requests`)
		cases := []struct {
			n     requests.NewRequest
			code  apperr.Code
			field string
		}{
			{requests.NewRequest{ServiceCode: "NOPE", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x"}, apperr.NotFound, ""},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "12345"}, Description: "x"}, apperr.Invalid, "phone"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A"}, Description: "x"}, apperr.Invalid, "phone"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "", Phone: "0712345678"}, Description: "x"}, apperr.Invalid, "name"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "fax", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x"}, apperr.Invalid, "channel"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}}, apperr.Invalid, "description"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678", IDNumber: "12AB"}, Description: "x"}, apperr.Invalid, "id_number"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x",
				Attachments: []requests.NewAttachment{{Filename: "virus.exe", Data: []byte("MZ\x90\x00\x03binary")}}}, apperr.Invalid, "attachment"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x",
				Attachments: []requests.NewAttachment{{Filename: "big.txt", Data: []byte(strings.Repeat("a", requests.MaxAttachmentBytes+1))}}}, apperr.Invalid, "attachment"},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", CentreCode: "HC-GPO", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x"}, apperr.Invalid, ""},
			{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web", Citizen: requests.Citizen{Name: "A", Phone: "0712345678"}, Description: "x", Fields: map[string]string{"colour": "red"}}, apperr.Invalid, "field_colour"},
		}
		for i, c := range cases {
			_, err := w.reqs.Create(ctx, requests.Actor{Name: "citizen"}, c.n)
			if !apperr.Is(err, c.code) || (c.field != "" && apperr.FieldsOf(err)[c.field] == "") {
				t.Errorf("case %d: %v (fields %v), want %s on %q", i, err, apperr.FieldsOf(err), c.code, c.field)
			}
		}
		if w.count(`SELECT COUNT(*) FROM requests`) != before || w.count(`SELECT COUNT(*) FROM outbox`) != 0 {
			t.Error("refused intake wrote something")
		}
	})
}

func TestIdempotentIntake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		n := requests.NewRequest{ServiceCode: "KKG-ICT-03", IdempotencyKey: "api:1:abc"}
		first := w.lodge(n)
		again := w.lodge(n)
		if again.New || again.Request.Reference != first.Request.Reference || again.TrackingKey != "" {
			t.Errorf("retry: %+v, want the first request back", again)
		}
		if w.count(`SELECT COUNT(*) FROM requests WHERE idempotency_key = 'api:1:abc'`) != 1 || w.count(`SELECT COUNT(*) FROM outbox WHERE request_id = $1`, first.Request.ID) != 1 {
			t.Error("a retry lodged or messaged twice")
		}
	})
}

// TestWaitingStopsTheClock: waiting on the citizen gives the time back when work resumes.
func TestWaitingStopsTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00") // Monday
		officer := w.user("kakamega.officer")
		r := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"}).Request // 10 working days
		eq(t, "due", r.ResolutionDue, "2026-12-07 10:00")
		w.now = at("2026-11-24 10:00") // a day in: 9 working days left
		r, err := w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.Waiting, WaitingOn: "citizen", Message: "Please bring the laptop's charger."})
		if err != nil {
			t.Fatal(err)
		}
		if r.SLA(w.now) != requests.Paused || r.PausedAt == nil {
			t.Fatalf("waiting: SLA %s", r.SLA(w.now))
		}
		if n := w.count(`SELECT COUNT(*) FROM jobs WHERE key LIKE $1 AND status = 'pending'`, "sla:"+itoa(r.ID)+":%"); n != 0 {
			t.Errorf("%d timers still pending while the clock is stopped", n)
		}
		w.now = at("2026-11-27 15:00") // Friday: the citizen came back after three and a half days
		r, err = w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.InProgress})
		if err != nil {
			t.Fatal(err)
		}
		// 9 working days from Friday 15:00: Monday 30th is day 1 … Thursday 10 Dec is day 9, at 15:00.
		eq(t, "due after the pause", r.ResolutionDue, "2026-12-10 15:00")
		if r.PausedAt != nil || r.SLA(w.now) != requests.OnTrack {
			t.Errorf("after resuming: paused %v, SLA %s", r.PausedAt, r.SLA(w.now))
		}
		if r.RespondedAt == nil || !r.RespondedAt.Equal(at("2026-11-24 10:00")) {
			t.Errorf("first response at %v, want the first staff action", r.RespondedAt)
		}
		// Bad transitions are refused with a reason, and nothing changes.
		if _, err := w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.Waiting}); apperr.FieldsOf(err)["waiting_on"] == "" {
			t.Errorf("waiting on nobody: %v", err)
		}
		if _, err := w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.New}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("back to new: %v", err)
		}
		events, _ := w.reqs.Events(ctx, r.ID, true)
		if len(events) != 3 || events[1].Body != "Please bring the laptop's charger." {
			t.Errorf("public history: %+v", events)
		}
		// Resolve, then reopen: the clock carries on with what was left.
		w.now = at("2026-12-01 10:00")
		if r, err = w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.Resolved}); err != nil {
			t.Fatal(err)
		}
		if r.SLA(w.now) != requests.Met {
			t.Errorf("resolved early: %s", r.SLA(w.now))
		}
		w.now = at("2026-12-02 10:00")
		if r, err = w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.Reopened, Message: "It broke again."}); err != nil {
			t.Fatal(err)
		}
		eq(t, "due after reopening", r.ResolutionDue, "2026-12-11 15:00")
	})
}

// TestEscalationLadder runs the ladder with a controllable clock across a weekend and a holiday:
// warned at 75%, escalated to the centre manager at the breach, to the agency admin four working
// hours later, to the secretariat four more — never twice, never at night.
func TestEscalationLadder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-12-09 15:00") // Wednesday; Friday 11 Dec is made a holiday below; 12 Dec (Jamhuri) is a Saturday
		if _, err := w.charters.AddHoliday(ctx, audit.System, charter.Holiday{Day: "2026-12-11", Name: "Day of mourning"}); err != nil {
			t.Fatal(err)
		}
		r := w.lodge(requests.NewRequest{ServiceCode: "NRK-ICT-03"}).Request // "1 day"
		eq(t, "due", r.ResolutionDue, "2026-12-10 15:00")
		officer := w.user("narok.ict")
		if _, err := w.reqs.Assign(ctx, officer, r.ID, officer.ID); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			at    string
			level int
			mails int // e-mails to staff so far
		}{
			{"2026-12-10 08:00", 0, 0},
			{"2026-12-10 12:00", 0, 1}, // 75% of 8 working hours: warn the assignee
			{"2026-12-10 14:59", 0, 1},
			{"2026-12-10 15:00", 1, 1}, // breach: the centre manager (the Narok office has none to mail; it is on record)
			{"2026-12-10 18:00", 1, 1}, // evening: nothing more
			{"2026-12-13 12:00", 1, 1}, // holiday Friday and the weekend: nothing
			{"2026-12-14 09:59", 1, 1},
			{"2026-12-14 10:00", 2, 2}, // 4 working hours after the breach (Thu 15-17, Mon 08-10): the agency admin
			{"2026-12-14 15:00", 3, 3}, // 4 more (10-13, 14-15): the secretariat
			{"2026-12-21 15:00", 3, 3}, // and nothing ever again
		}
		for _, s := range steps {
			w.advance(s.at)
			got, err := w.reqs.ByID(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			mails := w.count(`SELECT COUNT(*) FROM outbox WHERE request_id = $1 AND channel = 'email'`, r.ID)
			if got.Escalation != s.level || mails != s.mails {
				t.Errorf("at %s: level %d, %d staff e-mails; want %d, %d", s.at, got.Escalation, mails, s.level, s.mails)
			}
		}
		events, _ := w.reqs.Events(ctx, r.ID, false)
		var escalations int
		for _, e := range events {
			if e.Kind == "escalated" {
				escalations++
			}
		}
		if escalations != 3 {
			t.Errorf("%d escalation events, want 3", escalations)
		}
		if n := w.count(`SELECT COUNT(*) FROM jobs WHERE key LIKE $1 AND status = 'pending'`, "sla:"+itoa(r.ID)+":%"); n != 0 {
			t.Errorf("%d SLA timers still pending after the last step", n)
		}
	})
}

// TestLateHolidayMovesOpenDeadlines: a holiday gazetted after requests were lodged moves them.
func TestLateHolidayMovesOpenDeadlines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		r := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"}).Request
		eq(t, "due", r.ResolutionDue, "2026-12-07 10:00")
		if _, err := w.charters.AddHoliday(ctx, audit.System, charter.Holiday{Day: "2026-11-30", Name: "Gazetted at short notice"}); err != nil {
			t.Fatal(err)
		}
		n, err := w.reqs.RecomputeOpen(ctx, 0)
		if err != nil || n < 1 {
			t.Fatalf("recomputed %d: %v", n, err)
		}
		got, _ := w.reqs.ByID(ctx, r.ID)
		eq(t, "due after the holiday", got.ResolutionDue, "2026-12-08 10:00")
	})
}

func TestReferralKeepsReferenceAndClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		manager := w.user("gpo.manager")
		r := w.lodge(requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO"}).Request
		referred, err := w.reqs.Refer(ctx, manager, r.ID, "crs", "The citizen also needs a birth certificate first.")
		if err != nil {
			t.Fatal(err)
		}
		if referred.Reference != r.Reference || referred.AgencyCode != "CRS" || !referred.ResolutionDue.Equal(*r.ResolutionDue) || referred.CentreCode != "HC-GPO" {
			t.Errorf("referred: %+v", referred)
		}
		if w.count(`SELECT COUNT(*) FROM request_followups WHERE request_id = $1 AND done_at IS NULL`, r.ID) != 1 {
			t.Error("the referring centre has no open follow-up")
		}
		if _, err := w.reqs.Refer(ctx, manager, r.ID, "CRS", ""); apperr.FieldsOf(err)["agency"] == "" {
			t.Errorf("referring to the same agency again: %v", err)
		}
		if _, err := w.reqs.ChangeStatus(ctx, manager, r.ID, requests.StatusChange{To: requests.Resolved}); err != nil {
			t.Fatal(err)
		}
		if w.count(`SELECT COUNT(*) FROM request_followups WHERE request_id = $1 AND done_at IS NULL`, r.ID) != 0 {
			t.Error("the follow-up stayed open after resolution")
		}
	})
}

func TestApprovalGatesWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		officer, admin := w.user("kakamega.officer"), w.user("kakamega.ict")
		r := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-02"}).Request // website update: needs approval
		if r.Approval != "pending" {
			t.Fatalf("approval = %s", r.Approval)
		}
		if _, err := w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.InProgress}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("work before approval: %v", err)
		}
		got, err := w.reqs.Decide(ctx, admin, r.ID, true, "Approved by the communication department.")
		if err != nil || got.Approval != "approved" {
			t.Fatalf("approve: %v %s", err, got.Approval)
		}
		if _, err := w.reqs.Decide(ctx, admin, r.ID, true, ""); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("approving twice: %v", err)
		}
		if _, err := w.reqs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.InProgress}); err != nil {
			t.Errorf("work after approval: %v", err)
		}
		events, _ := w.reqs.Events(ctx, r.ID, false)
		if !strings.Contains(events[1].Body, "Brian Otieno") {
			t.Errorf("who approved is not on record: %+v", events[1])
		}
	})
}

func TestAssignmentRoundRobinAndMerge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		manager := w.user("gpo.manager")
		a := w.lodge(requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO"}).Request
		if _, err := w.reqs.AutoAssign(ctx, manager, a.ID); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("nobody on duty: %v", err)
		}
		second, err := w.users.CreateUser(ctx, audit.System, auth.NewUser{Username: "gpo.officer2", Name: "Second Officer", Role: auth.Officer, CentreID: a.CentreID, Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		first := w.user("gpo.officer")
		w.reqs.SetOnDuty(ctx, first.ID, true)
		w.reqs.SetOnDuty(ctx, second.ID, true)
		var got []int64
		for i := 0; i < 4; i++ {
			r := w.lodge(requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO"}).Request
			w.now = w.now.Add(time.Minute)
			assigned, err := w.reqs.AutoAssign(ctx, manager, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, assigned.AssigneeID)
		}
		if got[0] == got[1] || got[0] != got[2] || got[1] != got[3] {
			t.Errorf("round robin gave %v", got)
		}
		if _, err := w.reqs.Assign(ctx, manager, a.ID, w.user("kakamega.officer").ID); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("assigning to another centre's officer: %v", err)
		}
		dup := w.lodge(requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO"}).Request
		merged, err := w.reqs.Merge(ctx, manager, dup.ID, a.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if merged.Status != requests.Closed || merged.MergedInto != a.ID {
			t.Errorf("merged: %s into %d", merged.Status, merged.MergedInto)
		}
		if _, err := w.reqs.ChangeStatus(ctx, manager, dup.ID, requests.StatusChange{To: requests.Reopened}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("reopening a merged duplicate: %v", err)
		}
		links, _ := w.reqs.Linked(ctx, dup.ID)
		if links[a.Reference] != "duplicate" {
			t.Errorf("links: %v", links)
		}
	})
}

func TestTrackingNeedsKeyOrPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		c := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"})
		ref := c.Request.Reference
		for _, ok := range []struct{ ref, key, phone string }{
			{ref, c.TrackingKey, ""}, {ref, "", "+254712345678"}, {strings.ToLower(strings.ReplaceAll(ref, "-", " ")), "", "0712 345 678"},
		} {
			if _, err := w.reqs.Track(ctx, ok.ref, ok.key, ok.phone); err != nil {
				t.Errorf("track %+v: %v", ok, err)
			}
		}
		for _, bad := range []struct{ ref, key, phone string }{
			{ref, "guess", ""}, {ref, "", "0700000000"}, {ref, "", ""}, {"ZZZZ-ZZZZ", "", "0712345678"},
		} {
			if _, err := w.reqs.Track(ctx, bad.ref, bad.key, bad.phone); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("track %+v: %v, want not found", bad, err)
			}
		}
	})
}

func TestInboxFiltersAndCountCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		gpo := w.lodge(requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO", Citizen: requests.Citizen{Name: "Ruth Chebet", Phone: "0722111222"}}).Request
		w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"})
		page, err := w.reqs.List(ctx, requests.Filter{CentreID: gpo.CentreID, OpenOnly: true})
		if err != nil || page.Total != 1 || page.Requests[0].Reference != gpo.Reference {
			t.Fatalf("GPO inbox: %+v %v", page, err)
		}
		for q, want := range map[string]int{gpo.Reference: 1, "0722 111 222": 1, "chebet": 1, "nobody": 0} {
			page, _ := w.reqs.List(ctx, requests.Filter{Query: q})
			if page.Total != want {
				t.Errorf("search %q: %d, want %d", q, page.Total, want)
			}
		}
		w.now = at("2026-12-30 10:00")
		page, _ = w.reqs.List(ctx, requests.Filter{SLA: requests.Breached})
		if page.Total != 2 {
			t.Errorf("breached: %d, want 2", page.Total)
		}
		if page.Capped {
			t.Error("two requests reported as capped")
		}
	})
}

// TestConcurrentChangesSerialise: two officers acting on one request at the same moment are
// applied one after the other; the clock never ends up with two open pauses.
func TestConcurrentChangesSerialise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		officer := w.user("kakamega.officer")
		for i := 0; i < 10; i++ {
			r := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-03"}).Request
			errs := make(chan error, 2)
			for _, c := range []requests.StatusChange{{To: requests.Waiting, WaitingOn: "vendor"}, {To: requests.Resolved}} {
				go func() { _, err := w.reqs.ChangeStatus(ctx, officer, r.ID, c); errs <- err }()
			}
			<-errs
			<-errs
			if n := w.count(`SELECT COUNT(*) FROM request_pauses WHERE request_id = $1 AND ended_at IS NULL`, r.ID); n != 1 {
				t.Fatalf("request %d: %d open pauses, want 1", i, n)
			}
		}
	})
}

func TestParentAndChild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00")
		officer := w.user("kakamega.officer")
		site := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-05", Description: "No network in the Lurambi sub-county office."}).Request
		office := w.lodge(requests.NewRequest{ServiceCode: "KKG-ICT-05", Description: "Registry has no internet."}).Request
		child, err := w.reqs.SetParent(ctx, officer, office.ID, site.Reference)
		if err != nil || child.ParentID != site.ID || !child.ResolutionDue.Equal(*office.ResolutionDue) {
			t.Fatalf("set parent: %+v %v", child, err)
		}
		if _, err := w.reqs.SetParent(ctx, officer, site.ID, office.Reference); apperr.FieldsOf(err)["other"] == "" {
			t.Errorf("a cycle: %v", err)
		}
		links, _ := w.reqs.Linked(ctx, site.ID)
		back, _ := w.reqs.Linked(ctx, office.ID)
		if links[office.Reference] != "child" || back[site.Reference] != "parent" {
			t.Errorf("links: %v / %v", links, back)
		}
	})
}
