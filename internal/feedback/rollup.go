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

// rollupRow is one row's increments: a row of rating_rollups, or (centre 0) of rating_national.
type rollupRow struct {
	centre int64
	dim    string
	bucket time.Time
	key    int64
	delta  Counts
}

// rollupsOf lists the rows a rating adds to: its centre's, counter's, officer's, service's and
// agency's at its centre, and the national day's rows for its centre, service and agency. A
// suspect press counts only as suspect (it joined no visit, so it has no officer or service).
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
	day := dayOf(r.At)
	rows := []rollupRow{{r.CentreID, DimCentre, r.At.UTC().Truncate(time.Hour), r.CentreID, c}, {0, DimCentre, day, r.CentreID, c}}
	for _, d := range []struct {
		dim string
		id  int64
	}{{DimCounter, r.CounterID}, {DimOfficer, r.OfficerID}, {DimService, r.ServiceID}, {DimAgency, r.AgencyID}} {
		if d.id != 0 {
			rows = append(rows, rollupRow{r.CentreID, d.dim, day, d.id, c})
			if d.dim == DimService || d.dim == DimAgency {
				rows = append(rows, rollupRow{0, d.dim, day, d.id, c})
			}
		}
	}
	return rows
}

// addRollups counts r in its rows, in the rating's own transaction: one statement for its
// centre's rows and one for the national ones. A rating with no centre (a request lodged with
// none) is not rolled up.
func addRollups(ctx context.Context, tx *sql.Tx, r Rating) error {
	if r.CentreID == 0 {
		return nil
	}
	return upsertRollups(ctx, tx, rollupsOf(r))
}

// upsertRollups adds rows' increments, one statement per table (rows must name distinct cells).
func upsertRollups(ctx context.Context, tx *sql.Tx, rows []rollupRow) error {
	var centre, national []rollupRow
	for _, r := range rows {
		if r.centre == 0 {
			national = append(national, r)
		} else {
			centre = append(centre, r)
		}
	}
	for _, t := range []struct {
		table, key string
		rows       []rollupRow
	}{{"rating_rollups", "centre_id, dim, bucket, key_id", centre}, {"rating_national", "dim, bucket, key_id", national}} {
		if len(t.rows) == 0 {
			continue
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + t.table + ` (` + t.key + `, ` + rollupCols + `) VALUES `)
		args := make([]any, 0, len(t.rows)*12)
		for i, row := range t.rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			vals := []any{row.dim, row.bucket, row.key}
			if t.table == "rating_rollups" {
				vals = append([]any{row.centre}, vals...)
			}
			d := row.delta
			vals = append(vals, d.N[0], d.N[1], d.N[2], d.N[3], d.Suspect, d.Timed, d.WaitSeconds, d.ServiceSeconds)
			for j, v := range vals {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, v)
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteByte(')')
		}
		b.WriteString(` ON CONFLICT (` + t.key + `) DO UPDATE SET n1 = ` + t.table + `.n1 + excluded.n1,
			n2 = ` + t.table + `.n2 + excluded.n2, n3 = ` + t.table + `.n3 + excluded.n3, n4 = ` + t.table + `.n4 + excluded.n4,
			suspect = ` + t.table + `.suspect + excluded.suspect, timed = ` + t.table + `.timed + excluded.timed,
			wait_seconds = ` + t.table + `.wait_seconds + excluded.wait_seconds,
			service_seconds = ` + t.table + `.service_seconds + excluded.service_seconds`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// RebuildRollups recounts every roll-up from the ratings, in one transaction: after ratings were
// loaded in bulk (older ratings folded in by a migration, a benchmark's seed), or to check the
// roll-ups against their source. It returns the number of ratings counted.
func (s *Store) RebuildRollups(ctx context.Context) (int, error) {
	counted := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		counted = 0
		for _, table := range []string{"rating_rollups", "rating_national"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
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
		// Small statements: SQLite's driver looks each $N up by name, so a statement's cost
		// grows with the square of its parameters.
		const chunk = 40
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
