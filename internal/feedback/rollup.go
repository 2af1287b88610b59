package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Dimensions a rating is rolled up by. Every rating counts once in each dimension it has: the
// centre's row for its hour, and its counter's, its officer's, its service's and its agency's
// for its day (see migration 0017).
const (
	DimCentre  = "centre"
	DimCounter = "counter"
	DimOfficer = "officer"
	DimService = "service"
	DimAgency  = "agency"
)

// rollupCols are rating_rollups' counters, in the order Counts scans them.
const rollupCols = `n1, n2, n3, n4, suspect, timed, wait_seconds, service_seconds`

// sumCols sums rollupCols over the rows of a GROUP BY.
const sumCols = `COALESCE(SUM(n1), 0), COALESCE(SUM(n2), 0), COALESCE(SUM(n3), 0), COALESCE(SUM(n4), 0),
	COALESCE(SUM(suspect), 0), COALESCE(SUM(timed), 0), COALESCE(SUM(wait_seconds), 0), COALESCE(SUM(service_seconds), 0)`

// rollupRow is one row's increments.
type rollupRow struct {
	centre int64
	dim    string
	bucket time.Time
	key    int64
	delta  Counts
}

// rollupsOf lists the rows a rating adds to. A suspect press counts only as suspect, at its
// centre and counter (it joined no visit, so it has no officer or service).
func rollupsOf(r Rating) []rollupRow {
	var c Counts
	if r.Suspect != "" {
		c.Suspect = 1
	} else {
		c.N[r.Score-1] = 1
		if r.TicketID != 0 {
			c.Timed, c.WaitSeconds, c.ServiceSeconds = 1, int64(r.WaitSeconds), int64(r.ServiceSeconds)
		}
	}
	rows := []rollupRow{{r.CentreID, DimCentre, r.At.UTC().Truncate(time.Hour), r.CentreID, c}}
	day := dayOf(r.At)
	for _, d := range []struct {
		dim string
		id  int64
	}{{DimCounter, r.CounterID}, {DimOfficer, r.OfficerID}, {DimService, r.ServiceID}, {DimAgency, r.AgencyID}} {
		if d.id != 0 {
			rows = append(rows, rollupRow{r.CentreID, d.dim, day, d.id, c})
		}
	}
	return rows
}

// addRollups counts r in its rows, in the rating's own transaction: one statement for all
// its dimensions. A rating with no centre (a request lodged with none) is not rolled up.
func addRollups(ctx context.Context, tx *sql.Tx, r Rating) error {
	if r.CentreID == 0 {
		return nil
	}
	return upsertRollups(ctx, tx, rollupsOf(r))
}

// upsertRollups adds rows' increments in one statement (rows must name distinct cells).
func upsertRollups(ctx context.Context, tx *sql.Tx, rows []rollupRow) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO rating_rollups (centre_id, dim, bucket, key_id, ` + rollupCols + `) VALUES `)
	args := make([]any, 0, len(rows)*12)
	for i, row := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12)
		d := row.delta
		args = append(args, row.centre, row.dim, row.bucket, row.key, d.N[0], d.N[1], d.N[2], d.N[3], d.Suspect, d.Timed, d.WaitSeconds, d.ServiceSeconds)
	}
	b.WriteString(` ON CONFLICT (centre_id, dim, bucket, key_id) DO UPDATE SET n1 = rating_rollups.n1 + excluded.n1,
		n2 = rating_rollups.n2 + excluded.n2, n3 = rating_rollups.n3 + excluded.n3, n4 = rating_rollups.n4 + excluded.n4,
		suspect = rating_rollups.suspect + excluded.suspect, timed = rating_rollups.timed + excluded.timed,
		wait_seconds = rating_rollups.wait_seconds + excluded.wait_seconds,
		service_seconds = rating_rollups.service_seconds + excluded.service_seconds`)
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// RebuildRollups recounts every roll-up from the ratings, in one transaction: after ratings were
// loaded in bulk (older ratings folded in by a migration, a benchmark's seed), or to check the
// roll-ups against their source. It returns the number of ratings counted.
func (s *Store) RebuildRollups(ctx context.Context) (int, error) {
	counted := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		counted = 0
		if _, err := tx.ExecContext(ctx, `DELETE FROM rating_rollups`); err != nil {
			return err
		}
		type cell struct {
			centre int64
			dim    string
			bucket int64
			key    int64
		}
		acc := map[cell]*rollupRow{}
		var order []cell
		// Read everything before writing: a transaction has one connection, and the rows are
		// far fewer than the ratings.
		rows, err := tx.QueryContext(ctx, `SELECT score, suspect, centre_id, COALESCE(counter_id, 0), COALESCE(officer_id, 0),
			COALESCE(service_id, 0), COALESCE(agency_id, 0), COALESCE(ticket_id, 0), COALESCE(wait_seconds, 0),
			COALESCE(service_seconds, 0), at FROM ratings WHERE centre_id IS NOT NULL`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r Rating
			if err := rows.Scan(&r.Score, &r.Suspect, &r.CentreID, &r.CounterID, &r.OfficerID, &r.ServiceID, &r.AgencyID, &r.TicketID,
				&r.WaitSeconds, &r.ServiceSeconds, &r.At); err != nil {
				rows.Close()
				return err
			}
			for _, row := range rollupsOf(r) {
				c := cell{row.centre, row.dim, row.bucket.Unix(), row.key}
				if acc[c] == nil {
					acc[c] = &rollupRow{centre: row.centre, dim: row.dim, bucket: row.bucket, key: row.key}
					order = append(order, c)
				}
				acc[c].delta.add(row.delta)
			}
			counted++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		const chunk = 500
		for i := 0; i < len(order); i += chunk {
			batch := make([]rollupRow, 0, chunk)
			for _, c := range order[i:min(i+chunk, len(order))] {
				batch = append(batch, *acc[c])
			}
			if err := upsertRollups(ctx, tx, batch); err != nil {
				return err
			}
		}
		return nil
	})
	return counted, err
}

// EnsureRollups rebuilds the roll-ups when there are ratings but no roll-ups (a database whose
// ratings predate them); otherwise it does nothing. The server calls it at start.
func (s *Store) EnsureRollups(ctx context.Context) error {
	var ratings, rollups bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ratings WHERE centre_id IS NOT NULL),
		EXISTS (SELECT 1 FROM rating_rollups)`).Scan(&ratings, &rollups); err != nil {
		return err
	}
	if ratings && !rollups {
		_, err := s.RebuildRollups(ctx)
		return err
	}
	return nil
}

// dayOf is the start of t's day in Nairobi, in UTC: the bucket of the daily roll-ups.
func dayOf(t time.Time) time.Time {
	l := t.In(nairobi)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, nairobi).UTC()
}
