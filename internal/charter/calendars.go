package charter

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// DefaultCalendarCode names the calendar created by the first migration run: Africa/Nairobi,
// Monday to Friday 08:00–13:00 and 14:00–17:00.
const DefaultCalendarCode = "KE-STANDARD"

// EnsureDefaultCalendar creates the default calendar if it is missing and returns it.
func (s *Store) EnsureDefaultCalendar(ctx context.Context, actor audit.Actor) (Calendar, error) {
	if c, err := s.CalendarByCode(ctx, DefaultCalendarCode); err == nil {
		return c, nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return c, err
	}
	var windows []WindowJSON
	for _, w := range worktime.DefaultWindows() {
		windows = append(windows, WindowJSON{Day: int(w.Day), Start: hhmm(w.Start), End: hhmm(w.End)})
	}
	c := Calendar{Code: DefaultCalendarCode, Name: "Kenya public service hours (Mon–Fri 08:00–13:00, 14:00–17:00)", TimeZone: "Africa/Nairobi", Windows: windows}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, _ := json.Marshal(c.Windows)
		if err := tx.QueryRowContext(ctx, `INSERT INTO calendars (code, name, time_zone, windows, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, c.Code, c.Name, c.TimeZone, string(b), now).Scan(&c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "create", "calendar", c.Code, "Created calendar "+c.Name, nil, c, 0, 0)
	})
	return c, err
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

func parseHHMM(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hi < 0 || hi > 24 || mi < 0 || mi > 59 || hi*60+mi > 24*60 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	return hi*60 + mi, nil
}

func scanCalendar(row db.Scanner) (Calendar, error) {
	var c Calendar
	var windows string
	if err := row.Scan(&c.ID, &c.Code, &c.Name, &c.TimeZone, &windows); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(windows), &c.Windows); err != nil {
		return c, fmt.Errorf("calendar %s: windows: %w", c.Code, err)
	}
	return c, nil
}

// Calendars lists the stored calendars.
func (s *Store) Calendars(ctx context.Context) ([]Calendar, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, time_zone, windows FROM calendars ORDER BY name`)
	out, err := db.Collect(rows, err, scanCalendar)
	if err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	return out, nil
}

// CalendarByCode finds a calendar.
func (s *Store) CalendarByCode(ctx context.Context, code string) (Calendar, error) {
	c, err := scanCalendar(s.db.QueryRowContext(ctx, `SELECT id, code, name, time_zone, windows FROM calendars WHERE code = $1`, code))
	return c, notFound(err, "No calendar with code %q.", code)
}

// CalendarByID finds a calendar.
func (s *Store) CalendarByID(ctx context.Context, id int64) (Calendar, error) {
	c, err := scanCalendar(s.db.QueryRowContext(ctx, `SELECT id, code, name, time_zone, windows FROM calendars WHERE id = $1`, id))
	return c, notFound(err, "No calendar with code %q.", idString(id))
}

// calendarCache keeps built calendars: building one costs tens of microseconds and every new
// request needs one. Holiday changes made through this process drop it at once; changes made by
// another node are seen within calendarCacheTTL.
type calendarCache struct {
	mu      sync.Mutex
	entries map[int64]cachedCalendar
}

type cachedCalendar struct {
	cal   *worktime.Calendar
	built time.Time
}

const calendarCacheTTL = 30 * time.Second

func newCalendarCache() *calendarCache { return &calendarCache{entries: map[int64]cachedCalendar{}} }

func (c *calendarCache) get(id int64, now time.Time) *worktime.Calendar {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[id]; ok && now.Sub(e.built) < calendarCacheTTL && now.Sub(e.built) >= 0 {
		return e.cal
	}
	return nil
}

func (c *calendarCache) put(id int64, cal *worktime.Calendar, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[id] = cachedCalendar{cal, now}
}

func (c *calendarCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// WorkCalendar returns the working-time calendar for a stored calendar: its zone and windows, the
// statutory holidays, and every holiday an admin entered for it or for all calendars.
func (s *Store) WorkCalendar(ctx context.Context, calendarID int64) (*worktime.Calendar, error) {
	now := time.Now()
	if cal := s.calendars.get(calendarID, now); cal != nil {
		return cal, nil
	}
	cal, err := s.buildCalendar(ctx, calendarID)
	if err != nil {
		return nil, err
	}
	s.calendars.put(calendarID, cal, now)
	return cal, nil
}

func (s *Store) buildCalendar(ctx context.Context, calendarID int64) (*worktime.Calendar, error) {
	c, err := s.CalendarByID(ctx, calendarID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("calendar %s: time zone %q: %w", c.Code, c.TimeZone, err)
	}
	var windows []worktime.Window
	for _, w := range c.Windows {
		start, err1 := parseHHMM(w.Start)
		end, err2 := parseHHMM(w.End)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("calendar %s: %w", c.Code, err)
		}
		windows = append(windows, worktime.Window{Day: time.Weekday(w.Day), Start: start, End: end})
	}
	hs, err := s.Holidays(ctx, HolidayFilter{CalendarID: calendarID, IncludeNational: true})
	if err != nil {
		return nil, err
	}
	extra := make([]worktime.Holiday, 0, len(hs))
	for _, h := range hs {
		d, err := worktime.ParseDate(h.Day)
		if err != nil {
			return nil, fmt.Errorf("holiday %d: %w", h.ID, err)
		}
		extra = append(extra, worktime.Holiday{Date: d, Name: h.Name})
	}
	return worktime.New(loc, windows, extra)
}

// HolidayFilter narrows the holiday list.
type HolidayFilter struct {
	Year            int   // 0 for every year
	CalendarID      int64 // 0: national holidays only (unless IncludeNational with a calendar)
	IncludeNational bool  // with CalendarID: also the holidays for all calendars
	All             bool  // every holiday of every calendar
}

// Holidays lists the holidays admins entered, by date.
func (s *Store) Holidays(ctx context.Context, f HolidayFilter) ([]Holiday, error) {
	var where []string
	var args []any
	switch {
	case f.All:
	case f.CalendarID != 0 && f.IncludeNational:
		args = append(args, f.CalendarID)
		where = append(where, "(h.calendar_id = $1 OR h.calendar_id IS NULL)")
	case f.CalendarID != 0:
		args = append(args, f.CalendarID)
		where = append(where, "h.calendar_id = $1")
	default:
		where = append(where, "h.calendar_id IS NULL")
	}
	if f.Year != 0 {
		args = append(args, fmt.Sprintf("%04d-%%", f.Year))
		where = append(where, fmt.Sprintf("h.day LIKE $%d", len(args)))
	}
	q := `SELECT h.id, COALESCE(h.calendar_id, 0), COALESCE(k.name, ''), h.day, h.name, h.gazette_notice, h.created_at
		FROM holidays h LEFT JOIN calendars k ON k.id = h.calendar_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY h.day", args...)
	out, err := db.Collect(rows, err, func(r db.Scanner) (h Holiday, err error) {
		return h, r.Scan(&h.ID, &h.CalendarID, &h.CalendarName, &h.Day, &h.Name, &h.GazetteNotice, &h.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list holidays: %w", err)
	}
	return out, nil
}

// HolidayByID finds a holiday an admin entered.
func (s *Store) HolidayByID(ctx context.Context, id int64) (Holiday, error) {
	var h Holiday
	err := s.db.QueryRowContext(ctx, `SELECT h.id, COALESCE(h.calendar_id, 0), COALESCE(k.name, ''), h.day, h.name, h.gazette_notice, h.created_at
		FROM holidays h LEFT JOIN calendars k ON k.id = h.calendar_id WHERE h.id = $1`, id).
		Scan(&h.ID, &h.CalendarID, &h.CalendarName, &h.Day, &h.Name, &h.GazetteNotice, &h.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, apperr.New(apperr.NotFound, "That holiday does not exist; it may have been removed already.")
	}
	return h, err
}

// AddHoliday records a holiday an admin entered (a gazetted day, Idd-ul-Fitr).
func (s *Store) AddHoliday(ctx context.Context, actor audit.Actor, h Holiday) (Holiday, error) {
	if err := h.normalise(); err != nil {
		return h, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO holidays (calendar_id, day, name, gazette_notice, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			nullID(h.CalendarID), h.Day, h.Name, h.GazetteNotice, now).Scan(&h.ID); err != nil {
			return conflictField(s.db.Kind(), err, "day", "There is already a holiday on this day.")
		}
		h.CreatedAt = now
		return audit.Record(ctx, tx, now, actor, "create", "holiday", h.Day, "Added holiday "+h.Day+" "+h.Name, nil, h, 0, 0)
	})
	s.calendars.clear() // after the commit, so nobody rebuilds from the old holidays in between
	return h, err
}

// DeleteHoliday removes a holiday an admin entered.
func (s *Store) DeleteHoliday(ctx context.Context, actor audit.Actor, id int64) error {
	now := s.now().UTC()
	defer s.calendars.clear() // after the commit, so nobody rebuilds from the old holidays in between
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var h Holiday
		var cal sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, calendar_id, day, name, gazette_notice FROM holidays WHERE id = $1`, id).
			Scan(&h.ID, &cal, &h.Day, &h.Name, &h.GazetteNotice)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "That holiday does not exist; it may have been removed already.")
		} else if err != nil {
			return err
		}
		h.CalendarID = cal.Int64
		if _, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "delete", "holiday", h.Day, "Removed holiday "+h.Day+" "+h.Name, h, nil, 0, 0)
	})
}
