// Package sim plays a realistic day at Huduma Centres through the real queue code: citizens
// arrive in the morning and after-lunch peaks, take tickets for the services people ask for most,
// some in priority groups; officers at counters call, serve, transfer, and mark no-shows; service
// times spread around each service's usual length. Each centre runs on its own clock, as fast as
// the database allows or at a chosen speed, so that the hall boards and the centre monitors come
// alive for a demonstration and the day's figures can be checked.
package sim

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Options say what day to play.
type Options struct {
	Centres   []string  // centre codes
	Customers int       // per centre (1,000: a Huduma Centre's day)
	Day       time.Time // any instant of the day to play, in any zone; the centre's own date is taken
	Speed     float64   // simulated seconds per wall second; 0: as fast as possible
	Counters  int       // officers per centre (at most the centre's counters); 0: enough for the day
	Seed      uint64
	// Config is the queue's rules (priority allowance, overtakes, recalls).
	Config queue.Config
	// OnCall, if set, is told of each new board call (the hall boards of a server in this process).
	OnCall func(centreID int64)
}

// Report is a centre's day.
type Report struct {
	Centre     string
	Issued     int
	Refused    int // after the cut-off or the close, or over a quota
	Served     int
	Requests   int // not finished on the spot: carried on as service requests
	NoShows    int
	Transfers  int
	AvgWait    time.Duration
	WithinStd  int // calls within the 10-minute standard
	Calls      int
	Counters   int
	OpenedAt   time.Time
	ClosedAt   time.Time
	LastServed time.Time
}

// Run plays the day at every centre at once (each centre's events in order) and reports.
func Run(ctx context.Context, d *db.DB, users *auth.Store, o Options) ([]Report, error) {
	if o.Customers <= 0 {
		o.Customers = 1000
	}
	if o.Day.IsZero() {
		o.Day = time.Now()
	}
	reports := make([]Report, len(o.Centres))
	errs := make([]error, len(o.Centres))
	var wg sync.WaitGroup
	for i, code := range o.Centres {
		wg.Go(func() {
			reports[i], errs[i] = playCentre(ctx, d, users, o, code, uint64(i))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return reports, fmt.Errorf("centre %s: %w", o.Centres[i], err)
		}
	}
	return reports, nil
}

// event kinds, in the order they are handled when they fall at the same instant.
const (
	evArrive = iota
	evFree   // a counter finishes what it is doing and calls the next
	evRecall // a called citizen has not come: call again, or give up
)

type event struct {
	at      time.Time
	kind    int
	counter int
	seq     int
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	if e[i].kind != e[j].kind {
		return e[i].kind < e[j].kind
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// desk is one counter and its officer through the day.
type desk struct {
	officer  queue.Officer
	id       int64
	services []int64 // its work profile
	busy     bool
	ticket   queue.Ticket
	recalls  int
	outcome  string // what the current visit will come to: served, request, transfer, noshow
}

func playCentre(ctx context.Context, d *db.DB, users *auth.Store, o Options, code string, n uint64) (Report, error) {
	var now time.Time
	clock := func() time.Time { return now }
	charters := charter.NewStore(d, clock)
	reqs := requests.NewStore(d, clock, charters, requests.Config{})
	q := queue.NewStore(d, clock, charters, reqs, o.Config)
	if o.OnCall != nil {
		q.OnCall(o.OnCall)
	}
	rep := Report{Centre: code}
	dir, err := charters.Directory(ctx)
	if err != nil {
		return rep, err
	}
	centre, ok := dir.Centre(code)
	if !ok {
		return rep, apperr.New(apperr.NotFound, "No centre with code %q.", code)
	}
	cal, err := charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return rep, err
	}
	open, close, ok := hours(cal, o.Day)
	if !ok {
		return rep, fmt.Errorf("%s is closed on %s", centre.Name, o.Day.In(cal.Location()).Format("Mon 2 Jan 2006"))
	}
	rep.OpenedAt, rep.ClosedAt = open, close
	page, err := charters.Services(ctx, charter.ServiceFilter{CentreCode: code, ActiveOnly: true, Limit: 500})
	if err != nil || len(page.Services) == 0 {
		return rep, fmt.Errorf("the services of %s: %v (%d)", code, err, len(page.Services))
	}
	services := page.Services
	rng := rand.New(rand.NewPCG(o.Seed, n+1))

	// Officers: enough to serve the day (about 7 minutes a customer with the walk to the counter,
	// at 85% of their time), at most the centre's counters.
	staff := o.Counters
	if staff <= 0 {
		staff = int(math.Ceil(float64(o.Customers) * 7.5 / 0.85 / openMinutes(cal, open, close)))
	}
	staff = max(1, min(staff, centre.Counters))
	counters, err := q.Counters(ctx, centre.ID)
	if err != nil {
		return rep, err
	}
	now = open
	desks := make([]*desk, staff)
	for i := range staff {
		u, err := officerAccount(ctx, users, centre, i+1)
		if err != nil {
			return rep, err
		}
		o := queue.Officer{ID: u.ID, Name: u.Name, CentreID: centre.ID}
		// Each counter takes the services of a few agencies, and each service is taken at about
		// half the counters, so that a busy service does not wait on two desks while others idle.
		var profile []int64
		for j, sv := range services {
			if (j+i)%staff < max(1, (staff+1)/2) {
				profile = append(profile, sv.ID)
			}
		}
		if len(profile) == 0 {
			profile = append(profile, services[i%len(services)].ID)
		}
		_ = q.SignOut(ctx, o) // a session left from an earlier run
		if _, err := q.SignIn(ctx, o, counters[i].ID, profile); err != nil {
			return rep, fmt.Errorf("sign in counter %d: %w", counters[i].Number, err)
		}
		desks[i] = &desk{officer: o, id: counters[i].ID, services: profile}
	}
	rep.Counters = staff

	// The day's arrivals, and what each customer asks for.
	arrivals := arrivalTimes(rng, open, close, o.Customers, cal.IsOpen)
	weights := make([]float64, len(services))
	for i := range services {
		weights[i] = 1 / float64(i+2) // a few services are most of the demand
	}
	var h events
	seq := 0
	push := func(at time.Time, kind, counter int) {
		seq++
		heap.Push(&h, event{at: at, kind: kind, counter: counter, seq: seq})
	}
	for _, at := range arrivals {
		push(at, evArrive, 0)
	}
	simStart, wallStart := open, time.Now()
	var waitSum time.Duration
	for h.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		ev := heap.Pop(&h).(event)
		if o.Speed > 0 {
			if wait := time.Duration(float64(ev.at.Sub(simStart))/o.Speed) - time.Since(wallStart); wait > 0 {
				select {
				case <-ctx.Done():
					return rep, ctx.Err()
				case <-time.After(wait):
				}
			}
		}
		now = ev.at
		switch ev.kind {
		case evArrive:
			sv := services[pick(rng, weights)]
			nt := queue.NewTicket{CentreCode: code, ServiceCode: sv.Code, Channel: "kiosk"}
			if rng.Float64() < 0.05 {
				nt.Priority = queue.Priorities[rng.IntN(len(queue.Priorities))]
			}
			if rng.Float64() < 0.4 {
				nt.Phone = fmt.Sprintf("07%08d", rng.IntN(100_000_000))
			}
			if rng.Float64() < 0.1 {
				nt.Channel = "web"
			}
			if _, err := q.Issue(ctx, audit.Actor{Name: "simulated kiosk"}, nt); err != nil {
				if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
					rep.Refused++
					continue
				}
				return rep, err
			}
			rep.Issued++
			for i, dk := range desks { // an idle counter that takes the service calls at once
				if !dk.busy && slices.Contains(dk.services, sv.ID) {
					dk.busy = true // reserved: one call for one arrival
					push(now, evFree, i)
					break
				}
			}
		case evFree:
			dk := desks[ev.counter]
			if dk.busy && dk.ticket.ID != 0 { // finish the visit under way
				if err := finish(ctx, q, rng, dk, services, &rep); err != nil {
					return rep, err
				}
			}
			dk.busy, dk.ticket = false, queue.Ticket{}
			t, err := q.CallNext(ctx, dk.officer, dk.id)
			if apperr.Is(err, apperr.NotFound) {
				continue // nobody waiting for this counter's services: idle until an arrival
			} else if err != nil {
				return rep, err
			}
			dk.busy, dk.ticket, dk.recalls = true, t, 0
			rep.Calls++
			w := now.Sub(t.QueuedAt)
			waitSum += w
			if w <= q.Config().Standard {
				rep.WithinStd++
			}
			if rng.Float64() < 0.03 {
				dk.outcome = "noshow"
				push(now.Add(time.Minute), evRecall, ev.counter)
				continue
			}
			if _, err := q.Start(ctx, dk.officer, dk.id); err != nil {
				return rep, err
			}
			dk.outcome = "served"
			switch r := rng.Float64(); {
			case r < 0.04 && len(services) > 1:
				dk.outcome = "transfer"
			case r < 0.07:
				dk.outcome = "request"
			}
			push(now.Add(serviceTime(rng, t.ServiceCode)), evFree, ev.counter)
		case evRecall:
			dk := desks[ev.counter]
			if dk.recalls < q.Config().MaxRecalls {
				if _, err := q.Recall(ctx, dk.officer, dk.id); err != nil {
					return rep, err
				}
				dk.recalls++
				push(now.Add(time.Minute), evRecall, ev.counter)
				continue
			}
			if _, err := q.NoShow(ctx, dk.officer, dk.id); err != nil {
				return rep, err
			}
			rep.NoShows++
			dk.ticket = queue.Ticket{}
			push(now, evFree, ev.counter)
		}
	}
	for _, dk := range desks {
		_ = q.SignOut(ctx, dk.officer)
	}
	if rep.Calls > 0 {
		rep.AvgWait = waitSum / time.Duration(rep.Calls)
	}
	rep.LastServed = now
	return rep, nil
}

// finish ends the visit at a desk as it was meant to end.
func finish(ctx context.Context, q *queue.Store, rng *rand.Rand, dk *desk, services []charter.Service, rep *Report) error {
	switch dk.outcome {
	case "transfer":
		to := services[rng.IntN(len(services))]
		if to.ID == dk.ticket.ServiceID {
			to = services[(rng.IntN(len(services)-1)+1+indexOf(services, dk.ticket.ServiceID))%len(services)]
		}
		if _, err := q.Transfer(ctx, dk.officer, dk.id, to.Code, 0); err != nil {
			return err
		}
		rep.Transfers++
	case "request":
		if _, _, err := q.Complete(ctx, dk.officer, dk.ticket.ID, queue.Completion{Request: &requests.NewRequest{
			Citizen:     requests.Citizen{Name: "Simulated citizen", Phone: "0700000000"},
			Description: "Documents to follow: to be completed when they are brought."}}); err != nil {
			return err
		}
		rep.Requests++
	default:
		if _, _, err := q.Complete(ctx, dk.officer, dk.ticket.ID, queue.Completion{}); err != nil {
			return err
		}
		rep.Served++
	}
	return nil
}

func indexOf(services []charter.Service, id int64) int {
	for i, sv := range services {
		if sv.ID == id {
			return i
		}
	}
	return 0
}

// officerAccount is the simulated officer at counter n of a centre, made the first time.
func officerAccount(ctx context.Context, users *auth.Store, centre charter.Centre, n int) (auth.User, error) {
	username := fmt.Sprintf("sim.%s.%d", centre.Code, n)
	if u, err := users.UserByUsername(ctx, username); err == nil {
		return u, nil
	}
	return users.CreateUser(ctx, audit.Actor{Name: "simulator"}, auth.NewUser{Username: username,
		Name: fmt.Sprintf("Counter %d officer (simulated)", n), Role: auth.Officer, CentreID: centre.ID,
		Password: fmt.Sprintf("sim-%x", rand.Uint64())})
}

// openMinutes is how long the centre is open between open and close (less any lunch break).
func openMinutes(cal *worktime.Calendar, open, close time.Time) float64 {
	n := 0
	for t := open; t.Before(close); t = t.Add(time.Minute) {
		if cal.IsOpen(t) {
			n++
		}
	}
	return float64(max(n, 60))
}

// hours is a centre's opening and closing on the day of t, in its own zone.
func hours(cal *worktime.Calendar, t time.Time) (open, close time.Time, ok bool) {
	loc := cal.Location()
	y, m, dd := t.In(loc).Date()
	midnight := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	if _, holiday := cal.HolidayOn(worktime.Date{Year: y, Month: m, Day: dd}); holiday {
		return open, close, false
	}
	first, last := -1, -1
	for _, w := range cal.Windows() {
		if w.Day != midnight.Weekday() {
			continue
		}
		if first < 0 || w.Start < first {
			first = w.Start
		}
		last = max(last, w.End)
	}
	if first < 0 {
		return open, close, false
	}
	return midnight.Add(time.Duration(first) * time.Minute), midnight.Add(time.Duration(last) * time.Minute), true
}

// arrivalTimes draws n arrivals over the opening hours (none while the centre is closed, over a
// lunch break): a morning peak, a lull, a smaller peak after lunch, and a quiet last hour.
func arrivalTimes(rng *rand.Rand, open, close time.Time, n int, isOpen func(time.Time) bool) []time.Time {
	span := close.Sub(open)
	density := func(f float64) float64 { // f: the share of the day gone
		return 0.6 + 1.2*math.Exp(-math.Pow((f-0.2)/0.12, 2)) + 0.7*math.Exp(-math.Pow((f-0.62)/0.1, 2)) - 0.4*max(0, f-0.85)/0.15
	}
	out := make([]time.Time, 0, n)
	for len(out) < n { // rejection sampling under a bound of the density
		f := rng.Float64()
		if at := open.Add(time.Duration(f * float64(span))).Truncate(time.Second); rng.Float64()*2.0 < density(f) && isOpen(at) {
			out = append(out, at)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// serviceTime draws a visit's length at the counter: each service has its usual length (4 to 9
// minutes, fixed by its code), spread as service times are (log-normal).
func serviceTime(rng *rand.Rand, code string) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(code))
	mean := 4 + float64(h.Sum32()%6)
	const sigma = 0.45
	mu := math.Log(mean) - sigma*sigma/2
	return time.Duration(math.Exp(mu+sigma*rng.NormFloat64()) * float64(time.Minute)).Truncate(time.Second)
}

func pick(rng *rand.Rand, weights []float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	x := rng.Float64() * sum
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}
