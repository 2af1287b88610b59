package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// The JSON API (docs/api.md). Field names are stable; money is in KES cents; times are RFC 3339.

type apiAgency struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	NameSw  string `json:"name_sw,omitempty"`
	Kind    string `json:"kind"`
	County  string `json:"county,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
	Demo    bool   `json:"demo"`
}

type apiCentre struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	County   string `json:"county"`
	Address  string `json:"address,omitempty"`
	Counters int    `json:"counters"`
	Agency   string `json:"agency,omitempty"`
	Services int    `json:"services"`
	Demo     bool   `json:"demo"`
}

type apiService struct {
	Code         string   `json:"code"`
	Agency       string   `json:"agency"`
	Name         string   `json:"name"`
	NameSw       string   `json:"name_sw,omitempty"`
	Description  string   `json:"description,omitempty"`
	Requirements []string `json:"requirements"`
	Cost         struct {
		Kind        string `json:"kind"`
		AmountCents int64  `json:"amount_cents,omitempty"`
		Text        string `json:"text,omitempty"`
	} `json:"cost"`
	Timeline struct {
		Kind string `json:"kind"`
		Span string `json:"span,omitempty"`
		Text string `json:"text,omitempty"`
	} `json:"timeline"`
	Channels []string `json:"channels"`
	Demo     bool     `json:"demo"`
}

func toAPIService(s charter.Service) apiService {
	out := apiService{Code: s.Code, Agency: s.AgencyCode, Name: s.Name, NameSw: s.NameSw, Description: s.Description,
		Requirements: s.Requirements, Channels: s.Channels, Demo: s.Demo}
	if out.Requirements == nil {
		out.Requirements = []string{}
	}
	if out.Channels == nil {
		out.Channels = []string{}
	}
	out.Cost.Kind, out.Cost.AmountCents, out.Cost.Text = s.Cost.Kind, s.Cost.Cents, s.Cost.Text
	out.Timeline.Kind, out.Timeline.Span, out.Timeline.Text = s.Timeline.Kind, s.Timeline.Span, s.Timeline.Text
	return out
}

func (s *Server) apiAgencies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.charters.Agencies(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiAgency, 0, len(list))
	for _, a := range list {
		out = append(out, apiAgency{a.Code, a.Name, a.NameSw, a.Kind, a.County, a.Email, a.Phone, a.Address, a.Demo})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"agencies": out})
}

func (s *Server) apiCentres(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.charters.Centres(r.Context(), charter.CentreFilter{County: q.Get("county"), Kind: q.Get("kind"), Query: q.Get("q")})
	if err != nil {
		return err
	}
	out := make([]apiCentre, 0, len(list))
	for _, c := range list {
		out = append(out, apiCentre{c.Code, c.Name, c.Kind, c.County, c.Address, c.Counters, c.AgencyCode, c.ServiceCount, c.Demo})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"centres": out})
}

func (s *Server) apiServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := charter.ServiceFilter{AgencyCode: q.Get("agency"), CentreCode: q.Get("centre"), Query: q.Get("q"), Channel: q.Get("channel"), ActiveOnly: true}
	var err error
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 500 {
			return apperr.New(apperr.Invalid, "limit must be a whole number from 1 to 500.")
		}
	}
	if v := q.Get("offset"); v != "" {
		if f.Offset, err = strconv.Atoi(v); err != nil || f.Offset < 0 {
			return apperr.New(apperr.Invalid, "offset must be a whole number, 0 or more.")
		}
	}
	// An unknown agency or centre is an error, not an empty list, so a typo is noticed.
	if f.AgencyCode != "" {
		if _, err := s.charters.AgencyByCode(r.Context(), f.AgencyCode); err != nil {
			return err
		}
	}
	if f.CentreCode != "" {
		if _, err := s.charters.CentreByCode(r.Context(), f.CentreCode); err != nil {
			return err
		}
	}
	page, err := s.charters.Services(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiService, 0, len(page.Services))
	for _, sv := range page.Services {
		out = append(out, toAPIService(sv))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"services": out, "total": page.Total, "limit": page.Limit, "offset": page.Offset})
}

func (s *Server) apiService(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	centres, err := s.charters.CentresOffering(r.Context(), sv.ID)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(centres))
	for _, c := range centres {
		codes = append(codes, c.Code)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"service": toAPIService(sv), "centres": codes})
}

// apiServiceDue answers "if I ask now (or at ?from=), when is this service due?" using the
// calendar of ?centre= (or the default calendar).
func (s *Server) apiServiceDue(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if sv.Timeline.Kind != charter.TimelineDuration {
		return apperr.New(apperr.Invalid, "This service has no committed working duration (its timeline is %q), so it has no deadline.", sv.Timeline.Kind)
	}
	from := s.now()
	if v := r.URL.Query().Get("from"); v != "" {
		if from, err = time.Parse(time.RFC3339, v); err != nil {
			return apperr.New(apperr.Invalid, "from must be an RFC 3339 instant, e.g. 2026-11-23T12:50:00+03:00.")
		}
	}
	calID := int64(0)
	if code := r.URL.Query().Get("centre"); code != "" {
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return err
		}
		calID = c.CalendarID
	} else {
		cal, err := s.charters.CalendarByCode(r.Context(), charter.DefaultCalendarCode)
		if err != nil {
			return err
		}
		calID = cal.ID
	}
	cal, err := s.charters.WorkCalendar(r.Context(), calID)
	if err != nil {
		return err
	}
	span, err := worktime.ParseSpan(sv.Timeline.Span)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"service": sv.Code, "from": from.In(cal.Location()).Format(time.RFC3339),
		"within": span.String(), "due": cal.Due(from, span).Format(time.RFC3339)})
}

// jsonLimit is how large a JSON body the API reads: a complaint's or a ticket's fits in a few KB.
const jsonLimit = 16 << 10

// decodeJSON reads a request's JSON body into v: one object and nothing after it, no unknown
// fields, at most limit bytes; what is wrong is said in the error.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return apperr.New(apperr.Invalid, "The request body is larger than %d KB.", limit>>10)
		case errors.Is(err, io.EOF):
			return apperr.New(apperr.Invalid, "Send the request as a JSON object.")
		}
		return apperr.New(apperr.Invalid, "The JSON could not be read: %s", err.Error())
	}
	// One object and nothing after it: `{...} {...}` or `{...}garbage` is a broken client, and
	// taking the first part would store something the caller did not mean to send.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "Send one JSON object, with nothing after it.")
	}
	return nil
}

// idempotencyKey reads the Idempotency-Key header, scoped to the key that sent it ("api:7:…"),
// so that two systems that happen to choose the same key never meet; "" when there is none.
func idempotencyKey(r *http.Request, scope string, keyID int64) (string, error) {
	idem := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(idem) > 200 {
		return "", apperr.New(apperr.Invalid, "The Idempotency-Key header is longer than 200 characters.")
	}
	return scopedKey(scope+":"+strconv.FormatInt(keyID, 10), idem), nil
}
