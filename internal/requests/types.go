// Package requests holds service requests: intake from every channel, their lifecycle and history,
// the SLA clock taken from the service's charter timeline and the handling centre's calendar,
// assignment, referral between agencies, approvals and the escalation ladder.
package requests

import (
	"time"
)

// Status is where a request stands.
type Status string

const (
	New          Status = "new"
	Acknowledged Status = "acknowledged"
	InProgress   Status = "in_progress"
	Waiting      Status = "waiting"
	Resolved     Status = "resolved"
	Closed       Status = "closed"
	Reopened     Status = "reopened"
)

// Statuses in lifecycle order.
var Statuses = []Status{New, Acknowledged, InProgress, Waiting, Resolved, Closed, Reopened}

// Open reports whether the request still has work to do (the SLA clock matters).
func (s Status) Open() bool { return s != Resolved && s != Closed }

// transitions says which status may follow which. Resolving straight from new is allowed: many
// counter requests are done on the spot.
var transitions = map[Status][]Status{
	New:          {Acknowledged, InProgress, Waiting, Resolved, Closed},
	Acknowledged: {InProgress, Waiting, Resolved, Closed},
	InProgress:   {Waiting, Resolved, Closed},
	Waiting:      {InProgress, Resolved, Closed},
	Resolved:     {Closed, Reopened},
	Closed:       {Reopened},
	Reopened:     {InProgress, Waiting, Resolved, Closed},
}

// CanBecome reports whether a request in status s may move to next.
func (s Status) CanBecome(next Status) bool {
	for _, n := range transitions[s] {
		if n == next {
			return true
		}
	}
	return false
}

// Next lists the statuses s may move to.
func (s Status) Next() []Status { return transitions[s] }

// Channels a request can come in by.
var Channels = []string{"web", "counter", "walk_in", "phone", "email", "letter", "social_media", "api", "open311", "ussd", "sms"}

// StaffChannels are the ones staff record when they open a request on a citizen's behalf.
var StaffChannels = []string{"counter", "walk_in", "phone", "email", "letter", "social_media"}

// Waiting reasons: whose move it is while the clock stands still.
var WaitingOn = []string{"citizen", "vendor", "agency"}

// SLA states, as shown beside every request.
type SLAState string

const (
	OnTrack  SLAState = "on_track"
	AtRisk   SLAState = "at_risk"
	Breached SLAState = "breached"
	Paused   SLAState = "paused"
	Met      SLAState = "met"
	NoSLA    SLAState = "none"
)

// Request is a service request.
type Request struct {
	ID           int64
	Reference    string
	ServiceID    int64
	ServiceCode  string
	ServiceName  string
	CentreID     int64
	CentreCode   string
	CentreName   string
	CalendarID   int64 // the handling centre's calendar: every deadline is on it
	AgencyID     int64
	AgencyCode   string
	Channel      string
	Status       Status
	WaitingOn    string
	Approval     string
	Citizen      Citizen
	Subject      string
	Description  string
	Fields       map[string]string
	Latitude     *float64
	Longitude    *float64
	Address      string
	MediaURL     string // the picture's address an Open311 client sent; "" for none
	AssigneeID   int64
	Assignee     string
	ParentID     int64
	MergedInto   int64
	ReferredFrom int64

	ResponseDue   *time.Time
	WarnAt        *time.Time
	ResolutionDue *time.Time
	RespondedAt   *time.Time
	ResolvedAt    *time.Time
	ClosedAt      *time.Time
	PausedAt      *time.Time
	Escalation    int

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Citizen is who asked. Personal data: shown to the staff handling the request and to the citizen.
type Citizen struct {
	Name     string
	Phone    string // E.164, +2547XXXXXXXX
	Email    string
	IDNumber string
}

// AnonymousName is the citizen's name on an anonymous Open311 report (a service that allows
// them, and no name given). The column must not be empty; a dash reads as "nobody" in both
// languages wherever a name is listed, and screens that show one request say it in words.
const AnonymousName = "—"

// Anonymous says whether the request came without a name (an anonymous Open311 report).
func (r Request) Anonymous() bool { return r.Citizen.Name == AnonymousName }

// SLA reports the request's SLA state at now.
func (r Request) SLA(now time.Time) SLAState {
	switch {
	case r.ResolutionDue == nil:
		return NoSLA
	case !r.Status.Open():
		if r.ResolvedAt != nil && !r.ResolvedAt.After(*r.ResolutionDue) {
			return Met
		}
		return Breached
	case r.PausedAt != nil:
		return Paused
	case now.After(*r.ResolutionDue):
		return Breached
	case r.WarnAt != nil && !now.Before(*r.WarnAt):
		return AtRisk
	}
	return OnTrack
}

// Event is one line of a request's history.
type Event struct {
	ID        int64
	RequestID int64
	At        time.Time
	ActorID   int64
	Actor     string
	Kind      string // created, status, assigned, note, reply, referred, escalated, approval, attachment, linked, merged, sla
	Public    bool   // shown to the citizen on the tracking page
	Body      string
	Data      map[string]string
}

// Attachment is a file on a request.
type Attachment struct {
	ID          int64
	RequestID   int64
	Filename    string
	ContentType string
	Size        int
	SHA256      string
	Public      bool
	CreatedAt   time.Time
}
