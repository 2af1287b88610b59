package charter_test

import (
	"context"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/worktime"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var (
	ctx   = context.Background()
	clock = func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
	admin = audit.Actor{ID: 0, Name: "tester"}
)

func auditCount(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// newAgency makes a store with one agency and the default calendar.
func setup(t *testing.T, d *db.DB) (*charter.Store, charter.Agency, charter.Calendar) {
	t.Helper()
	s := charter.NewStore(d, clock)
	cal, err := s.EnsureDefaultCalendar(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.SaveAgency(ctx, admin, charter.Agency{Code: "kra", Name: "Kenya Revenue Authority", Kind: "agency"})
	if err != nil {
		t.Fatal(err)
	}
	return s, a, cal
}

func TestAgencyLifecycleIsAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, a, _ := setup(t, d)
		if a.Code != "KRA" {
			t.Errorf("code not upper-cased: %q", a.Code)
		}
		before := auditCount(t, d)
		a.Email = "callcentre@kra.go.ke"
		if _, err := s.SaveAgency(ctx, admin, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.AgencyByCode(ctx, "kra")
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "callcentre@kra.go.ke" {
			t.Errorf("email = %q", got.Email)
		}
		if auditCount(t, d) != before+1 {
			t.Errorf("update wrote %d audit records, want 1", auditCount(t, d)-before)
		}
		page, err := audit.List(ctx, d, audit.Filter{Entity: "agency", Action: "update"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 1 || page.Entries[0].Before == "" || page.Entries[0].After == "" || page.Entries[0].Actor != "tester" {
			t.Errorf("audit entry = %+v", page.Entries)
		}
	})
}

func TestDuplicateAndInvalidAgencyWriteNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, _ := setup(t, d)
		before := auditCount(t, d)
		_, err := s.SaveAgency(ctx, admin, charter.Agency{Code: "KRA", Name: "Another", Kind: "agency"})
		if !apperr.Is(err, apperr.Conflict) || apperr.FieldsOf(err)["code"] == "" {
			t.Errorf("duplicate code: err = %v, want a conflict on the code field", err)
		}
		_, err = s.SaveAgency(ctx, admin, charter.Agency{Code: "x y", Name: "", Kind: "club", Email: "not-an-email"})
		f := apperr.FieldsOf(err)
		if !apperr.Is(err, apperr.Invalid) || f["code"] == "" || f["name"] == "" || f["kind"] == "" || f["email"] == "" {
			t.Errorf("invalid agency: err = %v fields = %v", err, f)
		}
		if auditCount(t, d) != before {
			t.Error("a refused change wrote an audit record")
		}
		list, _ := s.Agencies(ctx)
		if len(list) != 1 {
			t.Errorf("agencies = %d, want 1", len(list))
		}
	})
}

func TestServiceValidationAndListing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, a, cal := setup(t, d)
		cases := []struct {
			name  string
			sv    charter.Service
			field string
		}{
			{"bad duration", charter.Service{Code: "S1", Name: "x", AgencyID: a.ID, Cost: charter.Cost{Kind: "free"}, Timeline: charter.Timeline{Kind: "duration", Span: "10 days"}}, "timeline"},
			{"zero amount", charter.Service{Code: "S1", Name: "x", AgencyID: a.ID, Cost: charter.Cost{Kind: "amount"}, Timeline: charter.Timeline{Kind: "continuous"}}, "cost"},
			{"unknown channel", charter.Service{Code: "S1", Name: "x", AgencyID: a.ID, Cost: charter.Cost{Kind: "free"}, Timeline: charter.Timeline{Kind: "continuous"}, Channels: []string{"pigeon"}}, "channels"},
			{"text timeline without text", charter.Service{Code: "S1", Name: "x", AgencyID: a.ID, Cost: charter.Cost{Kind: "free"}, Timeline: charter.Timeline{Kind: "text"}}, "timeline_text"},
			{"no name", charter.Service{Code: "S1", AgencyID: a.ID, Cost: charter.Cost{Kind: "free"}, Timeline: charter.Timeline{Kind: "continuous"}}, "name"},
		}
		for _, c := range cases {
			_, err := s.SaveService(ctx, admin, c.sv)
			if apperr.FieldsOf(err)[c.field] == "" {
				t.Errorf("%s: err = %v, want an error on %q", c.name, err, c.field)
			}
		}
		pin, err := s.SaveService(ctx, admin, charter.Service{Code: "kra-pin", Name: "KRA PIN registration", AgencyID: a.ID,
			Requirements: []string{" National ID ", ""}, Cost: charter.Cost{Kind: "free"},
			Timeline: charter.Timeline{Kind: "duration", Span: "30m"}, Channels: []string{"counter", "web"}})
		if err != nil {
			t.Fatal(err)
		}
		tcc, err := s.SaveService(ctx, admin, charter.Service{Code: "KRA-TCC", Name: "Tax compliance certificate", AgencyID: a.ID,
			Cost: charter.Cost{Kind: "amount", Cents: 105000}, Timeline: charter.Timeline{Kind: "duration", Span: "2d"}, Channels: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		if pin.Position != 1 || tcc.Position != 2 {
			t.Errorf("positions %d, %d; want 1, 2", pin.Position, tcc.Position)
		}
		got, err := s.ServiceByCode(ctx, "kra-pin")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Requirements) != 1 || got.Requirements[0] != "National ID" || got.AgencyCode != "KRA" {
			t.Errorf("stored service = %+v", got)
		}
		if _, err := s.ServiceByCode(ctx, "NOPE"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown code: %v", err)
		}
		centre, err := s.SaveCentre(ctx, admin, charter.Centre{Code: "HC-TEST", Name: "Test centre", Kind: "huduma_centre", County: "Nairobi", CalendarID: cal.ID, Counters: 5})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetCentreServices(ctx, admin, centre.ID, []int64{tcc.ID}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f    charter.ServiceFilter
			want []string
		}{
			{charter.ServiceFilter{}, []string{"KRA-PIN", "KRA-TCC"}},
			{charter.ServiceFilter{Query: "compliance"}, []string{"KRA-TCC"}},
			{charter.ServiceFilter{CentreCode: "hc-test"}, []string{"KRA-TCC"}},
			{charter.ServiceFilter{Channel: "counter"}, []string{"KRA-PIN"}},
			{charter.ServiceFilter{Limit: 1, Offset: 1}, []string{"KRA-TCC"}},
			{charter.ServiceFilter{AgencyCode: "NONE"}, nil},
		} {
			page, err := s.Services(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, sv := range page.Services {
				codes = append(codes, sv.Code)
			}
			if len(codes) != len(c.want) || (len(codes) > 0 && codes[0] != c.want[0]) {
				t.Errorf("filter %+v: got %v want %v", c.f, codes, c.want)
			}
		}
	})
}

func TestHolidaysMoveDeadlines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, cal := setup(t, d)
		nairobi, _ := time.LoadLocation("Africa/Nairobi")
		from := time.Date(2026, 12, 2, 10, 0, 0, 0, nairobi) // Wednesday
		span, _ := worktime.ParseSpan("1d")
		wc, err := s.WorkCalendar(ctx, cal.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := wc.Due(from, span); !got.Equal(time.Date(2026, 12, 3, 10, 0, 0, 0, nairobi)) {
			t.Fatalf("before the holiday: due %v", got)
		}
		h, err := s.AddHoliday(ctx, admin, charter.Holiday{Day: "2026-12-03", Name: "Gazetted day of mourning"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddHoliday(ctx, admin, charter.Holiday{Day: "2026-12-03", Name: "Twice"}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second holiday on the same day: %v", err)
		}
		if _, err := s.AddHoliday(ctx, admin, charter.Holiday{Day: "2026-02-30", Name: "Bad"}); apperr.FieldsOf(err)["day"] == "" {
			t.Errorf("impossible date accepted: %v", err)
		}
		wc, _ = s.WorkCalendar(ctx, cal.ID)
		if got := wc.Due(from, span); !got.Equal(time.Date(2026, 12, 4, 10, 0, 0, 0, nairobi)) {
			t.Errorf("with the holiday: due %v, want Friday 10:00", got)
		}
		if err := s.DeleteHoliday(ctx, admin, h.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteHoliday(ctx, admin, h.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("deleting twice: %v", err)
		}
		page, _ := audit.List(ctx, d, audit.Filter{Entity: "holiday"})
		if len(page.Entries) != 2 {
			t.Errorf("holiday audit entries = %d, want 2 (add, delete)", len(page.Entries))
		}
	})
}

func TestCharterBelongsToOneOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, a, _ := setup(t, d)
		if _, err := s.SaveCharter(ctx, admin, charter.Charter{Title: "Orphan"}); apperr.FieldsOf(err)["owner"] == "" {
			t.Errorf("charter without owner: %v", err)
		}
		ch, err := s.SaveCharter(ctx, admin, charter.Charter{AgencyID: a.ID, Title: "KRA Charter", CoreValues: []string{"Integrity", " "}, Published: true})
		if err != nil {
			t.Fatal(err)
		}
		ch.Vision = "A tax system that serves"
		if _, err := s.SaveCharter(ctx, admin, ch); err != nil {
			t.Fatal(err)
		}
		got, err := s.CharterOfAgency(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Vision != "A tax system that serves" || len(got.CoreValues) != 1 || got.OwnerCode != "KRA" {
			t.Errorf("charter = %+v", got)
		}
		all, _ := s.Charters(ctx, true)
		if len(all) != 1 {
			t.Errorf("charters = %d, want 1 (saving again must not add a second)", len(all))
		}
	})
}
