package queue

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
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/requests"
)

// Counters lists a centre's counters, making the ones its record says it has (counters 1…N).
func (s *Store) Counters(ctx context.Context, centreID int64) ([]Counter, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return nil, err
	}
	centre, ok := dir.CentreByID(centreID)
	if !ok {
		return nil, apperr.New(apperr.NotFound, "No centre with code %q.", fmt.Sprint(centreID))
	}
	list, err := s.counters(ctx, s.db, centreID)
	if err != nil || len(list) >= centre.Counters {
		return list, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		for n := 1; n <= centre.Counters; n++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO counters (centre_id, number) VALUES ($1, $2) ON CONFLICT (centre_id, number) DO NOTHING`,
				centreID, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.counters(ctx, s.db, centreID)
}

func (s *Store) counters(ctx context.Context, q db.Querier, centreID int64) ([]Counter, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, centre_id, number, label FROM counters WHERE centre_id = $1 ORDER BY number`, centreID)
	return db.Collect(rows, err, func(r db.Scanner) (Counter, error) {
		var c Counter
		return c, r.Scan(&c.ID, &c.CentreID, &c.Number, &c.Label)
	})
}

// CounterByID finds a counter.
func (s *Store) CounterByID(ctx context.Context, id int64) (Counter, error) {
	var c Counter
	err := s.db.QueryRowContext(ctx, `SELECT id, centre_id, number, label FROM counters WHERE id = $1`, id).Scan(&c.ID, &c.CentreID, &c.Number, &c.Label)
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "No such counter.")
	}
	return c, err
}

// Officer is who acts at a counter.
type Officer struct {
	ID       int64
	Name     string
	CentreID int64 // 0: any centre (national admin)
	IP       string
}

func (o Officer) actor() audit.Actor { return audit.Actor{ID: o.ID, Name: o.Name, IP: o.IP} }

// SignIn puts an officer at a counter with the services they will take there. An officer is at
// one counter at a time (signing in elsewhere signs them out here), and a counter has one officer.
func (s *Store) SignIn(ctx context.Context, o Officer, counterID int64, serviceIDs []int64) (Session, error) {
	c, err := s.CounterByID(ctx, counterID)
	if err != nil {
		return Session{}, err
	}
	if o.CentreID != 0 && o.CentreID != c.CentreID {
		return Session{}, apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return Session{}, err
	}
	slices.Sort(serviceIDs)
	serviceIDs = slices.Compact(serviceIDs)
	if len(serviceIDs) == 0 {
		return Session{}, apperr.InvalidFields(map[string]string{"services": "Choose the services you will take at this counter."})
	}
	for _, id := range serviceIDs {
		if !dir.Offers(c.CentreID, id) {
			return Session{}, apperr.InvalidFields(map[string]string{"services": "Choose services this centre offers."})
		}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var out Session
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT u.name FROM counter_sessions cs JOIN users u ON u.id = cs.user_id
			WHERE cs.counter_id = $1 AND cs.ended_at IS NULL AND cs.user_id <> $2`, counterID, o.ID).Scan(&other)
		if err == nil {
			return apperr.New(apperr.Conflict, "Counter %d is in use by %s.", c.Number, other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var busy string
		if err := tx.QueryRowContext(ctx, `SELECT t.number FROM counter_sessions cs JOIN tickets t ON t.counter_id = cs.counter_id
			AND t.status IN ('called', 'serving') WHERE cs.user_id = $1 AND cs.ended_at IS NULL AND cs.counter_id <> $2 LIMIT 1`,
			o.ID, counterID).Scan(&busy); err == nil {
			return apperr.New(apperr.Conflict, "Finish ticket %s at your other counter first.", busy)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE counter_sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL`, now, o.ID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO counter_sessions (counter_id, user_id, services, started_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			counterID, o.ID, servicesJSON(serviceIDs), now).Scan(&out.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, o.actor(), "sign_in", "counter", fmt.Sprint(counterID),
			fmt.Sprintf("Signed in at counter %d", c.Number), nil, map[string]any{"services": serviceIDs}, 0, c.CentreID)
	})
	if err != nil {
		return Session{}, err
	}
	return s.SessionAt(ctx, counterID)
}

// SignOut ends the officer's session; a ticket still called or served there must be finished first.
func (s *Store) SignOut(ctx context.Context, o Officer) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var counterID, centreID int64
		err := tx.QueryRowContext(ctx, `SELECT cs.counter_id, k.centre_id FROM counter_sessions cs JOIN counters k ON k.id = cs.counter_id
			WHERE cs.user_id = $1 AND cs.ended_at IS NULL`, o.ID).Scan(&counterID, &centreID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "You are not signed in at a counter.")
		} else if err != nil {
			return err
		}
		var busy string
		if err := tx.QueryRowContext(ctx, `SELECT number FROM tickets WHERE counter_id = $1 AND status IN ('called', 'serving') LIMIT 1`,
			counterID).Scan(&busy); err == nil {
			return apperr.New(apperr.Conflict, "Finish ticket %s first (complete, transfer, park or mark no-show).", busy)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE counter_sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL`, now, o.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, o.actor(), "sign_out", "counter", fmt.Sprint(counterID), "Signed out", nil, nil, 0, centreID)
	})
}

const sessionColumns = `cs.id, cs.counter_id, k.number, k.centre_id, cs.user_id, u.name, cs.services, cs.started_at, cs.ended_at,
	COALESCE((SELECT t.id FROM tickets t WHERE t.counter_id = cs.counter_id AND t.status IN ('called', 'serving') ORDER BY t.id DESC LIMIT 1), 0),
	COALESCE((SELECT t.number FROM tickets t WHERE t.counter_id = cs.counter_id AND t.status IN ('called', 'serving') ORDER BY t.id DESC LIMIT 1), '')`

const sessionFrom = ` FROM counter_sessions cs JOIN counters k ON k.id = cs.counter_id JOIN users u ON u.id = cs.user_id`

func scanSession(r db.Scanner) (Session, error) {
	var ss Session
	var services string
	var ended sql.NullTime
	err := r.Scan(&ss.ID, &ss.CounterID, &ss.Counter, &ss.CentreID, &ss.UserID, &ss.UserName, &services, &ss.StartedAt, &ended,
		&ss.CurrentID, &ss.CurrentNum)
	ss.Services, ss.EndedAt, ss.StartedAt = parseServices(services), timePtr(ended), ss.StartedAt.UTC()
	return ss, err
}

// SessionAt is the open session at a counter.
func (s *Store) SessionAt(ctx context.Context, counterID int64) (Session, error) {
	ss, err := scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionColumns+sessionFrom+` WHERE cs.counter_id = $1 AND cs.ended_at IS NULL`, counterID))
	if errors.Is(err, sql.ErrNoRows) {
		return ss, apperr.New(apperr.Invalid, "Nobody is signed in at this counter.")
	}
	return ss, err
}

// SessionOf is an officer's open session.
func (s *Store) SessionOf(ctx context.Context, userID int64) (Session, error) {
	ss, err := scanSession(s.db.QueryRowContext(ctx, `SELECT `+sessionColumns+sessionFrom+` WHERE cs.user_id = $1 AND cs.ended_at IS NULL`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return ss, apperr.New(apperr.Invalid, "You are not signed in at a counter.")
	}
	return ss, err
}

// Sessions lists the open sessions at a centre, by counter.
func (s *Store) Sessions(ctx context.Context, centreID int64) ([]Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sessionColumns+sessionFrom+` WHERE k.centre_id = $1 AND cs.ended_at IS NULL ORDER BY k.number`, centreID)
	return db.Collect(rows, err, scanSession)
}

// atCounter runs fn in a transaction for the officer signed in at counterID, with the session.
func (s *Store) atCounter(ctx context.Context, o Officer, counterID int64, fn func(tx *sql.Tx, ss Session, now time.Time) error) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		ss, err := scanSession(tx.QueryRowContext(ctx, `SELECT `+sessionColumns+sessionFrom+` WHERE cs.counter_id = $1 AND cs.ended_at IS NULL`, counterID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Invalid, "Nobody is signed in at this counter: sign in first.")
		} else if err != nil {
			return err
		}
		if ss.UserID != o.ID {
			return apperr.New(apperr.Forbidden, "Counter %d is signed in by %s.", ss.Counter, ss.UserName)
		}
		return fn(tx, ss, s.now().UTC().Truncate(time.Microsecond))
	})
}

// head is the next ticket of one service's line that a counter may call.
type head struct {
	id       int64
	rankAt   time.Time
	queuedAt time.Time
	priority string
}

// CallNext calls the next ticket to a counter: of the services in the officer's profile, the one
// with the earliest rank (its arrival, less the priority allowance for priority groups); but when
// the longest-waiting ticket has seen MaxOvertakes later arrivals called before it, that one.
func (s *Store) CallNext(ctx context.Context, o Officer, counterID int64) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		if ss.CurrentID != 0 {
			return apperr.New(apperr.Conflict, "Finish ticket %s first (complete, transfer, park or mark no-show).", ss.CurrentNum)
		}
		for attempt := 0; attempt < 5; attempt++ {
			heads, err := s.heads(ctx, tx, ss, "rank_at")
			if err != nil {
				return err
			}
			if len(heads) == 0 {
				return apperr.New(apperr.NotFound, "Nobody is waiting for the services at this counter.")
			}
			next := slices.MinFunc(heads, func(a, b head) int {
				if c := a.rankAt.Compare(b.rankAt); c != 0 {
					return c
				}
				return int(a.id - b.id)
			})
			// Ranked ahead of its own queueing (a priority group, an appointment, a transfer), it may be
			// overtaking: is someone waiting too long behind it?
			if next.priority != "" || next.rankAt.Before(next.queuedAt) {
				if oldest, ok, err := s.overtaken(ctx, tx, ss); err != nil {
					return err
				} else if ok {
					next = oldest
				}
			}
			res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'called', called_at = $1, counter_id = $2, officer_id = $3
				WHERE id = $4 AND status = 'waiting'`, now, counterID, o.ID, next.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // another counter called it a moment ago
			}
			if t, err = getTicket(ctx, tx, "t.id = $1", next.id); err != nil {
				return err
			}
			if err := addCall(ctx, tx, t, ss.Counter, "call", now); err != nil {
				return err
			}
			return s.tellNear(ctx, tx, t, now)
		}
		return apperr.New(apperr.Conflict, "Other counters are calling the same tickets; try again.")
	})
	if err == nil {
		s.called(t.CentreID)
	}
	return t, err
}

// heads reads the first waiting ticket of each service in the session's profile, in the order
// given (rank_at or queued_at): one short index read per service, however long the lines.
func (s *Store) heads(ctx context.Context, tx *sql.Tx, ss Session, order string) ([]head, error) {
	var parts []string
	args := []any{ss.CentreID, ss.CounterID}
	for _, id := range ss.Services {
		args = append(args, id)
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT id, rank_at, queued_at, priority FROM tickets WHERE centre_id = $1
			AND service_id = $%d AND status = 'waiting' AND (counter_only_id IS NULL OR counter_only_id = $2) ORDER BY %s, id LIMIT 1) h%d`,
			len(args), order, len(args)))
	}
	rows, err := tx.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	return db.Collect(rows, err, func(r db.Scanner) (head, error) {
		var h head
		err := r.Scan(&h.id, &h.rankAt, &h.queuedAt, &h.priority)
		h.rankAt, h.queuedAt = h.rankAt.UTC(), h.queuedAt.UTC()
		return h, err
	})
}

// overtaken finds the longest-waiting ticket this counter could call and reports whether
// MaxOvertakes tickets that joined after it have already been called.
func (s *Store) overtaken(ctx context.Context, tx *sql.Tx, ss Session) (head, bool, error) {
	firsts, err := s.heads(ctx, tx, ss, "queued_at")
	if err != nil || len(firsts) == 0 {
		return head{}, false, err
	}
	oldest := slices.MinFunc(firsts, func(a, b head) int {
		if c := a.queuedAt.Compare(b.queuedAt); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	args := []any{ss.CentreID, oldest.queuedAt}
	var in []string
	for _, id := range ss.Services {
		args = append(args, id)
		in = append(in, fmt.Sprintf("$%d", len(args)))
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE centre_id = $1 AND called_at >= $2 AND queued_at > $2
		AND service_id IN (`+strings.Join(in, ", ")+`)`, args...).Scan(&n); err != nil {
		return head{}, false, err
	}
	return oldest, n >= s.cfg.MaxOvertakes, nil
}

// tellNear sends "your turn is near" to the ticket now NearPosition-th in the called ticket's line.
func (s *Store) tellNear(ctx context.Context, tx *sql.Tx, called Ticket, now time.Time) error {
	if s.cfg.NearPosition <= 0 {
		return nil
	}
	var id int64
	var number, phone string
	var sent bool
	err := tx.QueryRowContext(ctx, `SELECT id, number, phone, near_sent FROM tickets WHERE centre_id = $1 AND service_id = $2
		AND status = 'waiting' ORDER BY rank_at, id LIMIT 1 OFFSET $3`, called.CentreID, called.ServiceID, s.cfg.NearPosition-1).
		Scan(&id, &number, &phone, &sent)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (phone == "" || sent)) {
		return nil
	} else if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET near_sent = TRUE WHERE id = $1`, id); err != nil {
		return err
	}
	return notify.Enqueue(ctx, tx, now, notify.Message{Channel: notify.SMS, To: phone,
		Body:      fmt.Sprintf("Huduma: ticket %s for %s, your turn is near. Please come back to the hall.", number, called.ServiceName),
		DedupeKey: fmt.Sprintf("ticket:%d:near", id)})
}

// addCall puts a call on the centre's board. The boards read calls in id order and resume after
// the last id they showed, so a centre's calls must commit in id order: two counters calling at
// once on PostgreSQL could otherwise commit ids 11 then 10, and a board that had read 11 would
// never show 10. Taking the centre's day row of queue_numbers first makes its calls take their
// ids, and commit, one after the other. (SQLite's single writer does this by itself.)
func addCall(ctx context.Context, tx *sql.Tx, t Ticket, counter int, kind string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO queue_numbers (centre_id, day, prefix, last) VALUES ($1, $2, '#calls', 1)
		ON CONFLICT (centre_id, day, prefix) DO UPDATE SET last = queue_numbers.last + 1`, t.CentreID, t.Day); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO queue_calls (centre_id, ticket_id, number, counter_number, kind, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, t.CentreID, t.ID, t.Number, counter, kind, now)
	return err
}

// current is the ticket called or being served at the session's counter.
func current(ctx context.Context, tx *sql.Tx, ss Session) (Ticket, error) {
	if ss.CurrentID == 0 {
		return Ticket{}, apperr.New(apperr.Conflict, "No ticket is at this counter: call the next one.")
	}
	return getTicket(ctx, tx, "t.id = $1", ss.CurrentID)
}

// Recall calls the counter's ticket again, on the board and aloud.
func (s *Store) Recall(ctx context.Context, o Officer, counterID int64) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		var err error
		if t, err = current(ctx, tx, ss); err != nil {
			return err
		}
		if t.Status != Called {
			return apperr.New(apperr.Conflict, "Ticket %s is already at the counter.", t.Number)
		}
		if t.Recalls >= s.cfg.MaxRecalls {
			return apperr.New(apperr.Conflict, "Ticket %s has been called %d times: mark it as a no-show.", t.Number, t.Recalls+1)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET recalls = recalls + 1 WHERE id = $1`, t.ID); err != nil {
			return err
		}
		t.Recalls++
		return addCall(ctx, tx, t, ss.Counter, "recall", now)
	})
	if err == nil {
		s.called(t.CentreID)
	}
	return t, err
}

// NoShow closes a called ticket whose holder never came (after at least one recall).
func (s *Store) NoShow(ctx context.Context, o Officer, counterID int64) (Ticket, error) {
	return s.finishCurrent(ctx, o, counterID, func(tx *sql.Tx, t Ticket, now time.Time) error {
		if t.Status != Called {
			return apperr.New(apperr.Conflict, "Ticket %s is at the counter: complete it instead.", t.Number)
		}
		if t.Recalls < 1 {
			return apperr.New(apperr.Conflict, "Call ticket %s again before marking it a no-show.", t.Number)
		}
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'no_show', outcome = 'no_show', done_at = $1 WHERE id = $2`, now, t.ID)
		return err
	})
}

// Start records that the called citizen has reached the counter.
func (s *Store) Start(ctx context.Context, o Officer, counterID int64) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		var err error
		if t, err = current(ctx, tx, ss); err != nil {
			return err
		}
		if t.Status != Called {
			return apperr.New(apperr.Conflict, "Ticket %s is already being served.", t.Number)
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET status = 'serving', served_at = $1 WHERE id = $2`, now, t.ID)
		t.Status, t.ServedAt = Serving, &now
		return err
	})
	return t, err
}

// Park sets the counter's ticket aside (the citizen fetches a document) so that the next can be called.
func (s *Store) Park(ctx context.Context, o Officer, counterID int64) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		var err error
		if t, err = current(ctx, tx, ss); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET status = 'parked', served_at = COALESCE(served_at, $1) WHERE id = $2`, now, t.ID)
		t.Status = Parked
		return err
	})
	return t, err
}

// ResumeParked brings a ticket parked at this counter back to it.
func (s *Store) ResumeParked(ctx context.Context, o Officer, counterID, ticketID int64) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		if ss.CurrentID != 0 {
			return apperr.New(apperr.Conflict, "Finish ticket %s first (complete, transfer, park or mark no-show).", ss.CurrentNum)
		}
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'serving' WHERE id = $1 AND counter_id = $2 AND status = 'parked'`, ticketID, counterID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "That ticket is not parked at this counter.")
		}
		t, err = getTicket(ctx, tx, "t.id = $1", ticketID)
		return err
	})
	return t, err
}

// Parked lists the tickets parked at a counter.
func (s *Store) Parked(ctx context.Context, counterID int64) ([]Ticket, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.counter_id = $1 AND t.status = 'parked' ORDER BY t.id`, counterID)
	return db.Collect(rows, err, scanTicket)
}

// finishCurrent ends the counter's current ticket with fn.
func (s *Store) finishCurrent(ctx context.Context, o Officer, counterID int64, fn func(tx *sql.Tx, t Ticket, now time.Time) error) (Ticket, error) {
	var t Ticket
	err := s.atCounter(ctx, o, counterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		var err error
		if t, err = current(ctx, tx, ss); err != nil {
			return err
		}
		if err := fn(tx, t, now); err != nil {
			return err
		}
		t, err = getTicket(ctx, tx, "t.id = $1", t.ID)
		return err
	})
	return t, err
}

// Transfer ends the counter's ticket here and queues the visit for another service (and, if
// toCounter is not 0, for that counter only), keeping its number and its arrival time: it is
// ranked as if it had queued for that service when it first arrived.
func (s *Store) Transfer(ctx context.Context, o Officer, counterID int64, toServiceCode string, toCounter int) (Ticket, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return Ticket{}, err
	}
	var next Ticket
	_, err = s.finishCurrent(ctx, o, counterID, func(tx *sql.Tx, t Ticket, now time.Time) error {
		sv, ok := dir.Service(toServiceCode)
		if !ok || !dir.Offers(t.CentreID, sv.ID) {
			return apperr.InvalidFields(map[string]string{"service": "Choose a service this centre offers."})
		}
		var only any
		if toCounter != 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM counters WHERE centre_id = $1 AND number = $2`, t.CentreID, toCounter).Scan(&id); err != nil {
				return apperr.InvalidFields(map[string]string{"counter": "No counter with that number here."})
			}
			only = id
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'done', outcome = 'transferred', done_at = $1,
			served_at = COALESCE(served_at, $1) WHERE id = $2`, now, t.ID); err != nil {
			return err
		}
		next = Ticket{CentreID: t.CentreID, ServiceID: sv.ID, Day: t.Day, Number: t.Number, Leg: t.Leg + 1, JourneyID: t.JourneyID,
			Priority: t.Priority, Channel: t.Channel, Phone: t.Phone, ArrivedAt: t.ArrivedAt}
		return tx.QueryRowContext(ctx, `INSERT INTO tickets (centre_id, service_id, day, number, leg, journey_id, status, priority, channel,
			phone, arrived_at, queued_at, rank_at, counter_only_id) VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			next.CentreID, next.ServiceID, next.Day, next.Number, next.Leg, next.JourneyID, next.Priority, next.Channel, next.Phone,
			next.ArrivedAt, now, s.rankAt(t.ArrivedAt, t.Priority), only).Scan(&next.ID)
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.Ticket(ctx, next.ID)
}

// Completion is how a ticket ended.
type Completion struct {
	Outcome string // served (default), not_served, or request (with Request)
	// Request is the service request to open when the service is not finished on the spot.
	Request *requests.NewRequest
}

// Complete ends a ticket at the counter it was called to. A ticket completes once: a second
// completion is refused and changes nothing.
func (s *Store) Complete(ctx context.Context, o Officer, ticketID int64, c Completion) (Ticket, requests.Created, error) {
	if c.Outcome == "" {
		c.Outcome = OutcomeServed
		if c.Request != nil {
			c.Outcome = OutcomeRequest
		}
	}
	if !slices.Contains([]string{OutcomeServed, OutcomeNotServed, OutcomeRequest}, c.Outcome) || (c.Outcome == OutcomeRequest) != (c.Request != nil) {
		return Ticket{}, requests.Created{}, apperr.InvalidFields(map[string]string{"outcome": "Choose how the visit ended."})
	}
	t, err := s.Ticket(ctx, ticketID)
	if err != nil {
		return t, requests.Created{}, err
	}
	if !t.Open() {
		return t, requests.Created{}, apperr.New(apperr.Conflict, "Ticket %s is already finished.", t.Number)
	}
	if t.CounterID == 0 {
		return t, requests.Created{}, apperr.New(apperr.Conflict, "Ticket %s has not been called yet.", t.Number)
	}
	var created requests.Created
	err = s.atCounter(ctx, o, t.CounterID, func(tx *sql.Tx, ss Session, now time.Time) error {
		var requestID any
		if c.Request != nil {
			n := *c.Request
			n.ServiceCode, n.CentreCode = t.ServiceCode, t.CentreCode
			if n.Channel == "" {
				n.Channel = "counter"
			}
			if n.Citizen.Phone == "" {
				n.Citizen.Phone = t.Phone
			}
			var err error
			if created, err = s.requests.WithTx(tx).Create(ctx, requests.Actor{ID: o.ID, Name: o.Name}, n); err != nil {
				return err
			}
			requestID = created.Request.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'done', outcome = $1, done_at = $2, served_at = COALESCE(served_at, called_at),
			request_id = $3 WHERE id = $4 AND status IN ('called', 'serving', 'parked')`, c.Outcome, now, requestID, t.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Ticket %s is already finished.", t.Number)
		}
		return nil
	})
	if err != nil {
		return t, requests.Created{}, err
	}
	t, err = s.Ticket(ctx, ticketID)
	return t, created, err
}

// Cancel withdraws a waiting ticket (the citizen left, or asked by SMS).
func (s *Store) Cancel(ctx context.Context, actor audit.Actor, ticketID int64) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'cancelled', outcome = 'cancelled', done_at = $1 WHERE id = $2 AND status = 'waiting'`, now, ticketID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Only a waiting ticket can be cancelled.")
		}
		return nil
	})
}
