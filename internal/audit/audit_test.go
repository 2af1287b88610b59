package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestListFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			for i := range 7 {
				entity, actor := "service", audit.Actor{ID: 0, Name: "Wanjiru"}
				if i%2 == 1 {
					entity, actor = "holiday", audit.Actor{Name: "Otieno"}
				}
				before := map[string]int{"n": i}
				if err := audit.Record(ctx, tx, start.AddDate(0, 0, i), actor, "update", entity, fmt.Sprint(i), "change", before, map[string]int{"n": i + 1}, int64(i%3), 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		page, err := audit.List(ctx, d, audit.Filter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entries) != 3 || !page.More || page.Entries[0].EntityID != "6" {
			t.Errorf("first page: %d entries, more=%v, newest %q", len(page.Entries), page.More, page.Entries[0].EntityID)
		}
		page, _ = audit.List(ctx, d, audit.Filter{Limit: 3, Offset: 6})
		if len(page.Entries) != 1 || page.More {
			t.Errorf("last page: %d entries, more=%v", len(page.Entries), page.More)
		}
		for _, c := range []struct {
			f    audit.Filter
			want int
		}{
			{audit.Filter{Entity: "holiday"}, 3},
			{audit.Filter{Actor: "wanj"}, 4},
			{audit.Filter{AgencyID: 1}, 2},
			{audit.Filter{From: start.AddDate(0, 0, 2), To: start.AddDate(0, 0, 4)}, 2},
			{audit.Filter{EntityID: "5", Entity: "holiday"}, 1},
		} {
			page, err := audit.List(ctx, d, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Entries) != c.want {
				t.Errorf("filter %+v: %d entries, want %d", c.f, len(page.Entries), c.want)
			}
		}
		page, _ = audit.List(ctx, d, audit.Filter{EntityID: "3"})
		if e := page.Entries[0]; e.Before != `{"n":3}` || e.After != `{"n":4}` || e.Actor != "Otieno" {
			t.Errorf("entry = %+v", e)
		}
	})
}
