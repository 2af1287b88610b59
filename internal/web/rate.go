package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// rateForm is the page the resolution SMS links to: how was the service? The citizen proves it is
// their request with the phone number it was lodged with, as on the tracking page.
func (s *Server) rateForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "rate", "Rate the service", map[string]any{"Ref": r.PathValue("ref"), "Token": s.publicFormToken(w, r)})
	return nil
}

func (s *Server) rateSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	ref := r.PathValue("ref")
	show := func(status int, errs map[string]string) error {
		s.render(w, r, status, "rate", "Rate the service", map[string]any{"Ref": ref, "Token": s.publicFormToken(w, r), "Errors": errs,
			"Score": r.PostFormValue("score"), "Comment": r.PostFormValue("comment")})
		return nil
	}
	req, err := s.requests.Track(r.Context(), ref, "", r.PostFormValue("phone"))
	if apperr.Is(err, apperr.NotFound) {
		msg, args := apperr.MessageOf(err)
		return show(http.StatusNotFound, map[string]string{"phone": s.tr.T(info(r).lang, msg, args...)})
	} else if err != nil {
		return err
	}
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	if _, err := s.requests.Rate(r.Context(), req.ID, score, r.PostFormValue("comment")); err != nil {
		if errs, ok := formErrors(err); ok {
			return show(http.StatusUnprocessableEntity, errs)
		}
		if apperr.Is(err, apperr.Invalid) {
			msg, args := apperr.MessageOf(err)
			return show(http.StatusUnprocessableEntity, map[string]string{"score": s.tr.T(info(r).lang, msg, args...)})
		}
		return err
	}
	s.render(w, r, http.StatusOK, "rated", "Thank you", map[string]any{"Ref": req.Reference})
	return nil
}
