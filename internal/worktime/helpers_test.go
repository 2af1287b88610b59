package worktime

import (
	"testing"
	"time"

	// The tests load zones by name; the embedded database makes them pass on machines that have
	// none installed.
	_ "time/tzdata"
)

func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// nbo is the default calendar with the real Africa/Nairobi zone (from the embedded database).
func nbo(t testing.TB) *Calendar {
	t.Helper()
	c, err := New(loadLoc(t, "Africa/Nairobi"), DefaultWindows(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at reads "2006-01-02 15:04" (or with ":05") as wall-clock time in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if v, err := time.ParseInLocation(layout, s, loc); err == nil {
			return v
		}
	}
	t.Fatalf("bad test time %q", s)
	return time.Time{}
}

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// weekdays builds windows for every day in days.
func weekdays(start, end int, days ...time.Weekday) []Window {
	var ws []Window
	for _, d := range days {
		ws = append(ws, Window{d, start, end})
	}
	return ws
}

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// naiveDue is the reference for minute and hour spans: walk the clock one minute at a time from
// the next opening. Correct for starts on whole minutes, and slow.
func naiveDue(c *Calendar, from time.Time, d time.Duration) time.Time {
	t := c.NextOpening(from)
	for rem := d; rem > 0; t = t.Add(time.Minute) {
		if c.IsOpen(t) {
			rem -= time.Minute
		}
	}
	return t.In(c.Location())
}

// naiveElapsed is the reference for Elapsed: count open minutes outside every pause.
func naiveElapsed(c *Calendar, from, to time.Time, pauses []Interval) time.Duration {
	var sum time.Duration
next:
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		if !c.IsOpen(t) {
			continue
		}
		for _, p := range pauses {
			if !t.Before(p.Start) && t.Before(p.End) {
				continue next
			}
		}
		sum += time.Minute
	}
	return sum
}
