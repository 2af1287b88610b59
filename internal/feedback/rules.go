package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
)

// Alert rules as managers set them: a centre's managers add rules for their centre and switch them
// off and on; the secretariat does the same for the rules that apply at every centre (centre_id
// NULL; three are seeded by migration 0017). A rule is never deleted: its alerts refer to it.

// Limits on a rule, checked before anything is written.
const (
	MaxRuleWindow       = 240  // minutes
	MinShareRuleWindow  = 5    // an unhappy-share rule measures at least 5 minutes
	MaxRuleMinResponses = 1000 // responses
)

// RuleScopes are the subjects a rule can be about, in the order screens offer them.
var RuleScopes = []string{"counter", "service", "centre"}

// RuleSetting is an alert rule with its state, as the rules screen lists it.
type RuleSetting struct {
	Rule
	Active    bool
	CreatedAt time.Time
	// Live is the number of its alerts not yet closed (at the centre listed, or everywhere for
	// RuleByID).
	Live int
}

// National reports whether the rule applies at every centre.
func (r Rule) National() bool { return r.CentreID == 0 }

// Words says a rule in English, for the audit trail ("At least 50% unhappy within 15 minutes, with
// at least 4 responses, at each counter"). Screens say it in the reader's language.
func (r Rule) Words() string {
	what := fmt.Sprintf("At least %d%% unhappy", r.Threshold)
	if r.Measure == MeasureIndex {
		what = fmt.Sprintf("Happiness index below %d", r.Threshold)
	}
	window := fmt.Sprintf("within %d minutes", r.WindowMinutes)
	if r.WindowMinutes == 0 {
		window = "today"
	}
	responses := fmt.Sprintf("with at least %d responses", r.MinResponses)
	if r.MinResponses == 1 {
		responses = "with at least 1 response"
	}
	where := map[string]string{"counter": "at each counter", "service": "for each service", "centre": "for the whole centre"}[r.Scope]
	return what + " " + window + ", " + responses + ", " + where
}

// validate checks a rule's fields, each with its own message.
func (r Rule) validate() error {
	f := map[string]string{}
	switch r.Scope {
	case "counter", "service", "centre":
	default:
		f["scope"] = "Choose a counter, a service or the whole centre."
	}
	switch r.Measure {
	case MeasureUnhappyShare, MeasureIndex:
	default:
		f["measure"] = "Choose the unhappy share or the happiness index."
	}
	switch {
	case r.WindowMinutes < 0 || r.WindowMinutes > MaxRuleWindow:
		f["window_minutes"] = "Give a window from 0 (today) to 240 minutes."
	case r.Measure == MeasureUnhappyShare && r.WindowMinutes < MinShareRuleWindow:
		f["window_minutes"] = "An unhappy-share rule needs a window of at least 5 minutes; 0 (today) is for the happiness index."
	}
	if r.MinResponses < 1 || r.MinResponses > MaxRuleMinResponses {
		f["min_responses"] = "Give at least 1 and at most 1000 responses."
	}
	if r.Threshold < 1 || r.Threshold > 100 {
		f["threshold"] = "Give a threshold from 1 to 100."
	}
	if len(f) > 0 {
		return apperr.InvalidFields(f)
	}
	return nil
}

const ruleColumns = `r.id, COALESCE(r.centre_id, 0), r.scope, r.measure, r.window_minutes, r.min_responses, r.threshold, r.active, r.created_at`

func scanRuleSetting(sc db.Scanner) (RuleSetting, error) {
	var r RuleSetting
	return r, sc.Scan(&r.ID, &r.CentreID, &r.Scope, &r.Measure, &r.WindowMinutes, &r.MinResponses, &r.Threshold, &r.Active, &r.CreatedAt, &r.Live)
}

// AllRules lists the rules that apply at a centre, active or not: those for every centre first,
// then its own. centreID 0 lists the rules for every centre only. Live counts each rule's alerts
// not yet closed at that centre (at every centre for centreID 0).
func (s *Store) AllRules(ctx context.Context, centreID int64) ([]RuleSetting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ruleColumns+`,
		(SELECT COUNT(*) FROM alerts a WHERE a.rule_id = r.id AND a.status <> 'closed' AND ($1 = 0 OR a.centre_id = $1))
		FROM alert_rules r WHERE r.centre_id IS NULL OR r.centre_id = $1
		ORDER BY CASE WHEN r.centre_id IS NULL THEN 0 ELSE 1 END, r.id`, centreID)
	return db.Collect(rows, err, scanRuleSetting)
}

// RuleByID returns one rule, with its live alerts at every centre.
func (s *Store) RuleByID(ctx context.Context, id int64) (RuleSetting, error) {
	return s.ruleByID(ctx, s.db, id, "")
}

func (s *Store) ruleByID(ctx context.Context, q db.Querier, id int64, lock string) (RuleSetting, error) {
	r, err := scanRuleSetting(q.QueryRowContext(ctx, `SELECT `+ruleColumns+`,
		(SELECT COUNT(*) FROM alerts a WHERE a.rule_id = r.id AND a.status <> 'closed')
		FROM alert_rules r WHERE r.id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return RuleSetting{}, apperr.New(apperr.NotFound, "No such alert rule.")
	}
	return r, err
}

// AddRule adds an active rule: for r.CentreID, or for every centre when it is 0. Who may add
// which is the caller's to check (a centre's managers their centre's; the secretariat any). A
// rule just like one already on at that centre (its own or for every centre) is a conflict: it
// would open the same alerts twice.
func (s *Store) AddRule(ctx context.Context, actor audit.Actor, r Rule) (Rule, error) {
	r.ID = 0
	if err := r.validate(); err != nil {
		return Rule{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if !r.National() {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM centres WHERE id = $1`, r.CentreID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.New(apperr.NotFound, "No such centre.")
			}
		}
		var same int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_rules WHERE active = TRUE
			AND (centre_id IS NULL OR centre_id = $1) AND scope = $2 AND measure = $3 AND window_minutes = $4
			AND min_responses = $5 AND threshold = $6`, r.CentreID, r.Scope, r.Measure, r.WindowMinutes, r.MinResponses, r.Threshold).Scan(&same); err != nil {
			return err
		}
		if same > 0 {
			return apperr.New(apperr.Conflict, "A rule just like this one is on here already.")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO alert_rules (centre_id, scope, measure, window_minutes, min_responses, threshold, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id`, nullID(r.CentreID), r.Scope, r.Measure, r.WindowMinutes, r.MinResponses,
			r.Threshold, now).Scan(&r.ID); err != nil {
			return err
		}
		summary := "Alert rule added: " + r.Words()
		if r.National() {
			summary += ", at every centre"
		}
		return audit.Record(ctx, tx, now, actor, "create", "alert_rule", itoa(r.ID), summary, nil, ruleRecord(r, true), 0, r.CentreID)
	})
	if err != nil {
		return Rule{}, err
	}
	return r, nil
}

// ruleRecord is a rule as the audit trail keeps it.
func ruleRecord(r Rule, active bool) map[string]any {
	return map[string]any{"centre_id": r.CentreID, "scope": r.Scope, "measure": r.Measure, "window_minutes": r.WindowMinutes,
		"min_responses": r.MinResponses, "threshold": r.Threshold, "active": active}
}

// SetRuleActive switches a rule off or on and returns how many alerts it closed. Switching a rule
// off closes its live alerts at every centre in the same transaction (each with its audit
// record): the alert watcher only looks at active rules, so they would never close otherwise. A
// rule already in that state is left as it is. Who may switch which is the caller's to check (the
// rules for every centre: the secretariat only).
func (s *Store) SetRuleActive(ctx context.Context, actor audit.Actor, id int64, active bool) (closed int, err error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		closed = 0
		// On PostgreSQL the row lock waits for an evaluation that is opening an alert under this
		// rule (its foreign key check holds a share lock on the rule) so that alert is closed here
		// too; SQLite's write transactions are serial already.
		r, err := s.ruleByID(ctx, tx, id, s.db.Kind().Lock("FOR UPDATE OF r"))
		if err != nil {
			return err
		}
		if r.Active == active {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alert_rules SET active = $1 WHERE id = $2`, active, id); err != nil {
			return err
		}
		action, summary := "update", "Alert rule switched on: "+r.Words()
		if !active {
			summary = "Alert rule switched off: " + r.Words()
		}
		if r.National() {
			summary += ", at every centre"
		}
		if active {
			return audit.Record(ctx, tx, now, actor, action, "alert_rule", itoa(id), summary,
				map[string]any{"active": false}, map[string]any{"active": true}, 0, r.CentreID)
		}
		type live struct {
			id, centre int64
			status     string
			measure    int
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, centre_id, status, measure_now FROM alerts WHERE rule_id = $1 AND status <> 'closed' ORDER BY id`, id)
		lives, err := db.Collect(rows, err, func(sc db.Scanner) (live, error) {
			var l live
			return l, sc.Scan(&l.id, &l.centre, &l.status, &l.measure)
		})
		if err != nil {
			return err
		}
		for _, l := range lives {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET status = 'closed', closed_at = $1, open_key = NULL WHERE id = $2`, now, l.id); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, now, actor, "close", "alert", itoa(l.id), "Alert closed: its rule was switched off",
				map[string]string{"status": l.status}, map[string]any{"status": AlertClosed, "measure": l.measure, "rule": id},
				0, l.centre); err != nil {
				return err
			}
			closed++
		}
		return audit.Record(ctx, tx, now, actor, action, "alert_rule", itoa(id), summary,
			map[string]any{"active": true}, map[string]any{"active": false, "alerts_closed": closed}, 0, r.CentreID)
	})
	return closed, err
}
