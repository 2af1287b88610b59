package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator is closed-loop: each client sends a request, waits for the whole answer,
// records how long it took, and sends the next. Three operations:
//
//	create  POST /api/v1/requests with an API key (a random service, citizen and description, a
//	        unique Idempotency-Key), as a partner system lodges requests
//	status  POST /staff/requests/{ref}/status as a signed-in staff member, with the session's CSRF
//	        token, moving open requests along new → acknowledged → in progress → waiting → in
//	        progress → resolved (new → acknowledged → closed while an approval is pending); the
//	        303 answer is the success, the redirect is not followed
//	inbox   GET /staff/requests, the staff inbox's first page, with a filter that rotates through
//	        none, sla=breached, status=new, q=<a citizen's phone>, service=<code>, channel=phone, all=1
//
// Requests for status changes come from those the create clients lodge, and else from
// GET /api/v1/requests?status=new (recorded as "feed", outside the targets).

type op int

const (
	opCreate op = iota
	opStatus
	opInbox
	opFeed
)

var opNames = [...]string{"create", "status", "inbox", "feed"}

func (o op) String() string { return opNames[o] }

// loadOptions configure one load run.
type loadOptions struct {
	URL      string
	Key      string
	User     string
	Password string
	Clients  int
	Duration time.Duration
	Mix      string
	MaxOps   int64
	Seed     uint64
	Out      io.Writer // progress; nil for none
}

// mix is how many clients run each operation.
type mix map[op]int

// pace is, per operation, how many a second its clients start between them (0 or absent: each
// client starts its next operation as soon as the last one ends).
type pace map[op]float64

func (m mix) total() int { return m[opCreate] + m[opStatus] + m[opInbox] }

func (m mix) String() string { return m.with(nil) }

// with spells the mix as --mix takes it, with the pace of the paced operations.
func (m mix) with(p pace) string {
	var parts []string
	for _, o := range []op{opCreate, opStatus, opInbox} {
		if m[o] > 0 {
			part := fmt.Sprintf("%s:%d", o, m[o])
			if p[o] > 0 {
				part += "@" + strconv.FormatFloat(p[o], 'f', -1, 64)
			}
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ",")
}

// parseMix reads --mix: one operation for every client (create, status, inbox), all (half the
// clients create, a quarter change statuses, a quarter read the inbox), or clients per operation
// (create:16,status:4,inbox:4, which ignores --clients), each optionally paced: status:4@25 is
// four clients starting 25 status changes a second between them, as staff at work would, rather
// than as many as the server can take.
func parseMix(s string, clients int) (mix, pace, error) {
	m, p := mix{}, pace{}
	switch s {
	case "create":
		m[opCreate] = clients
	case "status":
		m[opStatus] = clients
	case "inbox":
		m[opInbox] = clients
	case "all", "":
		m[opStatus] = max(clients/4, 1)
		m[opInbox] = max(clients/4, 1)
		m[opCreate] = max(clients-m[opStatus]-m[opInbox], 1)
	default:
		for part := range strings.SplitSeq(s, ",") {
			name, n, ok := strings.Cut(strings.TrimSpace(part), ":")
			n, rate, paced := strings.Cut(n, "@")
			k, err := strconv.Atoi(n)
			r, rerr := 0.0, error(nil)
			if paced {
				r, rerr = strconv.ParseFloat(rate, 64)
			}
			i := slices.Index(opNames[:opFeed], name)
			if !ok || err != nil || k < 0 || i < 0 || rerr != nil || r < 0 {
				return nil, nil, usagef("--mix %q: use create, status, inbox, all, or e.g. create:16,status:4@25,inbox:4@25 (clients, and optionally operations a second)", s)
			}
			m[op(i)] = k
			if r > 0 {
				p[op(i)] = r
			}
		}
	}
	if m.total() < 1 {
		return nil, nil, usagef("--mix %q: no clients", s)
	}
	return m, p, nil
}

func runLoad(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o loadOptions
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the Huduma server, on this machine")
	fs.StringVar(&o.Key, "key", e.getenv("HUDUMA_LOAD_KEY"), "API key (huduma apikey create --name load) for creates and the status feed (HUDUMA_LOAD_KEY)")
	fs.StringVar(&o.User, "user", "admin", "staff account for status changes and the inbox (the demo national admin: no scope refuses)")
	fs.StringVar(&o.Password, "password", "karibu-huduma", "its password")
	fs.IntVar(&o.Clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long to run")
	fs.StringVar(&o.Mix, "mix", "all", "create, status, inbox, all, or clients per operation, optionally paced (a second): create:16,status:4@25,inbox:4@25")
	fs.Int64Var(&o.MaxOps, "max-ops", 5_000_000, "stop after this many operations")
	fs.Uint64Var(&o.Seed, "seed", uint64(time.Now().UnixNano()), "random seed")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	o.Out = e.stderr
	res, err := runLoadTest(ctx, o)
	if err != nil {
		return err
	}
	mem := scrapeMemory(ctx, o.URL)
	fmt.Fprintf(e.stdout, "\nLoad on %s, mix %s, %s:\n\n", o.URL, res.Mix.with(res.Pace), res.Elapsed.Round(100*time.Millisecond))
	writeTable(e.stdout, "", []phaseResult{{Name: o.Mix, Load: res, Mem: mem}})
	if mem.Source != "" {
		fmt.Fprintln(e.stdout, "\nMemory: the server's, read from its /metrics at the end of the run.")
	}
	return nil
}

// loadResult is one run's figures.
type loadResult struct {
	Mix     mix
	Pace    pace
	Elapsed time.Duration
	Series  []series // per operation, then per label within it
}

// series is the figures of an operation (Label "") or of one kind of it (a filter, a status).
type series struct {
	Op      op
	Label   string
	Clients int
	OK      int
	Errors  map[string]int
	durs    []time.Duration // of successful operations, sorted
}

func (s series) rate(el time.Duration) float64 { return float64(s.OK) / el.Seconds() }

// quantile is the q-th latency (nearest rank) of the successful operations.
func (s series) quantile(q float64) time.Duration {
	if len(s.durs) == 0 {
		return 0
	}
	i := int(q*float64(len(s.durs))+0.999999) - 1
	return s.durs[min(max(i, 0), len(s.durs)-1)]
}

func (s series) max() time.Duration {
	if len(s.durs) == 0 {
		return 0
	}
	return s.durs[len(s.durs)-1]
}

// recorder keeps one client's latencies; they are merged at the end, so clients never contend.
type recorder struct {
	m map[recKey]*recSeries
}

type recKey struct {
	op    op
	label string
}

type recSeries struct {
	durs []time.Duration
	errs map[string]int
}

func newRecorder() *recorder { return &recorder{m: map[recKey]*recSeries{}} }

func (r *recorder) add(o op, label string, d time.Duration, errKind string) {
	k := recKey{o, label}
	s := r.m[k]
	if s == nil {
		s = &recSeries{errs: map[string]int{}}
		r.m[k] = s
	}
	if errKind != "" {
		s.errs[errKind]++
		return
	}
	s.durs = append(s.durs, d)
}

// summarise merges the clients' recorders into series: each operation's total, then its labels.
func summarise(recs []*recorder, m mix) []series {
	byKey := map[recKey]*series{}
	get := func(k recKey) *series {
		s := byKey[k]
		if s == nil {
			s = &series{Op: k.op, Label: k.label, Errors: map[string]int{}, Clients: m[k.op]}
			byKey[k] = s
		}
		return s
	}
	for _, r := range recs {
		for k, rs := range r.m {
			targets := []*series{get(k)}
			if k.label != "" {
				targets = append(targets, get(recKey{k.op, ""})) // the operation's total, too
			}
			for _, s := range targets {
				s.durs = append(s.durs, rs.durs...)
				s.OK += len(rs.durs)
				for e, n := range rs.errs {
					s.Errors[e] += n
				}
			}
		}
	}
	var out []series
	for _, s := range byKey {
		slices.Sort(s.durs)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b series) int {
		if a.Op != b.Op {
			return int(a.Op) - int(b.Op)
		}
		if (a.Label == "") != (b.Label == "") {
			if a.Label == "" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Label, b.Label)
	})
	return out
}

// client talks to one Huduma server.
type client struct {
	base     *url.URL
	hc       *http.Client
	key      string
	cookie   string // the staff session
	csrf     string // the session's CSRF token
	services []string
	nonce    string
}

// checkLoopback refuses to load anything but this machine.
func checkLoopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--url %q: give http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, usagef("--url %q: huduma-load only loads a server on this machine (a loopback address)", raw)
	}
	return u, nil
}

func newClient(base *url.URL, key string, conns int) *client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &client{base: base, key: key, nonce: strconv.FormatInt(time.Now().UnixNano(), 36),
		hc: &http.Client{Transport: tr, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and reads the whole answer; errKind is "" on the wanted status, else the
// status code or "net".
func (c *client) do(ctx context.Context, method, path string, body io.Reader, hdr http.Header, want int) (resp *http.Response, data []byte, errKind string, err error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, nil, "net", err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err = c.hc.Do(req)
	if err != nil {
		return nil, nil, "net", err
	}
	data, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp, data, "net", err
	}
	if resp.StatusCode != want {
		return resp, data, strconv.Itoa(resp.StatusCode), fmt.Errorf("%s %s: %s (wanted %d): %.200s", method, path, resp.Status, want, data)
	}
	return resp, data, "", nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs the staff member in as a browser does: the sign-in form's token (cookie and hidden
// field), the post, then the session's CSRF token from a staff page. Cookies are kept by hand:
// Huduma marks them Secure, which Go's cookie jar would not send over http://127.0.0.1.
func (c *client) signIn(ctx context.Context, user, password string) error {
	resp, page, _, err := c.do(ctx, "GET", "/signin", nil, nil, http.StatusOK)
	if err != nil {
		return fmt.Errorf("sign-in form: %w", err)
	}
	var form string
	for _, ck := range resp.Cookies() {
		if ck.Name == "huduma_form" {
			form = ck.Value
		}
	}
	m := csrfField.FindSubmatch(page)
	if form == "" || m == nil {
		return errors.New("sign-in form: no form token")
	}
	v := url.Values{"csrf": {string(m[1])}, "username": {user}, "password": {password}, "next": {"/staff"}}
	resp, _, _, err = c.do(ctx, "POST", "/signin", strings.NewReader(v.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {"huduma_form=" + form}}, http.StatusSeeOther)
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", user, err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "huduma_session" && ck.Value != "" {
			c.cookie = "huduma_session=" + ck.Value
		}
	}
	if c.cookie == "" {
		return fmt.Errorf("sign in as %s: no session cookie", user)
	}
	_, page, _, err = c.do(ctx, "GET", "/staff", nil, http.Header{"Cookie": {c.cookie}}, http.StatusOK)
	if err != nil {
		return fmt.Errorf("staff page: %w", err)
	}
	if m = csrfField.FindSubmatch(page); m == nil {
		return errors.New("staff page: no CSRF token")
	}
	c.csrf = string(m[1])
	return nil
}

// loadServices finds the services a request can be lodged for: listed by the API, and accepted
// when tried once (a service no centre offers yet is left out).
func (c *client) loadServices(ctx context.Context, tryCreate bool) error {
	_, data, _, err := c.do(ctx, "GET", "/api/v1/services?limit=500", nil, nil, http.StatusOK)
	if err != nil {
		return err
	}
	var list struct {
		Services []struct {
			Code string `json:"code"`
		} `json:"services"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("services: %w", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range list.Services {
		if tryCreate {
			if _, _, err := c.create(ctx, rng, s.Code, "warmup-"+s.Code); err != nil {
				continue
			}
		}
		c.services = append(c.services, s.Code)
	}
	if len(c.services) == 0 {
		return errors.New("no service accepts requests: is the demo data loaded, and is the API key right?")
	}
	return nil
}

type createdReq struct {
	ref      string
	approval bool // an approval is pending: the request cannot be worked on before it
	phone    string
}

// create lodges one request through the API.
func (c *client) create(ctx context.Context, rng *rand.Rand, service, idem string) (createdReq, string, error) {
	phone := nationalPhone(seedPhone(rng.IntN(phonePool)))
	body, _ := json.Marshal(map[string]any{
		"service_code": service,
		"citizen":      map[string]string{"name": firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))], "phone": phone},
		"subject":      subjects[rng.IntN(len(subjects))],
		"description":  descriptions[rng.IntN(len(descriptions))],
	})
	_, data, kind, err := c.do(ctx, "POST", "/api/v1/requests", bytes.NewReader(body), http.Header{
		"Content-Type": {"application/json"}, "Authorization": {"Bearer " + c.key}, "Idempotency-Key": {c.nonce + "-" + idem}}, http.StatusCreated)
	if err != nil {
		return createdReq{}, kind, err
	}
	var out struct {
		Request struct {
			Reference string `json:"reference"`
			Approval  string `json:"approval"`
		} `json:"request"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return createdReq{}, "json", err
	}
	return createdReq{ref: out.Request.Reference, approval: out.Request.Approval == "pending", phone: phone}, "", nil
}

// feeder hands open requests to the status clients: fresh ones from the create clients first,
// then pages of GET /api/v1/requests?status=new.
type feeder struct {
	c      *client
	fresh  chan createdReq
	mu     sync.Mutex
	queue  []createdReq
	seen   map[string]bool
	offset int
	wraps  int
}

func (f *feeder) offer(r createdReq) {
	select {
	case f.fresh <- r:
	default:
	}
}

func (f *feeder) next(ctx context.Context, rec *recorder) (createdReq, error) {
	select {
	case r := <-f.fresh:
		return r, nil
	default:
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.queue) == 0 {
		if err := ctx.Err(); err != nil {
			return createdReq{}, err
		}
		start := time.Now()
		path := fmt.Sprintf("/api/v1/requests?status=new&limit=200&offset=%d", f.offset)
		_, data, kind, err := f.c.do(ctx, "GET", path, nil, http.Header{"Authorization": {"Bearer " + f.c.key}}, http.StatusOK)
		rec.add(opFeed, "", time.Since(start), kind)
		if err != nil {
			return createdReq{}, err
		}
		var page struct {
			Requests []struct {
				Reference string `json:"reference"`
				Approval  string `json:"approval"`
			} `json:"requests"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return createdReq{}, err
		}
		f.offset += 200
		if len(page.Requests) == 0 {
			if f.offset == 200 || f.wraps > 3 {
				return createdReq{}, errors.New("no new requests left to change")
			}
			f.offset, f.wraps = 0, f.wraps+1
		}
		for _, r := range page.Requests {
			if !f.seen[r.Reference] {
				f.seen[r.Reference] = true
				f.queue = append(f.queue, createdReq{ref: r.Reference, approval: r.Approval == "pending"})
			}
		}
	}
	r := f.queue[0]
	f.queue = f.queue[1:]
	return r, nil
}

type statusStep struct{ to, waitingOn string }

var (
	statusPath = []statusStep{{"acknowledged", ""}, {"in_progress", ""}, {"waiting", "citizen"}, {"in_progress", ""}, {"resolved", ""}}
	// While an approval is pending the work cannot start; such a request is acknowledged and closed.
	approvalPath = []statusStep{{"acknowledged", ""}, {"closed", ""}}
)

// inboxFilters rotate on the inbox clients. {phone} and {service} are filled in per request.
var inboxFilters = []struct{ label, query string }{
	{"inbox (open, no filter)", ""},
	{"sla=breached", "sla=breached"},
	{"status=new", "status=new"},
	{"q=<phone>", "q={phone}"},
	{"service=<code>", "service={service}"},
	{"channel=phone", "channel=phone"},
	{"all=1 (every status)", "all=1"},
}

// runLoadTest signs in, warms up and runs the clients for o.Duration.
func runLoadTest(ctx context.Context, o loadOptions) (loadResult, error) {
	m, pc, err := parseMix(o.Mix, o.Clients)
	if err != nil {
		return loadResult{}, err
	}
	base, err := checkLoopback(o.URL)
	if err != nil {
		return loadResult{}, err
	}
	if o.Duration <= 0 {
		return loadResult{}, usagef("--duration must be positive")
	}
	if o.MaxOps <= 0 {
		o.MaxOps = 1 << 62
	}
	c := newClient(base, o.Key, m.total())
	if (m[opCreate] > 0 || m[opStatus] > 0) && o.Key == "" {
		return loadResult{}, usagef("creating requests and finding open ones needs an API key: --key hk_... (huduma apikey create --name load)")
	}
	if m[opStatus] > 0 || m[opInbox] > 0 {
		if err := c.signIn(ctx, o.User, o.Password); err != nil {
			return loadResult{}, err
		}
	}
	if err := c.loadServices(ctx, m[opCreate] > 0); err != nil {
		return loadResult{}, err
	}
	f := &feeder{c: c, fresh: make(chan createdReq, 4096), seen: map[string]bool{}}

	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var ops atomic.Int64
	var wg sync.WaitGroup
	var recs []*recorder
	start := time.Now()
	id := 0
	for _, kind := range []op{opCreate, opStatus, opInbox} {
		for range m[kind] {
			rec := newRecorder()
			recs = append(recs, rec)
			rng := rand.New(rand.NewPCG(o.Seed, uint64(id)))
			w := worker{c: c, f: f, rec: rec, rng: rng, id: id, feedStatus: m[opStatus] > 0}
			id++
			wg.Add(1)
			var every time.Duration // between this client's starts, when paced
			if pc[kind] > 0 {
				every = time.Duration(float64(m[kind]) / pc[kind] * float64(time.Second))
			}
			offset := time.Duration(w.rng.Int64N(int64(max(every, 1)))) // paced clients do not start in step
			go func() {
				defer wg.Done()
				next := time.Now().Add(offset)
				// An operation under way when the time is up runs to its end and counts: cancelling
				// it would show the server an aborted request, not its latency.
				for runCtx.Err() == nil && ops.Add(1) <= o.MaxOps {
					if every > 0 {
						if wait := time.Until(next); wait > 0 {
							select {
							case <-runCtx.Done():
								return
							case <-time.After(wait):
							}
						} else if -wait > every {
							next = time.Now() // fell behind: carry on from now rather than burst
						}
						next = next.Add(every)
					}
					w.step(ctx, kind)
				}
			}()
		}
	}
	if o.Out != nil {
		go progress(runCtx, o.Out, &ops, start)
	}
	wg.Wait()
	el := time.Since(start)
	return loadResult{Mix: m, Pace: pc, Elapsed: el, Series: summarise(recs, m)}, nil
}

func progress(ctx context.Context, out io.Writer, ops *atomic.Int64, start time.Time) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			el := now.Sub(start)
			fmt.Fprintf(out, "  %s: %d operations, %.0f/s\n", el.Round(time.Second), ops.Load(), float64(ops.Load())/el.Seconds())
		}
	}
}

// worker is one client's state.
type worker struct {
	c          *client
	f          *feeder
	rec        *recorder
	rng        *rand.Rand
	id         int
	seq        int
	feedStatus bool

	cur   createdReq // the request being moved along, for status clients
	path  []statusStep
	next  int
	inbox int
}

// step runs one operation and records it. An operation cut short by the end of the run is not
// recorded.
func (w *worker) step(ctx context.Context, kind op) {
	w.seq++
	switch kind {
	case opCreate:
		sv := w.c.services[w.rng.IntN(len(w.c.services))]
		start := time.Now()
		r, errKind, err := w.c.create(ctx, w.rng, sv, fmt.Sprintf("%d-%d", w.id, w.seq))
		if ctx.Err() != nil {
			return
		}
		w.rec.add(opCreate, "", time.Since(start), errKind)
		if err == nil && w.feedStatus {
			w.f.offer(r)
		}
	case opStatus:
		if w.cur.ref == "" || w.next >= len(w.path) {
			r, err := w.f.next(ctx, w.rec)
			if err != nil {
				if ctx.Err() == nil {
					w.rec.add(opStatus, "no open request", 0, "feed")
					time.Sleep(100 * time.Millisecond)
				}
				return
			}
			w.cur, w.next, w.path = r, 0, statusPath
			if r.approval {
				w.path = approvalPath
			}
		}
		s := w.path[w.next]
		w.next++
		v := url.Values{"csrf": {w.c.csrf}, "status": {s.to}}
		if s.waitingOn != "" {
			v.Set("waiting_on", s.waitingOn)
		}
		if s.to == "resolved" || s.to == "waiting" {
			v.Set("message", "Load test: "+s.to+".")
		}
		start := time.Now()
		_, _, errKind, err := w.c.do(ctx, "POST", "/staff/requests/"+w.cur.ref+"/status", strings.NewReader(v.Encode()), http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {w.c.cookie}}, http.StatusSeeOther)
		if ctx.Err() != nil {
			return
		}
		w.rec.add(opStatus, "→ "+s.to, time.Since(start), errKind)
		if err != nil {
			w.next = len(w.path) // refused (someone else moved it?): take the next request
		}
	case opInbox:
		flt := inboxFilters[(w.id+w.inbox)%len(inboxFilters)]
		w.inbox++
		q := strings.ReplaceAll(flt.query, "{phone}", url.QueryEscape(nationalPhone(seedPhone(w.rng.IntN(phonePool)))))
		q = strings.ReplaceAll(q, "{service}", url.QueryEscape(w.c.services[w.rng.IntN(len(w.c.services))]))
		path := "/staff/requests"
		if q != "" {
			path += "?" + q
		}
		start := time.Now()
		_, _, errKind, _ := w.c.do(ctx, "GET", path, nil, http.Header{"Cookie": {w.c.cookie}}, http.StatusOK)
		if ctx.Err() != nil {
			return
		}
		w.rec.add(opInbox, flt.label, time.Since(start), errKind)
	}
}

// memory is a process's memory, as far as known (0: unknown).
type memory struct {
	HeapInuse, HeapPeak, RSS, HWM uint64
	Source                        string
}

// scrapeMemory reads the server's memory from its /metrics (Prometheus Go and process collectors).
func scrapeMemory(ctx context.Context, raw string) memory {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(raw, "/")+"/metrics", nil)
	if err != nil {
		return memory{}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return memory{}
	}
	defer resp.Body.Close()
	m := memory{Source: "server /metrics"}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			m.HeapInuse = uint64(f)
		case "process_resident_memory_bytes":
			m.RSS = uint64(f)
		}
	}
	return m
}
