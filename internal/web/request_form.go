package web

import (
	"io"
	"net/http"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/requests"
)

// requestForm is a service's public request form: no account needed.
func (s *Server) requestForm(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.showRequestForm(w, r, http.StatusOK, sv, requests.NewRequest{}, nil)
}

func (s *Server) showRequestForm(w http.ResponseWriter, r *http.Request, status int, sv charter.Service, n requests.NewRequest, errs map[string]string) error {
	centres, err := s.charters.CentresOffering(r.Context(), sv.ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "request_form", "Make a request", map[string]any{
		"Service": sv, "Centres": centres, "Form": n, "Errors": errs, "Key": s.formKey(r), "Token": s.publicFormToken(w, r),
	})
	return nil
}

// formKey is the idempotency key a form carries, so that a double click or a resubmitted page
// lodges one request, not two.
func (s *Server) formKey(r *http.Request) string {
	if k := r.PostFormValue("idempotency_key"); k != "" && len(k) <= 64 {
		return k
	}
	return randomKey()
}

// maxUpload bounds a form with attachments: five files of 5 MB and the text around them.
const maxUpload = 26 << 20

// readNewRequest reads the public or staff intake form (already parsed by the guard).
func readNewRequest(r *http.Request) (requests.NewRequest, error) {
	n := requests.NewRequest{
		ServiceCode: r.PathValue("code"), CentreCode: r.FormValue("centre"), Channel: "web",
		Citizen: requests.Citizen{Name: r.FormValue("name"), Phone: r.FormValue("phone"), Email: r.FormValue("email"), IDNumber: r.FormValue("id_number")},
		Subject: r.FormValue("subject"), Description: r.FormValue("description"), Address: r.FormValue("address"),
		IdempotencyKey: r.FormValue("idempotency_key"), Fields: map[string]string{},
	}
	for k, v := range r.Form {
		if code, ok := strings.CutPrefix(k, "field_"); ok && len(v) > 0 {
			n.Fields[code] = v[0]
		}
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["attachment"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return n, err
			}
			data, err := io.ReadAll(io.LimitReader(f, requests.MaxAttachmentBytes+1))
			f.Close()
			if err != nil {
				return n, err
			}
			n.Attachments = append(n.Attachments, requests.NewAttachment{Filename: fh.Filename, Data: data, Public: true})
		}
	}
	return n, nil
}

// requestSubmit lodges a citizen's request from the public form.
func (s *Server) requestSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	sv, err := s.charters.ServiceByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	n, err := readNewRequest(r)
	if err == nil {
		n.IdempotencyKey = scopedKey("web", n.IdempotencyKey)
		var c requests.Created
		c, err = s.requests.Create(r.Context(), requests.Actor{Name: "citizen (web)"}, n)
		if err == nil {
			s.render(w, r, http.StatusCreated, "request_done", "Request received", map[string]any{
				"Request": c.Request, "Link": requests.TrackingPath(c.Request.Reference, c.TrackingKey), "Fresh": c.New,
			})
			return nil
		}
	}
	if errs, ok := formErrors(err); ok {
		n.IdempotencyKey = r.FormValue("idempotency_key")
		return s.showRequestForm(w, r, http.StatusUnprocessableEntity, sv, n, errs)
	}
	return err
}

// scopedKey keeps one channel's idempotency keys from colliding with another's.
func scopedKey(scope, key string) string {
	if key == "" {
		return ""
	}
	return scope + ":" + key
}
