package requests

import (
	"slices"
	"time"

	"github.com/huduma-ke/huduma/internal/worktime"
)

// The SLA clock. A request's deadlines are not stored arithmetic that drifts: they are recomputed
// from what happened — when it was created, the service's committed spans, the centre's calendar
// and the intervals the clock stood still — whenever any of those changes (a pause ends, a
// holiday is gazetted late). Zammad rebuilds its SLA from history the same way.

// sla is what the clock needs to know about a request.
type sla struct {
	created    time.Time
	resolution string // span, "" when the charter commits to no duration
	response   string // span for the first response
	warnShare  float64
	pauses     []worktime.Interval // End zero while the pause is still open
}

// deadlines are a request's computed instants; nil where there is none.
type deadlines struct {
	response, warn, resolution *time.Time
	paused                     bool // the clock is stopped now: the instants are those it stopped at
}

// compute returns the deadlines on cal.
func (s sla) compute(cal *worktime.Calendar) deadlines {
	var d deadlines
	pauses := normalisePauses(s.pauses)
	d.paused = len(pauses) > 0 && pauses[len(pauses)-1].End.IsZero()
	if budget, ok := budgetOf(cal, s.created, s.resolution); ok {
		res := dueAfter(cal, s.created, budget, pauses)
		warn := dueAfter(cal, s.created, time.Duration(float64(budget)*s.warnShare).Truncate(time.Minute), pauses)
		d.resolution, d.warn = &res, &warn
	}
	if budget, ok := budgetOf(cal, s.created, s.response); ok {
		if d.resolution != nil {
			if resBudget, _ := budgetOf(cal, s.created, s.resolution); budget > resBudget {
				budget = resBudget // a first response is never due after the resolution
			}
		}
		resp := dueAfter(cal, s.created, budget, pauses)
		d.response = &resp
	}
	return d
}

// budgetOf turns a charter span into working time from start: "1d" from Monday 10:00 is the
// working time to Tuesday 10:00.
func budgetOf(cal *worktime.Calendar, start time.Time, span string) (time.Duration, bool) {
	if span == "" {
		return 0, false
	}
	sp, err := worktime.ParseSpan(span)
	if err != nil {
		return 0, false
	}
	from := cal.NextOpening(start)
	return cal.Elapsed(from, cal.Due(start, sp), nil), true
}

// dueAfter is the instant at which budget working time has run from start, the pauses left out.
// With an open pause (End zero) the clock is stopped: the result is where it would stand if the
// pause ended now — callers show the request as paused instead.
func dueAfter(cal *worktime.Calendar, start time.Time, budget time.Duration, pauses []worktime.Interval) time.Time {
	t, remaining := start, budget
	for _, p := range pauses {
		if !p.End.IsZero() && !p.End.After(t) {
			continue
		}
		candidate := addWorking(cal, t, remaining)
		if !candidate.After(p.Start) {
			return candidate
		}
		if p.Start.After(t) {
			remaining -= cal.Elapsed(t, p.Start, nil)
		}
		if p.End.IsZero() {
			return addWorking(cal, p.Start, remaining)
		}
		t = p.End
	}
	return addWorking(cal, t, remaining)
}

// addWorking adds working time, to the minute.
func addWorking(cal *worktime.Calendar, from time.Time, d time.Duration) time.Time {
	minutes := int(d / time.Minute)
	if minutes < 1 {
		return cal.NextOpening(from)
	}
	return cal.Due(from, worktime.Span{N: minutes, Unit: worktime.Minute})
}

// normalisePauses sorts pauses and merges overlaps, keeping an open pause last.
func normalisePauses(ps []worktime.Interval) []worktime.Interval {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b worktime.Interval) int { return a.Start.Compare(b.Start) })
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			if last.End.IsZero() {
				break // the clock is stopped from last.Start on
			}
			if !p.Start.After(last.End) {
				if p.End.IsZero() || p.End.After(last.End) {
					last.End = p.End
				}
				continue
			}
		}
		merged = append(merged, p)
	}
	return merged
}
