package demo_test

import (
	"context"
	"testing"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInstallLoadsEverythingOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cs, us := charter.NewStore(d, nil), auth.NewStore(d, nil, bcrypt.MinCost)
		rs := requests.NewStore(d, nil, cs, requests.Config{})
		accounts, err := demo.Install(ctx, d, cs, us, rs)
		if err != nil {
			t.Fatal(err)
		}
		data := demo.Load()
		for table, want := range map[string]int{"agencies": len(data.Agencies), "services": len(data.Services),
			"centres": len(data.Centres), "charters": len(data.Charters), "users": len(accounts)} {
			if got := count(t, d, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		// The seed charters come back from the database row for row.
		page, err := cs.Services(ctx, charter.ServiceFilter{AgencyCode: "KKG-ICT", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 11 || page.Services[2].Timeline.Text != "Within 10 working days." || page.Services[2].Timeline.Span != "10d" {
			t.Errorf("Kakamega matrix from the database: %d rows, row 3 = %+v", page.Total, page.Services[2].Timeline)
		}
		// Every demo account can sign in with the printed password.
		for _, a := range accounts {
			if _, err := us.Authenticate(ctx, a.Username, a.Password); err != nil {
				t.Errorf("%s cannot sign in: %v", a.Username, err)
			}
		}
		// A second start changes nothing and still reports the accounts.
		audits := count(t, d, "audit_log")
		again, err := demo.Install(ctx, d, cs, us, rs)
		if err != nil || len(again) != len(accounts) || count(t, d, "audit_log") != audits {
			t.Errorf("second install: %d accounts, err %v, audit %d → %d", len(again), err, audits, count(t, d, "audit_log"))
		}
	})
}

func TestFailedInstallWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cs, us := charter.NewStore(d, nil), auth.NewStore(d, nil, bcrypt.MinCost)
		// An account named like a demo account makes the last step fail.
		if _, err := us.CreateUser(ctx, audit.System, auth.NewUser{Username: "ombudsman", Name: "Existing", Role: auth.Auditor, Password: "a long enough password"}); err != nil {
			t.Fatal(err)
		}
		_, err := demo.Install(ctx, d, cs, us, requests.NewStore(d, nil, cs, requests.Config{}))
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("install over a clashing account: %v, want a conflict", err)
		}
		for _, table := range []string{"agencies", "services", "centres", "charters", "holidays", "requests", "outbox", "jobs"} {
			if n := count(t, d, table); n != 0 {
				t.Errorf("%s has %d rows after a failed install; want none", table, n)
			}
		}
	})
}
