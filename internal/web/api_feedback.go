package web

import (
	"net/http"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// apiFeedback: POST /api/v1/feedback — a rating (1 very unhappy … 4 very happy) of a visit (its
// ticket id) or of a service request (its reference), from a system with an API key. Each is
// rated once.
func (s *Server) apiFeedback(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		TicketID  int64  `json:"ticket_id"`
		Reference string `json:"request_reference"`
		Rating    int    `json:"rating"`
		Reason    string `json:"reason"`
		Comment   string `json:"comment"`
	}
	if err := decodeJSON(w, r, &in, jsonLimit); err != nil {
		return err
	}
	var requestID int64
	if in.Reference != "" {
		req, err := s.requests.ByReference(r.Context(), in.Reference)
		if err != nil {
			return err
		}
		if key := keyOf(r); key.AgencyID != 0 && key.AgencyID != req.AgencyID {
			return apperr.New(apperr.NotFound, "No request with that reference.")
		}
		requestID = req.ID
	}
	rt, err := s.feedback.Rate(r.Context(), "api", in.TicketID, requestID, feedback.Press{Score: in.Rating, Reason: in.Reason, Comment: in.Comment})
	if err != nil {
		return err
	}
	out := struct {
		ID        int64     `json:"id"`
		Rating    int       `json:"rating"`
		Reason    string    `json:"reason,omitempty"`
		TicketID  int64     `json:"ticket_id,omitempty"`
		Reference string    `json:"request_reference,omitempty"`
		At        time.Time `json:"at"`
	}{rt.ID, rt.Score, rt.Reason, rt.TicketID, in.Reference, rt.At}
	return writeJSON(w, http.StatusCreated, map[string]any{"feedback": out})
}
