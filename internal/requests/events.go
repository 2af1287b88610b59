package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// addEvent appends to a request's history; it is the request's audit trail.
func addEvent(ctx context.Context, tx *sql.Tx, requestID int64, at time.Time, actor Actor, kind string, public bool, body string, data map[string]string) (int64, error) {
	st := eventStmt(requestID, at, actor, kind, public, body, data)
	var id int64
	err := tx.QueryRowContext(ctx, st.SQL+` RETURNING id`, st.Args...).Scan(&id)
	return id, err
}

// eventStmt is the statement addEvent runs, for a caller that sends it with others.
func eventStmt(requestID int64, at time.Time, actor Actor, kind string, public bool, body string, data map[string]string) db.Stmt {
	if data == nil {
		data = map[string]string{}
	}
	b, _ := json.Marshal(data)
	name := actor.Name
	if name == "" {
		name = "system"
	}
	return db.Stmt{SQL: `INSERT INTO request_events (request_id, at, actor_id, actor_name, kind, public, body, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, Args: []any{requestID, at.UTC(), nullID(actor.ID), name, kind, public, body, string(b)}}
}
