package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
)

// Rating is a citizen's verdict on a finished request.
type Rating struct {
	Score   int // 1 (very unhappy) to 5 (very happy)
	Comment string
	RatedAt time.Time
}

// Rate records the citizen's rating of a resolved or closed request, with an event. Rating again
// replaces the earlier rating.
func (s *Store) Rate(ctx context.Context, id int64, score int, comment string) (Request, error) {
	comment = strings.TrimSpace(comment)
	if score < 1 || score > 5 {
		return Request{}, apperr.InvalidFields(map[string]string{"score": "Choose how happy you are, from 1 to 5."})
	}
	if len(comment) > 1000 {
		return Request{}, apperr.InvalidFields(map[string]string{"comment": "This is too long."})
	}
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, _ *rowUpdate, now time.Time) (bool, error) {
		if r.Status.Open() {
			return false, apperr.New(apperr.Invalid, "You can rate the service once the request is resolved.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_ratings (request_id, score, comment, rated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (request_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at`,
			r.ID, score, comment, now); err != nil {
			return false, err
		}
		_, err := addEvent(ctx, tx, r.ID, now, Actor{Name: "citizen"}, "rated", false, fmt.Sprintf("Rated %d of 5. %s", score, comment), map[string]string{"score": fmt.Sprint(score)})
		return false, err
	})
}

// RatingOf returns a request's rating, or NotFound.
func (s *Store) RatingOf(ctx context.Context, id int64) (Rating, error) {
	var r Rating
	err := s.db.QueryRowContext(ctx, `SELECT score, comment, rated_at FROM request_ratings WHERE request_id = $1`, id).Scan(&r.Score, &r.Comment, &r.RatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "Not rated yet.")
	}
	return r, err
}
