package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// addEvent appends to a request's history; it is the request's audit trail.
func addEvent(ctx context.Context, tx *sql.Tx, requestID int64, at time.Time, actor Actor, kind string, public bool, body string, data map[string]string) (int64, error) {
	if data == nil {
		data = map[string]string{}
	}
	b, _ := json.Marshal(data)
	name := actor.Name
	if name == "" {
		name = "system"
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO request_events (request_id, at, actor_id, actor_name, kind, public, body, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, requestID, at.UTC(), nullID(actor.ID), name, kind, public, body, string(b)).Scan(&id)
	return id, err
}
