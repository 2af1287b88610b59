package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/web"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
)

// The feedback benchmark (issue 5): with N ratings stored, 16 tablets press at once (each press
// joined to the visit just finished at its counter); the press that trips an alert rule is timed
// to the alert; and the national measures page is fetched for each window.
//
//	huduma-load feedback (--db DSN | --sqlite PATH) [--ratings 10000000] [--tablets 16] [--duration 20s]

type feedbackOptions struct {
	DSN      string
	Ratings  int
	Tablets  int
	Duration time.Duration
	Every    time.Duration
	Pages    int
	Alerts   int
	Seed     uint64
	Out, Log io.Writer
}

func runFeedback(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("feedback", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o feedbackOptions
	var sqlitePath string
	fs.StringVar(&o.DSN, "db", envOr(e, "HUDUMA_DB", ""), "postgres:// URL or SQLite path")
	fs.StringVar(&sqlitePath, "sqlite", "", "SQLite file (instead of --db)")
	fs.IntVar(&o.Ratings, "ratings", 10_000_000, "ratings to have stored before measuring")
	fs.IntVar(&o.Tablets, "tablets", 16, "tablets pressing at once")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "how long the tablets press, in each of the two press phases")
	fs.DurationVar(&o.Every, "every", 250*time.Millisecond, "the tablets press together at this interval (then flat out)")
	fs.IntVar(&o.Pages, "pages", 50, "national page fetches per window")
	fs.IntVar(&o.Alerts, "alerts", 20, "alerts tripped and timed")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if sqlitePath != "" {
		o.DSN = sqlitePath
	}
	if o.DSN == "" || o.Tablets < 1 || o.Ratings < 0 {
		return usagef("usage: huduma-load feedback (--db DSN | --sqlite PATH) [--ratings N] [--tablets 16] [--duration 20s]")
	}
	o.Out, o.Log = e.stdout, e.stderr
	return feedbackBench(ctx, o)
}

// counterInfo is a counter with what the seed and the tablets need of it.
type counterInfo struct {
	id, centre, officer int64
}

type offer struct{ service, agency int64 }

func feedbackBench(ctx context.Context, o feedbackOptions) error {
	a, err := openApp(ctx, o.DSN)
	if err != nil {
		return err
	}
	defer a.db.Close()
	// Counters are made the first time a centre's are listed.
	q := queue.NewStore(a.db, time.Now, a.charters, a.requests, queue.Config{})
	rows, err := a.db.QueryContext(ctx, `SELECT id FROM centres`)
	ids, err := db.Collect(rows, err, func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := q.Counters(ctx, id); err != nil {
			return err
		}
	}
	counters, offers, err := feedbackWorld(ctx, a.db)
	if err != nil {
		return err
	}
	var stored int
	if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings`).Scan(&stored); err != nil {
		return err
	}
	fb := feedback.NewStore(a.db, time.Now, feedback.Config{Burst: 1 << 30}) // every press takes the visit path
	if stored < o.Ratings {
		start := time.Now()
		if err := seedRatings(ctx, a.db, o, o.Ratings-stored, counters, offers); err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "seeded %d ratings in %s; rolling up...\n", o.Ratings-stored, time.Since(start).Round(time.Second))
		start = time.Now()
		n, err := fb.RebuildRollups(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "rolled up %d ratings in %s\n", n, time.Since(start).Round(time.Second))
		if a.db.Engine == db.Postgres {
			if _, err := a.db.ExecContext(ctx, `VACUUM ANALYZE ratings, rating_rollups`); err != nil {
				return err
			}
		}
		stored = o.Ratings
	}
	var rollups int
	if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rating_rollups`).Scan(&rollups); err != nil {
		return err
	}

	// The server, wired as huduma serve wires it, with the alert watcher running.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.NewServer(web.Config{Version: "huduma-load", APIPerSecond: 1 << 20, SignInPerMinute: 1 << 20, IntakePerMinute: 1 << 20},
		web.Deps{DB: a.db, Log: quiet, Charters: a.charters, Auth: a.auth, Requests: a.requests, Feedback: fb, Registry: prometheus.NewRegistry()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	// Alerts left live by an earlier run close now (their windows have passed), as a running
	// Huduma's sweep would have closed them: each trip below must open a new one.
	rows, err = a.db.QueryContext(ctx, `SELECT DISTINCT centre_id FROM alerts WHERE status <> 'closed'`)
	live, err := db.Collect(rows, err, func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range live {
		if _, _, err := fb.Evaluate(ctx, id); err != nil {
			return err
		}
	}
	watch, stop := context.WithCancel(ctx)
	defer stop()
	go fb.Watch(watch, quiet, 30*time.Second)

	// Phase 1: tablets at the GPO's counters press at once, flat out; before each press (not
	// timed) a visit finishes at the tablet's counter, so the press takes the full path: burst
	// count, joining the visit, the rating and its roll-ups.
	var gpo int64
	if err := a.db.QueryRowContext(ctx, `SELECT id FROM centres WHERE code = 'HC-GPO'`).Scan(&gpo); err != nil {
		return err
	}
	// Each visit the benchmark finishes needs a ticket number of its own, across runs too.
	var visits atomic.Int64
	visits.Store(time.Now().UnixMicro())
	var tablets []counterInfo
	for _, c := range counters {
		if c.centre == gpo && len(tablets) < o.Tablets {
			tablets = append(tablets, c)
		}
	}
	if len(tablets) < o.Tablets {
		return fmt.Errorf("the GPO centre has %d counters; %d tablets asked for", len(tablets), o.Tablets)
	}
	fmt.Fprintf(o.Log, "%d tablets pressing at once every %s for %s...\n", o.Tablets, o.Every, o.Duration)
	press, err := pressPhase(ctx, a.db, fb, &visits, tablets, offers[gpo], o.Duration, o.Every)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Log, "%d tablets pressing flat out for %s...\n", o.Tablets, o.Duration)
	flat, err := pressPhase(ctx, a.db, fb, &visits, tablets, offers[gpo], o.Duration, 0)
	if err != nil {
		return err
	}

	// Phase 2: the press that trips "half unhappy in 15 minutes, 4 responses", timed to its alert.
	fmt.Fprintf(o.Log, "tripping %d alerts...\n", o.Alerts)
	var trips series
	for i, tripped := 0, 0; tripped < o.Alerts; i++ {
		if i >= len(counters) {
			return fmt.Errorf("only %d counters without a live alert", tripped)
		}
		c := counters[(i*7919)%len(counters)]
		var live int
		if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE scope = 'counter' AND subject_id = $1 AND status <> 'closed'`,
			c.id).Scan(&live); err != nil {
			return err
		}
		if live > 0 || c.centre == gpo { // an earlier run's alert still in its window; the GPO's tablets have pressed
			continue
		}
		tripped++
		took, err := tripAlert(ctx, a.db, fb, &visits, c, offers[c.centre])
		if err != nil {
			return err
		}
		trips.durs = append(trips.durs, took)
		trips.OK++
	}
	slices.Sort(trips.durs)

	// Phase 3: the national measures page, signed in as the secretariat.
	cl := newClient(&url.URL{Scheme: "http", Host: ln.Addr().String()}, "", 2)
	if err := cl.signIn(ctx, "admin", "karibu-huduma"); err != nil {
		return err
	}
	pages := map[string]series{}
	for _, w := range feedback.Windows {
		var s series
		for range o.Pages {
			t0 := time.Now()
			_, _, _, err := cl.do(ctx, "GET", "/staff/quality?window="+w, nil, http.Header{"Cookie": {cl.cookie}}, http.StatusOK)
			if err != nil {
				return err
			}
			s.durs = append(s.durs, time.Since(t0))
			s.OK++
		}
		slices.Sort(s.durs)
		pages[w] = s
	}

	fmt.Fprintf(o.Out, "\n### %s: %d ratings stored (%d roll-up rows), %d tablets\n\n", a.db.Engine, stored, rollups, o.Tablets)
	fmt.Fprintf(o.Out, "Machine: %d CPUs, %s/%s, %s. Database: %s.\n\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), a.db.Display)
	fmt.Fprintln(o.Out, "| measure | count | rate | p50 | p99 | max |")
	fmt.Fprintln(o.Out, "| --- | ---: | ---: | ---: | ---: | ---: |")
	fmt.Fprintf(o.Out, "| press: %d tablets at once, every %s | %d | %s/s | %s | %s | %s |\n", o.Tablets, o.Every, press.OK, rate(press.rate(o.Duration)),
		ms(press.quantile(0.5)), ms(press.quantile(0.99)), ms(press.max()))
	fmt.Fprintf(o.Out, "| press: %d tablets flat out (capacity) | %d | %s/s | %s | %s | %s |\n", o.Tablets, flat.OK, rate(flat.rate(o.Duration)),
		ms(flat.quantile(0.5)), ms(flat.quantile(0.99)), ms(flat.max()))
	fmt.Fprintf(o.Out, "| press → alert open | %d | | %s | %s | %s |\n", trips.OK, ms(trips.quantile(0.5)), ms(trips.quantile(0.99)), ms(trips.max()))
	for _, w := range feedback.Windows {
		s := pages[w]
		fmt.Fprintf(o.Out, "| national page, %s | %d | | %s | %s | %s |\n", w, s.OK, ms(s.quantile(0.5)), ms(s.quantile(0.99)), ms(s.max()))
	}
	fmt.Fprintln(o.Out)
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	slowest := time.Duration(0)
	for _, s := range pages {
		slowest = max(slowest, s.quantile(0.99))
	}
	fmt.Fprintf(o.Out, "Targets: press p99 ≤ 20 ms — %s (%s); alert within 5 s of the press — %s (max %s); national page < 200 ms — %s (slowest p99 %s).\n",
		verdict(press.quantile(0.99) <= 20*time.Millisecond), ms(press.quantile(0.99)), verdict(trips.max() < 5*time.Second), ms(trips.max()),
		verdict(slowest < 200*time.Millisecond), ms(slowest))
	return nil
}

// feedbackWorld reads the counters of every centre (with a load-test officer each, created once)
// and the services each centre offers.
func feedbackWorld(ctx context.Context, d *db.DB) ([]counterInfo, map[int64][]offer, error) {
	rows, err := d.QueryContext(ctx, `SELECT k.id, k.centre_id, k.number FROM counters k ORDER BY k.centre_id, k.number`)
	type row struct {
		id, centre int64
		number     int
	}
	list, err := db.Collect(rows, err, func(r db.Scanner) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.centre, &x.number)
	})
	if err != nil {
		return nil, nil, err
	}
	if len(list) == 0 {
		return nil, nil, errors.New("no counters: the demo data has none")
	}
	var counters []counterInfo
	err = d.InTx(ctx, func(tx *sql.Tx) error {
		for _, x := range list {
			name := fmt.Sprintf("load.officer.%d.%d", x.centre, x.number)
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, name).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				// No password can match "!": these accounts exist for the figures only.
				err = tx.QueryRowContext(ctx, `INSERT INTO users (username, name, password_hash, role, centre_id, created_at, updated_at)
					VALUES ($1, $2, '!', 'officer', $3, $4, $4) RETURNING id`, name, fmt.Sprintf("Load officer %d", x.number), x.centre, time.Now().UTC()).Scan(&id)
			}
			if err != nil {
				return err
			}
			counters = append(counters, counterInfo{id: x.id, centre: x.centre, officer: id})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rows, err = d.QueryContext(ctx, `SELECT cs.centre_id, s.id, s.agency_id FROM centre_services cs JOIN services s ON s.id = cs.service_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	offers := map[int64][]offer{}
	for rows.Next() {
		var centre int64
		var of offer
		if err := rows.Scan(&centre, &of.service, &of.agency); err != nil {
			return nil, nil, err
		}
		offers[centre] = append(offers[centre], of)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	kept := counters[:0]
	for _, c := range counters {
		if len(offers[c.centre]) > 0 {
			kept = append(kept, c)
		}
	}
	return kept, offers, nil
}

var ratingCols = []string{"source", "score", "reason", "comment", "centre_id", "counter_id", "officer_id", "service_id", "agency_id",
	"wait_seconds", "service_seconds", "suspect", "at"}

// seedRatings loads n ratings spread over the last year's working hours at every counter: 45%
// very happy, 30% happy, 15% unhappy, 10% very unhappy, 3% of presses with no visit.
func seedRatings(ctx context.Context, d *db.DB, o feedbackOptions, n int, counters []counterInfo, offers map[int64][]offer) error {
	rng := rand.New(rand.NewPCG(o.Seed, 5))
	w, err := newBulkWriter(ctx, d)
	if err != nil {
		return err
	}
	defer w.close()
	end := time.Now().UTC().Truncate(time.Hour)
	const chunk = 20_000
	reasons := append([]string{"", "", "", ""}, feedback.Reasons...)
	start, last := time.Now(), time.Now()
	for done := 0; done < n; {
		rows := make([][]any, 0, chunk)
		for range min(chunk, n-done) {
			c := counters[rng.IntN(len(counters))]
			of := offers[c.centre][rng.IntN(len(offers[c.centre]))]
			day := end.AddDate(0, 0, -1-rng.IntN(365))                                                                                   // before today: today's measures are the tablets'
			at := time.Date(day.Year(), day.Month(), day.Day(), 5, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(9*3600)) * time.Second) // 08:00–17:00 Nairobi
			score := 4
			switch p := rng.IntN(100); {
			case p < 10:
				score = 1
			case p < 25:
				score = 2
			case p < 55:
				score = 3
			}
			var officer, service, agency, wait, served any = c.officer, of.service, of.agency, rng.IntN(3600), 60 + rng.IntN(1200)
			suspect := ""
			if rng.IntN(100) < 3 {
				suspect, officer, service, agency, wait, served = "no_visit", nil, nil, nil, nil, nil
			}
			rows = append(rows, []any{"device", score, reasons[rng.IntN(len(reasons))], "", c.centre, c.id, officer, service, agency, wait, served, suspect, at})
		}
		if err := writeRatings(ctx, w, rows); err != nil {
			return err
		}
		done += len(rows)
		if now := time.Now(); now.Sub(last) >= 5*time.Second || done == n {
			fmt.Fprintf(o.Log, "  %9d / %d ratings  %6.0f rows/s\n", done, n, float64(done)/now.Sub(start).Seconds())
			last = now
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func writeRatings(ctx context.Context, w *bulkWriter, rows [][]any) error {
	if w.d.Engine == db.Postgres {
		return w.conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"ratings"}, ratingCols, pgx.CopyFromRows(rows))
			return err
		})
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := insertRows(ctx, tx, "ratings", ratingCols, rows); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Huduma checkpoints in the background, but a load this fast outruns it: each chunk touches
	// pages all over the ratings' indexes, and the WAL grew by gigabytes until SQLite refused
	// ("database or disk is full"). Fold the WAL back after every chunk.
	_, err = w.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// finishVisit records a visit just finished at a counter (what the queue's Complete leaves), not
// timed: the benchmark times the press.
func finishVisit(ctx context.Context, d *db.DB, c counterInfo, of offer, n int64) error {
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, err := d.ExecContext(ctx, `INSERT INTO tickets (centre_id, service_id, day, number, leg, status, channel, arrived_at, queued_at, rank_at,
		called_at, counter_id, officer_id, served_at, done_at, outcome) VALUES ($1, $2, $3, $4, 1, 'done', 'kiosk', $5, $5, $5, $6, $7, $8, $6, $9, 'served')`,
		c.centre, of.service, "load", fmt.Sprintf("L%d-%d", c.id, n), now.Add(-20*time.Minute), now.Add(-8*time.Minute), c.id, c.officer, now)
	return err
}

// pressPhase has every tablet press for dur: together, at the start of each round of every
// (the target's "16 tablets pressing at once"), or flat out when every is 0 (capacity).
func pressPhase(ctx context.Context, d *db.DB, fb *feedback.Store, visits *atomic.Int64, tablets []counterInfo, offers []offer, dur, every time.Duration) (series, error) {
	devices := make([]feedback.Device, len(tablets))
	for i, c := range tablets {
		dev, key, err := fb.AddDevice(ctx, audit.Actor{Name: "huduma-load"}, c.id, "load tablet")
		if err != nil {
			return series{}, err
		}
		if devices[i], err = fb.DeviceByKey(ctx, dev.ID, key); err != nil {
			return series{}, err
		}
	}
	var mu sync.Mutex
	var all series
	var firstErr error
	start := time.Now().Add(100 * time.Millisecond)
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	var gate sync.WaitGroup
	gate.Add(1)
	for i := range tablets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gate.Wait()
			var lat []time.Duration
			for k := 0; time.Now().Before(deadline) && ctx.Err() == nil; k++ {
				if err := finishVisit(ctx, d, tablets[i], offers[k%len(offers)], visits.Add(1)); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
				if every > 0 {
					round := start.Add(time.Duration(k) * every)
					if !round.Before(deadline) {
						break
					}
					time.Sleep(time.Until(round))
				}
				t0 := time.Now()
				r, err := fb.Press(ctx, devices[i], feedback.Press{Score: 1 + k%4})
				took := time.Since(t0)
				if err == nil && r.TicketID == 0 {
					err = fmt.Errorf("press %d at counter %d joined no visit (%s)", k, tablets[i].id, r.Suspect)
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
				lat = append(lat, took)
			}
			mu.Lock()
			all.durs = append(all.durs, lat...)
			all.OK += len(lat)
			mu.Unlock()
		}()
	}
	gate.Done()
	wg.Wait()
	slices.Sort(all.durs)
	return all, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// tripAlert makes the fourth response at a counter within 15 minutes, three of them unhappy, and
// times the last press to its alert (the watcher evaluates; this polls every 2 ms).
func tripAlert(ctx context.Context, d *db.DB, fb *feedback.Store, visits *atomic.Int64, c counterInfo, offers []offer) (time.Duration, error) {
	dev, key, err := fb.AddDevice(ctx, audit.Actor{Name: "huduma-load"}, c.id, "load alert tablet")
	if err != nil {
		return 0, err
	}
	device, err := fb.DeviceByKey(ctx, dev.ID, key)
	if err != nil {
		return 0, err
	}
	var before int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE centre_id = $1 AND scope = 'counter' AND subject_id = $2`, c.centre, c.id).Scan(&before); err != nil {
		return 0, err
	}
	var t0 time.Time
	for k, score := range []int{1, 4, 1, 1} {
		if err := finishVisit(ctx, d, c, offers[0], visits.Add(1)); err != nil {
			return 0, err
		}
		t0 = time.Now()
		if _, err := fb.Press(ctx, device, feedback.Press{Score: score}); err != nil {
			return 0, fmt.Errorf("press %d: %w", k, err)
		}
	}
	for {
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM alerts WHERE centre_id = $1 AND scope = 'counter' AND subject_id = $2`, c.centre, c.id).Scan(&n); err != nil {
			return 0, err
		}
		if n > before {
			return time.Since(t0), nil
		}
		if time.Since(t0) > 30*time.Second {
			return 0, fmt.Errorf("no alert for counter %d 30 s after the press", c.id)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
