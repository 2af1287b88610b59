package requests

import (
	"context"
	"fmt"

	"github.com/huduma-ke/huduma/internal/db"
)

// Load is one person's open work (UserID 0: nobody's yet).
type Load struct {
	UserID   int64
	Name     string
	OnDuty   bool
	Open     int
	AtRisk   int
	Breached int
	Paused   int
}

// Workload is the open work of a centre's or an agency's team, per person, the unassigned first.
func (s *Store) Workload(ctx context.Context, centreID, agencyID int64) ([]Load, error) {
	now := s.now().UTC()
	scope, args := "", []any{now}
	switch {
	case centreID != 0:
		scope, args = " AND r.centre_id = $2", append(args, centreID)
	case agencyID != 0:
		scope, args = " AND r.agency_id = $2", append(args, agencyID)
	}
	q := fmt.Sprintf(`SELECT COALESCE(r.assignee_id, 0), COALESCE(MAX(u.name), ''), COALESCE(MAX(CASE WHEN u.on_duty THEN 1 ELSE 0 END), 0),
		COUNT(*),
		SUM(CASE WHEN r.paused_at IS NULL AND r.warn_at <= $1 AND r.resolution_due_at >= $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.paused_at IS NULL AND r.resolution_due_at < $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.paused_at IS NOT NULL THEN 1 ELSE 0 END)
		FROM requests r LEFT JOIN users u ON u.id = r.assignee_id
		WHERE r.status NOT IN ('resolved', 'closed')%s
		GROUP BY COALESCE(r.assignee_id, 0) ORDER BY COALESCE(r.assignee_id, 0) = 0 DESC, COUNT(*) DESC`, scope)
	rows, err := s.db.QueryContext(ctx, q, args...)
	return db.Collect(rows, err, func(r db.Scanner) (l Load, err error) {
		var onDuty int
		err = r.Scan(&l.UserID, &l.Name, &onDuty, &l.Open, &l.AtRisk, &l.Breached, &l.Paused)
		l.OnDuty = onDuty == 1
		return l, err
	})
}
