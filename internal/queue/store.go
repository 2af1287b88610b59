package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/secret"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Config tunes the calling rules.
type Config struct {
	// PriorityAllowance is how far ahead of its arrival a priority ticket is ranked (15 minutes):
	// it goes before ordinary tickets that arrived up to that long before it, never more.
	PriorityAllowance time.Duration
	// MaxOvertakes is how many later arrivals may be called before the longest-waiting ticket
	// (5); after that it is called next whatever its rank.
	MaxOvertakes int
	// MaxRecalls is how often a called ticket may be called again before it can only be a no-show (2).
	MaxRecalls int
	// NearPosition is the place in line at which a ticket with a phone number is told by SMS that
	// its turn is near (3; 0 turns it off).
	NearPosition int
	// Standard is the charter's "attend to clients within 10 minutes of visit".
	Standard time.Duration
	// LateAfter is how long after its slot an appointment may check in and keep its place (15
	// minutes): later, its ticket is ranked as a walk-in arriving then.
	LateAfter time.Duration
	// PublicURL is the site's address, put before the manage link in appointment SMS ("": the
	// path alone).
	PublicURL string
}

func (c *Config) defaults() {
	if c.PriorityAllowance <= 0 {
		c.PriorityAllowance = 15 * time.Minute
	}
	if c.MaxOvertakes <= 0 {
		c.MaxOvertakes = 5
	}
	if c.MaxRecalls <= 0 {
		c.MaxRecalls = 2
	}
	if c.NearPosition < 0 {
		c.NearPosition = 0
	} else if c.NearPosition == 0 {
		c.NearPosition = 3
	}
	if c.Standard <= 0 {
		c.Standard = 10 * time.Minute
	}
	if c.LateAfter <= 0 {
		c.LateAfter = 15 * time.Minute
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
}

// Store keeps the queues.
type Store struct {
	db       db.Handle
	now      func() time.Time
	charters *charter.Store
	requests *requests.Store
	cfg      Config
	// onCall is told, after the commit, that a centre's board has a new call (CallNext, Recall).
	onCall func(centreID int64)
}

// OnCall sets the function told after each commit that adds a call to a centre's board: the hall
// boards' hub reads the new calls from the database when it hears of one. Set it before serving.
func (s *Store) OnCall(fn func(centreID int64)) { s.onCall = fn }

func (s *Store) called(centreID int64) {
	if s.onCall != nil {
		s.onCall(centreID)
	}
}

// NewStore returns a Store; reqs opens service requests from tickets that cannot be finished on the spot.
func NewStore(d db.Handle, now func() time.Time, charters *charter.Store, reqs *requests.Store, cfg Config) *Store {
	if now == nil {
		now = time.Now
	}
	cfg.defaults()
	return &Store{db: d, now: now, charters: charters, requests: reqs, cfg: cfg}
}

// Config returns the store's configuration.
func (s *Store) Config() Config { return s.cfg }

// place is a centre's clock: its calendar, and now in its zone.
type place struct {
	centre charter.Centre
	cal    *worktime.Calendar
	now    time.Time // UTC, to the microsecond as the databases keep it
	day    string    // the centre's local date
}

func (s *Store) placeOf(ctx context.Context, centre charter.Centre) (place, error) {
	cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return place{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	return place{centre: centre, cal: cal, now: now, day: now.In(cal.Location()).Format(time.DateOnly)}, nil
}

// NewTicket is a request for a place in a queue.
type NewTicket struct {
	CentreCode  string
	ServiceCode string
	Priority    string // "" or one of Priorities
	Phone       string // optional: "your turn is near" and pause notices
	Channel     string // kiosk, web, sms, ussd, counter, appointment, api
}

// Issued is a new ticket with its place in line, and the secret of its follow link (shown once:
// only its hash is stored).
type Issued struct {
	Ticket   Ticket
	Estimate Estimate
	Key      string
}

// Issue gives a ticket: the service must be offered at the centre, the centre open, the service
// not paused, before its cut-off and within its daily quota.
func (s *Store) Issue(ctx context.Context, actor audit.Actor, n NewTicket) (Issued, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return Issued{}, err
	}
	centre, ok := dir.Centre(n.CentreCode)
	if !ok {
		return Issued{}, apperr.New(apperr.NotFound, "No centre with code %q.", n.CentreCode)
	}
	sv, ok := dir.Service(n.ServiceCode)
	if !ok || !sv.Active {
		return Issued{}, apperr.New(apperr.NotFound, "No service with code %q.", n.ServiceCode)
	}
	if !dir.Offers(centre.ID, sv.ID) {
		return Issued{}, apperr.New(apperr.Invalid, "%s is not offered at %s.", sv.Name, centre.Name)
	}
	fields := map[string]string{}
	if n.Priority != "" && !slices.Contains(Priorities, n.Priority) {
		fields["priority"] = "Choose a priority group from the list, or none."
	}
	if n.Channel == "" {
		n.Channel = "kiosk"
	}
	if !slices.Contains(Channels, n.Channel) {
		fields["channel"] = "Choose how the ticket was asked for."
	}
	if strings.TrimSpace(n.Phone) != "" {
		phone, err := notify.NormalisePhone(n.Phone)
		if err != nil {
			fields["phone"] = "Enter a Kenyan mobile number, such as 0712 345 678."
		}
		n.Phone = phone
	} else {
		n.Phone = ""
	}
	if len(fields) > 0 {
		return Issued{}, apperr.InvalidFields(fields)
	}
	p, err := s.placeOf(ctx, centre)
	if err != nil {
		return Issued{}, err
	}
	if !p.cal.IsOpen(p.now) {
		return Issued{}, apperr.New(apperr.Invalid, "%s is closed now; it opens %s.", centre.Name,
			p.cal.NextOpening(p.now).In(p.cal.Location()).Format("2006-01-02 15:04")) // numeric: the same in both languages
	}
	if _, err := s.ensureSettings(ctx, centre.ID, sv.ID); err != nil {
		return Issued{}, err
	}
	var t Ticket
	key, keyHash := secret.New(15)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = s.issueTx(ctx, tx, actor, p, centre, sv, n, s.rankAt(p.now, n.Priority), false, keyHash)
		return err
	})
	if err != nil {
		return Issued{}, err
	}
	est, err := s.Estimate(ctx, t)
	return Issued{Ticket: t, Estimate: est, Key: key}, err
}

// issueTx gives a ticket inside tx, ranked at rankAt, for a request Issue (or CheckIn) has
// validated: the service must not be paused; a walk-in must come before the service's cut-off
// and within its daily quota, while a checked-in appointment (booked) keeps the place it booked.
func (s *Store) issueTx(ctx context.Context, tx *sql.Tx, actor audit.Actor, p place, centre charter.Centre, sv charter.Service,
	n NewTicket, rankAt time.Time, booked bool, keyHash string) (Ticket, error) {
	var t Ticket
	st, err := settingsOf(ctx, tx, centre.ID, sv.ID)
	if err != nil {
		return t, err
	}
	if st.PausedAt != nil {
		reason := st.PauseReason
		if reason == "" {
			reason = "paused"
		}
		return t, apperr.New(apperr.Conflict, "Tickets for %s are stopped for now: %s.", sv.Name, reason)
	}
	if !booked && st.Cutoff != "" && p.now.In(p.cal.Location()).Format("15:04") >= st.Cutoff {
		return t, apperr.New(apperr.Invalid, "No more tickets for %s today: the last is given at %s.", sv.Name, st.Cutoff)
	}
	var seq int
	if err := tx.QueryRowContext(ctx, `INSERT INTO queue_numbers (centre_id, day, prefix, last) VALUES ($1, $2, $3, 1)
		ON CONFLICT (centre_id, day, prefix) DO UPDATE SET last = queue_numbers.last + 1 RETURNING last`,
		centre.ID, p.day, st.Prefix).Scan(&seq); err != nil {
		return t, err
	}
	if !booked && st.DailyQuota > 0 && seq > st.DailyQuota {
		return t, apperr.New(apperr.Invalid, "All of today's %d tickets for %s have been given out.", st.DailyQuota, sv.Name)
	}
	t = Ticket{CentreID: centre.ID, CentreCode: centre.Code, ServiceID: sv.ID, ServiceCode: sv.Code, ServiceName: sv.Name,
		ServiceNameSw: sv.NameSw, Day: p.day, Number: fmt.Sprintf("%s%03d", st.Prefix, seq), Leg: 1, Status: Waiting,
		Priority: n.Priority, Channel: n.Channel, Phone: n.Phone, ArrivedAt: p.now, QueuedAt: p.now, RankAt: rankAt}
	if err := tx.QueryRowContext(ctx, `INSERT INTO tickets (centre_id, service_id, day, number, leg, status, priority, channel, phone,
		arrived_at, queued_at, rank_at, key_hash) VALUES ($1, $2, $3, $4, 1, 'waiting', $5, $6, $7, $8, $8, $9, $10) RETURNING id`,
		t.CentreID, t.ServiceID, t.Day, t.Number, t.Priority, t.Channel, t.Phone, p.now, t.RankAt, keyHash).Scan(&t.ID); err != nil {
		return t, err
	}
	t.JourneyID = t.ID
	if t.Priority != "" { // the law's priority, on the record: who gave it and to which ticket
		return t, audit.Record(ctx, tx, p.now, actor, "priority", "ticket", t.Day+" "+t.Number,
			fmt.Sprintf("Priority ticket %s for %s (%s) at %s", t.Number, sv.Name, t.Priority, centre.Name), nil,
			map[string]string{"priority": t.Priority, "channel": t.Channel}, sv.AgencyID, centre.ID)
	}
	return t, nil
}

// Follow finds the visit a follow link names: the latest leg of the ticket journeyID, if key is
// its secret. A wrong key and a missing ticket get the same answer.
func (s *Store) Follow(ctx context.Context, journeyID int64, key string) (Ticket, error) {
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT key_hash FROM tickets WHERE id = $1`, journeyID).Scan(&hash)
	if err != nil || !secret.Matches(hash, key) {
		return Ticket{}, apperr.New(apperr.NotFound, "No such ticket.")
	}
	return getTicket(ctx, s.db, "COALESCE(t.journey_id, t.id) = $1 ORDER BY t.leg DESC LIMIT 1", journeyID)
}

// rankAt is where a ticket joining now stands in the calling order.
func (s *Store) rankAt(joined time.Time, priority string) time.Time {
	if priority != "" {
		return joined.Add(-s.cfg.PriorityAllowance)
	}
	return joined
}

// ensureSettings makes a centre's settings row for a service, with the first free prefix, if it
// has none. Its own transaction: two kiosks asking at once for two new services may pick the
// same letter, and the loser tries the next.
func (s *Store) ensureSettings(ctx context.Context, centreID, serviceID int64) (Settings, error) {
	if st, err := settingsOf(ctx, s.db, centreID, serviceID); err == nil || !errors.Is(err, sql.ErrNoRows) {
		return st, err // there already, as nearly always: no write transaction
	}
	for attempt := 0; ; attempt++ {
		var st Settings
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			if st, err = settingsOf(ctx, tx, centreID, serviceID); err == nil || !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT prefix FROM queue_services WHERE centre_id = $1`, centreID)
			taken, err := db.Collect(rows, err, func(r db.Scanner) (string, error) {
				var p string
				return p, r.Scan(&p)
			})
			if err != nil {
				return err
			}
			prefix := freePrefix(taken)
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_services (centre_id, service_id, prefix) VALUES ($1, $2, $3)`,
				centreID, serviceID, prefix); err != nil {
				return err
			}
			st, err = settingsOf(ctx, tx, centreID, serviceID)
			return err
		})
		if err == nil || !apperr.Is(err, apperr.Conflict) || attempt == 3 {
			return st, err
		}
	}
}

// freePrefix is the first of A…Z, then AA, AB, … that is not taken.
func freePrefix(taken []string) string {
	for i := 0; ; i++ {
		p := string(rune('A' + i%26))
		if i >= 26 {
			p = string(rune('A'+i/26-1)) + p
		}
		if !slices.Contains(taken, p) {
			return p
		}
	}
}

func settingsOf(ctx context.Context, q db.Querier, centreID, serviceID int64) (Settings, error) {
	st := Settings{CentreID: centreID, ServiceID: serviceID}
	var paused sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT prefix, daily_quota, cutoff, minutes_per_customer, slot_minutes, slot_capacity, paused_at, pause_reason
		FROM queue_services WHERE centre_id = $1 AND service_id = $2`, centreID, serviceID).
		Scan(&st.Prefix, &st.DailyQuota, &st.Cutoff, &st.MinutesPerCustomer, &st.SlotMinutes, &st.SlotCapacity, &paused, &st.PauseReason)
	if paused.Valid {
		t := paused.Time.UTC()
		st.PausedAt = &t
	}
	return st, err
}

// Settings returns how a centre's queue runs a service (made with defaults if it had none).
func (s *Store) Settings(ctx context.Context, centreID, serviceID int64) (Settings, error) {
	return s.ensureSettings(ctx, centreID, serviceID)
}

// SaveSettings changes a service's quota, cut-off and first estimate at a centre.
func (s *Store) SaveSettings(ctx context.Context, actor audit.Actor, st Settings) (Settings, error) {
	f := map[string]string{}
	if st.DailyQuota < 0 {
		f["daily_quota"] = "Give a number of tickets, or 0 for no limit."
	}
	if st.Cutoff != "" {
		if _, err := time.Parse("15:04", st.Cutoff); err != nil {
			f["cutoff"] = "Give a time such as 15:30, or leave it empty."
		}
	}
	if st.MinutesPerCustomer <= 0 || st.MinutesPerCustomer > 240 {
		f["minutes_per_customer"] = "Give the minutes a customer usually takes, 1 to 240."
	}
	if st.SlotMinutes < 5 || st.SlotMinutes > 240 {
		f["slot_minutes"] = "Give a slot length from 5 to 240 minutes."
	}
	if st.SlotCapacity < 0 || st.SlotCapacity > 100 {
		f["slot_capacity"] = "Give the appointments a slot takes, 0 (none) to 100."
	}
	if len(f) > 0 {
		return st, apperr.InvalidFields(f)
	}
	before, err := s.ensureSettings(ctx, st.CentreID, st.ServiceID)
	if err != nil {
		return st, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE queue_services SET daily_quota = $1, cutoff = $2, minutes_per_customer = $3,
			slot_minutes = $4, slot_capacity = $5 WHERE centre_id = $6 AND service_id = $7`,
			st.DailyQuota, st.Cutoff, st.MinutesPerCustomer, st.SlotMinutes, st.SlotCapacity, st.CentreID, st.ServiceID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "update", "queue_service", fmt.Sprintf("%d/%d", st.CentreID, st.ServiceID),
			"Queue settings changed", before, st, 0, st.CentreID)
	})
	if err != nil {
		return st, err
	}
	return s.ensureSettings(ctx, st.CentreID, st.ServiceID)
}

// Pause stops issuing tickets for a service at a centre (its agency's system is down, say) and
// tells everyone waiting for it who gave a phone number. Those waiting keep their places.
func (s *Store) Pause(ctx context.Context, actor audit.Actor, centreID, serviceID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.InvalidFields(map[string]string{"reason": "Say why, for the people waiting."})
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return err
	}
	sv, _ := dir.ServiceByID(serviceID)
	centre, _ := dir.CentreByID(centreID)
	if _, err := s.ensureSettings(ctx, centreID, serviceID); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE queue_services SET paused_at = $1, pause_reason = $2
			WHERE centre_id = $3 AND service_id = $4 AND paused_at IS NULL`, now, reason, centreID, serviceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Tickets for %s are already stopped.", sv.Name)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, number, phone FROM tickets WHERE centre_id = $1 AND service_id = $2
			AND status = 'waiting' AND phone <> ''`, centreID, serviceID)
		type waiting struct {
			id            int64
			number, phone string
		}
		list, err := db.Collect(rows, err, func(r db.Scanner) (waiting, error) {
			var w waiting
			return w, r.Scan(&w.id, &w.number, &w.phone)
		})
		if err != nil {
			return err
		}
		for _, w := range list {
			if err := notify.Enqueue(ctx, tx, now, notify.Message{Channel: notify.SMS, To: w.phone,
				Body: fmt.Sprintf("Huduma %s: %s is stopped for now (%s). Your ticket %s keeps its place; we will call you when it resumes.",
					centre.Name, sv.Name, reason, w.number),
				DedupeKey: fmt.Sprintf("ticket:%d:pause:%d", w.id, now.Unix())}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, actor, "pause", "queue_service", fmt.Sprintf("%d/%d", centreID, serviceID),
			fmt.Sprintf("Tickets for %s at %s stopped: %s (%d waiting told by SMS)", sv.Name, centre.Name, reason, len(list)),
			nil, map[string]string{"reason": reason}, sv.AgencyID, centreID)
	})
}

// Resume starts issuing again.
func (s *Store) Resume(ctx context.Context, actor audit.Actor, centreID, serviceID int64) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE queue_services SET paused_at = NULL, pause_reason = ''
			WHERE centre_id = $1 AND service_id = $2 AND paused_at IS NOT NULL`, centreID, serviceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Tickets for this service are not stopped.")
		}
		return audit.Record(ctx, tx, now, actor, "resume", "queue_service", fmt.Sprintf("%d/%d", centreID, serviceID),
			"Tickets resumed", nil, nil, 0, centreID)
	})
}

// ticketColumns reads a ticket with its service and counter.
const ticketColumns = `t.id, t.centre_id, c.code, t.service_id, s.code, s.name, s.name_sw, t.day, t.number, t.leg,
	COALESCE(t.journey_id, t.id), t.status, t.priority, t.channel, t.phone, t.arrived_at, t.queued_at, t.rank_at,
	COALESCE(t.counter_only_id, 0), t.called_at, t.recalls, COALESCE(t.counter_id, 0), COALESCE(k.number, 0),
	COALESCE(t.officer_id, 0), t.served_at, t.done_at, t.outcome, COALESCE(t.request_id, 0)`

const ticketFrom = ` FROM tickets t JOIN centres c ON c.id = t.centre_id JOIN services s ON s.id = t.service_id
	LEFT JOIN counters k ON k.id = t.counter_id`

func scanTicket(r db.Scanner) (Ticket, error) {
	var t Ticket
	var status string
	var called, served, done sql.NullTime
	err := r.Scan(&t.ID, &t.CentreID, &t.CentreCode, &t.ServiceID, &t.ServiceCode, &t.ServiceName, &t.ServiceNameSw, &t.Day,
		&t.Number, &t.Leg, &t.JourneyID, &status, &t.Priority, &t.Channel, &t.Phone, &t.ArrivedAt, &t.QueuedAt, &t.RankAt,
		&t.CounterOnly, &called, &t.Recalls, &t.CounterID, &t.CounterNumber, &t.OfficerID, &served, &done, &t.Outcome, &t.RequestID)
	t.Status = Status(status)
	t.ArrivedAt, t.QueuedAt, t.RankAt = t.ArrivedAt.UTC(), t.QueuedAt.UTC(), t.RankAt.UTC()
	t.CalledAt, t.ServedAt, t.DoneAt = timePtr(called), timePtr(served), timePtr(done)
	return t, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func getTicket(ctx context.Context, q db.Querier, cond string, args ...any) (Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "No such ticket.")
	}
	return t, err
}

// Ticket finds a ticket by id.
func (s *Store) Ticket(ctx context.Context, id int64) (Ticket, error) {
	return getTicket(ctx, s.db, "t.id = $1", id)
}

// TicketByNumber finds today's open (or last) leg of a ticket number at a centre.
func (s *Store) TicketByNumber(ctx context.Context, centreID int64, number string) (Ticket, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return Ticket{}, err
	}
	centre, ok := dir.CentreByID(centreID)
	if !ok {
		return Ticket{}, apperr.New(apperr.NotFound, "No such ticket.")
	}
	p, err := s.placeOf(ctx, centre)
	if err != nil {
		return Ticket{}, err
	}
	return getTicket(ctx, s.db, "t.centre_id = $1 AND t.day = $2 AND t.number = $3 ORDER BY t.leg DESC LIMIT 1",
		centreID, p.day, strings.ToUpper(strings.TrimSpace(number)))
}

// servicesJSON and parseServices store a work profile.
func servicesJSON(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

func parseServices(s string) []int64 {
	var ids []int64
	_ = json.Unmarshal([]byte(s), &ids)
	return ids
}
