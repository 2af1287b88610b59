package worktime

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The example from the brief, to the letter.
func TestDueExample(t *testing.T) {
	from, err := time.Parse(time.RFC3339, "2026-11-23T12:50:00+03:00")
	if err != nil {
		t.Fatal(err)
	}
	got := Default().Due(from, Span{30, Minute}).Format(time.RFC3339)
	if got != "2026-11-23T14:20:00+03:00" {
		t.Errorf("got %s", got)
	}
}

func TestDue(t *testing.T) {
	c := nbo(t)
	loc := c.Location()
	tests := []struct {
		name, from, within, want string
	}{
		// Split days.
		{"over lunch", "2026-11-23 12:50", "30m", "2026-11-23 14:20"},
		{"up to lunch: the earliest instant", "2026-11-23 12:30", "30m", "2026-11-23 13:00"},
		{"up to closing", "2026-11-23 16:00", "1h", "2026-11-23 17:00"},
		{"past closing", "2026-11-23 16:00", "2h", "2026-11-24 09:00"},
		{"a whole working day in hours", "2026-11-23 10:00", "8h", "2026-11-24 10:00"},
		{"seconds are kept", "2026-11-23 12:50:30", "30m", "2026-11-23 14:20:30"},
		// Days keep the point of the working clock.
		{"Monday + 1d", "2026-11-23 10:00", "1d", "2026-11-24 10:00"},
		{"Friday + 1d", "2026-11-27 10:00", "1d", "2026-11-30 10:00"},
		{"afternoon + 1d", "2026-11-23 15:30", "1d", "2026-11-24 15:30"},
		{"from the afternoon opening + 1d: the time of day is kept", "2026-11-23 14:00", "1d", "2026-11-24 14:00"},
		{"12:59 + 1m: the earliest instant", "2026-11-23 12:59", "1m", "2026-11-23 13:00"},
		{"10d", "2026-11-23 10:00", "10d", "2026-12-07 10:00"},
		{"a week is five working days", "2026-11-23 10:00", "1w", "2026-11-30 10:00"},
		{"6w over Christmas and New Year", "2026-11-23 12:50", "6w", "2027-01-06 12:50"},
		{"30d", "2026-11-02 08:00", "30d", "2026-12-14 08:00"},
		// Starts outside working hours count from the next opening.
		{"before opening", "2026-11-23 06:30", "30m", "2026-11-23 08:30"},
		{"in lunch", "2026-11-23 13:10", "30m", "2026-11-23 14:30"},
		{"in lunch + 1d", "2026-11-23 13:10", "1d", "2026-11-24 14:00"},
		{"Friday evening", "2026-11-27 18:00", "30m", "2026-11-30 08:30"},
		{"Saturday + 1d", "2026-11-28 11:00", "1d", "2026-12-01 08:00"},
		{"Sunday + 2h", "2026-11-29 11:00", "2h", "2026-11-30 10:00"},
		{"closing instant + 1d", "2026-11-23 17:00", "1d", "2026-11-25 08:00"},
		// Holidays.
		{"over Easter, days", "2026-04-02 10:00", "1d", "2026-04-07 10:00"},
		{"over Easter, hours", "2026-04-02 16:00", "2h", "2026-04-07 09:00"},
		{"from Good Friday", "2026-04-03 10:00", "30m", "2026-04-07 08:30"},
		{"Christmas 2022 cascade", "2022-12-23 10:00", "1d", "2022-12-28 10:00"},
		{"Christmas 2022, 3d", "2022-12-22 16:59", "3d", "2022-12-29 16:59"},
		{"New Year 2023 substitute", "2022-12-30 16:00", "2h", "2023-01-03 09:00"},
		{"Jamhuri 2021 substitute", "2021-12-10 10:00", "1d", "2021-12-14 10:00"},
		{"Madaraka Day, Monday", "2026-05-29 12:00", "5h", "2026-06-02 09:00"},
		{"whole weeks across the turn of the table", "2100-12-01 09:00", "10w", "2101-02-11 09:00"},
		{"beyond the table", "2150-12-24 16:00", "2h", "2150-12-28 09:00"},
		{"before the table", "1999-12-24 10:00", "1d", "1999-12-28 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpan(tt.within)
			if err != nil {
				t.Fatal(err)
			}
			from := at(t, loc, tt.from)
			got := c.Due(from, s)
			if want := at(t, loc, tt.want); !got.Equal(want) {
				t.Errorf("Due(%s, %s) = %s; want %s", tt.from, tt.within, got.Format("Mon 2006-01-02 15:04:05"), want.Format("Mon 2006-01-02 15:04:05"))
			}
			if got.Location() != loc {
				t.Errorf("result in %s", got.Location())
			}
			// The instant matters, not the zone it is written in.
			if u := c.Due(from.UTC(), s); !u.Equal(got) {
				t.Errorf("from UTC: %s", u)
			}
		})
	}
}

// TestDueOddSpans covers spans ParseSpan would refuse but a caller can still build.
func TestDueOddSpans(t *testing.T) {
	c := nbo(t)
	loc := c.Location()
	sat := at(t, loc, "2026-11-28 11:00")
	mon := at(t, loc, "2026-11-30 08:00")
	for _, s := range []Span{{0, Minute}, {-3, Day}, {5, Unit(0)}, {5, Unit(9)}} {
		if got := c.Due(sat, s); !got.Equal(mon) {
			t.Errorf("Due(%v) = %s; want the next opening", s, got)
		}
	}
	// Beyond the limit: clamped, not overflowed.
	if got, want := c.Due(mon, Span{1 << 62, Minute}), c.Due(mon, Span{Minute.max(), Minute}); !got.Equal(want) {
		t.Errorf("huge span: %s, want %s", got, want)
	}
}

// TestDueUnequalDays uses a calendar with a long weekday and a short Saturday: a 6-day week, and
// a day offset that does not fit in the target day spills into the next working time.
func TestDueUnequalDays(t *testing.T) {
	loc := loadLoc(t, "Africa/Nairobi")
	ws := append(weekdays(8*60, 17*60, monFri...), Window{time.Saturday, 9 * 60, 12 * 60})
	c, err := New(loc, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, within, want string
	}{
		{"fits on Saturday", "2026-11-27 10:00", "1d", "2026-11-28 11:00"},
		{"exactly fills Saturday", "2026-11-27 11:00", "1d", "2026-11-28 12:00"},
		{"spills past Saturday", "2026-11-27 16:00", "1d", "2026-11-30 13:00"},
		{"Saturday to Monday", "2026-11-28 10:30", "1d", "2026-11-30 09:30"},
		{"a week is five working days even here", "2026-11-23 10:00", "1w", "2026-11-28 11:00"},
		{"hours run through Saturday", "2026-11-27 16:00", "4h", "2026-11-28 12:00"},
		{"and on to Monday", "2026-11-27 16:00", "5h", "2026-11-30 09:00"},
	}
	for _, tt := range tests {
		s, _ := ParseSpan(tt.within)
		if got := c.Due(at(t, loc, tt.from), s); !got.Equal(at(t, loc, tt.want)) {
			t.Errorf("%s: Due(%s, %s) = %s; want %s", tt.name, tt.from, tt.within, got, tt.want)
		}
	}
}

// TestDueOtherZones proves the zone is the calendar's, not a constant: London has summer time,
// Kolkata a half-hour offset.
func TestDueOtherZones(t *testing.T) {
	london := loadLoc(t, "Europe/London")
	c, err := New(london, weekdays(9*60, 17*60+30, monFri...), []Holiday{{date(t, "2026-04-06"), "Easter Monday"}})
	if err != nil {
		t.Fatal(err)
	}
	// Clocks went forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
	tests := []struct {
		from, within, want string // want in RFC 3339
	}{
		{"2026-03-27 16:00", "3h", "2026-03-30T10:30:00+01:00"},
		{"2026-03-27 10:00", "1d", "2026-03-30T10:00:00+01:00"},
		{"2026-10-23 17:00", "1h", "2026-10-26T09:30:00Z"},
		{"2026-10-23 12:00", "1w", "2026-10-30T12:00:00Z"},
		// Kenya's statutory list applies to every calendar, and the extra Easter Monday repeats
		// it: Thursday + 1d is Tuesday.
		{"2026-04-02 12:00", "1d", "2026-04-07T12:00:00+01:00"},
	}
	for _, tt := range tests {
		s, _ := ParseSpan(tt.within)
		from := at(t, london, tt.from)
		got := c.Due(from, s)
		if f := got.Format(time.RFC3339); f != tt.want {
			t.Errorf("London: Due(%s, %s) = %s; want %s", tt.from, tt.within, f, tt.want)
		}
		if got.Location() != london {
			t.Errorf("London: result in %s", got.Location())
		}
	}
	kolkata := loadLoc(t, "Asia/Kolkata")
	k, err := New(kolkata, weekdays(10*60, 18*60, monFri...), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 14:00 in Nairobi is 16:30 in Kolkata: 90 minutes to closing, so 2h ends at 10:30 next day.
	from := at(t, loadLoc(t, "Africa/Nairobi"), "2026-11-23 14:00")
	if got := k.Due(from, Span{2, Hour}).Format(time.RFC3339); got != "2026-11-24T10:30:00+05:30" {
		t.Errorf("Kolkata: %s", got)
	}
}

// TestDueMatchesMinuteWalk is the property test: for random starts and minute or hour spans,
// Due agrees with a minute-by-minute walk, and Elapsed from the next opening to the deadline
// gives the span back. It runs on calendars in two zones and in years inside and outside the
// precomputed table.
func TestDueMatchesMinuteWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	london := loadLoc(t, "Europe/London")
	nairobiCal := nbo(t)
	saturdays, err := New(london, append(weekdays(8*60, 12*60, monFri...),
		append(weekdays(13*60, 16*60+45, monFri...), Window{time.Saturday, 9 * 60, 11 * 60})...), nil)
	if err != nil {
		t.Fatal(err)
	}
	cals := []*Calendar{nairobiCal, saturdays}
	years := []int{2021, 2022, 2026, 2100, 2150, 1995}
	for i := range 300 {
		c := cals[i%len(cals)]
		year := years[i%len(years)]
		// Bias towards the end of the year, where holidays cluster.
		day := rng.IntN(365)
		if i%3 == 0 {
			day = 330 + rng.IntN(35)
		}
		from := time.Date(year, time.January, 1+day, rng.IntN(24), rng.IntN(60), 0, 0, c.Location())
		var s Span
		if rng.IntN(2) == 0 {
			s = Span{1 + rng.IntN(600), Minute}
		} else {
			s = Span{1 + rng.IntN(30), Hour}
		}
		d, _ := s.duration()
		got := c.Due(from, s)
		if want := naiveDue(c, from, d); !got.Equal(want) {
			t.Fatalf("%s: Due(%s, %s) = %s; minute walk says %s", c.Location(), from, s, got, want)
		}
		if e := c.Elapsed(c.NextOpening(from), got, nil); e != d {
			t.Fatalf("%s: Elapsed(NextOpening(%s), %s) = %s; want %s", c.Location(), from, got, e, d)
		}
	}
}

// TestDueDaysProperty: on a calendar whose working days are all the same length, N working days
// from an open instant are exactly N days' working time later.
func TestDueDaysProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := nbo(t)
	for range 500 {
		from := time.Date(1998+rng.IntN(110), time.January, 1+rng.IntN(365), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, c.Location())
		open := c.NextOpening(from)
		s := Span{1 + rng.IntN(40), Day}
		if rng.IntN(3) == 0 {
			s = Span{1 + rng.IntN(8), Week}
		}
		n := s.N
		if s.Unit == Week {
			n *= 5
		}
		got := c.Due(from, s)
		if !c.IsOpen(got) && !c.IsOpen(got.Add(-time.Nanosecond)) {
			t.Fatalf("Due(%s, %s) = %s is not a working instant", from, s, got)
		}
		if e, want := c.Elapsed(open, got, nil), time.Duration(n)*8*time.Hour; e != want {
			t.Fatalf("Due(%s, %s) = %s: %s of working time, want %s", from, s, got, e, want)
		}
		// The same wall-clock time of day.
		if got.Hour() != open.Hour() || got.Minute() != open.Minute() || got.Second() != open.Second() {
			t.Fatalf("Due(%s, %s) = %s: not at %s", from, s, got, open.Format("15:04:05"))
		}
	}
}

func TestDueDoesNotAllocate(t *testing.T) {
	c := nbo(t)
	from := at(t, c.Location(), "2026-12-22 16:10")
	for _, s := range []Span{{30, Minute}, {2, Hour}, {10, Day}, {6, Week}, {30, Day}} {
		if n := testing.AllocsPerRun(100, func() { c.Due(from, s) }); n != 0 {
			t.Errorf("Due(%v): %v allocations", s, n)
		}
	}
	pauses := []Interval{{from.Add(time.Hour), from.Add(20 * time.Hour)}, {from, from.Add(time.Hour)}}
	if n := testing.AllocsPerRun(100, func() { c.Elapsed(from, from.Add(300*time.Hour), pauses) }); n != 0 {
		t.Errorf("Elapsed: %v allocations", n)
	}
}
