package requests

import (
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/worktime"
	_ "time/tzdata"
)

func nbo(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Africa/Nairobi")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDeadlinesPauseAndResume(t *testing.T) {
	cal := worktime.Default()
	at := func(s string) time.Time { return nbo(t, s) }
	cases := []struct {
		name           string
		s              sla
		resolution     string
		warn, response string
		paused         bool
	}{
		{"30 minutes over lunch", sla{created: at("2026-11-23 12:50"), resolution: "30m", response: "10m", warnShare: 0.75},
			"2026-11-23 14:20", "2026-11-23 14:12", "2026-11-23 13:00", false},
		{"10 working days across a weekend", sla{created: at("2026-11-23 10:00"), resolution: "10d", response: "1h", warnShare: 0.75},
			"2026-12-07 10:00", "2026-12-02 15:00", "2026-11-23 11:00", false},
		{"a pause gives the time back", sla{created: at("2026-11-23 10:00"), resolution: "1d", response: "1h", warnShare: 0.75,
			pauses: []worktime.Interval{{Start: at("2026-11-23 11:00"), End: at("2026-11-24 11:00")}}},
			"2026-11-25 10:00", "2026-11-24 17:00", "2026-11-23 11:00", false},
		{"waiting over a weekend and a holiday", sla{created: at("2026-12-09 16:00"), resolution: "2h", response: "30m", warnShare: 0.5,
			pauses: []worktime.Interval{{Start: at("2026-12-09 16:30"), End: at("2026-12-14 08:00")}}}, // Fri 11th, weekend, Jamhuri on Saturday
			"2026-12-14 09:30", "2026-12-14 08:30", "2026-12-09 16:30", false},
		{"open pause stops the clock", sla{created: at("2026-11-23 10:00"), resolution: "2h", response: "1h", warnShare: 0.75,
			pauses: []worktime.Interval{{Start: at("2026-11-23 11:00")}}},
			"2026-11-23 12:00", "2026-11-23 11:30", "2026-11-23 11:00", true},
		{"overlapping pauses count once", sla{created: at("2026-11-23 08:00"), resolution: "2h", response: "2h", warnShare: 1,
			pauses: []worktime.Interval{{Start: at("2026-11-23 08:30"), End: at("2026-11-23 09:30")}, {Start: at("2026-11-23 09:00"), End: at("2026-11-23 10:00")}}},
			"2026-11-23 11:30", "2026-11-23 11:30", "2026-11-23 11:30", false},
		{"response never after resolution", sla{created: at("2026-11-23 08:00"), resolution: "10m", response: "1h", warnShare: 0.75},
			"2026-11-23 08:10", "2026-11-23 08:07", "2026-11-23 08:10", false},
	}
	for _, c := range cases {
		d := c.s.compute(cal)
		for name, got := range map[string]*time.Time{"resolution": d.resolution, "warn": d.warn, "response": d.response} {
			want := map[string]string{"resolution": c.resolution, "warn": c.warn, "response": c.response}[name]
			if got == nil || !got.Equal(at(want)) {
				t.Errorf("%s: %s = %v, want %s", c.name, name, got, want)
			}
		}
		if d.paused != c.paused {
			t.Errorf("%s: paused = %v", c.name, d.paused)
		}
	}
	if d := (sla{created: at("2026-11-23 10:00")}).compute(cal); d.resolution != nil || d.response != nil {
		t.Error("a continuous service got a deadline")
	}
}

func TestSLAState(t *testing.T) {
	at := func(s string) time.Time { return nbo(t, s) }
	due, warn, resolvedEarly, resolvedLate := at("2026-11-23 14:00"), at("2026-11-23 13:00"), at("2026-11-23 12:00"), at("2026-11-23 15:00")
	paused := at("2026-11-23 12:30")
	cases := []struct {
		r    Request
		now  string
		want SLAState
	}{
		{Request{Status: InProgress, ResolutionDue: &due, WarnAt: &warn}, "2026-11-23 12:00", OnTrack},
		{Request{Status: InProgress, ResolutionDue: &due, WarnAt: &warn}, "2026-11-23 13:30", AtRisk},
		{Request{Status: InProgress, ResolutionDue: &due, WarnAt: &warn}, "2026-11-23 14:01", Breached},
		{Request{Status: Waiting, ResolutionDue: &due, WarnAt: &warn, PausedAt: &paused}, "2026-11-23 16:00", Paused},
		{Request{Status: Resolved, ResolutionDue: &due, ResolvedAt: &resolvedEarly}, "2026-11-30 16:00", Met},
		{Request{Status: Closed, ResolutionDue: &due, ResolvedAt: &resolvedLate}, "2026-11-30 16:00", Breached},
		{Request{Status: New}, "2026-11-30 16:00", NoSLA},
	}
	for i, c := range cases {
		if got := c.r.SLA(at(c.now)); got != c.want {
			t.Errorf("case %d: %s, want %s", i, got, c.want)
		}
	}
}
