package feedback_test

import (
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/feedback"
)

func countRows(t *testing.T, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAddRuleValidates: each bad field is refused with its own message and writes nothing; a good
// rule is added with its audit record and listed at its centre after the rules for every centre;
// the same rule twice is a conflict.
func TestAddRuleValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		manager := audit.Actor{ID: f.officers[1].ID, Name: "gpo.manager"}
		good := feedback.Rule{CentreID: f.centre.ID, Scope: "counter", Measure: feedback.MeasureUnhappyShare, WindowMinutes: 30,
			MinResponses: 6, Threshold: 40}
		rules, audits := countRows(t, d, `SELECT COUNT(*) FROM alert_rules`), countRows(t, d, `SELECT COUNT(*) FROM audit_log`)
		for _, c := range []struct {
			name  string
			edit  func(r *feedback.Rule)
			field string
		}{
			{"no scope", func(r *feedback.Rule) { r.Scope = "" }, "scope"},
			{"an officer scope", func(r *feedback.Rule) { r.Scope = "officer" }, "scope"},
			{"an unknown measure", func(r *feedback.Rule) { r.Measure = "csat" }, "measure"},
			{"a negative window", func(r *feedback.Rule) { r.WindowMinutes = -1 }, "window_minutes"},
			{"a window over 4 hours", func(r *feedback.Rule) { r.WindowMinutes = 241 }, "window_minutes"},
			{"an unhappy share today", func(r *feedback.Rule) { r.WindowMinutes = 0 }, "window_minutes"},
			{"an unhappy share over 4 minutes", func(r *feedback.Rule) { r.WindowMinutes = 4 }, "window_minutes"},
			{"no responses", func(r *feedback.Rule) { r.MinResponses = 0 }, "min_responses"},
			{"too many responses", func(r *feedback.Rule) { r.MinResponses = 1001 }, "min_responses"},
			{"a zero threshold", func(r *feedback.Rule) { r.Threshold = 0 }, "threshold"},
			{"a threshold over 100", func(r *feedback.Rule) { r.Threshold = 101 }, "threshold"},
		} {
			r := good
			c.edit(&r)
			_, err := f.fb.AddRule(ctx, manager, r)
			if !apperr.Is(err, apperr.Invalid) || apperr.FieldsOf(err)[c.field] == "" {
				t.Errorf("%s: %v, fields %v; want a message on %s", c.name, err, apperr.FieldsOf(err), c.field)
			}
		}
		if _, err := f.fb.AddRule(ctx, manager, feedback.Rule{CentreID: 999999, Scope: "centre", Measure: feedback.MeasureIndex,
			MinResponses: 5, Threshold: 60}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a rule for no centre: %v", err)
		}
		if n, a := countRows(t, d, `SELECT COUNT(*) FROM alert_rules`), countRows(t, d, `SELECT COUNT(*) FROM audit_log`); n != rules || a != audits {
			t.Fatalf("refused rules wrote %d rules and %d audit records", n-rules, a-audits)
		}

		// The boundaries are fine: an index rule for today, an unhappy share over 5 minutes.
		today, err := f.fb.AddRule(ctx, manager, feedback.Rule{CentreID: f.centre.ID, Scope: "service", Measure: feedback.MeasureIndex,
			WindowMinutes: 0, MinResponses: 1, Threshold: 100})
		if err != nil || today.ID == 0 {
			t.Fatalf("an index rule for today: %+v %v", today, err)
		}
		added, err := f.fb.AddRule(ctx, manager, good)
		if err != nil || added.ID == 0 || added.CentreID != f.centre.ID {
			t.Fatalf("add: %+v %v", added, err)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM audit_log WHERE entity = 'alert_rule' AND entity_id = $1 AND action = 'create'
			AND centre_id = $2 AND actor_name = 'gpo.manager'`, itoa(added.ID), f.centre.ID); n != 1 {
			t.Errorf("%d audit records for the added rule", n)
		}
		if _, err := f.fb.AddRule(ctx, manager, good); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("the same rule twice: %v", err)
		}
		// The default rule again for this centre only: it would duplicate the national one.
		if _, err := f.fb.AddRule(ctx, manager, feedback.Rule{CentreID: f.centre.ID, Scope: "counter", Measure: feedback.MeasureUnhappyShare,
			WindowMinutes: 15, MinResponses: 4, Threshold: 50}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a copy of a rule for every centre: %v", err)
		}

		list, err := f.fb.AllRules(ctx, f.centre.ID)
		if err != nil || len(list) != 5 {
			t.Fatalf("rules at the centre: %+v %v", list, err)
		}
		for i, r := range list {
			if national := i < 3; r.National() != national || !r.Active {
				t.Errorf("rule %d: %+v", i, r)
			}
		}
		if list[4].ID != added.ID || list[4].Words() != "At least 40% unhappy within 30 minutes, with at least 6 responses, at each counter" {
			t.Errorf("the added rule: %+v %q", list[4], list[4].Words())
		}
		if w := list[2].Words(); w != "Happiness index below 70 today, with at least 20 responses, for the whole centre" {
			t.Errorf("the default index rule reads %q", w)
		}
		national, err := f.fb.AllRules(ctx, 0)
		if err != nil || len(national) != 3 {
			t.Errorf("the rules for every centre: %+v %v", national, err)
		}
	})
}

// TestSwitchRuleOff: switching a rule off closes its live alerts in the same transaction, each
// with its audit record, and the watcher opens no new ones under it; switched on again it trips
// again. A rule switched off twice changes nothing the second time.
func TestSwitchRuleOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		f.wait, f.serve = 30*time.Second, time.Minute
		admin := audit.Actor{Name: "admin"}
		manager := audit.Actor{ID: f.officers[1].ID, Name: "gpo.manager"}
		// A rule of the centre's own: a third unhappy within 30 minutes, 3 responses.
		own, err := f.fb.AddRule(ctx, manager, feedback.Rule{CentreID: f.centre.ID, Scope: "counter", Measure: feedback.MeasureUnhappyShare,
			WindowMinutes: 30, MinResponses: 3, Threshold: 30})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{1, 4, 2, 1} {
			f.rated(0, s)
		}
		if opened, _, err := f.fb.Evaluate(ctx, f.centre.ID); err != nil || opened != 3 {
			t.Fatalf("opened %d, %v; want the counter's (twice) and the service's", opened, err)
		}
		byRule := func() map[int64]feedback.Alert {
			live, err := f.fb.Alerts(ctx, feedback.AlertFilter{CentreID: f.centre.ID, LiveOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]feedback.Alert{}
			for _, a := range live {
				out[a.Rule.ID] = a
			}
			return out
		}
		live := byRule()
		alert, ok := live[own.ID]
		if !ok {
			t.Fatalf("no alert under the centre's rule: %+v", live)
		}
		rules, _ := f.fb.AllRules(ctx, f.centre.ID)
		var counterRule feedback.RuleSetting
		for _, r := range rules {
			if r.National() && r.Scope == "counter" {
				counterRule = r
			}
			if r.Live != map[bool]int{true: 1, false: 0}[live[r.ID].ID != 0] {
				t.Errorf("rule %d lists %d live alerts", r.ID, r.Live)
			}
		}

		audits := countRows(t, d, `SELECT COUNT(*) FROM audit_log`)
		closed, err := f.fb.SetRuleActive(ctx, manager, own.ID, false)
		if err != nil || closed != 1 {
			t.Fatalf("switch off: closed %d, %v", closed, err)
		}
		got, _ := f.fb.Alert(ctx, alert.ID)
		if got.Status != feedback.AlertClosed || got.ClosedAt == nil {
			t.Errorf("the alert under the switched-off rule: %+v", got)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM alerts WHERE id = $1 AND open_key IS NULL`, alert.ID); n != 1 {
			t.Error("the closed alert keeps its open key")
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM audit_log`); n != audits+2 {
			t.Errorf("%d audit records, want the rule's and the alert's", n-audits)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM audit_log WHERE entity = 'alert' AND entity_id = $1 AND action = 'close'
			AND actor_name = 'gpo.manager'`, itoa(alert.ID)); n != 1 {
			t.Errorf("%d close records for the alert", n)
		}
		if r, _ := f.fb.RuleByID(ctx, own.ID); r.Active || r.Live != 0 {
			t.Errorf("the switched-off rule: %+v", r)
		}
		if live := byRule(); len(live) != 2 || live[counterRule.ID].ID == 0 {
			t.Errorf("the other rules' alerts: %+v", live)
		}
		// Still tripped, but off: evaluating opens nothing under it.
		f.rated(0, feedback.VeryUnhappy)
		if _, _, err := f.fb.Evaluate(ctx, f.centre.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := byRule()[own.ID]; ok {
			t.Error("an alert opened under a rule switched off")
		}
		audits = countRows(t, d, `SELECT COUNT(*) FROM audit_log`)
		if closed, err := f.fb.SetRuleActive(ctx, manager, own.ID, false); err != nil || closed != 0 ||
			countRows(t, d, `SELECT COUNT(*) FROM audit_log`) != audits {
			t.Errorf("switched off twice: closed %d, %v", closed, err)
		}

		// The rule for every centre, switched off by the secretariat: its alert closes too.
		if closed, err := f.fb.SetRuleActive(ctx, admin, counterRule.ID, false); err != nil || closed != 1 {
			t.Errorf("switch off the national counter rule: closed %d, %v", closed, err)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM audit_log WHERE entity = 'alert_rule' AND entity_id = $1 AND action = 'update'`,
			itoa(counterRule.ID)); n != 1 {
			t.Errorf("%d audit records for the national rule", n)
		}

		// Switched on again, the centre's rule trips at the next evaluation: a new alert.
		if closed, err := f.fb.SetRuleActive(ctx, manager, own.ID, true); err != nil || closed != 0 {
			t.Fatalf("switch on: %d %v", closed, err)
		}
		if opened, _, err := f.fb.Evaluate(ctx, f.centre.ID); err != nil || opened != 1 {
			t.Errorf("after switching on: opened %d, %v", opened, err)
		}
		if a, ok := byRule()[own.ID]; !ok || a.ID == alert.ID {
			t.Errorf("no new alert under the rule switched on again: %+v", a)
		}
		if _, err := f.fb.SetRuleActive(ctx, manager, 999999, false); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("no such rule: %v", err)
		}
	})
}
