package worktime

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	mon := time.Monday
	tests := []struct {
		name    string
		windows []Window
		extra   []Holiday
		err     string
	}{
		{"no windows", nil, nil, "at least one"},
		{"end before start", []Window{{mon, 13 * 60, 8 * 60}}, nil, "end must be after start"},
		{"empty window", []Window{{mon, 8 * 60, 8 * 60}}, nil, "end must be after start"},
		{"negative start", []Window{{mon, -1, 60}}, nil, "between 00:00 and 24:00"},
		{"past midnight", []Window{{mon, 60, 24*60 + 1}}, nil, "between 00:00 and 24:00"},
		{"bad weekday", []Window{{time.Weekday(7), 60, 120}}, nil, "not a weekday"},
		{"overlap", []Window{{mon, 14 * 60, 17 * 60}, {mon, 8 * 60, 14*60 + 1}}, nil, "overlap"},
		{"holiday that does not exist", DefaultWindows(), []Holiday{{Date{2026, time.February, 30}, "Idd"}}, "does not exist"},
		{"holiday without a name", DefaultWindows(), []Holiday{{Date{2026, time.March, 20}, "  "}}, "name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(time.UTC, tt.windows, tt.extra)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("New error = %v; want it to mention %q", err, tt.err)
			}
		})
	}
	// Touching windows, a whole day and the same window on another day are all fine.
	ok := []Window{{mon, 8 * 60, 13 * 60}, {mon, 13 * 60, 17 * 60}, {time.Sunday, 0, 24 * 60}, {time.Tuesday, 8 * 60, 13 * 60}}
	if _, err := New(time.UTC, ok, nil); err != nil {
		t.Errorf("New(%v) = %v", ok, err)
	}
	// New works on a copy: the caller's slices are not reordered.
	ws := slices.Clone(ok)
	if _, err := New(nil, ws, nil); err != nil || !slices.Equal(ws, ok) {
		t.Errorf("New changed its argument: %v, %v", ws, err)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if got := c.Location().String(); got != "Africa/Nairobi" {
		t.Errorf("zone %s", got)
	}
	if !slices.Equal(c.Windows(), DefaultWindows()) {
		t.Errorf("windows %v", c.Windows())
	}
	if c.perWeek != 5 || c.weekLen != int64(40*time.Hour) {
		t.Errorf("week: %d days, %v", c.perWeek, time.Duration(c.weekLen))
	}
	// New with a nil zone is the same calendar.
	n, err := New(nil, DefaultWindows(), nil)
	if err != nil || n.Location().String() != "Africa/Nairobi" {
		t.Errorf("New(nil, …) = %v, %v", n, err)
	}
}

func TestExtraHolidays(t *testing.T) {
	idd := Holiday{date(t, "2026-03-20"), "Idd-ul-Fitr"}
	extra := []Holiday{
		idd,
		{date(t, "2026-03-20"), "idd-ul-fitr"},                // the same holiday typed twice
		{date(t, "2026-12-25"), "Christmas Day"},              // repeats a statutory holiday
		{date(t, "2026-06-01"), "Census Day"},                 // shares a statutory date
		{date(t, "2026-05-27"), "Idd-ul-Azha"},                // a Wednesday
		{date(t, "2026-03-22"), "Sunday prayer day"},          // on a Sunday: does not move
		{date(t, "2150-01-05"), "A holiday beyond the table"}, // outside the precomputed years
		{date(t, "1990-02-05"), "A holiday before the table"}, // and before them
	}
	c, err := New(loadLoc(t, "Africa/Nairobi"), DefaultWindows(), extra)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ day, want string }{
		{"2026-03-20", "Idd-ul-Fitr"},
		{"2026-12-25", "Christmas Day"},
		{"2026-06-01", "Madaraka Day / Census Day"},
		{"2026-05-27", "Idd-ul-Azha"},
		{"2026-03-22", "Sunday prayer day"},
		{"2150-01-05", "A holiday beyond the table"},
		{"1990-02-05", "A holiday before the table"},
		{"2150-01-01", "New Year's Day"},
	} {
		if got, ok := c.HolidayOn(date(t, tt.day)); !ok || got != tt.want {
			t.Errorf("HolidayOn(%s) = %q, %v; want %q", tt.day, got, ok, tt.want)
		}
	}
	for _, day := range []string{"2026-03-23", "2026-03-19", "2150-01-06", "1990-02-06"} {
		if got, ok := c.HolidayOn(date(t, day)); ok {
			t.Errorf("HolidayOn(%s) = %q; want no holiday", day, got)
		}
	}
	if _, ok := c.HolidayOn(Date{2026, time.February, 30}); ok {
		t.Error("HolidayOn a date that does not exist")
	}

	got := c.Holidays(2026)
	want := []Holiday{
		{date(t, "2026-01-01"), "New Year's Day"},
		idd,
		{date(t, "2026-03-22"), "Sunday prayer day"},
		{date(t, "2026-04-03"), "Good Friday"},
		{date(t, "2026-04-06"), "Easter Monday"},
		{date(t, "2026-05-01"), "Labour Day"},
		{date(t, "2026-05-27"), "Idd-ul-Azha"},
		{date(t, "2026-06-01"), "Madaraka Day"},
		{date(t, "2026-06-01"), "Census Day"},
		{date(t, "2026-10-10"), "Mazingira Day"},
		{date(t, "2026-10-20"), "Mashujaa Day"},
		{date(t, "2026-12-12"), "Jamhuri Day"},
		{date(t, "2026-12-25"), "Christmas Day"},
		{date(t, "2026-12-26"), "Boxing Day"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Holidays(2026):\n got %v\nwant %v", got, want)
	}

	// The deadlines move with them: Thursday + 1d skips Idd-ul-Fitr on Friday; the Sunday
	// holiday costs nothing, and the Monday after it is a working day.
	loc := c.Location()
	for _, tt := range []struct {
		from, within, want string
	}{
		{"2026-03-19 10:00", "1d", "2026-03-23 10:00"},
		{"2026-03-19 16:00", "2h", "2026-03-23 09:00"},
		{"2026-05-26 10:00", "2d", "2026-05-29 10:00"},
		{"2150-01-02 10:00", "1d", "2150-01-06 10:00"}, // Friday, then Monday the 5th is an extra
	} {
		s, err := ParseSpan(tt.within)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Due(at(t, loc, tt.from), s); !got.Equal(at(t, loc, tt.want)) {
			t.Errorf("Due(%s, %s) = %s; want %s", tt.from, tt.within, got, tt.want)
		}
	}
	// Without the extras the same Thursday + 1d is Friday.
	if got := nbo(t).Due(at(t, loc, "2026-03-19 10:00"), Span{1, Day}); !got.Equal(at(t, loc, "2026-03-20 10:00")) {
		t.Errorf("without extras: %s", got)
	}
}

func TestIsOpenAndNextOpening(t *testing.T) {
	c := nbo(t)
	loc := c.Location()
	tests := []struct {
		name, t string
		open    bool
		next    string
	}{
		{"working morning", "2026-11-23 09:15", true, "2026-11-23 09:15"},
		{"opening instant", "2026-11-23 08:00", true, "2026-11-23 08:00"},
		{"before opening", "2026-11-23 07:59", false, "2026-11-23 08:00"},
		{"lunch starts closed", "2026-11-23 13:00", false, "2026-11-23 14:00"},
		{"lunch", "2026-11-23 13:30", false, "2026-11-23 14:00"},
		{"last minute", "2026-11-23 16:59:59", true, "2026-11-23 16:59:59"},
		{"closing instant", "2026-11-23 17:00", false, "2026-11-24 08:00"},
		{"evening", "2026-11-23 21:00", false, "2026-11-24 08:00"},
		{"Friday evening", "2026-11-27 18:00", false, "2026-11-30 08:00"},
		{"Saturday", "2026-11-28 10:00", false, "2026-11-30 08:00"},
		{"Sunday night", "2026-11-29 23:59", false, "2026-11-30 08:00"},
		{"Good Friday", "2026-04-03 10:00", false, "2026-04-07 08:00"},
		{"Christmas Eve after hours", "2026-12-24 17:30", false, "2026-12-28 08:00"},
		{"Christmas 2022 cascade", "2022-12-23 17:00", false, "2022-12-28 08:00"},
		{"New Year 2023 substitute", "2022-12-31 12:00", false, "2023-01-03 08:00"},
		{"beyond the table", "2150-12-24 17:00", false, "2150-12-28 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := at(t, loc, tt.t)
			if got := c.IsOpen(tm); got != tt.open {
				t.Errorf("IsOpen(%s) = %v", tt.t, got)
			}
			got := c.NextOpening(tm)
			if !got.Equal(at(t, loc, tt.next)) || got.Location() != loc {
				t.Errorf("NextOpening(%s) = %s; want %s", tt.t, got, tt.next)
			}
			// The same instant given in UTC gives the same answer.
			if u := c.NextOpening(tm.UTC()); !u.Equal(got) || c.IsOpen(tm.UTC()) != tt.open {
				t.Errorf("UTC input: %s", u)
			}
		})
	}
}

// TestConcurrentUse runs lookups from many goroutines at once; with -race it proves a Calendar
// needs no lock.
func TestConcurrentUse(t *testing.T) {
	c := nbo(t)
	from := at(t, c.Location(), "2026-12-23 15:00")
	want := c.Due(from, Span{10, Day})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				if got := c.Due(from, Span{10, Day}); !got.Equal(want) {
					t.Errorf("goroutine %d: %s", i, got)
					return
				}
				c.HolidayOn(Date{2150 + j%5, time.December, 25})
				c.Elapsed(from, want, []Interval{{from, from.Add(time.Hour)}})
			}
		})
	}
	wg.Wait()
}
