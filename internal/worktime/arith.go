package worktime

import "time"

// Due is the deadline for a span starting at from, in the calendar's zone.
//
// The clock starts at NextOpening(from): a request lodged on Friday at 18:00 starts on Monday at
// 08:00. Then:
//
//   - Minutes and hours are working time: 30m from 12:50 on a working Monday is 14:20, because
//     13:00–14:00 is lunch. The deadline is the earliest instant at which the span has run, so
//     30m from 12:30 is 13:00, not 14:00.
//   - Days keep the point of the working clock: Nd is reached after as much working time on the
//     Nth working day after the start day as had elapsed on the start day at the start. Monday
//     10:00 + 1d is Tuesday 10:00, Friday 10:00 + 1d is Monday 10:00, a request lodged at lunch
//     on Monday (counted from 14:00) is due at 14:00 on Tuesday, and a holiday in between is
//     stepped over. Where the target day holds less working time than that offset (a calendar
//     whose days differ in length), the remainder spills into the following working time, so
//     no promised working time is lost.
//   - A week is as many working days as the calendar's week holds: 5 for Monday to Friday, 6 for
//     a calendar that also opens on Saturdays.
//
// A span with N < 1 or an unknown unit gives NextOpening(from); N beyond ParseSpan's limit is
// taken as that limit. Due does not allocate.
func (c *Calendar) Due(from time.Time, s Span) time.Time {
	dn, tod := c.split(from)
	dn, tod, h := c.open(dn, tod, c.nextHoliday(dn))
	if s.N < 1 {
		return c.join(dn, tod)
	}
	s.N = min(s.N, s.Unit.max())
	if d, ok := s.duration(); ok {
		dn, tod = c.add(dn, tod, h, int64(d), false)
		return c.join(dn, tod)
	}
	days := s.N
	switch s.Unit {
	case Day:
	case Week:
		days *= WorkingDaysPerWeek
	default:
		return c.join(dn, tod)
	}
	offset := c.workedBefore(dn, tod) // dn is an open day, so not a holiday
	dn, h = c.skipWorkingDays(dn, h, days)
	dn, tod = c.add(dn, c.win[weekdayOf(dn)][0].start, h, offset, true)
	return c.join(dn, tod)
}

// workedBefore is the working time on working day dn before time of day tod.
func (c *Calendar) workedBefore(dn int, tod int64) int64 {
	var sum int64
	for _, w := range c.win[weekdayOf(dn)] {
		if tod <= w.start {
			break
		}
		sum += min(tod, w.end) - w.start
	}
	return sum
}

// add walks rem of working time forward from (dn, tod). h is the first holiday on or after dn.
//
// Where rem runs out exactly at the end of a window, minutes and hours stop there (the earliest
// instant the span has run: 12:30 + 30m is 13:00), while days, with atWindowStart, go on to the
// start of the day's next window, so that the time of day is kept: Monday 14:00 + 1d is Tuesday
// 14:00, not 13:00. A day's last window still ends the day: a deadline never moves to the next
// day for want of zero minutes.
func (c *Calendar) add(dn int, tod int64, h int, rem int64, atWindowStart bool) (int, int64) {
	for {
		if h < dn {
			h = c.nextHoliday(dn)
		}
		if dn != h {
			ws := c.win[weekdayOf(dn)]
			for i, w := range ws {
				if tod >= w.end {
					continue
				}
				s := max(tod, w.start)
				if avail := w.end - s; rem < avail || rem == avail && (!atWindowStart || i == len(ws)-1) {
					return dn, s + rem
				} else {
					rem -= avail
				}
			}
		}
		dn, tod = dn+1, 0
		// Whole weeks without a holiday go in one step; strictly more than a week must remain, so
		// that the deadline itself is still found by the window walk above.
		for rem > c.weekLen {
			if h < dn {
				h = c.nextHoliday(dn)
			}
			if h < dn+7 {
				break
			}
			dn += 7
			rem -= c.weekLen
		}
	}
}

// skipWorkingDays is the nth working day after working day dn. h is the first holiday on or
// after dn; the refreshed value is returned.
func (c *Calendar) skipWorkingDays(dn, h, n int) (int, int) {
	working := true
	for n > 0 {
		// From a working day, seven days on is the same weekday, so working too, and with no
		// holiday in (dn, dn+7] exactly perWeek working days have passed.
		if working && n >= c.perWeek {
			if h <= dn {
				h = c.nextHoliday(dn + 1)
			}
			if h > dn+7 {
				dn += 7
				n -= c.perWeek
				continue
			}
		}
		dn++
		if h < dn {
			h = c.nextHoliday(dn)
		}
		working = dn != h && c.dayLen[weekdayOf(dn)] > 0
		if working {
			n--
		}
	}
	return dn, h
}

// Interval is a stretch of time, half-open [Start, End), such as a pause of an SLA clock while
// the office waits for the citizen.
type Interval struct{ Start, End time.Time }

// Elapsed is the working time from from to to, less the pauses. Pauses may overlap, come in any
// order and reach outside [from, to); what lies outside is ignored, and so is a pause whose End
// is not after its Start. to before from gives 0. Working time is wall-clock time (see the
// package comment); where a clock change repeats an hour inside a window the result is never
// negative.
func (c *Calendar) Elapsed(from, to time.Time, pauses []Interval) time.Duration {
	if !from.Before(to) {
		return 0
	}
	total := c.between(from, to)
	if len(pauses) > 0 {
		// Clip, sort and merge the pauses, then take each merged stretch out once. The buffer
		// keeps the usual handful of pauses off the heap; the caller's slice is left alone.
		var buf [8]Interval
		ps := buf[:0]
		for _, p := range pauses {
			s, e := p.Start, p.End
			if s.Before(from) {
				s = from
			}
			if e.After(to) {
				e = to
			}
			if s.Before(e) {
				ps = append(ps, Interval{s, e})
			}
		}
		sortIntervals(ps)
		for i := 0; i < len(ps); {
			cur := ps[i]
			for i++; i < len(ps) && !ps[i].Start.After(cur.End); i++ {
				if ps[i].End.After(cur.End) {
					cur.End = ps[i].End
				}
			}
			total -= c.between(cur.Start, cur.End)
		}
	}
	return time.Duration(max(total, 0))
}

// sortIntervals sorts by start. Insertion sort: pauses come a few at a time, often already in
// order, and a generic sort would make the buffer escape.
func sortIntervals(ps []Interval) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Start.Before(ps[j-1].Start); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// between is the working time from a to b (a before b), in nanoseconds.
func (c *Calendar) between(a, b time.Time) int64 {
	da, ta := c.split(a)
	db, tb := c.split(b)
	return c.workedDays(da, db) + c.workedOn(db, tb) - c.workedOn(da, ta)
}

// workedOn is the working time on day dn before time of day tod: 0 on a holiday.
func (c *Calendar) workedOn(dn int, tod int64) int64 {
	if c.nextHoliday(dn) == dn {
		return 0
	}
	return c.workedBefore(dn, tod)
}

// workedDays is the working time of the days [a, b): the weekly pattern, less the holidays.
// Inside the table that is two binary searches; outside it, a step per holiday.
func (c *Calendar) workedDays(a, b int) int64 {
	if b < a {
		return -c.workedDays(b, a)
	}
	sum := c.pattern(a, b)
	for a < b {
		if a >= c.lo && a < c.hi {
			e := min(b, c.hi)
			sum -= c.lostCum[lowerBound32(c.hd, e)] - c.lostCum[lowerBound32(c.hd, a)]
			a = e
			continue
		}
		h := c.nextHoliday(a)
		if h >= b {
			break
		}
		if a < c.lo && h >= c.lo {
			a = c.lo // the table takes it from here
			continue
		}
		sum -= c.dayLen[weekdayOf(h)]
		a = h + 1
	}
	return sum
}

// pattern is the working time of the days [a, b) as if none were a holiday.
func (c *Calendar) pattern(a, b int) int64 {
	n := b - a
	sum := int64(n/7) * c.weekLen
	w := int(weekdayOf(a))
	r := n % 7
	if w+r <= 7 {
		return sum + c.pre[w+r] - c.pre[w]
	}
	return sum + c.pre[7] - c.pre[w] + c.pre[w+r-7]
}
