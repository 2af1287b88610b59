package worktime

import (
	"testing"
	"time"
)

// dueCase is one Due call of the benchmark mix.
type dueCase struct {
	from time.Time
	span Span
}

// dueMix crosses varied starts — working hours, lunch, evenings, weekends, the days around Easter,
// Christmas and the New Year 2023 cascade — with spans 30m, 2h, 1d, 10d, 6w and 30d.
func dueMix(b *testing.B, c *Calendar) []dueCase {
	loc := c.Location()
	starts := []string{
		"2026-11-23 09:15", "2026-11-23 12:50", "2026-11-23 13:30", "2026-11-23 16:45",
		"2026-11-27 18:00", "2026-11-28 11:00", "2026-04-02 16:30", "2026-04-03 10:00",
		"2026-12-23 15:00", "2022-12-23 10:00", "2022-12-30 16:30", "2027-06-01 07:00",
	}
	spans := []Span{{30, Minute}, {2, Hour}, {1, Day}, {10, Day}, {6, Week}, {30, Day}}
	var mix []dueCase
	for _, s := range starts {
		for _, sp := range spans {
			mix = append(mix, dueCase{at(b, loc, s), sp})
		}
	}
	return mix
}

func BenchmarkDue(b *testing.B) {
	c := nbo(b)
	mix := dueMix(b, c)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := mix[i%len(mix)]
		c.Due(m.from, m.span)
	}
}

// BenchmarkDueBySpan breaks the mix down, to see what long spans cost.
func BenchmarkDueBySpan(b *testing.B) {
	c := nbo(b)
	from := at(b, c.Location(), "2026-11-23 12:50")
	for _, s := range []Span{{30, Minute}, {2, Hour}, {1, Day}, {10, Day}, {6, Week}, {30, Day}} {
		b.Run(s.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Due(from, s)
			}
		})
	}
}

func BenchmarkElapsed(b *testing.B) {
	c := nbo(b)
	loc := c.Location()
	from := at(b, loc, "2026-11-23 12:50")
	to := at(b, loc, "2027-01-06 12:50")
	pauses := []Interval{
		{at(b, loc, "2026-12-01 16:00"), at(b, loc, "2026-12-03 09:00")},
		{at(b, loc, "2026-11-20 10:00"), at(b, loc, "2026-11-24 10:00")},
		{at(b, loc, "2026-12-02 10:00"), at(b, loc, "2026-12-04 10:00")},
	}
	b.Run("no pauses", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Elapsed(from, to, nil)
		}
	})
	b.Run("3 pauses", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.Elapsed(from, to, pauses)
		}
	})
}

func BenchmarkNew(b *testing.B) {
	loc := loadLoc(b, "Africa/Nairobi")
	extra := []Holiday{{Date{2026, time.March, 20}, "Idd-ul-Fitr"}, {Date{2026, time.May, 27}, "Idd-ul-Azha"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(loc, DefaultWindows(), extra); err != nil {
			b.Fatal(err)
		}
	}
}
