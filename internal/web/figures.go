package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// A centre's public figures: how satisfied citizens were over the last 30 days (responses, CSAT,
// happiness index, by service) and its complaints (counts by category, the share answered within
// the committed time). Counts only: never an officer's name, a comment or anything personal.

type figuresPage struct {
	Centre     charter.Centre
	Window     feedback.Window
	Total      figures
	Services   []qualityRow
	Complaints complaints.Stats
	Categories []string
	Words      map[string]string
	// AnsweredInTimePct is the share of answered complaints answered by their deadline; -1 with none answered.
	AnsweredInTimePct int
}

func (s *Server) centreFigures(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := s.charters.CentreByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	win, err := feedback.WindowNamed("30d", s.now())
	if err != nil {
		return err
	}
	total, err := s.feedback.Total(ctx, c.ID, win)
	if err != nil {
		return err
	}
	byService, err := s.feedback.Measures(ctx, feedback.DimService, c.ID, win)
	if err != nil {
		return err
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return err
	}
	p := figuresPage{Centre: c, Window: win, Total: figures{total}, Services: serviceRows(byService, dir, info(r).lang, 0),
		Categories: complaints.Categories, Words: complaintWords, AnsweredInTimePct: -1}
	if p.Complaints, err = s.complaints.Stats(ctx, c.ID, win.From); err != nil {
		return err
	}
	if p.Complaints.Answered > 0 {
		p.AnsweredInTimePct = p.Complaints.AnsweredInTime * 100 / p.Complaints.Answered
	}
	s.render(w, r, http.StatusOK, "figures", "Public figures", p)
	return nil
}
