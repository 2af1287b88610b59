// Package complaints holds complaints and compliments: lodged on the web, at the counter, by
// phone, e-mail, SMS or through the API; owned by the centre's manager — or, for a report of a
// request for a bribe, by the integrity officers and nobody else —; answered against a deadline on
// the centre's working calendar with an escalation ladder on durable jobs; closed only once the
// complainant has been told the action taken, and confirmed or reopened by the complainant.
// Compliments are recorded and reach the officer they name.
package complaints

import (
	"slices"
	"time"
)

// Kinds.
const (
	KindComplaint  = "complaint"
	KindCompliment = "compliment"
)

// Categories of a complaint (a compliment has none).
const (
	Delay            = "delay"
	StaffConduct     = "staff_conduct"
	Bribe            = "bribe" // a request for a bribe: goes to the integrity officers only
	WrongInformation = "wrong_information"
	Facilities       = "facilities"
	Other            = "other"
)

// Categories lists every category, in the order forms show them.
var Categories = []string{Delay, StaffConduct, Bribe, WrongInformation, Facilities, Other}

// Channels a complaint can come in by; StaffChannels are the ones staff record for a citizen.
var (
	Channels      = []string{"web", "counter", "phone", "email", "sms", "api"}
	StaffChannels = []string{"counter", "phone", "email", "sms"}
)

// ToldVia is how the complainant was told the action taken. Anonymous complainants are told
// through their tracking page.
var ToldVia = []string{"sms", "email", "phone", "in_person", "letter", "tracking_page"}

// Owners.
const (
	OwnerCentre    = "centre"    // the centre's manager
	OwnerIntegrity = "integrity" // the integrity officers: reports of a request for a bribe
)

// Status is where a complaint stands.
type Status string

const (
	New        Status = "new"
	InProgress Status = "in_progress"
	Answered   Status = "answered"
	Closed     Status = "closed"
	Reopened   Status = "reopened"
	Recorded   Status = "recorded" // a compliment: nothing to answer
)

// Statuses of complaints, in lifecycle order.
var Statuses = []Status{New, InProgress, Answered, Closed, Reopened}

// Open reports whether a complaint still needs an answer (its clock runs).
func (s Status) Open() bool { return s == New || s == InProgress || s == Reopened }

// Complaint is a complaint or a compliment.
type Complaint struct {
	ID          int64
	Reference   string
	Kind        string
	Category    string
	Channel     string
	CentreID    int64
	CentreCode  string
	CentreName  string
	CalendarID  int64
	AgencyID    int64
	AgencyCode  string
	ServiceID   int64
	ServiceName string
	OfficerID   int64
	Officer     string // the officer's name, when it is about an account
	OfficerText string // the citizen's own words for the officer
	TicketID    int64
	RequestID   int64
	RequestRef  string
	Description string
	Anonymous   bool
	Contact     Contact
	Owner       string
	AssigneeID  int64
	Assignee    string
	Status      Status

	DueAt       *time.Time
	WarnAt      *time.Time
	Escalation  int
	ActionTaken string
	AnsweredAt  *time.Time
	ToldAt      *time.Time
	ToldVia     string

	ReferredEACCAt      *time.Time
	EACCReference       string
	ReferredOmbudsmanAt *time.Time
	OmbudsmanReference  string

	ConfirmedAt *time.Time
	Reopens     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    *time.Time
}

// Contact is how to answer the complainant. Personal data: shown to those handling the complaint
// and to the complainant.
type Contact struct {
	Name  string
	Phone string // E.164, +2547XXXXXXXX
	Email string
}

// Integrity reports whether the complaint is for the integrity officers only.
func (c Complaint) Integrity() bool { return c.Owner == OwnerIntegrity }

// Overdue reports whether an open complaint has passed its deadline at now.
func (c Complaint) Overdue(now time.Time) bool {
	return c.Status.Open() && c.DueAt != nil && now.After(*c.DueAt)
}

// AtRisk reports whether an open complaint has passed its warning point at now, not its deadline.
func (c Complaint) AtRisk(now time.Time) bool {
	return c.Status.Open() && c.WarnAt != nil && !now.Before(*c.WarnAt) && !c.Overdue(now)
}

// CanConfirm reports whether the complainant may confirm or reopen it: they have been told
// the action taken, and have not confirmed it yet.
func (c Complaint) CanConfirm() bool {
	return c.Kind == KindComplaint && c.ConfirmedAt == nil && (c.Status == Answered || c.Status == Closed)
}

// Event is one line of a complaint's history.
type Event struct {
	ID      int64
	At      time.Time
	ActorID int64
	Actor   string
	Kind    string // created, assigned, note, answered, closed, confirmed, reopened, referred, escalated, sla, officer
	Public  bool   // shown on the tracking page
	Body    string
	Data    map[string]string
}

func validCategory(c string) bool { return slices.Contains(Categories, c) }
