package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
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

// addRollups queues r to be counted into its roll-ups, in the rating's own transaction: a row of
// rating_pending, which no other rating shares (see migration 0018). A rating with no centre (a
// request lodged with none) is not rolled up.
func addRollups(ctx context.Context, tx *sql.Tx, r Rating) error {
	if r.CentreID == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO rating_pending (rating_id) VALUES ($1)`, r.ID)
	return err
}

// foldBatch is how many pending ratings one fold transaction counts. On SQLite a transaction
// holds the only writer, so a backlog (after a restart, say) is folded in small transactions
// that presses can slip between; PostgreSQL folds beside the presses.
func (s *Store) foldBatch() int {
	if s.db.Kind() == db.SQLite {
		return 100
	}
	return 1000
}

// Fold counts the pending ratings into the roll-ups, a batch per transaction, until none are left;
// it returns the centres whose figures changed. Each batch counts its ratings and deletes their
// pending rows together, so a rating is counted once however many folders run (on PostgreSQL
// they take disjoint batches: SKIP LOCKED; SQLite's writes are serial).
func (s *Store) Fold(ctx context.Context) (map[int64]bool, error) {
	centres := map[int64]bool{}
	for {
		n, err := s.foldOnce(ctx, centres)
		if err != nil || n < s.foldBatch() {
			return centres, err
		}
	}
}

func (s *Store) foldOnce(ctx context.Context, centres map[int64]bool) (int, error) {
	lock := s.db.Kind().Lock("FOR UPDATE OF p SKIP LOCKED")
	folded := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		folded = 0
		var list []Rating
		var t tally
		err := eachRating(ctx, tx, `FROM rating_pending p JOIN ratings r ON r.id = p.rating_id
			ORDER BY p.rating_id LIMIT `+strconv.Itoa(s.foldBatch())+lock, func(r Rating) {
			list = append(list, r)
			t.add(r)
		})
		if err != nil || len(list) == 0 {
			return err
		}
		if err := upsertRollups(ctx, tx, t.rows); err != nil {
			return err
		}
		const per = 100
		for i := 0; i < len(list); i += per {
			part := list[i:min(i+per, len(list))]
			var b strings.Builder
			args := make([]any, len(part))
			b.WriteString(`DELETE FROM rating_pending WHERE rating_id IN (`)
			for j, r := range part {
				if j > 0 {
					b.WriteString(", ")
				}
				args[j] = r.ID
				fmt.Fprintf(&b, "$%d", j+1)
			}
			b.WriteString(`)`)
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		folded = len(list)
		for _, r := range list {
			centres[r.CentreID] = true
		}
		return nil
	})
	return folded, err
}

// tally adds up the roll-up rows of many ratings, one row per cell, in the order first seen.
type tally struct {
	index map[cell]int
	rows  []rollupRow
}

type cell struct {
	centre int64
	dim    string
	bucket int64
	key    int64
}

func (t *tally) add(r Rating) {
	if t.index == nil {
		t.index = map[cell]int{}
	}
	for _, row := range rollupsOf(r) {
		c := cell{row.centre, row.dim, row.bucket.Unix(), row.key}
		if i, ok := t.index[c]; ok {
			t.rows[i].delta.add(row.delta)
			continue
		}
		t.index[c] = len(t.rows)
		t.rows = append(t.rows, row)
	}
}

// eachRating reads, from "FROM … " with ratings as r, what a rating's roll-ups need of it. It
// reads every row before fn's caller writes: a transaction has one connection.
func eachRating(ctx context.Context, tx *sql.Tx, from string, fn func(Rating)) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.score, r.suspect, r.centre_id, COALESCE(r.counter_id, 0), COALESCE(r.officer_id, 0),
		COALESCE(r.service_id, 0), COALESCE(r.agency_id, 0), COALESCE(r.ticket_id, 0), COALESCE(r.wait_seconds, 0),
		COALESCE(r.service_seconds, 0), r.at `+from)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.ID, &r.Score, &r.Suspect, &r.CentreID, &r.CounterID, &r.OfficerID, &r.ServiceID, &r.AgencyID, &r.TicketID,
			&r.WaitSeconds, &r.ServiceSeconds, &r.At); err != nil {
			return err
		}
		fn(r)
	}
	return rows.Err()
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
	// Statements of at most 40 rows: SQLite's driver looks each $N up by name, so a statement's
	// cost grows with the square of its parameters.
	const per = 40
	type part struct {
		table, key string
		rows       []rollupRow
	}
	var parts []part
	for _, t := range []part{{"rating_rollups", "centre_id, dim, bucket, key_id", centre}, {"rating_national", "dim, bucket, key_id", national}} {
		for i := 0; i < len(t.rows); i += per {
			parts = append(parts, part{t.table, t.key, t.rows[i:min(i+per, len(t.rows))]})
		}
	}
	for _, t := range parts {
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
		for _, table := range []string{"rating_rollups", "rating_national", "rating_pending"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
		}
		// The rows are far fewer than the ratings: all of them are summed before any is written.
		var t tally
		if err := eachRating(ctx, tx, `FROM ratings r WHERE r.centre_id IS NOT NULL`, func(r Rating) {
			t.add(r)
			counted++
		}); err != nil {
			return err
		}
		return upsertRollups(ctx, tx, t.rows)
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
