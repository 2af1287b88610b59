package complaints

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// addEvent appends to a complaint's history.
func addEvent(ctx context.Context, tx *sql.Tx, id int64, at time.Time, actor audit.Actor, kind string, public bool, body string, data map[string]string) (int64, error) {
	if data == nil {
		data = map[string]string{}
	}
	b, _ := json.Marshal(data)
	name := actor.Name
	if name == "" {
		name = "system"
	}
	var eventID int64
	err := tx.QueryRowContext(ctx, `INSERT INTO complaint_events (complaint_id, at, actor_id, actor_name, kind, public, body, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, id, at.UTC(), nullID(actor.ID), name, kind, public, body, string(b)).Scan(&eventID)
	return eventID, err
}

// tellComplainant queues an SMS and an e-mail (for the contact details there are) in the caller's
// transaction; key names the event, so one event never messages twice.
func (s *Store) tellComplainant(ctx context.Context, tx *sql.Tx, c Complaint, key, text string) error {
	if c.Contact.Phone != "" {
		if err := notify.Enqueue(ctx, tx, s.now(), notify.Message{Channel: notify.SMS, To: c.Contact.Phone, Body: text,
			DedupeKey: fmt.Sprintf("complaint:%d:%s:sms", c.ID, key)}); err != nil {
			return err
		}
	}
	if c.Contact.Email != "" {
		if err := notify.Enqueue(ctx, tx, s.now(), notify.Message{Channel: notify.Email, To: c.Contact.Email, Subject: "Huduma " + c.Kind + " " + c.Reference,
			Body: text, DedupeKey: fmt.Sprintf("complaint:%d:%s:email", c.ID, key)}); err != nil {
			return err
		}
	}
	return nil
}

// acknowledge tells the complainant the reference, the deadline and the tracking link.
func (s *Store) acknowledge(ctx context.Context, tx *sql.Tx, c Complaint, key string, cal *worktime.Calendar) error {
	if c.Kind == KindCompliment {
		return s.tellComplainant(ctx, tx, c, "created", fmt.Sprintf("Huduma: thank you for your compliment %s. We have passed it on.", c.Reference))
	}
	due := ""
	if c.DueAt != nil && cal != nil {
		due = " We will answer by " + c.DueAt.In(cal.Location()).Format("Mon 2 Jan 15:04") + "."
	}
	return s.tellComplainant(ctx, tx, c, "created", fmt.Sprintf("Huduma: we received your complaint %s about %s.%s Follow it: %s",
		c.Reference, c.CentreName, due, s.TrackingURL(c.Reference, key)))
}

// ownerCond is the SQL condition (on users u) choosing a complaint's owners: the integrity
// officers for a bribe report, else the centre's managers.
func ownerCond(c Complaint) (string, []any) {
	if c.Integrity() {
		return "u.integrity_officer = TRUE", nil
	}
	return "u.role = 'centre_manager' AND u.centre_id = $1", []any{c.CentreID}
}

// tellOwnerNew tells the owners of a new complaint (not of a compliment: nobody needs to act).
func (s *Store) tellOwnerNew(ctx context.Context, tx *sql.Tx, c Complaint) error {
	if c.Kind != KindComplaint {
		return nil
	}
	cond, args := ownerCond(c)
	subject := "[Huduma] New complaint " + c.Reference
	text := fmt.Sprintf("A complaint (%s) about %s was lodged by %s.\n%s", categoryWords[c.Category], c.CentreName, channelWords[c.Channel], s.staffURL(c))
	if c.Integrity() { // no detail outside Huduma: the officer reads it signed in
		text = fmt.Sprintf("A report for the integrity officers was lodged.\n%s", s.staffURL(c))
	}
	return s.tellStaff(ctx, tx, c, "new", subject, text, cond, args...)
}

var categoryWords = map[string]string{
	Delay: "delay", StaffConduct: "staff conduct", Bribe: "request for a bribe", WrongInformation: "wrong information",
	Facilities: "facilities", Other: "other",
}

func (s *Store) staffURL(c Complaint) string {
	return s.cfg.PublicURL + "/staff/complaints/" + c.Reference
}

// tellStaff e-mails the active staff accounts chosen by cond (an SQL condition on users u).
// Staff without an e-mail address see it in their inbox only.
func (s *Store) tellStaff(ctx context.Context, tx *sql.Tx, c Complaint, key, subject, text, cond string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.email FROM users u WHERE u.active = TRUE AND `+cond, args...)
	if err != nil {
		return err
	}
	type to struct {
		id    int64
		email string
	}
	var list []to
	for rows.Next() {
		var t to
		if err := rows.Scan(&t.id, &t.email); err != nil {
			rows.Close()
			return err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range list {
		if strings.TrimSpace(t.email) == "" {
			continue
		}
		if err := notify.Enqueue(ctx, tx, s.now(), notify.Message{Channel: notify.Email, To: t.email, Subject: subject, Body: text,
			DedupeKey: fmt.Sprintf("complaint:%d:%s:user:%d", c.ID, key, t.id)}); err != nil {
			return err
		}
	}
	return nil
}
