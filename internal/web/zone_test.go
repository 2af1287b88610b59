package web_test

import (
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// TestInstantsInTheViewersZone: screens show instants in the viewer's centre's time zone, and in
// Kenya's (Africa/Nairobi, UTC+3) for a viewer without a centre — never in UTC, which is how they
// are stored.
func TestInstantsInTheViewersZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		// An audit entry at 06:00 UTC is 09:00 in Nairobi.
		at := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, at, audit.Actor{Name: "zone test"}, "update", "holiday", "tz-1", "Zone test entry", nil, nil, 0, 0)
		}); err != nil {
			t.Fatal(err)
		}
		_, body := h.as("admin").get("/admin/audit?entity=holiday&id=tz-1")
		row := regexp.MustCompile(`<tr><td>[^<]*</td><td>zone test</td>`).FindString(body)
		if !strings.Contains(row, "09:00") || strings.Contains(row, "06:00") {
			t.Errorf("audit entry of 06:00 UTC shown as %q, want 09:00 (EAT)", row)
		}

		// The trail's day filters are days in the same zone: 22:30 UTC on the 19th is 01:30 on
		// the 20th in Nairobi.
		late := time.Date(2026, 11, 19, 22, 30, 0, 0, time.UTC)
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, late, audit.Actor{Name: "zone test"}, "update", "holiday", "tz-2", "Night entry", nil, nil, 0, 0)
		}); err != nil {
			t.Fatal(err)
		}
		_, body = h.as("admin").get("/admin/audit?entity=holiday&id=tz-2&from=2026-11-20&to=2026-11-20")
		if !strings.Contains(body, "Night entry") || !strings.Contains(body, "2026-11-20 01:30") {
			t.Errorf("the entry of 01:30 on the 20th (Nairobi) is not under the 20th")
		}
		_, body = h.as("admin").get("/admin/audit?entity=holiday&id=tz-2&from=2026-11-19&to=2026-11-19")
		if strings.Contains(body, "Night entry") {
			t.Errorf("the entry of 01:30 on the 20th (Nairobi) is listed under the 19th")
		}

		// A centre whose calendar keeps another zone: its monitor shows a counter session's start
		// in that zone. The GPO's calendar is moved to West Africa (UTC+1) for the test; a
		// holiday added drops the calendar cache.
		gpo, err := h.charters.CentreByCode(ctx, "HC-GPO")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE calendars SET time_zone = 'Africa/Lagos' WHERE id = $1`, gpo.CalendarID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.charters.AddHoliday(ctx, audit.System, charter.Holiday{CalendarID: gpo.CalendarID, Day: "2027-03-03", Name: "Zone test"}); err != nil {
			t.Fatal(err)
		}
		h.signInCounter("gpo.officer", 5, "NRB-01") // at h.now, 09:30 UTC
		_, body = h.as("gpo.manager").get("/staff/queue/HC-GPO")
		session := regexp.MustCompile(`<td>Peter Kamau[^<]*</td><td>[^<]*</td>`).FindString(body)
		if !strings.Contains(session, "10:30") {
			t.Errorf("counter session started 09:30 UTC shown as %q on the monitor, want 10:30 (the centre's zone, UTC+1)", session)
		}
		// The same audit entry, for the GPO's manager: 07:00 in the centre's zone.
		if _, err := d.ExecContext(ctx, `UPDATE audit_log SET centre_id = $1 WHERE entity_id = 'tz-1'`, gpo.ID); err != nil {
			t.Fatal(err)
		}
		_, body = h.as("gpo.manager").get("/admin/audit?entity=holiday&id=tz-1")
		if row := regexp.MustCompile(`<tr><td>[^<]*</td><td>zone test</td>`).FindString(body); !strings.Contains(row, "07:00") {
			t.Errorf("audit entry for the GPO manager shown as %q, want 07:00", row)
		}
	})
}
