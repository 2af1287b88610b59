package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// app is an opened, migrated database and the stores over it.
type app struct {
	db       *db.DB
	charters *charter.Store
	auth     *auth.Store
	requests *requests.Store
}

// openApp opens and migrates the database and makes sure the default calendar exists.
func openApp(ctx context.Context, c config, log *slog.Logger) (*app, error) {
	d, err := db.Open(ctx, c.dsn)
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	for _, m := range applied {
		log.Info("migration applied", "name", m)
	}
	a := &app{db: d, charters: charter.NewStore(d, time.Now), auth: auth.NewStore(d, time.Now, c.bcryptCost)}
	if err := a.auth.SetSecretKey(c.twoFactorKey); err != nil {
		d.Close()
		return nil, err
	}
	slaCfg := c.sla
	slaCfg.PublicURL = c.publicURL
	a.requests = requests.NewStore(d, time.Now, a.charters, slaCfg)
	if _, err := a.charters.EnsureDefaultCalendar(ctx, audit.System); err != nil {
		d.Close()
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	return a, nil
}

func runServe(ctx context.Context, args []string, e env) error {
	c, _, err := parseConfig("serve", args, e, nil)
	if err != nil {
		return err
	}
	if c.publicURL == "" {
		// Links in SMS and e-mail need the address citizens use; without HUDUMA_PUBLIC_URL the
		// listening address is the best guess (right for a laptop, wrong behind a proxy).
		host := c.addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.publicURL = "http://" + host
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: c.logLevel}))
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.db.Close()

	var demoUsers []demo.Account
	if c.demo {
		demoUsers, err = demo.Install(ctx, a.db, a.charters, a.auth, a.requests)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		// The GPO centre's last working week, rated on its counters' tablets (first start only).
		if err := demo.Feedback(ctx, a.db, a.charters, a.auth, a.requests, time.Now()); err != nil {
			return fmt.Errorf("demo feedback: %w", err)
		}
	}

	reg := prometheus.NewRegistry()
	// The queue's SMS (appointment links) point at the public address, as request links do.
	qcfg := c.queue
	qcfg.PublicURL = c.publicURL
	q := queue.NewStore(a.db, time.Now, a.charters, a.requests, qcfg)
	// Complaints: their own deadline and ladder on the same clock; links to the public address.
	cs := complaints.NewStore(a.db, time.Now, a.charters, complaints.Config{PublicURL: c.publicURL})
	// Feedback: alert messages to managers link to the public address.
	fb := feedback.NewStore(a.db, time.Now, feedback.Config{PublicURL: c.publicURL})
	if err := fb.EnsureRollups(ctx); err != nil {
		return fmt.Errorf("rating roll-ups: %w", err)
	}
	srv, err := web.NewServer(web.Config{SecureCookies: c.secureCookies, Version: version, TrustProxy: c.trustProxy, APIPerSecond: c.apiRate,
		RequireTwoFactor: c.require2FA, IntakePerMinute: c.formsPerMinute, SignInPerMinute: c.signInPerMinute, KioskPerMinute: c.kioskPerMinute},
		web.Deps{DB: a.db, Log: log, Charters: a.charters, Auth: a.auth, Requests: a.requests, Queue: q, Complaints: cs, Feedback: fb, Registry: reg,
			Callbacks: map[string]http.Handler{"/callbacks/africastalking/delivery": notify.AfricasTalkingDeliveryHandler(a.db, time.Now, log)}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return usagef("cannot listen on %s: %v", c.addr, err)
	}
	hs := srv.HTTPServer(slog.NewLogLogger(log.Handler(), slog.LevelWarn)) // per-request body deadlines: web/upload.go

	if len(demoUsers) > 0 {
		fmt.Fprintln(e.stdout, "Demo sign-ins (demo data only; start with --demo=false in production):")
		for _, u := range demoUsers {
			fmt.Fprintf(e.stdout, "  %-16s %-14s password %s\n", u.Username, u.Role, u.Password)
		}
	}
	fmt.Fprintf(e.stdout, "Huduma %s serving on http://%s (database: %s %s)\n", version, ln.Addr(), a.db.Engine, a.db.Display)
	log.Info("serving", "addr", ln.Addr().String(), "engine", a.db.Engine)

	// Background work runs under bg, stopped and waited for before the database closes (workers.go).
	bg := newWorkers()
	defer func() { // on an early return; after a shutdown, already stopped
		stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		bg.stop(stopCtx)
	}()
	// Background work: SLA timers and escalations (durable jobs), and the outbox of SMS and
	// e-mail. Every node may run them: claims are exclusive, so nothing runs twice.
	if c.workers {
		runner := jobs.NewRunner(a.db, time.Now, log)
		a.requests.RegisterJobs(runner)
		cs.RegisterJobs(runner)
		bg.Go("jobs", func(ctx context.Context) { runner.Run(ctx, 5*time.Second) })
		var sms notify.Provider = notify.LogProvider{Log: log}
		if c.smsProvider == "africastalking" {
			sms = c.at
		}
		var email notify.Provider = notify.LogProvider{Log: log}
		if c.smtp.Addr != "" {
			email = c.smtp
		}
		bg.Go("notify", notify.NewWorker(a.db, time.Now, sms, email, log).Run)
	}

	bg.Go("sweep", func(ctx context.Context) {
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				srv.Sweep(ctx)
				// Appointments whose day has closed without a check-in are no-shows.
				if n, err := q.MarkNoShows(ctx, time.Now()); err != nil {
					log.Error("marking appointment no-shows", "err", err)
				} else if n > 0 {
					log.Info("appointments marked as no-shows", "count", n)
				}
			}
		}
	})

	errc := make(chan error, 1)
	bg.Go("boards", func(ctx context.Context) { srv.PollBoards(ctx, 2*time.Second) }) // calls made by other nodes or by huduma simulate
	// Ratings and alerts: every node folds pending ratings into the roll-ups and evaluates the
	// centres its own presses touch (a press tells only its node), and every 30 s folds what other
	// nodes left and sweeps the live alerts; folds and evaluations are safe to run at once anywhere.
	bg.Go("ratings", func(ctx context.Context) { fb.Watch(ctx, log, 30*time.Second) })
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Then the background workers, within what is left of the same timeout, before the database
	// closes (the checkpointer and SQLite's writer stop in Close, after the workers' last writes).
	if err := bg.stop(shutCtx); err != nil {
		log.Warn("shutting down", "err", err)
	}
	fmt.Fprintln(e.stdout, "Huduma stopped.")
	return nil
}

func runMigrate(ctx context.Context, args []string, e env) error {
	c, _, err := parseConfig("migrate", args, e, nil)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.db.Close()
	var n int
	if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Database %s is at migration %d.\n", a.db.Display, n)
	return nil
}
