package requests_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

// Regression benchmarks for intake and the staff inbox on small data (the demo charters and a few
// hundred requests). The figures at a million requests, over HTTP, come from cmd/huduma-load; see
// docs/BENCHMARKS.md.
//
//	go test ./internal/requests/ -run '^$' -bench . -benchtime 2s

// benchEngines runs fn on a fresh demo database on each engine.
func benchEngines(b *testing.B, fn func(b *testing.B, d *db.DB, rs *requests.Store, services []string)) {
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
			rs := requests.NewStore(d, time.Now, charters, requests.Config{PublicURL: "https://huduma.test"})
			if _, err := demo.Install(b.Context(), d, charters, users, nil); err != nil {
				b.Fatal(err)
			}
			// Services some centre offers: a request for one of them is always accepted.
			rows, err := d.QueryContext(b.Context(), `SELECT DISTINCT s.code FROM services s
				JOIN centre_services cs ON cs.service_id = s.id WHERE s.active = TRUE ORDER BY s.code`)
			services, err := db.Collect(rows, err, func(r db.Scanner) (string, error) {
				var code string
				return code, r.Scan(&code)
			})
			if err != nil || len(services) == 0 {
				b.Fatalf("services: %v (%d)", err, len(services))
			}
			fn(b, d, rs, services)
		})
	}
}

func benchRequest(services []string, i int) requests.NewRequest {
	return requests.NewRequest{
		ServiceCode: services[i%len(services)],
		Channel:     []string{"web", "counter", "phone", "api"}[i%4],
		Citizen:     requests.Citizen{Name: "Achieng Odhiambo", Phone: fmt.Sprintf("07%08d", 12_000_000+i%50_000)},
		Description: "The certificate has not been issued; please advise on the status of the application.",
	}
}

// BenchmarkCreate is intake: validation, deadlines, the row, its event, its SLA jobs and the
// citizen's SMS, in one transaction.
func BenchmarkCreate(b *testing.B) {
	benchEngines(b, func(b *testing.B, d *db.DB, rs *requests.Store, services []string) {
		actor := requests.Actor{Name: "benchmark"}
		i := 0
		for b.Loop() {
			if _, err := rs.Create(b.Context(), actor, benchRequest(services, i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkInbox is the inbox's first page (25 requests and the count, capped at 10,000) with each
// of the filters staff use, over 600 requests of which a third are closed.
func BenchmarkInbox(b *testing.B) {
	benchEngines(b, func(b *testing.B, d *db.DB, rs *requests.Store, services []string) {
		actor := requests.Actor{ID: 0, Name: "benchmark"}
		var phone string
		var serviceID, centreID int64
		for i := range 600 {
			c, err := rs.Create(b.Context(), actor, benchRequest(services, i))
			if err != nil {
				b.Fatal(err)
			}
			if i%3 == 0 {
				if _, err := rs.ChangeStatus(b.Context(), actor, c.Request.ID, requests.StatusChange{To: requests.Closed}); err != nil {
					b.Fatal(err)
				}
			}
			phone, serviceID, centreID = c.Request.Citizen.Phone, c.Request.ServiceID, c.Request.CentreID
		}
		for _, f := range []struct {
			name string
			f    requests.Filter
		}{
			{"open", requests.Filter{OpenOnly: true}},
			{"all", requests.Filter{}},
			{"breached", requests.Filter{SLA: requests.Breached}},
			{"status=new", requests.Filter{Status: requests.New}},
			{"phone", requests.Filter{OpenOnly: true, Query: phone}},
			{"service", requests.Filter{OpenOnly: true, ServiceID: serviceID}},
			{"channel=phone", requests.Filter{OpenOnly: true, Channel: "phone"}},
			{"centre", requests.Filter{OpenOnly: true, CentreID: centreID}},
		} {
			b.Run(f.name, func(b *testing.B) {
				f.f.Limit = 25
				for b.Loop() {
					if _, err := rs.List(b.Context(), f.f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}
