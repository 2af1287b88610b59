package demo_test

import (
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

// TestDemoFeedback: on a new demo, the GPO centre's last five working days are played through the
// real code — served visits, each rated on the counter's tablet — and counted into the roll-ups,
// with complaints and a compliment; a second start adds nothing.
func TestDemoFeedback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := time.Date(2026, 11, 23, 4, 55, 0, 0, time.UTC) // Monday 07:55 in Nairobi
		clock := func() time.Time { return now }
		charters := charter.NewStore(d, clock)
		users := auth.NewStore(d, clock, bcrypt.MinCost)
		reqs := requests.NewStore(d, clock, charters, requests.Config{})
		if _, err := demo.Install(ctx, d, charters, users, reqs); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := demo.Feedback(ctx, d, charters, users, reqs, now); err != nil {
				t.Fatal(err)
			}
		}
		var ratings, joined, complaints, compliments, answered int
		d.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(ticket_id) FROM ratings`).Scan(&ratings, &joined)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE kind = 'complaint'`).Scan(&complaints)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE kind = 'compliment'`).Scan(&compliments)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE status = 'answered'`).Scan(&answered)
		if ratings != 220 || joined != 220 || complaints != 2 || compliments != 1 || answered != 1 {
			t.Errorf("%d ratings (%d joined to a visit), %d complaints (%d answered), %d compliments; want 220 (220), 2 (1), 1",
				ratings, joined, complaints, answered, compliments)
		}
		fb := feedback.NewStore(d, clock, feedback.Config{})
		gpo, _ := charters.CentreByCode(ctx, "HC-GPO")
		month, _ := feedback.WindowNamed("30d", now)
		total, err := fb.Total(ctx, gpo.ID, month)
		if err != nil || total.Responses() != 220 || total.CSAT() < 60 || total.CSAT() > 90 {
			t.Errorf("the GPO's last 30 days: %+v (CSAT %.0f) %v", total, total.CSAT(), err)
		}
		// The last 7 days (today and the 6 before) hold Tuesday to Friday; Wednesday was the worst.
		week, _ := feedback.WindowNamed("7d", now)
		days, _ := fb.Series(ctx, gpo.ID, week)
		if len(days) != 4 || days[0].At.Weekday() != time.Tuesday {
			t.Fatalf("days rated: %+v", days)
		}
		for _, d := range days {
			if d.At.Weekday() != time.Wednesday && d.Index() <= days[1].Index() {
				t.Errorf("%s (index %.0f) was no better than Wednesday (%.0f)", d.At.Weekday(), d.Index(), days[1].Index())
			}
		}
	})
}
