package feedback_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

// Regression benchmarks on small data (the demo centres). The figures with 10 million ratings
// stored and 16 tablets at once come from `huduma-load feedback`; see docs/BENCHMARKS.md.
//
//	go test ./internal/feedback/ -run '^$' -bench . -benchtime 2s

// benchDesk is counter 1 of the GPO centre with a tablet, on a fresh demo database.
type benchDesk struct {
	d       *db.DB
	fb      *feedback.Store
	device  feedback.Device
	centre  int64
	counter int64
	service int64
	officer int64
}

func benchEngines(b *testing.B, fn func(b *testing.B, k *benchDesk)) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			var d *db.DB
			if engine == db.SQLite {
				d = dbtest.SQLite(b)
			} else {
				d = dbtest.Postgres(b)
			}
			charters := charter.NewStore(d, time.Now)
			users := auth.NewStore(d, time.Now, bcrypt.MinCost)
			if _, err := demo.Install(b.Context(), d, charters, users, nil); err != nil {
				b.Fatal(err)
			}
			q := queue.NewStore(d, time.Now, charters, requests.NewStore(d, time.Now, charters, requests.Config{}), queue.Config{})
			gpo, _ := charters.CentreByCode(b.Context(), "HC-GPO")
			counters, err := q.Counters(b.Context(), gpo.ID)
			if err != nil {
				b.Fatal(err)
			}
			nrb, _ := charters.ServiceByCode(b.Context(), "NRB-01")
			officer, _ := users.UserByUsername(b.Context(), "gpo.officer")
			k := &benchDesk{d: d, fb: feedback.NewStore(d, time.Now, feedback.Config{Burst: 1 << 30}), centre: gpo.ID,
				counter: counters[0].ID, service: nrb.ID, officer: officer.ID}
			dev, key, err := k.fb.AddDevice(b.Context(), audit.System, k.counter, "")
			if err != nil {
				b.Fatal(err)
			}
			if k.device, err = k.fb.DeviceByKey(b.Context(), dev.ID, key); err != nil {
				b.Fatal(err)
			}
			fn(b, k)
		})
	}
}

// finish records a visit just finished at the desk's counter.
func (k *benchDesk) finish(b *testing.B, n int) {
	now := time.Now().UTC()
	if _, err := k.d.ExecContext(b.Context(), `INSERT INTO tickets (centre_id, service_id, day, number, leg, status, channel, arrived_at,
		queued_at, rank_at, called_at, counter_id, officer_id, served_at, done_at, outcome)
		VALUES ($1, $2, 'bench', $3, 1, 'done', 'kiosk', $4, $4, $4, $5, $6, $7, $5, $8, 'served')`,
		k.centre, k.service, fmt.Sprintf("B%d", n), now.Add(-20*time.Minute), now.Add(-8*time.Minute), k.counter, k.officer, now); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPress: a press joined to the visit just finished (the visit's insert not timed).
func BenchmarkPress(b *testing.B) {
	benchEngines(b, func(b *testing.B, k *benchDesk) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			k.finish(b, i)
			b.StartTimer()
			r, err := k.fb.Press(b.Context(), k.device, feedback.Press{Score: 1 + i%4})
			if err != nil || r.TicketID == 0 {
				b.Fatalf("press %d: %+v %v", i, r, err)
			}
		}
	})
}

// BenchmarkEvaluate: a centre's rules checked against its ratings.
func BenchmarkEvaluate(b *testing.B) {
	benchEngines(b, func(b *testing.B, k *benchDesk) {
		for i := range 200 {
			k.finish(b, i)
			if _, err := k.fb.Press(b.Context(), k.device, feedback.Press{Score: 1 + i%4}); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			if _, _, err := k.fb.Evaluate(b.Context(), k.centre); err != nil {
				b.Fatal(err)
			}
		}
	})
}
