package auth_test

import (
	"testing"

	"github.com/huduma-ke/huduma/internal/auth"
)

// TestStaffScopeRules: who may manage which account and grant what, decided in one place.
func TestStaffScopeRules(t *testing.T) {
	const kkg, nrk, gpo, hq = 7, 8, 1, 2 // agencies Kakamega and Narok; the GPO Huduma Centre, Kakamega's office
	national := auth.User{ID: 1, Active: true, Role: auth.NationalAdmin}
	agency := auth.User{ID: 2, Active: true, Role: auth.AgencyAdmin, AgencyID: kkg}
	manager := auth.User{ID: 3, Active: true, Role: auth.CentreManager, CentreID: gpo}
	officerUser := auth.User{ID: 4, Active: true, Role: auth.Officer, CentreID: gpo}
	auditor := auth.User{ID: 5, Active: true, Role: auth.Auditor}
	staff := func(id int64, role auth.Role, centre, runBy, agency int64) auth.Staff {
		return auth.Staff{User: auth.User{ID: id, Active: true, Role: role, CentreID: centre, AgencyID: agency}, CentreRunBy: runBy}
	}
	gpoOfficer := staff(10, auth.Officer, gpo, 0, 0)
	gpoKkgOfficer := staff(11, auth.Officer, gpo, 0, kkg) // a Kakamega desk at the GPO centre
	hqOfficer := staff(12, auth.Officer, hq, kkg, 0)      // at the office Kakamega runs
	narokAdmin := staff(13, auth.AgencyAdmin, 0, 0, nrk)
	gpoManager := staff(14, auth.CentreManager, gpo, 0, 0)
	ombudsman := staff(15, auth.Auditor, 0, 0, 0)
	manages := []struct {
		name string
		got  bool
		want bool
	}{
		{"national manages an auditor", national.CanManageUser(ombudsman), true},
		{"national does not manage themselves here", national.CanManageUser(auth.Staff{User: national}), false},
		{"agency admin manages their agency's desk officer", agency.CanManageUser(gpoKkgOfficer), true},
		{"agency admin manages the officers of the office they run", agency.CanManageUser(hqOfficer), true},
		{"agency admin does not manage a GPO officer", agency.CanManageUser(gpoOfficer), false},
		{"agency admin does not manage another agency's admin", agency.CanManageUser(narokAdmin), false},
		{"agency admin does not manage a Huduma Centre manager", agency.CanManageUser(gpoManager), false},
		{"manager manages their officers", manager.CanManageUser(gpoOfficer), true},
		{"manager does not manage another centre's officers", manager.CanManageUser(hqOfficer), false},
		{"manager does not manage managers", manager.CanManageUser(gpoManager), false},
		{"officer manages nobody", officerUser.CanManageUser(gpoOfficer), false},
		{"auditor manages nobody", auditor.CanManageUser(gpoOfficer), false},
		{"inactive admin manages nobody", auth.User{ID: 9, Role: auth.NationalAdmin}.CanManageUser(gpoOfficer), false},
	}
	for _, c := range manages {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	grants := []struct {
		name          string
		by            auth.User
		before, after auth.Staff
		field         string // "" for allowed
	}{
		{"national makes a national admin", national, auth.Staff{}, staff(0, auth.NationalAdmin, 0, 0, 0), ""},
		{"agency admin makes an officer at their office", agency, auth.Staff{}, staff(0, auth.Officer, hq, kkg, 0), ""},
		{"agency admin makes an agency admin of their own", agency, auth.Staff{}, staff(0, auth.AgencyAdmin, 0, 0, kkg), ""},
		{"agency admin makes a manager of their office", agency, auth.Staff{}, staff(0, auth.CentreManager, hq, kkg, kkg), ""},
		{"agency admin cannot make a national admin", agency, auth.Staff{}, staff(0, auth.NationalAdmin, 0, 0, 0), "role"},
		{"agency admin cannot make an auditor", agency, auth.Staff{}, staff(0, auth.Auditor, 0, 0, 0), "role"},
		{"agency admin cannot staff another agency", agency, auth.Staff{}, staff(0, auth.AgencyAdmin, 0, 0, nrk), "agency"},
		{"agency admin cannot appoint a Huduma Centre manager", agency, auth.Staff{}, staff(0, auth.CentreManager, gpo, 0, kkg), "centre"},
		{"agency admin cannot move their officer to Narok", agency, hqOfficer, staff(12, auth.Officer, hq, kkg, nrk), "agency"},
		{"agency admin cannot raise their officer", agency, hqOfficer, staff(12, auth.NationalAdmin, 0, 0, 0), "role"},
		{"agency admin cannot touch a GPO officer", agency, gpoOfficer, staff(10, auth.Officer, gpo, 0, kkg), "role"},
		{"manager makes an officer of their centre", manager, auth.Staff{}, staff(0, auth.Officer, gpo, 0, 0), ""},
		{"manager cannot make a manager", manager, auth.Staff{}, staff(0, auth.CentreManager, gpo, 0, 0), "role"},
		{"manager cannot make an officer elsewhere", manager, auth.Staff{}, staff(0, auth.Officer, hq, kkg, 0), "centre"},
		{"auditor grants nothing", auditor, auth.Staff{}, staff(0, auth.Officer, gpo, 0, 0), "role"},
	}
	for _, c := range grants {
		f := c.by.GrantErrors(c.before, c.after)
		switch {
		case c.field == "" && len(f) > 0:
			t.Errorf("%s: refused %v", c.name, f)
		case c.field != "" && f[c.field] == "":
			t.Errorf("%s: %v, want a refusal on %s", c.name, f, c.field)
		}
	}
	integrity := staff(0, auth.Officer, hq, kkg, 0)
	integrity.IntegrityOfficer = true
	if f := agency.GrantErrors(auth.Staff{}, integrity); f["integrity"] == "" {
		t.Errorf("an agency admin gave the integrity duty: %v", f)
	}
	if f := national.GrantErrors(auth.Staff{}, integrity); len(f) > 0 {
		t.Errorf("the national admin could not give the integrity duty: %v", f)
	}
}
