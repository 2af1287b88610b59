package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// adminHolidays shows a year's holidays — the statutory ones Huduma computes and the ones admins
// entered — with the form to add one.
func (s *Server) adminHolidays(w http.ResponseWriter, r *http.Request) error {
	return s.showHolidays(w, r, http.StatusOK, charter.Holiday{}, nil)
}

func (s *Server) showHolidays(w http.ResponseWriter, r *http.Request, status int, form charter.Holiday, errs map[string]string) error {
	year, err := strconv.Atoi(r.FormValue("year"))
	if err != nil || year < 1970 || year > 2200 {
		year = s.now().In(worktime.Default().Location()).Year()
	}
	entered, err := s.charters.Holidays(r.Context(), charter.HolidayFilter{Year: year, All: true})
	if err != nil {
		return err
	}
	calendars, err := s.charters.Calendars(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, status, "admin_holidays", "Holidays", map[string]any{
		"Year": year, "Prev": year - 1, "Next": year + 1, "Statutory": worktime.StatutoryHolidays(year), "Entered": entered,
		"Calendars": calendars, "Form": form, "Errors": errs,
	})
	return nil
}

func (s *Server) holidayCreate(w http.ResponseWriter, r *http.Request) error {
	h := charter.Holiday{Day: r.PostFormValue("day"), Name: r.PostFormValue("name"), GazetteNotice: r.PostFormValue("gazette_notice")}
	h.CalendarID, _ = strconv.ParseInt(r.PostFormValue("calendar"), 10, 64)
	saved, err := s.charters.AddHoliday(r.Context(), info(r).user.Actor(clientIP(r)), h)
	if errs, ok := formErrors(err); ok {
		return s.showHolidays(w, r, http.StatusUnprocessableEntity, h, errs)
	}
	if err != nil {
		return err
	}
	if err := s.recomputeDeadlines(r, saved.CalendarID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/holidays?notice=created&year="+saved.Day[:4], http.StatusSeeOther)
	return nil
}

func (s *Server) holidayByPath(r *http.Request) (charter.Holiday, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return charter.Holiday{}, apperr.New(apperr.NotFound, "That holiday does not exist; it may have been removed already.")
	}
	return s.charters.HolidayByID(r.Context(), id)
}

// holidayDeleteConfirm asks before removing a holiday: removing one moves deadlines.
func (s *Server) holidayDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	h, err := s.holidayByPath(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_holiday_delete", "Remove holiday", map[string]any{"Holiday": h})
	return nil
}

func (s *Server) holidayDelete(w http.ResponseWriter, r *http.Request) error {
	h, err := s.holidayByPath(r)
	if err != nil {
		return err
	}
	if err := s.charters.DeleteHoliday(r.Context(), info(r).user.Actor(clientIP(r)), h.ID); err != nil {
		return err
	}
	if err := s.recomputeDeadlines(r, h.CalendarID); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/holidays?notice=deleted&year="+h.Day[:4], http.StatusSeeOther)
	return nil
}

// recomputeDeadlines moves the deadlines of open requests and open complaints after a holiday
// changed (calendarID 0: every calendar). The holiday itself is already saved; if this fails, the
// admin sees the error and saving the holiday again (or the next change) recomputes.
func (s *Server) recomputeDeadlines(r *http.Request, calendarID int64) error {
	n, err := s.requests.RecomputeOpen(r.Context(), calendarID)
	if err != nil {
		return err
	}
	m, err := s.complaints.RecomputeOpen(r.Context(), calendarID)
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "deadlines recomputed after a holiday change", "requests", n, "complaints_moved", m, "calendar", calendarID)
	return nil
}
