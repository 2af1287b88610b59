package feedback

import (
	"context"
	"sort"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// The few reads the quality screens need beside Measures: live alert counts for the national
// table and the staff home, and one agency's measures centre by centre (from the roll-ups).

// LiveAlerts counts the live (open or acknowledged) alerts of each centre that has any.
func (s *Store) LiveAlerts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT centre_id, COUNT(*) FROM alerts WHERE status <> 'closed' GROUP BY centre_id`)
	type pair struct {
		centre int64
		n      int
	}
	list, err := db.Collect(rows, err, func(r db.Scanner) (pair, error) {
		var p pair
		return p, r.Scan(&p.centre, &p.n)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(list))
	for _, p := range list {
		out[p.centre] = p.n
	}
	return out, nil
}

// CountLiveAlerts counts the live alerts at one centre, or at every centre (centre 0).
func (s *Store) CountLiveAlerts(ctx context.Context, centreID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE status <> 'closed' AND ($1 = 0 OR centre_id = $1)`, centreID).Scan(&n)
	return n, err
}

// AgencyByCentre is one agency's counts at each centre over a window (Measure.ID is the centre),
// best index first, from the roll-ups: what an agency's administrator sees of the country.
func (s *Store) AgencyByCentre(ctx context.Context, agencyID int64, w Window) ([]Measure, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT centre_id, `+sumCols+` FROM rating_rollups WHERE dim = 'agency' AND key_id = $1
		AND bucket >= $2 AND bucket < $3 GROUP BY centre_id`, agencyID, w.From.UTC().Truncate(time.Hour), w.To.UTC())
	list, err := db.Collect(rows, err, func(r db.Scanner) (Measure, error) {
		var m Measure
		return m, r.Scan(m.scan(&m.ID)...)
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	if err := s.nameWith(ctx, s.db, DimCentre, list); err != nil {
		return nil, err
	}
	sort.SliceStable(list, func(i, j int) bool {
		if a, b := list[i].Index(), list[j].Index(); a != b {
			return a > b
		}
		return list[i].Name < list[j].Name
	})
	return list, nil
}
