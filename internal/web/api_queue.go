package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/queue"
)

// The queue API (docs/api.md): kiosks, counter systems and hall boards of other makes, with an
// API key. Counter operations act as the officer signed in at the counter: a key never serves
// anyone by itself. Tickets are shown without the holder's phone number.

type apiTicket struct {
	ID          int64      `json:"id"`
	Number      string     `json:"number"`
	Centre      string     `json:"centre"`
	Service     string     `json:"service"`
	ServiceName string     `json:"service_name"`
	Status      string     `json:"status"`
	Priority    string     `json:"priority,omitempty"`
	Channel     string     `json:"channel"`
	Leg         int        `json:"leg"`
	ArrivedAt   time.Time  `json:"arrived_at"`
	CalledAt    *time.Time `json:"called_at,omitempty"`
	Counter     int        `json:"counter,omitempty"`
	DoneAt      *time.Time `json:"done_at,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	Request     string     `json:"request_reference,omitempty"`
}

type apiEstimate struct {
	Position int  `json:"position"`
	Counters int  `json:"counters_open"`
	Known    bool `json:"known"`
	// Minutes, as a range; absent when no open counter takes the service.
	LowMinutes  *int `json:"low_minutes,omitempty"`
	HighMinutes *int `json:"high_minutes,omitempty"`
}

func toAPITicket(t queue.Ticket) apiTicket {
	return apiTicket{ID: t.ID, Number: t.Number, Centre: t.CentreCode, Service: t.ServiceCode, ServiceName: t.ServiceName,
		Status: string(t.Status), Priority: t.Priority, Channel: t.Channel, Leg: t.Leg, ArrivedAt: t.ArrivedAt, CalledAt: t.CalledAt,
		Counter: t.CounterNumber, DoneAt: t.DoneAt, Outcome: t.Outcome}
}

func toAPIEstimate(e queue.Estimate) apiEstimate {
	out := apiEstimate{Position: e.Position, Counters: e.Counters, Known: e.Known}
	if e.Known {
		lo, hi := int(e.Low.Minutes()), int((e.High + time.Minute - 1).Minutes())
		out.LowMinutes, out.HighMinutes = &lo, &hi
	}
	return out
}

// apiIssueTicket: POST /api/v1/tickets {"centre", "service", "priority", "phone", "channel"}.
func (s *Server) apiIssueTicket(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Centre   string `json:"centre"`
		Service  string `json:"service"`
		Priority string `json:"priority"`
		Phone    string `json:"phone"`
		Channel  string `json:"channel"`
	}
	if err := decodeJSON(w, r, &in, jsonLimit); err != nil {
		return err
	}
	key := keyOf(r)
	if key.AgencyID != 0 {
		if sv, err := s.charters.ServiceByCode(r.Context(), in.Service); err == nil && sv.AgencyID != key.AgencyID {
			return apperr.New(apperr.Forbidden, "This API key is for another agency's services.")
		}
	}
	if in.Channel == "" {
		in.Channel = "api"
	}
	actor := audit.Actor{Name: "API key " + key.Name, IP: clientIP(r)}
	is, err := s.queue.Issue(r.Context(), actor, queue.NewTicket{CentreCode: in.Centre,
		ServiceCode: in.Service, Priority: in.Priority, Phone: in.Phone, Channel: in.Channel})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tickets/"+strconv.FormatInt(is.Ticket.ID, 10))
	return writeJSON(w, http.StatusCreated, map[string]any{"ticket": toAPITicket(is.Ticket), "estimate": toAPIEstimate(is.Estimate)})
}

// apiGetTicket: GET /api/v1/tickets/{id}, with its place in line while it waits.
func (s *Server) apiGetTicket(w http.ResponseWriter, r *http.Request) error {
	t, err := s.ticketParam(r)
	if err != nil {
		return err
	}
	e, err := s.queue.Estimate(r.Context(), t)
	if err != nil {
		return err
	}
	out := map[string]any{"ticket": toAPITicket(t)}
	if t.Status == queue.Waiting {
		out["estimate"] = toAPIEstimate(e)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) ticketParam(r *http.Request) (queue.Ticket, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return queue.Ticket{}, apperr.New(apperr.NotFound, "No such ticket.")
	}
	return s.queue.Ticket(r.Context(), id)
}

// apiCentreQueue: GET /api/v1/centres/{code}/queue — the lines, the counters open and the latest
// calls, as a hall board or a monitor of another make would show them.
func (s *Server) apiCentreQueue(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	snap, err := s.queue.Snapshot(r.Context(), c.ID)
	if err != nil {
		return err
	}
	calls, err := s.queue.Calls(r.Context(), c.ID, 0, 10)
	if err != nil {
		return err
	}
	type line struct {
		Service        string  `json:"service"`
		Name           string  `json:"name"`
		Prefix         string  `json:"prefix,omitempty"`
		Waiting        int     `json:"waiting"`
		LongestMinutes int     `json:"longest_wait_minutes"`
		Counters       int     `json:"counters_open"`
		Paused         bool    `json:"paused"`
		PauseReason    string  `json:"pause_reason,omitempty"`
		Served         int     `json:"served_today"`
		AvgWaitMinutes float64 `json:"average_wait_minutes"`
	}
	type counter struct {
		Number   int      `json:"number"`
		Services []string `json:"services"`
		Ticket   string   `json:"ticket,omitempty"`
	}
	type call struct {
		ID      int64     `json:"id"`
		Number  string    `json:"number"`
		Counter int       `json:"counter"`
		Kind    string    `json:"kind"`
		At      time.Time `json:"at"`
	}
	out := struct {
		Centre   string    `json:"centre"`
		Day      string    `json:"day"`
		At       time.Time `json:"at"`
		Waiting  int       `json:"waiting"`
		Served   int       `json:"served_today"`
		Within   *float64  `json:"share_within_standard,omitempty"`
		Lines    []line    `json:"lines"`
		Counters []counter `json:"counters"`
		Calls    []call    `json:"latest_calls"`
	}{Centre: c.Code, Day: snap.Day, At: snap.At, Waiting: snap.Waiting, Served: snap.Served, Lines: []line{}, Counters: []counter{}, Calls: []call{}}
	if snap.Called > 0 {
		share := float64(snap.WithinStd) / float64(snap.Called)
		out.Within = &share
	}
	codes := map[int64]string{}
	for _, l := range snap.Lines {
		codes[l.ServiceID] = l.ServiceCode
		out.Lines = append(out.Lines, line{Service: l.ServiceCode, Name: l.ServiceName, Prefix: l.Prefix, Waiting: l.Waiting,
			LongestMinutes: int(l.LongestWait.Minutes()), Counters: l.Counters, Paused: l.Paused, PauseReason: l.PauseReason,
			Served: l.Served, AvgWaitMinutes: float64(int(l.AvgWait.Seconds()/6)) / 10})
	}
	for _, ss := range snap.Sessions {
		k := counter{Number: ss.Counter, Ticket: ss.CurrentNum, Services: []string{}}
		for _, id := range ss.Services {
			k.Services = append(k.Services, codes[id])
		}
		out.Counters = append(out.Counters, k)
	}
	for _, c := range calls {
		out.Calls = append(out.Calls, call{ID: c.ID, Number: c.Number, Counter: c.CounterNumber, Kind: c.Kind, At: c.At})
	}
	return writeJSON(w, http.StatusOK, out)
}

// counterOfficer is the officer signed in at the counter of the path, acting through an API key.
func (s *Server) counterOfficer(r *http.Request) (queue.Officer, int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return queue.Officer{}, 0, apperr.New(apperr.NotFound, "No such counter.")
	}
	ss, err := s.queue.SessionAt(r.Context(), id)
	if err != nil {
		return queue.Officer{}, 0, err
	}
	key := keyOf(r)
	return queue.Officer{ID: ss.UserID, Name: ss.UserName + " (API key " + key.Name + ")", CentreID: ss.CentreID,
		IP: clientIP(r)}, id, nil
}

// apiCallNext: POST /api/v1/counters/{id}/call-next.
func (s *Server) apiCallNext(w http.ResponseWriter, r *http.Request) error {
	o, counter, err := s.counterOfficer(r)
	if err != nil {
		return err
	}
	t, err := s.queue.CallNext(r.Context(), o, counter)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ticket": toAPITicket(t)})
}

// apiCompleteTicket: POST /api/v1/tickets/{id}/complete {"outcome": "served" | "not_served"}.
func (s *Server) apiCompleteTicket(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Outcome string `json:"outcome"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in, jsonLimit); err != nil {
			return err
		}
	}
	if in.Outcome == queue.OutcomeRequest {
		return apperr.InvalidFields(map[string]string{"outcome": "Choose how the visit ended."})
	}
	t, err := s.ticketParam(r)
	if err != nil {
		return err
	}
	if t.CounterID == 0 {
		return apperr.New(apperr.Conflict, "Ticket %s has not been called yet.", t.Number)
	}
	ss, err := s.queue.SessionAt(r.Context(), t.CounterID)
	if err != nil {
		return err
	}
	key := keyOf(r)
	o := queue.Officer{ID: ss.UserID, Name: ss.UserName + " (API key " + key.Name + ")", CentreID: ss.CentreID, IP: clientIP(r)}
	done, _, err := s.queue.Complete(r.Context(), o, t.ID, queue.Completion{Outcome: in.Outcome})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"ticket": toAPITicket(done)})
}
