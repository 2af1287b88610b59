package feedback

import (
	"context"
	"database/sql"
	"errors"
)

// pressSQL is a press in one statement, for PostgreSQL: the burst count, the visit to join, the
// rating and its pending roll-up row, in the statement's own transaction. A press is then one
// round trip rather than six (BEGIN, four statements, COMMIT); with sixteen tablets pressing at
// once on two cores, the round trips were most of a press's time. SQLite runs the same steps as
// separate statements (Press): they are calls within the process, not round trips, and SQLite
// has no INSERT inside WITH.
//
// $1 device, $2 burst window start, $3 counter, $4 visit window start, $5 burst size, $6 score,
// $7 reason, $8 comment, $9 centre, $10 at.
const pressSQL = `WITH recent AS (
	SELECT COUNT(*) AS n FROM ratings WHERE device_id = $1 AND at > $2
), visit AS (
	SELECT t.id, t.officer_id, t.service_id, s.agency_id,
		COALESCE(FLOOR(EXTRACT(EPOCH FROM t.called_at - t.queued_at)), 0)::int AS wait,
		COALESCE(FLOOR(EXTRACT(EPOCH FROM t.done_at - t.called_at)), 0)::int AS served
	FROM tickets t JOIN services s ON s.id = t.service_id
	WHERE t.counter_id = $3 AND t.status = 'done' AND t.done_at >= $4
		AND NOT EXISTS (SELECT 1 FROM ratings x WHERE x.ticket_id = t.id)
		AND (SELECT n FROM recent) < $5
	ORDER BY t.done_at DESC LIMIT 1
), ins AS (
	INSERT INTO ratings (source, score, reason, comment, centre_id, counter_id, device_id, officer_id, service_id, agency_id,
		ticket_id, wait_seconds, service_seconds, suspect, at)
	SELECT 'device', $6, $7, $8, $9, $3, $1, v.officer_id, v.service_id, v.agency_id, v.id, v.wait, v.served,
		CASE WHEN (SELECT n FROM recent) >= $5 THEN 'burst' WHEN v.id IS NULL THEN 'no_visit' ELSE '' END, $10
	FROM (SELECT 1) AS one LEFT JOIN visit v ON TRUE
	ON CONFLICT (ticket_id) DO NOTHING
	RETURNING id, ticket_id, officer_id, service_id, agency_id, wait_seconds, service_seconds, suspect
), pending AS (
	INSERT INTO rating_pending (rating_id) SELECT id FROM ins
)
SELECT id, COALESCE(ticket_id, 0), COALESCE(officer_id, 0), COALESCE(service_id, 0), COALESCE(agency_id, 0),
	COALESCE(wait_seconds, 0), COALESCE(service_seconds, 0), suspect FROM ins`

// pressNoVisitSQL keeps a press apart when a press at the same moment rated its visit first.
const pressNoVisitSQL = `WITH ins AS (
	INSERT INTO ratings (source, score, reason, comment, centre_id, counter_id, device_id, suspect, at)
	VALUES ('device', $1, $2, $3, $4, $5, $6, 'no_visit', $7) RETURNING id
), pending AS (
	INSERT INTO rating_pending (rating_id) SELECT id FROM ins
)
SELECT id FROM ins`

func (s *Store) pressInOneStatement(ctx context.Context, device Device, r *Rating) error {
	err := s.db.QueryRowContext(ctx, pressSQL, device.ID, r.At.Add(-s.cfg.BurstWindow), device.CounterID, r.At.Add(-s.cfg.VisitWindow),
		s.cfg.Burst, r.Score, r.Reason, r.Comment, device.CentreID, r.At).
		Scan(&r.ID, &r.TicketID, &r.OfficerID, &r.ServiceID, &r.AgencyID, &r.WaitSeconds, &r.ServiceSeconds, &r.Suspect)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	r.TicketID, r.OfficerID, r.ServiceID, r.AgencyID, r.WaitSeconds, r.ServiceSeconds, r.Suspect = 0, 0, 0, 0, 0, 0, "no_visit"
	return s.db.QueryRowContext(ctx, pressNoVisitSQL, r.Score, r.Reason, r.Comment, device.CentreID, device.CounterID, device.ID, r.At).Scan(&r.ID)
}
