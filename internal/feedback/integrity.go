package feedback

import (
	"context"
	"sort"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// Integrity signal kinds: patterns that betray gaming of the measures or trouble at a counter.
// A signal is a reason to look, not a finding: the centre manager and the auditors read them.
const (
	// SignalPositiveBurst: a tablet pressed in bursts (Config.Burst presses within BurstWindow)
	// and every burst press happy — someone pressing for themselves, not citizens rating.
	SignalPositiveBurst = "positive_burst"
	// SignalShortService: an officer finishing visits in under a quarter of the service's usual
	// time — visits closed unserved, or tickets completed to move the queue.
	SignalShortService = "short_service"
	// SignalOutOfOrder: tickets called ahead of others of the same service that had waited
	// longer (not a priority's allowance: the overtaken ticket had no priority).
	SignalOutOfOrder = "out_of_order"
	// SignalRatingDrop: an officer's happiness index over the last 7 days at least
	// DropPoints below the 28 days before.
	SignalRatingDrop = "rating_drop"
)

// Thresholds of the signals.
const (
	ShortServiceShare   = 0.25 // under a quarter of the service's median time
	ShortServiceMinimum = 3    // at least this many short visits by one officer
	MedianSamples       = 10   // a service's median needs this many visits in the window
	DropPoints          = 15   // index points lost
	DropMinResponses    = 10   // in each of the two periods
)

// Signal is one pattern found at a centre.
type Signal struct {
	Kind      string
	CounterID int64
	OfficerID int64
	Subject   string // the counter or the officer
	Count     int    // burst presses, short visits, tickets called out of order
	Of        int    // out of: visits served by the officer, tickets they called
	// Before and After are an officer's index in the 28 days before and the last 7 (rating_drop);
	// for short_service, the service's median and the officer's shortest visit, in seconds.
	Before, After float64
}

// Signals finds a centre's integrity signals in a window (a rating drop compares the 7 days
// before the window's end with the 28 before those). It reads one centre's tickets and ratings
// of the window through their indexes: a page asks for one centre at a time.
func (s *Store) Signals(ctx context.Context, centreID int64, w Window) ([]Signal, error) {
	var out []Signal
	for _, find := range []func(context.Context, int64, Window) ([]Signal, error){s.positiveBursts, s.shortServices, s.outOfOrder, s.ratingDrops} {
		list, err := find(ctx, centreID, w)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	counters, officers := []Measure{}, []Measure{}
	for _, sg := range out {
		if sg.CounterID != 0 {
			counters = append(counters, Measure{ID: sg.CounterID})
		}
		if sg.OfficerID != 0 {
			officers = append(officers, Measure{ID: sg.OfficerID})
		}
	}
	names := map[string]map[int64]string{DimCounter: {}, DimOfficer: {}}
	for dim, list := range map[string][]Measure{DimCounter: counters, DimOfficer: officers} {
		if len(list) == 0 {
			continue
		}
		if err := s.nameWith(ctx, s.db, dim, list); err != nil {
			return nil, err
		}
		for _, m := range list {
			names[dim][m.ID] = m.Name
		}
	}
	for i := range out {
		if out[i].OfficerID != 0 {
			out[i].Subject = names[DimOfficer][out[i].OfficerID]
		} else {
			out[i].Subject = names[DimCounter][out[i].CounterID]
		}
	}
	return out, nil
}

func (s *Store) positiveBursts(ctx context.Context, centreID int64, w Window) ([]Signal, error) {
	// A burst with an unhappy press in it is children at play, not gaming: only all-happy ones.
	rows, err := s.db.QueryContext(ctx, `SELECT counter_id, COUNT(*) FROM ratings
		WHERE centre_id = $1 AND at >= $2 AND at < $3 AND suspect = 'burst' AND counter_id IS NOT NULL
		GROUP BY counter_id HAVING MIN(score) >= $4 ORDER BY COUNT(*) DESC`, centreID, w.From.UTC(), w.To.UTC(), Happy)
	return db.Collect(rows, err, func(r db.Scanner) (Signal, error) {
		sg := Signal{Kind: SignalPositiveBurst}
		return sg, r.Scan(&sg.CounterID, &sg.Count)
	})
}

// visit is a finished or called ticket, as the signals read it.
type visit struct {
	id, service, officer, counter int64
	priority                      string
	counterOnly                   bool
	rankAt, queuedAt              time.Time
	calledAt, doneAt              time.Time
}

func (s *Store) shortServices(ctx context.Context, centreID int64, w Window) ([]Signal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT service_id, COALESCE(officer_id, 0), called_at, done_at FROM tickets
		WHERE centre_id = $1 AND status = 'done' AND done_at >= $2 AND done_at < $3 AND called_at IS NOT NULL AND outcome = 'served'`,
		centreID, w.From.UTC(), w.To.UTC())
	visits, err := db.Collect(rows, err, func(r db.Scanner) (visit, error) {
		var v visit
		return v, r.Scan(&v.service, &v.officer, &v.calledAt, &v.doneAt)
	})
	if err != nil {
		return nil, err
	}
	byService := map[int64][]float64{}
	for _, v := range visits {
		byService[v.service] = append(byService[v.service], v.doneAt.Sub(v.calledAt).Seconds())
	}
	median := map[int64]float64{}
	for id, d := range byService {
		if len(d) < MedianSamples {
			continue
		}
		sort.Float64s(d)
		median[id] = d[len(d)/2]
	}
	type tally struct {
		short, of int
		median    float64
		shortest  float64
	}
	byOfficer := map[int64]*tally{}
	for _, v := range visits {
		if v.officer == 0 {
			continue
		}
		t := byOfficer[v.officer]
		if t == nil {
			t = &tally{shortest: -1}
			byOfficer[v.officer] = t
		}
		t.of++
		m, ok := median[v.service]
		d := v.doneAt.Sub(v.calledAt).Seconds()
		if ok && d < m*ShortServiceShare {
			t.short++
			if t.median < m {
				t.median = m
			}
			if t.shortest < 0 || d < t.shortest {
				t.shortest = d
			}
		}
	}
	var out []Signal
	for id, t := range byOfficer {
		if t.short >= ShortServiceMinimum {
			out = append(out, Signal{Kind: SignalShortService, OfficerID: id, Count: t.short, Of: t.of, Before: t.median, After: t.shortest})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out, nil
}

func (s *Store) outOfOrder(ctx context.Context, centreID int64, w Window) ([]Signal, error) {
	// The tickets called in the window, and those they might have overtaken: anyone called
	// after them (up to now) who had joined before.
	rows, err := s.db.QueryContext(ctx, `SELECT id, service_id, COALESCE(officer_id, 0), COALESCE(counter_id, 0), priority,
		counter_only_id IS NOT NULL, rank_at, queued_at, called_at FROM tickets
		WHERE centre_id = $1 AND called_at >= $2 AND called_at IS NOT NULL ORDER BY called_at`, centreID, w.From.UTC())
	called, err := db.Collect(rows, err, func(r db.Scanner) (visit, error) {
		var v visit
		return v, r.Scan(&v.id, &v.service, &v.officer, &v.counter, &v.priority, &v.counterOnly, &v.rankAt, &v.queuedAt, &v.calledAt)
	})
	if err != nil {
		return nil, err
	}
	byService := map[int64][]visit{}
	for _, v := range called {
		byService[v.service] = append(byService[v.service], v)
	}
	type tally struct{ out, of int }
	byOfficer := map[int64]*tally{}
	for _, list := range byService {
		for i, x := range list {
			if !x.calledAt.Before(w.To) || x.officer == 0 {
				continue
			}
			t := byOfficer[x.officer]
			if t == nil {
				t = &tally{}
				byOfficer[x.officer] = t
			}
			t.of++
			if x.counterOnly {
				continue // sent to this counter by a transfer: called there, out of the line
			}
			for _, y := range list[i+1:] { // called later
				if y.priority == "" && !y.counterOnly && y.rankAt.Before(x.rankAt) && !y.queuedAt.After(x.calledAt) && y.calledAt.After(x.calledAt) {
					t.out++
					break
				}
			}
		}
	}
	var out []Signal
	for id, t := range byOfficer {
		if t.out > 0 {
			out = append(out, Signal{Kind: SignalOutOfOrder, OfficerID: id, Count: t.out, Of: t.of})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out, nil
}

func (s *Store) ratingDrops(ctx context.Context, centreID int64, w Window) ([]Signal, error) {
	// Officers' roll-ups are daily: the last 7 days are today and the 6 before.
	end := w.To.UTC()
	recentFrom := dayOf(end).AddDate(0, 0, -6)
	earlierFrom := recentFrom.AddDate(0, 0, -28)
	period := func(from, to time.Time) (map[int64]Counts, error) {
		rows, err := s.db.QueryContext(ctx, `SELECT key_id, `+sumCols+` FROM rating_rollups WHERE centre_id = $1 AND dim = 'officer'
			AND bucket >= $2 AND bucket < $3 GROUP BY key_id`, centreID, from, to)
		list, err := db.Collect(rows, err, func(r db.Scanner) (Measure, error) {
			var m Measure
			return m, r.Scan(m.scan(&m.ID)...)
		})
		out := map[int64]Counts{}
		for _, m := range list {
			out[m.ID] = m.Counts
		}
		return out, err
	}
	recent, err := period(recentFrom, end)
	if err != nil {
		return nil, err
	}
	earlier, err := period(earlierFrom, recentFrom)
	if err != nil {
		return nil, err
	}
	var out []Signal
	for id, now := range recent {
		before, ok := earlier[id]
		if !ok || now.Responses() < DropMinResponses || before.Responses() < DropMinResponses {
			continue
		}
		if before.Index()-now.Index() >= DropPoints {
			out = append(out, Signal{Kind: SignalRatingDrop, OfficerID: id, Count: int(now.Responses()), Before: before.Index(), After: now.Index()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before-out[i].After > out[j].Before-out[j].After })
	return out, nil
}
