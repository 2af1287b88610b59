package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
)

// The centre monitor: the centre manager's view of the hall — waiting per service, the longest
// wait, counters open and who is at them, served today, average wait and service time, the share
// attended within the 10-minute standard, and who is waiting past it. It refreshes itself.

type monitorPage struct {
	Centre   charter.Centre
	Snap     queue.Snapshot
	SharePct int // of today's calls within the standard; -1 before the first call
	CanPause bool
	Errors   map[string]string
	// Quality is today's ratings at the centre and its live alerts (quality.go).
	Quality    figures
	Alerts     []feedback.Alert
	CanQuality bool
	// Kiosks are the centre's registered kiosks (kiosk_register.go), for its manager.
	Kiosks []queue.Kiosk
}

// queueMonitorHome sends centre staff to their centre's monitor and lists the centres for the
// secretariat and auditors.
func (s *Server) queueMonitorHome(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	if u.CentreID != 0 {
		c, err := s.charters.CentreByID(r.Context(), u.CentreID)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/staff/queue/"+c.Code, http.StatusSeeOther)
		return nil
	}
	centres, err := s.charters.Centres(r.Context(), charter.CentreFilter{Kind: "huduma_centre"})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "staff_queue_centres", "Queues", centres)
	return nil
}

func (s *Server) monitorCentre(r *http.Request) (charter.Centre, error) {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return c, err
	}
	if !info(r).user.CanCentre(auth.MonitorQueue, c.ID) {
		return c, apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	return c, nil
}

func (s *Server) queueMonitor(w http.ResponseWriter, r *http.Request) error {
	c, err := s.monitorCentre(r)
	if err != nil {
		return err
	}
	return s.showMonitor(w, r, http.StatusOK, c, nil)
}

func (s *Server) showMonitor(w http.ResponseWriter, r *http.Request, status int, c charter.Centre, errs map[string]string) error {
	snap, err := s.queue.Snapshot(r.Context(), c.ID)
	if err != nil {
		return err
	}
	p := monitorPage{Centre: c, Snap: snap, SharePct: -1, CanPause: info(r).user.CanCentre(auth.ManageQueue, c.ID), Errors: errs}
	if snap.Called > 0 {
		p.SharePct = snap.WithinStd * 100 / snap.Called
	}
	today, err := feedback.WindowNamed("today", s.now())
	if err != nil {
		return err
	}
	q, err := s.feedback.Total(r.Context(), c.ID, today)
	if err != nil {
		return err
	}
	p.Quality, p.CanQuality = figures{q}, info(r).user.CanCentre(auth.ViewQuality, c.ID)
	if p.Alerts, err = s.feedback.Alerts(r.Context(), feedback.AlertFilter{CentreID: c.ID, LiveOnly: true, Limit: 10}); err != nil {
		return err
	}
	if p.CanPause {
		if p.Kiosks, err = s.queue.Kiosks(r.Context(), c.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, "staff_queue", "Queues", p)
	return nil
}

// queuePause stops (or, with resume=1, restarts) issuing tickets for a service at the centre.
func (s *Server) queuePause(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	u := info(r).user
	if !u.CanCentre(auth.ManageQueue, c.ID) {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	serviceID, _ := strconv.ParseInt(r.PostFormValue("service"), 10, 64)
	if r.PostFormValue("resume") != "" {
		err = s.queue.Resume(r.Context(), u.Actor(clientIP(r)), c.ID, serviceID)
	} else {
		err = s.queue.Pause(r.Context(), u.Actor(clientIP(r)), c.ID, serviceID, r.PostFormValue("reason"))
	}
	if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
		errs := s.messageErrors(r, err)
		return s.showMonitor(w, r, http.StatusUnprocessableEntity, c, errs)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/queue/"+c.Code+"?notice=saved", http.StatusSeeOther)
	return nil
}

// queueSettings shows and saves how a centre's queue runs one service: the daily quota, the
// cut-off, the first estimate, and appointment slots.
func (s *Server) queueSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	u := info(r).user
	if !u.CanCentre(auth.ManageQueue, c.ID) {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("service"))
	if err != nil {
		return err
	}
	st, err := s.queue.Settings(r.Context(), c.ID, sv.ID)
	if err != nil {
		return err
	}
	type page struct {
		Centre   charter.Centre
		Service  charter.Service
		Settings queue.Settings
		Errors   map[string]string
	}
	p := page{Centre: c, Service: sv, Settings: st}
	if r.Method == http.MethodPost {
		num := func(name string) int {
			n, err := strconv.Atoi(r.PostFormValue(name))
			if err != nil {
				return -1
			}
			return n
		}
		st.DailyQuota, st.Cutoff, st.MinutesPerCustomer = num("daily_quota"), r.PostFormValue("cutoff"), num("minutes_per_customer")
		st.SlotMinutes, st.SlotCapacity = num("slot_minutes"), num("slot_capacity")
		_, err := s.queue.SaveSettings(r.Context(), u.Actor(clientIP(r)), st)
		if apperr.Is(err, apperr.Invalid) {
			p.Settings, p.Errors = st, apperr.FieldsOf(err)
			s.render(w, r, http.StatusUnprocessableEntity, "staff_queue_settings", "Queue settings", p)
			return nil
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/staff/queue/"+c.Code+"?notice=saved", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "staff_queue_settings", "Queue settings", p)
	return nil
}
