package notify

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// Channels a message can go by.
const (
	SMS   = "sms"
	Email = "email"
)

// Statuses of an outbox row.
const (
	StatusPending       = "pending"       // waiting for its first try or for a retry
	StatusSending       = "sending"       // claimed by a worker, under a lease
	StatusSent          = "sent"          // the provider accepted it
	StatusFailed        = "failed"        // refused for good, or out of attempts
	StatusDelivered     = "delivered"     // the network reported it delivered to the handset
	StatusUndeliverable = "undeliverable" // the network reported it could not be delivered
)

// Statuses lists every status, in lifecycle order (Stats reports each, zero or not).
var Statuses = []string{StatusPending, StatusSending, StatusSent, StatusFailed, StatusDelivered, StatusUndeliverable}

// MaxSMSLength is the longest SMS body accepted: six concatenated parts of 153 GSM characters.
const MaxSMSLength = 918

// Message is one outbound message.
type Message struct {
	Channel string // SMS or Email
	To      string // a Kenyan mobile number (normalised to +254XXXXXXXXX) or an email address
	Subject string // email only
	Body    string
	// DedupeKey names the event the message is for, e.g. "request:42:acknowledged:sms"; a second
	// Enqueue with the same key adds nothing. Empty: no deduplication.
	DedupeKey string
	RequestID int64 // the service request the message is about; 0 for none
}

// Outgoing is a message as the worker hands it to a provider: the message and its outbox id.
type Outgoing struct {
	Message
	ID int64
}

// Enqueue adds m to the outbox inside the caller's transaction, so the message is sent if and only
// if the caller's change commits; nothing is sent while the transaction is open. The recipient is
// validated and normalised (see NormalisePhone). A message whose DedupeKey is already in the outbox
// is not an error: Enqueue returns nil and adds nothing.
func Enqueue(ctx context.Context, tx *sql.Tx, now time.Time, m Message) error {
	st, err := EnqueueStmt(now, m)
	if err != nil {
		return err
	}
	if err := st.Exec(ctx, tx); err != nil {
		return fmt.Errorf("enqueue %s message: %w", m.Channel, err)
	}
	return nil
}

// EnqueueStmt checks m and returns the statement Enqueue runs, for a caller that sends it with
// others (db.WriteNew).
func EnqueueStmt(now time.Time, m Message) (db.Stmt, error) {
	m, err := validate(m)
	if err != nil {
		return db.Stmt{}, err
	}
	now = dbTime(now)
	// ON CONFLICT DO NOTHING (both engines) rather than catching the unique violation: on
	// PostgreSQL a failed statement would abort the caller's whole transaction.
	return db.Stmt{SQL: `INSERT INTO outbox (channel, recipient, subject, body, status, attempts,
			next_attempt_at, dedupe_key, request_id, created_at)
		VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $5)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		Args: []any{m.Channel, m.To, m.Subject, m.Body, now, nullString(m.DedupeKey), nullID(m.RequestID)}}, nil
}

// validate checks m and returns it normalised.
func validate(m Message) (Message, error) {
	m.Channel = strings.ToLower(strings.TrimSpace(m.Channel))
	m.DedupeKey = strings.TrimSpace(m.DedupeKey)
	// A subject is one header line: no line breaks, whatever the caller passed.
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	if strings.TrimSpace(m.Body) == "" {
		return m, &apperr.Error{Code: apperr.Invalid, Message: "The message has no text.",
			Fields: map[string]string{"body": "The message has no text."}}
	}
	switch m.Channel {
	case SMS:
		to, err := NormalisePhone(m.To)
		if err != nil {
			return m, err
		}
		m.To = to
		m.Subject = ""
		if n := utf8.RuneCountInString(m.Body); n > MaxSMSLength {
			return m, &apperr.Error{Code: apperr.Invalid, Message: "An SMS can have at most %d characters; this one has %d.",
				Args: []any{MaxSMSLength, n}}
		}
	case Email:
		addr, err := mail.ParseAddress(strings.TrimSpace(m.To))
		if err != nil || !strings.Contains(addr.Address, "@") {
			return m, &apperr.Error{Code: apperr.Invalid, Message: "Enter a valid email address, such as name@example.com.",
				Fields: map[string]string{"email": "Enter a valid email address, such as name@example.com."}, Err: err}
		}
		m.To = addr.Address
	default:
		return m, apperr.New(apperr.Invalid, "Messages go by SMS or email, not %q.", m.Channel)
	}
	return m, nil
}

// NormalisePhone turns a Kenyan mobile number as people write it — 0712 345 678, 0112-345-678,
// 254712345678, +254 712 345 678, +254 (0)712 345678, 00254712345678, 712345678 — into E.164,
// +254XXXXXXXXX. Only mobile numbers (the 7xx and 1xx ranges) are accepted: landlines cannot
// receive an SMS.
func NormalisePhone(s string) (string, error) {
	invalid := &apperr.Error{Code: apperr.Invalid, Message: "Enter a Kenyan mobile number, such as 0712 345 678.",
		Fields: map[string]string{"phone": "Enter a Kenyan mobile number, such as 0712 345 678."}}
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	s = strings.TrimPrefix(s, "+")
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", invalid
		}
	}
	d := digits.String()
	switch {
	case plus:
		if !strings.HasPrefix(d, "254") {
			return "", invalid
		}
		d = d[3:]
	case strings.HasPrefix(d, "00254"):
		d = d[5:]
	case strings.HasPrefix(d, "254") && len(d) >= 12:
		d = d[3:]
	}
	// A national number: 0712345678, or 712345678; "+254 (0)712..." leaves the 0 as well.
	if len(d) == 10 && d[0] == '0' {
		d = d[1:]
	}
	if len(d) != 9 || (d[0] != '7' && d[0] != '1') {
		return "", invalid
	}
	return "+254" + d, nil
}

// dbTime is an instant as stored: UTC, to the microsecond (what PostgreSQL keeps), so that values
// compare and round-trip the same on both engines.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// Record is an outbox row, for admin screens and a request's history.
type Record struct {
	ID                int64
	Channel           string
	To                string
	Subject           string
	Body              string
	Status            string
	Attempts          int
	NextAttemptAt     time.Time
	Provider          string
	ProviderMessageID string
	LastError         string
	DedupeKey         string
	RequestID         int64
	CreatedAt         time.Time
	SentAt            time.Time // zero until sent
	DeliveredAt       time.Time // zero until a delivery report says delivered
}

const recordColumns = `id, channel, recipient, subject, body, status, attempts, next_attempt_at, provider,
	COALESCE(provider_message_id, ''), last_error, COALESCE(dedupe_key, ''), COALESCE(request_id, 0),
	created_at, sent_at, delivered_at`

func scanRecord(s db.Scanner) (Record, error) {
	var r Record
	var sent, delivered sql.NullTime
	if err := s.Scan(&r.ID, &r.Channel, &r.To, &r.Subject, &r.Body, &r.Status, &r.Attempts, &r.NextAttemptAt,
		&r.Provider, &r.ProviderMessageID, &r.LastError, &r.DedupeKey, &r.RequestID, &r.CreatedAt, &sent, &delivered); err != nil {
		return r, err
	}
	r.NextAttemptAt, r.CreatedAt = r.NextAttemptAt.UTC(), r.CreatedAt.UTC()
	if sent.Valid {
		r.SentAt = sent.Time.UTC()
	}
	if delivered.Valid {
		r.DeliveredAt = delivered.Time.UTC()
	}
	return r, nil
}

// Get returns one outbox row.
func Get(ctx context.Context, q db.Querier, id int64) (Record, error) {
	r, err := scanRecord(q.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM outbox WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return r, apperr.New(apperr.NotFound, "No such message.")
	}
	if err != nil {
		return r, fmt.Errorf("read message %d: %w", id, err)
	}
	return r, nil
}

// ForRequest lists the messages about a service request, oldest first.
func ForRequest(ctx context.Context, q db.Querier, requestID int64) ([]Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+recordColumns+` FROM outbox WHERE request_id = $1 ORDER BY id`, requestID)
	list, err := db.Collect(rows, err, scanRecord)
	if err != nil {
		return nil, fmt.Errorf("list messages of request %d: %w", requestID, err)
	}
	return list, nil
}
