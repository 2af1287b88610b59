package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
)

// Alert measures and scopes.
const (
	MeasureUnhappyShare = "unhappy_share" // tripped at or above the threshold (percent unhappy)
	MeasureIndex        = "index"         // tripped below the threshold (happiness index)
)

// Alert statuses.
const (
	AlertOpen         = "open"
	AlertAcknowledged = "acknowledged"
	AlertClosed       = "closed"
)

// Rule is an alert rule. A rule with no centre applies to every centre.
type Rule struct {
	ID            int64
	CentreID      int64
	Scope         string // centre, counter, service
	Measure       string // unhappy_share, index
	WindowMinutes int    // 0: the centre's day so far
	MinResponses  int
	Threshold     int
}

// tripped reports whether counts trip the rule.
func (r Rule) tripped(c Counts) bool {
	if c.Responses() < int64(r.MinResponses) {
		return false
	}
	if r.Measure == MeasureIndex {
		return c.Index() < float64(r.Threshold)
	}
	return c.UnhappyShare() >= float64(r.Threshold)
}

func (r Rule) value(c Counts) int {
	if r.Measure == MeasureIndex {
		return int(math.Round(c.Index()))
	}
	return int(math.Round(c.UnhappyShare()))
}

// Alert is a rule tripped for one subject: the centre, a counter or a service.
type Alert struct {
	ID              int64
	Rule            Rule
	CentreID        int64
	CentreName      string
	CentreCode      string
	SubjectID       int64
	Subject         string // "Counter 4", a service's name, the centre's name
	Status          string
	MeasureAtOpen   int
	ResponsesAtOpen int
	MeasureNow      int
	OpenedAt        time.Time
	AcknowledgedAt  *time.Time
	AcknowledgedBy  string
	Cause           string
	ClosedAt        *time.Time
}

// Rules lists the active rules that apply at a centre: its own and those for every centre.
func (s *Store) Rules(ctx context.Context, q db.Querier, centreID int64) ([]Rule, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(centre_id, 0), scope, measure, window_minutes, min_responses, threshold
		FROM alert_rules WHERE active = TRUE AND (centre_id IS NULL OR centre_id = $1) ORDER BY id`, centreID)
	return db.Collect(rows, err, func(r db.Scanner) (Rule, error) {
		var u Rule
		return u, r.Scan(&u.ID, &u.CentreID, &u.Scope, &u.Measure, &u.WindowMinutes, &u.MinResponses, &u.Threshold)
	})
}

// subjectColumn is the ratings column a scope groups by.
var subjectColumn = map[string]string{"centre": "centre_id", "counter": "counter_id", "service": "service_id"}

// measure computes a rule's counts for each subject at a centre: a window in minutes from the
// ratings themselves (through their (centre, at) index: minutes of one centre are few rows), the
// day so far from the roll-ups.
func (s *Store) measure(ctx context.Context, q db.Querier, centreID int64, r Rule, now time.Time) (map[int64]Counts, error) {
	out := map[int64]Counts{}
	var rows *sql.Rows
	var err error
	if r.WindowMinutes > 0 {
		col := subjectColumn[r.Scope]
		rows, err = q.QueryContext(ctx, `SELECT `+col+`, score, COUNT(*) FROM ratings WHERE centre_id = $1 AND at > $2 AND suspect = ''
			AND `+col+` IS NOT NULL GROUP BY `+col+`, score`, centreID, now.Add(-time.Duration(r.WindowMinutes)*time.Minute))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, score, n int64
			if err := rows.Scan(&id, &score, &n); err != nil {
				return nil, err
			}
			c := out[id]
			c.N[score-1] += n
			out[id] = c
		}
		return out, rows.Err()
	}
	w, _ := WindowNamed("today", now)
	rows, err = q.QueryContext(ctx, `SELECT key_id, `+sumCols+` FROM rating_rollups WHERE centre_id = $1 AND dim = $2
		AND bucket >= $3 GROUP BY key_id`, centreID, r.Scope, w.From.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Counts
		if err := rows.Scan(c.scan(&id)...); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// Evaluate checks a centre's rules against its ratings now: a rule newly tripped for a subject
// opens an alert (and tells the centre's managers on screen, by SMS and by e-mail); a live alert
// whose measure has recovered, or whose rule is off, closes; others keep their latest measure. It
// returns the alerts opened and closed. The measures are read first, outside any transaction, and
// only the changes are written, in one transaction: on SQLite a transaction holds the only
// writer, and the presses must not wait for a centre's reads. Safe to run at once from several
// places: a subject has one live alert per rule (alerts.open_key), and a close applies only to an
// alert still live.
func (s *Store) Evaluate(ctx context.Context, centreID int64) (opened, closed int, err error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	rules, err := s.Rules(ctx, s.db, centreID)
	if err != nil {
		return 0, 0, err
	}
	type live struct {
		id      int64
		status  string
		measure int
	}
	lives := map[string]live{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, open_key, status, measure_now FROM alerts WHERE centre_id = $1 AND status <> 'closed'`, centreID)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var l live
		var key string
		if err := rows.Scan(&l.id, &key, &l.status, &l.measure); err != nil {
			rows.Close()
			return 0, 0, err
		}
		lives[key] = l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}

	// What changes.
	type opening struct {
		rule    Rule
		subject int64
		counts  Counts
	}
	type closing struct {
		live
		reason    string
		measure   int
		responses int64
	}
	var opens []opening
	var closes []closing
	updates := map[int64]int{} // alert → its measure now
	on := map[int64]bool{}
	for _, rule := range rules {
		on[rule.ID] = true
		counts, err := s.measure(ctx, s.db, centreID, rule, now)
		if err != nil {
			return 0, 0, err
		}
		for subject, c := range counts {
			if _, ok := lives[openKey(rule.ID, subject)]; !ok && rule.tripped(c) {
				opens = append(opens, opening{rule, subject, c})
			}
		}
		for key, l := range lives {
			ruleID, subject, ok := parseOpenKey(key)
			if !ok || ruleID != rule.ID {
				continue
			}
			c := counts[subject]
			switch {
			case !rule.tripped(c):
				closes = append(closes, closing{live: l, reason: "Alert closed: the measure recovered", measure: rule.value(c), responses: c.Responses()})
			case rule.value(c) != l.measure:
				updates[l.id] = rule.value(c)
			}
		}
	}
	// A live alert whose rule is no longer on (switched off while this centre was being
	// evaluated elsewhere) closes: nothing else would close it.
	for key, l := range lives {
		if ruleID, _, ok := parseOpenKey(key); ok && !on[ruleID] {
			closes = append(closes, closing{live: l, reason: "Alert closed: its rule is off", measure: l.measure})
		}
	}
	if len(opens) == 0 && len(closes) == 0 && len(updates) == 0 {
		return 0, 0, nil
	}

	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		opened, closed = 0, 0
		for _, o := range opens {
			id, err := s.open(ctx, tx, o.rule, centreID, o.subject, o.counts, now)
			if err != nil {
				return err
			}
			if id != 0 {
				opened++
			}
		}
		for _, c := range closes {
			res, err := tx.ExecContext(ctx, `UPDATE alerts SET status = 'closed', closed_at = $1, open_key = NULL, measure_now = $2
				WHERE id = $3 AND status <> 'closed'`, now, c.measure, c.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // closed by another evaluation meanwhile
			}
			if err := audit.Record(ctx, tx, now, audit.System, "close", "alert", itoa(c.id), c.reason,
				map[string]string{"status": c.status}, map[string]any{"status": AlertClosed, "measure": c.measure, "responses": c.responses},
				0, centreID); err != nil {
				return err
			}
			closed++
		}
		for id, m := range updates {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET measure_now = $1 WHERE id = $2 AND status <> 'closed'`, m, id); err != nil {
				return err
			}
		}
		return nil
	})
	return opened, closed, err
}

func openKey(ruleID, subject int64) string { return fmt.Sprintf("%d:%d", ruleID, subject) }

func parseOpenKey(k string) (ruleID, subject int64, ok bool) {
	_, err := fmt.Sscanf(k, "%d:%d", &ruleID, &subject)
	return ruleID, subject, err == nil
}

// open records a new alert and tells the centre's managers; 0 when another evaluation opened it
// first.
func (s *Store) open(ctx context.Context, tx *sql.Tx, rule Rule, centreID, subject int64, c Counts, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO alerts (rule_id, centre_id, scope, subject_id, status, measure_at_open, responses_at_open,
		measure_now, opened_at, open_key) VALUES ($1, $2, $3, $4, 'open', $5, $6, $5, $7, $8) ON CONFLICT (open_key) DO NOTHING RETURNING id`,
		rule.ID, centreID, rule.Scope, subject, rule.value(c), c.Responses(), now, openKey(rule.ID, subject)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	a := Alert{ID: id, Rule: rule, CentreID: centreID, SubjectID: subject, MeasureAtOpen: rule.value(c), ResponsesAtOpen: int(c.Responses())}
	if err := s.describe(ctx, tx, &a); err != nil {
		return 0, err
	}
	if err := audit.Record(ctx, tx, now, audit.System, "open", "alert", itoa(id), "Alert: "+a.Summary("en"), nil,
		map[string]any{"rule": rule.ID, "scope": rule.Scope, "subject": subject, "measure": a.MeasureAtOpen, "responses": a.ResponsesAtOpen},
		0, centreID); err != nil {
		return 0, err
	}
	return id, s.tellManagers(ctx, tx, a, now)
}

// describe names an alert's centre and subject.
func (s *Store) describe(ctx context.Context, q db.Querier, a *Alert) error {
	if err := q.QueryRowContext(ctx, `SELECT code, name FROM centres WHERE id = $1`, a.CentreID).Scan(&a.CentreCode, &a.CentreName); err != nil {
		return err
	}
	list := []Measure{{ID: a.SubjectID}}
	if err := s.nameWith(ctx, q, a.Rule.Scope, list); err != nil {
		return err
	}
	a.Subject = list[0].Name
	return nil
}

// Summary says what tripped, in English ("en") or Kiswahili ("sw"), for messages and screens.
func (a Alert) Summary(lang string) string {
	r := a.Rule
	window := fmt.Sprintf("in the last %d minutes", r.WindowMinutes)
	if lang == "sw" {
		window = fmt.Sprintf("katika dakika %d zilizopita", r.WindowMinutes)
	}
	if r.WindowMinutes == 0 {
		window = map[bool]string{true: "leo", false: "today"}[lang == "sw"]
	}
	if r.Measure == MeasureIndex {
		if lang == "sw" {
			return fmt.Sprintf("%s: kiwango cha furaha %d (chini ya %d) %s, majibu %d", a.Subject, a.MeasureAtOpen, r.Threshold, window, a.ResponsesAtOpen)
		}
		return fmt.Sprintf("%s: happiness index %d (below %d) %s, %d responses", a.Subject, a.MeasureAtOpen, r.Threshold, window, a.ResponsesAtOpen)
	}
	if lang == "sw" {
		return fmt.Sprintf("%s: %d%% hawakuridhika %s, majibu %d", a.Subject, a.MeasureAtOpen, window, a.ResponsesAtOpen)
	}
	return fmt.Sprintf("%s: %d%% unhappy %s, %d responses", a.Subject, a.MeasureAtOpen, window, a.ResponsesAtOpen)
}

// tellManagers queues an SMS and an e-mail to each of the centre's active managers, in their
// language, in the alert's transaction (delivered by the outbox; one message per alert each).
func (s *Store) tellManagers(ctx context.Context, tx *sql.Tx, a Alert, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, email, phone, language FROM users WHERE active = TRUE AND role = 'centre_manager' AND centre_id = $1`, a.CentreID)
	if err != nil {
		return err
	}
	type manager struct {
		id                    int64
		email, phone, langage string
	}
	var managers []manager
	for rows.Next() {
		var m manager
		if err := rows.Scan(&m.id, &m.email, &m.phone, &m.langage); err != nil {
			rows.Close()
			return err
		}
		managers = append(managers, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	link := strings.TrimRight(s.cfg.PublicURL, "/") + "/staff/alerts"
	for _, m := range managers {
		head, tail := "Huduma alert, "+a.CentreName+": ", " Acknowledge: "+link
		subject := "Huduma alert: " + a.CentreName
		if m.langage == "sw" {
			head, tail, subject = "Tahadhari ya Huduma, "+a.CentreName+": ", " Thibitisha: "+link, "Tahadhari ya Huduma: "+a.CentreName
		}
		body := head + a.Summary(m.langage) + "." + tail
		if m.phone != "" {
			if err := notify.Enqueue(ctx, tx, now, notify.Message{Channel: notify.SMS, To: m.phone, Body: body,
				DedupeKey: fmt.Sprintf("alert:%d:user:%d:sms", a.ID, m.id)}); err != nil && !apperr.Is(err, apperr.Invalid) {
				return err
			}
		}
		if m.email != "" {
			if err := notify.Enqueue(ctx, tx, now, notify.Message{Channel: notify.Email, To: m.email, Subject: subject, Body: body,
				DedupeKey: fmt.Sprintf("alert:%d:user:%d:email", a.ID, m.id)}); err != nil && !apperr.Is(err, apperr.Invalid) {
				return err
			}
		}
	}
	return nil
}

// AlertFilter selects alerts.
type AlertFilter struct {
	CentreID int64 // 0: every centre
	LiveOnly bool  // open or acknowledged
	Limit    int
}

// Alerts lists alerts, live ones first, newest first.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := alertSelect + ` WHERE ($1 = 0 OR a.centre_id = $1)`
	if f.LiveOnly {
		q += ` AND a.status <> 'closed'`
	}
	q += ` ORDER BY CASE WHEN a.status = 'closed' THEN 1 ELSE 0 END, a.opened_at DESC, a.id DESC LIMIT $2`
	rows, err := s.db.QueryContext(ctx, q, f.CentreID, f.Limit)
	list, err := db.Collect(rows, err, scanAlert)
	if err != nil {
		return nil, err
	}
	return list, s.nameSubjects(ctx, list)
}

// nameSubjects names the subjects of listed alerts (their centres come with them): one query per
// scope, not one per alert.
func (s *Store) nameSubjects(ctx context.Context, list []Alert) error {
	byScope := map[string][]Measure{}
	for _, a := range list {
		byScope[a.Rule.Scope] = append(byScope[a.Rule.Scope], Measure{ID: a.SubjectID})
	}
	names := map[string]map[int64]string{}
	for scope, subjects := range byScope {
		if err := s.nameWith(ctx, s.db, scope, subjects); err != nil {
			return err
		}
		names[scope] = map[int64]string{}
		for _, m := range subjects {
			names[scope][m.ID] = m.Name
		}
	}
	for i := range list {
		list[i].Subject = names[list[i].Rule.Scope][list[i].SubjectID]
	}
	return nil
}

// alertSelect reads what scanAlert scans: an alert with its rule, its centre and who acknowledged it.
const alertSelect = `SELECT a.id, a.rule_id, r.scope, r.measure, r.window_minutes, r.min_responses, r.threshold, a.centre_id, c.code,
	c.name, a.subject_id, a.status, a.measure_at_open, a.responses_at_open, a.measure_now, a.opened_at, a.acknowledged_at,
	COALESCE(u.name, ''), a.cause, a.closed_at
	FROM alerts a JOIN alert_rules r ON r.id = a.rule_id JOIN centres c ON c.id = a.centre_id LEFT JOIN users u ON u.id = a.acknowledged_by`

func scanAlert(r db.Scanner) (Alert, error) {
	var a Alert
	var ack, closed sql.NullTime
	err := r.Scan(&a.ID, &a.Rule.ID, &a.Rule.Scope, &a.Rule.Measure, &a.Rule.WindowMinutes, &a.Rule.MinResponses, &a.Rule.Threshold,
		&a.CentreID, &a.CentreCode, &a.CentreName, &a.SubjectID, &a.Status, &a.MeasureAtOpen, &a.ResponsesAtOpen, &a.MeasureNow,
		&a.OpenedAt, &ack, &a.AcknowledgedBy, &a.Cause, &closed)
	if ack.Valid {
		a.AcknowledgedAt = &ack.Time
	}
	if closed.Valid {
		a.ClosedAt = &closed.Time
	}
	return a, err
}

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id int64) (Alert, error) {
	rows, err := s.db.QueryContext(ctx, alertSelect+` WHERE a.id = $1`, id)
	list, err := db.Collect(rows, err, scanAlert)
	if err != nil {
		return Alert{}, err
	}
	if len(list) == 0 {
		return Alert{}, apperr.New(apperr.NotFound, "No such alert.")
	}
	return list[0], s.nameSubjects(ctx, list)
}

// Acknowledge records that a manager has seen an alert, with its cause. An open alert becomes
// acknowledged; a closed one (recovered before anyone saw it) keeps its status and gains the
// cause. An alert is acknowledged once.
func (s *Store) Acknowledge(ctx context.Context, actor audit.Actor, alertID int64, cause string) (Alert, error) {
	cause = strings.TrimSpace(cause)
	switch {
	case cause == "":
		return Alert{}, apperr.InvalidFields(map[string]string{"cause": "Say what caused it and what you did."})
	case len(cause) > 1000:
		return Alert{}, apperr.InvalidFields(map[string]string{"cause": "This is too long."})
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var centreID int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var status string
		var acked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT centre_id, status, acknowledged_at FROM alerts WHERE id = $1`, alertID).Scan(&centreID, &status, &acked)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "No such alert.")
		} else if err != nil {
			return err
		}
		if acked.Valid {
			return apperr.New(apperr.Conflict, "This alert has been acknowledged already.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE alerts SET status = CASE WHEN status = 'open' THEN 'acknowledged' ELSE status END,
			acknowledged_at = $1, acknowledged_by = $2, cause = $3 WHERE id = $4 AND acknowledged_at IS NULL`, now, nullID(actor.ID), cause, alertID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "This alert has been acknowledged already.")
		}
		return audit.Record(ctx, tx, now, actor, "acknowledge", "alert", itoa(alertID), "Alert acknowledged: "+cause,
			map[string]string{"status": status}, map[string]string{"cause": cause}, 0, centreID)
	})
	if err != nil {
		return Alert{}, err
	}
	return s.Alert(ctx, alertID)
}

// touch tells the alert watcher that a centre has a new rating; it never blocks a press (a full
// queue means an evaluation of that centre is coming anyway, or the sweep will catch it).
func (s *Store) touch(centreID int64) {
	if centreID == 0 {
		return
	}
	select {
	case s.dirty <- centreID:
	default:
	}
}

// Watch keeps the figures and the alerts current. As ratings arrive it folds them into the
// roll-ups (Fold) and evaluates the rules of their centres; every sweep interval it folds what
// other nodes' presses left pending and re-evaluates the centres with live alerts (a window's
// measure recovers as time passes, with no new press). It returns when ctx ends.
func (s *Store) Watch(ctx context.Context, log *slog.Logger, sweep time.Duration) {
	if sweep <= 0 {
		sweep = 30 * time.Second
	}
	t := time.NewTicker(sweep)
	defer t.Stop()
	work := func(centres map[int64]bool, live bool) {
		folded, err := s.Fold(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("fold ratings", "err", err)
		}
		for id := range folded {
			centres[id] = true
		}
		if live {
			rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT centre_id FROM alerts WHERE status <> 'closed'`)
			ids, err := db.Collect(rows, err, func(r db.Scanner) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			})
			if err != nil && ctx.Err() == nil {
				log.Error("sweep alerts", "err", err)
			}
			for _, id := range ids {
				centres[id] = true
			}
		}
		for id := range centres {
			if _, _, err := s.Evaluate(ctx, id); err != nil && ctx.Err() == nil {
				log.Error("evaluate alerts", "centre", id, "err", err)
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-s.dirty:
			centres := map[int64]bool{id: true}
			for drained := false; !drained; { // everything queued meanwhile, once per centre
				select {
				case id := <-s.dirty:
					centres[id] = true
				default:
					drained = true
				}
			}
			work(centres, false)
		case <-t.C:
			work(map[int64]bool{}, true)
		}
	}
}
