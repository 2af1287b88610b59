package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
)

// The counter screen: an officer signs in at a counter with the services they take there, calls
// the next ticket, and serves, recalls, parks, transfers or completes it. One page, every action
// a form posted back to it.

type counterPage struct {
	Centre    charter.Centre
	Counters  []queue.Counter
	Services  []charter.Service // what the centre offers, for the work profile and transfers
	Session   *queue.Session
	Current   *queue.Ticket
	WaitedMin int // the current ticket's wait in the hall, minutes
	Parked    []queue.Ticket
	Lines     []queue.ServiceLine // the lines this counter calls from
	Errors    map[string]string
	Form      map[string]string
	Created   string // a service request just opened from a ticket: its reference
}

// officerOf is the signed-in user as the queue knows them; their centre is where they serve.
func (s *Server) officerOf(r *http.Request) (queue.Officer, error) {
	u := info(r).user
	if u.CentreID == 0 {
		return queue.Officer{}, apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	return queue.Officer{ID: u.ID, Name: u.Name, CentreID: u.CentreID, IP: clientIP(r)}, nil
}

func (s *Server) counterScreen(w http.ResponseWriter, r *http.Request) error {
	return s.showCounter(w, r, http.StatusOK, nil, nil)
}

func (s *Server) showCounter(w http.ResponseWriter, r *http.Request, status int, errs, form map[string]string) error {
	o, err := s.officerOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	centre, err := s.charters.CentreByID(ctx, o.CentreID)
	if err != nil {
		return err
	}
	p := counterPage{Centre: centre, Errors: errs, Form: form, Created: r.URL.Query().Get("request")}
	if p.Counters, err = s.queue.Counters(ctx, centre.ID); err != nil {
		return err
	}
	page, err := s.charters.Services(ctx, charter.ServiceFilter{CentreCode: centre.Code, ActiveOnly: true, Limit: 500})
	if err != nil {
		return err
	}
	p.Services = page.Services
	if ss, err := s.queue.SessionOf(ctx, o.ID); err == nil {
		p.Session = &ss
		if ss.CurrentID != 0 {
			t, err := s.queue.Ticket(ctx, ss.CurrentID)
			if err != nil {
				return err
			}
			p.Current = &t
			end := s.now()
			if t.CalledAt != nil {
				end = *t.CalledAt
			}
			p.WaitedMin = int(end.Sub(t.QueuedAt).Minutes())
		}
		if p.Parked, err = s.queue.Parked(ctx, ss.CounterID); err != nil {
			return err
		}
		snap, err := s.queue.Snapshot(ctx, centre.ID)
		if err != nil {
			return err
		}
		for _, l := range snap.Lines {
			for _, id := range ss.Services {
				if l.ServiceID == id {
					p.Lines = append(p.Lines, l)
				}
			}
		}
	} else if !apperr.Is(err, apperr.Invalid) {
		return err
	}
	s.render(w, r, status, "staff_counter", "Counter", p)
	return nil
}

// counterAction runs act for the officer at their counter and comes back to the screen, with the
// refusal shown on it when the queue refuses.
func (s *Server) counterAction(act func(r *http.Request, o queue.Officer, ss queue.Session) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		o, err := s.officerOf(r)
		if err != nil {
			return err
		}
		ss, err := s.queue.SessionOf(r.Context(), o.ID)
		if err != nil {
			return s.counterRefused(w, r, err)
		}
		next, err := act(r, o, ss)
		if err != nil {
			return s.counterRefused(w, r, err)
		}
		if next == "" {
			next = "/staff/counter?notice=saved"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// counterRefused shows the counter screen with the queue's refusal; other errors go to the error page.
func (s *Server) counterRefused(w http.ResponseWriter, r *http.Request, err error) error {
	if !apperr.Is(err, apperr.Invalid) && !apperr.Is(err, apperr.Conflict) && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	errs := s.messageErrors(r, err)
	form := map[string]string{}
	for k, v := range r.PostForm {
		if len(v) > 0 && k != "csrf" {
			form[k] = v[0]
		}
	}
	return s.showCounter(w, r, http.StatusUnprocessableEntity, errs, form)
}

func (s *Server) counterSignIn(w http.ResponseWriter, r *http.Request) error {
	o, err := s.officerOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "The form could not be read.")
	}
	number, _ := strconv.Atoi(r.PostFormValue("counter"))
	counters, err := s.queue.Counters(r.Context(), o.CentreID)
	if err != nil {
		return err
	}
	var counterID int64
	for _, c := range counters {
		if c.Number == number {
			counterID = c.ID
		}
	}
	if counterID == 0 {
		return s.counterRefused(w, r, apperr.InvalidFields(map[string]string{"counter": "Choose your counter."}))
	}
	var ids []int64
	for _, v := range r.PostForm["service"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if _, err := s.queue.SignIn(r.Context(), o, counterID, ids); err != nil {
		return s.counterRefused(w, r, err)
	}
	http.Redirect(w, r, "/staff/counter?notice=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) counterSignOut(w http.ResponseWriter, r *http.Request) error {
	o, err := s.officerOf(r)
	if err != nil {
		return err
	}
	if err := s.queue.SignOut(r.Context(), o); err != nil {
		return s.counterRefused(w, r, err)
	}
	http.Redirect(w, r, "/staff/counter?notice=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) counterCall(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		_, err := s.queue.CallNext(r.Context(), o, ss.CounterID)
		return "", err
	})(w, r)
}

func (s *Server) counterRecall(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		_, err := s.queue.Recall(r.Context(), o, ss.CounterID)
		return "", err
	})(w, r)
}

func (s *Server) counterNoShow(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		_, err := s.queue.NoShow(r.Context(), o, ss.CounterID)
		return "", err
	})(w, r)
}

func (s *Server) counterStart(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		_, err := s.queue.Start(r.Context(), o, ss.CounterID)
		return "", err
	})(w, r)
}

func (s *Server) counterPark(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		_, err := s.queue.Park(r.Context(), o, ss.CounterID)
		return "", err
	})(w, r)
}

func (s *Server) counterResume(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		id, _ := strconv.ParseInt(r.PostFormValue("ticket"), 10, 64)
		_, err := s.queue.ResumeParked(r.Context(), o, ss.CounterID, id)
		return "", err
	})(w, r)
}

func (s *Server) counterTransfer(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		to, _ := strconv.Atoi(r.PostFormValue("to_counter"))
		_, err := s.queue.Transfer(r.Context(), o, ss.CounterID, r.PostFormValue("service"), to)
		return "", err
	})(w, r)
}

// counterComplete ends the current ticket: served, not served, or carried on as a service
// request opened here with the citizen's details.
func (s *Server) counterComplete(w http.ResponseWriter, r *http.Request) error {
	return s.counterAction(func(r *http.Request, o queue.Officer, ss queue.Session) (string, error) {
		if ss.CurrentID == 0 {
			return "", apperr.New(apperr.Conflict, "No ticket is at this counter: call the next one.")
		}
		c := queue.Completion{Outcome: r.PostFormValue("outcome")}
		if c.Outcome == queue.OutcomeRequest {
			c.Request = &requests.NewRequest{Channel: "counter",
				Citizen:     requests.Citizen{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email")},
				Description: r.PostFormValue("description")}
		}
		_, created, err := s.queue.Complete(r.Context(), o, ss.CurrentID, c)
		if err != nil {
			return "", err
		}
		if created.Request.Reference != "" {
			return "/staff/counter?notice=saved&request=" + created.Request.Reference, nil
		}
		return "", nil
	})(w, r)
}
