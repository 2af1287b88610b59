package web

import (
	"math"
	"net/http"
	"net/url"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// The national quality view: CSAT and the happiness index across every centre, by centre, agency
// and service, over today, 7 or 30 days — read from the hourly roll-ups, never the ratings
// themselves. Centre managers are sent to their centre's page (quality_centre.go); agency
// administrators see their agency's figures only. It refreshes itself.

// figures are counts as the quality screens show them.
type figures struct{ feedback.Counts }

// Has reports whether there is any rating to show.
func (f figures) Has() bool { return f.Responses() > 0 }

// CSATPct is the CSAT rounded to a whole percent; IndexInt the index rounded.
func (f figures) CSATPct() int  { return int(math.Round(f.CSAT())) }
func (f figures) IndexInt() int { return int(math.Round(f.Index())) }

// qualityRow is one centre, agency, service, counter or officer in a table.
type qualityRow struct {
	ID     int64
	Name   string
	Code   string // a centre's code, for its link
	Alerts int    // a centre's live alerts
	figures
}

// windowChoice is one of the window links.
type windowChoice struct {
	Name, Label string
}

var windowChoices = []windowChoice{{"today", "Today"}, {"7d", "7 days"}, {"30d", "30 days"}}

type qualityPage struct {
	Window     feedback.Window
	Windows    []windowChoice
	Agency     charter.Agency // set for an agency's administrator: the page shows that agency only
	Total      figures
	Centres    []qualityRow
	Agencies   []qualityRow
	Services   []qualityRow
	LiveAlerts int
	ShowAlerts bool // the viewer may open the alerts page
}

// qualityWindow is the window the page asks for (?window=today|7d|30d).
func (s *Server) qualityWindow(r *http.Request) (feedback.Window, error) {
	return feedback.WindowNamed(r.URL.Query().Get("window"), s.now())
}

// serviceRows turns service measures into rows named in lang, keeping those agency owns (0: all).
func serviceRows(list []feedback.Measure, dir *charter.Directory, lang string, agency int64) []qualityRow {
	var out []qualityRow
	for _, m := range list {
		sv, ok := dir.ServiceByID(m.ID)
		if agency != 0 && (!ok || sv.AgencyID != agency) {
			continue
		}
		name := m.Name
		if ok && lang == "sw" && sv.NameSw != "" {
			name = sv.NameSw
		}
		out = append(out, qualityRow{ID: m.ID, Name: name, Code: sv.Code, figures: figures{m.Counts}})
	}
	return out
}

func rows(list []feedback.Measure) []qualityRow {
	out := make([]qualityRow, 0, len(list))
	for _, m := range list {
		out = append(out, qualityRow{ID: m.ID, Name: m.Name, figures: figures{m.Counts}})
	}
	return out
}

func (s *Server) qualityNational(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := info(r).user
	if u.Role == auth.CentreManager && u.CentreID != 0 {
		c, err := s.charters.CentreByID(ctx, u.CentreID)
		if err != nil {
			return err
		}
		to := "/staff/quality/" + url.PathEscape(c.Code)
		if win := r.URL.Query().Get("window"); win != "" {
			to += "?window=" + url.QueryEscape(win)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	win, err := s.qualityWindow(r)
	if err != nil {
		return err
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return err
	}
	lang := info(r).lang
	p := qualityPage{Window: win, Windows: windowChoices, ShowAlerts: u.Can(auth.MonitorQueue)}
	byService, err := s.feedback.Measures(ctx, feedback.DimService, 0, win)
	if err != nil {
		return err
	}
	byAgency, err := s.feedback.Measures(ctx, feedback.DimAgency, 0, win)
	if err != nil {
		return err
	}
	if u.Role == auth.AgencyAdmin {
		// An agency's administrator: the agency's own row, its services, and how it does at each centre.
		if p.Agency, err = s.charters.AgencyByID(ctx, u.AgencyID); err != nil {
			return err
		}
		for _, m := range byAgency {
			if m.ID == u.AgencyID && u.CanAgency(auth.ViewQuality, m.ID) {
				p.Total = figures{m.Counts}
				p.Agencies = rows([]feedback.Measure{m})
			}
		}
		p.Services = serviceRows(byService, dir, lang, u.AgencyID)
		atCentres, err := s.feedback.AgencyByCentre(ctx, u.AgencyID, win)
		if err != nil {
			return err
		}
		for _, m := range atCentres {
			c, _ := dir.CentreByID(m.ID)
			p.Centres = append(p.Centres, qualityRow{ID: m.ID, Name: m.Name, Code: c.Code, figures: figures{m.Counts}})
		}
		s.render(w, r, http.StatusOK, "staff_quality", "Quality", p)
		return nil
	}
	total, err := s.feedback.Total(ctx, 0, win)
	if err != nil {
		return err
	}
	p.Total = figures{total}
	p.Agencies = rows(byAgency)
	p.Services = serviceRows(byService, dir, lang, 0)
	byCentre, err := s.feedback.Measures(ctx, feedback.DimCentre, 0, win)
	if err != nil {
		return err
	}
	live, err := s.feedback.LiveAlerts(ctx)
	if err != nil {
		return err
	}
	shown := map[int64]bool{}
	for _, m := range byCentre {
		c, _ := dir.CentreByID(m.ID)
		p.Centres = append(p.Centres, qualityRow{ID: m.ID, Name: m.Name, Code: c.Code, Alerts: live[m.ID], figures: figures{m.Counts}})
		shown[m.ID] = true
	}
	// Centres with live alerts but no ratings in the window (an alert from before midnight) show too.
	for id, n := range live {
		p.LiveAlerts += n
		if c, _ := dir.CentreByID(id); !shown[id] {
			p.Centres = append(p.Centres, qualityRow{ID: id, Name: c.Name, Code: c.Code, Alerts: n})
		}
	}
	s.render(w, r, http.StatusOK, "staff_quality", "Quality", p)
	return nil
}
