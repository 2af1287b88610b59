package feedback_test

import (
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// TestIntegritySignals: a tablet pressed in an all-happy burst, an officer closing visits in
// seconds, a ticket called ahead of one that waited longer, and an officer whose ratings fell are
// each flagged; an ordinary day flags nothing.
func TestIntegritySignals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newCentreFixture(t, d)
		f.wait, f.serve = 30*time.Second, 2*time.Minute
		// 28 days ago, both officers were rated very happy, ten times each.
		f.now = f.now.Add(-20 * 24 * time.Hour)
		for range 10 {
			f.rated(0, feedback.VeryHappy)
			f.rated(1, feedback.VeryHappy)
		}
		f.now = f.now.Add(20 * 24 * time.Hour)
		w := func() feedback.Window { w, _ := feedback.WindowNamed("today", f.now); return w }
		// An ordinary morning: ten visits each, rated happy; officer 2 keeps the same standard.
		for range 10 {
			f.rated(0, feedback.VeryHappy)
			f.rated(1, feedback.VeryHappy)
		}
		if _, err := f.fb.Fold(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := f.fb.Signals(ctx, f.centre.ID, w()); err != nil || len(got) != 0 {
			t.Fatalf("an ordinary morning flags %+v %v", got, err)
		}
		// Officer 1's ratings fall: ten very unhappy citizens (index 100 → 50 this week).
		for range 10 {
			f.rated(0, feedback.VeryUnhappy)
		}
		// Officer 2 closes three visits in 20 seconds each (the service's median is 2 minutes).
		f.serve = 20 * time.Second
		for range 3 {
			f.visit(1)
		}
		// Counter 2's tablet pressed five times at once, all very happy: the fourth and fifth are a burst.
		for range 5 {
			if _, err := f.fb.Press(ctx, f.devices[1], feedback.Press{Score: feedback.VeryHappy}); err != nil {
				t.Fatal(err)
			}
		}
		// Counter 1's tablet pressed five times at once too, but one press unhappy: children at
		// play, not someone gaming the figures; not flagged.
		for _, score := range []int{4, 4, 4, 1, 4} {
			if _, err := f.fb.Press(ctx, f.devices[0], feedback.Press{Score: score}); err != nil {
				t.Fatal(err)
			}
		}
		// Counter 1 calls the later of two waiting tickets first (as a counter system of another
		// make might): the earlier one was overtaken.
		f.serve = 2 * time.Minute
		first := f.visit(0)
		second := f.visit(0)
		if _, err := d.ExecContext(ctx, `UPDATE tickets SET called_at = $1 WHERE id = $2`, first.CalledAt.Add(-time.Second).UTC(), second.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE tickets SET queued_at = $1, rank_at = $1 WHERE id = $2`, first.QueuedAt.Add(time.Second).UTC(), second.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.fb.Fold(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := f.fb.Signals(ctx, f.centre.ID, w())
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]feedback.Signal{}
		for _, s := range got {
			found[s.Kind] = s
		}
		if s := found[feedback.SignalPositiveBurst]; s.CounterID != f.counters[1].ID || s.Count != 2 || s.Subject == "" {
			t.Errorf("positive burst: %+v", s)
		}
		if s := found[feedback.SignalShortService]; s.OfficerID != f.officers[1].ID || s.Count != 3 || s.After != 20 {
			t.Errorf("short services: %+v", s)
		}
		if s := found[feedback.SignalRatingDrop]; s.OfficerID != f.officers[0].ID || int(s.Before) < 80 || int(s.After) > 50 {
			t.Errorf("rating drop: %+v", s)
		}
		if s := found[feedback.SignalOutOfOrder]; s.OfficerID != f.officers[0].ID || s.Count != 1 {
			t.Errorf("out of order: %+v", s)
		}
		bursts := 0
		for _, s := range got {
			if s.Kind == feedback.SignalPositiveBurst {
				bursts++
			}
		}
		if bursts != 1 {
			t.Errorf("%d tablets flagged for happy bursts, want counter 2's only", bursts)
		}
		if len(got) != 4 {
			t.Errorf("%d signals: %+v", len(got), got)
		}
	})
}
