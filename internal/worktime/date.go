package worktime

import (
	"fmt"
	"time"
)

// Date is a civil date with no time of day and no zone: a holiday is a date, not an instant.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written YYYY-MM-DD (years 0001 to 9999) and rejects dates that do not
// exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	const syntax = "a date is YYYY-MM-DD, e.g. 2026-12-25"
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("date %q: %s", s, syntax)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("date %q: %s", s, syntax)
	}
	if y < 1 {
		return Date{}, fmt.Errorf("date %q: year 0000 does not exist; %s", s, syntax)
	}
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("date %q: month %d does not exist; %s", s, m, syntax)
	}
	if n := daysIn(y, time.Month(m)); d < 1 || d > n {
		return Date{}, fmt.Errorf("date %q: %s %d has %d days", s, time.Month(m), y, n)
	}
	return Date{y, time.Month(m), d}, nil
}

// digits reads an unsigned decimal; strconv.Atoi would also accept a sign.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, len(s) > 0
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes YYYY-MM-DD, so a Date is a plain string in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Valid reports whether the date exists in the proleptic Gregorian calendar.
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// Weekday is the day of the week of a valid date.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.dayNumber()) }

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return dateOf(d.dayNumber() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.dayNumber(), e.dayNumber()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// dayNumber counts days from 1970-01-01 (day 0). Working in day numbers keeps calendar arithmetic
// to integer operations, which is what makes Due allocation-free. The algorithm is Howard
// Hinnant's days_from_civil, exact for every year of the proleptic Gregorian calendar.
func (d Date) dayNumber() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0, so the leap day ends the year
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOf is the inverse of dayNumber (Hinnant's civil_from_days).
func dateOf(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

// weekdayOf is the weekday of a day number; 1970-01-01 was a Thursday.
func weekdayOf(dn int) time.Weekday { return time.Weekday(floorMod(dn+4, 7)) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
