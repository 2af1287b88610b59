package feedback_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
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
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

// centreFixture is the GPO centre with two officers serving NRB-01 at counters 1 and 2, each with
// a feedback tablet, and a clock the test moves.
type centreFixture struct {
	t        *testing.T
	d        *db.DB
	now      time.Time
	q        *queue.Store
	fb       *feedback.Store
	centre   charter.Centre
	officers [2]queue.Officer
	counters []queue.Counter
	devices  [2]feedback.Device
	// wait and serve are each visit's waiting and service time.
	wait, serve time.Duration
}

func newCentreFixture(t *testing.T, d *db.DB) *centreFixture {
	f := &centreFixture{t: t, d: d, now: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC), // 09:00 in Nairobi
		wait: 3 * time.Minute, serve: 4 * time.Minute}
	clock := func() time.Time { return f.now }
	charters := charter.NewStore(d, clock)
	users := auth.NewStore(d, clock, bcrypt.MinCost)
	if _, err := demo.Install(ctx, d, charters, users, nil); err != nil {
		t.Fatal(err)
	}
	f.q = queue.NewStore(d, clock, charters, requests.NewStore(d, clock, charters, requests.Config{}), queue.Config{})
	f.fb = feedback.NewStore(d, clock, feedback.Config{PublicURL: "https://huduma.example"})
	f.centre, _ = charters.CentreByCode(ctx, "HC-GPO")
	var err error
	if f.counters, err = f.q.Counters(ctx, f.centre.ID); err != nil {
		t.Fatal(err)
	}
	nrb, _ := charters.ServiceByCode(ctx, "NRB-01")
	for i, name := range []string{"gpo.officer", "gpo.manager"} {
		u, _ := users.UserByUsername(ctx, name)
		f.officers[i] = queue.Officer{ID: u.ID, Name: u.Name, CentreID: f.centre.ID}
		if _, err := f.q.SignIn(ctx, f.officers[i], f.counters[i].ID, []int64{nrb.ID}); err != nil {
			t.Fatal(err)
		}
		dev, key, err := f.fb.AddDevice(ctx, audit.System, f.counters[i].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if f.devices[i], err = f.fb.DeviceByKey(ctx, dev.ID, key); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// visit serves one citizen at counter i and returns the ticket.
func (f *centreFixture) visit(i int) queue.Ticket {
	f.t.Helper()
	is, err := f.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
	if err != nil {
		f.t.Fatal(err)
	}
	f.now = f.now.Add(f.wait)
	if _, err := f.q.CallNext(ctx, f.officers[i], f.counters[i].ID); err != nil {
		f.t.Fatal(err)
	}
	f.now = f.now.Add(f.serve)
	tk, _, err := f.q.Complete(ctx, f.officers[i], is.Ticket.ID, queue.Completion{})
	if err != nil {
		f.t.Fatal(err)
	}
	f.now = f.now.Add(10 * time.Second)
	return tk
}

// rated serves a citizen at counter i who then presses score on its tablet.
func (f *centreFixture) rated(i, score int) feedback.Rating {
	f.t.Helper()
	tk := f.visit(i)
	r, err := f.fb.Press(ctx, f.devices[i], feedback.Press{Score: score})
	if err != nil || r.TicketID != tk.ID {
		f.t.Fatalf("press %d after visit %d: %+v %v", score, tk.ID, r, err)
	}
	return r
}

func (f *centreFixture) dumpRollups() map[string]feedback.Counts {
	rows, err := f.d.QueryContext(ctx, `SELECT centre_id || ':' || dim, key_id, bucket, n1, n2, n3, n4, suspect, timed, wait_seconds, service_seconds
		FROM rating_rollups UNION ALL SELECT 'national:' || dim, key_id, bucket, n1, n2, n3, n4, suspect, timed, wait_seconds, service_seconds
		FROM rating_national`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]feedback.Counts{}
	for rows.Next() {
		var dim string
		var key int64
		var hour time.Time
		var c feedback.Counts
		if err := rows.Scan(&dim, &key, &hour, &c.N[0], &c.N[1], &c.N[2], &c.N[3], &c.Suspect, &c.Timed, &c.WaitSeconds, &c.ServiceSeconds); err != nil {
			f.t.Fatal(err)
		}
		out[dim+":"+itoa(key)+":"+hour.UTC().Format(time.RFC3339)] = c
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestMeasures: CSAT and the happiness index per counter, officer, service and centre, from the
// roll-ups kept with each rating; suspect presses counted apart; a rebuild from the ratings gives
// the same roll-ups.
func TestMeasures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		// Counter 1: 4, 4, 3, 1 → CSAT 75%, index (3+3+2+0)/12 = 66.7. Counter 2: 2, 2 → 0%, 33.3.
		for _, s := range []int{4, 4, 3, 1} {
			f.rated(0, s)
		}
		for _, s := range []int{2, 2} {
			f.rated(1, s)
		}
		// A press with no visit is kept apart.
		f.now = f.now.Add(time.Hour)
		if r, err := f.fb.Press(ctx, f.devices[0], feedback.Press{Score: feedback.VeryHappy}); err != nil || r.Suspect != "no_visit" {
			t.Fatalf("press with no visit: %+v %v", r, err)
		}
		w, err := feedback.WindowNamed("today", f.now)
		if err != nil {
			t.Fatal(err)
		}
		// The presses are counted when folded into the roll-ups (the watcher does it as they
		// arrive); three folders at once count each rating once.
		if total, _ := f.fb.Total(ctx, f.centre.ID, w); total.Responses() != 0 {
			t.Errorf("counted before the fold: %+v", total)
		}
		var wg sync.WaitGroup
		folded := make(chan map[int64]bool, 3)
		for range 3 {
			wg.Go(func() {
				centres, err := f.fb.Fold(ctx)
				if err != nil {
					t.Error(err)
				}
				folded <- centres
			})
		}
		wg.Wait()
		close(folded)
		touched := map[int64]bool{}
		for c := range folded {
			for id := range c {
				touched[id] = true
			}
		}
		if len(touched) != 1 || !touched[f.centre.ID] {
			t.Errorf("the folds touched %v", touched)
		}
		counters, err := f.fb.Measures(ctx, feedback.DimCounter, f.centre.ID, w)
		if err != nil || len(counters) != 2 {
			t.Fatalf("counters: %+v %v", counters, err)
		}
		c1, c2 := counters[0], counters[1] // best index first
		if c1.ID != f.counters[0].ID || c1.Responses() != 4 || c1.CSAT() != 75 || int(c1.Index()*10) != 666 || c1.Suspect != 1 {
			t.Errorf("counter 1: %+v CSAT %v index %v", c1, c1.CSAT(), c1.Index())
		}
		if c2.Responses() != 2 || c2.CSAT() != 0 || int(c2.Index()*10) != 333 || c2.Name != "Counter 2" {
			t.Errorf("counter 2: %+v", c2)
		}
		if c1.AvgWait() != 3*time.Minute || c1.AvgService() != 4*time.Minute {
			t.Errorf("counter 1 averages: wait %v service %v", c1.AvgWait(), c1.AvgService())
		}
		officers, _ := f.fb.Measures(ctx, feedback.DimOfficer, f.centre.ID, w)
		if len(officers) != 2 || officers[0].Name == "" || officers[0].Responses()+officers[1].Responses() != 6 {
			t.Errorf("officers: %+v", officers)
		}
		total, err := f.fb.Total(ctx, f.centre.ID, w)
		if err != nil || total.Responses() != 6 || total.Suspect != 1 || int(total.CSAT()) != 50 {
			t.Errorf("centre today: %+v %v", total, err)
		}
		national, _ := f.fb.Measures(ctx, feedback.DimCentre, 0, w)
		if len(national) != 1 || national[0].Name != f.centre.Name || national[0].Responses() != 6 {
			t.Errorf("national by centre: %+v", national)
		}
		agencies, _ := f.fb.Measures(ctx, feedback.DimAgency, 0, w)
		if len(agencies) != 1 || agencies[0].Responses() != 6 {
			t.Errorf("national by agency: %+v", agencies)
		}
		series, _ := f.fb.Series(ctx, f.centre.ID, w)
		if len(series) != 2 || series[0].At.Hour() != 9 || series[0].Responses() != 6 || series[1].Suspect != 1 {
			t.Errorf("hourly series: %+v", series)
		}
		// Yesterday's window has none of it.
		if y, _ := f.fb.Total(ctx, f.centre.ID, feedback.Window{From: w.From.Add(-24 * time.Hour), To: w.From}); y.Responses() != 0 {
			t.Errorf("yesterday: %+v", y)
		}
		before := f.dumpRollups()
		n, err := f.fb.RebuildRollups(ctx)
		if err != nil || n != 7 {
			t.Fatalf("rebuild: %d %v", n, err)
		}
		after := f.dumpRollups()
		if len(before) != len(after) {
			t.Fatalf("rebuilt %d rows, had %d", len(after), len(before))
		}
		for k, c := range before {
			if after[k] != c {
				t.Errorf("rebuilt %s = %+v, kept %+v", k, after[k], c)
			}
		}
		if _, err := feedback.WindowNamed("year", f.now); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("an unknown window: %v", err)
		}
	})
}

// TestAlertOpensIsAcknowledgedAndCloses: half unhappy within 15 minutes with 4 responses opens
// one alert for the counter, told to the manager by SMS and e-mail; evaluating again opens no
// second; it is acknowledged with a cause, once; happy ratings close it.
func TestAlertOpensIsAcknowledgedAndCloses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		f.wait, f.serve = 30*time.Second, time.Minute
		// Three visits at counter 1 rated 1, 4, 2: not yet 4 responses.
		for _, s := range []int{1, 4, 2} {
			f.rated(0, s)
		}
		if opened, _, err := f.fb.Evaluate(ctx, f.centre.ID); err != nil || opened != 0 {
			t.Fatalf("three responses: opened %d, %v", opened, err)
		}
		// A fourth, unhappy: 3 of 4 unhappy within 15 minutes, at the counter and for its service.
		f.rated(0, feedback.VeryUnhappy)
		opened, _, err := f.fb.Evaluate(ctx, f.centre.ID)
		if err != nil || opened != 2 {
			t.Fatalf("opened %d, %v; want the counter's and the service's", opened, err)
		}
		live, err := f.fb.Alerts(ctx, feedback.AlertFilter{CentreID: f.centre.ID, LiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var alert feedback.Alert
		for _, a := range live {
			if a.Rule.Scope == "counter" {
				alert = a
			}
		}
		if alert.ID == 0 || alert.SubjectID != f.counters[0].ID || alert.Status != feedback.AlertOpen || alert.MeasureAtOpen < 50 {
			t.Fatalf("live alerts: %+v", live)
		}
		var sms, email int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND recipient = '+254700000104' AND dedupe_key LIKE 'alert:%'`).Scan(&sms)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND recipient = 'gpo.manager@huduma.example' AND dedupe_key LIKE 'alert:%'`).Scan(&email)
		if sms != len(live) || email != len(live) {
			t.Errorf("the manager was sent %d SMS and %d e-mails for %d alerts", sms, email, len(live))
		}
		if again, _, _ := f.fb.Evaluate(ctx, f.centre.ID); again != 0 {
			t.Errorf("a second evaluation opened %d more", again)
		}
		manager := audit.Actor{ID: f.officers[1].ID, Name: "gpo.manager"}
		if _, err := f.fb.Acknowledge(ctx, manager, alert.ID, "  "); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("acknowledged without a cause: %v", err)
		}
		a, err := f.fb.Acknowledge(ctx, manager, alert.ID, "System down at the registry; officer reassigned.")
		if err != nil || a.Status != feedback.AlertAcknowledged || a.AcknowledgedBy == "" {
			t.Fatalf("acknowledge: %+v %v", a, err)
		}
		if _, err := f.fb.Acknowledge(ctx, manager, alert.ID, "again"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("acknowledged twice: %v", err)
		}
		// Recovery: happy citizens at counter 1 bring the share under half.
		for range 4 {
			f.rated(0, feedback.VeryHappy)
		}
		_, closed, err := f.fb.Evaluate(ctx, f.centre.ID)
		if err != nil || closed == 0 {
			t.Fatalf("closed %d, %v", closed, err)
		}
		if a, _ = f.fb.Alert(ctx, alert.ID); a.Status != feedback.AlertClosed || a.ClosedAt == nil || a.Cause == "" {
			t.Errorf("after recovery: %+v", a)
		}
		var audits int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'alert' AND entity_id = $1`, itoa(alert.ID)).Scan(&audits)
		if audits != 3 {
			t.Errorf("%d audit records for the alert, want open, acknowledge, close", audits)
		}
	})
}

// TestAlertWithinFiveSeconds: with the watcher running, the press that trips a rule opens its
// alert within 5 seconds.
func TestAlertWithinFiveSeconds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		f.wait, f.serve = 30*time.Second, time.Minute
		watch, stop := context.WithCancel(ctx)
		defer stop()
		done := make(chan struct{})
		go func() {
			f.fb.Watch(watch, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Minute)
			close(done)
		}()
		for _, s := range []int{1, 2, 1} {
			f.rated(0, s)
		}
		f.rated(0, 1)
		pressed := time.Now()
		for {
			live, err := f.fb.Alerts(ctx, feedback.AlertFilter{CentreID: f.centre.ID, LiveOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(live) > 0 {
				break
			}
			if time.Since(pressed) > 5*time.Second {
				t.Fatal("no alert 5 seconds after the press that tripped the rule")
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		<-done
	})
}

// TestAlertOfARuleSwitchedOffCloses: an alert left live under a rule switched off (a switch that
// raced an evaluation) closes at the next evaluation.
func TestAlertOfARuleSwitchedOffCloses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		f.wait, f.serve = 30*time.Second, time.Minute
		for _, s := range []int{1, 1, 2, 1} {
			f.rated(0, s)
		}
		if opened, _, err := f.fb.Evaluate(ctx, f.centre.ID); err != nil || opened == 0 {
			t.Fatalf("opened %d, %v", opened, err)
		}
		// The rules switched off behind the evaluation's back, their alerts left live.
		if _, err := d.ExecContext(ctx, `UPDATE alert_rules SET active = FALSE WHERE scope = 'counter'`); err != nil {
			t.Fatal(err)
		}
		_, closed, err := f.fb.Evaluate(ctx, f.centre.ID)
		if err != nil || closed != 1 {
			t.Fatalf("closed %d, %v; want the counter's alert", closed, err)
		}
		live, _ := f.fb.Alerts(ctx, feedback.AlertFilter{CentreID: f.centre.ID, LiveOnly: true})
		for _, a := range live {
			if a.Rule.Scope == "counter" {
				t.Errorf("still live: %+v", a)
			}
		}
	})
}

// TestConcurrentPressesRateAVisitOnce: eight tablets bound to one counter pressed at the same
// moment after one visit: one press joins the visit, the others are kept apart, none fails.
func TestConcurrentPressesRateAVisitOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		devices := make([]feedback.Device, 8)
		for i := range devices {
			dev, key, err := f.fb.AddDevice(ctx, audit.System, f.counters[0].ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if devices[i], err = f.fb.DeviceByKey(ctx, dev.ID, key); err != nil {
				t.Fatal(err)
			}
		}
		tk := f.visit(0)
		results := make(chan feedback.Rating, len(devices))
		var wg sync.WaitGroup
		for _, dev := range devices {
			wg.Go(func() {
				r, err := f.fb.Press(ctx, dev, feedback.Press{Score: feedback.Happy})
				if err != nil {
					t.Error(err)
				}
				results <- r
			})
		}
		wg.Wait()
		close(results)
		joined, apart := 0, 0
		for r := range results {
			switch {
			case r.TicketID == tk.ID && r.Suspect == "":
				joined++
			case r.TicketID == 0 && r.Suspect == "no_visit":
				apart++
			default:
				t.Errorf("a press: %+v", r)
			}
		}
		if joined != 1 || apart != 7 {
			t.Errorf("%d joined the visit, %d kept apart; want 1 and 7", joined, apart)
		}
		var pending int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM rating_pending`).Scan(&pending)
		if pending != 8 {
			t.Errorf("%d ratings pending a fold, want 8", pending)
		}
	})
}
