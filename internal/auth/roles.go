// Package auth holds staff accounts, their roles and scopes, passwords and sessions.
//
// Roles follow the people in DESIGN.md: an officer serves at a counter of one centre; a centre
// manager runs one centre; an agency admin owns one agency's services and charter; a national admin
// (the secretariat) runs everything; an auditor (Ombudsman, anti-corruption) reads but never changes.
package auth

import "slices"

// Role is a staff member's role.
type Role string

const (
	Officer       Role = "officer"
	CentreManager Role = "centre_manager"
	AgencyAdmin   Role = "agency_admin"
	NationalAdmin Role = "national_admin"
	Auditor       Role = "auditor"
)

// Roles lists every role, lowest privilege first.
var Roles = []Role{Officer, CentreManager, AgencyAdmin, NationalAdmin, Auditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission is something a route needs. Scope (which agency or centre) is checked separately,
// against the record being touched.
type Permission string

const (
	// Public: anyone, signed in or not.
	Public Permission = "public"
	// SignedIn: any active staff account.
	SignedIn Permission = "signed_in"
	// APIKeyHolder: a system presenting a valid API key (huduma apikey create); no session.
	APIKeyHolder Permission = "api_key"
	// ManageAgencies: create agencies and edit any of them (the secretariat).
	ManageAgencies Permission = "agencies.manage"
	// EditOwnAgency: edit an agency's details — national admins any, agency admins their own.
	EditOwnAgency Permission = "agency.edit"
	// ManageCentres: create centres and edit any of them.
	ManageCentres Permission = "centres.manage"
	// EditOwnCentre: edit a centre's details and offered services — national admins any, centre managers their own.
	EditOwnCentre Permission = "centre.edit"
	// ManageServices: create and edit services — national admins any, agency admins their agency's.
	ManageServices Permission = "services.manage"
	// EditCharter: edit a charter — national admins any, agency admins their agency's, centre managers their centre's.
	EditCharter Permission = "charter.edit"
	// ManageHolidays: enter and remove holidays (they move every deadline in the country).
	ManageHolidays Permission = "holidays.manage"
	// ViewAudit: browse the audit trail — national admins and auditors all of it, agency admins and
	// centre managers their own scope.
	ViewAudit Permission = "audit.view"
	// ViewHolidays: see the holiday list in the admin area.
	ViewHolidays Permission = "holidays.view"
	// ViewRequests: read service requests in scope (auditors read all, with personal data masked).
	ViewRequests Permission = "requests.view"
	// HandleRequests: open requests for citizens, change status, reply, assign, refer — in scope.
	HandleRequests Permission = "requests.handle"
	// ApproveRequests: decide on requests whose service needs approval — in scope.
	ApproveRequests Permission = "requests.approve"
	// ServeCounter: sign in at a counter of one's centre and call, serve and transfer tickets.
	ServeCounter Permission = "queue.serve"
	// MonitorQueue: watch a centre's queues live — centre managers their own, the secretariat and
	// auditors all.
	MonitorQueue Permission = "queue.monitor"
	// ManageQueue: stop and resume tickets for a service, set quotas and cut-offs — in scope.
	ManageQueue Permission = "queue.manage"
	// ViewComplaints: read complaints and compliments — centre managers their centre's, agency
	// admins their agency's, the secretariat and auditors all; reports of a request for a bribe only
	// integrity officers, whatever their role (CanComplaint).
	ViewComplaints Permission = "complaints.view"
	// HandleComplaints: take, answer, refer and close complaints — in scope, as ViewComplaints.
	HandleComplaints Permission = "complaints.handle"
	// LodgeComplaints: lodge a complaint or a compliment for a citizen at the counter, by phone,
	// e-mail or SMS.
	LodgeComplaints Permission = "complaints.lodge"
	// ViewQuality: read the quality measures (CSAT, happiness index) — centre managers their centre's,
	// agency admins their agency's, the secretariat and auditors all.
	ViewQuality Permission = "quality.view"
	// ManageUsers: add, edit, disable and re-enable staff accounts and send password resets — the
	// secretariat everyone, agency admins their agency's staff, centre managers their centre's
	// officers; what each may grant is CanManageUser and GrantErrors (staff_scope.go).
	ManageUsers Permission = "users.manage"
)

// grants says which roles hold each permission. Public and SignedIn are handled by the middleware.
var grants = map[Permission][]Role{
	ManageAgencies:   {NationalAdmin},
	EditOwnAgency:    {NationalAdmin, AgencyAdmin},
	ManageCentres:    {NationalAdmin},
	EditOwnCentre:    {NationalAdmin, CentreManager},
	ManageServices:   {NationalAdmin, AgencyAdmin},
	EditCharter:      {NationalAdmin, AgencyAdmin, CentreManager},
	ManageHolidays:   {NationalAdmin},
	ViewHolidays:     {NationalAdmin, AgencyAdmin, CentreManager, Auditor},
	ViewAudit:        {NationalAdmin, Auditor, AgencyAdmin, CentreManager},
	ViewRequests:     {Officer, CentreManager, AgencyAdmin, NationalAdmin, Auditor},
	HandleRequests:   {Officer, CentreManager, AgencyAdmin, NationalAdmin},
	ApproveRequests:  {CentreManager, AgencyAdmin, NationalAdmin},
	ServeCounter:     {Officer, CentreManager},
	MonitorQueue:     {CentreManager, NationalAdmin, Auditor},
	ManageQueue:      {CentreManager, NationalAdmin},
	ViewComplaints:   {CentreManager, AgencyAdmin, NationalAdmin, Auditor},
	HandleComplaints: {CentreManager, AgencyAdmin, NationalAdmin},
	LodgeComplaints:  {Officer, CentreManager, AgencyAdmin, NationalAdmin},
	ViewQuality:      {CentreManager, AgencyAdmin, NationalAdmin, Auditor},
	ManageUsers:      {NationalAdmin, AgencyAdmin, CentreManager},
}

// Can reports whether the user's role holds p. It does not check scope: see CanAgency and CanCentre.
func (u User) Can(p Permission) bool {
	switch p {
	case Public:
		return true
	case SignedIn:
		return u.ID != 0 && u.Active
	case APIKeyHolder:
		return false // keys are not users: the guard checks the key itself
	case ViewComplaints, HandleComplaints:
		if u.IntegrityOfficer { // the duty brings the complaint screens, for bribe reports
			return u.ID != 0 && u.Active
		}
	}
	return u.ID != 0 && u.Active && slices.Contains(grants[p], u.Role)
}

// CanAgency reports whether the user may act on agency agencyID with permission p.
func (u User) CanAgency(p Permission, agencyID int64) bool {
	if !u.Can(p) {
		return false
	}
	switch u.Role {
	case NationalAdmin, Auditor:
		return true
	case AgencyAdmin:
		return u.AgencyID == agencyID
	}
	return false
}

// CanCentre reports whether the user may act on centre centreID with permission p.
func (u User) CanCentre(p Permission, centreID int64) bool {
	if !u.Can(p) {
		return false
	}
	switch u.Role {
	case NationalAdmin, Auditor:
		return true
	case CentreManager, Officer:
		return u.CentreID == centreID
	}
	return false
}

// CanRequest reports whether the user may act with p on a request handled at centreID for
// agencyID: centre staff at their centre, agency admins for their agency, the secretariat and
// auditors everywhere. A referring centre keeps sight of what it referred (referredFrom).
func (u User) CanRequest(p Permission, centreID, agencyID, referredFrom int64) bool {
	if !u.Can(p) {
		return false
	}
	switch u.Role {
	case NationalAdmin, Auditor:
		return true
	case AgencyAdmin:
		return u.AgencyID == agencyID || (referredFrom != 0 && u.AgencyID == referredFrom)
	case CentreManager, Officer:
		return u.CentreID == centreID
	}
	return false
}

// CanComplaint reports whether the user may act with p (ViewComplaints or HandleComplaints) on a
// complaint about centreID for agencyID (0 for none). A report of a request for a bribe
// (integrity) is for integrity officers only, whatever their role: centre managers, officers and
// national admins without the duty never see it (Data Protection Act 2019, and the reporter's
// safety). The rest: centre managers their centre's, agency admins their agency's, the secretariat
// everything, auditors (integrity officers among them) read everything.
func (u User) CanComplaint(p Permission, integrity bool, centreID, agencyID int64) bool {
	if u.ID == 0 || !u.Active {
		return false
	}
	if integrity {
		return u.IntegrityOfficer && (p == ViewComplaints || p == HandleComplaints)
	}
	if !slices.Contains(grants[p], u.Role) {
		return false
	}
	switch u.Role {
	case NationalAdmin, Auditor:
		return true
	case AgencyAdmin:
		return agencyID != 0 && u.AgencyID == agencyID
	case CentreManager:
		return u.CentreID == centreID
	}
	return false
}

// SeesPersonalData reports whether the user is shown citizens' contact details on requests they
// may read: everyone who handles requests, not oversight (Data Protection Act 2019: minimisation).
func (u User) SeesPersonalData() bool { return u.Can(HandleRequests) }

// SeesAllAudit reports whether the user reads the whole audit trail rather than their own scope.
func (u User) SeesAllAudit() bool { return u.Role == NationalAdmin || u.Role == Auditor }
