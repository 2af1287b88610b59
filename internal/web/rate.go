package web

import (
	"net/http"
	"strconv"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// Rating on the web: the page the resolution SMS links to (/rate/{ref}), and the last step of the
// ticket page once a visit is finished (kiosk.go). Both show the counter tablet's four faces, the
// reason chips and a comment, and store through feedback.Store.Rate into the one ratings model: a
// request or a visit is rated once, so a resent form stores nothing new and gets the thank-you.

// ratingForm is the four faces with their reason and comment, as _rating.html draws them: what was
// posted, shown again after a refusal.
type ratingForm struct {
	Reasons                []string
	Score, Reason, Comment string
	Errors                 map[string]string
}

// postedRating reads the faces' form.
func postedRating(r *http.Request) (ratingForm, feedback.Press) {
	f := ratingForm{Reasons: feedback.Reasons, Score: r.PostFormValue("score"), Reason: r.PostFormValue("reason"), Comment: r.PostFormValue("comment")}
	score, _ := strconv.Atoi(f.Score)
	return f, feedback.Press{Score: score, Reason: f.Reason, Comment: f.Comment}
}

// ratePage is the rating page of a service request.
type ratePage struct {
	Ref     string
	Token   string
	Form    ratingForm
	Phone   string
	Errors  map[string]string // the phone's
	Refusal string            // why the rating cannot be taken, translated
}

// ratedPage is the thank-you.
type ratedPage struct {
	Ref     string
	Already bool // rated before: nothing new was stored
}

// rateForm is the page the resolution SMS links to: how was the service? The citizen proves it is
// their request with the phone number it was lodged with, as on the tracking page.
func (s *Server) rateForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "rate", "Rate the service", ratePage{Ref: r.PathValue("ref"), Token: s.publicFormToken(w, r),
		Form: ratingForm{Reasons: feedback.Reasons}})
	return nil
}

// rateSubmit stores the rating (source link). A wrong reference or phone number and a request
// still open are said on the form; a request rated already gets the thank-you, and nothing new is
// stored.
func (s *Server) rateSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	form, press := postedRating(r)
	page := ratePage{Ref: r.PathValue("ref"), Form: form, Phone: r.PostFormValue("phone")}
	show := func(status int) error {
		page.Token = s.publicFormToken(w, r)
		s.render(w, r, status, "rate", "Rate the service", page)
		return nil
	}
	req, err := s.requests.Track(r.Context(), page.Ref, "", page.Phone)
	if apperr.Is(err, apperr.NotFound) {
		msg, args := apperr.MessageOf(err)
		page.Errors = map[string]string{"phone": s.tr.T(info(r).lang, msg, args...)}
		return show(http.StatusNotFound)
	} else if err != nil {
		return err
	}
	_, err = s.feedback.Rate(r.Context(), "link", 0, req.ID, press)
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, "rated", "Thank you", ratedPage{Ref: req.Reference})
		return nil
	case apperr.Is(err, apperr.Conflict):
		s.render(w, r, http.StatusOK, "rated", "Thank you", ratedPage{Ref: req.Reference, Already: true})
		return nil
	}
	if f, ok := formErrors(err); ok {
		page.Form.Errors = f
		return show(http.StatusUnprocessableEntity)
	}
	if msg, ok := s.refusal(r, err); ok {
		page.Refusal = msg
		return show(statusOf(apperr.CodeOf(err)))
	}
	return err
}
