package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
)

// adminReplies lists the ready answers staff pick from when replying, and adds one: an agency
// admin's for their agency, the secretariat's for everyone.
func (s *Server) adminReplies(w http.ResponseWriter, r *http.Request) error {
	return s.showReplies(w, r, http.StatusOK, "", "", nil)
}

func (s *Server) showReplies(w http.ResponseWriter, r *http.Request, status int, title, body string, errs map[string]string) error {
	u := info(r).user
	list, err := s.requests.CannedReplies(r.Context(), u.AgencyID)
	if err != nil {
		return err
	}
	s.render(w, r, status, "admin_replies", "Ready answers", map[string]any{"Replies": list, "Title": title, "Body": body, "Errors": errs})
	return nil
}

func (s *Server) replyCreate(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	agencyID := u.AgencyID
	if u.Role == auth.NationalAdmin {
		agencyID = 0
	}
	title, body := r.PostFormValue("title"), r.PostFormValue("body")
	if _, err := s.requests.AddCannedReply(r.Context(), agencyID, title, body); err != nil {
		if errs, ok := formErrors(err); ok {
			return s.showReplies(w, r, http.StatusUnprocessableEntity, title, body, errs)
		}
		return err
	}
	http.Redirect(w, r, "/admin/replies?notice=created", http.StatusSeeOther)
	return nil
}
