package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/requests"
)

// The requests API: other systems lodge and follow requests with an API key
// (`huduma apikey create --name NAME`), sent as `Authorization: Bearer hk_...` or `X-API-Key`.

type apiKeyCtx struct{}

// keyOf is the API key the guard checked for this request.
func keyOf(r *http.Request) auth.APIKey {
	k, _ := r.Context().Value(apiKeyCtx{}).(auth.APIKey)
	return k
}

func (s *Server) apiKey(r *http.Request) (auth.APIKey, error) {
	secret := r.Header.Get("X-API-Key")
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		secret = v
	}
	return s.auth.CheckAPIKey(r.Context(), secret)
}

type apiCitizen struct {
	Name     string `json:"name"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
}

type apiNewRequest struct {
	ServiceCode string            `json:"service_code"`
	CentreCode  string            `json:"centre_code"`
	Channel     string            `json:"channel"`
	Citizen     apiCitizen        `json:"citizen"`
	Subject     string            `json:"subject"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields"`
	Latitude    *float64          `json:"lat"`
	Longitude   *float64          `json:"long"`
	Address     string            `json:"address"`
	Parent      string            `json:"parent_reference"`
}

// apiRequest is a request as the API shows it: no citizen's personal data, which only staff
// handling the request and the citizen see.
type apiRequest struct {
	Reference     string            `json:"reference"`
	Service       string            `json:"service_code"`
	Centre        string            `json:"centre_code"`
	Agency        string            `json:"agency_code"`
	Channel       string            `json:"channel"`
	Status        string            `json:"status"`
	WaitingOn     string            `json:"waiting_on,omitempty"`
	Approval      string            `json:"approval"`
	SLA           string            `json:"sla"`
	Subject       string            `json:"subject,omitempty"`
	Fields        map[string]string `json:"fields,omitempty"`
	ResponseDue   *time.Time        `json:"response_due,omitempty"`
	ResolutionDue *time.Time        `json:"resolution_due,omitempty"`
	RespondedAt   *time.Time        `json:"responded_at,omitempty"`
	ResolvedAt    *time.Time        `json:"resolved_at,omitempty"`
	Escalation    int               `json:"escalation_level"`
	MergedInto    bool              `json:"merged,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

func (s *Server) toAPIRequest(r requests.Request) apiRequest {
	return apiRequest{Reference: r.Reference, Service: r.ServiceCode, Centre: r.CentreCode, Agency: r.AgencyCode, Channel: r.Channel,
		Status: string(r.Status), WaitingOn: r.WaitingOn, Approval: r.Approval, SLA: string(r.SLA(s.now())), Subject: r.Subject, Fields: r.Fields,
		ResponseDue: r.ResponseDue, ResolutionDue: r.ResolutionDue, RespondedAt: r.RespondedAt, ResolvedAt: r.ResolvedAt,
		Escalation: r.Escalation, MergedInto: r.MergedInto != 0, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// apiCreateRequest lodges a request. A retry with the same Idempotency-Key returns the first
// request (200, header Idempotent-Replayed: true) instead of lodging another.
func (s *Server) apiCreateRequest(w http.ResponseWriter, r *http.Request) error {
	key := keyOf(r)
	var in apiNewRequest
	if err := decodeJSON(w, r, &in, 64<<10); err != nil { // a request carries its service's fields
		return err
	}
	idem, err := idempotencyKey(r, "api", key.ID)
	if err != nil {
		return err
	}
	if in.Channel == "" {
		in.Channel = "api"
	}
	// Named as the client sent them; the store would say only "location".
	if f := map[string]string{}; in.Latitude != nil || in.Longitude != nil {
		if checkCoordinates(in.Latitude, in.Longitude, "lat", "long", f); len(f) > 0 {
			return apperr.InvalidFields(f)
		}
	}
	c, err := s.requests.Create(r.Context(), requests.Actor{Name: "API key " + key.Name}, requests.NewRequest{
		ServiceCode: in.ServiceCode, CentreCode: in.CentreCode, Channel: in.Channel,
		Citizen: requests.Citizen{Name: in.Citizen.Name, Phone: in.Citizen.Phone, Email: in.Citizen.Email, IDNumber: in.Citizen.IDNumber},
		Subject: in.Subject, Description: in.Description, Fields: in.Fields, Latitude: in.Latitude, Longitude: in.Longitude,
		Address: in.Address, ParentRef: in.Parent, IdempotencyKey: idem,
	})
	if err != nil {
		return err
	}
	out := map[string]any{"request": s.toAPIRequest(c.Request)}
	if c.New {
		out["tracking_url"] = s.requests.TrackingURL(c.Request.Reference, c.TrackingKey)
	}
	return writeCreated(w, c.New, "/api/v1/requests/"+c.Request.Reference, out)
}

func (s *Server) apiGetRequest(w http.ResponseWriter, r *http.Request) error {
	key := keyOf(r)
	req, err := s.requests.ByReference(r.Context(), r.PathValue("reference"))
	if err != nil {
		return err
	}
	if key.AgencyID != 0 && key.AgencyID != req.AgencyID && key.AgencyID != req.ReferredFrom {
		return apperr.New(apperr.NotFound, "No request with that reference.")
	}
	events, err := s.requests.Events(r.Context(), req.ID, true)
	if err != nil {
		return err
	}
	type apiEvent struct {
		At   time.Time `json:"at"`
		Kind string    `json:"kind"`
		Body string    `json:"body,omitempty"`
	}
	list := make([]apiEvent, 0, len(events))
	for _, e := range events {
		list = append(list, apiEvent{e.At, e.Kind, e.Body})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"request": s.toAPIRequest(req), "events": list})
}

func (s *Server) apiListRequests(w http.ResponseWriter, r *http.Request) error {
	key := keyOf(r)
	q := r.URL.Query()
	var err error
	f := requests.Filter{AgencyID: key.AgencyID}
	if f.Status, err = filterParam(q, "status", requests.Statuses); err != nil {
		return err
	}
	if f.SLA, err = filterParam(q, "sla", requests.SLAFilters); err != nil {
		return err
	}
	if f.Channel, err = filterParam(q, "channel", requests.Channels); err != nil {
		return err
	}
	if f.Limit, err = intParam(q.Get("limit"), 25, 1, 200, "limit"); err != nil {
		return err
	}
	if f.Offset, err = intParam(q.Get("offset"), 0, 0, 1<<30, "offset"); err != nil {
		return err
	}
	if code := q.Get("service"); code != "" {
		sv, err := s.charters.ServiceByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.ServiceID = sv.ID
	}
	if code := q.Get("centre"); code != "" {
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return err
		}
		f.CentreID = c.ID
	}
	page, err := s.requests.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiRequest, 0, len(page.Requests))
	for _, req := range page.Requests {
		out = append(out, s.toAPIRequest(req))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"requests": out, "total": page.Total, "total_capped": page.Capped, "limit": page.Limit, "offset": page.Offset})
}

func intParam(v string, def, lo, hi int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, apperr.New(apperr.Invalid, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	return n, nil
}
