package requests

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Ratings of requests are kept by internal/feedback with every other rating; the request's history
// says it was rated.

// RecordRated writes a request's "rated" event, inside the transaction that stores the rating
// (feedback.Store.Rate): score is 1 (very unhappy) to 4 (very happy), source the channel it came
// by (link, web, api, sms, ussd).
func RecordRated(ctx context.Context, tx *sql.Tx, requestID int64, at time.Time, source string, score int, comment string) error {
	body := strings.TrimSpace(fmt.Sprintf("Rated %d of 4. %s", score, strings.TrimSpace(comment)))
	_, err := addEvent(ctx, tx, requestID, at, Actor{Name: "citizen"}, "rated", false, body,
		map[string]string{"score": fmt.Sprint(score), "source": source})
	return err
}
