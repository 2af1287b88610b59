package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// benchOptions configure the self-contained benchmark.
type benchOptions struct {
	DSN        string
	N          int
	Clients    int
	Duration   time.Duration
	Phases     []string
	Mixed      string
	Staff      string
	Workers    bool
	PgBench    bool
	PgBenchDB  string
	PgScale    int
	Seed       uint64
	MaxOps     int64
	CPUProfile string
	Out, Log   io.Writer
}

func runBench(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o benchOptions
	var sqlitePath, phases string
	fs.StringVar(&o.DSN, "db", e.getenv("HUDUMA_DB"), "database: a postgres:// URL or a SQLite file path (HUDUMA_DB)")
	fs.StringVar(&sqlitePath, "sqlite", "", "a SQLite file (instead of --db)")
	fs.IntVar(&o.N, "n", 1_000_000, "requests stored before the load starts (seeded if fewer)")
	fs.IntVar(&o.Clients, "clients", 16, "concurrent clients in the create, status and inbox phases")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "length of each phase")
	fs.StringVar(&phases, "phases", "create,status,inbox,mixed,staff", "phases to run, in order")
	fs.StringVar(&o.Mixed, "mixed", "create:16,status:4,inbox:4", "clients per operation in the mixed phase (each as fast as it can)")
	fs.StringVar(&o.Staff, "staff", "create:16,status:4@25,inbox:4@25", "the staff phase: creation flat out, status changes and inbox pages at a pace (a second)")
	fs.BoolVar(&o.Workers, "workers", true, "run the SLA job runner and the notification worker, as huduma serve does")
	fs.BoolVar(&o.PgBench, "pgbench", false, "also run pgbench TPC-B (-i -s SCALE, then -c CLIENTS -j 2 -T DURATION) on the same PostgreSQL server")
	fs.StringVar(&o.PgBenchDB, "pgbench-db", "", "PostgreSQL server for --pgbench when --db is SQLite (a database huduma_pgbench is made and dropped there)")
	fs.IntVar(&o.PgScale, "pgbench-scale", 10, "pgbench scale factor")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed for seeding and load")
	fs.Int64Var(&o.MaxOps, "max-ops", 5_000_000, "stop a phase after this many operations")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the phases (server and load generator) to this file")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if sqlitePath != "" {
		if o.DSN != "" && o.DSN != e.getenv("HUDUMA_DB") {
			return usagef("give --db or --sqlite, not both")
		}
		o.DSN = sqlitePath
	}
	if o.DSN == "" {
		return usagef("give --db postgres://... or --sqlite PATH")
	}
	for p := range strings.SplitSeq(phases, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !slices.Contains([]string{"create", "status", "inbox", "mixed", "staff"}, p) {
				return usagef("--phases: %q is not create, status, inbox, mixed or staff", p)
			}
			o.Phases = append(o.Phases, p)
		}
	}
	o.Out, o.Log = e.stdout, e.stderr
	return bench(ctx, o)
}

// bench seeds, starts Huduma in this process on a loopback port, runs the phases and prints the
// figures as Markdown.
func bench(ctx context.Context, o benchOptions) error {
	a, err := openApp(ctx, o.DSN)
	if err != nil {
		return err
	}
	defer a.db.Close()
	res, err := seed(ctx, a, seedOptions{N: o.N, Seed: o.Seed, Out: o.Log})
	if err != nil {
		return err
	}
	var stored int
	if err := a.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests`).Scan(&stored); err != nil {
		return err
	}

	pgbenchDSN := o.PgBenchDB
	if o.PgBench && pgbenchDSN == "" {
		if a.db.Engine != db.Postgres {
			return usagef("--pgbench on SQLite needs --pgbench-db postgres://...")
		}
		pgbenchDSN = o.DSN
	}
	var pg pgbenchResult
	if o.PgBench {
		fmt.Fprintf(o.Log, "pgbench TPC-B, scale %d, %d clients, %s...\n", o.PgScale, o.Clients, o.Duration)
		if pg, err = runPgbench(ctx, pgbenchDSN, o.PgScale, o.Clients, o.Duration); err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "pgbench: %.0f tps, latency average %.2f ms\n", pg.TPS, pg.LatencyMS)
	}

	// The server, wired as huduma serve wires it, with the per-address rate limits out of the way:
	// every client here has the same address.
	log := slog.New(slog.NewTextHandler(o.Log, &slog.HandlerOptions{Level: slog.LevelError}))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.NewServer(web.Config{Version: "huduma-load", APIPerSecond: 1 << 20, SignInPerMinute: 1 << 20, IntakePerMinute: 1 << 20},
		web.Deps{DB: a.db, Log: log, Charters: a.charters, Auth: a.auth, Requests: a.requests, Registry: prometheus.NewRegistry()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	defer hs.Close()
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	if o.Workers {
		runner := jobs.NewRunner(a.db, time.Now, quiet)
		a.requests.RegisterJobs(runner)
		go runner.Run(srvCtx, 5*time.Second)
		go notify.NewWorker(a.db, time.Now, notify.LogProvider{Log: quiet}, notify.LogProvider{Log: quiet}, quiet).Run(srvCtx)
	}
	_, key, err := a.auth.CreateAPIKey(ctx, audit.Actor{Name: "huduma-load"}, "huduma-load "+time.Now().UTC().Format(time.RFC3339Nano), 0)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()

	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var results []phaseResult
	for _, p := range o.Phases {
		mixSpec := p
		switch p {
		case "mixed":
			mixSpec = o.Mixed
		case "staff":
			mixSpec = o.Staff
		}
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		fmt.Fprintf(o.Log, "phase %s (%s, %s)...\n", p, mixSpec, o.Duration)
		smp := startSampler()
		lr, err := runLoadTest(ctx, loadOptions{URL: base, Key: key, User: "admin", Password: "karibu-huduma", Clients: o.Clients,
			Duration: o.Duration, Mix: mixSpec, MaxOps: o.MaxOps, Seed: o.Seed, Out: o.Log})
		used, peak := smp.finish()
		if a.db.Engine != db.Postgres {
			used.Postgres = 0 // a PostgreSQL server on the machine is not this benchmark's
		}
		if err != nil {
			return fmt.Errorf("phase %s: %w", p, err)
		}
		mem := processMemory()
		mem.HeapPeak = max(peak, mem.HeapInuse)
		results = append(results, phaseResult{Name: p, Load: lr, Mem: mem, CPU: used})
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}

	engine := string(a.db.Engine)
	fmt.Fprintf(o.Out, "\n### %s: %d requests stored, %d clients, %s per phase\n\n", engine, stored, o.Clients, o.Duration)
	fmt.Fprintf(o.Out, "Machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s. Database: %s.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH,
		runtime.Version(), a.db.Display)
	if res.Added > 0 {
		fmt.Fprintf(o.Out, "Seeded %d requests in %s (%.0f/s), then %s.\n", res.Added, res.Took.Round(time.Second), res.rate(), res.Finish.Round(100*time.Millisecond))
	}
	if o.PgBench {
		fmt.Fprintf(o.Out, "pgbench TPC-B (scale %d, -c %d -j 2 -T %.0f) on the same server: **%.0f tps**, latency average %.2f ms.\n",
			o.PgScale, o.Clients, o.Duration.Seconds(), pg.TPS, pg.LatencyMS)
	}
	fmt.Fprintln(o.Out)
	writeTable(o.Out, "", results)
	fmt.Fprintln(o.Out)
	targetLines(o.Out, engine, results, pg.TPS)
	return nil
}

// processMemory is this process's memory now: Go heap in use, resident set, and the resident
// set's peak since resetPeakRSS.
func processMemory() memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{HeapInuse: ms.HeapInuse, Source: "in process (server and load generator)"}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			name, val, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			f := strings.Fields(val)
			if len(f) != 2 || f[1] != "kB" {
				continue
			}
			kb, _ := strconv.ParseUint(f[0], 10, 64)
			switch name {
			case "VmRSS":
				m.RSS = kb << 10
			case "VmHWM":
				m.HWM = kb << 10
			}
		}
	}
	return m
}

// resetPeakRSS starts VmHWM afresh (Linux: "5" to clear_refs), so each phase reports its own peak.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

type pgbenchResult struct {
	TPS, LatencyMS float64
}

var (
	pgbenchTPS     = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchLatency = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// runPgbench makes a database huduma_pgbench on the server of dsn, runs pgbench's TPC-B on it and
// drops it.
func runPgbench(ctx context.Context, dsn string, scale, clients int, d time.Duration) (pgbenchResult, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return pgbenchResult{}, errors.New("pgbench is not on PATH (Debian: apt-get install postgresql-client)")
	}
	admin, err := db.Open(ctx, dsn)
	if err != nil {
		return pgbenchResult{}, err
	}
	defer admin.Close()
	if admin.Engine != db.Postgres {
		return pgbenchResult{}, usagef("pgbench needs a postgres:// URL")
	}
	const name = "huduma_pgbench"
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name); err != nil {
		return pgbenchResult{}, err
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return pgbenchResult{}, err
	}
	defer admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name)
	u, err := url.Parse(dsn)
	if err != nil {
		return pgbenchResult{}, err
	}
	u.Path = "/" + name
	target := u.String()
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", strconv.Itoa(scale), target).CombinedOutput(); err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench -i: %w\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(int(d.Seconds())), target).CombinedOutput()
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	var r pgbenchResult
	if m := pgbenchTPS.FindSubmatch(out); m != nil {
		r.TPS, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := pgbenchLatency.FindSubmatch(out); m != nil {
		r.LatencyMS, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if r.TPS == 0 {
		return r, fmt.Errorf("pgbench: no tps in its output:\n%s", out)
	}
	return r, nil
}

// cpu is processor time used during a phase, in seconds: by this process (Huduma and the load
// generator), by the PostgreSQL server's processes on this machine (0 for SQLite), and by the
// whole machine (busy time of every core).
type cpu struct{ Self, Postgres, Machine float64 }

const userHZ = 100 // clock ticks per second in /proc on Linux

// procSeconds reads utime+stime of a /proc/PID/stat file, and the process's name.
func procSeconds(path string) (comm string, secs float64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 13 {
		return "", 0, false
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return s[open+1 : end], (ut + st) / userHZ, true
}

// machineBusy is the busy time of all cores from /proc/stat (everything but idle and iowait).
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy float64
	for i, v := range f[1:] {
		n, _ := strconv.ParseFloat(v, 64)
		if i != 3 && i != 4 && i < 8 { // user nice system [idle iowait] irq softirq steal
			busy += n
		}
	}
	return busy / userHZ
}

// sampler watches a phase: the Go heap in use, and the CPU time of this process, of PostgreSQL's
// processes (sampled, so that a backend which exits during the phase still counts) and of the
// machine.
type sampler struct {
	stop chan struct{}
	done chan struct{}

	heapPeak        uint64
	self0, machine0 float64
	pgStart, pgLast map[string]float64
}

func startSampler() *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{}), pgStart: map[string]float64{}, pgLast: map[string]float64{}}
	_, s.self0, _ = procSeconds("/proc/self/stat")
	s.machine0 = machineBusy()
	s.samplePostgres(s.pgStart)
	go func() {
		defer close(s.done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s.heapPeak = max(s.heapPeak, ms.HeapInuse)
			s.samplePostgres(s.pgLast)
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) samplePostgres(into map[string]float64) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		if comm, secs, ok := procSeconds("/proc/" + e.Name() + "/stat"); ok && comm == "postgres" {
			into[e.Name()] = secs
		}
	}
}

// finish stops the sampler and returns the phase's CPU and peak heap.
func (s *sampler) finish() (cpu, uint64) {
	close(s.stop)
	<-s.done
	var c cpu
	_, self, _ := procSeconds("/proc/self/stat")
	c.Self = self - s.self0
	c.Machine = machineBusy() - s.machine0
	for pid, last := range s.pgLast {
		c.Postgres += last - s.pgStart[pid] // a backend started during the phase counts from 0
	}
	return c, s.heapPeak
}
