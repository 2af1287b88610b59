package auth

import "slices"

// Who may manage which staff account, and grant what: the one place these rules live. The
// /admin/users screens, the list query (StaffFilter) and the store's writes all ask here.
//
//   - The national admin (the secretariat) manages every account and may grant any role, scope
//     or duty.
//   - An agency admin manages the staff of their agency: accounts whose agency is theirs, and the
//     officers and managers of the centres their agency runs (a county's own offices). They may
//     grant officer, centre manager (only at a centre their agency runs) and agency admin of
//     their own agency — never national admin or auditor, never another agency.
//   - A centre manager manages the officers of their centre, and may make officers of it only.
//   - Nobody manages their own account here (a slip must not lock its author out, or let anyone
//     raise themselves): their own details are on /account. The integrity officer's duty (it
//     receives corruption reports) is the national admin's alone to give or take.

// Staff is an account as the administration screens see it: the user, the agency that runs
// their centre (0 for a Huduma Centre, run by the secretariat), and where the account stands.
type Staff struct {
	User
	CentreRunBy int64 // the agency that runs the user's centre; 0 for none or a Huduma Centre
	CentreName  string
	AgencyName  string
	Invited     bool // no password yet: the invitation has not been taken up
}

// agencyGrantable are the roles an agency admin may hold sway over.
var agencyGrantable = []Role{Officer, CentreManager, AgencyAdmin}

// staffScope is the set of accounts a user manages, as the list query applies it.
type staffScope struct {
	none     bool   // manages nobody
	all      bool   // manages everyone
	agencyID int64  // accounts of this agency, or at centres it runs
	centreID int64  // accounts at this centre
	roles    []Role // ... holding one of these roles
}

func (u User) staffScope() staffScope {
	if !u.Can(ManageUsers) {
		return staffScope{none: true}
	}
	switch u.Role {
	case NationalAdmin:
		return staffScope{all: true}
	case AgencyAdmin:
		if u.AgencyID != 0 {
			return staffScope{agencyID: u.AgencyID, roles: agencyGrantable}
		}
	case CentreManager:
		if u.CentreID != 0 {
			return staffScope{centreID: u.CentreID, roles: []Role{Officer}}
		}
	}
	return staffScope{none: true}
}

// covers reports whether the account t lies within the scope.
func (sc staffScope) covers(t Staff) bool {
	switch {
	case sc.none:
		return false
	case sc.all:
		return true
	case !slices.Contains(sc.roles, t.Role):
		return false
	case sc.agencyID != 0:
		return t.AgencyID == sc.agencyID || (t.CentreRunBy == sc.agencyID && (t.Role == Officer || t.Role == CentreManager))
	case sc.centreID != 0:
		return t.CentreID == sc.centreID
	}
	return false
}

// SeesStaff reports whether t shows in the user's staff list (their own account included, so
// that the list reads as the whole team; its link goes to /account).
func (u User) SeesStaff(t Staff) bool { return u.staffScope().covers(t) }

// CanManageUser reports whether the user may edit, disable, re-enable and reset the password of
// the account t.
func (u User) CanManageUser(t Staff) bool { return t.ID != u.ID && u.staffScope().covers(t) }

// GrantErrors checks a change to an account — before is the account as it is (zero for a new
// one), after as it would be — against what the user may grant. It returns a message per form
// field refused (role, centre, agency, integrity); none means the change is within the user's
// powers. A refusal names the field so the form can say what is wrong and keep what was typed.
func (u User) GrantErrors(before, after Staff) map[string]string {
	f := map[string]string{}
	if before.ID != 0 && !u.CanManageUser(before) {
		f["role"] = "You cannot change this account."
		return f
	}
	if after.IntegrityOfficer != before.IntegrityOfficer && u.Role != NationalAdmin {
		f["integrity"] = "Only a national admin can give or take the integrity officer's duty."
	}
	switch u.Role {
	case NationalAdmin:
		if !u.Can(ManageUsers) {
			f["role"] = "You cannot give this role."
		}
	case AgencyAdmin:
		switch {
		case !slices.Contains(agencyGrantable, after.Role):
			f["role"] = "You cannot give this role."
		case after.Role == CentreManager && after.CentreRunBy != u.AgencyID:
			f["centre"] = "Centre managers of Huduma Centres and of other agencies' offices are appointed by the national admin."
		}
		if after.AgencyID != u.AgencyID && !(after.AgencyID == 0 && (after.Role == Officer || after.Role == CentreManager) && after.CentreRunBy == u.AgencyID) {
			f["agency"] = "You can only manage the staff of your own agency."
		}
	case CentreManager:
		if after.Role != Officer {
			f["role"] = "You cannot give this role."
		}
		if after.CentreID != u.CentreID {
			f["centre"] = "You can only manage the officers of your own centre."
		}
	default:
		f["role"] = "You cannot change this account."
	}
	if len(f) == 0 && !u.staffScope().covers(after) {
		// Belt and braces: whatever the rules above let through must stay in the user's hands.
		f["role"] = "You cannot give this role."
	}
	return f
}

// GrantableRoles are the roles the user may give, for the form's choices.
func (u User) GrantableRoles() []Role {
	switch {
	case !u.Can(ManageUsers):
		return nil
	case u.Role == NationalAdmin:
		return Roles
	case u.Role == AgencyAdmin:
		return agencyGrantable
	case u.Role == CentreManager:
		return []Role{Officer}
	}
	return nil
}
