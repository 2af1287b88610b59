package worktime

import (
	"slices"
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	// Good Friday and Easter Monday, from published calendars.
	tests := []struct {
		year            int
		goodFri, monday string
	}{
		{2000, "2000-04-21", "2000-04-24"},
		{2008, "2008-03-21", "2008-03-24"},
		{2011, "2011-04-22", "2011-04-25"},
		{2019, "2019-04-19", "2019-04-22"},
		{2024, "2024-03-29", "2024-04-01"},
		{2025, "2025-04-18", "2025-04-21"},
		{2026, "2026-04-03", "2026-04-06"},
		{2027, "2027-03-26", "2027-03-29"},
		{2038, "2038-04-23", "2038-04-26"}, // Easter on its latest date, 25 April
		{2285, "2285-03-20", "2285-03-23"}, // and on its earliest, 22 March
	}
	for _, tt := range tests {
		hs := StatutoryHolidays(tt.year)
		if !slices.Contains(hs, Holiday{date(t, tt.goodFri), "Good Friday"}) {
			t.Errorf("%d: no Good Friday on %s in %v", tt.year, tt.goodFri, hs)
		}
		if !slices.Contains(hs, Holiday{date(t, tt.monday), "Easter Monday"}) {
			t.Errorf("%d: no Easter Monday on %s in %v", tt.year, tt.monday, hs)
		}
	}
}

func TestStatutoryHolidays2026(t *testing.T) {
	want := []Holiday{
		{date(t, "2026-01-01"), "New Year's Day"},
		{date(t, "2026-04-03"), "Good Friday"},
		{date(t, "2026-04-06"), "Easter Monday"},
		{date(t, "2026-05-01"), "Labour Day"},
		{date(t, "2026-06-01"), "Madaraka Day"},
		{date(t, "2026-10-10"), "Mazingira Day"},
		{date(t, "2026-10-20"), "Mashujaa Day"},
		{date(t, "2026-12-12"), "Jamhuri Day"},
		{date(t, "2026-12-25"), "Christmas Day"},
		{date(t, "2026-12-26"), "Boxing Day"},
	}
	if got := StatutoryHolidays(2026); !slices.Equal(got, want) {
		t.Errorf("2026:\n got %v\nwant %v", got, want)
	}
}

// TestSundayRule checks s.4 of the Public Holidays Act: a holiday on a Sunday is also kept on the
// next day that is not already a holiday.
func TestSundayRule(t *testing.T) {
	tests := []struct {
		name string
		day  string
		want string // the holiday's name on day
	}{
		{"Christmas on a Sunday steps over Boxing Day", "2022-12-27", "Christmas Day (observed)"},
		{"…and Boxing Day itself stays", "2022-12-26", "Boxing Day"},
		{"the same cascade in 2016", "2016-12-27", "Christmas Day (observed)"},
		{"Boxing Day on a Sunday", "2021-12-27", "Boxing Day (observed)"},
		{"Boxing Day on a Sunday, 2027", "2027-12-27", "Boxing Day (observed)"},
		{"New Year's Day on a Sunday", "2023-01-02", "New Year's Day (observed)"},
		{"Jamhuri Day on a Sunday", "2021-12-13", "Jamhuri Day (observed)"},
		{"Labour Day on a Sunday", "2022-05-02", "Labour Day (observed)"},
		{"Madaraka Day on a Sunday", "2025-06-02", "Madaraka Day (observed)"},
		{"10 October on a Sunday, as gazetted in 2021", "2021-10-11", "Utamaduni Day (observed)"},
		{"10 October on a Sunday, 2027", "2027-10-11", "Mazingira Day (observed)"},
		{"Mashujaa Day on a Sunday", "2024-10-21", "Mashujaa Day (observed)"},
		{"10 October named by year: 2024", "2024-10-10", "Mazingira Day"},
		{"10 October named by year: 2022", "2022-10-10", "Utamaduni Day"},
		{"10 October named by year: 2019", "2019-10-10", "Moi Day"},
		{"20 October before 2010", "2009-10-20", "Kenyatta Day"},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := date(t, tt.day)
			if got, ok := c.HolidayOn(d); !ok || got != tt.want {
				t.Errorf("HolidayOn(%s) = %q, %v; want %q", d, got, ok, tt.want)
			}
			if !slices.Contains(StatutoryHolidays(d.Year), Holiday{d, tt.want}) {
				t.Errorf("StatutoryHolidays(%d) lacks %s %s", d.Year, d, tt.want)
			}
		})
	}
	// 2023-01-02 is the only substitute in 2023: Christmas 2023 was a Monday.
	if _, ok := c.HolidayOn(date(t, "2023-12-27")); ok {
		t.Error("2023-12-27 is not a holiday")
	}
}

// TestStatutoryInvariants checks every year from 1900 to 2300: sorted, one holiday a day, every
// Sunday holiday has a substitute on the first later day that is not a holiday, and no substitute
// without a reason.
func TestStatutoryInvariants(t *testing.T) {
	for y := 1900; y <= 2300; y++ {
		hs := StatutoryHolidays(y)
		days := map[Date]bool{}
		sundays, subs := 0, 0
		for i, h := range hs {
			if i > 0 && h.Date.Compare(hs[i-1].Date) <= 0 {
				t.Fatalf("%d: not sorted or repeated day at %v", y, h)
			}
			days[h.Date] = true
			if h.Date.Year != y {
				t.Fatalf("%d: %v falls in another year", y, h)
			}
			if h.Date.Weekday() == time.Sunday {
				sundays++
			}
			if len(h.Name) > len(observed) && h.Name[len(h.Name)-len(observed):] == observed {
				subs++
				if h.Date.Weekday() == time.Sunday || h.Date.Weekday() == time.Saturday {
					t.Fatalf("%d: substitute on a weekend: %v", y, h)
				}
			}
		}
		if sundays != subs {
			t.Fatalf("%d: %d Sunday holidays but %d substitutes: %v", y, sundays, subs, hs)
		}
		for _, h := range hs {
			if h.Date.Weekday() != time.Sunday {
				continue
			}
			d := h.Date.AddDays(1)
			for days[d] && !slices.Contains(hs, Holiday{d, h.Name + observed}) {
				d = d.AddDays(1)
			}
			if !slices.Contains(hs, Holiday{d, h.Name + observed}) {
				t.Fatalf("%d: %v has no substitute on %s", y, h, d)
			}
		}
	}
}

// TestHolidayTableMatchesComputation checks that the precomputed table and the on-the-spot
// computation used outside it agree, at the table's edges and inside it.
func TestHolidayTableMatchesComputation(t *testing.T) {
	c := Default()
	for _, y := range []int{tableFirstYear - 1, tableFirstYear, 2026, tableLastYear, tableLastYear + 1} {
		for _, h := range StatutoryHolidays(y) {
			if got, ok := c.HolidayOn(h.Date); !ok || got != h.Name {
				t.Errorf("HolidayOn(%s) = %q, %v; want %q", h.Date, got, ok, h.Name)
			}
		}
	}
	// nextHoliday across the edges of the table.
	for _, d := range []string{"1999-12-27", "1999-12-28", "2100-12-27", "2100-12-31", "2101-01-01"} {
		dn := date(t, d).dayNumber()
		got := dateOf(c.nextHoliday(dn))
		want := Date{}
		for y := date(t, d).Year; want == (Date{}); y++ {
			for _, h := range StatutoryHolidays(y) {
				if h.Date.dayNumber() >= dn {
					want = h.Date
					break
				}
			}
		}
		if got != want {
			t.Errorf("nextHoliday(%s) = %s, want %s", d, got, want)
		}
	}
}
