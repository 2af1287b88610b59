package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/queue"
)

// Appointments: booking a slot of a service at a centre, the manage page its SMS links to
// (reschedule, cancel), and checking in at the centre, which turns the appointment into a ticket.
// All public: an appointment is personal only through its manage link's secret key.

// slotChoice is a free slot as a form shows it.
type slotChoice struct {
	Value string // the slot's start, Unix seconds
	Label string // HH:MM in the centre's zone
	Free  int
}

// bookPage is what the booking page (and the check-in form) shows.
type bookPage struct {
	Centre   charter.Centre
	Groups   []serviceGroup
	Token    string
	Mode     string // "book" or "checkin"
	Service  string // chosen service code
	Day      string // chosen day, YYYY-MM-DD
	MinDay   string
	MaxDay   string
	Slots    []slotChoice
	NoSlots  bool   // a day was chosen and it has no free slot
	Slot     string // posted values, shown again after a refusal
	Name     string
	Phone    string
	Code     string
	Errors   map[string]string
	Refusal  string
	Services bool // the centre offers services at all
}

// appointmentView is the manage page.
type appointmentView struct {
	A           queue.Appointment
	ServiceName string
	When        string // the slot in the centre's zone
	Key         string
	Token       string
	Changeable  bool
	Day         string // the day chosen for rescheduling
	MinDay      string
	MaxDay      string
	Slots       []slotChoice
	NoSlots     bool
	Done        string // booked, moved, cancelled: the notice to show
	Errors      map[string]string
	Refusal     string
}

// centreToday is the centre's local date now, and the last day that can be booked.
func (s *Server) centreToday(r *http.Request, centre charter.Centre) (time.Time, *time.Location, error) {
	cal, err := s.charters.WorkCalendar(r.Context(), centre.CalendarID)
	if err != nil {
		return time.Time{}, nil, err
	}
	now := s.now().In(cal.Location())
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), cal.Location(), nil
}

// freeSlots lists a day's free slots as choices; a refusal (a day too far ahead, a service that
// takes no appointments) comes back as the error.
func (s *Server) freeSlots(r *http.Request, centre charter.Centre, service, day string, loc *time.Location) ([]slotChoice, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return nil, apperr.InvalidFields(map[string]string{"day": "Choose a day."})
	}
	slots, err := s.queue.Slots(r.Context(), centre.Code, service, d)
	if err != nil {
		return nil, err
	}
	var out []slotChoice
	for _, sl := range slots {
		if sl.Free > 0 {
			out = append(out, slotChoice{Value: strconv.FormatInt(sl.At.Unix(), 10), Label: sl.At.In(loc).Format("15:04"), Free: sl.Free})
		}
	}
	return out, nil
}

// bookForm is the booking page: a service and a day (a GET form), then that day's free slots,
// a name and a mobile number.
func (s *Server) bookForm(w http.ResponseWriter, r *http.Request) error {
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.showBook(w, r, http.StatusOK, centre, bookPage{Mode: "book", Service: q.Get("service"), Day: q.Get("day")})
}

// bookSubmit books the chosen slot and sends the citizen to the appointment's manage page.
func (s *Server) bookSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	form := bookPage{Mode: "book", Service: r.PostFormValue("service"), Day: r.PostFormValue("day"), Slot: r.PostFormValue("slot"),
		Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone")}
	var at time.Time
	if sec, perr := strconv.ParseInt(form.Slot, 10, 64); perr == nil && sec > 0 {
		at = time.Unix(sec, 0)
	}
	b, err := s.queue.Book(r.Context(), audit.Actor{Name: "citizen (web)", IP: clientIP(r)}, queue.NewAppointment{
		CentreCode: centre.Code, ServiceCode: form.Service, SlotAt: at, Name: form.Name, Phone: form.Phone})
	if err == nil {
		http.Redirect(w, r, queue.ManagePath(b.Appointment.Code, url.QueryEscape(b.Key))+"&done=booked", http.StatusSeeOther)
		return nil
	}
	if f, ok := formErrors(err); ok {
		form.Errors = f
		return s.showBook(w, r, http.StatusUnprocessableEntity, centre, form)
	}
	if msg, ok := s.refusal(r, err); ok {
		form.Refusal = msg
		return s.showBook(w, r, statusOf(apperr.CodeOf(err)), centre, form)
	}
	return err
}

// checkInForm asks for an appointment's reference at the centre.
func (s *Server) checkInForm(w http.ResponseWriter, r *http.Request) error {
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	return s.showBook(w, r, http.StatusOK, centre, bookPage{Mode: "checkin"})
}

// checkInSubmit checks an appointment in and sends the citizen to the ticket's page, as the kiosk does.
func (s *Server) checkInSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	form := bookPage{Mode: "checkin", Code: r.PostFormValue("code")}
	if strings.TrimSpace(form.Code) == "" {
		err = apperr.InvalidFields(map[string]string{"code": "Enter the reference of your appointment."})
	} else {
		var in queue.CheckedIn
		in, err = s.queue.CheckIn(r.Context(), audit.Actor{Name: "citizen (check-in)", IP: clientIP(r)}, centre.Code, form.Code)
		if err == nil {
			to := ticketPath(in.Issued.Ticket.JourneyID, in.Issued.Key)
			if r.PostFormValue("from") == "kiosk" {
				to += "&from=kiosk&lang=" + info(r).lang
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
	}
	if f, ok := formErrors(err); ok {
		form.Errors = f
		return s.showBook(w, r, http.StatusUnprocessableEntity, centre, form)
	}
	if msg, ok := s.refusal(r, err); ok {
		form.Refusal = msg
		return s.showBook(w, r, statusOf(apperr.CodeOf(err)), centre, form)
	}
	return err
}

// showBook renders the booking page or the check-in form.
func (s *Server) showBook(w http.ResponseWriter, r *http.Request, status int, centre charter.Centre, form bookPage) error {
	ctx := r.Context()
	form.Centre = centre
	form.Token = s.publicFormToken(w, r)
	title := "Check in for your appointment"
	if form.Mode == "book" {
		title = "Book an appointment"
		services, err := s.charters.Services(ctx, charter.ServiceFilter{CentreCode: centre.Code, ActiveOnly: true, Limit: 500})
		if err != nil {
			return err
		}
		for _, sv := range services.Services {
			if n := len(form.Groups); n == 0 || form.Groups[n-1].Agency.ID != sv.AgencyID {
				form.Groups = append(form.Groups, serviceGroup{Agency: charter.Agency{ID: sv.AgencyID, Code: sv.AgencyCode, Name: sv.AgencyName}})
			}
			g := &form.Groups[len(form.Groups)-1]
			g.Services = append(g.Services, sv)
		}
		form.Services = len(form.Groups) > 0
		today, loc, err := s.centreToday(r, centre)
		if err != nil {
			return err
		}
		form.MinDay, form.MaxDay = today.Format(time.DateOnly), today.AddDate(0, 0, queue.BookAhead).Format(time.DateOnly)
		if form.Day == "" {
			form.Day = form.MinDay
		}
		if form.Service != "" {
			slots, err := s.freeSlots(r, centre, form.Service, form.Day, loc)
			if f, ok := formErrors(err); ok {
				form.Errors = mergeFields(form.Errors, f)
			} else if msg, ok := s.refusal(r, err); ok {
				if form.Refusal == "" {
					form.Refusal = msg
				}
			} else if err != nil {
				return err
			}
			form.Slots, form.NoSlots = slots, err == nil && len(slots) == 0
		}
	}
	s.render(w, r, status, "appointment_book", title, form)
	return nil
}

func mergeFields(a, b map[string]string) map[string]string {
	if a == nil {
		a = map[string]string{}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// appointmentPage is the manage page the SMS links to: the appointment, and while it is booked
// and its time has not come, a choice of another slot and a cancel button.
func (s *Server) appointmentPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.showAppointment(w, r, http.StatusOK, r.PathValue("code"), q.Get("key"), appointmentView{Day: q.Get("day"), Done: q.Get("done")})
}

// appointmentCancel cancels an appointment from its manage page.
func (s *Server) appointmentCancel(w http.ResponseWriter, r *http.Request) error {
	code, key := r.PathValue("code"), r.PostFormValue("key")
	a, err := s.queue.CancelAppointment(r.Context(), code, key)
	if err == nil {
		http.Redirect(w, r, queue.ManagePath(a.Code, url.QueryEscape(key))+"&done=cancelled", http.StatusSeeOther)
		return nil
	}
	if msg, ok := s.refusal(r, err); ok && !apperr.Is(err, apperr.NotFound) {
		return s.showAppointment(w, r, statusOf(apperr.CodeOf(err)), code, key, appointmentView{Refusal: msg})
	}
	return err
}

// appointmentReschedule moves an appointment to another free slot.
func (s *Server) appointmentReschedule(w http.ResponseWriter, r *http.Request) error {
	code, key := r.PathValue("code"), r.PostFormValue("key")
	var at time.Time
	if sec, perr := strconv.ParseInt(r.PostFormValue("slot"), 10, 64); perr == nil && sec > 0 {
		at = time.Unix(sec, 0)
	}
	a, err := s.queue.Reschedule(r.Context(), code, key, at)
	if err == nil {
		http.Redirect(w, r, queue.ManagePath(a.Code, url.QueryEscape(key))+"&done=moved", http.StatusSeeOther)
		return nil
	}
	v := appointmentView{Day: r.PostFormValue("day")}
	if f, ok := formErrors(err); ok {
		v.Errors = f
		return s.showAppointment(w, r, http.StatusUnprocessableEntity, code, key, v)
	}
	if msg, ok := s.refusal(r, err); ok && !apperr.Is(err, apperr.NotFound) {
		v.Refusal = msg
		return s.showAppointment(w, r, statusOf(apperr.CodeOf(err)), code, key, v)
	}
	return err
}

// showAppointment renders the manage page; a wrong key and a missing appointment get the same 404.
func (s *Server) showAppointment(w http.ResponseWriter, r *http.Request, status int, code, key string, v appointmentView) error {
	ctx := r.Context()
	a, err := s.queue.Appointment(ctx, code, key)
	if err != nil {
		return err
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return err
	}
	centre, ok := dir.CentreByID(a.CentreID)
	if !ok {
		return apperr.New(apperr.NotFound, "No appointment with that reference.")
	}
	today, loc, err := s.centreToday(r, centre)
	if err != nil {
		return err
	}
	v.A, v.Key, v.Token = a, key, s.publicFormToken(w, r)
	v.ServiceName = a.ServiceName
	if info(r).lang == "sw" && a.ServiceNameSw != "" {
		v.ServiceName = a.ServiceNameSw
	}
	v.When = a.SlotAt.In(loc).Format("Mon 2 Jan 2006 15:04")
	v.Changeable = a.Status == queue.AppointmentBooked && s.now().Before(a.SlotAt)
	v.MinDay, v.MaxDay = today.Format(time.DateOnly), today.AddDate(0, 0, queue.BookAhead).Format(time.DateOnly)
	if v.Changeable && v.Day != "" {
		slots, err := s.freeSlots(r, centre, a.ServiceCode, v.Day, loc)
		if f, ok := formErrors(err); ok {
			v.Errors = mergeFields(v.Errors, f)
		} else if msg, ok := s.refusal(r, err); ok {
			if v.Refusal == "" {
				v.Refusal = msg
			}
		} else if err != nil {
			return err
		}
		v.Slots, v.NoSlots = slots, err == nil && len(slots) == 0
	}
	// The address holds the key: keep it out of caches and other sites' logs.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "appointment", "Your appointment", v)
	return nil
}
