// Package demo holds Huduma's starting data as plain Go values: two county ICT charters
// transcribed from the seed documents (Kakamega, Narok; Demo false) and an illustrative
// network of Huduma Centres with a multi-agency service catalogue (Demo true).
//
// The loader maps these values into the database; this package has no dependencies and
// no shared mutable state: every call to Load builds the data afresh.
package demo

// Data is everything Load returns.
type Data struct {
	Agencies []Agency
	Centres  []Centre
	Services []Service
	Charters []Charter
}

// Agency is a ministry, state department, agency or county department.
type Agency struct {
	Code, Name, NameSw, Kind, County, Email, Phone, Address string // Kind: "ministry", "state_department", "agency", "county_department"
	Demo                                                    bool
}

// Centre is a place where citizens are served.
type Centre struct {
	Code, Name, Kind, County, Address string // Kind: "huduma_centre" or "county_office"
	Counters                          int
	AgencyCode                        string   // only for a county office: the county department running it
	Services                          []string // service codes offered there
	Demo                              bool
}

// Service is one row of a charter's service matrix.
type Service struct {
	Code, AgencyCode          string
	Position                  int
	Name, NameSw, Description string
	Requirements              []string
	CostKind                  string   // "free", "amount", "text"
	CostCents                 int64    // KES amount in cents when CostKind == "amount"
	CostText                  string   // verbatim cost text when CostKind == "text" (empty text = the charter states no cost)
	TimelineKind              string   // "duration", "continuous", "text"
	Timeline                  string   // a working duration when TimelineKind == "duration": "10m", "30m", "1h", "1d", "2d", "10d", "4w", "6w"
	TimelineText              string   // the charter's own words, e.g. "Within 10 working days."
	Channels                  []string // from: "counter", "web", "ussd", "sms", "phone", "email", "help_desk"
	Demo                      bool     // true for invented demo values; false for rows transcribed from a seed charter
	// RequiresApproval: the charter makes a prior approval a requirement (a written approved request).
	RequiresApproval bool
}

// Charter is a published service charter of an agency or of a centre.
type Charter struct {
	AgencyCode, CentreCode                                                                                            string // exactly one set
	Title, Preamble, Vision, Mission, Mandate                                                                         string
	CoreValues, CoreFunctions, Legislation, Commitments, Clients, Standards, Conduct, ClientObligations, ClientRights []string
	WorkingHours, MatrixNote, Complaints, Closing                                                                     string
	Demo                                                                                                              bool
}

// Load returns the demo data. Each call builds new values, so callers may modify what they get.
func Load() Data {
	var d Data
	for _, part := range []Data{kakamega(), narok(), huduma()} {
		d.Agencies = append(d.Agencies, part.Agencies...)
		d.Centres = append(d.Centres, part.Centres...)
		d.Services = append(d.Services, part.Services...)
		d.Charters = append(d.Charters, part.Charters...)
	}
	return d
}

// codesOf lists the codes of services, in order.
func codesOf(services []Service) []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.Code
	}
	return out
}
