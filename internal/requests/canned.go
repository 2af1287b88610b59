package requests

import (
	"context"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// CannedReply is a ready answer staff pick from when replying.
type CannedReply struct {
	ID       int64
	AgencyID int64
	Title    string
	Body     string
}

// CannedReplies lists the replies for an agency and the ones for everyone.
func (s *Store) CannedReplies(ctx context.Context, agencyID int64) ([]CannedReply, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(agency_id, 0), title, body FROM canned_replies
		WHERE agency_id IS NULL OR agency_id = $1 ORDER BY title`, agencyID)
	return db.Collect(rows, err, func(r db.Scanner) (c CannedReply, err error) {
		return c, r.Scan(&c.ID, &c.AgencyID, &c.Title, &c.Body)
	})
}

// AddCannedReply stores a ready answer (agencyID 0 for every agency).
func (s *Store) AddCannedReply(ctx context.Context, agencyID int64, title, body string) (CannedReply, error) {
	c := CannedReply{AgencyID: agencyID, Title: strings.TrimSpace(title), Body: strings.TrimSpace(body)}
	if c.Title == "" || c.Body == "" {
		return c, apperr.InvalidFields(map[string]string{"title": "Give the reply a title and a text."})
	}
	err := s.db.QueryRowContext(ctx, `INSERT INTO canned_replies (agency_id, title, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		nullID(agencyID), c.Title, c.Body, time.Now().UTC()).Scan(&c.ID)
	return c, err
}
