package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// Africa's Talking delivery-report statuses (the "status" field of the callback).
var (
	// final: delivered to the handset
	deliveredStatuses = map[string]bool{"Success": true}
	// final: the network gave up
	undeliverableStatuses = map[string]bool{"Failed": true, "Rejected": true, "AbsentSubscriber": true, "Expired": true}
	// on the way: nothing to record
	transitStatuses = map[string]bool{"Sent": true, "Submitted": true, "Buffered": true}
)

// DeliveryReport records a provider's delivery report for the message it knows as
// providerMessageID: Success → delivered; Failed, Rejected, AbsentSubscriber, Expired →
// undeliverable; Sent, Submitted, Buffered → no change. A message already delivered stays
// delivered; reports are idempotent. An unknown id is an apperr NotFound, an unknown status an
// apperr Invalid.
func DeliveryReport(ctx context.Context, d db.Handle, now time.Time, providerMessageID, status string) error {
	return deliveryReport(ctx, d, now, providerMessageID, status, "")
}

func deliveryReport(ctx context.Context, d db.Handle, now time.Time, providerMessageID, status, reason string) error {
	providerMessageID = strings.TrimSpace(providerMessageID)
	status = strings.TrimSpace(status)
	if providerMessageID == "" {
		return apperr.New(apperr.NotFound, "No message was sent with that provider message ID.")
	}
	var (
		q    string
		args = []any{providerMessageID}
	)
	switch {
	case deliveredStatuses[status]:
		// From 'undeliverable' too: the network may retry and report again.
		q = `UPDATE outbox SET status = 'delivered', delivered_at = $2, last_error = ''
			WHERE provider_message_id = $1 AND status IN ('sent', 'undeliverable')`
		args = append(args, dbTime(now))
	case undeliverableStatuses[status]:
		msg := "delivery report: " + status
		if reason = strings.TrimSpace(reason); reason != "" {
			msg += " (" + reason + ")"
		}
		q = `UPDATE outbox SET status = 'undeliverable', last_error = $2
			WHERE provider_message_id = $1 AND status = 'sent'`
		args = append(args, truncate(msg))
	case transitStatuses[status]:
	default:
		return apperr.New(apperr.Invalid, "Unknown delivery status %q.", status)
	}
	if q != "" {
		res, err := d.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("record delivery report for %s: %w", providerMessageID, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
	}
	// Nothing changed: a report on the way, a repeat, or an id we never had.
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE provider_message_id = $1`, providerMessageID).Scan(&n); err != nil {
		return fmt.Errorf("look up message %s: %w", providerMessageID, err)
	}
	if n == 0 {
		return apperr.New(apperr.NotFound, "No message was sent with that provider message ID.")
	}
	return nil
}

// AfricasTalkingDeliveryHandler receives Africa's Talking's SMS delivery reports: a POST with a
// form body of id, status, phoneNumber, networkCode, failureReason and retryCount. It answers 200
// once the report is recorded — and also for an id or status it does not know (logged), so that
// Africa's Talking does not retry it forever; 400 for a body that is not such a form; 500 when the
// database fails, so that the report comes again.
//
// Africa's Talking does not sign its callbacks: mount it on a path that needs no session or CSRF
// token, and keep it to the provider's addresses at the proxy if you can.
func AfricasTalkingDeliveryHandler(d *db.DB, now func() time.Time, log *slog.Logger) http.Handler {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "cannot read the form", http.StatusBadRequest)
			return
		}
		f := r.PostForm
		id, status := strings.TrimSpace(f.Get("id")), strings.TrimSpace(f.Get("status"))
		if id == "" || status == "" {
			http.Error(w, "id and status are required", http.StatusBadRequest)
			return
		}
		l := log.With("provider", "africastalking", "provider_message_id", id, "status", status,
			"failure_reason", f.Get("failureReason"), "network_code", f.Get("networkCode"), "retry_count", f.Get("retryCount"))
		err := deliveryReport(r.Context(), d, now(), id, status, f.Get("failureReason"))
		switch {
		case err == nil:
			l.DebugContext(r.Context(), "notify: delivery report")
		case apperr.Is(err, apperr.NotFound), apperr.Is(err, apperr.Invalid):
			l.WarnContext(r.Context(), "notify: delivery report ignored", "err", err)
		default:
			l.ErrorContext(r.Context(), "notify: recording a delivery report", "err", err)
			http.Error(w, "try again later", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("OK\n"))
	})
}
