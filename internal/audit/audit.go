// Package audit keeps the audit trail: every change to Huduma's records is written here in the same
// transaction as the change itself — who, when, what, and the record before and after — so that the
// trail and the data can never disagree. Admins and auditors browse it; nothing ever edits it.
package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// Actor is who made a change: a signed-in user, or the system (ID 0) for start-up work.
type Actor struct {
	ID   int64
	Name string
	IP   string
}

// System is the actor for changes Huduma makes by itself (migrations, demo data).
var System = Actor{Name: "system"}

// Entry is one line of the trail.
type Entry struct {
	ID       int64
	At       time.Time
	ActorID  int64
	Actor    string
	Action   string // create, update, delete, sign_in, ...
	Entity   string // agency, centre, service, charter, holiday, user, session
	EntityID string
	Summary  string
	Before   string // JSON, "" when there was nothing before
	After    string // JSON, "" when nothing is left after
	AgencyID int64  // scope, for filtering by agency admins
	CentreID int64  // scope, for filtering by centre managers
	IP       string
}

// Record writes one entry inside tx. before and after are marshalled to JSON (nil for none).
func Record(ctx context.Context, tx *sql.Tx, at time.Time, actor Actor, action, entity, entityID, summary string, before, after any, agencyID, centreID int64) error {
	b, err := marshal(before)
	if err != nil {
		return err
	}
	a, err := marshal(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(at, actor_id, actor_name, action, entity, entity_id, summary, before_json, after_json, agency_id, centre_id, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		at.UTC(), nullID(actor.ID), actor.Name, action, entity, entityID, summary, b, a, nullID(agencyID), nullID(centreID), actor.IP)
	if err != nil {
		return fmt.Errorf("write audit record: %w", err)
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: marshal: %w", err)
	}
	return string(b), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Filter narrows a listing. Zero values mean "any".
type Filter struct {
	Entity   string
	Action   string
	Actor    string // matches the actor's name, case-insensitive substring
	EntityID string
	AgencyID int64 // restrict to this agency's scope
	CentreID int64 // restrict to this centre's scope
	From, To time.Time
	Limit    int
	Offset   int
}

// Page is one page of entries and whether more follow.
type Page struct {
	Entries []Entry
	More    bool
}

// List returns entries newest first.
func List(ctx context.Context, q db.Querier, f Filter) (Page, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Entity != "" {
		add("entity = $%d", f.Entity)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.EntityID != "" {
		add("entity_id = $%d", f.EntityID)
	}
	if f.Actor != "" {
		add("LOWER(actor_name) LIKE $%d", "%"+strings.ToLower(f.Actor)+"%")
	}
	if f.AgencyID != 0 {
		add("agency_id = $%d", f.AgencyID)
	}
	if f.CentreID != 0 {
		add("centre_id = $%d", f.CentreID)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	query := `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, entity, entity_id, summary,
		before_json, after_json, COALESCE(agency_id, 0), COALESCE(centre_id, 0), ip FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d OFFSET %d", limit+1, max(f.Offset, 0))
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return Page{}, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Summary,
			&e.Before, &e.After, &e.AgencyID, &e.CentreID, &e.IP); err != nil {
			return Page{}, err
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(p.Entries) > limit {
		p.Entries, p.More = p.Entries[:limit], true
	}
	return p, nil
}
