package feedback

import "context"

// Rated reports whether a visit (a ticket id) or, with ticketID 0, a service request (its id) has
// its rating already — from the tablet, a link, the web journey or any other channel — so that a
// page stops offering the faces.
func (s *Store) Rated(ctx context.Context, ticketID, requestID int64) (bool, error) {
	q, id := `SELECT COUNT(*) FROM ratings WHERE ticket_id = $1`, ticketID
	if ticketID == 0 {
		q, id = `SELECT COUNT(*) FROM ratings WHERE request_id = $1`, requestID
	}
	var n int
	err := s.db.QueryRowContext(ctx, q, id).Scan(&n)
	return n > 0, err
}
