package complaints

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// recomputeBatch is how many complaints one transaction of RecomputeOpen handles.
const recomputeBatch = 500

// RecomputeOpen rebuilds the deadlines of every open complaint at a centre on a calendar (0: every
// calendar) after a holiday is gazetted or withdrawn, as requests.Store.RecomputeOpen does for
// requests: each deadline is computed again from the complaint's start — its lodging, or its last
// reopening — on the calendar as it now is, and its pending ladder step moves with it. Answered and
// closed complaints, and compliments, have no running clock and are not touched; nor is a complaint
// whose deadline comes out the same. Each moved deadline has its audit record. It works in
// batches, each its own transaction, so a national holiday over many open complaints does not hold
// one lock for minutes. It returns how many deadlines moved.
func (s *Store) RecomputeOpen(ctx context.Context, calendarID int64) (int, error) {
	moved, after := 0, int64(0)
	for {
		q := `SELECT k.id FROM complaints k JOIN centres c ON c.id = k.centre_id
			WHERE k.kind = 'complaint' AND k.status IN ('new', 'in_progress', 'reopened') AND k.due_at IS NOT NULL AND k.id > $1`
		args := []any{after}
		if calendarID != 0 {
			q += ` AND c.calendar_id = $2`
			args = append(args, calendarID)
		}
		rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY k.id LIMIT %d`, recomputeBatch), args...)
		ids, err := db.Collect(rows, err, func(r db.Scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return moved, err
		}
		if len(ids) == 0 {
			return moved, nil
		}
		n := 0
		err = s.db.InTx(ctx, func(tx *sql.Tx) error {
			n = 0
			for _, id := range ids {
				changed, err := s.recompute(ctx, tx, id)
				if err != nil {
					return err
				}
				if changed {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return moved, err
		}
		moved += n
		after = ids[len(ids)-1]
	}
}

// recompute rebuilds one complaint's deadline under the caller's transaction and reports whether
// it moved. The complaint is read again (and on PostgreSQL locked, as change() does), so one
// answered or reopened since the batch was listed is left alone or computed from its new start.
func (s *Store) recompute(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	c, err := getComplaint(ctx, tx, "k.id = $1"+s.db.Kind().Lock("FOR UPDATE OF k"), id)
	if errors.Is(err, errNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if c.Kind != KindComplaint || !c.Status.Open() || c.DueAt == nil {
		return false, nil
	}
	start, ok, err := clockStart(ctx, tx, c)
	if err != nil || !ok {
		return false, err
	}
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, c.CalendarID)
	if err != nil {
		return false, err
	}
	due, warn := s.deadlines(cal, start)
	if c.DueAt.Equal(*due) && c.WarnAt != nil && c.WarnAt.Equal(*warn) {
		return false, nil
	}
	before := *c.DueAt
	c.DueAt, c.WarnAt = due, warn
	now := s.now().UTC().Truncate(time.Microsecond)
	if _, err := tx.ExecContext(ctx, `UPDATE complaints SET due_at = $1, warn_at = $2, updated_at = $3 WHERE id = $4`,
		*due, *warn, now, c.ID); err != nil {
		return false, err
	}
	if err := s.moveTimers(ctx, tx, c, cal); err != nil {
		return false, err
	}
	return true, s.audit(ctx, tx, now, huduma, "deadline", c, fmt.Sprintf("Complaint %s: deadline moved from %s to %s (holidays changed)",
		c.Reference, localTime(before, cal), localTime(*due, cal)))
}

// clockStart is when a complaint's current clock started: its last reopening, else its lodging.
// Reopen stamps the complaint's "reopened" event with the time its deadline was computed from. A
// reopened complaint with no such event (none is ever written without it) is reported not ok and
// left as it is, rather than given a deadline counted from its first lodging.
func clockStart(ctx context.Context, tx *sql.Tx, c Complaint) (time.Time, bool, error) {
	if c.Reopens == 0 {
		return c.CreatedAt, true, nil
	}
	var at time.Time
	err := tx.QueryRowContext(ctx, `SELECT at FROM complaint_events WHERE complaint_id = $1 AND kind = 'reopened' ORDER BY id DESC LIMIT 1`,
		c.ID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return at.UTC(), err == nil, err
}

func localTime(t time.Time, cal *worktime.Calendar) string {
	return t.In(cal.Location()).Format("Mon 2 Jan 2006 15:04")
}
