package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/secret"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Appointment statuses.
const (
	AppointmentBooked    = "booked"
	AppointmentCancelled = "cancelled"
	AppointmentCheckedIn = "checked_in"
	AppointmentNoShow    = "no_show"
)

// BookAhead is how far ahead an appointment can be booked (the messages say 30 days).
const BookAhead = 30 // days

// Slot is a bookable time of a service at a centre and the places still free in it.
type Slot struct {
	At   time.Time // the slot's start, in the centre's zone
	Free int
}

// Appointment is a citizen's booked visit.
type Appointment struct {
	ID            int64
	CentreID      int64
	CentreCode    string
	CentreName    string
	ServiceID     int64
	ServiceCode   string
	ServiceName   string
	ServiceNameSw string
	SlotAt        time.Time // in the centre's zone
	Day           string    // the centre's local date of the slot
	Name          string
	Phone         string
	Code          string
	Status        string
	TicketID      int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NewAppointment is a booking request.
type NewAppointment struct {
	CentreCode  string
	ServiceCode string
	SlotAt      time.Time
	Name        string
	Phone       string
}

// Booking is a new (or moved) appointment and its manage link's secret, shown once: only its hash is kept.
type Booking struct {
	Appointment Appointment
	Key         string
}

// CheckedIn is an appointment turned into a ticket at the centre.
type CheckedIn struct {
	Appointment Appointment
	Issued      Issued // the ticket, its place in line and its follow key
	Late        bool   // later than LateAfter: ranked as a walk-in arriving now
}

// ManagePath is the manage page of an appointment, with its secret.
func ManagePath(code, key string) string { return "/appointments/" + code + "?key=" + key }

// codeAlphabet has no letters or digits that read alike (0/O, 1/I/L, 5/S, 2/Z, 8/B).
const codeAlphabet = "ACDEFGHJKMNPQRTUVWXY34679"

func newCode() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// normaliseCode reads a reference as a citizen may type it: any case, with spaces or dashes.
func normaliseCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// slotSettings reads a service's slot length and capacity at a centre (forUpdate: locking the
// row on PostgreSQL, so bookings of the service at the centre count their places one at a time;
// SQLite's single writer does that by itself).
func (s *Store) slotSettings(ctx context.Context, q db.Querier, centreID, serviceID int64, forUpdate bool) (minutes, capacity int, err error) {
	query := `SELECT slot_minutes, slot_capacity FROM queue_services WHERE centre_id = $1 AND service_id = $2`
	if forUpdate {
		query += s.db.Kind().Lock("FOR UPDATE")
	}
	err = q.QueryRowContext(ctx, query, centreID, serviceID).Scan(&minutes, &capacity)
	return minutes, capacity, err
}

// bookable finds a centre and a service that may be booked there.
func (s *Store) bookable(ctx context.Context, centreCode, serviceCode string) (charter.Centre, charter.Service, place, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return charter.Centre{}, charter.Service{}, place{}, err
	}
	centre, ok := dir.Centre(centreCode)
	if !ok {
		return centre, charter.Service{}, place{}, apperr.New(apperr.NotFound, "No centre with code %q.", centreCode)
	}
	sv, ok := dir.Service(serviceCode)
	if !ok || !sv.Active {
		return centre, sv, place{}, apperr.New(apperr.NotFound, "No service with code %q.", serviceCode)
	}
	if !dir.Offers(centre.ID, sv.ID) {
		return centre, sv, place{}, apperr.New(apperr.Invalid, "%s is not offered at %s.", sv.Name, centre.Name)
	}
	p, err := s.placeOf(ctx, centre)
	if err != nil {
		return centre, sv, p, err
	}
	if _, err := s.ensureSettings(ctx, centre.ID, sv.ID); err != nil {
		return centre, sv, p, err
	}
	return centre, sv, p, nil
}

// slotTimes are the starts of the slots of a day: every `minutes` inside each opening window
// (a slot ends inside its window), none on a holiday, none before now, none further than
// BookAhead days.
func slotTimes(p place, day worktime.Date, minutes int) ([]time.Time, error) {
	today, _ := worktime.ParseDate(p.day)
	if day.Compare(today) < 0 {
		return nil, apperr.New(apperr.Invalid, "Choose a day from today on.")
	}
	if day.Compare(today.AddDays(BookAhead)) > 0 {
		return nil, apperr.New(apperr.Invalid, "Appointments can be booked up to 30 days ahead.")
	}
	if _, holiday := p.cal.HolidayOn(day); holiday {
		return nil, nil
	}
	loc := p.cal.Location()
	midnight := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, loc)
	var out []time.Time
	for _, w := range p.cal.Windows() {
		if w.Day != day.Weekday() {
			continue
		}
		for m := w.Start; m+minutes <= w.End; m += minutes {
			at := time.Date(day.Year, day.Month, day.Day, m/60, m%60, 0, 0, loc)
			if at.Sub(midnight) != time.Duration(m)*time.Minute { // a zone change that day: skip the odd slot
				continue
			}
			if at.After(p.now) && p.cal.IsOpen(at) {
				out = append(out, at)
			}
		}
	}
	return out, nil
}

// booked counts the live bookings of each slot of a day.
func booked(ctx context.Context, q db.Querier, centreID, serviceID int64, day string) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT slot_at FROM appointments WHERE centre_id = $1 AND service_id = $2 AND day = $3
		AND status IN ('booked', 'checked_in')`, centreID, serviceID, day)
	list, err := db.Collect(rows, err, func(r db.Scanner) (time.Time, error) {
		var t time.Time
		return t, r.Scan(&t)
	})
	n := map[int64]int{}
	for _, t := range list {
		n[t.Unix()]++
	}
	return n, err
}

// Slots lists the slots of a service at a centre on a day (its calendar date) with their free
// places: empty on a day the centre is closed or when none is left today.
func (s *Store) Slots(ctx context.Context, centreCode, serviceCode string, day time.Time) ([]Slot, error) {
	centre, sv, p, err := s.bookable(ctx, centreCode, serviceCode)
	if err != nil {
		return nil, err
	}
	minutes, capacity, err := s.slotSettings(ctx, s.db, centre.ID, sv.ID, false)
	if err != nil {
		return nil, err
	}
	if capacity == 0 {
		return nil, apperr.New(apperr.Invalid, "%s cannot be booked at %s: come in person and take a ticket.", sv.Name, centre.Name)
	}
	d := worktime.DateOf(day)
	times, err := slotTimes(p, d, minutes)
	if err != nil || len(times) == 0 {
		return nil, err
	}
	n, err := booked(ctx, s.db, centre.ID, sv.ID, d.String())
	if err != nil {
		return nil, err
	}
	out := make([]Slot, 0, len(times))
	for _, t := range times {
		out = append(out, Slot{At: t, Free: max(capacity-n[t.Unix()], 0)})
	}
	return out, nil
}

// checkSlot validates a slot to book: one of the day's slots, inside BookAhead, not past.
func checkSlot(p place, at time.Time, minutes int) (worktime.Date, error) {
	if at.IsZero() {
		return worktime.Date{}, apperr.InvalidFields(map[string]string{"slot": "Choose a time."})
	}
	local := at.In(p.cal.Location())
	d := worktime.DateOf(local)
	times, err := slotTimes(p, d, minutes)
	if err != nil {
		msg, _ := apperr.MessageOf(err) // a message without arguments
		return d, apperr.InvalidFields(map[string]string{"slot": msg})
	}
	for _, t := range times {
		if t.Equal(at) {
			return d, nil
		}
	}
	return d, apperr.InvalidFields(map[string]string{"slot": "Choose one of the times offered."})
}

// takePlace locks the service's slot settings, re-counts the slot's bookings and refuses a full one.
func (s *Store) takePlace(ctx context.Context, tx *sql.Tx, centreID, serviceID int64, day worktime.Date, at time.Time) error {
	_, capacity, err := s.slotSettings(ctx, tx, centreID, serviceID, true)
	if err != nil {
		return err
	}
	n, err := booked(ctx, tx, centreID, serviceID, day.String())
	if err != nil {
		return err
	}
	if n[at.Unix()] >= capacity {
		return apperr.New(apperr.Conflict, "That time has just been taken: choose another.")
	}
	return nil
}

func (s *Store) link(code, key string) string { return s.cfg.PublicURL + ManagePath(code, key) }

// Book books a slot for a citizen and queues an SMS confirmation with the reference, the time
// and the manage link. The slot's places are re-counted in the transaction that books, so two
// citizens cannot both take its last place.
func (s *Store) Book(ctx context.Context, actor audit.Actor, n NewAppointment) (Booking, error) {
	centre, sv, p, err := s.bookable(ctx, n.CentreCode, n.ServiceCode)
	if err != nil {
		return Booking{}, err
	}
	minutes, capacity, err := s.slotSettings(ctx, s.db, centre.ID, sv.ID, false)
	if err != nil {
		return Booking{}, err
	}
	if capacity == 0 {
		return Booking{}, apperr.New(apperr.Invalid, "%s cannot be booked at %s: come in person and take a ticket.", sv.Name, centre.Name)
	}
	fields := map[string]string{}
	n.Name = strings.Join(strings.Fields(n.Name), " ")
	if n.Name == "" || len(n.Name) > 100 {
		fields["name"] = "Enter your name."
	}
	phone, err := notify.NormalisePhone(n.Phone)
	if err != nil || strings.TrimSpace(n.Phone) == "" {
		fields["phone"] = "Enter a Kenyan mobile number, such as 0712 345 678."
	}
	at := n.SlotAt.UTC().Truncate(time.Second)
	day, err := checkSlot(p, at, minutes)
	if err != nil {
		fields["slot"] = apperr.FieldsOf(err)["slot"]
	}
	if len(fields) > 0 {
		return Booking{}, apperr.InvalidFields(fields)
	}
	key, keyHash := secret.New(15)
	a := Appointment{CentreID: centre.ID, CentreCode: centre.Code, CentreName: centre.Name, ServiceID: sv.ID, ServiceCode: sv.Code,
		ServiceName: sv.Name, ServiceNameSw: sv.NameSw, SlotAt: at.In(p.cal.Location()), Day: day.String(), Name: n.Name, Phone: phone,
		Status: AppointmentBooked, CreatedAt: p.now, UpdatedAt: p.now}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.takePlace(ctx, tx, centre.ID, sv.ID, day, at); err != nil {
			return err
		}
		var other string
		err := tx.QueryRowContext(ctx, `SELECT code FROM appointments WHERE phone = $1 AND day = $2 AND service_id = $3
			AND status = 'booked'`, phone, a.Day, sv.ID).Scan(&other)
		if err == nil {
			return apperr.New(apperr.Conflict, "This phone number already has appointment %s for %s that day: change that one instead.", other, sv.Name)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for range 5 { // 25^6 codes: a clash is rare; the UNIQUE constraint stands behind this
			a.Code = newCode()
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE code = $1`, a.Code).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO appointments (centre_id, service_id, slot_at, day, name, phone, code, key_hash,
			status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $9) RETURNING id`,
			centre.ID, sv.ID, at, a.Day, a.Name, phone, a.Code, keyHash, p.now).Scan(&a.ID); err != nil {
			return err
		}
		if err := notify.Enqueue(ctx, tx, p.now, notify.Message{Channel: notify.SMS, To: phone,
			Body: fmt.Sprintf("Huduma %s: %s booked for %s, ref %s. Check in at the centre when you arrive. Change or cancel: %s",
				centre.Name, sv.Name, a.SlotAt.Format("Mon 2 Jan 15:04"), a.Code, s.link(a.Code, key)),
			DedupeKey: fmt.Sprintf("appointment:%d:booked", a.ID)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.now, actor, "book", "appointment", a.Code,
			fmt.Sprintf("Appointment %s for %s at %s, %s", a.Code, sv.Name, centre.Name, a.SlotAt.Format("2006-01-02 15:04")),
			nil, map[string]string{"slot": a.SlotAt.Format(time.RFC3339)}, sv.AgencyID, centre.ID)
	})
	if err != nil {
		return Booking{}, err
	}
	return Booking{Appointment: a, Key: key}, nil
}

const appointmentColumns = `a.id, a.centre_id, c.code, c.name, a.service_id, s.code, s.name, s.name_sw, a.slot_at, a.day, a.name,
	a.phone, a.code, a.status, COALESCE(a.ticket_id, 0), a.created_at, a.updated_at, a.key_hash`

const appointmentFrom = ` FROM appointments a JOIN centres c ON c.id = a.centre_id JOIN services s ON s.id = a.service_id`

func scanAppointment(r db.Scanner) (Appointment, string, error) {
	var a Appointment
	var hash string
	err := r.Scan(&a.ID, &a.CentreID, &a.CentreCode, &a.CentreName, &a.ServiceID, &a.ServiceCode, &a.ServiceName, &a.ServiceNameSw,
		&a.SlotAt, &a.Day, &a.Name, &a.Phone, &a.Code, &a.Status, &a.TicketID, &a.CreatedAt, &a.UpdatedAt, &hash)
	a.SlotAt, a.CreatedAt, a.UpdatedAt = a.SlotAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, hash, err
}

// appointment reads an appointment by its reference (in tx, locking it on PostgreSQL when forUpdate).
func (s *Store) appointment(ctx context.Context, q db.Querier, code string, forUpdate bool) (Appointment, string, error) {
	query := `SELECT ` + appointmentColumns + appointmentFrom + ` WHERE a.code = $1`
	if forUpdate {
		query += s.db.Kind().Lock("FOR UPDATE OF a")
	}
	a, hash, err := scanAppointment(q.QueryRowContext(ctx, query, normaliseCode(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", apperr.New(apperr.NotFound, "No appointment with that reference.")
	}
	if err != nil {
		return a, "", err
	}
	// In the centre's zone, as people read it.
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return a, "", err
	}
	if centre, ok := dir.CentreByID(a.CentreID); ok {
		if cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID); err == nil {
			a.SlotAt = a.SlotAt.In(cal.Location())
		}
	}
	return a, hash, nil
}

// Appointment finds an appointment by its reference and its manage link's secret. A wrong key
// and a missing appointment get the same answer.
func (s *Store) Appointment(ctx context.Context, code, key string) (Appointment, error) {
	a, hash, err := s.appointment(ctx, s.db, code, false)
	if err != nil {
		return a, err
	}
	if !secret.Matches(hash, key) {
		return Appointment{}, apperr.New(apperr.NotFound, "No appointment with that reference.")
	}
	return a, nil
}

// changeable reads an appointment the citizen changes with its manage link: still booked, and
// its time not yet come.
func (s *Store) changeable(ctx context.Context, tx *sql.Tx, code, key string, now time.Time) (Appointment, error) {
	a, hash, err := s.appointment(ctx, tx, code, true)
	if err != nil {
		return a, err
	}
	if !secret.Matches(hash, key) {
		return Appointment{}, apperr.New(apperr.NotFound, "No appointment with that reference.")
	}
	switch {
	case a.Status == AppointmentCancelled:
		return a, apperr.New(apperr.Conflict, "This appointment was cancelled.")
	case a.Status != AppointmentBooked:
		return a, apperr.New(apperr.Conflict, "This appointment can no longer be changed.")
	case !now.Before(a.SlotAt):
		return a, apperr.New(apperr.Conflict, "The time of this appointment has come: it can no longer be changed.")
	}
	return a, nil
}

// Reschedule moves a booked appointment, before its time, to another free slot of the same
// service at the same centre, and tells the citizen by SMS.
func (s *Store) Reschedule(ctx context.Context, code, key string, slot time.Time) (Appointment, error) {
	a, err := s.Appointment(ctx, code, key)
	if err != nil {
		return a, err
	}
	centre, sv, p, err := s.bookable(ctx, a.CentreCode, a.ServiceCode)
	if err != nil {
		return a, err
	}
	minutes, _, err := s.slotSettings(ctx, s.db, centre.ID, sv.ID, false)
	if err != nil {
		return a, err
	}
	at := slot.UTC().Truncate(time.Second)
	day, err := checkSlot(p, at, minutes)
	if err != nil {
		return a, err
	}
	if at.Equal(a.SlotAt) {
		return a, apperr.InvalidFields(map[string]string{"slot": "Choose a time other than the one booked."})
	}
	actor := audit.Actor{Name: "citizen " + a.Phone}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.changeable(ctx, tx, code, key, p.now)
		if err != nil {
			return err
		}
		if err := s.takePlace(ctx, tx, centre.ID, sv.ID, day, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET slot_at = $1, day = $2, updated_at = $3 WHERE id = $4`,
			at, day.String(), p.now, a.ID); err != nil {
			return err
		}
		a.SlotAt, a.Day, a.UpdatedAt = at.In(p.cal.Location()), day.String(), p.now
		if err := notify.Enqueue(ctx, tx, p.now, notify.Message{Channel: notify.SMS, To: a.Phone,
			Body: fmt.Sprintf("Huduma %s: your appointment %s for %s is moved to %s.", centre.Name, a.Code, sv.Name,
				a.SlotAt.Format("Mon 2 Jan 15:04")),
			DedupeKey: fmt.Sprintf("appointment:%d:moved:%d", a.ID, at.Unix())}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.now, actor, "reschedule", "appointment", a.Code,
			fmt.Sprintf("Appointment %s moved from %s to %s", a.Code, before.SlotAt.Format("2006-01-02 15:04"), a.SlotAt.Format("2006-01-02 15:04")),
			map[string]string{"slot": before.SlotAt.Format(time.RFC3339)}, map[string]string{"slot": a.SlotAt.Format(time.RFC3339)},
			sv.AgencyID, centre.ID)
	})
	return a, err
}

// CancelAppointment cancels a booked appointment before its time (freeing its place) and tells
// the citizen by SMS.
func (s *Store) CancelAppointment(ctx context.Context, code, key string) (Appointment, error) {
	var a Appointment
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = s.changeable(ctx, tx, code, key, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'cancelled', updated_at = $1 WHERE id = $2`, now, a.ID); err != nil {
			return err
		}
		a.Status, a.UpdatedAt = AppointmentCancelled, now
		if err := notify.Enqueue(ctx, tx, now, notify.Message{Channel: notify.SMS, To: a.Phone,
			Body: fmt.Sprintf("Huduma %s: your appointment %s for %s on %s is cancelled.", a.CentreName, a.Code, a.ServiceName,
				a.SlotAt.Format("Mon 2 Jan 15:04")),
			DedupeKey: fmt.Sprintf("appointment:%d:cancelled", a.ID)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Actor{Name: "citizen " + a.Phone}, "cancel", "appointment", a.Code,
			fmt.Sprintf("Appointment %s cancelled", a.Code), nil, nil, 0, a.CentreID)
	})
	return a, err
}

// CheckIn turns an appointment into a ticket when the citizen arrives at its centre (the kiosk
// or a counter) on its day. The ticket is ranked at the booked time, so it is called near that
// time, before walk-ins who came after it; a citizen later than LateAfter is ranked as a walk-in
// arriving now. An appointment checks in once.
func (s *Store) CheckIn(ctx context.Context, actor audit.Actor, centreCode, code string) (CheckedIn, error) {
	a, _, err := s.appointment(ctx, s.db, code, false)
	if err != nil {
		return CheckedIn{}, err
	}
	if centreCode != "" && !strings.EqualFold(centreCode, a.CentreCode) {
		return CheckedIn{}, apperr.New(apperr.Invalid, "This appointment is at %s.", a.CentreName)
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return CheckedIn{}, err
	}
	centre, _ := dir.CentreByID(a.CentreID)
	sv, _ := dir.ServiceByID(a.ServiceID)
	p, err := s.placeOf(ctx, centre)
	if err != nil {
		return CheckedIn{}, err
	}
	if err := checkInable(a, p); err != nil {
		return CheckedIn{}, err
	}
	if !p.cal.IsOpen(p.now) {
		return CheckedIn{}, apperr.New(apperr.Invalid, "%s is closed now; it opens %s.", centre.Name,
			p.cal.NextOpening(p.now).In(p.cal.Location()).Format("Mon 2 Jan 15:04"))
	}
	out := CheckedIn{Late: p.now.After(a.SlotAt.Add(s.cfg.LateAfter))}
	rank := a.SlotAt.UTC()
	if out.Late {
		rank = s.rankAt(p.now, "")
	}
	key, keyHash := secret.New(15)
	var t Ticket
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		cur, _, err := s.appointment(ctx, tx, a.Code, true)
		if err != nil {
			return err
		}
		if err := checkInable(cur, p); err != nil {
			return err
		}
		t, err = s.issueTx(ctx, tx, actor, p, centre, sv, NewTicket{CentreCode: centre.Code, ServiceCode: sv.Code, Phone: a.Phone,
			Channel: "appointment"}, rank, true, keyHash)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'checked_in', ticket_id = $1, updated_at = $2
			WHERE id = $3 AND status = 'booked'`, t.ID, p.now, a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "This appointment has already checked in.")
		}
		summary := fmt.Sprintf("Appointment %s checked in: ticket %s", a.Code, t.Number)
		if out.Late {
			summary += " (late: ranked as a walk-in)"
		}
		return audit.Record(ctx, tx, p.now, actor, "check_in", "appointment", a.Code, summary, nil,
			map[string]any{"ticket": t.Number, "late": out.Late}, sv.AgencyID, centre.ID)
	})
	if err != nil {
		return CheckedIn{}, err
	}
	a.Status, a.TicketID, a.UpdatedAt = AppointmentCheckedIn, t.ID, p.now
	est, err := s.Estimate(ctx, t)
	out.Appointment, out.Issued = a, Issued{Ticket: t, Estimate: est, Key: key}
	return out, err
}

// checkInable refuses an appointment that cannot check in today.
func checkInable(a Appointment, p place) error {
	switch a.Status {
	case AppointmentCheckedIn:
		return apperr.New(apperr.Conflict, "This appointment has already checked in.")
	case AppointmentCancelled:
		return apperr.New(apperr.Conflict, "This appointment was cancelled.")
	case AppointmentNoShow:
		return apperr.New(apperr.Conflict, "This appointment has expired: take a ticket at the kiosk.")
	}
	switch {
	case a.Day < p.day:
		return apperr.New(apperr.Conflict, "This appointment has expired: take a ticket at the kiosk.")
	case a.Day > p.day:
		return apperr.New(apperr.Invalid, "This appointment is on %s: check in on that day.", a.SlotAt.Format("Mon 2 Jan 15:04"))
	}
	return nil
}

// MarkNoShows records as no-shows the booked appointments nobody checked in for: those whose
// slot is more than LateAfter past and whose day's opening hours are over (a late citizen may
// still check in as a walk-in until the centre closes). It returns how many it marked; the job
// runner (or the simulator) calls it.
func (s *Store) MarkNoShows(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	type due struct {
		id, centreID int64
		slotAt       time.Time
		day          string
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, centre_id, slot_at, day FROM appointments WHERE status = 'booked' AND slot_at < $1
		ORDER BY centre_id, id`, now.Add(-s.cfg.LateAfter))
	list, err := db.Collect(rows, err, func(r db.Scanner) (due, error) {
		var d due
		err := r.Scan(&d.id, &d.centreID, &d.slotAt, &d.day)
		d.slotAt = d.slotAt.UTC()
		return d, err
	})
	if err != nil || len(list) == 0 {
		return 0, err
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return 0, err
	}
	cals := map[int64]*worktime.Calendar{}
	byCentre := map[int64][]int64{}
	for _, d := range list {
		cal, ok := cals[d.centreID]
		if !ok {
			centre, found := dir.CentreByID(d.centreID)
			if !found {
				continue
			}
			if cal, err = s.charters.WorkCalendar(ctx, centre.CalendarID); err != nil {
				return 0, err
			}
			cals[d.centreID] = cal
		}
		if now.After(dayClose(cal, d.day, d.slotAt)) {
			byCentre[d.centreID] = append(byCentre[d.centreID], d.id)
		}
	}
	marked := 0
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		marked = 0
		for centreID, ids := range byCentre {
			n := 0
			for _, id := range ids {
				res, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'no_show', updated_at = $1 WHERE id = $2 AND status = 'booked'`, now, id)
				if err != nil {
					return err
				}
				k, _ := res.RowsAffected()
				n += int(k)
			}
			if n == 0 {
				continue
			}
			marked += n
			if err := audit.Record(ctx, tx, now, audit.System, "no_show", "appointment", fmt.Sprint(centreID),
				fmt.Sprintf("%d appointments marked as no-shows", n), nil, map[string]any{"ids": ids}, 0, centreID); err != nil {
				return err
			}
		}
		return nil
	})
	return marked, err
}

// dayClose is the end of the last opening window of a local day (or the slot itself if the
// calendar has none that day).
func dayClose(cal *worktime.Calendar, day string, slot time.Time) time.Time {
	d, err := worktime.ParseDate(day)
	if err != nil {
		return slot
	}
	end := -1
	for _, w := range cal.Windows() {
		if w.Day == d.Weekday() && w.End > end {
			end = w.End
		}
	}
	if end < 0 {
		return slot
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, cal.Location()).Add(time.Duration(end) * time.Minute)
}
