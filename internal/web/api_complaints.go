package web

import (
	"net/http"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/complaints"
)

// The complaints API: call centres, SMS gateways and agencies' own systems lodge complaints and
// compliments with an API key and follow them by reference (docs/api.md).

// apiComplaint is a complaint as the API shows it: what the caller sent and where it stands, never
// the complainant's contact details nor who handles it.
type apiComplaint struct {
	Reference          string     `json:"reference"`
	Kind               string     `json:"kind"`
	Category           string     `json:"category,omitempty"`
	Channel            string     `json:"channel"`
	Centre             string     `json:"centre_code"`
	Status             string     `json:"status"`
	Anonymous          bool       `json:"anonymous,omitempty"`
	DueAt              *time.Time `json:"due_at,omitempty"`
	Overdue            bool       `json:"overdue,omitempty"`
	ActionTaken        string     `json:"action_taken,omitempty"`
	AnsweredAt         *time.Time `json:"answered_at,omitempty"`
	ToldVia            string     `json:"told_via,omitempty"`
	ReferredEACC       bool       `json:"referred_eacc,omitempty"`
	ReferredOmbudsman  bool       `json:"referred_ombudsman,omitempty"`
	OmbudsmanReference string     `json:"ombudsman_reference,omitempty"`
	ConfirmedAt        *time.Time `json:"confirmed_at,omitempty"`
	Reopens            int        `json:"reopens,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

func (s *Server) toAPIComplaint(c complaints.Complaint) apiComplaint {
	out := apiComplaint{Reference: c.Reference, Kind: c.Kind, Category: c.Category, Channel: c.Channel, Centre: c.CentreCode,
		Status: string(c.Status), Anonymous: c.Anonymous, DueAt: c.DueAt, Overdue: c.Overdue(s.now()), AnsweredAt: c.AnsweredAt,
		ToldVia: c.ToldVia, ReferredEACC: c.ReferredEACCAt != nil, ReferredOmbudsman: c.ReferredOmbudsmanAt != nil,
		OmbudsmanReference: c.OmbudsmanReference, ConfirmedAt: c.ConfirmedAt, Reopens: c.Reopens, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.AnsweredAt != nil || c.Status == complaints.Closed {
		out.ActionTaken = c.ActionTaken
	}
	return out
}

// apiCreateComplaint lodges a complaint or a compliment. A retry with the same Idempotency-Key
// returns the first one (200, Idempotent-Replayed: true) and stores nothing new.
func (s *Server) apiCreateComplaint(w http.ResponseWriter, r *http.Request) error {
	key := keyOf(r)
	var in struct {
		Kind        string `json:"kind"`
		Category    string `json:"category"`
		Channel     string `json:"channel"`
		CentreCode  string `json:"centre_code"`
		ServiceCode string `json:"service_code"`
		TicketID    int64  `json:"ticket_id"`
		RequestRef  string `json:"request_reference"`
		Officer     string `json:"officer"`
		Description string `json:"description"`
		Anonymous   bool   `json:"anonymous"`
		Contact     struct {
			Name  string `json:"name"`
			Phone string `json:"phone"`
			Email string `json:"email"`
		} `json:"contact"`
	}
	if err := decodeJSON(w, r, &in, jsonLimit); err != nil {
		return err
	}
	idem, err := idempotencyKey(r, "api", key.ID)
	if err != nil {
		return err
	}
	if in.Channel == "" {
		in.Channel = "api"
	}
	c, err := s.complaints.Create(r.Context(), audit.Actor{Name: "API key " + key.Name, IP: clientIP(r)}, complaints.NewComplaint{
		Kind: in.Kind, Category: in.Category, Channel: in.Channel, CentreCode: in.CentreCode, ServiceCode: in.ServiceCode,
		TicketID: in.TicketID, RequestRef: in.RequestRef, OfficerText: in.Officer, Description: in.Description, Anonymous: in.Anonymous,
		Contact:        complaints.Contact{Name: in.Contact.Name, Phone: in.Contact.Phone, Email: in.Contact.Email},
		IdempotencyKey: idem,
	})
	if err != nil {
		return err
	}
	out := map[string]any{"complaint": s.toAPIComplaint(c.Complaint)}
	if c.New {
		out["tracking_url"] = s.complaints.TrackingURL(c.Complaint.Reference, c.TrackingKey)
	}
	return writeCreated(w, c.New, "/api/v1/complaints/"+c.Complaint.Reference, out)
}

// apiGetComplaint follows a complaint by reference: its status and public history. Bribe reports
// are not shown through the API (a key is not an integrity officer); a key bound to an agency sees
// its agency's complaints only.
func (s *Server) apiGetComplaint(w http.ResponseWriter, r *http.Request) error {
	key := keyOf(r)
	c, err := s.complaints.ByReference(r.Context(), r.PathValue("reference"))
	if err != nil {
		return err
	}
	if c.Integrity() || (key.AgencyID != 0 && key.AgencyID != c.AgencyID) {
		return apperr.New(apperr.NotFound, "No complaint with that reference.")
	}
	events, err := s.complaints.Events(r.Context(), c.ID, true)
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
	return writeJSON(w, http.StatusOK, map[string]any{"complaint": s.toAPIComplaint(c), "events": list})
}
