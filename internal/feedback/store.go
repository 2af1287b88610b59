// Package feedback records how citizens rate the service — a press on the smiley tablet at a
// counter, the link sent when a request is resolved, and (later) SMS and USSD — in one model, joined
// to the visit, officer, service and agency it is about; and, next, the measures, alerts,
// integrity signals and complaints built on them.
package feedback

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/secret"
)

// Scores: the four smileys.
const (
	VeryUnhappy = 1
	Unhappy     = 2
	Happy       = 3
	VeryHappy   = 4
)

// Reasons are the chips a citizen may add to a press.
var Reasons = []string{"waiting_time", "staff_attitude", "information", "outcome", "facilities", "other"}

// Config tunes how presses are judged.
type Config struct {
	// VisitWindow is how long after a visit ends a press on its counter's tablet is joined to it (5 minutes).
	VisitWindow time.Duration
	// Burst is how many presses within BurstWindow make the later ones a burst (3 in 20 seconds).
	Burst       int
	BurstWindow time.Duration
	// PublicURL is where staff reach Huduma, for the link in an alert's SMS and e-mail.
	PublicURL string
}

func (c *Config) defaults() {
	if c.VisitWindow <= 0 {
		c.VisitWindow = 5 * time.Minute
	}
	if c.Burst <= 0 {
		c.Burst = 3
	}
	if c.BurstWindow <= 0 {
		c.BurstWindow = 20 * time.Second
	}
}

// Store keeps ratings.
type Store struct {
	db  db.Handle
	now func() time.Time
	cfg Config
	// dirty carries the centres with new ratings to the watcher (Watch): fold, then evaluate.
	dirty chan int64
}

// NewStore returns a Store.
func NewStore(d db.Handle, now func() time.Time, cfg Config) *Store {
	if now == nil {
		now = time.Now
	}
	cfg.defaults()
	return &Store{db: d, now: now, cfg: cfg, dirty: make(chan int64, 1024)}
}

// Device is a counter's feedback tablet.
type Device struct {
	ID        int64
	CentreID  int64
	CounterID int64
	Label     string
}

// AddDevice binds a new tablet to a counter and returns its secret (shown once: it goes in the
// tablet's address).
func (s *Store) AddDevice(ctx context.Context, actor audit.Actor, counterID int64, label string) (Device, string, error) {
	key, hash := secret.New(15)
	now := s.now().UTC()
	d := Device{CounterID: counterID, Label: strings.TrimSpace(label)}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT centre_id FROM counters WHERE id = $1`, counterID).Scan(&d.CentreID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "No such counter.")
			}
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO feedback_devices (centre_id, counter_id, label, key_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, d.CentreID, counterID, d.Label, hash, now).Scan(&d.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "create", "feedback_device", itoa(d.ID), "Feedback tablet bound to a counter",
			nil, d, 0, d.CentreID)
	})
	return d, key, err
}

// DeviceByKey finds an active tablet by its id and secret; a wrong secret and a missing or
// revoked tablet get the same answer.
func (s *Store) DeviceByKey(ctx context.Context, id int64, key string) (Device, error) {
	var d Device
	var hash string
	var revoked sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, centre_id, counter_id, label, key_hash, revoked_at FROM feedback_devices WHERE id = $1`, id).
		Scan(&d.ID, &d.CentreID, &d.CounterID, &d.Label, &hash, &revoked)
	if err != nil || revoked.Valid || !secret.Matches(hash, key) {
		return Device{}, apperr.New(apperr.NotFound, "No such feedback tablet.")
	}
	return d, nil
}

// Press is a citizen's press on a counter's tablet.
type Press struct {
	Score   int
	Reason  string
	Comment string
}

// check validates a press (trimming its text) and names each field that is wrong.
func (p *Press) check() error {
	f := map[string]string{}
	if p.Score < VeryUnhappy || p.Score > VeryHappy {
		f["score"] = "Choose one of the four faces."
	}
	p.Reason, p.Comment = strings.TrimSpace(p.Reason), strings.TrimSpace(p.Comment)
	if p.Reason != "" && !slices.Contains(Reasons, p.Reason) {
		f["reason"] = "Choose a reason from the list."
	}
	if len(p.Comment) > 500 {
		f["comment"] = "This is too long."
	}
	if len(f) > 0 {
		return apperr.InvalidFields(f)
	}
	return nil
}

// Rating is a recorded rating.
type Rating struct {
	ID             int64
	Source         string
	Score          int
	Reason         string
	Comment        string
	CentreID       int64
	CounterID      int64
	OfficerID      int64
	ServiceID      int64
	AgencyID       int64
	TicketID       int64
	RequestID      int64
	WaitSeconds    int
	ServiceSeconds int
	Suspect        string // "" counted; no_visit or burst counted apart
	At             time.Time
}

// Press records a press on a tablet. It joins the visit finished at the tablet's counter within
// the last VisitWindow that has no rating yet — without the officer's screen showing anything —
// and takes its officer, service, agency, waiting and service time. A press that finds no such
// visit (nobody was served, or the visit is already rated) is kept as no_visit; a press that
// follows Burst others within BurstWindow is kept as a burst. Both are counted apart.
func (s *Store) Press(ctx context.Context, device Device, p Press) (Rating, error) {
	if err := p.check(); err != nil {
		return Rating{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	r := Rating{Source: "device", Score: p.Score, Reason: p.Reason, Comment: p.Comment, CentreID: device.CentreID,
		CounterID: device.CounterID, At: now}
	if s.db.Kind() == db.Postgres {
		err := s.pressInOneStatement(ctx, device, &r)
		if err == nil {
			s.touch(r.CentreID)
		}
		return r, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE device_id = $1 AND at > $2`,
			device.ID, now.Add(-s.cfg.BurstWindow)).Scan(&recent); err != nil {
			return err
		}
		if recent >= s.cfg.Burst {
			r.Suspect = "burst"
		} else {
			var served, done sql.NullTime
			var queued time.Time
			var officer sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT t.id, t.officer_id, t.service_id, s.agency_id, t.queued_at, t.called_at, t.done_at
				FROM tickets t JOIN services s ON s.id = t.service_id
				WHERE t.counter_id = $1 AND t.status = 'done' AND t.done_at >= $2
				AND NOT EXISTS (SELECT 1 FROM ratings x WHERE x.ticket_id = t.id)
				ORDER BY t.done_at DESC LIMIT 1`, device.CounterID, now.Add(-s.cfg.VisitWindow)).
				Scan(&r.TicketID, &officer, &r.ServiceID, &r.AgencyID, &queued, &served, &done)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				r.Suspect = "no_visit"
			case err != nil:
				return err
			default:
				r.OfficerID = officer.Int64
				if served.Valid {
					r.WaitSeconds = int(served.Time.Sub(queued).Seconds())
					if done.Valid {
						r.ServiceSeconds = int(done.Time.Sub(served.Time).Seconds())
					}
				}
			}
		}
		err := insertRating(ctx, tx, device.ID, &r)
		if errors.Is(err, sql.ErrNoRows) { // a press at the same moment rated the visit first
			r.TicketID, r.OfficerID, r.ServiceID, r.AgencyID, r.WaitSeconds, r.ServiceSeconds, r.Suspect = 0, 0, 0, 0, 0, 0, "no_visit"
			err = insertRating(ctx, tx, device.ID, &r)
		}
		if err != nil {
			return err
		}
		return addRollups(ctx, tx, r)
	})
	if err == nil {
		s.touch(r.CentreID)
	}
	return r, err
}

// insertRating stores r; sql.ErrNoRows when its visit has a rating already.
func insertRating(ctx context.Context, tx *sql.Tx, deviceID int64, r *Rating) error {
	return tx.QueryRowContext(ctx, `INSERT INTO ratings (source, score, reason, comment, centre_id, counter_id, device_id, officer_id,
		service_id, agency_id, ticket_id, wait_seconds, service_seconds, suspect, at)
		VALUES ('device', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (ticket_id) DO NOTHING RETURNING id`,
		r.Score, r.Reason, r.Comment, r.CentreID, r.CounterID, deviceID, nullID(r.OfficerID), nullID(r.ServiceID), nullID(r.AgencyID),
		nullID(r.TicketID), nullInt(r.TicketID, r.WaitSeconds), nullInt(r.TicketID, r.ServiceSeconds), r.Suspect, r.At).Scan(&r.ID)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullInt is v when there is a visit, else NULL.
func nullInt(visit int64, v int) any {
	if visit == 0 {
		return nil
	}
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Rate records a rating given on another channel (the API, a link, SMS, USSD) for a visit — a
// ticket id — or for a service request. A visit or a request is rated once: a second rating is
// refused (conflict) and nothing is written.
func (s *Store) Rate(ctx context.Context, source string, ticketID, requestID int64, p Press) (Rating, error) {
	if !slices.Contains([]string{"api", "link", "web", "sms", "ussd"}, source) {
		return Rating{}, apperr.New(apperr.Invalid, "Choose how the rating was given.")
	}
	if (ticketID == 0) == (requestID == 0) {
		return Rating{}, apperr.InvalidFields(map[string]string{"visit": "Give a ticket or a request reference, one of them."})
	}
	if err := p.check(); err != nil {
		return Rating{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	r := Rating{Source: source, Score: p.Score, Reason: p.Reason, Comment: p.Comment, TicketID: ticketID, RequestID: requestID, At: now}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if ticketID != 0 {
			var status string
			var counter, officer sql.NullInt64
			var served, done sql.NullTime
			var queued time.Time
			err := tx.QueryRowContext(ctx, `SELECT t.status, t.centre_id, t.counter_id, t.officer_id, t.service_id, s.agency_id, t.queued_at,
				t.called_at, t.done_at FROM tickets t JOIN services s ON s.id = t.service_id WHERE t.id = $1`, ticketID).
				Scan(&status, &r.CentreID, &counter, &officer, &r.ServiceID, &r.AgencyID, &queued, &served, &done)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "No such ticket.")
			} else if err != nil {
				return err
			}
			if status != "done" {
				return apperr.New(apperr.Conflict, "This visit is not finished yet: rate it when it is.")
			}
			r.CounterID, r.OfficerID = counter.Int64, officer.Int64
			if served.Valid && done.Valid {
				r.WaitSeconds, r.ServiceSeconds = int(served.Time.Sub(queued).Seconds()), int(done.Time.Sub(served.Time).Seconds())
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE ticket_id = $1`, ticketID).Scan(&n); err != nil {
				return err
			}
		} else {
			// On PostgreSQL the row lock makes two ratings of one request at once go one after the
			// other, the second seeing the first; SQLite's write transactions are serial already.
			lock := s.db.Kind().Lock("FOR UPDATE")
			var status string
			var assignee sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT status, centre_id, service_id, agency_id, assignee_id FROM requests WHERE id = $1`+lock, requestID).
				Scan(&status, &r.CentreID, &r.ServiceID, &r.AgencyID, &assignee)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "No request with that reference.")
			} else if err != nil {
				return err
			}
			if requests.Status(status).Open() {
				return apperr.New(apperr.Invalid, "You can rate the service once the request is resolved.")
			}
			r.OfficerID = assignee.Int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE request_id = $1`, requestID).Scan(&n); err != nil {
				return err
			}
			if n == 0 { // the request's history says it was rated, in this transaction: with the rating or not at all
				if err := requests.RecordRated(ctx, tx, requestID, now, source, r.Score, r.Comment); err != nil {
					return err
				}
			}
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "This has been rated already: thank you.")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ratings (source, score, reason, comment, centre_id, counter_id, officer_id, service_id,
			agency_id, ticket_id, request_id, wait_seconds, service_seconds, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			source, r.Score, r.Reason, r.Comment, nullID(r.CentreID), nullID(r.CounterID), nullID(r.OfficerID), nullID(r.ServiceID),
			nullID(r.AgencyID), nullID(ticketID), nullID(requestID), nullInt(ticketID, r.WaitSeconds), nullInt(ticketID, r.ServiceSeconds), now).Scan(&r.ID); err != nil {
			return err
		}
		return addRollups(ctx, tx, r)
	})
	if err == nil {
		s.touch(r.CentreID)
	}
	return r, err
}

// AddReason adds the optional reason and comment a citizen gives right after a press, to that
// press: only from the tablet that made it, and only within two minutes.
func (s *Store) AddReason(ctx context.Context, device Device, ratingID int64, reason, comment string) error {
	extra := Press{Score: Happy, Reason: reason, Comment: comment} // the score is the press's, already checked
	if err := extra.check(); err != nil {
		return err
	}
	reason, comment = extra.Reason, extra.Comment
	res, err := s.db.ExecContext(ctx, `UPDATE ratings SET reason = $1, comment = $2 WHERE id = $3 AND device_id = $4 AND at > $5`,
		reason, comment, ratingID, device.ID, s.now().UTC().Add(-2*time.Minute))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "That press is too old to add a reason to.")
	}
	return nil
}

// Devices lists a centre's tablets, by counter.
func (s *Store) Devices(ctx context.Context, centreID int64) ([]Device, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, centre_id, counter_id, label FROM feedback_devices
		WHERE centre_id = $1 AND revoked_at IS NULL ORDER BY counter_id, id`, centreID)
	return db.Collect(rows, err, func(r db.Scanner) (Device, error) {
		var d Device
		return d, r.Scan(&d.ID, &d.CentreID, &d.CounterID, &d.Label)
	})
}
