// Package queue runs a Huduma Centre's walk-in queues: tickets from the kiosk, the web and the
// API, the officers at counters who call them, and what the hall boards show. Tickets live in the
// database, so a restart loses nobody's place; each centre's day starts and ends in its own zone.
package queue

import (
	"time"
)

// Status is where a ticket stands.
type Status string

const (
	Waiting   Status = "waiting"   // in the hall
	Called    Status = "called"    // shown on the board, the citizen walking to the counter
	Serving   Status = "serving"   // at the counter
	Parked    Status = "parked"    // set aside at a counter (fetching a file), to resume
	Done      Status = "done"      // served, transferred on, or sent on as a service request
	NoShow    Status = "no_show"   // called and recalled, never came
	Cancelled Status = "cancelled" // withdrawn by the citizen
)

// Priority groups the law puts first (Persons with Disabilities Act; the Constitution's art. 57
// on older members of society): recorded on the ticket and in the audit trail.
var Priorities = []string{"disability", "elderly", "expectant", "infant"}

// Channels a ticket can come from.
var Channels = []string{"kiosk", "web", "sms", "ussd", "counter", "appointment", "api"}

// Outcomes of a finished ticket.
const (
	OutcomeServed      = "served"
	OutcomeTransferred = "transferred"
	OutcomeRequest     = "request" // not finished on the spot: a service request carries it on
	OutcomeNotServed   = "not_served"
)

// Ticket is one leg of a visit.
type Ticket struct {
	ID            int64
	CentreID      int64
	CentreCode    string
	ServiceID     int64
	ServiceCode   string
	ServiceName   string
	ServiceNameSw string
	Day           string // the centre's local date
	Number        string // A042
	Leg           int    // 1, then 2 after a transfer, ...
	JourneyID     int64  // the visit: the first leg's id
	Status        Status
	Priority      string
	Channel       string
	Phone         string // personal data: shown to the centre's staff only
	ArrivedAt     time.Time
	QueuedAt      time.Time
	RankAt        time.Time
	CounterOnly   int64 // a transfer to one counter: only it calls the ticket
	CalledAt      *time.Time
	Recalls       int
	CounterID     int64
	CounterNumber int
	OfficerID     int64
	ServedAt      *time.Time
	DoneAt        *time.Time
	Outcome       string
	RequestID     int64
}

// Open reports whether the ticket is still in the centre's hands.
func (t Ticket) Open() bool {
	return t.Status == Waiting || t.Status == Called || t.Status == Serving || t.Status == Parked
}

// Settings is how a centre's queue runs one service.
type Settings struct {
	CentreID           int64
	ServiceID          int64
	Prefix             string
	DailyQuota         int    // 0: none
	Cutoff             string // "HH:MM" local; "" none
	MinutesPerCustomer int    // the estimate before service times are measured
	SlotMinutes        int    // appointments: a slot's length
	SlotCapacity       int    // appointments a slot takes; 0: none for this service here
	PausedAt           *time.Time
	PauseReason        string
}

// Counter is a service point in a centre's hall.
type Counter struct {
	ID       int64
	CentreID int64
	Number   int
	Label    string
}

// Session is an officer signed in at a counter with a work profile.
type Session struct {
	ID         int64
	CounterID  int64
	Counter    int // its number
	CentreID   int64
	UserID     int64
	UserName   string
	Services   []int64
	StartedAt  time.Time
	EndedAt    *time.Time
	CurrentID  int64 // the ticket called or being served there, 0 if none
	CurrentNum string
}

// Estimate is a waiting ticket's place and expected wait.
type Estimate struct {
	Position int // 1: next to be called for its service
	Counters int // open counters that take its service
	// Low and High bound the expected wait; Known is false when no open counter takes the
	// service (the board says "unknown" rather than a number nobody can promise).
	Low, High time.Duration
	Known     bool
}

// Call is one line of the hall board: a ticket called (or called again) to a counter.
type Call struct {
	ID            int64
	TicketID      int64
	Number        string
	CounterNumber int
	Kind          string // call or recall
	At            time.Time
}
