package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue/sim"
	"golang.org/x/crypto/bcrypt"
	_ "time/tzdata"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestADayAtTwoCentres plays a short day at two centres and checks the figures against the
// database: every ticket ends, every call is on the board, nothing is counted twice.
func TestADayAtTwoCentres(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		users := auth.NewStore(d, nil, bcrypt.MinCost)
		if _, err := demo.Install(ctx, d, charter.NewStore(d, nil), users, nil); err != nil {
			t.Fatal(err)
		}
		nairobi, _ := time.LoadLocation("Africa/Nairobi")
		day := time.Date(2026, 11, 24, 12, 0, 0, 0, nairobi) // a Tuesday
		reps, err := sim.Run(ctx, d, users, sim.Options{Centres: []string{"HC-GPO", "HC-MOMBASA"}, Customers: 150, Day: day, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, r := range reps {
			if r.Issued+r.Refused != 150 || r.Issued < 140 {
				t.Errorf("%s: issued %d, refused %d of 150", r.Centre, r.Issued, r.Refused)
			}
			ended := r.Served + r.Requests + r.NoShows
			if ended != r.Issued {
				t.Errorf("%s: %d issued but %d ended (served %d, requests %d, no-shows %d)", r.Centre, r.Issued, ended, r.Served, r.Requests, r.NoShows)
			}
			if r.Calls != r.Issued+r.Transfers {
				t.Errorf("%s: %d calls for %d tickets and %d transfers", r.Centre, r.Calls, r.Issued, r.Transfers)
			}
			if r.Served == 0 || r.NoShows == 0 && r.Issued > 100 || r.AvgWait <= 0 {
				t.Errorf("%s: an implausible day %+v", r.Centre, r)
			}
		}
		if n := count(`SELECT COUNT(*) FROM tickets WHERE status IN ('waiting', 'called', 'serving', 'parked')`); n != 0 {
			t.Errorf("%d tickets still open at the end of the day", n)
		}
		if n, want := count(`SELECT COUNT(*) FROM tickets WHERE outcome = 'request' AND request_id IS NOT NULL`), reps[0].Requests+reps[1].Requests; n != want {
			t.Errorf("%d tickets carried on as requests, reports say %d", n, want)
		}
		if n := count(`SELECT COUNT(*) FROM counter_sessions WHERE ended_at IS NULL`); n != 0 {
			t.Errorf("%d officers still signed in", n)
		}
	})
}
