package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// rowUpdate collects what an action changes on the request's row. change() writes it in one
// UPDATE with updated_at and, when the clock's inputs changed, the recomputed deadlines: each
// UPDATE of a request writes a new row version and an entry in every index of the table, so one
// statement per action instead of three is most of what a status change costs.
type rowUpdate struct {
	cols []string
	args []any
}

// set changes column col to v (nil for NULL).
func (u *rowUpdate) set(col string, v any) {
	u.cols = append(u.cols, col)
	u.args = append(u.args, v)
}

// write stores the collected changes on request id, if there are any.
func (u *rowUpdate) write(ctx context.Context, tx *sql.Tx, id int64) error {
	if len(u.cols) == 0 {
		return nil
	}
	set := make([]string, len(u.cols))
	for i, c := range u.cols {
		set[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	_, err := tx.ExecContext(ctx, `UPDATE requests SET `+strings.Join(set, ", ")+fmt.Sprintf(` WHERE id = $%d`, len(u.cols)+1), append(u.args, id)...)
	return err
}

// change runs fn on a request inside one transaction, with the request read and locked under
// that transaction; fn records its changes to the row in u and keeps r up to date with them.
// Then change recomputes the deadlines from history (if the clock's inputs changed), reschedules
// the timers, and writes the row once. Every action below goes through here.
func (s *Store) change(ctx context.Context, id int64, fn func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (recompute bool, err error)) (Request, error) {
	var out Request
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC().Truncate(time.Microsecond)
		// On PostgreSQL the row lock makes two officers acting on one request at once go one after
		// the other, each seeing the other's result. SQLite's write transactions are serial already.
		r, err := getRequest(ctx, tx, "r.id = $1"+s.db.Kind().Lock("FOR UPDATE OF r"), id)
		if err != nil {
			return err
		}
		var u rowUpdate
		recompute, err := fn(tx, &r, &u, now)
		if err != nil {
			return err
		}
		u.set("updated_at", now)
		if recompute {
			if err := s.recompute(ctx, tx, &r, &u); err != nil {
				return err
			}
		}
		if err := u.write(ctx, tx, id); err != nil {
			return err
		}
		out, err = getRequest(ctx, tx, "r.id = $1", id)
		return err
	})
	return out, err
}

// StatusChange is a move to another status, with what the citizen is told.
type StatusChange struct {
	To        Status
	WaitingOn string // with Waiting: citizen, vendor or agency
	Message   string // shown to the citizen (SMS and tracking page); "" for a plain notice
}

// ChangeStatus moves a request along its lifecycle. Waiting stops the SLA clock; leaving it
// starts the clock again with the time that was left. Resolving and closing stop it too, and a
// reopened request carries on with the time it had.
func (s *Store) ChangeStatus(ctx context.Context, actor Actor, id int64, c StatusChange) (Request, error) {
	c.Message = strings.TrimSpace(c.Message)
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		if r.Status == c.To {
			return false, apperr.New(apperr.Conflict, "The request is already %s.", string(c.To))
		}
		if !r.Status.CanBecome(c.To) {
			return false, apperr.New(apperr.Invalid, "A request that is %s cannot become %s.", string(r.Status), string(c.To))
		}
		if r.Approval == "pending" && (c.To == InProgress || c.To == Resolved) {
			return false, apperr.New(apperr.Invalid, "This service needs approval before work starts.")
		}
		if r.MergedInto != 0 && c.To == Reopened {
			return false, apperr.New(apperr.Invalid, "This request was merged into another; reopen that one instead.")
		}
		if c.To == Waiting && !slices.Contains(WaitingOn, c.WaitingOn) {
			return false, apperr.InvalidFields(map[string]string{"waiting_on": "Say whom the request is waiting on."})
		}
		if c.To != Waiting {
			c.WaitingOn = ""
		}
		u.set("status", string(c.To))
		u.set("waiting_on", c.WaitingOn)
		if r.RespondedAt == nil && actor.ID != 0 {
			u.set("responded_at", now)
		}
		switch c.To {
		case Resolved:
			u.set("resolved_at", now)
		case Closed:
			u.set("closed_at", now)
			if r.ResolvedAt == nil {
				u.set("resolved_at", now)
			}
		case Reopened:
			u.set("resolved_at", nil)
			u.set("closed_at", nil)
		}
		// The clock: it stands still while waiting and after resolution.
		stops := func(st Status) bool { return st == Waiting || st == Resolved || st == Closed }
		recompute := false
		switch {
		case !stops(r.Status) && stops(c.To):
			if _, err := tx.ExecContext(ctx, `INSERT INTO request_pauses (request_id, started_at, reason) VALUES ($1, $2, $3)`,
				r.ID, now, pauseReason(c)); err != nil {
				return false, err
			}
			recompute = true
		case stops(r.Status) && !stops(c.To):
			if _, err := tx.ExecContext(ctx, `UPDATE request_pauses SET ended_at = $1 WHERE request_id = $2 AND ended_at IS NULL`, now, r.ID); err != nil {
				return false, err
			}
			recompute = true
		}
		if c.To == Resolved || c.To == Closed {
			if _, err := tx.ExecContext(ctx, `UPDATE request_followups SET done_at = $1 WHERE request_id = $2 AND done_at IS NULL`, now, r.ID); err != nil {
				return false, err
			}
		}
		data := map[string]string{"from": string(r.Status), "to": string(c.To)}
		if c.WaitingOn != "" {
			data["waiting_on"] = c.WaitingOn
		}
		eventID, err := addEvent(ctx, tx, r.ID, now, actor, "status", true, c.Message, data)
		if err != nil {
			return false, err
		}
		r.WaitingOn = c.WaitingOn
		if err := s.tellCitizen(ctx, tx, *r, fmt.Sprintf("event:%d", eventID), s.statusText(*r, c.To, c.Message)); err != nil {
			return false, err
		}
		r.Status = c.To // after the message, which says what it was and what it becomes
		return recompute, nil
	})
}

func pauseReason(c StatusChange) string {
	if c.To == Waiting {
		return "waiting on " + c.WaitingOn
	}
	return string(c.To)
}

// recompute rebuilds a request's deadlines from its creation, its service's spans, its centre's
// calendar and its pauses, records them in u and on r, and reschedules its timers.
func (s *Store) recompute(ctx context.Context, tx *sql.Tx, r *Request, u *rowUpdate) error {
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, r.CalendarID)
	if err != nil {
		return err
	}
	clock, err := s.clockOf(ctx, tx, *r)
	if err != nil {
		return err
	}
	dl := clock.compute(cal)
	before := r.ResolutionDue
	r.ResponseDue, r.WarnAt, r.ResolutionDue, r.PausedAt = utcTime(dl.response), utcTime(dl.warn), utcTime(dl.resolution), nil
	if dl.paused {
		start := clock.pauses[len(clock.pauses)-1].Start.UTC()
		r.PausedAt = &start
	}
	u.set("response_due_at", utcPtr(r.ResponseDue))
	u.set("warn_at", utcPtr(r.WarnAt))
	u.set("resolution_due_at", utcPtr(r.ResolutionDue))
	u.set("paused_at", utcPtr(r.PausedAt))
	return s.scheduleTimers(ctx, tx, *r, before, cal)
}

// clockOf gathers what the SLA clock of r depends on.
func (s *Store) clockOf(ctx context.Context, tx *sql.Tx, r Request) (sla, error) {
	var timelineKind, span, response string
	err := tx.QueryRowContext(ctx, `SELECT timeline_kind, timeline, response_timeline FROM services WHERE id = $1`, r.ServiceID).Scan(&timelineKind, &span, &response)
	if err != nil {
		return sla{}, err
	}
	clock := sla{created: r.CreatedAt, warnShare: s.cfg.WarnShare}
	if timelineKind == "duration" {
		clock.resolution = span
	}
	clock.response = s.responseSpan(response, r.Channel)
	rows, err := tx.QueryContext(ctx, `SELECT started_at, ended_at FROM request_pauses WHERE request_id = $1 ORDER BY started_at`, r.ID)
	if err != nil {
		return clock, err
	}
	defer rows.Close()
	for rows.Next() {
		var start time.Time
		var end sql.NullTime
		if err := rows.Scan(&start, &end); err != nil {
			return clock, err
		}
		iv := worktime.Interval{Start: start}
		if end.Valid {
			iv.End = end.Time
		}
		clock.pauses = append(clock.pauses, iv)
	}
	return clock, rows.Err()
}

// RecomputeOpen rebuilds the deadlines of every open request on a calendar (0: every calendar),
// after a holiday is gazetted or withdrawn. It works in batches, each its own transaction, so a
// national holiday over a million open requests does not hold one lock for minutes.
func (s *Store) RecomputeOpen(ctx context.Context, calendarID int64) (int, error) {
	done, after := 0, int64(0)
	for {
		q := `SELECT r.id FROM requests r JOIN centres c ON c.id = r.centre_id
			WHERE r.status NOT IN ('resolved', 'closed') AND r.resolution_due_at IS NOT NULL AND r.id > $1`
		args := []any{after}
		if calendarID != 0 {
			q += ` AND c.calendar_id = $2`
			args = append(args, calendarID)
		}
		rows, err := s.db.QueryContext(ctx, q+` ORDER BY r.id LIMIT 500`, args...)
		if err != nil {
			return done, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return done, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			return done, rows.Err()
		}
		err = s.db.InTx(ctx, func(tx *sql.Tx) error {
			for _, id := range ids {
				r, err := getRequest(ctx, tx, "r.id = $1", id)
				if err != nil {
					return err
				}
				var u rowUpdate
				if err := s.recompute(ctx, tx, &r, &u); err != nil {
					return err
				}
				if err := u.write(ctx, tx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += len(ids)
		after = ids[len(ids)-1]
	}
}

// Comment adds an internal note (public false) or a reply to the citizen (public true, sent to
// them). A first public reply counts as the first response.
func (s *Store) Comment(ctx context.Context, actor Actor, id int64, body string, public bool) (Request, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return Request{}, apperr.InvalidFields(map[string]string{"body": "This field is required."})
	}
	if len(body) > maxDescription {
		return Request{}, apperr.InvalidFields(map[string]string{"body": "This is too long."})
	}
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		kind := "note"
		if public {
			kind = "reply"
		}
		eventID, err := addEvent(ctx, tx, r.ID, now, actor, kind, public, body, nil)
		if err != nil || !public {
			return false, err
		}
		if r.RespondedAt == nil && actor.ID != 0 {
			u.set("responded_at", now)
		}
		return false, s.tellCitizen(ctx, tx, *r, fmt.Sprintf("event:%d", eventID),
			fmt.Sprintf("Huduma, request %s: %s Track: %s", r.Reference, body, s.TrackingURL(r.Reference, "")))
	})
}

// Assign gives a request to an officer of its centre or agency (0 unassigns).
func (s *Store) Assign(ctx context.Context, actor Actor, id, userID int64) (Request, error) {
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		name := ""
		if userID != 0 {
			var centreID, agencyID sql.NullInt64
			var active bool
			err := tx.QueryRowContext(ctx, `SELECT name, centre_id, agency_id, active FROM users WHERE id = $1`, userID).Scan(&name, &centreID, &agencyID, &active)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
				return false, apperr.New(apperr.Invalid, "That staff account does not exist or is not active.")
			} else if err != nil {
				return false, err
			}
			if centreID.Int64 != r.CentreID && agencyID.Int64 != r.AgencyID {
				return false, apperr.New(apperr.Invalid, "%s does not work at %s or for its agency.", name, r.CentreName)
			}
		}
		u.set("assignee_id", nullID(userID))
		if userID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET last_assigned_at = $1 WHERE id = $2`, now, userID); err != nil {
				return false, err
			}
		}
		body := "Unassigned."
		if userID != 0 {
			body = "Assigned to " + name + "."
		}
		_, err := addEvent(ctx, tx, r.ID, now, actor, "assigned", false, body, map[string]string{"assignee": fmt.Sprint(userID)})
		return false, err
	})
}

// AutoAssign gives a request to the on-duty officer of its centre who has waited longest for one
// (round-robin), or reports that nobody is on duty.
func (s *Store) AutoAssign(ctx context.Context, actor Actor, id int64) (Request, error) {
	r, err := s.ByID(ctx, id)
	if err != nil {
		return r, err
	}
	var userID int64
	err = s.db.QueryRowContext(ctx, `SELECT id FROM users WHERE active = TRUE AND on_duty = TRUE AND role = 'officer' AND centre_id = $1
		ORDER BY CASE WHEN last_assigned_at IS NULL THEN 0 ELSE 1 END, last_assigned_at, id LIMIT 1`, r.CentreID).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.Conflict, "No officer at %s is on duty.", r.CentreName)
	} else if err != nil {
		return r, err
	}
	return s.Assign(ctx, actor, id, userID)
}

// SetOnDuty marks an officer on or off duty for round-robin assignment.
func (s *Store) SetOnDuty(ctx context.Context, userID int64, on bool) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET on_duty = $1 WHERE id = $2`, on, userID)
	return err
}

// Refer hands a request to another agency. It keeps its reference and the citizen's clock; the
// referring centre keeps a follow-up until the receiving agency resolves it.
func (s *Store) Refer(ctx context.Context, actor Actor, id int64, toAgencyCode, note string) (Request, error) {
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		if !r.Status.Open() {
			return false, apperr.New(apperr.Invalid, "Only an open request can be referred.")
		}
		var toID int64
		var toName string
		err := tx.QueryRowContext(ctx, `SELECT id, name FROM agencies WHERE code = $1`, strings.ToUpper(strings.TrimSpace(toAgencyCode))).Scan(&toID, &toName)
		if errors.Is(err, sql.ErrNoRows) {
			return false, apperr.InvalidFields(map[string]string{"agency": "Choose the agency to refer to."})
		} else if err != nil {
			return false, err
		}
		if toID == r.AgencyID {
			return false, apperr.InvalidFields(map[string]string{"agency": "The request is already with that agency."})
		}
		u.set("agency_id", toID)
		u.set("referred_from_agency_id", r.AgencyID)
		u.set("assignee_id", nil)
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_followups (request_id, centre_id, to_agency_id, created_at) VALUES ($1, $2, $3, $4)`,
			r.ID, r.CentreID, toID, now); err != nil {
			return false, err
		}
		body := "Referred to " + toName + "."
		if note = strings.TrimSpace(note); note != "" {
			body += " " + note
		}
		eventID, err := addEvent(ctx, tx, r.ID, now, actor, "referred", true, body, map[string]string{"from": r.AgencyCode, "to": toAgencyCode})
		if err != nil {
			return false, err
		}
		if _, err := s.tellStaff(ctx, tx, *r, fmt.Sprintf("referred:%d", eventID), "[Huduma] Referred to you: "+r.Reference,
			fmt.Sprintf("Request %s (%s) was referred to %s by %s. Its deadline stands.\n%s/staff/requests/%s", r.Reference, r.ServiceName, toName, actor.Name, s.cfg.PublicURL, r.Reference),
			"u.role = 'agency_admin' AND u.agency_id = $1", toID); err != nil {
			return false, err
		}
		return false, s.tellCitizen(ctx, tx, *r, fmt.Sprintf("event:%d", eventID),
			fmt.Sprintf("Huduma: your request %s has been referred to %s, who will complete it. Your reference and deadline stay the same. Track: %s",
				r.Reference, toName, s.TrackingURL(r.Reference, "")))
	})
}

// Decide records an approval decision for a service that needs one.
func (s *Store) Decide(ctx context.Context, actor Actor, id int64, approve bool, note string) (Request, error) {
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		if r.Approval != "pending" {
			return false, apperr.New(apperr.Conflict, "This request is not waiting for approval.")
		}
		decision, words := "approved", "Approved"
		if !approve {
			decision, words = "rejected", "Not approved"
		}
		u.set("approval", decision)
		body := words + " by " + actor.Name + "."
		if note = strings.TrimSpace(note); note != "" {
			body += " " + note
		}
		_, err := addEvent(ctx, tx, r.ID, now, actor, "approval", true, body, map[string]string{"decision": decision})
		return false, err
	})
}

// Link relates two requests (kind related), or marks one the parent of the other.
func (s *Store) Link(ctx context.Context, actor Actor, id int64, otherRef string) (Request, error) {
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		other, err := getRequest(ctx, tx, "r.reference = $1", NormaliseReference(otherRef))
		if err != nil {
			return false, apperr.InvalidFields(map[string]string{"other": "No request with that reference."})
		}
		if other.ID == r.ID {
			return false, apperr.InvalidFields(map[string]string{"other": "A request cannot be linked to itself."})
		}
		for _, pair := range [][2]int64{{r.ID, other.ID}, {other.ID, r.ID}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO request_links (request_id, other_id, kind, created_at) VALUES ($1, $2, 'related', $3)
				ON CONFLICT (request_id, other_id) DO NOTHING`, pair[0], pair[1], now); err != nil {
				return false, err
			}
		}
		if _, err := addEvent(ctx, tx, r.ID, now, actor, "linked", false, "Linked to "+other.Reference+".", map[string]string{"other": other.Reference}); err != nil {
			return false, err
		}
		_, err = addEvent(ctx, tx, other.ID, now, actor, "linked", false, "Linked to "+r.Reference+".", map[string]string{"other": r.Reference})
		return false, err
	})
}

// SetParent makes a request part of a larger one (a faulty network at a site, with one request per
// office): the child keeps its own clock; the parent lists it.
func (s *Store) SetParent(ctx context.Context, actor Actor, id int64, parentRef string) (Request, error) {
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		parent, err := getRequest(ctx, tx, "r.reference = $1", NormaliseReference(parentRef))
		if err != nil {
			return false, apperr.InvalidFields(map[string]string{"other": "No request with that reference."})
		}
		if parent.ID == r.ID || parent.ParentID == r.ID {
			return false, apperr.InvalidFields(map[string]string{"other": "A request cannot be part of itself or of its own part."})
		}
		u.set("parent_id", parent.ID)
		if _, err := addEvent(ctx, tx, r.ID, now, actor, "linked", false, "Made part of "+parent.Reference+".", map[string]string{"parent": parent.Reference}); err != nil {
			return false, err
		}
		_, err = addEvent(ctx, tx, parent.ID, now, actor, "linked", false, r.Reference+" is part of this request.", map[string]string{"child": r.Reference})
		return false, err
	})
}

// Merge closes a duplicate into the request it repeats: the duplicate's history stays, its
// citizen is told the reference to follow, and its timers stop.
func (s *Store) Merge(ctx context.Context, actor Actor, duplicateID int64, intoRef string) (Request, error) {
	return s.change(ctx, duplicateID, func(tx *sql.Tx, r *Request, u *rowUpdate, now time.Time) (bool, error) {
		into, err := getRequest(ctx, tx, "r.reference = $1", NormaliseReference(intoRef))
		if err != nil {
			return false, apperr.InvalidFields(map[string]string{"into": "No request with that reference."})
		}
		if into.ID == r.ID || into.MergedInto == r.ID {
			return false, apperr.InvalidFields(map[string]string{"into": "A request cannot be merged into itself."})
		}
		if !r.Status.Open() {
			return false, apperr.New(apperr.Invalid, "Only an open request can be merged.")
		}
		u.set("merged_into_id", into.ID)
		u.set("status", string(Closed))
		u.set("closed_at", now)
		if r.ResolvedAt == nil {
			u.set("resolved_at", now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_links (request_id, other_id, kind, created_at) VALUES ($1, $2, 'duplicate', $3)
			ON CONFLICT (request_id, other_id) DO NOTHING`, r.ID, into.ID, now); err != nil {
			return false, err
		}
		eventID, err := addEvent(ctx, tx, r.ID, now, actor, "merged", true, "Merged into "+into.Reference+"; follow that request.", map[string]string{"into": into.Reference})
		if err != nil {
			return false, err
		}
		if _, err := addEvent(ctx, tx, into.ID, now, actor, "merged", false, r.Reference+" was merged into this request.", map[string]string{"from": r.Reference}); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_pauses (request_id, started_at, reason) VALUES ($1, $2, 'merged')`, r.ID, now); err != nil {
			return false, err
		}
		r.Status = Closed
		return true, s.tellCitizen(ctx, tx, *r, fmt.Sprintf("event:%d", eventID),
			fmt.Sprintf("Huduma: your request %s repeats %s; we will follow up there. Track: %s", r.Reference, into.Reference, s.TrackingURL(into.Reference, "")))
	})
}

// Linked lists the references linked to a request, with how.
func (s *Store) Linked(ctx context.Context, id int64) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.reference, l.kind FROM request_links l JOIN requests o ON o.id = l.other_id WHERE l.request_id = $1
		UNION SELECT c.reference, 'child' FROM requests c WHERE c.parent_id = $1
		UNION SELECT p.reference, 'parent' FROM requests r JOIN requests p ON p.id = r.parent_id WHERE r.id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, kind string
		if err := rows.Scan(&ref, &kind); err != nil {
			return nil, err
		}
		out[ref] = kind
	}
	return out, rows.Err()
}
