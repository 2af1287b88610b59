package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/worktime"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

func runSeed(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", envOr(e, "HUDUMA_DB", "huduma.db"), "database: a SQLite file path or a postgres:// URL (HUDUMA_DB)")
	var o seedOptions
	fs.IntVar(&o.N, "n", 1_000_000, "requests the database holds when done (requests already there count)")
	fs.IntVar(&o.Chunk, "chunk", 0, "requests per transaction (default 50,000 on PostgreSQL, 20,000 on SQLite)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed on an empty database gives the same data")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if o.N < 0 {
		return usagef("--n must be 0 or more")
	}
	a, err := openApp(ctx, *dsn)
	if err != nil {
		return err
	}
	defer a.db.Close()
	o.Out = e.stdout
	_, err = seed(ctx, a, o)
	return err
}

// app is an opened, migrated database with the demo data, and the stores over it — wired as
// cmd/huduma's serve wires them.
type app struct {
	db       *db.DB
	charters *charter.Store
	auth     *auth.Store
	requests *requests.Store
}

func openApp(ctx context.Context, dsn string) (*app, error) {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a := &app{db: d, charters: charter.NewStore(d, time.Now), auth: auth.NewStore(d, time.Now, 12)}
	a.requests = requests.NewStore(d, time.Now, a.charters, requests.Config{PublicURL: "http://127.0.0.1"})
	if _, err := a.charters.EnsureDefaultCalendar(ctx, audit.System); err != nil {
		d.Close()
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	if _, err := demo.Install(ctx, d, a.charters, a.auth, a.requests); err != nil {
		d.Close()
		return nil, fmt.Errorf("demo data: %w", err)
	}
	return a, nil
}

// seedOptions says how many requests to load and how.
type seedOptions struct {
	N     int
	Chunk int
	Seed  uint64
	Out   io.Writer
}

// seedResult is what seeding did.
type seedResult struct {
	Before, Added int
	Took          time.Duration
	Finish        time.Duration // indexes, statistics, sequences after the rows
}

func (r seedResult) rate() float64 {
	if r.Took <= 0 {
		return 0
	}
	return float64(r.Added) / r.Took.Seconds()
}

// The data's shape. Two years of requests; most are done, about one in ten is open — more among
// recent ones, and an old backlog that is breached; one 'created' event each, and for open
// requests the SLA jobs a real request has (pending if still ahead, done if passed).
const (
	seedSpan      = 2 * 365 * 24 * time.Hour
	phonePool     = 400_000 // distinct citizens' phone numbers: about 2 requests each
	recentWindow  = 30 * 24 * time.Hour
	openRecent    = 0.60
	openOld       = 0.0786          // with openRecent, ≈ 10% open overall
	referenceBase = 852_891_037_441 // 31^8: every 8-character reference
	referenceMul  = 387_420_489     // 3^18, coprime with 31: id → reference is a bijection
	referenceAdd  = 123_456_789_012
)

const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// seedReference is the reference of seeded request id: distinct for distinct ids, scattered like
// the random ones Huduma makes. (A request lodged later that draws the same reference retries, as
// it would on any collision.)
func seedReference(id int64) string {
	hi, lo := bits.Mul64(uint64(id), referenceMul)
	_, v := bits.Div64(hi%referenceBase, lo, referenceBase)
	v = (v + referenceAdd) % referenceBase
	var b [9]byte
	for i := 8; i >= 0; i-- {
		if i == 4 {
			b[i] = '-'
			continue
		}
		b[i] = referenceAlphabet[v%31]
		v /= 31
	}
	return string(b[:])
}

// seedPhone is citizen k's phone number (k < phonePool), E.164 as stored.
func seedPhone(k int) string {
	v := (uint64(k)*7_919 + 12_345_678) % 100_000_000
	return fmt.Sprintf("+2547%08d", v)
}

// nationalPhone is how a person types it: 07XX XXX XXX.
func nationalPhone(e164 string) string { return "0" + strings.TrimPrefix(e164, "+254") }

var (
	firstNames = []string{"Achieng", "Wanjiku", "Kamau", "Otieno", "Mwangi", "Njeri", "Chebet", "Kiprono", "Akinyi", "Wekesa",
		"Nafula", "Mutua", "Wambui", "Omondi", "Jeptoo", "Barasa", "Auma", "Kariuki", "Nyambura", "Hassan", "Fatuma", "Naserian",
		"Lekishon", "Halima", "Abdi", "Muthoni", "Kibet", "Wairimu", "Ochieng", "Makena"}
	lastNames = []string{"Odhiambo", "Njoroge", "Kamau", "Mwangi", "Otieno", "Kiptoo", "Wanjala", "Mutiso", "Onyango", "Chege",
		"Ruto", "Korir", "Mohamed", "Ole Sankale", "Wafula", "Kimani", "Macharia", "Atieno", "Nyongesa", "Juma", "Kilonzo",
		"Cherono", "Gitau", "Ndungu", "Owino"}
	subjects = []string{"", "", "", "Follow-up on my application", "Lost document", "Change of details", "Delay in processing",
		"Printer not working", "Cannot log in", "Network down in the office", "Request for a copy", "Wrong details on certificate",
		"Payment not reflected", "Replacement", "Complaint about service"}
	descriptions = []string{
		"I applied at the counter and have not heard back. Please advise on the status.",
		"The details on my document are wrong; my name is misspelt. I attach a copy of my ID.",
		"I lost my document in a matatu and need a replacement. The police abstract is ready.",
		"I paid through M-Pesa but the payment does not show on my application.",
		"The computer in the registry will not start since the power cut on Monday.",
		"Please update my phone number and postal address on the record.",
		"I was told to come back after two weeks; it is now a month. Kindly assist.",
		"Requesting a certified copy for a job application abroad.",
	}
	// channel weights, out of 1000
	seedChannels = []struct {
		name string
		w    int
	}{{"web", 250}, {"counter", 200}, {"walk_in", 200}, {"phone", 100}, {"email", 80}, {"api", 70}, {"ussd", 50}, {"sms", 30},
		{"letter", 10}, {"social_media", 10}}
)

// catalogue is what seeding picks from: active services that some centre handles.
type seedService struct {
	id, agencyID     int64
	resolution       *worktime.Span
	response         *worktime.Span // the service's own first-response promise, nil for Huduma's default
	requiresApproval bool
	centres          []seedCentre
}

type seedCentre struct {
	id       int64
	cal      *worktime.Calendar
	officers []int64
}

func loadCatalogue(ctx context.Context, a *app) ([]seedService, error) {
	d := a.db
	type centreRow struct {
		id, calendarID int64
		agencyID       sql.NullInt64
	}
	rows, err := d.QueryContext(ctx, `SELECT id, calendar_id, agency_id FROM centres ORDER BY id`)
	crs, err := db.Collect(rows, err, func(s db.Scanner) (centreRow, error) {
		var c centreRow
		return c, s.Scan(&c.id, &c.calendarID, &c.agencyID)
	})
	if err != nil {
		return nil, fmt.Errorf("centres: %w", err)
	}
	type userRow struct{ id, centreID int64 }
	rows, err = d.QueryContext(ctx, `SELECT id, centre_id FROM users WHERE centre_id IS NOT NULL AND role IN ('officer', 'centre_manager') AND active = TRUE`)
	urs, err := db.Collect(rows, err, func(s db.Scanner) (userRow, error) {
		var u userRow
		return u, s.Scan(&u.id, &u.centreID)
	})
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	centres := map[int64]seedCentre{}
	agencyCentre := map[int64]int64{}
	for _, c := range crs {
		cal, err := a.charters.WorkCalendar(ctx, c.calendarID)
		if err != nil {
			return nil, err
		}
		sc := seedCentre{id: c.id, cal: cal}
		for _, u := range urs {
			if u.centreID == c.id {
				sc.officers = append(sc.officers, u.id)
			}
		}
		centres[c.id] = sc
		if c.agencyID.Valid {
			if _, ok := agencyCentre[c.agencyID.Int64]; !ok {
				agencyCentre[c.agencyID.Int64] = c.id
			}
		}
	}
	type pair struct{ centre, service int64 }
	rows, err = d.QueryContext(ctx, `SELECT centre_id, service_id FROM centre_services ORDER BY centre_id, service_id`)
	pairs, err := db.Collect(rows, err, func(s db.Scanner) (pair, error) {
		var p pair
		return p, s.Scan(&p.centre, &p.service)
	})
	if err != nil {
		return nil, fmt.Errorf("centre services: %w", err)
	}
	type serviceRow struct {
		id, agencyID             int64
		kind, timeline, response string
		requiresApproval         bool
	}
	rows, err = d.QueryContext(ctx, `SELECT id, agency_id, timeline_kind, timeline, response_timeline, requires_approval FROM services WHERE active = TRUE ORDER BY id`)
	srs, err := db.Collect(rows, err, func(s db.Scanner) (serviceRow, error) {
		var r serviceRow
		return r, s.Scan(&r.id, &r.agencyID, &r.kind, &r.timeline, &r.response, &r.requiresApproval)
	})
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	var out []seedService
	for _, r := range srs {
		sv := seedService{id: r.id, agencyID: r.agencyID, requiresApproval: r.requiresApproval}
		if r.kind == "duration" {
			if sp, err := worktime.ParseSpan(r.timeline); err == nil {
				sv.resolution = &sp
			}
		}
		if r.response != "" {
			if sp, err := worktime.ParseSpan(r.response); err == nil {
				sv.response = &sp
			}
		}
		for _, p := range pairs {
			if p.service == r.id {
				sv.centres = append(sv.centres, centres[p.centre])
			}
		}
		if len(sv.centres) == 0 {
			if id, ok := agencyCentre[r.agencyID]; ok {
				sv.centres = append(sv.centres, centres[id]) // the agency's own office, as intake does
			}
		}
		if len(sv.centres) > 0 {
			out = append(out, sv)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no active service is offered at any centre: load the demo data first")
	}
	return out, nil
}

// chunk is one transaction's worth of rows.
type chunk struct {
	requests, events, jobs [][]any
}

var (
	requestCols = []string{"id", "reference", "tracking_hash", "service_id", "centre_id", "agency_id", "channel", "status", "waiting_on",
		"approval", "citizen_name", "citizen_phone", "citizen_email", "citizen_id_number", "subject", "description", "fields", "address",
		"assignee_id", "response_due_at", "warn_at", "resolution_due_at", "responded_at", "resolved_at", "closed_at", "paused_at",
		"escalation_level", "created_at", "updated_at"}
	eventCols = []string{"id", "request_id", "at", "actor_id", "actor_name", "kind", "public", "body", "data"}
	jobCols   = []string{"id", "kind", "key", "run_at", "payload", "status", "attempts", "last_error", "created_at", "done_at"}
)

var channelWords = map[string]string{
	"web": "web form", "counter": "counter", "walk_in": "walk-in", "phone": "phone", "email": "email", "letter": "letter",
	"social_media": "social media", "api": "API", "open311": "Open311", "ussd": "USSD", "sms": "SMS",
}

// generator makes requests' rows.
type generator struct {
	rng      *rand.Rand
	services []seedService
	now      time.Time
	nextJob  int64
	escAfter worktime.Span
}

func (g *generator) pick(n int) int { return g.rng.IntN(n) }

func (g *generator) channel() string {
	x := g.rng.IntN(1000)
	for _, c := range seedChannels {
		if x < c.w {
			return c.name
		}
		x -= c.w
	}
	return "web"
}

// created is an instant in the last two years: mostly in office hours on a working day.
func (g *generator) created(loc *time.Location) time.Time {
	t := g.now.Add(-time.Duration(g.rng.Int64N(int64(seedSpan))))
	if g.rng.IntN(100) < 85 {
		l := t.In(loc)
		switch l.Weekday() {
		case time.Saturday:
			l = l.AddDate(0, 0, -1)
		case time.Sunday:
			l = l.AddDate(0, 0, -2)
		}
		l = time.Date(l.Year(), l.Month(), l.Day(), 8, 0, 0, 0, loc).Add(time.Duration(g.rng.Int64N(int64(9 * time.Hour))))
		if l.Before(g.now) {
			t = l
		}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func ptr(t time.Time) *time.Time { return &t }

func nullable(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// add generates request id into c.
func (g *generator) add(c *chunk, id, eventID int64) {
	sv := g.services[g.pick(len(g.services))]
	ce := sv.centres[g.pick(len(sv.centres))]
	cal := ce.cal
	created := g.created(cal.Location())
	channel := g.channel()

	// The SLA, as Store.Create computes it.
	var resolution, warn, response *time.Time
	if sv.resolution != nil {
		res := cal.Due(created, *sv.resolution)
		budget := cal.Elapsed(cal.NextOpening(created), res, nil)
		w := cal.NextOpening(created)
		if m := int(time.Duration(float64(budget)*0.75) / time.Minute); m >= 1 {
			w = cal.Due(created, worktime.Span{N: m, Unit: worktime.Minute})
		}
		resolution, warn = &res, &w
	}
	respSpan := worktime.Span{N: 1, Unit: worktime.Hour}
	if sv.response != nil {
		respSpan = *sv.response
	} else if channel == "counter" || channel == "walk_in" {
		respSpan = worktime.Span{N: 10, Unit: worktime.Minute}
	}
	resp := cal.Due(created, respSpan)
	if resolution != nil && resp.After(*resolution) {
		resp = *resolution
	}
	response = &resp

	// Where the request stands now.
	age := g.now.Sub(created)
	openP := openOld
	if age < recentWindow {
		openP = openRecent
	}
	status := "closed"
	waitingOn, approval := "", "not_required"
	if sv.requiresApproval {
		approval = "approved"
	}
	var responded, resolved, closed, paused *time.Time
	escalation := 0
	if g.rng.Float64() < openP {
		x := g.rng.IntN(100)
		switch {
		case age < 48*time.Hour && x < 60, age >= 48*time.Hour && x < 30:
			status = "new"
		case age < 48*time.Hour && x < 80, age >= 48*time.Hour && x < 45:
			status = "acknowledged"
		case age < 48*time.Hour, x < 75:
			status = "in_progress"
		case x < 95:
			status, waitingOn = "waiting", "citizen"
		default:
			status = "reopened"
		}
		if status == "new" && sv.requiresApproval {
			approval = "pending"
		}
		if status != "new" {
			responded = ptr(created.Add(time.Duration(g.rng.Int64N(int64(min(age, 4*time.Hour)) + 1))))
		}
		if status == "waiting" {
			paused = ptr(created.Add(time.Duration(g.rng.Int64N(int64(age) + 1))))
		}
		if resolution != nil && resolution.Before(g.now) && paused == nil {
			escalation = 1
			if g.now.Sub(*resolution) > 72*time.Hour {
				escalation = 3
			}
		}
	} else {
		span := 5 * 24 * time.Hour
		if resolution != nil {
			span = resolution.Sub(created)
		}
		// Resolved between a tenth and 1.2 times the committed time: most on time, some late.
		r := created.Add(time.Duration(float64(span) * (0.1 + 1.1*g.rng.Float64())))
		if r.After(g.now) {
			r = created.Add(time.Duration(g.rng.Int64N(int64(age) + 1)))
		}
		resolved = &r
		responded = ptr(created.Add(time.Duration(g.rng.Int64N(int64(r.Sub(created)) + 1))))
		if g.rng.IntN(100) < 40 {
			status = "resolved"
		} else {
			cl := r.Add(time.Duration(g.rng.Int64N(int64(72 * time.Hour))))
			if cl.After(g.now) {
				cl = g.now
			}
			closed = &cl
		}
	}
	updated := created
	for _, t := range []*time.Time{responded, resolved, closed, paused} {
		if t != nil && t.After(updated) {
			updated = *t
		}
	}
	var assignee any
	if status != "new" && len(ce.officers) > 0 && g.rng.IntN(100) < 70 {
		assignee = ce.officers[g.pick(len(ce.officers))]
	}

	name := firstNames[g.pick(len(firstNames))] + " " + lastNames[g.pick(len(lastNames))]
	phone, email, idNumber := "", "", ""
	if g.rng.IntN(100) < 90 {
		phone = seedPhone(g.pick(phonePool))
	}
	if g.rng.IntN(100) < 15 || phone == "" {
		email = strings.ToLower(strings.ReplaceAll(name, " ", ".")) + strconv.Itoa(g.pick(1000)) + "@mail.example"
	}
	if g.rng.IntN(100) < 40 {
		idNumber = strconv.Itoa(10_000_000 + g.pick(30_000_000))
	}
	var hash [32]byte
	binaryID := []byte(strconv.FormatInt(id, 10) + ":" + strconv.FormatUint(g.rng.Uint64(), 36))
	hash = sha256.Sum256(binaryID)

	c.requests = append(c.requests, []any{id, seedReference(id), hex.EncodeToString(hash[:]), sv.id, ce.id, sv.agencyID, channel, status,
		waitingOn, approval, name, phone, email, idNumber, subjects[g.pick(len(subjects))], descriptions[g.pick(len(descriptions))],
		"{}", "", assignee, nullable(response), nullable(warn), nullable(resolution), nullable(responded), nullable(resolved),
		nullable(closed), nullable(paused), escalation, created, updated})
	actor := "citizen (" + channel + ")"
	c.events = append(c.events, []any{eventID, id, created, nil, actor, "created", true,
		"Request received by " + channelWords[channel] + ".", `{"channel":"` + channel + `"}`})

	// The SLA timers of an open, running request, as its ladder left them: the steps that have
	// passed done, the next one pending (each step schedules the one after it when it runs).
	if status != "resolved" && status != "closed" && paused == nil && resolution != nil {
		due := *resolution
		stamp := due.Unix()
		type step struct {
			kind, key string
			at        time.Time
			n         int
		}
		var steps []step
		if warn != nil && warn.Before(due) && escalation == 0 {
			steps = append(steps, step{requests.JobWarn, fmt.Sprintf("sla:%d:warn:%d", id, stamp), *warn, 0})
		}
		at := due
		for n := 1; n <= 3; n++ {
			if n > 1 {
				at = cal.Due(at, g.escAfter)
			}
			steps = append(steps, step{requests.JobEscalate, fmt.Sprintf("sla:%d:esc%d:%d", id, n, stamp), at, n})
		}
		for _, s := range steps {
			payload, _ := json.Marshal(struct {
				RequestID int64     `json:"request_id"`
				Due       time.Time `json:"due"`
				Step      int       `json:"step,omitempty"`
			}{id, due, s.n})
			st, done := "pending", any(nil)
			if !s.at.After(g.now) {
				st, done = "done", s.at.UTC()
			}
			c.jobs = append(c.jobs, []any{g.nextJob, s.kind, s.key, s.at.UTC(), string(payload), st, 0, "", created, done})
			g.nextJob++
			if st == "pending" {
				break
			}
		}
	}
}

// seed tops the database up to o.N requests.
func seed(ctx context.Context, a *app, o seedOptions) (seedResult, error) {
	d := a.db
	var res seedResult
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests`).Scan(&res.Before); err != nil {
		return res, err
	}
	if res.Before >= o.N {
		fmt.Fprintf(o.Out, "%s holds %d requests already (wanted %d); nothing to seed.\n", d.Display, res.Before, o.N)
		return res, nil
	}
	services, err := loadCatalogue(ctx, a)
	if err != nil {
		return res, err
	}
	var nextID, nextEvent, nextJob int64
	for _, q := range []struct {
		table string
		into  *int64
	}{{"requests", &nextID}, {"request_events", &nextEvent}, {"jobs", &nextJob}} {
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+q.table).Scan(q.into); err != nil {
			return res, err
		}
	}
	if o.Chunk <= 0 {
		o.Chunk = 20_000
		if d.Engine == db.Postgres {
			o.Chunk = 50_000
		}
	}
	want := o.N - res.Before
	fmt.Fprintf(o.Out, "Seeding %d requests into %s (%s), %d services, %d per transaction...\n", want, d.Display, d.Engine, len(services), o.Chunk)

	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, uint64(nextID))), services: services, now: time.Now().UTC(), nextJob: nextJob,
		escAfter: worktime.Span{N: 4, Unit: worktime.Hour}}
	w, err := newBulkWriter(ctx, d)
	if err != nil {
		return res, err
	}
	defer w.close()

	// Generate in one goroutine and write in this one, so the two overlap.
	chunks := make(chan *chunk, 2)
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		id, ev := nextID, nextEvent
		for left := want; left > 0; {
			n := min(left, o.Chunk)
			c := &chunk{requests: make([][]any, 0, n), events: make([][]any, 0, n)}
			for range n {
				g.add(c, id, ev)
				id++
				ev++
			}
			left -= n
			select {
			case chunks <- c:
			case <-genCtx.Done():
				return
			}
		}
	}()
	start := time.Now()
	last := start
	for c := range chunks {
		if err := w.write(ctx, c); err != nil {
			return res, err
		}
		res.Added += len(c.requests)
		if now := time.Now(); now.Sub(last) >= 2*time.Second || res.Added == want {
			el := now.Sub(start)
			fmt.Fprintf(o.Out, "  %9d / %d requests  %6.0f rows/s  %s\n", res.Added, want, float64(res.Added)/el.Seconds(), el.Round(time.Second))
			last = now
		}
	}
	res.Took = time.Since(start)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	finish := time.Now()
	if err := w.finish(ctx); err != nil {
		return res, err
	}
	res.Finish = time.Since(finish)
	fmt.Fprintf(o.Out, "Seeded %d requests in %s (%.0f requests/s, with their events and SLA jobs); then %s for %s.\n",
		res.Added, res.Took.Round(time.Second), res.rate(), w.finishWhat(), res.Finish.Round(100*time.Millisecond))
	return res, nil
}

// bulkWriter loads chunks: COPY on PostgreSQL, multi-row INSERTs on SQLite; one transaction each.
type bulkWriter struct {
	d    *db.DB
	conn *sql.Conn
}

func newBulkWriter(ctx context.Context, d *db.DB) (*bulkWriter, error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if d.Engine == db.SQLite {
		// For this connection only, while it loads: a 256 MiB page cache (the indexes of a million
		// rows do not fit the default 2 MiB) and no syncs (a failed load is simply run again).
		if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA synchronous = OFF`); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return &bulkWriter{d: d, conn: conn}, nil
}

// close gives the connection back to the pool as the DSN set it up.
func (w *bulkWriter) close() {
	if w.d.Engine == db.SQLite {
		_, _ = w.conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000; PRAGMA synchronous = NORMAL`)
	}
	w.conn.Close()
}

func (w *bulkWriter) write(ctx context.Context, c *chunk) error {
	if w.d.Engine == db.Postgres {
		return w.conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			for _, t := range []struct {
				table string
				cols  []string
				rows  [][]any
			}{{"requests", requestCols, c.requests}, {"request_events", eventCols, c.events}, {"jobs", jobCols, c.jobs}} {
				if len(t.rows) == 0 {
					continue
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.table}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
					return fmt.Errorf("copy into %s: %w", t.table, err)
				}
			}
			return tx.Commit(ctx)
		})
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"requests", requestCols, c.requests}, {"request_events", eventCols, c.events}, {"jobs", jobCols, c.jobs}} {
		if err := insertRows(ctx, tx, t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// insertRows inserts rows with statements of up to 500 rows (SQLite allows 32,766 parameters).
// The placeholders are ?, not $N: the driver looks numbered ones up by name, one by one.
func insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	const per = 500
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		st, ok := stmts[n]
		if !ok {
			var sb strings.Builder
			fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
			for i := range n {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteByte('(')
				for j := range cols {
					if j > 0 {
						sb.WriteString(", ")
					}
					sb.WriteByte('?')
				}
				sb.WriteByte(')')
			}
			var err error
			if st, err = tx.PrepareContext(ctx, sb.String()); err != nil {
				return fmt.Errorf("prepare insert into %s: %w", table, err)
			}
			stmts[n] = st
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// finish does what a bulk load leaves to do: on PostgreSQL, move the identity sequences past the
// ids given and VACUUM ANALYZE (what autovacuum does soon after such a load anyway); on SQLite,
// nothing — Huduma does not run ANALYZE on SQLite, so the figures are the planner's defaults.
func (w *bulkWriter) finish(ctx context.Context) error {
	if w.d.Engine != db.Postgres {
		return nil
	}
	for _, t := range []string{"requests", "request_events", "jobs"} {
		if _, err := w.conn.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT MAX(id) FROM %[1]s))`, t)); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	if _, err := w.conn.ExecContext(ctx, `VACUUM ANALYZE requests, request_events, jobs`); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

func (w *bulkWriter) finishWhat() string {
	if w.d.Engine == db.Postgres {
		return "sequences and VACUUM ANALYZE"
	}
	return "nothing more"
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}
