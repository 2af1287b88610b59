package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// The counter's feedback tablet: four faces; a press joins itself to the visit just finished at
// that counter (the officer's screen shows nothing of it); then, optionally, a reason and a
// comment. The tablet is public but holds a secret in its address, set when the centre manager
// binds it to the counter.

type devicePage struct {
	ID      int64
	Key     string
	Rating  int64 // the press just made, for its reason
	Score   int
	Reasons []string
	Errors  map[string]string
	Token   string // the public form's token (double-submit)
	// After an unhappy press: the centre manager is the first stop; the complaint form's address
	// (and its QR code, for the citizen's phone) is the next.
	ComplainURL string
	ComplainQR  template.HTML
}

func (s *Server) deviceOf(r *http.Request) (feedback.Device, string, error) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	key := r.URL.Query().Get("key")
	if r.Method == http.MethodPost {
		key = r.PostFormValue("key")
	}
	d, err := s.feedback.DeviceByKey(r.Context(), id, key)
	return d, key, err
}

func (s *Server) deviceFaces(w http.ResponseWriter, r *http.Request) error {
	d, key, err := s.deviceOf(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "device", "How were you served?", devicePage{ID: d.ID, Key: key, Token: s.publicFormToken(w, r)})
	return nil
}

func (s *Server) devicePress(w http.ResponseWriter, r *http.Request) error {
	d, key, err := s.deviceOf(r)
	if err != nil {
		return err
	}
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	rt, err := s.feedback.Press(r.Context(), d, feedback.Press{Score: score})
	if err != nil {
		return err
	}
	p := devicePage{ID: d.ID, Key: key, Rating: rt.ID, Score: rt.Score, Reasons: feedback.Reasons, Token: s.publicFormToken(w, r)}
	if rt.Score <= feedback.Unhappy {
		c, err := s.charters.CentreByID(r.Context(), d.CentreID)
		if err != nil {
			return err
		}
		p.ComplainURL = s.publicBase(r) + "/complaints/new?centre=" + url.QueryEscape(c.Code)
		if p.ComplainQR, err = qrSVG(p.ComplainURL, s.tr.T(info(r).lang, "QR code of the complaint form")); err != nil {
			return err
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "device_thanks", "Thank you", p)
	return nil
}

func (s *Server) deviceReason(w http.ResponseWriter, r *http.Request) error {
	d, key, err := s.deviceOf(r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("rating"), 10, 64)
	if err := s.feedback.AddReason(r.Context(), d, id, r.PostFormValue("reason"), r.PostFormValue("comment")); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/devices/%d?key=%s", d.ID, url.QueryEscape(key)), http.StatusSeeOther)
	return nil
}

// bindDevice: the centre manager binds a tablet to a counter and gets its address, once.
func (s *Server) bindDevice(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	u := info(r).user
	if !u.CanCentre(auth.ManageQueue, c.ID) {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	number, _ := strconv.Atoi(r.PostFormValue("counter"))
	counters, err := s.queue.Counters(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for _, k := range counters {
		if k.Number == number {
			d, key, err := s.feedback.AddDevice(r.Context(), u.Actor(clientIP(r)), k.ID, r.PostFormValue("label"))
			if err != nil {
				return err
			}
			s.render(w, r, http.StatusOK, "device_bound", "Feedback tablet", map[string]any{"Centre": c, "Counter": number,
				"Path": fmt.Sprintf("/devices/%d?key=%s", d.ID, url.QueryEscape(key))})
			return nil
		}
	}
	return s.showMonitor(w, r, http.StatusUnprocessableEntity, c, map[string]string{"counter": s.tr.T(info(r).lang, "Choose your counter.")})
}
