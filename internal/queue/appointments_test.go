package queue_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/queue"
)

var citizen = audit.Actor{Name: "citizen"}

func (h *hall) book(service, slot, phone string) queue.Booking {
	h.t.Helper()
	b, err := h.q.Book(ctx, citizen, queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: service, SlotAt: at(slot),
		Name: "Wanjiku Kamau", Phone: phone})
	if err != nil {
		h.t.Fatalf("book %s at %s: %v", service, slot, err)
	}
	return b
}

func (h *hall) checkIn(code string) queue.CheckedIn {
	h.t.Helper()
	c, err := h.q.CheckIn(ctx, audit.Actor{Name: "kiosk"}, "HC-GPO", code)
	if err != nil {
		h.t.Fatalf("check in %s: %v", code, err)
	}
	return c
}

func (h *hall) setCapacity(service string, capacity int) {
	h.t.Helper()
	if _, err := h.q.Settings(ctx, h.centre.ID, h.serviceID(service)); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.d.ExecContext(ctx, `UPDATE queue_services SET slot_capacity = $1 WHERE centre_id = $2 AND service_id = $3`,
		capacity, h.centre.ID, h.serviceID(service)); err != nil {
		h.t.Fatal(err)
	}
}

func freeAt(slots []queue.Slot, at time.Time) int {
	for _, s := range slots {
		if s.At.Equal(at) {
			return s.Free
		}
	}
	return -1
}

func TestAppointmentSlots(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00") // a Monday
		cal, err := h.charters.WorkCalendar(ctx, h.centre.CalendarID)
		if err != nil {
			t.Fatal(err)
		}
		slots, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-23 00:00"))
		if err != nil {
			t.Fatal(err)
		}
		if len(slots) == 0 {
			t.Fatal("no slots today")
		}
		if first := slots[0].At; !first.Equal(at("2026-11-23 09:15")) {
			t.Errorf("first slot today %v, want 09:15 (none in the past, none at this very minute)", first)
		}
		for _, s := range slots {
			if !cal.IsOpen(s.At) || !cal.IsOpen(s.At.Add(14*time.Minute)) || s.Free != 2 {
				t.Errorf("slot %v free %d: outside the windows or not 2 places", s.At, s.Free)
			}
			if s.At.Location().String() != "Africa/Nairobi" {
				t.Errorf("slot in %v, want the centre's zone", s.At.Location())
			}
		}
		// Every 15 minutes inside each window: count them for a whole day.
		tomorrow, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-24 00:00"))
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, w := range cal.Windows() {
			if w.Day == time.Tuesday {
				want += (w.End - w.Start) / 15
			}
		}
		if len(tomorrow) != want || want == 0 {
			t.Errorf("%d slots on Tuesday, want %d", len(tomorrow), want)
		}
		// Sunday: closed. Too far ahead, or in the past: refused.
		if sunday, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-29 00:00")); err != nil || len(sunday) != 0 {
			t.Errorf("Sunday: %d slots, %v", len(sunday), err)
		}
		if _, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-12-24 00:00")); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("31 days ahead: %v", err)
		}
		if s, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-12-23 00:00")); err != nil || len(s) == 0 {
			t.Errorf("30 days ahead: %d slots, %v", len(s), err)
		}
		if _, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-20 00:00")); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("last Friday: %v", err)
		}
		// Capacity: two bookings fill a slot; a third is refused.
		h.book("NRB-01", "2026-11-24 10:00", "0712 000 001")
		h.book("NRB-01", "2026-11-24 10:00", "0712 000 002")
		tomorrow, _ = h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-24 00:00"))
		if f := freeAt(tomorrow, at("2026-11-24 10:00")); f != 0 {
			t.Errorf("10:00 has %d free, want 0", f)
		}
		if f := freeAt(tomorrow, at("2026-11-24 10:15")); f != 2 {
			t.Errorf("10:15 has %d free, want 2", f)
		}
		_, err = h.q.Book(ctx, citizen, queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-24 10:00"),
			Name: "Otieno", Phone: "0712 000 003"})
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a full slot: %v", err)
		}
		// Refusals: not a slot, in the past, no phone, the same phone twice that day, no appointments for the service.
		refused := []struct {
			n     queue.NewAppointment
			code  apperr.Code
			field string
		}{
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-24 10:07"), Name: "A", Phone: "0712000009"}, apperr.Invalid, "slot"},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-23 08:45"), Name: "A", Phone: "0712000009"}, apperr.Invalid, "slot"},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-29 10:00"), Name: "A", Phone: "0712000009"}, apperr.Invalid, "slot"},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-24 11:00"), Name: "A", Phone: ""}, apperr.Invalid, "phone"},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-24 11:00"), Name: " ", Phone: "0712000009"}, apperr.Invalid, "name"},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01", SlotAt: at("2026-11-24 11:00"), Name: "A", Phone: "0712 000 001"}, apperr.Conflict, ""},
			{queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NOPE", SlotAt: at("2026-11-24 11:00"), Name: "A", Phone: "0712000009"}, apperr.NotFound, ""},
		}
		for i, c := range refused {
			_, err := h.q.Book(ctx, citizen, c.n)
			if !apperr.Is(err, c.code) || (c.field != "" && apperr.FieldsOf(err)[c.field] == "") {
				t.Errorf("case %d: %v, want %s on %q", i, err, c.code, c.field)
			}
		}
		h.setCapacity("KRA-01", 0)
		if _, err := h.q.Slots(ctx, "HC-GPO", "KRA-01", at("2026-11-24 00:00")); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a service taking no appointments: %v", err)
		}
		// A public holiday has no slots.
		h.now = at("2026-12-21 09:00")
		if xmas, err := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-12-25 00:00")); err != nil || len(xmas) != 0 {
			t.Errorf("Christmas Day: %d slots, %v", len(xmas), err)
		}
	})
}

func TestBookingTheLastPlaceOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		h.book("NRB-01", "2026-11-24 10:00", "0712 000 001") // one of two places left
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = h.q.Book(ctx, citizen, queue.NewAppointment{CentreCode: "HC-GPO", ServiceCode: "NRB-01",
					SlotAt: at("2026-11-24 10:00"), Name: "Racer", Phone: fmt.Sprintf("07220000%02d", i)})
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !apperr.Is(err, apperr.Conflict) {
				t.Errorf("a losing booking: %v, want a conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d bookings of the last place, want 1", ok)
		}
		if c := h.count(`SELECT COUNT(*) FROM appointments WHERE status = 'booked'`); c != 2 {
			t.Errorf("%d booked, want 2", c)
		}
	})
}

func TestBookRescheduleCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		b := h.book("NRB-01", "2026-11-24 10:00", "0712 345 678")
		a := b.Appointment
		if len(a.Code) != 6 || a.Status != queue.AppointmentBooked || a.Phone != "+254712345678" || a.Day != "2026-11-24" || b.Key == "" {
			t.Errorf("booking %+v key %q", a, b.Key)
		}
		var body string
		if err := d.QueryRowContext(ctx, `SELECT body FROM outbox WHERE recipient = '+254712345678'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{a.Code, "Tue 24 Nov 10:00", queue.ManagePath(a.Code, b.Key)} {
			if !strings.Contains(body, want) {
				t.Errorf("confirmation %q lacks %q", body, want)
			}
		}
		if n := h.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'book' AND entity = 'appointment'`); n != 1 {
			t.Errorf("%d audit records of the booking", n)
		}
		// The manage link needs its key; the reference is read in any case, with spaces.
		if _, err := h.q.Appointment(ctx, a.Code, "wrong"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("wrong key: %v", err)
		}
		if got, err := h.q.Appointment(ctx, " "+strings.ToLower(a.Code[:3])+" "+a.Code[3:], b.Key); err != nil || got.ID != a.ID {
			t.Errorf("by reference: %+v %v", got, err)
		}
		if _, err := h.q.Reschedule(ctx, a.Code, "wrong", at("2026-11-25 11:00")); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("reschedule, wrong key: %v", err)
		}
		if _, err := h.q.CancelAppointment(ctx, a.Code, "wrong"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("cancel, wrong key: %v", err)
		}
		if _, err := h.q.Reschedule(ctx, a.Code, b.Key, at("2026-11-25 11:05")); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("reschedule to no slot: %v", err)
		}
		moved, err := h.q.Reschedule(ctx, a.Code, b.Key, at("2026-11-25 11:00"))
		if err != nil {
			t.Fatal(err)
		}
		if !moved.SlotAt.Equal(at("2026-11-25 11:00")) || moved.Day != "2026-11-25" {
			t.Errorf("moved %+v", moved)
		}
		old, _ := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-24 00:00"))
		now, _ := h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-25 00:00"))
		if freeAt(old, at("2026-11-24 10:00")) != 2 || freeAt(now, at("2026-11-25 11:00")) != 1 {
			t.Errorf("after moving: old slot %d free, new %d", freeAt(old, at("2026-11-24 10:00")), freeAt(now, at("2026-11-25 11:00")))
		}
		if n := h.count(`SELECT COUNT(*) FROM outbox WHERE recipient = '+254712345678' AND body LIKE '%moved to Wed 25 Nov 11:00%'`); n != 1 {
			t.Errorf("%d SMS of the move", n)
		}
		if _, err := h.q.CancelAppointment(ctx, a.Code, b.Key); err != nil {
			t.Fatal(err)
		}
		if n := h.count(`SELECT COUNT(*) FROM outbox WHERE recipient = '+254712345678' AND body LIKE '%is cancelled%'`); n != 1 {
			t.Errorf("%d SMS of the cancellation", n)
		}
		now, _ = h.q.Slots(ctx, "HC-GPO", "NRB-01", at("2026-11-25 00:00"))
		if freeAt(now, at("2026-11-25 11:00")) != 2 {
			t.Errorf("a cancelled booking still holds its place")
		}
		if _, err := h.q.CancelAppointment(ctx, a.Code, b.Key); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("cancelled twice: %v", err)
		}
		if _, err := h.q.Reschedule(ctx, a.Code, b.Key, at("2026-11-25 11:15")); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("moving a cancelled one: %v", err)
		}
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", a.Code); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("checking in a cancelled one: %v", err)
		}
		// Once its time has come, an appointment can no longer be changed.
		c := h.book("NRB-01", "2026-11-23 09:30", "0712 345 679")
		h.now = at("2026-11-23 09:31")
		if _, err := h.q.CancelAppointment(ctx, c.Appointment.Code, c.Key); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("cancelling after its time: %v", err)
		}
		if _, err := h.q.Reschedule(ctx, c.Appointment.Code, c.Key, at("2026-11-24 11:00")); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("moving after its time: %v", err)
		}
	})
}

func TestCheckInRanksAtTheBookedTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		o, counter := h.officer("gpo.officer", 1, "NRB-01")
		appt := h.book("NRB-01", "2026-11-23 10:00", "0712 345 678")
		late := h.book("NRB-01", "2026-11-23 10:30", "0712 345 679")
		future := h.book("NRB-01", "2026-11-24 10:00", "0712 345 670")

		h.now = at("2026-11-23 09:40")
		before := h.issue("NRB-01", "", "") // well before the slot
		h.now = at("2026-11-23 10:03")
		after := h.issue("NRB-01", "", "") // after the slot's time
		h.now = at("2026-11-23 10:05")
		in := h.checkIn(appt.Appointment.Code)
		if in.Late || in.Issued.Key == "" || in.Issued.Ticket.Channel != "appointment" || in.Issued.Ticket.Phone != "+254712345678" ||
			!in.Issued.Ticket.RankAt.Equal(at("2026-11-23 10:00")) || in.Appointment.Status != queue.AppointmentCheckedIn {
			t.Errorf("check-in %+v", in)
		}
		if _, err := h.q.Follow(ctx, in.Issued.Ticket.JourneyID, in.Issued.Key); err != nil {
			t.Errorf("follow the checked-in ticket: %v", err)
		}
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", appt.Appointment.Code); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("checking in twice: %v", err)
		}
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", future.Appointment.Code); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("checking in a day early: %v", err)
		}
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", "ZZZZZZ"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("an unknown reference: %v", err)
		}
		if _, err := h.q.CheckIn(ctx, citizen, "HC-EMBU", future.Appointment.Code); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("at another centre: %v", err)
		}
		if c := h.count(`SELECT COUNT(*) FROM appointments WHERE status = 'checked_in' AND ticket_id = $1`, in.Issued.Ticket.ID); c != 1 {
			t.Errorf("the appointment does not name its ticket")
		}
		// Late: 10:30 booked, a walk-in at 10:40, checked in at 10:50, past the 15 minutes.
		h.now = at("2026-11-23 10:40")
		walkIn := h.issue("NRB-01", "", "")
		h.now = at("2026-11-23 10:50")
		li := h.checkIn(late.Appointment.Code)
		if !li.Late || !li.Issued.Ticket.RankAt.Equal(at("2026-11-23 10:50")) {
			t.Errorf("late check-in: late %v rank %v", li.Late, li.Issued.Ticket.RankAt)
		}
		var order []string
		for range 4 {
			tk, err := h.q.CallNext(ctx, o, counter)
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, tk.Number)
			if _, _, err := h.q.Complete(ctx, o, tk.ID, queue.Completion{}); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{before.Ticket.Number, in.Issued.Ticket.Number, after.Ticket.Number, walkIn.Ticket.Number}
		if strings.Join(order[:4], " ") != strings.Join(want, " ") {
			t.Errorf("called %v, want %v", order, want)
		}
		if _, err := h.q.CallNext(ctx, o, counter); err != nil {
			t.Fatal(err) // the late one, last
		}
	})
}

func TestNoShowsMarked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d, "2026-11-23 09:00")
		cal, err := h.charters.WorkCalendar(ctx, h.centre.CalendarID)
		if err != nil {
			t.Fatal(err)
		}
		missed := h.book("NRB-01", "2026-11-23 11:00", "0712 345 678")
		came := h.book("NRB-01", "2026-11-23 11:00", "0712 345 679")
		later := h.book("NRB-01", "2026-11-24 11:00", "0712 345 670")
		h.now = at("2026-11-23 11:05")
		h.checkIn(came.Appointment.Code)
		// Past its slot and LateAfter, but the day is not over: the citizen may still come.
		if n, err := h.q.MarkNoShows(ctx, at("2026-11-23 12:00")); err != nil || n != 0 {
			t.Errorf("at noon: %d marked, %v", n, err)
		}
		var close time.Time
		for _, w := range cal.Windows() {
			if w.Day == time.Monday {
				c := at("2026-11-23 00:00").Add(time.Duration(w.End) * time.Minute)
				if c.After(close) {
					close = c
				}
			}
		}
		if n, err := h.q.MarkNoShows(ctx, close.Add(time.Minute)); err != nil || n != 1 {
			t.Errorf("after closing: %d marked, %v, want 1", n, err)
		}
		if n, _ := h.q.MarkNoShows(ctx, close.Add(2*time.Minute)); n != 0 {
			t.Errorf("marked again: %d", n)
		}
		status := func(code string) string {
			var s string
			if err := d.QueryRowContext(ctx, `SELECT status FROM appointments WHERE code = $1`, code).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if status(missed.Appointment.Code) != "no_show" || status(came.Appointment.Code) != "checked_in" || status(later.Appointment.Code) != "booked" {
			t.Errorf("statuses %s %s %s", status(missed.Appointment.Code), status(came.Appointment.Code), status(later.Appointment.Code))
		}
		h.now = close.Add(time.Hour)
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", missed.Appointment.Code); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("checking in a no-show: %v", err)
		}
		// The next day, yesterday's booking has expired.
		h.now = at("2026-11-25 09:00")
		if _, err := h.q.CheckIn(ctx, citizen, "HC-GPO", later.Appointment.Code); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("checking in an expired one: %v", err)
		}
	})
}
