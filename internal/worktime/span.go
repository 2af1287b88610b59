package worktime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unit is the unit of a Span. The zero Unit is not a unit, so an unset Span is recognisably unset.
type Unit int

const (
	Minute Unit = iota + 1 // working minutes
	Hour                   // working hours
	Day                    // working days: the same point of the working clock N working days later
	Week                   // working weeks: WorkingDaysPerWeek working days each
)

// WorkingDaysPerWeek is what a charter's "week" means: five working days, whatever the calendar,
// so "within 4 weeks" is the same promise at a Monday-to-Friday office and one that also opens on
// Saturdays (where it is 20 of its working days, not 24).
const WorkingDaysPerWeek = 5

// String names the unit in English, for logs and errors.
func (u Unit) String() string {
	switch u {
	case Minute:
		return "minute"
	case Hour:
		return "hour"
	case Day:
		return "day"
	case Week:
		return "week"
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

// letter is the unit's suffix in the written form of a Span.
func (u Unit) letter() byte {
	switch u {
	case Minute:
		return 'm'
	case Hour:
		return 'h'
	case Day:
		return 'd'
	case Week:
		return 'w'
	}
	return '?'
}

// max is the largest count ParseSpan accepts: about ten years in each unit. A charter promise
// longer than that is a typing mistake, and the bound keeps minute arithmetic far from overflow.
func (u Unit) max() int {
	switch u {
	case Minute:
		return 3650 * 24 * 60
	case Hour:
		return 3650 * 24
	case Day:
		return 3650
	case Week:
		return 520
	}
	return 0
}

// Span is a committed service time such as "within 30 minutes" or "within 10 working days".
type Span struct {
	N    int
	Unit Unit
}

// SpanSyntax says what ParseSpan accepts; the CLI and forms show it beside the error.
const SpanSyntax = "a duration is a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w"

// SpanError is a duration that ParseSpan refused, with the reason in a few words.
type SpanError struct {
	Input  string // as given
	Reason string // e.g. `unknown unit "x"`
}

func (e *SpanError) Error() string {
	return fmt.Sprintf("duration %q: %s; %s", e.Input, e.Reason, SpanSyntax)
}

// ParseSpan reads a span written as a whole number and a unit letter: "30m", "2h", "10d", "6w".
// Surrounding spaces are ignored; nothing else is. Zero is refused: a charter that promises no
// time at all has no deadline to compute (an immediate service is a "continuous" timeline, not a
// duration). Upper-case letters are refused rather than guessed at, because "1M" could as well
// mean a month as a minute. The error is a *SpanError.
func ParseSpan(s string) (Span, error) {
	in := s
	s = strings.TrimSpace(s)
	fail := func(reason string) (Span, error) { return Span{}, &SpanError{Input: in, Reason: reason} }
	if s == "" {
		return fail("empty")
	}
	if s[0] == '-' {
		return fail("negative")
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	num, unit := s[:i], s[i:]
	if num == "" {
		return fail("no number")
	}
	var u Unit
	switch unit {
	case "m":
		u = Minute
	case "h":
		u = Hour
	case "d":
		u = Day
	case "w":
		u = Week
	case "":
		return fail("no unit")
	default:
		if unit[0] == '.' || unit[0] == ',' {
			return fail("not a whole number")
		}
		return fail(fmt.Sprintf("unknown unit %q", unit))
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > u.max() {
		// Atoi fails here only on overflow: num is all digits.
		return fail(fmt.Sprintf("too long; at most %d%c", u.max(), u.letter()))
	}
	if n == 0 {
		return fail("must be at least 1")
	}
	return Span{N: n, Unit: u}, nil
}

// String writes the span as ParseSpan reads it: Span{30, Minute} is "30m".
func (s Span) String() string {
	return strconv.Itoa(s.N) + string(s.Unit.letter())
}

// duration is a minute or hour span as working time; ok is false for the day units.
func (s Span) duration() (time.Duration, bool) {
	switch s.Unit {
	case Minute:
		return time.Duration(s.N) * time.Minute, true
	case Hour:
		return time.Duration(s.N) * time.Hour, true
	}
	return 0, false
}
