package demo

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/requests"
)

// Account is a demo sign-in, printed at start-up so a newcomer can try every role.
type Account struct {
	Username string
	Role     auth.Role
	Password string
}

// DemoPassword is the password of every demo account. Demo data is for trying Huduma out: start
// with --demo=false (HUDUMA_DEMO=false) anywhere real.
const DemoPassword = "karibu-huduma"

// accounts are the demo staff: one of each role, scoped to real demo records.
func accounts() []struct {
	auth.NewUser
	centre, agency string
} {
	return []struct {
		auth.NewUser
		centre, agency string
	}{
		{auth.NewUser{Username: "admin", Name: "Amina Wanjiru (Secretariat)", Email: "secretariat@huduma.example", Role: auth.NationalAdmin}, "", ""},
		{auth.NewUser{Username: "kakamega.ict", Name: "Brian Otieno (Kakamega ICT)", Email: "ict.admin@kakamega.example", Role: auth.AgencyAdmin}, "", "KKG-ICT"},
		{auth.NewUser{Username: "narok.ict", Name: "Naserian Sankale (Narok ICT)", Email: "ict.admin@narok.example", Role: auth.AgencyAdmin}, "", "NRK-ICT"},
		{auth.NewUser{Username: "gpo.manager", Name: "Grace Muthoni (GPO centre manager)", Email: "gpo.manager@huduma.example", Phone: "+254700000104", Role: auth.CentreManager}, "HC-GPO", ""},
		{auth.NewUser{Username: "gpo.officer", Name: "Peter Kamau (GPO counter officer)", Email: "gpo.officer@huduma.example", Role: auth.Officer}, "HC-GPO", ""},
		{auth.NewUser{Username: "kakamega.officer", Name: "Mercy Akinyi (Kakamega ICT help desk)", Email: "helpdesk@kakamega.example", Role: auth.Officer}, "KKG-ICT-HQ", ""},
		{auth.NewUser{Username: "ombudsman", Name: "Fatuma Hassan (Ombudsman, read-only)", Role: auth.Auditor}, "", ""},
		{auth.NewUser{Username: "integrity", Name: "Joseph Mwangi (integrity officer)", Email: "integrity@huduma.example", Role: auth.Auditor,
			IntegrityOfficer: true}, "", ""},
	}
}

// Install loads the demo data into an empty database, all in one transaction: on any failure
// nothing is written. On a database that already has agencies it changes nothing and returns the
// demo accounts that still exist.
func Install(ctx context.Context, d *db.DB, charters *charter.Store, users *auth.Store, reqs *requests.Store) ([]Account, error) {
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM agencies`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		var out []Account
		for _, a := range accounts() {
			if _, err := users.UserByUsername(ctx, a.Username); err == nil {
				out = append(out, Account{a.Username, a.Role, DemoPassword})
			}
		}
		return out, nil
	}
	data := Load()
	var out []Account
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		cs, us := charters.WithTx(tx), users.WithTx(tx)
		cal, err := cs.EnsureDefaultCalendar(ctx, audit.System)
		if err != nil {
			return err
		}
		agencyIDs := map[string]int64{}
		for _, a := range data.Agencies {
			saved, err := cs.SaveAgency(ctx, audit.System, charter.Agency{Code: a.Code, Name: a.Name, NameSw: a.NameSw, Kind: a.Kind,
				County: a.County, Email: a.Email, Phone: a.Phone, Address: a.Address, Demo: a.Demo})
			if err != nil {
				return fmt.Errorf("agency %s: %w", a.Code, err)
			}
			agencyIDs[a.Code] = saved.ID
		}
		serviceIDs := map[string]int64{}
		for _, s := range data.Services {
			saved, err := cs.SaveService(ctx, audit.System, charter.Service{Code: s.Code, AgencyID: agencyIDs[s.AgencyCode], Position: s.Position,
				Name: s.Name, NameSw: s.NameSw, Description: s.Description, Requirements: s.Requirements,
				Cost:     charter.Cost{Kind: s.CostKind, Cents: s.CostCents, Text: s.CostText},
				Timeline: charter.Timeline{Kind: s.TimelineKind, Span: s.Timeline, Text: s.TimelineText},
				Channels: s.Channels, Demo: s.Demo, RequiresApproval: s.RequiresApproval})
			if err != nil {
				return fmt.Errorf("service %s: %w", s.Code, err)
			}
			serviceIDs[s.Code] = saved.ID
		}
		centreIDs := map[string]int64{}
		for _, c := range data.Centres {
			saved, err := cs.SaveCentre(ctx, audit.System, charter.Centre{Code: c.Code, Name: c.Name, Kind: c.Kind, County: c.County,
				Address: c.Address, CalendarID: cal.ID, Counters: c.Counters, AgencyID: agencyIDs[c.AgencyCode], Demo: c.Demo})
			if err != nil {
				return fmt.Errorf("centre %s: %w", c.Code, err)
			}
			centreIDs[c.Code] = saved.ID
			ids := make([]int64, 0, len(c.Services))
			for _, code := range c.Services {
				ids = append(ids, serviceIDs[code])
			}
			if err := cs.SetCentreServices(ctx, audit.System, saved.ID, ids); err != nil {
				return fmt.Errorf("centre %s services: %w", c.Code, err)
			}
		}
		for _, ch := range data.Charters {
			_, err := cs.SaveCharter(ctx, audit.System, charter.Charter{AgencyID: agencyIDs[ch.AgencyCode], CentreID: centreIDs[ch.CentreCode],
				Title: ch.Title, Preamble: ch.Preamble, Vision: ch.Vision, Mission: ch.Mission, Mandate: ch.Mandate,
				CoreValues: ch.CoreValues, CoreFunctions: ch.CoreFunctions, Legislation: ch.Legislation, Commitments: ch.Commitments,
				Clients: ch.Clients, Standards: ch.Standards, Conduct: ch.Conduct, ClientObligations: ch.ClientObligations,
				ClientRights: ch.ClientRights, WorkingHours: ch.WorkingHours, MatrixNote: ch.MatrixNote, Complaints: ch.Complaints,
				Closing: ch.Closing, Published: true, Demo: ch.Demo})
			if err != nil {
				return fmt.Errorf("charter %s: %w", ch.Title, err)
			}
		}
		// Idd-ul-Fitr and Idd-ul-Azha are gazetted each year, so they are entered, not computed.
		for _, h := range []charter.Holiday{
			{Day: "2026-03-20", Name: "Idd-ul-Fitr", GazetteNotice: "demo"},
			{Day: "2026-05-27", Name: "Idd-ul-Azha", GazetteNotice: "demo"},
		} {
			if _, err := cs.AddHoliday(ctx, audit.System, h); err != nil {
				return fmt.Errorf("holiday %s: %w", h.Day, err)
			}
		}
		userIDs := map[string]int64{}
		for _, a := range accounts() {
			nu := a.NewUser
			nu.Password = DemoPassword
			nu.CentreID, nu.AgencyID = centreIDs[a.centre], agencyIDs[a.agency]
			u, err := us.CreateUser(ctx, audit.System, nu)
			if err != nil {
				return fmt.Errorf("user %s: %w", a.Username, err)
			}
			userIDs[a.Username] = u.ID
			out = append(out, Account{a.Username, a.Role, DemoPassword})
		}
		if reqs != nil {
			return demoRequests(ctx, reqs.WithTx(tx), userIDs)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// demoRequests lodges a few requests in different states, so the inbox and the tracking page
// have something to show on a first start.
func demoRequests(ctx context.Context, rs *requests.Store, users map[string]int64) error {
	officer := requests.Actor{ID: users["kakamega.officer"], Name: "Mercy Akinyi (Kakamega ICT help desk)"}
	gpo := requests.Actor{ID: users["gpo.officer"], Name: "Peter Kamau (GPO counter officer)"}
	lodge := []struct {
		n     requests.NewRequest
		actor requests.Actor
		then  func(r requests.Request) error
	}{
		{requests.NewRequest{ServiceCode: "KKG-ICT-03", Channel: "letter", Citizen: requests.Citizen{Name: "Department of Health, Kakamega", Phone: "0722 000 101"},
			Subject: "Printer in the records office", Description: "The HP LaserJet in the health records office jams on every page. Asset tag KKG/ICT/0451."}, officer,
			func(r requests.Request) error {
				_, err := rs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.InProgress, Message: "A technician is on the way."})
				return err
			}},
		{requests.NewRequest{ServiceCode: "KKG-ICT-07", Channel: "phone", Citizen: requests.Citizen{Name: "Joseph Wekesa", Phone: "0733 000 202"},
			Description: "Cannot log in to the county e-mail since the password change."}, officer,
			func(r requests.Request) error {
				_, err := rs.ChangeStatus(ctx, officer, r.ID, requests.StatusChange{To: requests.Waiting, WaitingOn: "citizen", Message: "Please bring your staff ID to the ICT office."})
				return err
			}},
		{requests.NewRequest{ServiceCode: "KKG-ICT-02", Channel: "email", Citizen: requests.Citizen{Name: "Communication Department", Email: "comms@kakamega.example"},
			Description: "Publish the tender notice for the Lurambi market on the county website."}, officer, nil},
		{requests.NewRequest{ServiceCode: "DCI-01", CentreCode: "HC-GPO", Channel: "walk_in", Citizen: requests.Citizen{Name: "Wanjiku Njoroge", Phone: "0711 000 303", IDNumber: "23456789"},
			Description: "Certificate of good conduct for a job application."}, gpo,
			func(r requests.Request) error {
				_, err := rs.ChangeStatus(ctx, gpo, r.ID, requests.StatusChange{To: requests.Resolved, Message: "Fingerprints taken; collect the certificate with your reference."})
				return err
			}},
		{requests.NewRequest{ServiceCode: "NRB-02", CentreCode: "HC-GPO", Channel: "web", Citizen: requests.Citizen{Name: "Ahmed Hassan", Phone: "0799 000 404"},
			Description: "Lost my national ID in a matatu; police abstract attached at the counter."}, requests.Actor{Name: "citizen (web)"}, nil},
	}
	for _, l := range lodge {
		c, err := rs.Create(ctx, l.actor, l.n)
		if err != nil {
			return fmt.Errorf("demo request %s: %w", l.n.ServiceCode, err)
		}
		if l.then != nil {
			if err := l.then(c.Request); err != nil {
				return fmt.Errorf("demo request %s: %w", c.Request.Reference, err)
			}
		}
	}
	return nil
}
