package feedback

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// Counts are ratings counted: by score, the suspect presses kept apart, and the waiting and
// service time of the rated visits that had them.
type Counts struct {
	N              [4]int64 // N[0] very unhappy … N[3] very happy
	Suspect        int64
	Timed          int64
	WaitSeconds    int64
	ServiceSeconds int64
}

func (c *Counts) add(o Counts) {
	for i := range c.N {
		c.N[i] += o.N[i]
	}
	c.Suspect += o.Suspect
	c.Timed += o.Timed
	c.WaitSeconds += o.WaitSeconds
	c.ServiceSeconds += o.ServiceSeconds
}

func (c *Counts) scan(dest ...any) []any {
	return append(dest, &c.N[0], &c.N[1], &c.N[2], &c.N[3], &c.Suspect, &c.Timed, &c.WaitSeconds, &c.ServiceSeconds)
}

// Responses is the number of ratings counted (suspect presses are not).
func (c Counts) Responses() int64 { return c.N[0] + c.N[1] + c.N[2] + c.N[3] }

// CSAT is the share of ratings that are happy or very happy, in percent; 0 with no ratings.
func (c Counts) CSAT() float64 {
	n := c.Responses()
	if n == 0 {
		return 0
	}
	return float64(c.N[2]+c.N[3]) * 100 / float64(n)
}

// Index is the happiness index, 0 to 100: the mean rating with very unhappy at 0, unhappy at 33⅓,
// happy at 66⅔ and very happy at 100. 0 with no ratings.
func (c Counts) Index() float64 {
	n := c.Responses()
	if n == 0 {
		return 0
	}
	return float64(c.N[1]+2*c.N[2]+3*c.N[3]) * 100 / (3 * float64(n))
}

// UnhappyShare is the share of ratings that are unhappy or very unhappy, in percent.
func (c Counts) UnhappyShare() float64 {
	n := c.Responses()
	if n == 0 {
		return 0
	}
	return float64(c.N[0]+c.N[1]) * 100 / float64(n)
}

// AvgWait and AvgService are the mean waiting and service time of the rated visits.
func (c Counts) AvgWait() time.Duration    { return avg(c.WaitSeconds, c.Timed) }
func (c Counts) AvgService() time.Duration { return avg(c.ServiceSeconds, c.Timed) }

func avg(sum, n int64) time.Duration {
	if n == 0 {
		return 0
	}
	return time.Duration(sum/n) * time.Second
}

// Measure is the counts of one centre, counter, officer, service or agency.
type Measure struct {
	ID   int64
	Name string
	Counts
}

// Window is a span of time to measure, [From, To).
type Window struct {
	Name     string // today, 7d, 30d
	From, To time.Time
}

// Windows are the spans the screens offer.
var Windows = []string{"today", "7d", "30d"}

// WindowNamed returns the window called name ending at now: today is since midnight in Nairobi
// (every centre's zone; Kenya keeps +03:00 all year); 7d and 30d are those many days up to now,
// today included. Windows begin at midnight, where the daily roll-ups do.
func WindowNamed(name string, now time.Time) (Window, error) {
	local := now.In(nairobi)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, nairobi)
	w := Window{Name: name, To: now}
	switch name {
	case "", "today":
		w.Name, w.From = "today", midnight
	case "7d":
		w.From = midnight.AddDate(0, 0, -6)
	case "30d":
		w.From = midnight.AddDate(0, 0, -29)
	default:
		return w, apperr.InvalidFields(map[string]string{"window": "Choose today, 7 days or 30 days."})
	}
	return w, nil
}

// nairobi is East Africa Time. A fixed zone, not the zone database: Kenya has kept +03:00 since
// 1942, and a fixed zone works on machines without tzdata.
var nairobi = time.FixedZone("EAT", 3*60*60)

// nameSQL names each dimension's keys.
var nameSQL = map[string]string{
	DimCentre:  `SELECT id, name FROM centres WHERE id IN (%s)`,
	DimCounter: `SELECT id, CASE WHEN label = '' THEN 'Counter ' || number ELSE label END FROM counters WHERE id IN (%s)`,
	DimOfficer: `SELECT id, name FROM users WHERE id IN (%s)`,
	DimService: `SELECT id, name FROM services WHERE id IN (%s)`,
	DimAgency:  `SELECT id, name FROM agencies WHERE id IN (%s)`,
}

// Measures are the counts of each key of a dimension over a window — at one centre, or (centre
// 0) across every centre — best index first, from the roll-ups (w must begin at a midnight
// for the daily dimensions: WindowNamed's do).
func (s *Store) Measures(ctx context.Context, dim string, centreID int64, w Window) ([]Measure, error) {
	if _, ok := nameSQL[dim]; !ok {
		return nil, fmt.Errorf("feedback: no dimension %q", dim)
	}
	// Across every centre, the national day rows; at one centre, the centre's.
	q := `SELECT key_id, ` + sumCols + ` FROM rating_national WHERE dim = $1 AND bucket >= $2 AND bucket < $3`
	args := []any{dim, w.From.UTC().Truncate(time.Hour), w.To.UTC()}
	if centreID != 0 {
		q = `SELECT key_id, ` + sumCols + ` FROM rating_rollups WHERE dim = $1 AND bucket >= $2 AND bucket < $3 AND centre_id = $4`
		args = append(args, centreID)
	} else if dim == DimCounter || dim == DimOfficer {
		return nil, fmt.Errorf("feedback: %s measures are per centre", dim)
	}
	rows, err := s.db.QueryContext(ctx, q+` GROUP BY key_id`, args...)
	list, err := db.Collect(rows, err, func(r db.Scanner) (Measure, error) {
		var m Measure
		return m, r.Scan(m.scan(&m.ID)...)
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	if err := s.nameWith(ctx, s.db, dim, list); err != nil {
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

// nameWith fills in the names of list's keys.
func (s *Store) nameWith(ctx context.Context, q db.Querier, dim string, list []Measure) error {
	ids := make([]any, len(list))
	marks := ""
	for i, m := range list {
		ids[i] = m.ID
		if i > 0 {
			marks += ", "
		}
		marks += fmt.Sprintf("$%d", i+1)
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(nameSQL[dim], marks), ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		names[id] = n
	}
	for i := range list {
		list[i].Name = names[list[i].ID]
	}
	return rows.Err()
}

// Total is the counts over a window at one centre, or across every centre (centre 0).
func (s *Store) Total(ctx context.Context, centreID int64, w Window) (Counts, error) {
	var c Counts
	q := `SELECT ` + sumCols + ` FROM rating_national WHERE dim = 'centre' AND bucket >= $1 AND bucket < $2`
	args := []any{w.From.UTC().Truncate(time.Hour), w.To.UTC()}
	if centreID != 0 {
		q = `SELECT ` + sumCols + ` FROM rating_rollups WHERE centre_id = $3 AND dim = 'centre' AND bucket >= $1 AND bucket < $2`
		args = append(args, centreID)
	}
	err := s.db.QueryRowContext(ctx, q, args...).Scan(c.scan()...)
	return c, err
}

// Point is the counts of one hour or one day.
type Point struct {
	At time.Time // the start of the hour or day, in Nairobi time
	Counts
}

// Series is the counts over a window hour by hour (a window of a day or less) or day by day, at
// one centre or across every centre (centre 0).
func (s *Store) Series(ctx context.Context, centreID int64, w Window) ([]Point, error) {
	daily := w.To.Sub(w.From) > 26*time.Hour
	// Across every centre, hour by hour from the centres' hourly rows (a day of them), day by
	// day from the national day rows.
	q := `SELECT bucket, ` + sumCols + ` FROM rating_rollups WHERE dim = 'centre' AND bucket >= $1 AND bucket < $2`
	if daily {
		q = `SELECT bucket, ` + sumCols + ` FROM rating_national WHERE dim = 'centre' AND bucket >= $1 AND bucket < $2`
	}
	args := []any{w.From.UTC().Truncate(time.Hour), w.To.UTC()}
	if centreID != 0 {
		q = `SELECT bucket, ` + sumCols + ` FROM rating_rollups WHERE centre_id = $3 AND dim = 'centre' AND bucket >= $1 AND bucket < $2`
		args = append(args, centreID)
	}
	rows, err := s.db.QueryContext(ctx, q+` GROUP BY bucket ORDER BY bucket`, args...)
	hours, err := db.Collect(rows, err, func(r db.Scanner) (Point, error) {
		var p Point
		return p, r.Scan(p.scan(&p.At)...)
	})
	if err != nil {
		return nil, err
	}
	var out []Point
	for _, p := range hours {
		at := p.At.In(nairobi)
		if daily {
			at = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, nairobi)
		}
		if n := len(out); n > 0 && out[n-1].At.Equal(at) {
			out[n-1].add(p.Counts)
			continue
		}
		p.At = at
		out = append(out, p)
	}
	return out, nil
}

// ReasonCount is how often a reason was given.
type ReasonCount struct {
	Reason string
	Count  int64
}

// ReasonsGiven counts the reasons citizens gave at a centre over a window, most frequent first.
// It reads the ratings themselves (reasons are not rolled up), through their (centre, at) index:
// screens ask for it one centre at a time.
func (s *Store) ReasonsGiven(ctx context.Context, centreID int64, w Window) ([]ReasonCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT reason, COUNT(*) FROM ratings WHERE centre_id = $1 AND at >= $2 AND at < $3
		AND reason <> '' AND suspect = '' GROUP BY reason ORDER BY COUNT(*) DESC, reason`, centreID, w.From.UTC(), w.To.UTC())
	return db.Collect(rows, err, func(r db.Scanner) (ReasonCount, error) {
		var c ReasonCount
		return c, r.Scan(&c.Reason, &c.Count)
	})
}

// Comment is a citizen's comment with its rating, for the centre's managers.
type Comment struct {
	Score   int
	Reason  string
	Comment string
	Source  string
	Counter string
	At      time.Time
}

// Comments lists a centre's latest comments over a window, newest first.
func (s *Store) Comments(ctx context.Context, centreID int64, w Window, limit int) ([]Comment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.score, r.reason, r.comment, r.source,
		COALESCE(CASE WHEN c.label = '' THEN 'Counter ' || c.number ELSE c.label END, ''), r.at
		FROM ratings r LEFT JOIN counters c ON c.id = r.counter_id
		WHERE r.centre_id = $1 AND r.at >= $2 AND r.at < $3 AND r.comment <> '' AND r.suspect = ''
		ORDER BY r.at DESC LIMIT $4`, centreID, w.From.UTC(), w.To.UTC(), limit)
	return db.Collect(rows, err, func(r db.Scanner) (Comment, error) {
		var c Comment
		return c, r.Scan(&c.Score, &c.Reason, &c.Comment, &c.Source, &c.Counter, &c.At)
	})
}
