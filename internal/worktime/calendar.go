// Package worktime is Huduma's working-time clock: calendars with several working windows a day,
// Kenyan statutory and gazetted holidays, and the arithmetic that turns a charter's "within 10
// working days" into a deadline. It is pure Go and does no I/O, except that Default loads the
// Africa/Nairobi zone.
//
// Working time is counted on the office's wall clock: a window 08:00–13:00 holds five working
// hours even on a day the clocks change. (Offices are closed at the hours clocks change, so this
// only matters for a window that spans the change.)
//
// A Calendar is immutable once built and safe for concurrent use.
package worktime

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Window is one working period of a weekday, in minutes after local midnight, half-open
// [Start, End): Window{time.Monday, 8 * 60, 13 * 60} is open at 08:00 and closed at 13:00. End may
// be 24*60 (midnight at the end of the day).
type Window struct {
	Day        time.Weekday
	Start, End int
}

// DefaultWindows are the Narok county charter's hours: Monday to Friday, 08:00–13:00 and
// 14:00–17:00. Each call returns a new slice.
func DefaultWindows() []Window {
	var ws []Window
	for d := time.Monday; d <= time.Friday; d++ {
		ws = append(ws, Window{d, 8 * 60, 13 * 60}, Window{d, 14 * 60, 17 * 60})
	}
	return ws
}

// The precomputed holiday table covers these years. Dates outside it are still answered (the
// statutory list is computed on the spot, allocation-free), only more slowly.
const (
	tableFirstYear = 2000
	tableLastYear  = 2100
)

// span is a window as nanoseconds after local midnight.
type span struct{ start, end int64 }

// Calendar is a time zone, weekly working windows and holidays. Build one with New or Default;
// the zero value is not usable.
type Calendar struct {
	loc     *time.Location
	windows []Window // as validated, sorted by day and start

	win     [7][]span // by weekday, sorted
	dayLen  [7]int64  // working nanoseconds of each weekday
	pre     [8]int64  // pre[w] = dayLen[0] + … + dayLen[w-1]
	weekLen int64     // working nanoseconds of a week with no holiday
	perWeek int       // working days of a week with no holiday

	extras     []Holiday // the admin's holidays, sorted by date
	extraDays  []int     // their distinct day numbers, sorted, for lookups outside the table
	extraNames []string  // the name(s) on each of extraDays, joined

	// The table: every holiday (statutory and extra) from tableFirstYear to tableLastYear, by day
	// number, with the working time each one removes, summed, for Elapsed.
	lo, hi  int // day numbers: the table covers [lo, hi)
	hd      []int32
	hname   []string
	lostCum []int64 // lostCum[i] = working time lost to hd[0..i-1]
}

// New builds a calendar. loc nil means Africa/Nairobi (as Default). windows must hold at least
// one window; windows must lie within a day, end after they start, and not overlap on the same
// day (touching is fine). extra holds holidays an admin entered — Idd-ul-Fitr, Idd-ul-Azha, a
// one-off gazetted day. They stand on the date given: an extra holiday on a Sunday does not move,
// because a gazette notice names the day it means (and often already names the substitute). An
// extra that repeats a statutory holiday's date and name is dropped; one with a new name on a
// statutory date adds its name to that day.
func New(loc *time.Location, windows []Window, extra []Holiday) (*Calendar, error) {
	if loc == nil {
		loc = nairobi()
	}
	if len(windows) == 0 {
		return nil, errors.New("worktime: a calendar needs at least one working window")
	}
	ws := slices.Clone(windows)
	for _, w := range ws {
		if w.Day < time.Sunday || w.Day > time.Saturday {
			return nil, fmt.Errorf("worktime: window on day %d: not a weekday (0 Sunday to 6 Saturday)", int(w.Day))
		}
		if w.Start < 0 || w.End > 24*60 {
			return nil, fmt.Errorf("worktime: window %s: times must lie between 00:00 and 24:00", w)
		}
		if w.End <= w.Start {
			return nil, fmt.Errorf("worktime: window %s: end must be after start", w)
		}
	}
	slices.SortFunc(ws, func(a, b Window) int {
		if a.Day != b.Day {
			return int(a.Day) - int(b.Day)
		}
		return a.Start - b.Start
	})
	for i := 1; i < len(ws); i++ {
		if ws[i].Day == ws[i-1].Day && ws[i].Start < ws[i-1].End {
			return nil, fmt.Errorf("worktime: windows %s and %s overlap", ws[i-1], ws[i])
		}
	}
	ex := make([]Holiday, 0, len(extra))
	for _, h := range extra {
		h.Name = strings.TrimSpace(h.Name)
		if !h.Date.Valid() {
			return nil, fmt.Errorf("worktime: holiday %q: date %s does not exist", h.Name, h.Date)
		}
		if h.Name == "" {
			return nil, fmt.Errorf("worktime: holiday on %s: a name is required", h.Date)
		}
		ex = append(ex, h)
	}
	return build(loc, ws, ex), nil
}

// String writes a window as "Monday 08:00–13:00" for error messages.
func (w Window) String() string {
	return fmt.Sprintf("%s %02d:%02d–%02d:%02d", w.Day, w.Start/60, w.Start%60, w.End/60, w.End%60)
}

// Default is the standard Kenyan public-service calendar: Africa/Nairobi, DefaultWindows, the
// statutory holidays and no extras.
func Default() *Calendar { return build(nairobi(), DefaultWindows(), nil) }

// nairobi loads Africa/Nairobi, or, on a machine without a zone database, the fixed +03:00 the
// zone has kept since 1942, so Default never fails.
func nairobi() *time.Location {
	if loc, err := time.LoadLocation("Africa/Nairobi"); err == nil {
		return loc
	}
	return time.FixedZone("EAT", 3*60*60)
}

// build makes a calendar from validated windows (sorted by day and start) and named extras.
func build(loc *time.Location, ws []Window, extra []Holiday) *Calendar {
	c := &Calendar{loc: loc, windows: ws}
	for _, w := range ws {
		c.win[w.Day] = append(c.win[w.Day], span{int64(w.Start) * int64(time.Minute), int64(w.End) * int64(time.Minute)})
		c.dayLen[w.Day] += int64(w.End-w.Start) * int64(time.Minute)
	}
	for d := range 7 {
		c.pre[d+1] = c.pre[d] + c.dayLen[d]
		if c.dayLen[d] > 0 {
			c.perWeek++
		}
	}
	c.weekLen = c.pre[7]

	// Extras: sorted, without repeats of a statutory holiday, names joined per day.
	slices.SortStableFunc(extra, func(a, b Holiday) int {
		if d := a.Date.Compare(b.Date); d != 0 {
			return d
		}
		// Case-insensitively, so that "Idd-ul-Fitr" and "idd-ul-fitr" meet and merge below.
		if d := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	var buf [maxStatutory]hday
	for _, h := range extra {
		dn := h.Date.dayNumber()
		n := statutoryInto(h.Date.Year, &buf)
		if slices.ContainsFunc(buf[:n], func(s hday) bool { return s.dn == dn && strings.EqualFold(s.name, h.Name) }) {
			continue
		}
		if len(c.extras) > 0 {
			if last := c.extras[len(c.extras)-1]; last.Date == h.Date && strings.EqualFold(last.Name, h.Name) {
				continue
			}
		}
		c.extras = append(c.extras, h)
		if k := len(c.extraDays); k > 0 && c.extraDays[k-1] == dn {
			c.extraNames[k-1] += " / " + h.Name
		} else {
			c.extraDays = append(c.extraDays, dn)
			c.extraNames = append(c.extraNames, h.Name)
		}
	}

	// The table: merge each year's statutory holidays with the extras, one entry per day.
	c.lo = Date{tableFirstYear, time.January, 1}.dayNumber()
	c.hi = Date{tableLastYear + 1, time.January, 1}.dayNumber()
	const perYear = 12 // typical statutory count, with room for a substitute or an Idd
	size := (tableLastYear-tableFirstYear+1)*perYear + len(c.extraDays)
	c.hd = make([]int32, 0, size)
	c.hname = make([]string, 0, size)
	c.lostCum = make([]int64, 1, size+1)
	e := lowerBound(c.extraDays, c.lo)
	add := func(dn int, name string) {
		if k := len(c.hd); k > 0 && int(c.hd[k-1]) == dn {
			c.hname[k-1] += " / " + name
			return
		}
		c.hd = append(c.hd, int32(dn))
		c.hname = append(c.hname, name)
		c.lostCum = append(c.lostCum, c.lostCum[len(c.lostCum)-1]+c.dayLen[weekdayOf(dn)])
	}
	for y := tableFirstYear; y <= tableLastYear; y++ {
		n := statutoryInto(y, &buf)
		for _, s := range buf[:n] {
			for e < len(c.extraDays) && c.extraDays[e] < s.dn {
				add(c.extraDays[e], c.extraNames[e])
				e++
			}
			add(s.dn, s.name)
		}
	}
	for ; e < len(c.extraDays) && c.extraDays[e] < c.hi; e++ {
		add(c.extraDays[e], c.extraNames[e])
	}
	return c
}

// Location is the calendar's time zone; every result is given in it.
func (c *Calendar) Location() *time.Location { return c.loc }

// Windows returns a copy of the working windows, sorted by weekday and start.
func (c *Calendar) Windows() []Window { return slices.Clone(c.windows) }

// Holidays lists year's holidays, statutory and extra, sorted by date; on a shared date the
// statutory holiday comes first.
func (c *Calendar) Holidays(year int) []Holiday {
	out := StatutoryHolidays(year)
	for _, h := range c.extras {
		if h.Date.Year == year {
			out = append(out, h)
		}
	}
	sortHolidays(out)
	return out
}

// HolidayOn names the holiday on d, joining the names if more than one falls that day.
func (c *Calendar) HolidayOn(d Date) (name string, ok bool) {
	if !d.Valid() {
		return "", false
	}
	dn := d.dayNumber()
	if dn >= c.lo && dn < c.hi {
		if i := lowerBound32(c.hd, dn); i < len(c.hd) && int(c.hd[i]) == dn {
			return c.hname[i], true
		}
		return "", false
	}
	var buf [maxStatutory]hday
	n := statutoryInto(d.Year, &buf)
	for _, s := range buf[:n] {
		if s.dn == dn {
			name, ok = s.name, true
		}
	}
	if i := lowerBound(c.extraDays, dn); i < len(c.extraDays) && c.extraDays[i] == dn {
		if ok {
			return name + " / " + c.extraNames[i], true
		}
		return c.extraNames[i], true
	}
	return name, ok
}

// IsOpen reports whether t falls inside a working window on a day that is not a holiday.
func (c *Calendar) IsOpen(t time.Time) bool {
	dn, tod := c.split(t)
	if c.nextHoliday(dn) == dn {
		return false
	}
	for _, w := range c.win[weekdayOf(dn)] {
		if tod >= w.start && tod < w.end {
			return true
		}
	}
	return false
}

// NextOpening is the first open instant at or after t: t itself (in the calendar's zone) if the
// calendar is open at t, otherwise the start of the next working window.
func (c *Calendar) NextOpening(t time.Time) time.Time {
	dn, tod := c.split(t)
	odn, otod, _ := c.open(dn, tod, c.nextHoliday(dn))
	if odn == dn && otod == tod {
		return t.In(c.loc)
	}
	return c.join(odn, otod)
}

// nextHoliday is the day number of the first holiday on or after day dn. Every year has
// statutory holidays, so there always is one within a year.
func (c *Calendar) nextHoliday(dn int) int {
	if dn >= c.lo && dn < c.hi {
		if i := lowerBound32(c.hd, dn); i < len(c.hd) {
			return int(c.hd[i])
		}
		dn = c.hi
	}
	// Outside the table: this year's and next year's statutory holidays, and the extras.
	best := int(^uint(0) >> 1)
	var buf [maxStatutory]hday
	y := dateOf(dn).Year
	for yy := y; yy <= y+1 && best == int(^uint(0)>>1); yy++ {
		n := statutoryInto(yy, &buf)
		for _, s := range buf[:n] {
			if s.dn >= dn {
				best = s.dn
				break
			}
		}
	}
	if i := lowerBound(c.extraDays, dn); i < len(c.extraDays) && c.extraDays[i] < best {
		best = c.extraDays[i]
	}
	return best
}

// lowerBound32 is the index of the first element of a sorted slice that is ≥ x. Written out
// because sort.Search's closure costs more than the search on this path.
func lowerBound32(a []int32, x int) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(a[m]) < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func lowerBound(a []int, x int) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// split turns an instant into the calendar's local day number and wall-clock time of day in
// nanoseconds, without allocating.
func (c *Calendar) split(t time.Time) (dn int, tod int64) {
	t = t.In(c.loc)
	_, off := t.Zone()
	sec := t.Unix() + int64(off)
	day := sec / 86400
	if sec%86400 < 0 {
		day--
	}
	return int(day), (sec-day*86400)*int64(time.Second) + int64(t.Nanosecond())
}

// join is the inverse of split; time.Date normalises the day and second counts for us.
func (c *Calendar) join(dn int, tod int64) time.Time {
	sec, ns := tod/int64(time.Second), tod%int64(time.Second)
	return time.Date(1970, time.January, 1+dn, 0, 0, int(sec), int(ns), c.loc)
}

// open is the first open instant at or after (dn, tod). h is any holiday day number known to be
// the first one on or after dn (or earlier than dn, in which case it is refreshed); the function
// returns the refreshed h for the caller's next step.
func (c *Calendar) open(dn int, tod int64, h int) (int, int64, int) {
	for {
		if h < dn {
			h = c.nextHoliday(dn)
		}
		if dn != h {
			for _, w := range c.win[weekdayOf(dn)] {
				if tod < w.end {
					return dn, max(tod, w.start), h
				}
			}
		}
		dn, tod = dn+1, 0
	}
}
