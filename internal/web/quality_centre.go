package web

import (
	"net/http"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// A centre's quality page: its CSAT and happiness index over a window, hour by hour today or day
// by day, per counter, officer, service and agency, the reasons citizens gave, their latest
// comments, the live alerts and the integrity signals. The centre's managers, the secretariat and auditors see it all;
// an agency's administrator sees that agency's figures at the centre only (counters, officers and
// comments mix every agency's work).

// seriesPoint is one hour or day of the series.
type seriesPoint struct {
	At time.Time
	figures
}

type qualityCentrePage struct {
	Centre     charter.Centre
	Window     feedback.Window
	Windows    []windowChoice
	Zone       *time.Location
	AgencyOnly bool           // an agency's administrator: that agency's figures only
	Agency     charter.Agency // set with AgencyOnly
	Total      figures
	Daily      bool // the series is day by day (else hour by hour)
	Series     []seriesPoint
	Counters   []qualityRow
	Officers   []qualityRow
	Services   []qualityRow
	Agencies   []qualityRow
	Reasons    []feedback.ReasonCount
	Comments   []feedback.Comment
	Alerts     []feedback.Alert
	Signals    []feedback.Signal // integrity signals: a reason to look, not a finding
	ShowAlerts bool              // the viewer may open the alerts page
	Words      map[string]string // the reasons' labels (translation keys)
}

// reasonWords are the labels of feedback.Reasons (translation keys).
var reasonWords = map[string]string{
	"waiting_time": "Waiting time", "staff_attitude": "Staff attitude", "information": "Information",
	"outcome": "Outcome", "facilities": "Facilities", "other": "Other",
}

func (s *Server) qualityCentre(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.charters.CentreByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	u := info(r).user
	full := u.CanCentre(auth.ViewQuality, c.ID)
	agencyOnly := !full && u.Role == auth.AgencyAdmin && u.CanAgency(auth.ViewQuality, u.AgencyID)
	if !full && !agencyOnly {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
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
	p := qualityCentrePage{Centre: c, Window: win, Windows: windowChoices, Zone: displayZone, AgencyOnly: agencyOnly,
		ShowAlerts: u.CanCentre(auth.MonitorQueue, c.ID), Words: reasonWords}
	byService, err := s.feedback.Measures(ctx, feedback.DimService, c.ID, win)
	if err != nil {
		return err
	}
	byAgency, err := s.feedback.Measures(ctx, feedback.DimAgency, c.ID, win)
	if err != nil {
		return err
	}
	if agencyOnly {
		if p.Agency, err = s.charters.AgencyByID(ctx, u.AgencyID); err != nil {
			return err
		}
		for _, m := range byAgency {
			if m.ID == u.AgencyID {
				p.Total = figures{m.Counts}
				p.Agencies = rows([]feedback.Measure{m})
			}
		}
		p.Services = serviceRows(byService, dir, lang, u.AgencyID)
		s.render(w, r, http.StatusOK, "staff_quality_centre", "Quality", p)
		return nil
	}
	p.Services = serviceRows(byService, dir, lang, 0)
	p.Agencies = rows(byAgency)
	total, err := s.feedback.Total(ctx, c.ID, win)
	if err != nil {
		return err
	}
	p.Total = figures{total}
	series, err := s.feedback.Series(ctx, c.ID, win)
	if err != nil {
		return err
	}
	p.Daily = win.To.Sub(win.From) > 26*time.Hour
	for _, pt := range series {
		p.Series = append(p.Series, seriesPoint{At: pt.At, figures: figures{pt.Counts}})
	}
	counters, err := s.feedback.Measures(ctx, feedback.DimCounter, c.ID, win)
	if err != nil {
		return err
	}
	p.Counters = rows(counters)
	officers, err := s.feedback.Measures(ctx, feedback.DimOfficer, c.ID, win)
	if err != nil {
		return err
	}
	p.Officers = rows(officers)
	if p.Reasons, err = s.feedback.ReasonsGiven(ctx, c.ID, win); err != nil {
		return err
	}
	if p.Comments, err = s.feedback.Comments(ctx, c.ID, win, 20); err != nil {
		return err
	}
	if p.Alerts, err = s.feedback.Alerts(ctx, feedback.AlertFilter{CentreID: c.ID, LiveOnly: true, Limit: 20}); err != nil {
		return err
	}
	if p.Signals, err = s.feedback.Signals(ctx, c.ID, win); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_quality_centre", "Quality", p)
	return nil
}
