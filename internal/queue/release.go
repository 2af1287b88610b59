package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
)

// ReleaseOfficer frees the counter of an officer whose account is being disabled, inside the
// caller's transaction (an auth.Releaser). The counter session ends at once, and the citizens at
// the counter are not lost: a ticket called, being served or parked there goes back to the front
// of its line (it keeps its place — its rank — and is called next by whichever counter takes its
// service), as a centre manager would send them to the next free counter. Nothing else changes:
// a disabled officer's finished work stays theirs in the reports.
func (s *Store) ReleaseOfficer(ctx context.Context, tx *sql.Tx, userID int64, actor audit.Actor, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	var sessionID, counterID, centreID int64
	var number int
	err := tx.QueryRowContext(ctx, `SELECT cs.id, cs.counter_id, k.centre_id, k.number FROM counter_sessions cs JOIN counters k ON k.id = cs.counter_id
		WHERE cs.user_id = $1 AND cs.ended_at IS NULL`, userID).Scan(&sessionID, &counterID, &centreID, &number)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not at a counter
	} else if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT number FROM tickets WHERE counter_id = $1 AND status IN ('called', 'serving', 'parked') ORDER BY id`, counterID)
	if err != nil {
		return err
	}
	var returned []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		returned = append(returned, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Back to waiting, as if never called: no counter, no officer, no call or service times (the
	// waiting measures then count the whole wait, which is what the citizen lived).
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'waiting', counter_id = NULL, officer_id = NULL, called_at = NULL,
		served_at = NULL, recalls = 0 WHERE counter_id = $1 AND status IN ('called', 'serving', 'parked')`, counterID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counter_sessions SET ended_at = $1 WHERE id = $2`, now, sessionID); err != nil {
		return err
	}
	summary := fmt.Sprintf("Counter %d freed: its officer's account was disabled", number)
	if len(returned) > 0 {
		summary += fmt.Sprintf("; %d ticket(s) returned to the front of the queue", len(returned))
	}
	return audit.Record(ctx, tx, now, actor, "sign_out", "counter", fmt.Sprint(counterID), summary, nil,
		map[string]any{"user_id": userID, "returned_tickets": returned}, 0, centreID)
}
