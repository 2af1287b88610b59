package web

import (
	"context"
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

// serviceIndex maps each service's ID to the service, for names in the reader's language and the
// agency that owns it.
func (s *Server) serviceIndex(ctx context.Context) (map[int64]charter.Service, error) {
	out := map[int64]charter.Service{}
	for offset := 0; ; offset += 500 {
		page, err := s.charters.Services(ctx, charter.ServiceFilter{Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, sv := range page.Services {
			out[sv.ID] = sv
		}
		if len(page.Services) < 500 {
			return out, nil
		}
	}
}

// serviceRows turns service measures into rows named in lang, keeping those agency owns (0: all).
func serviceRows(list []feedback.Measure, services map[int64]charter.Service, lang string, agency int64) []qualityRow {
	var out []qualityRow
	for _, m := range list {
		sv, ok := services[m.ID]
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
	services, err := s.serviceIndex(ctx)
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
		p.Services = serviceRows(byService, services, lang, u.AgencyID)
		atCentres, err := s.feedback.AgencyByCentre(ctx, u.AgencyID, win)
		if err != nil {
			return err
		}
		centres, err := s.centresByID(ctx)
		if err != nil {
			return err
		}
		for _, m := range atCentres {
			p.Centres = append(p.Centres, qualityRow{ID: m.ID, Name: m.Name, Code: centres[m.ID].Code, figures: figures{m.Counts}})
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
	p.Services = serviceRows(byService, services, lang, 0)
	byCentre, err := s.feedback.Measures(ctx, feedback.DimCentre, 0, win)
	if err != nil {
		return err
	}
	live, err := s.feedback.LiveAlerts(ctx)
	if err != nil {
		return err
	}
	centres, err := s.centresByID(ctx)
	if err != nil {
		return err
	}
	shown := map[int64]bool{}
	for _, m := range byCentre {
		p.Centres = append(p.Centres, qualityRow{ID: m.ID, Name: m.Name, Code: centres[m.ID].Code, Alerts: live[m.ID], figures: figures{m.Counts}})
		shown[m.ID] = true
	}
	// Centres with live alerts but no ratings in the window (an alert from before midnight) show too.
	for id, n := range live {
		p.LiveAlerts += n
		if c := centres[id]; !shown[id] {
			p.Centres = append(p.Centres, qualityRow{ID: id, Name: c.Name, Code: c.Code, Alerts: n})
		}
	}
	s.render(w, r, http.StatusOK, "staff_quality", "Quality", p)
	return nil
}

// centresByID maps each centre's ID to the centre, for names and links.
func (s *Server) centresByID(ctx context.Context) (map[int64]charter.Centre, error) {
	centres, err := s.charters.Centres(ctx, charter.CentreFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]charter.Centre, len(centres))
	for _, c := range centres {
		out[c.ID] = c
	}
	return out, nil
}
