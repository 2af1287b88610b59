package worktime

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestElapsed(t *testing.T) {
	c := nbo(t)
	loc := c.Location()
	iv := func(a, b string) Interval { return Interval{at(t, loc, a), at(t, loc, b)} }
	tests := []struct {
		name     string
		from, to string
		pauses   []Interval
		want     time.Duration
	}{
		{"within a window", "2026-11-23 09:00", "2026-11-23 10:30", nil, 90 * time.Minute},
		{"over lunch", "2026-11-23 12:50", "2026-11-23 14:20", nil, 30 * time.Minute},
		{"a whole day", "2026-11-23 00:00", "2026-11-24 00:00", nil, 8 * time.Hour},
		{"a whole week", "2026-11-23 08:00", "2026-11-30 08:00", nil, 40 * time.Hour},
		{"over a weekend", "2026-11-27 16:00", "2026-11-30 09:00", nil, 2 * time.Hour},
		{"all weekend", "2026-11-28 00:00", "2026-11-30 00:00", nil, 0},
		{"over Easter", "2026-04-02 16:00", "2026-04-07 09:00", nil, 2 * time.Hour},
		{"Christmas 2022 cascade", "2022-12-23 08:00", "2022-12-29 08:00", nil, 16 * time.Hour},
		{"a year", "2026-01-01 00:00", "2027-01-01 00:00", nil, time.Duration(261-7) * 8 * time.Hour},
		{"to before from", "2026-11-23 10:00", "2026-11-23 09:00", nil, 0},
		{"empty", "2026-11-23 10:00", "2026-11-23 10:00", nil, 0},
		{"a pause", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 09:00", "2026-11-23 10:00")}, 7 * time.Hour},
		{"overlapping pauses, unsorted", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 09:30", "2026-11-23 11:00"), iv("2026-11-23 09:00", "2026-11-23 10:00"), iv("2026-11-23 10:30", "2026-11-23 10:45")}, 6 * time.Hour},
		{"a pause inside another", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 08:00", "2026-11-23 12:00"), iv("2026-11-23 09:00", "2026-11-23 10:00")}, 4 * time.Hour},
		{"touching pauses", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 10:00", "2026-11-23 11:00"), iv("2026-11-23 09:00", "2026-11-23 10:00")}, 6 * time.Hour},
		{"pauses partly and wholly outside", "2026-11-23 10:00", "2026-11-23 16:00",
			[]Interval{iv("2026-11-23 07:00", "2026-11-23 11:00"), iv("2026-11-23 15:00", "2026-11-24 12:00"), iv("2026-11-20 08:00", "2026-11-20 17:00"), iv("2026-11-25 08:00", "2026-11-25 17:00")}, 3 * time.Hour},
		{"a pause over lunch", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 12:30", "2026-11-23 14:30")}, 7 * time.Hour},
		{"a pause over nights and a weekend", "2026-11-26 08:00", "2026-12-01 17:00",
			[]Interval{iv("2026-11-26 16:00", "2026-11-30 09:00")}, 8*time.Hour + 8*time.Hour - 2*time.Hour + 8*time.Hour},
		{"a backwards pause is ignored", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-23 12:00", "2026-11-23 09:00")}, 8 * time.Hour},
		{"a pause covering everything", "2026-11-23 08:00", "2026-11-23 17:00",
			[]Interval{iv("2026-11-01 00:00", "2026-12-01 00:00")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := at(t, loc, tt.from), at(t, loc, tt.to)
			if got := c.Elapsed(from, to, tt.pauses); got != tt.want {
				t.Errorf("Elapsed = %s; want %s", got, tt.want)
			}
			if len(tt.pauses) > 0 && tt.want > 0 {
				if got := naiveElapsed(c, from, to, tt.pauses); got != tt.want {
					t.Errorf("the minute walk says %s; the test is wrong", got)
				}
			}
		})
	}
}

// TestElapsedMatchesMinuteWalk compares Elapsed with a minute-by-minute count for random ranges
// and random pauses, in and out of the precomputed years and on a London calendar.
func TestElapsedMatchesMinuteWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	london, err := New(loadLoc(t, "Europe/London"), weekdays(9*60, 17*60+30, monFri...), []Holiday{{date(t, "2026-03-30"), "A Monday off"}})
	if err != nil {
		t.Fatal(err)
	}
	cals := []*Calendar{nbo(t), london}
	years := []int{2022, 2026, 2150, 1990}
	for i := range 200 {
		c := cals[i%len(cals)]
		minute := func(base time.Time, spread int) time.Time {
			return base.Add(time.Duration(rng.IntN(spread)) * time.Minute)
		}
		base := time.Date(years[i%len(years)], time.March, 1+rng.IntN(300), 0, 0, 0, 0, c.Location())
		if i%4 == 0 {
			base = time.Date(years[i%len(years)], time.December, 15, 0, 0, 0, 0, c.Location())
		}
		from := minute(base, 3*24*60)
		to := minute(from, 30*24*60)
		var pauses []Interval
		for range rng.IntN(12) {
			s := minute(from.Add(-2*24*time.Hour), 34*24*60)
			pauses = append(pauses, Interval{s, minute(s, 4*24*60)})
		}
		got := c.Elapsed(from, to, pauses)
		if want := naiveElapsed(c, from, to, pauses); got != want {
			t.Fatalf("%s: Elapsed(%s, %s, %d pauses) = %s; minute walk says %s", c.Location(), from, to, len(pauses), got, want)
		}
	}
}

// TestElapsedLongRanges checks the closed form over years against counting holidays one by one,
// across the edges of the precomputed table.
func TestElapsedLongRanges(t *testing.T) {
	c := nbo(t)
	loc := c.Location()
	for _, r := range [][2]int{{1990, 2001}, {2000, 2101}, {2099, 2110}, {1950, 2150}} {
		from := time.Date(r[0], time.January, 1, 0, 0, 0, 0, loc)
		to := time.Date(r[1], time.January, 1, 0, 0, 0, 0, loc)
		var want time.Duration
		for d := DateOf(from); d.Year < r[1]; d = d.AddDays(1) {
			if _, hol := c.HolidayOn(d); !hol && d.Weekday() >= time.Monday && d.Weekday() <= time.Friday {
				want += 8 * time.Hour
			}
		}
		if got := c.Elapsed(from, to, nil); got != want {
			t.Errorf("%d–%d: %s; want %s", r[0], r[1], got, want)
		}
	}
}

// TestElapsedWallClock documents that working time is wall-clock time: a window across the
// spring change in London holds its nominal four hours.
func TestElapsedWallClock(t *testing.T) {
	london := loadLoc(t, "Europe/London")
	c, err := New(london, []Window{{time.Sunday, 0, 4 * 60}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, time.March, 29, 0, 0, 0, 0, london)
	to := time.Date(2026, time.March, 29, 4, 0, 0, 0, london)
	if real := to.Sub(from); real != 3*time.Hour {
		t.Fatalf("the test assumes a short night, got %s", real)
	}
	if got := c.Elapsed(from, to, nil); got != 4*time.Hour {
		t.Errorf("Elapsed = %s; want the window's 4h", got)
	}
}
