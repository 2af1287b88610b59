package worktime

import (
	"slices"
	"time"
)

// Holiday is a day on which a calendar is closed all day.
type Holiday struct {
	Date Date
	Name string
}

// holidayName is a statutory holiday's name and the name of its substitute day. Both are
// compile-time constants, so computing a year's holidays on a lookup path allocates nothing.
type holidayName struct{ name, observed string }

// observed marks a substitute day under the Sunday rule.
const observed = " (observed)"

const (
	newYearName   = "New Year's Day"
	goodFriName   = "Good Friday"
	easterMonName = "Easter Monday"
	labourName    = "Labour Day"
	madarakaName  = "Madaraka Day"
	mazingiraName = "Mazingira Day"
	utamaduniName = "Utamaduni Day"
	moiName       = "Moi Day"
	mashujaaName  = "Mashujaa Day"
	kenyattaName  = "Kenyatta Day"
	jamhuriName   = "Jamhuri Day"
	christmasName = "Christmas Day"
	boxingName    = "Boxing Day"
)

// tenOctober names the 10 October holiday by year. Its date has not changed, only its name: Moi
// Day from 1988; Utamaduni Day by the Statute Law (Miscellaneous Amendments) Act 2020, first
// observed in 2021; Mazingira Day by the Public Holidays (Amendment) Act 2024.
func tenOctober(year int) holidayName {
	switch {
	case year >= 2024:
		return holidayName{mazingiraName, mazingiraName + observed}
	case year >= 2021:
		return holidayName{utamaduniName, utamaduniName + observed}
	}
	return holidayName{moiName, moiName + observed}
}

// twentyOctober names the 20 October holiday: Kenyatta Day until the 2010 Constitution made it
// Mashujaa Day.
func twentyOctober(year int) holidayName {
	if year >= 2010 {
		return holidayName{mashujaaName, mashujaaName + observed}
	}
	return holidayName{kenyattaName, kenyattaName + observed}
}

// hday is a holiday in the form the arithmetic uses: a day number.
type hday struct {
	dn   int
	name string
}

// maxStatutory bounds a year's statutory holidays: ten named days plus at most one substitute for
// each of the eight fixed-date ones.
const maxStatutory = 18

// statutoryInto writes year's Kenyan statutory holidays into buf, sorted by day, with the Sunday
// rule applied, and returns how many there are. It fills a caller's array rather than returning a
// slice so that a lookup outside a calendar's precomputed years allocates nothing.
//
// Huduma applies today's list of dates to every year; only the names follow history. (10 October
// was, for example, not observed from 2010 to 2017.) Deadlines are computed for the present, and
// an admin can enter what the list lacks as an extra holiday.
func statutoryInto(year int, buf *[maxStatutory]hday) int {
	easter := easterSunday(year).dayNumber()
	fixed := func(m time.Month, d int) int { return Date{year, m, d}.dayNumber() }
	base := [...]struct {
		dn int
		hn holidayName
	}{
		{fixed(time.January, 1), holidayName{newYearName, newYearName + observed}},
		{easter - 2, holidayName{goodFriName, goodFriName + observed}},
		{easter + 1, holidayName{easterMonName, easterMonName + observed}},
		{fixed(time.May, 1), holidayName{labourName, labourName + observed}},
		{fixed(time.June, 1), holidayName{madarakaName, madarakaName + observed}},
		{fixed(time.October, 10), tenOctober(year)},
		{fixed(time.October, 20), twentyOctober(year)},
		{fixed(time.December, 12), holidayName{jamhuriName, jamhuriName + observed}},
		{fixed(time.December, 25), holidayName{christmasName, christmasName + observed}},
		{fixed(time.December, 26), holidayName{boxingName, boxingName + observed}},
	}
	n := 0
	for _, b := range base {
		buf[n] = hday{b.dn, b.hn.name}
		n++
	}
	// Public Holidays Act s.4: a holiday that falls on a Sunday is also kept on the next day that
	// is not itself a public holiday. The base list is in date order and substitutes are added to
	// the set as they are made, so Christmas on a Sunday steps over Boxing Day to the 27th.
	for _, b := range base {
		if weekdayOf(b.dn) != time.Sunday {
			continue
		}
		sub := b.dn + 1
		for containsDay(buf[:n], sub) {
			sub++
		}
		buf[n] = hday{sub, b.hn.observed}
		n++
	}
	// Insertion sort: at most a handful of entries are out of place, and sort.Slice would allocate.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && buf[j].dn < buf[j-1].dn; j-- {
			buf[j], buf[j-1] = buf[j-1], buf[j]
		}
	}
	return n
}

func containsDay(hs []hday, dn int) bool {
	for _, h := range hs {
		if h.dn == dn {
			return true
		}
	}
	return false
}

// easterSunday is Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm
// (Meeus/Jones/Butcher).
func easterSunday(year int) Date {
	a := floorMod(year, 19)
	b, c := floorDiv(year, 100), floorMod(year, 100)
	d, e := floorDiv(b, 4), floorMod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := floorMod(19*a+b-d-g+15, 30)
	i, k := c/4, c%4
	l := floorMod(32+2*e+2*i-h-k, 7)
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}

// StatutoryHolidays lists Kenya's public holidays under the Public Holidays Act for year, sorted
// by date, with substitute days for those that fall on a Sunday (named e.g. "Christmas Day
// (observed)"). Idd-ul-Fitr and Idd-ul-Azha follow the moon and are gazetted each year, so they
// are not computed: an admin enters them as extra holidays.
func StatutoryHolidays(year int) []Holiday {
	var buf [maxStatutory]hday
	n := statutoryInto(year, &buf)
	out := make([]Holiday, n)
	for i, h := range buf[:n] {
		out[i] = Holiday{dateOf(h.dn), h.name}
	}
	return out
}

// sortHolidays orders holidays by date; stable, so on a shared date the statutory holiday, listed
// first by callers, stays first.
func sortHolidays(hs []Holiday) {
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
}
