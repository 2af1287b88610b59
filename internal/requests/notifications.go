package requests

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/notify"
)

// tellCitizen queues an SMS (and an e-mail when the citizen gave one) in the caller's transaction.
// key makes it idempotent: the same event never messages twice.
func (s *Store) tellCitizen(ctx context.Context, tx *sql.Tx, r Request, key, text string) error {
	for _, m := range citizenMessages(r, key, text) {
		if err := notify.Enqueue(ctx, tx, s.now(), m); err != nil {
			return err
		}
	}
	return nil
}

// citizenMessages are the messages tellCitizen queues.
func citizenMessages(r Request, key, text string) []notify.Message {
	var out []notify.Message
	if r.Citizen.Phone != "" {
		out = append(out, notify.Message{Channel: "sms", To: r.Citizen.Phone, Body: text,
			DedupeKey: fmt.Sprintf("req:%d:%s:sms", r.ID, key), RequestID: r.ID})
	}
	if r.Citizen.Email != "" {
		out = append(out, notify.Message{Channel: "email", To: r.Citizen.Email, Subject: "Huduma request " + r.Reference, Body: text,
			DedupeKey: fmt.Sprintf("req:%d:%s:email", r.ID, key), RequestID: r.ID})
	}
	return out
}

// tellStaff e-mails the staff accounts chosen by cond (an SQL condition on users u), e.g. the
// centre's managers. Staff without an e-mail address see it in their inbox only.
func (s *Store) tellStaff(ctx context.Context, tx *sql.Tx, r Request, key, subject, text, cond string, args ...any) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.email FROM users u WHERE u.active = TRUE AND `+cond, args...)
	if err != nil {
		return 0, err
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
			return 0, err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, t := range list {
		if strings.TrimSpace(t.email) == "" {
			continue
		}
		if err := notify.Enqueue(ctx, tx, s.now(), notify.Message{Channel: "email", To: t.email, Subject: subject, Body: text,
			DedupeKey: fmt.Sprintf("req:%d:%s:user:%d", r.ID, key, t.id), RequestID: r.ID}); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

var statusWords = map[Status]string{
	New: "received", Acknowledged: "acknowledged", InProgress: "being worked on", Waiting: "waiting",
	Resolved: "resolved", Closed: "closed", Reopened: "reopened",
}

func (s *Store) statusText(r Request, next Status, message string) string {
	text := fmt.Sprintf("Huduma: your request %s (%s) is now %s.", r.Reference, r.ServiceName, statusWords[next])
	if next == Waiting && r.WaitingOn == "citizen" {
		text += " We need something from you."
	}
	if message != "" {
		text += " " + message
	}
	if next == Resolved {
		text += " Please rate the service: " + s.cfg.PublicURL + "/rate/" + r.Reference
	} else {
		text += " Track: " + s.TrackingURL(r.Reference, "")
	}
	return text
}

func fmtTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "-"
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04")
}
