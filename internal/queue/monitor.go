package queue

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// recentServed is how many of a service's latest services today the estimate averages.
const recentServed = 20

// Estimate places a waiting ticket in its line and estimates its wait: the tickets ahead of it,
// times the recent average service time for its service at the centre (or the configured
// minutes per customer before any is measured), shared among the open counters that take the
// service; a range, since service times vary. Unknown when no open counter takes it.
func (s *Store) Estimate(ctx context.Context, t Ticket) (Estimate, error) {
	if t.Status != Waiting {
		return Estimate{}, nil
	}
	var e Estimate
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE centre_id = $1 AND service_id = $2 AND status = 'waiting'
		AND (rank_at < $3 OR (rank_at = $3 AND id <= $4))`, t.CentreID, t.ServiceID, t.RankAt, t.ID).Scan(&e.Position); err != nil {
		return e, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT cs.services FROM counter_sessions cs JOIN counters k ON k.id = cs.counter_id
		WHERE k.centre_id = $1 AND cs.ended_at IS NULL`, t.CentreID)
	profiles, err := db.Collect(rows, err, func(r db.Scanner) (string, error) {
		var p string
		return p, r.Scan(&p)
	})
	if err != nil {
		return e, err
	}
	for _, p := range profiles {
		if slices.Contains(parseServices(p), t.ServiceID) {
			e.Counters++
		}
	}
	if e.Counters == 0 {
		return e, nil
	}
	per, err := s.serviceTime(ctx, t.CentreID, t.ServiceID, t.Day)
	if err != nil {
		return e, err
	}
	// Those ahead, less the one each open counter is about to take, share the counters.
	wait := time.Duration(float64(per) * float64(max(e.Position-1, 0)) / float64(e.Counters))
	e.Low, e.High, e.Known = wait*3/4, wait*5/4+per/2, true
	return e, nil
}

// serviceTime is the average of a service's latest services at a centre today, or its settings'
// minutes per customer when there are none yet.
func (s *Store) serviceTime(ctx context.Context, centreID, serviceID int64, day string) (time.Duration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT served_at, done_at FROM tickets WHERE centre_id = $1 AND service_id = $3 AND status = 'done'
		AND day = $2 AND outcome <> 'transferred' AND served_at IS NOT NULL ORDER BY done_at DESC LIMIT `+itoa(recentServed),
		centreID, day, serviceID)
	spans, err := db.Collect(rows, err, func(r db.Scanner) (time.Duration, error) {
		var a, b time.Time
		err := r.Scan(&a, &b)
		return b.Sub(a), err
	})
	if err != nil {
		return 0, err
	}
	if len(spans) > 0 {
		var sum time.Duration
		for _, d := range spans {
			sum += d
		}
		return sum / time.Duration(len(spans)), nil
	}
	var minutes int
	err = s.db.QueryRowContext(ctx, `SELECT minutes_per_customer FROM queue_services WHERE centre_id = $1 AND service_id = $2`, centreID, serviceID).Scan(&minutes)
	if err == sql.ErrNoRows {
		minutes = 6
	} else if err != nil {
		return 0, err
	}
	return time.Duration(minutes) * time.Minute, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// ServiceLine is one service's line at a centre, for the monitor and the API.
type ServiceLine struct {
	ServiceID     int64
	ServiceCode   string
	ServiceName   string
	ServiceNameSw string
	Prefix        string
	Waiting       int
	LongestWait   time.Duration // of those waiting now
	Counters      int           // open counters taking it
	Paused        bool
	PauseReason   string
	Served        int           // finished today (served, or carried on as a request)
	AvgWait       time.Duration // arrival (or transfer) to call, today
	AvgService    time.Duration // at the counter, today
	WithinStd     int           // of today's calls, how many within the standard of their queueing
	Called        int           // today's calls (the base of WithinStd)
}

// Snapshot is a centre's queue now.
type Snapshot struct {
	CentreID  int64
	Day       string
	At        time.Time
	Lines     []ServiceLine
	Sessions  []Session
	Waiting   int
	Served    int
	WithinStd int // calls within the 10-minute standard today
	Called    int
	Standard  time.Duration
	Alerts    []string // tickets waiting past the standard: "A042 (Issue of ID cards) 14 min"
}

// Snapshot reads a centre's queues: the lines, the counters and today's figures.
func (s *Store) Snapshot(ctx context.Context, centreID int64) (Snapshot, error) {
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	centre, ok := dir.CentreByID(centreID)
	if !ok {
		return Snapshot{}, apperr.New(apperr.NotFound, "No such centre.")
	}
	p, err := s.placeOf(ctx, centre)
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{CentreID: centreID, Day: p.day, At: p.now, Standard: s.cfg.Standard}
	if snap.Sessions, err = s.Sessions(ctx, centreID); err != nil {
		return snap, err
	}
	lines := map[int64]*ServiceLine{}
	line := func(id int64) *ServiceLine {
		if l, ok := lines[id]; ok {
			return l
		}
		l := &ServiceLine{ServiceID: id}
		if sv, ok := dir.ServiceByID(id); ok {
			l.ServiceCode, l.ServiceName, l.ServiceNameSw = sv.Code, sv.Name, sv.NameSw
		}
		lines[id] = l
		return l
	}
	rows, err := s.db.QueryContext(ctx, `SELECT service_id, prefix, paused_at, pause_reason FROM queue_services WHERE centre_id = $1`, centreID)
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		var id int64
		var prefix, reason string
		var paused sql.NullTime
		if err := rows.Scan(&id, &prefix, &paused, &reason); err != nil {
			rows.Close()
			return snap, err
		}
		l := line(id)
		l.Prefix, l.Paused, l.PauseReason = prefix, paused.Valid, reason
	}
	rows.Close()
	for _, ss := range snap.Sessions {
		for _, id := range ss.Services {
			line(id).Counters++
		}
	}
	// Today's tickets, one pass: the figures the monitor shows.
	rows, err = s.db.QueryContext(ctx, `SELECT t.service_id, t.number, t.status, t.outcome, t.queued_at, t.called_at, t.served_at, t.done_at
		FROM tickets t WHERE t.centre_id = $1 AND t.day = $2`, centreID, p.day)
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	var waitSum, serviceSum = map[int64]time.Duration{}, map[int64]time.Duration{}
	var serviceN = map[int64]int{}
	for rows.Next() {
		var id int64
		var number, status, outcome string
		var queued time.Time
		var called, served, done sql.NullTime
		if err := rows.Scan(&id, &number, &status, &outcome, &queued, &called, &served, &done); err != nil {
			return snap, err
		}
		l := line(id)
		switch {
		case status == string(Waiting):
			l.Waiting++
			snap.Waiting++
			w := p.now.Sub(queued)
			l.LongestWait = max(l.LongestWait, w)
			if w > s.cfg.Standard {
				snap.Alerts = append(snap.Alerts, number+" ("+l.ServiceName+") "+itoa(int(w.Minutes()))+" min")
			}
		case called.Valid:
			l.Called++
			snap.Called++
			w := called.Time.Sub(queued)
			waitSum[id] += w
			if w <= s.cfg.Standard {
				l.WithinStd++
				snap.WithinStd++
			}
			if status == string(Done) && outcome != OutcomeTransferred {
				l.Served++
				snap.Served++
				if served.Valid && done.Valid {
					serviceSum[id] += done.Time.Sub(served.Time)
					serviceN[id]++
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return snap, err
	}
	for id, l := range lines {
		if l.Called > 0 {
			l.AvgWait = waitSum[id] / time.Duration(l.Called)
		}
		if serviceN[id] > 0 {
			l.AvgService = serviceSum[id] / time.Duration(serviceN[id])
		}
		snap.Lines = append(snap.Lines, *l)
	}
	slices.SortFunc(snap.Lines, func(a, b ServiceLine) int {
		if a.Prefix != b.Prefix {
			if a.Prefix == "" {
				return 1
			}
			if b.Prefix == "" {
				return -1
			}
			if len(a.Prefix) != len(b.Prefix) {
				return len(a.Prefix) - len(b.Prefix)
			}
			if a.Prefix < b.Prefix {
				return -1
			}
			return 1
		}
		return int(a.ServiceID - b.ServiceID)
	})
	return snap, nil
}

// Calls lists a centre's board calls after id `after` (0: the latest ones), oldest first, at most
// limit. A board that reconnects passes the last id it showed and so misses and repeats nothing.
func (s *Store) Calls(ctx context.Context, centreID, after int64, limit int) ([]Call, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var rows *sql.Rows
	var err error
	if after > 0 {
		rows, err = s.db.QueryContext(ctx, `SELECT id, ticket_id, number, counter_number, kind, at FROM queue_calls
			WHERE centre_id = $1 AND id > $2 ORDER BY id LIMIT `+itoa(limit), centreID, after)
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT * FROM (SELECT id, ticket_id, number, counter_number, kind, at FROM queue_calls
			WHERE centre_id = $1 ORDER BY id DESC LIMIT `+itoa(limit)+`) latest ORDER BY id`, centreID)
	}
	return db.Collect(rows, err, func(r db.Scanner) (Call, error) {
		var c Call
		err := r.Scan(&c.ID, &c.TicketID, &c.Number, &c.CounterNumber, &c.Kind, &c.At)
		c.At = c.At.UTC()
		return c, err
	})
}
