package complaints

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
)

// row collects the columns an action changes; change() writes them in one UPDATE.
type row struct {
	cols []string
	args []any
}

func (u *row) set(col string, v any) {
	u.cols = append(u.cols, col)
	u.args = append(u.args, v)
}

// change runs fn on a complaint inside one transaction, the complaint read and locked under it;
// fn records its changes in u, keeps c up to date and returns the audit summary. Then change writes
// the row once with updated_at and the audit record.
func (s *Store) change(ctx context.Context, actor audit.Actor, id int64, action string,
	fn func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (summary string, err error)) (Complaint, error) {
	var out Complaint
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC().Truncate(time.Microsecond)
		c, err := getComplaint(ctx, tx, "k.id = $1"+s.db.Kind().Lock("FOR UPDATE OF k"), id)
		if err != nil {
			return err
		}
		var u row
		summary, err := fn(tx, &c, &u, now)
		if err != nil {
			return err
		}
		u.set("updated_at", now)
		set := make([]string, len(u.cols))
		for i, col := range u.cols {
			set[i] = fmt.Sprintf("%s = $%d", col, i+1)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE complaints SET `+strings.Join(set, ", ")+fmt.Sprintf(` WHERE id = $%d`, len(u.cols)+1),
			append(u.args, id)...); err != nil {
			return err
		}
		if out, err = getComplaint(ctx, tx, "k.id = $1", id); err != nil {
			return err
		}
		return s.audit(ctx, tx, now, actor, action, out, summary)
	})
	return out, err
}

func needComplaint(c *Complaint) error {
	if c.Kind != KindComplaint {
		return apperr.New(apperr.Invalid, "A compliment is recorded; there is nothing to handle.")
	}
	return nil
}

// Person is a staff member a complaint may be given to.
type Person struct {
	ID   int64
	Name string
}

// assigneeCond is who may be given a complaint: the integrity officers for a bribe report; for the
// rest the centre's managers, the agency's admins and the national admins.
func assigneeCond(c Complaint) (string, []any) {
	if c.Integrity() {
		return "u.integrity_officer = TRUE", nil
	}
	return "((u.role = 'centre_manager' AND u.centre_id = $1) OR (u.role = 'agency_admin' AND u.agency_id = $2) OR u.role = 'national_admin')",
		[]any{c.CentreID, c.AgencyID}
}

// Assignees lists who a complaint may be given to, never the officer it is about.
func (s *Store) Assignees(ctx context.Context, c Complaint) ([]Person, error) {
	cond, args := assigneeCond(c)
	args = append(args, c.OfficerID)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT u.id, u.name FROM users u WHERE u.active = TRUE AND u.id <> $%d AND %s ORDER BY u.name`, len(args), cond), args...)
	return db.Collect(rows, err, func(r db.Scanner) (Person, error) {
		var p Person
		return p, r.Scan(&p.ID, &p.Name)
	})
}

// Assign gives a complaint to a staff member (0: to nobody). A new complaint is then in progress.
func (s *Store) Assign(ctx context.Context, actor audit.Actor, id, userID int64) (Complaint, error) {
	return s.change(ctx, actor, id, "assign", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if err := needComplaint(c); err != nil {
			return "", err
		}
		name := ""
		if userID != 0 {
			if userID == c.OfficerID {
				return "", apperr.New(apperr.Invalid, "A complaint cannot be given to the officer it is about.")
			}
			cond, args := assigneeCond(*c)
			args = append(args, userID)
			err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT u.name FROM users u WHERE u.active = TRUE AND u.id = $%d AND %s`, len(args), cond), args...).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return "", apperr.New(apperr.Invalid, "That person cannot be given this complaint.")
			} else if err != nil {
				return "", err
			}
		}
		u.set("assignee_id", nullID(userID))
		body := "Unassigned."
		if userID != 0 {
			body = "Assigned to " + name + "."
		}
		if c.Status == New && userID != 0 {
			u.set("status", string(InProgress))
			if _, err := addEvent(ctx, tx, c.ID, now, actor, "status", true, "Being looked into.", map[string]string{"to": string(InProgress)}); err != nil {
				return "", err
			}
		}
		_, err := addEvent(ctx, tx, c.ID, now, actor, "assigned", false, body, map[string]string{"assignee": fmt.Sprint(userID)})
		return "Complaint " + c.Reference + ": " + strings.ToLower(body[:1]) + body[1:], err
	})
}

// Note adds an internal note to a complaint's history.
func (s *Store) Note(ctx context.Context, actor audit.Actor, id int64, body string) (Complaint, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return Complaint{}, apperr.InvalidFields(map[string]string{"body": "This field is required."})
	}
	if len(body) > maxDescription {
		return Complaint{}, apperr.InvalidFields(map[string]string{"body": "This is too long."})
	}
	return s.change(ctx, actor, id, "note", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		_, err := addEvent(ctx, tx, c.ID, now, actor, "note", false, body, nil)
		return c.Reference + ": internal note", err
	})
}

// Answer records the action taken and how the complainant was told; the complaint is then
// answered and its ladder stops. When there is a phone number or an e-mail address, the action and
// the tracking link go to the complainant in the same transaction. An anonymous complainant is
// told through their tracking page.
func (s *Store) Answer(ctx context.Context, actor audit.Actor, id int64, action, toldVia string) (Complaint, error) {
	action = strings.TrimSpace(action)
	return s.change(ctx, actor, id, "answer", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if err := needComplaint(c); err != nil {
			return "", err
		}
		if !c.Status.Open() {
			return "", apperr.New(apperr.Conflict, "This complaint has been answered already.")
		}
		f := map[string]string{}
		if action == "" {
			f["action"] = "Say what was done about the complaint."
		} else if len(action) > 2000 {
			f["action"] = "This is too long."
		}
		switch {
		case !slices.Contains(ToldVia, toldVia):
			f["told_via"] = "Say how the complainant was told."
		case c.Anonymous && toldVia != "tracking_page":
			f["told_via"] = "An anonymous complainant can only be told through their tracking page."
		case toldVia == "sms" && c.Contact.Phone == "":
			f["told_via"] = "There is no phone number to send an SMS to."
		case toldVia == "email" && c.Contact.Email == "":
			f["told_via"] = "There is no e-mail address to write to."
		}
		if len(f) > 0 {
			return "", apperr.InvalidFields(f)
		}
		if err := cancelTimers(ctx, tx, *c); err != nil {
			return "", err
		}
		u.set("status", string(Answered))
		u.set("action_taken", action)
		u.set("answered_at", now)
		u.set("told_at", now)
		u.set("told_via", toldVia)
		eventID, err := addEvent(ctx, tx, c.ID, now, actor, "answered", true, action, map[string]string{"told_via": toldVia})
		if err != nil {
			return "", err
		}
		text := fmt.Sprintf("Huduma: your complaint %s has been answered. Action taken: %s Confirm or reopen it: %s",
			c.Reference, clip(action, 500), s.TrackingURL(c.Reference, ""))
		return "Complaint " + c.Reference + " answered", s.tellComplainant(ctx, tx, *c, fmt.Sprintf("event:%d", eventID), text)
	})
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Close closes an answered complaint. It is refused until the complainant has been told the
// action taken.
func (s *Store) Close(ctx context.Context, actor audit.Actor, id int64) (Complaint, error) {
	return s.change(ctx, actor, id, "close", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if err := needComplaint(c); err != nil {
			return "", err
		}
		switch {
		case c.Status == Closed:
			return "", apperr.New(apperr.Conflict, "This complaint is closed already.")
		case c.Status != Answered || c.ToldAt == nil:
			return "", apperr.New(apperr.Invalid, "A complaint cannot be closed until the complainant has been told the action taken: record the answer first.")
		}
		u.set("status", string(Closed))
		u.set("closed_at", now)
		_, err := addEvent(ctx, tx, c.ID, now, actor, "closed", true, "", nil)
		return "Complaint " + c.Reference + " closed", err
	})
}

// complainant is the actor for what the complainant does on the tracking page.
var complainant = audit.Actor{Name: "complainant"}

// Confirm is the complainant accepting the action taken: the complaint is closed.
func (s *Store) Confirm(ctx context.Context, id int64) (Complaint, error) {
	return s.change(ctx, complainant, id, "confirm", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if !c.CanConfirm() {
			return "", apperr.New(apperr.Conflict, "There is nothing to confirm: the complaint has not been answered yet, or is confirmed already.")
		}
		u.set("confirmed_at", now)
		u.set("status", string(Closed))
		if c.ClosedAt == nil {
			u.set("closed_at", now)
		}
		_, err := addEvent(ctx, tx, c.ID, now, complainant, "confirmed", true, "", nil)
		return "Complaint " + c.Reference + " confirmed by the complainant", err
	})
}

// Reopen is the complainant not satisfied with the answer: the complaint is open again with a
// fresh deadline and a fresh ladder, and its owner is told.
func (s *Store) Reopen(ctx context.Context, id int64, reason string) (Complaint, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Complaint{}, apperr.InvalidFields(map[string]string{"reason": "Tell us why the answer does not settle your complaint."})
	}
	if len(reason) > 2000 {
		return Complaint{}, apperr.InvalidFields(map[string]string{"reason": "This is too long."})
	}
	return s.change(ctx, complainant, id, "reopen", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if !c.CanConfirm() {
			return "", apperr.New(apperr.Conflict, "Only an answered complaint that you have not confirmed can be reopened.")
		}
		cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, c.CalendarID)
		if err != nil {
			return "", err
		}
		c.Reopens++
		c.Status, c.Escalation = Reopened, 0
		c.DueAt, c.WarnAt = s.deadlines(cal, now)
		u.set("status", string(Reopened))
		u.set("reopen_count", c.Reopens)
		u.set("escalation_level", 0)
		u.set("due_at", *c.DueAt)
		u.set("warn_at", *c.WarnAt)
		u.set("answered_at", nil)
		u.set("told_at", nil)
		u.set("closed_at", nil)
		eventID, err := addEvent(ctx, tx, c.ID, now, complainant, "reopened", true, reason, nil)
		if err != nil {
			return "", err
		}
		if err := s.scheduleNext(ctx, tx, *c, cal); err != nil {
			return "", err
		}
		subject := "[Huduma] Complaint " + c.Reference + " reopened by the complainant"
		text := fmt.Sprintf("The complainant reopened complaint %s: %s\nTo be answered by %s.\n%s", c.Reference, reason,
			c.DueAt.In(cal.Location()).Format("Mon 2 Jan 2006 15:04"), s.staffURL(*c))
		if c.Integrity() {
			text = fmt.Sprintf("The complainant reopened report %s.\n%s", c.Reference, s.staffURL(*c))
		}
		key := fmt.Sprintf("event:%d", eventID)
		if c.AssigneeID != 0 {
			err = s.tellStaff(ctx, tx, *c, key, subject, text, "u.id = $1", c.AssigneeID)
		} else {
			cond, args := ownerCond(*c)
			err = s.tellStaff(ctx, tx, *c, key, subject, text, cond, args...)
		}
		return "Complaint " + c.Reference + " reopened by the complainant", err
	})
}

// Referral bodies.
const (
	EACC      = "eacc"      // the Ethics and Anti-Corruption Commission: bribe reports
	Ombudsman = "ombudsman" // the Commission on Administrative Justice: maladministration
)

var bodyNames = map[string]string{
	EACC:      "the Ethics and Anti-Corruption Commission (EACC)",
	Ombudsman: "the Commission on Administrative Justice (Office of the Ombudsman)",
}

// Refer records that a complaint was referred to EACC (a bribe report) or to the Ombudsman
// (maladministration), with the body's own reference; it is shown on the timeline. The complaint
// stays to be answered: the complainant is still told what was done.
func (s *Store) Refer(ctx context.Context, actor audit.Actor, id int64, body, theirRef, note string) (Complaint, error) {
	theirRef, note = strings.TrimSpace(theirRef), strings.TrimSpace(note)
	return s.change(ctx, actor, id, "refer", func(tx *sql.Tx, c *Complaint, u *row, now time.Time) (string, error) {
		if err := needComplaint(c); err != nil {
			return "", err
		}
		f := map[string]string{}
		switch body {
		case EACC:
			if !c.Integrity() {
				f["body"] = "Only a report of a request for a bribe goes to EACC."
			} else if c.ReferredEACCAt != nil {
				return "", apperr.New(apperr.Conflict, "This report has been referred to EACC already.")
			}
		case Ombudsman:
			if c.Integrity() {
				f["body"] = "A report of a request for a bribe goes to EACC."
			} else if c.ReferredOmbudsmanAt != nil {
				return "", apperr.New(apperr.Conflict, "This complaint has been referred to the Ombudsman already.")
			}
		default:
			f["body"] = "Choose where it was referred."
		}
		if theirRef == "" {
			f["their_reference"] = "Give the reference they gave it."
		} else if len(theirRef) > 100 {
			f["their_reference"] = "This is too long."
		}
		if len(f) > 0 {
			return "", apperr.InvalidFields(f)
		}
		if body == EACC {
			u.set("referred_eacc_at", now)
			u.set("eacc_reference", theirRef)
		} else {
			u.set("referred_ombudsman_at", now)
			u.set("ombudsman_reference", theirRef)
		}
		text := fmt.Sprintf("Referred to %s, their reference %s.", bodyNames[body], theirRef)
		if _, err := addEvent(ctx, tx, c.ID, now, actor, "referred", true, text, map[string]string{"body": body, "reference": theirRef}); err != nil {
			return "", err
		}
		if note != "" {
			if _, err := addEvent(ctx, tx, c.ID, now, actor, "note", false, note, nil); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("Complaint %s referred to %s (%s)", c.Reference, strings.ToUpper(body), theirRef), nil
	})
}
