package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

func TestPasswordsAreHashedAndChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u, err := s.CreateUser(ctx, audit.System, auth.NewUser{Username: "Auditor.One", Name: "A. One", Role: auth.Auditor, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := d.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(hash, "correct horse") || !strings.HasPrefix(hash, "$2") {
			t.Errorf("stored password is not a bcrypt hash: %q", hash)
		}
		if _, err := s.Authenticate(ctx, "auditor.one", "correct horse battery"); err != nil {
			t.Errorf("right password refused: %v", err)
		}
		for _, c := range [][2]string{{"auditor.one", "wrong"}, {"nobody", "correct horse battery"}} {
			_, err := s.Authenticate(ctx, c[0], c[1])
			if !apperr.Is(err, apperr.Unauthorised) || !strings.Contains(err.Error(), "Wrong username or password.") {
				t.Errorf("%v: %v, want the one answer for both", c, err)
			}
		}
		// Sessions: the cookie token works until it expires, and only its hash is stored.
		sess, err := s.StartSession(ctx, u, "test", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		var stored int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, sess.Token).Scan(&stored)
		if stored != 0 {
			t.Error("the session token is stored in clear")
		}
		got, gotSess, err := s.SessionUser(ctx, sess.Token)
		if err != nil || got.ID != u.ID || gotSess.CSRF != sess.CSRF {
			t.Fatalf("session lookup: %v %+v", err, got)
		}
		now = now.Add(auth.SessionLifetime + time.Minute)
		if _, _, err := s.SessionUser(ctx, sess.Token); !apperr.Is(err, apperr.Unauthorised) {
			t.Errorf("expired session still works: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, "forged-token"); !apperr.Is(err, apperr.Unauthorised) {
			t.Errorf("forged token: %v", err)
		}
	})
}

func TestCreateUserValidatesScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := auth.NewStore(d, nil, bcrypt.MinCost)
		cases := []struct {
			u     auth.NewUser
			field string
		}{
			{auth.NewUser{Username: "o1", Name: "O", Role: auth.Officer, Password: "long enough password"}, "centre"},
			{auth.NewUser{Username: "m1", Name: "M", Role: auth.CentreManager, Password: "long enough password"}, "centre"},
			{auth.NewUser{Username: "a1", Name: "A", Role: auth.AgencyAdmin, Password: "long enough password"}, "agency"},
			{auth.NewUser{Username: "x", Name: "X", Role: auth.Auditor, Password: "long enough password"}, "username"},
			{auth.NewUser{Username: "n1", Name: "N", Role: "king", Password: "long enough password"}, "role"},
			{auth.NewUser{Username: "n2", Name: "N", Role: auth.Auditor, Password: "short"}, "password"},
		}
		for _, c := range cases {
			if _, err := s.CreateUser(ctx, audit.System, c.u); apperr.FieldsOf(err)[c.field] == "" {
				t.Errorf("%+v: %v, want an error on %s", c.u, err, c.field)
			}
		}
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
		if n != 0 {
			t.Errorf("%d invalid users were stored", n)
		}
	})
}

func TestRoleScope(t *testing.T) {
	national := auth.User{ID: 1, Active: true, Role: auth.NationalAdmin}
	agency := auth.User{ID: 2, Active: true, Role: auth.AgencyAdmin, AgencyID: 7}
	manager := auth.User{ID: 3, Active: true, Role: auth.CentreManager, CentreID: 9}
	auditor := auth.User{ID: 4, Active: true, Role: auth.Auditor}
	inactive := auth.User{ID: 5, Active: false, Role: auth.NationalAdmin}
	checks := []struct {
		name string
		got  bool
		want bool
	}{
		{"national edits any agency", national.CanAgency(auth.EditOwnAgency, 99), true},
		{"agency admin edits own agency", agency.CanAgency(auth.EditOwnAgency, 7), true},
		{"agency admin cannot edit another", agency.CanAgency(auth.EditOwnAgency, 8), false},
		{"agency admin cannot create agencies", agency.Can(auth.ManageAgencies), false},
		{"manager edits own centre", manager.CanCentre(auth.EditOwnCentre, 9), true},
		{"manager cannot edit another centre", manager.CanCentre(auth.EditOwnCentre, 10), false},
		{"manager cannot touch services", manager.Can(auth.ManageServices), false},
		{"auditor reads the audit trail", auditor.Can(auth.ViewAudit), true},
		{"auditor changes nothing", auditor.Can(auth.EditCharter) || auditor.Can(auth.ManageHolidays) || auditor.Can(auth.ManageServices), false},
		{"inactive account can do nothing", inactive.Can(auth.SignedIn) || inactive.Can(auth.ManageAgencies), false},
		{"anyone may read public pages", auth.User{}.Can(auth.Public), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
}
