package complaints_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/jobs"
)

// TestGazettedHolidayMovesComplaintDeadlines: a holiday gazetted inside an open complaint's time
// pushes its deadline one working day and its pending ladder step with it; withdrawn, both come
// back. A reopened complaint counts from its reopening; an answered one is not touched. A warning
// already given is not given again when the deadline moves after it: the breach moves instead.
func TestGazettedHolidayMovesComplaintDeadlines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d, "2026-11-23 10:00") // a Monday
		manager := w.user("gpo.manager").Actor("")
		open := w.lodge(complaints.NewComplaint{Category: complaints.Delay, Contact: citizen, Description: "Three hours in the queue."})
		answered := w.lodge(complaints.NewComplaint{Category: complaints.Facilities, Contact: citizen, Description: "No chairs."})
		reopened := w.lodge(complaints.NewComplaint{Category: complaints.Other, Contact: citizen, Description: "Wrong form."})
		if !open.DueAt.Equal(at("2026-11-30 10:00")) || !open.WarnAt.Equal(at("2026-11-26 17:00")) {
			t.Fatalf("due %v, warn %v; want Mon 30 Nov 10:00 and Thu 26 Nov 17:00", open.DueAt.In(nairobi), open.WarnAt.In(nairobi))
		}
		w.now = at("2026-11-23 11:00")
		for _, id := range []int64{answered.ID, reopened.ID} {
			if _, err := w.store.Answer(ctx, manager, id, "Done.", "sms"); err != nil {
				t.Fatal(err)
			}
		}
		answered, _ = w.store.ByID(ctx, answered.ID)
		w.now = at("2026-11-24 09:00")
		reopened, err := w.store.Reopen(ctx, reopened.ID, "Still the wrong form.")
		if err != nil || !reopened.DueAt.Equal(at("2026-12-01 09:00")) {
			t.Fatalf("reopened: due %v, %v; want Tue 1 Dec 09:00", reopened.DueAt, err)
		}

		get := func(id int64) complaints.Complaint {
			t.Helper()
			c, err := w.store.ByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// pending checks that the complaint's one pending job is key's step, set for its deadline.
		pending := func(c complaints.Complaint, step string, runAt time.Time) {
			t.Helper()
			list, err := jobs.Pending(ctx, d, "complaint:"+itoa(c.ID)+":")
			if err != nil {
				t.Fatal(err)
			}
			want := "complaint:" + itoa(c.ID) + ":" + step
			if len(list) != 1 || list[0].Key != want || !list[0].RunAt.Equal(runAt) {
				t.Errorf("pending for %s: %+v; want only %s at %v", c.Reference, list, want, runAt.In(nairobi))
				return
			}
			var p struct{ Due time.Time }
			if err := json.Unmarshal(list[0].Payload, &p); err != nil || !p.Due.Equal(*c.DueAt) {
				t.Errorf("%s is set for the deadline %v, want %v (%v)", want, p.Due, c.DueAt, err)
			}
		}
		recompute := func(calendarID int64, want int) {
			t.Helper()
			n, err := w.store.RecomputeOpen(ctx, calendarID)
			if err != nil || n != want {
				t.Fatalf("RecomputeOpen(%d) moved %d (%v), want %d", calendarID, n, err, want)
			}
		}
		untouched := func() {
			t.Helper()
			got := get(answered.ID)
			if !got.DueAt.Equal(*answered.DueAt) || !got.WarnAt.Equal(*answered.WarnAt) || !got.UpdatedAt.Equal(answered.UpdatedAt) {
				t.Errorf("the answered complaint changed: due %v → %v, updated %v → %v", answered.DueAt, got.DueAt, answered.UpdatedAt, got.UpdatedAt)
			}
			if list, _ := jobs.Pending(ctx, d, "complaint:"+itoa(answered.ID)+":"); len(list) != 0 {
				t.Errorf("the answered complaint has pending jobs: %+v", list)
			}
		}

		// Wednesday is gazetted on Tuesday: both open complaints move a working day, warnings too.
		hol, err := w.charters.AddHoliday(ctx, audit.System, charter.Holiday{Day: "2026-11-25", Name: "Day of national mourning"})
		if err != nil {
			t.Fatal(err)
		}
		recompute(0, 2)
		moved := get(open.ID)
		if !moved.DueAt.Equal(at("2026-12-01 10:00")) || !moved.WarnAt.After(*open.WarnAt) {
			t.Errorf("with Wed 25 Nov a holiday: due %v, warn %v; want Tue 1 Dec 10:00 and a later warning", moved.DueAt.In(nairobi), moved.WarnAt.In(nairobi))
		}
		pending(moved, "g0:warn", *moved.WarnAt)
		movedAgain := get(reopened.ID)
		if !movedAgain.DueAt.Equal(at("2026-12-02 09:00")) {
			t.Errorf("the reopened complaint: due %v, want Wed 2 Dec 09:00 (from its reopening)", movedAgain.DueAt.In(nairobi))
		}
		pending(movedAgain, "g1:warn", *movedAgain.WarnAt)
		untouched()
		audits := func(c complaints.Complaint) int {
			return w.count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND entity_id = $1 AND action = 'deadline'`, c.Reference)
		}
		if audits(open) != 1 || audits(reopened) != 1 || audits(answered) != 0 {
			t.Errorf("deadline audit records: %d, %d, %d; want 1 for each moved complaint and none for the answered one",
				audits(open), audits(reopened), audits(answered))
		}
		recompute(0, 0) // nothing changed since: nothing written
		if audits(open) != 1 {
			t.Errorf("an unchanged deadline was recorded again")
		}

		// Withdrawn: the deadlines and the pending steps come back.
		if err := w.charters.DeleteHoliday(ctx, audit.System, hol.ID); err != nil {
			t.Fatal(err)
		}
		recompute(0, 2)
		back := get(open.ID)
		if !back.DueAt.Equal(*open.DueAt) || !back.WarnAt.Equal(*open.WarnAt) {
			t.Errorf("after the withdrawal: due %v, warn %v; want %v, %v", back.DueAt.In(nairobi), back.WarnAt.In(nairobi), open.DueAt.In(nairobi), open.WarnAt.In(nairobi))
		}
		pending(back, "g0:warn", *open.WarnAt)
		if got := get(reopened.ID); !got.DueAt.Equal(*reopened.DueAt) {
			t.Errorf("the reopened complaint after the withdrawal: due %v, want %v", got.DueAt.In(nairobi), reopened.DueAt.In(nairobi))
		}
		untouched()

		// The owner is warned on Thursday; then Friday is gazetted for this centre's calendar only.
		w.advance("2026-11-26 17:00")
		pending(get(open.ID), "g0:esc1", *open.DueAt)
		w.now = at("2026-11-26 18:00")
		if _, err := w.charters.AddHoliday(ctx, audit.System, charter.Holiday{Day: "2026-11-27", Name: "Gazetted at short notice", CalendarID: open.CalendarID}); err != nil {
			t.Fatal(err)
		}
		recompute(open.CalendarID+1000, 0) // another calendar's holiday moves nothing here
		recompute(open.CalendarID, 2)
		late := get(open.ID)
		if !late.DueAt.Equal(at("2026-12-01 10:00")) {
			t.Errorf("with Fri 27 Nov a holiday: due %v, want Tue 1 Dec 10:00", late.DueAt.In(nairobi))
		}
		pending(late, "g0:esc1", at("2026-12-01 10:00")) // not a second warning
		untouched()
		w.advance("2026-11-30 10:00")
		if got := get(open.ID); got.Escalation != 0 {
			t.Errorf("escalated at the old deadline (level %d)", got.Escalation)
		}
		w.advance("2026-12-01 10:00")
		if got := get(open.ID); got.Escalation != complaints.StepBreach {
			t.Errorf("at the new deadline: level %d, want %d", got.Escalation, complaints.StepBreach)
		}
		events, _ := w.store.Events(ctx, open.ID, false)
		warnings := 0
		for _, e := range events {
			if e.Kind == "sla" {
				warnings++
			}
		}
		if warnings != 1 {
			t.Errorf("%d warnings, want 1", warnings)
		}
		if audits(open) != 3 {
			t.Errorf("%d deadline audit records, want 3", audits(open))
		}
	})
}
