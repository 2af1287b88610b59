package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// The alerts page: quality alerts (a counter, service or centre whose ratings tripped a rule), live
// ones first, then the recently closed. A centre's managers see their centre's and acknowledge
// them with the cause; the secretariat and auditors see every centre's (?centre=CODE for one).

type alertsPage struct {
	Centre charter.Centre // the centre shown; zero for every centre
	Live   []alertItem
	Closed []alertItem
	Zone   *time.Location
	// Errors and Cause re-show a refused acknowledgement on its alert.
	Errors  map[string]string
	ErrorOn int64
	Cause   string
}

// alertItem is an alert with what the viewer may do with it.
type alertItem struct {
	feedback.Alert
	CanAcknowledge bool
}

func (s *Server) alertsList(w http.ResponseWriter, r *http.Request) error {
	return s.showAlerts(w, r, http.StatusOK, r.URL.Query().Get("centre"), alertsPage{})
}

// showAlerts renders the alerts page for the centre with code (or the user's own, or every centre).
func (s *Server) showAlerts(w http.ResponseWriter, r *http.Request, status int, code string, p alertsPage) error {
	ctx := r.Context()
	u := info(r).user
	switch {
	case code != "":
		c, err := s.charters.CentreByCode(ctx, code)
		if err != nil {
			return err
		}
		if !u.CanCentre(auth.MonitorQueue, c.ID) {
			return apperr.New(apperr.Forbidden, "You work at another centre.")
		}
		p.Centre = c
	case u.CentreID != 0: // a centre's manager: that centre (the secretariat and auditors: every centre)
		c, err := s.charters.CentreByID(ctx, u.CentreID)
		if err != nil {
			return err
		}
		p.Centre = c
	}
	list, err := s.feedback.Alerts(ctx, feedback.AlertFilter{CentreID: p.Centre.ID, Limit: 200})
	if err != nil {
		return err
	}
	for _, a := range list {
		it := alertItem{Alert: a, CanAcknowledge: a.AcknowledgedAt == nil && u.CanCentre(auth.ManageQueue, a.CentreID)}
		if a.Status == feedback.AlertClosed {
			p.Closed = append(p.Closed, it)
		} else {
			p.Live = append(p.Live, it)
		}
	}
	p.Zone = displayZone
	s.render(w, r, status, "staff_alerts", "Alerts", p)
	return nil
}

// alertsURL is the alerts page, for one centre when code is set.
func alertsURL(code string) string {
	if code == "" {
		return "/staff/alerts"
	}
	return "/staff/alerts?centre=" + url.QueryEscape(code)
}
