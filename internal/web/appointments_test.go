package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

var slotRadio = regexp.MustCompile(`name="slot" value="(\d+)"`)

// bookAt books a slot (an instant) of NRB-01 at the GPO centre through the booking page and
// returns the manage page's address.
func bookAt(t *testing.T, c *client, day string, slot time.Time, phone string) string {
	t.Helper()
	path := "/centres/HC-GPO/book?service=NRB-01&day=" + day
	res, body := c.get(path)
	wantStatus(t, res, body, http.StatusOK)
	value := strconv.FormatInt(slot.Unix(), 10)
	found := false
	for _, m := range slotRadio.FindAllStringSubmatch(body, -1) {
		found = found || m[1] == value
	}
	if !found {
		t.Fatalf("slot %v not offered on %s", slot, day)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	res, body = c.post("/centres/HC-GPO/book", url.Values{"csrf": {token}, "service": {"NRB-01"}, "day": {day}, "slot": {value},
		"name": {"Wanjiku Kamau"}, "phone": {phone}})
	wantStatus(t, res, body, http.StatusSeeOther)
	return res.Header.Get("Location")
}

func TestAppointmentPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d) // Monday 2026-11-23 12:30 in Nairobi
		c := h.anonymous()
		res, body := c.get("/centres/HC-GPO/book")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Book an appointment", `name="service"`, `type="date"`, `min="2026-11-23"`, `max="2026-12-23"`)

		// Tomorrow 10:00 in Nairobi.
		loc := h.manage(t, bookAt(t, c, "2026-11-24", time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC), "0712 345 678"))
		if !strings.HasPrefix(loc.Path, "/appointments/") || loc.Query().Get("key") == "" || loc.Query().Get("done") != "booked" {
			t.Fatalf("after booking: %v", loc)
		}
		code, key := strings.TrimPrefix(loc.Path, "/appointments/"), loc.Query().Get("key")
		var sms string
		if err := d.QueryRowContext(ctx, `SELECT body FROM outbox WHERE recipient = '+254712345678'`).Scan(&sms); err != nil || !strings.Contains(sms, code) {
			t.Errorf("confirmation SMS %q, %v", sms, err)
		}
		res, body = c.get(loc.RequestURI())
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, code, "Tue 24 Nov 2026 10:00", "Wanjiku Kamau", "Cancel my appointment")
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the manage page may be cached")
		}
		res, body = c.get("/appointments/" + code + "?key=wrong")
		wantStatus(t, res, body, http.StatusNotFound)

		// Reschedule: choose a day, then a time.
		res, body = c.get("/appointments/" + code + "?key=" + url.QueryEscape(key) + "&day=2026-11-25")
		wantStatus(t, res, body, http.StatusOK)
		eleven := strconv.FormatInt(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).Unix(), 10)
		if !strings.Contains(body, `value="`+eleven+`"`) {
			t.Fatalf("11:00 on Wednesday not offered")
		}
		token := csrfField.FindStringSubmatch(body)[1]
		res, _ = c.post("/appointments/"+code+"/reschedule", url.Values{"key": {key}, "slot": {eleven}})
		wantStatus(t, res, "", http.StatusForbidden) // no form token
		res, body = c.post("/appointments/"+code+"/reschedule", url.Values{"csrf": {token}, "key": {"wrong"}, "slot": {eleven}})
		wantStatus(t, res, body, http.StatusNotFound)
		res, body = c.post("/appointments/"+code+"/reschedule", url.Values{"csrf": {token}, "key": {key}, "slot": {"12345"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		res, body = c.post("/appointments/"+code+"/reschedule", url.Values{"csrf": {token}, "key": {key}, "slot": {eleven}, "day": {"2026-11-25"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = c.get(res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Wed 25 Nov 2026 11:00", "Your appointment is moved.")

		// Cancel, then again.
		res, body = c.post("/appointments/"+code+"/cancel", url.Values{"csrf": {token}, "key": {key}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = c.get(res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Your appointment is cancelled.", "Cancelled")
		if strings.Contains(body, "Cancel my appointment") {
			t.Errorf("a cancelled appointment offers to cancel")
		}
		res, body = c.post("/appointments/"+code+"/cancel", url.Values{"csrf": {token}, "key": {key}})
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "This appointment was cancelled.")

		// A refused booking shows the form again with the field's message.
		res, body = c.post("/centres/HC-GPO/book", url.Values{"csrf": {token}, "service": {"NRB-01"}, "day": {"2026-11-24"},
			"slot": {strconv.FormatInt(time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC).Unix(), 10)}, "name": {""}, "phone": {"0712 000 111"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter your name.")
		// Too far ahead: a refusal on the page, no slots.
		res, body = c.get("/centres/HC-GPO/book?service=NRB-01&day=2027-01-30")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Appointments can be booked up to 30 days ahead.")
	})
}

func (h *harness) manage(t *testing.T, loc string) *url.URL {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAppointmentCheckIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d) // 12:30 in Nairobi
		c := h.anonymous()
		loc := h.manage(t, bookAt(t, c, "2026-11-23", time.Date(2026, 11, 23, 9, 45, 0, 0, time.UTC), "0712 345 678")) // 12:45
		code := strings.TrimPrefix(loc.Path, "/appointments/")
		h.now = time.Date(2026, 11, 23, 9, 50, 0, 0, time.UTC)

		res, body := c.get("/centres/HC-GPO/checkin")
		wantStatus(t, res, body, http.StatusOK)
		token := csrfField.FindStringSubmatch(body)[1]
		res, body = c.post("/centres/HC-GPO/checkin", url.Values{"csrf": {token}, "code": {""}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter the reference of your appointment.")
		res, body = c.post("/centres/HC-GPO/checkin", url.Values{"csrf": {token}, "code": {"NOSUCH"}})
		wantStatus(t, res, body, http.StatusNotFound)
		wantContains(t, body, "No appointment with that reference.")

		res, body = c.post("/centres/HC-GPO/checkin", url.Values{"csrf": {token}, "code": {strings.ToLower(code)}})
		wantStatus(t, res, body, http.StatusSeeOther)
		id, key := ticketAt(t, res.Header.Get("Location"))
		tk, err := h.queue.Follow(ctx, id, key)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Channel != "appointment" || !tk.RankAt.Equal(time.Date(2026, 11, 23, 9, 45, 0, 0, time.UTC)) {
			t.Errorf("ticket %+v", tk)
		}
		res, body = c.get(res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, tk.Number)

		res, body = c.post("/centres/HC-GPO/checkin", url.Values{"csrf": {token}, "code": {code}})
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "This appointment has already checked in.")
	})
}

// TestKioskLeadsToCheckIn: a citizen with an appointment finds the check-in from the kiosk.
func TestKioskLeadsToCheckIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		_, body := c.get("/centres/HC-GPO/kiosk")
		wantContains(t, body, `href="/centres/HC-GPO/checkin?from=kiosk"`, "I have an appointment: check in")
		res, body := c.get("/centres/HC-GPO/checkin?from=kiosk")
		wantStatus(t, res, body, http.StatusOK)
	})
}
