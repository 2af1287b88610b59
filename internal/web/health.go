package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 when the database answers, 503 otherwise; load balancers and monitors poll it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		s.log.Error("health check: database", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Engine), "version": s.cfg.Version})
}
