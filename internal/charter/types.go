// Package charter holds Huduma's charters as data: the agencies that serve, the centres where they
// serve, the services they offer (requirements, cost, committed timeline, channels), the published
// charters that bind them, and the working calendars and holidays that every deadline is computed
// against. It owns its types, its rules and its SQL.
package charter

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Agency kinds, as in the Kenyan public service.
var AgencyKinds = []string{"ministry", "state_department", "agency", "county_department"}

// Centre kinds: a Huduma Centre (many agencies at one place) or a county office (one department).
var CentreKinds = []string{"huduma_centre", "county_office"}

// Channels a service may be offered on.
var Channels = []string{"counter", "web", "ussd", "sms", "phone", "email", "help_desk"}

// Agency is a ministry, department, agency or county department that offers services.
type Agency struct {
	ID        int64
	Code      string
	Name      string
	NameSw    string
	Kind      string
	County    string
	Email     string
	Phone     string
	Address   string
	Demo      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Centre is a place where citizens are served: a Huduma Centre or a county office.
type Centre struct {
	ID           int64
	Code         string
	Name         string
	Kind         string
	County       string
	Address      string
	CalendarID   int64
	CalendarName string
	Counters     int
	AgencyID     int64 // the department running a county office; 0 for a Huduma Centre
	AgencyCode   string
	Demo         bool
	ServiceCount int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Cost kinds.
const (
	CostFree   = "free"
	CostAmount = "amount"
	CostText   = "text"
)

// Cost is what a service costs the citizen: free, an amount in KES, or the charter's own words
// ("as per contract"). Amounts are whole cents to keep money exact.
type Cost struct {
	Kind  string
	Cents int64
	Text  string
}

// KES formats an amount as "KES 1,050" (or "KES 1,050.50").
func (c Cost) KES() string {
	whole, cents := c.Cents/100, c.Cents%100
	s := fmt.Sprintf("%d", whole)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if cents != 0 {
		return fmt.Sprintf("KES %s.%02d", s, cents)
	}
	return "KES " + s
}

// Timeline kinds.
const (
	TimelineDuration   = "duration"
	TimelineContinuous = "continuous"
	TimelineText       = "text"
)

// Timeline is a service's committed time: a working duration such as "30m" or "10d" (from which
// deadlines are computed), "continuous", or only the charter's words. Text keeps the charter's own
// wording for display ("Within 10 working days.").
type Timeline struct {
	Kind string
	Span string
	Text string
}

// Service is one row of a charter's service matrix.
type Service struct {
	ID           int64
	Code         string
	AgencyID     int64
	AgencyCode   string
	AgencyName   string
	Position     int
	Name         string
	NameSw       string
	Description  string
	Requirements []string
	Cost         Cost
	Timeline     Timeline
	Channels     []string
	Demo         bool
	Active       bool
	// RequiresApproval: a request waits for an approver before work starts (the Kakamega website
	// update needs the communication department's approval).
	RequiresApproval bool
	// ResponseTimeline is the first-response commitment ("10m"); "" means Huduma's default.
	ResponseTimeline string
	// AllowAnonymous: the service takes requests through Open311 without a name or a contact,
	// as generic Open311 apps send them; nobody is told what becomes of such a request.
	AllowAnonymous bool
	// Fields are what the request form asks beyond name, phone and description.
	Fields    []Field
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Field is one extra question on a service's request form; Open311 calls it an attribute.
type Field struct {
	Code     string `json:"code"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// fieldList stores []Field as JSON text.
type fieldList []Field

func (l fieldList) Value() (driver.Value, error) { return jsonValue([]Field(l)) }

func (l *fieldList) Scan(src any) error { return scanJSON(src, (*[]Field)(l)) }

// Charter is a published service charter of an agency or of a centre.
type Charter struct {
	ID                int64
	AgencyID          int64
	CentreID          int64
	OwnerCode         string // the agency's or centre's code
	OwnerName         string
	Title             string
	Preamble          string
	Vision            string
	Mission           string
	Mandate           string
	CoreValues        []string
	CoreFunctions     []string
	Legislation       []string
	Commitments       []string
	Clients           []string
	Standards         []string
	Conduct           []string
	ClientObligations []string
	ClientRights      []string
	WorkingHours      string
	MatrixNote        string
	Complaints        string
	Closing           string
	Published         bool
	Demo              bool
	UpdatedAt         time.Time
}

// Calendar is a stored working calendar: a time zone and weekly windows. Holidays are separate.
type Calendar struct {
	ID       int64
	Code     string
	Name     string
	TimeZone string
	Windows  []WindowJSON
}

// WindowJSON is one weekly working window as stored: day 0 = Sunday, times "HH:MM".
type WindowJSON struct {
	Day   int    `json:"day"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// Holiday is a holiday an admin entered. CalendarID 0 means it applies to every calendar.
type Holiday struct {
	ID            int64
	CalendarID    int64
	CalendarName  string
	Day           string // YYYY-MM-DD
	Name          string
	GazetteNotice string
	CreatedAt     time.Time
}

// stringList stores a []string as a JSON array in a text column.
type stringList []string

func (l stringList) Value() (driver.Value, error) { return jsonValue([]string(l)) }

func (l *stringList) Scan(src any) error { return scanJSON(src, (*[]string)(l)) }

// jsonValue writes a list column: an empty list for nil, so the column is never NULL.
func jsonValue[T any](list []T) (driver.Value, error) {
	if list == nil {
		return "[]", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// scanJSON reads a list column written by jsonValue (NULL or empty text reads as nil).
func scanJSON[T any](src any, dst *[]T) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
	default:
		return fmt.Errorf("list column: cannot scan %T", src)
	}
	*dst = nil
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("list column: %w", err)
	}
	return nil
}
