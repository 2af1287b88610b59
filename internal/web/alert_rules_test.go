package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// ruleFor is the id of the one rule a centre has of its own (0 for none).
func ruleFor(t *testing.T, h *harness, centre int64) int64 {
	t.Helper()
	var id int64
	if err := h.d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM alert_rules WHERE centre_id = $1`, centre).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// nationalRule is the id of the seeded rule for every centre with scope.
func nationalRule(t *testing.T, h *harness, scope string) int64 {
	t.Helper()
	var id int64
	if err := h.d.QueryRowContext(ctx, `SELECT MIN(id) FROM alert_rules WHERE centre_id IS NULL AND scope = $1`, scope).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestManagerSetsAlertRules: the GPO manager sees the rules for every centre (which they cannot
// switch off), adds a counter rule — a bad threshold is refused on the form and writes nothing —
// which trips through the alert evaluation; another centre's manager cannot touch it; switching it
// off, after the confirmation, closes its live alert. The secretariat adds a rule for every centre.
func TestManagerSetsAlertRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		gpo := centreID(t, h, "HC-GPO")
		manager := h.as("gpo.manager")

		_, body := manager.get("/staff/alerts")
		wantContains(t, body, `href="/staff/alerts/rules?centre=HC-GPO"`, "Alert rules")
		res, body := manager.get("/staff/alerts/rules")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "At least 50% unhappy within 15 minutes, with at least 4 responses, at each counter",
			"At least 50% unhappy within 15 minutes, with at least 4 responses, for each service",
			"Happiness index below 70 today, with at least 20 responses, for the whole centre",
			"Every centre", `action="/staff/alerts/rules"`)
		if strings.Contains(body, "/off") {
			t.Error("the manager is offered to switch off a rule for every centre")
		}

		// A bad threshold: refused on the form, nothing written.
		rules, audits := h.count("alert_rules"), h.count("audit_log")
		form := url.Values{"scope": {"counter"}, "measure": {"unhappy_share"}, "window_minutes": {"10"}, "min_responses": {"3"}, "threshold": {"0"}}
		res, body = manager.submit("/staff/alerts/rules", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Give a threshold from 1 to 100.", "Please correct the highlighted fields.", `value="10"`)
		if h.count("alert_rules") != rules || h.count("audit_log") != audits {
			t.Fatal("a refused rule was written")
		}
		form.Set("threshold", "abc")
		res, body = manager.submit("/staff/alerts/rules", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Give a threshold from 1 to 100.")
		// An unhappy share for the day so far: only the index measures the day.
		form.Set("threshold", "30")
		form.Set("window_minutes", "0")
		res, body = manager.submit("/staff/alerts/rules", form)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "needs a window of at least 5 minutes")
		// Not for another centre.
		form.Set("window_minutes", "10")
		form.Set("centre", "KKG-ICT-HQ")
		if res, _ := manager.submit("/staff/alerts/rules", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("a rule for another centre: %d", res.StatusCode)
		}
		if h.count("alert_rules") != rules {
			t.Fatal("a refused rule was written")
		}

		// A good one: a third unhappy within 10 minutes, with 3 responses, at each counter.
		form.Del("centre")
		res, body = manager.submit("/staff/alerts/rules", form)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/staff/alerts/rules?notice=created" {
			t.Errorf("after adding: %q", loc)
		}
		id := ruleFor(t, h, gpo)
		if id == 0 {
			t.Fatal("the rule was not saved")
		}
		words := "At least 30% unhappy within 10 minutes, with at least 3 responses, at each counter"
		_, body = manager.get("/staff/alerts/rules?notice=created")
		wantContains(t, body, "Created.", words, fmt.Sprintf(`href="/staff/alerts/rules/%d/off?centre=HC-GPO"`, id))
		var actor string
		if err := d.QueryRowContext(ctx, `SELECT actor_name FROM audit_log WHERE entity = 'alert_rule' AND entity_id = $1 AND action = 'create'
			AND centre_id = $2`, fmt.Sprint(id), gpo).Scan(&actor); err != nil || actor != "gpo.manager" {
			t.Errorf("the rule's audit record: %q %v", actor, err)
		}

		// It trips: one unhappy visit in three at counter 1, within 10 minutes (the rules for every
		// centre want 4 responses).
		q := newQualityDesk(t, h)
		q.wait, q.serve = 30*time.Second, time.Minute
		q.rated(t, feedback.VeryUnhappy, "waiting_time", "")
		q.rated(t, feedback.Happy, "", "")
		q.rated(t, feedback.VeryHappy, "", "")
		if opened, _, err := q.fb.Evaluate(ctx, gpo); err != nil || opened != 1 {
			t.Fatalf("evaluate: opened %d, %v", opened, err)
		}
		live, err := q.fb.Alerts(ctx, feedback.AlertFilter{CentreID: gpo, LiveOnly: true})
		if err != nil || len(live) != 1 || live[0].Rule.ID != id {
			t.Fatalf("live alerts: %+v %v", live, err)
		}
		alert := live[0]
		_, body = manager.get("/staff/alerts")
		wantContains(t, body, html.EscapeString(alert.Summary("en")))

		// Another centre's manager may neither see nor switch it; the GPO manager may not switch
		// off a rule for every centre.
		other := otherManager(t, h)
		off, active := fmt.Sprintf("/staff/alerts/rules/%d/off", id), fmt.Sprintf("/staff/alerts/rules/%d/active", id)
		for _, c := range []struct {
			name string
			res  *http.Response
			want int
		}{
			{"another centre's manager reading GPO's rules", first(other.get("/staff/alerts/rules?centre=HC-GPO")), http.StatusForbidden},
			{"another centre's manager asking to switch off", first(other.get(off)), http.StatusForbidden},
			{"another centre's manager switching off", first(other.submit(active, url.Values{"active": {"off"}})), http.StatusForbidden},
			{"the manager asking to switch off a national rule", first(manager.get(fmt.Sprintf("/staff/alerts/rules/%d/off", nationalRule(t, h, "counter")))), http.StatusForbidden},
			{"the manager switching off a national rule", first(manager.submit(fmt.Sprintf("/staff/alerts/rules/%d/active", nationalRule(t, h, "counter")),
				url.Values{"active": {"off"}})), http.StatusForbidden},
			{"an auditor switching off", first(h.as("ombudsman").submit(active, url.Values{"active": {"off"}})), http.StatusForbidden},
			{"no such rule", first(manager.get("/staff/alerts/rules/999999/off")), http.StatusNotFound},
			{"neither on nor off", first(manager.submit(active, url.Values{})), http.StatusUnprocessableEntity},
		} {
			if c.res.StatusCode != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.res.StatusCode, c.want)
			}
		}
		if got, _ := q.fb.Alert(ctx, alert.ID); got.Status != feedback.AlertOpen {
			t.Fatalf("a refused switch changed the alert: %+v", got)
		}
		var national int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_rules WHERE centre_id IS NULL AND active = TRUE`).Scan(&national)
		if national != 3 {
			t.Fatalf("%d rules for every centre are on", national)
		}

		// Switching off asks first, then closes the live alert.
		res, body = manager.get(off + "?centre=HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, words, "Its 1 live alert closes now", fmt.Sprintf(`action="%s"`, active), `name="active" value="off"`)
		res, body = manager.submit(active, url.Values{"active": {"off"}, "centre": {"HC-GPO"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/staff/alerts/rules?centre=HC-GPO&notice=saved" {
			t.Errorf("after switching off: %q", loc)
		}
		got, _ := q.fb.Alert(ctx, alert.ID)
		if got.Status != feedback.AlertClosed || got.ClosedAt == nil {
			t.Errorf("the alert under the rule switched off: %+v", got)
		}
		var closes int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'alert' AND entity_id = $1 AND action = 'close'`, fmt.Sprint(alert.ID)).Scan(&closes)
		if closes != 1 {
			t.Errorf("%d close records for the alert", closes)
		}
		_, body = manager.get("/staff/alerts/rules?centre=HC-GPO&notice=saved")
		wantContains(t, body, "Saved.", words, "Switch on", `name="active" value="on"`)
		// Switched on again.
		res, body = manager.submit(active, url.Values{"active": {"on"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if r, _ := q.fb.RuleByID(ctx, id); !r.Active {
			t.Error("the rule was not switched on again")
		}

		// The secretariat: the rules for every centre, and a centre's; adds one for every centre.
		admin := h.as("admin")
		_, body = admin.get("/staff/alerts/rules")
		wantContains(t, body, fmt.Sprintf(`href="/staff/alerts/rules/%d/off"`, nationalRule(t, h, "counter")), "Add a rule for every centre")
		if strings.Contains(body, words) {
			t.Error("the national list shows a centre's rule")
		}
		_, body = admin.get("/staff/alerts/rules?centre=HC-GPO")
		wantContains(t, body, words, "Add a rule for this centre")
		res, body = admin.submit("/staff/alerts/rules", url.Values{"scope": {"centre"}, "measure": {"index"}, "window_minutes": {"0"},
			"min_responses": {"10"}, "threshold": {"60"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = manager.get("/staff/alerts/rules")
		wantContains(t, body, "Happiness index below 60 today, with at least 10 responses, for the whole centre")
		// The same rule again is a conflict, said on the page.
		res, body = admin.submit("/staff/alerts/rules", url.Values{"scope": {"centre"}, "measure": {"index"}, "window_minutes": {"0"},
			"min_responses": {"10"}, "threshold": {"60"}})
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "A rule just like this one is on here already.")
		// Auditors read, without forms.
		res, body = h.as("ombudsman").get("/staff/alerts/rules?centre=HC-GPO")
		wantStatus(t, res, body, http.StatusOK)
		if strings.Contains(body, `action="/staff/alerts/rules"`) || strings.Contains(body, "/off") {
			t.Error("an auditor is offered to change the rules")
		}
		// In Kiswahili the page shows.
		sw := h.as("gpo.manager")
		sw.get("/lang/sw?next=/staff")
		res, body = sw.get("/staff/alerts/rules")
		wantStatus(t, res, body, http.StatusOK)
	})
}

// first is a response without its body.
func first(res *http.Response, _ string) *http.Response { return res }
