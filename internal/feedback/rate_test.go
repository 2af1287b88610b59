package feedback_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/requests"
	"golang.org/x/crypto/bcrypt"
)

// requestFixture is a database with the demo data and n fresh requests at Kakamega's ICT help
// desk, assigned to its officer.
func requestFixture(t *testing.T, d *db.DB, now *time.Time, n int) (*requests.Store, []requests.Request, int64) {
	t.Helper()
	clock := func() time.Time { return *now }
	charters := charter.NewStore(d, clock)
	users := auth.NewStore(d, clock, bcrypt.MinCost)
	rs := requests.NewStore(d, clock, charters, requests.Config{})
	if _, err := demo.Install(ctx, d, charters, users, rs); err != nil {
		t.Fatal(err)
	}
	officer, err := users.UserByUsername(ctx, "kakamega.officer")
	if err != nil {
		t.Fatal(err)
	}
	var out []requests.Request
	for i := range n {
		c, err := rs.Create(ctx, requests.Actor{Name: "test"}, requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "web",
			Citizen: requests.Citizen{Name: fmt.Sprintf("Citizen %d", i), Phone: fmt.Sprintf("0712 345 %03d", i)}, Description: fmt.Sprintf("Printer %d jams.", i)})
		if err != nil {
			t.Fatal(err)
		}
		r, err := rs.Assign(ctx, requests.Actor{Name: "test"}, c.Request.ID, officer.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return rs, out, officer.ID
}

// TestRateARequest: a request is rated once it is resolved, once, joined to its centre, service,
// agency and officer; its history says so.
func TestRateARequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		rs, reqs, officer := requestFixture(t, d, &now, 1)
		fb := feedback.NewStore(d, func() time.Time { return now }, feedback.Config{})
		req := reqs[0]
		rated := func() (ratings, events int) {
			t.Helper()
			d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings WHERE request_id = $1`, req.ID).Scan(&ratings)
			d.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND kind = 'rated'`, req.ID).Scan(&events)
			return
		}
		if _, err := fb.Rate(ctx, "link", 0, req.ID, feedback.Press{Score: feedback.Happy}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a request still open: %v", err)
		}
		if ok, err := fb.Rated(ctx, 0, req.ID); ok || err != nil {
			t.Errorf("rated before any rating: %v %v", ok, err)
		}
		if _, err := rs.ChangeStatus(ctx, requests.Actor{Name: "test"}, req.ID, requests.StatusChange{To: requests.Resolved}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		r, err := fb.Rate(ctx, "link", 0, req.ID, feedback.Press{Score: feedback.Unhappy, Reason: "waiting_time", Comment: " Slow. "})
		if err != nil {
			t.Fatal(err)
		}
		if r.Source != "link" || r.Score != 2 || r.Comment != "Slow." || r.RequestID != req.ID || r.CentreID != req.CentreID ||
			r.ServiceID != req.ServiceID || r.AgencyID != req.AgencyID || r.OfficerID != officer || r.TicketID != 0 {
			t.Errorf("the rating %+v, for request %+v", r, req)
		}
		if n, e := rated(); n != 1 || e != 1 {
			t.Errorf("%d ratings and %d rated events, want 1 and 1", n, e)
		}
		if ok, err := fb.Rated(ctx, 0, req.ID); !ok || err != nil {
			t.Errorf("rated after the rating: %v %v", ok, err)
		}
		for _, source := range []string{"link", "web", "api"} {
			if _, err := fb.Rate(ctx, source, 0, req.ID, feedback.Press{Score: feedback.VeryHappy}); !apperr.Is(err, apperr.Conflict) {
				t.Errorf("a second rating by %s: %v", source, err)
			}
		}
		if n, e := rated(); n != 1 || e != 1 {
			t.Errorf("after second ratings: %d ratings and %d rated events, want 1 and 1", n, e)
		}
		// The database holds the rule too.
		_, err = d.ExecContext(ctx, `INSERT INTO ratings (source, score, request_id, at) VALUES ('sms', 3, $1, $2)`, req.ID, now)
		if !db.IsUnique(db.MapError(d.Engine, err)) {
			t.Errorf("a second ratings row for a request: %v", err)
		}
	})
}

// TestRequestRatingsFold: migration 0016 moves the old 1–5 request ratings into ratings, as
// source link with four faces, joined to the request; keeps a rating already in ratings; and drops
// the old table. It is replayed here over a copy of the old table made on a migrated database.
func TestRequestRatingsFold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		rs, reqs, officer := requestFixture(t, d, &now, 6)
		for _, r := range reqs {
			if _, err := rs.ChangeStatus(ctx, requests.Actor{Name: "test"}, r.ID, requests.StatusChange{To: requests.Resolved}); err != nil {
				t.Fatal(err)
			}
		}
		migrations, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		var old, fold string
		for _, m := range migrations {
			switch m.Version {
			case 5:
				old = m.SQL
			case 16:
				fold = m.SQL
			}
		}
		if _, err := d.ExecContext(ctx, db.Expand(d.Engine, old)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `DROP INDEX ratings_request`); err != nil {
			t.Fatal(err)
		}
		// The last request was rated through the API already: that rating stays, the old one goes.
		fb := feedback.NewStore(d, func() time.Time { return now }, feedback.Config{})
		kept, err := fb.Rate(ctx, "api", 0, reqs[5].ID, feedback.Press{Score: feedback.VeryUnhappy})
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(-time.Hour)
		for i, r := range reqs {
			if _, err := d.ExecContext(ctx, `INSERT INTO request_ratings (request_id, score, comment, rated_at) VALUES ($1, $2, $3, $4)`,
				r.ID, i%5+1, fmt.Sprintf("Comment %d", i+1), at.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.ExecContext(ctx, db.Expand(d.Engine, fold)); err != nil {
			t.Fatalf("migration 0016: %v", err)
		}
		want := []int{1, 2, 3, 3, 4}
		for i, r := range reqs[:5] {
			var source, comment string
			var score int
			var centre, service, agency, off int64
			var when time.Time
			err := d.QueryRowContext(ctx, `SELECT source, score, comment, centre_id, service_id, agency_id, officer_id, at FROM ratings WHERE request_id = $1`, r.ID).
				Scan(&source, &score, &comment, &centre, &service, &agency, &off, &when)
			if err != nil {
				t.Fatalf("old score %d: %v", i+1, err)
			}
			if source != "link" || score != want[i] || comment != fmt.Sprintf("Comment %d", i+1) || centre != r.CentreID || service != r.ServiceID ||
				agency != r.AgencyID || off != officer || !when.Equal(at.Add(time.Duration(i)*time.Minute)) {
				t.Errorf("old score %d became %s %d %q centre %d service %d agency %d officer %d at %v", i+1, source, score, comment, centre, service, agency, off, when)
			}
		}
		var n int
		var id int64
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), MIN(id) FROM ratings WHERE request_id = $1`, reqs[5].ID).Scan(&n, &id); err != nil || n != 1 || id != kept.ID {
			t.Errorf("the request rated in both: %d rows, id %d (want the API's %d) %v", n, id, kept.ID, err)
		}
		if _, err := d.ExecContext(ctx, `SELECT 1 FROM request_ratings`); err == nil {
			t.Error("request_ratings is still there")
		}
		if _, err := fb.Rate(ctx, "web", 0, reqs[0].ID, feedback.Press{Score: feedback.Happy}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("rating a request whose old rating was folded in: %v", err)
		}
	})
}
