package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// Defaults for a Worker; NewWorker sets them, and tests or the operator may change them before Run.
const (
	DefaultBatchSize   = 20
	DefaultLease       = time.Minute
	DefaultSendTimeout = 30 * time.Second
	DefaultInterval    = 5 * time.Second
	DefaultMaxAttempts = 10

	firstBackoff = 30 * time.Second
	maxBackoff   = time.Hour
	maxErrorLen  = 1000
)

// Worker sends the outbox: it claims due messages under a lease, hands each to the provider for its
// channel and records the result. Any number of workers, on any number of nodes, may run at once.
type Worker struct {
	db    *db.DB
	now   func() time.Time
	sms   Provider
	email Provider
	log   *slog.Logger

	BatchSize   int           // messages claimed per claim transaction
	Lease       time.Duration // how long a claim is held before another worker may take the message over
	SendTimeout time.Duration // the longest one Send may take; keep it well under Lease
	Interval    time.Duration // Run's pause between rounds
	MaxAttempts int           // attempts before a temporarily failing message is marked failed
}

// NewWorker returns a worker over d. A nil provider is a LogProvider; a nil clock is time.Now; a
// nil logger is slog.Default().
func NewWorker(d *db.DB, now func() time.Time, sms, email Provider, log *slog.Logger) *Worker {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	if sms == nil {
		sms = LogProvider{Log: log}
	}
	if email == nil {
		email = LogProvider{Log: log}
	}
	return &Worker{db: d, now: now, sms: sms, email: email, log: log,
		BatchSize: DefaultBatchSize, Lease: DefaultLease, SendTimeout: DefaultSendTimeout,
		Interval: DefaultInterval, MaxAttempts: DefaultMaxAttempts}
}

// Run calls RunOnce every Interval until ctx is done. Errors are logged, and the next round tries
// again.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "notify: outbox round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// claimed is a message this worker holds the lease on; attempts (after the claim) identifies the
// claim, so that a worker whose lease has been taken over cannot overwrite the new holder's result.
type claimed struct {
	Outgoing
	attempts int
}

// RunOnce sends every message due now, claiming BatchSize at a time, and returns how many the
// providers accepted. Provider failures are recorded on the messages, not returned; the error is
// for the database.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	for ctx.Err() == nil {
		batch, err := w.claim(ctx)
		if err != nil {
			return sent, err
		}
		if len(batch) == 0 {
			return sent, nil
		}
		for i, c := range batch {
			if ctx.Err() != nil {
				w.release(ctx, batch[i:])
				return sent, ctx.Err()
			}
			ok, err := w.process(ctx, c)
			if err != nil {
				w.release(ctx, batch[i+1:])
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, ctx.Err()
}

// claim takes the lease on up to BatchSize due messages, in one transaction: status 'sending',
// locked_until and next_attempt_at the end of the lease, one more attempt. On PostgreSQL, FOR
// UPDATE SKIP LOCKED lets concurrent claimers pass over each other's rows instead of waiting or
// taking the same ones; on SQLite the transaction is IMMEDIATE (db.Open), so claims run one at a
// time. A 'sending' row whose lease has run out (its worker stopped) is due again.
func (w *Worker) claim(ctx context.Context) ([]claimed, error) {
	now := dbTime(w.now())
	lease := now.Add(w.Lease)
	var out []claimed
	err := w.db.InTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		q := `SELECT id, channel, recipient, subject, body, COALESCE(dedupe_key, ''), COALESCE(request_id, 0), attempts
			FROM outbox
			WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
			ORDER BY next_attempt_at, id
			LIMIT $2` + w.db.Engine.Lock("FOR UPDATE SKIP LOCKED")
		rows, err := tx.QueryContext(ctx, q, now, w.BatchSize)
		due, err := db.Collect(rows, err, func(s db.Scanner) (claimed, error) {
			var c claimed
			err := s.Scan(&c.ID, &c.Channel, &c.To, &c.Subject, &c.Body, &c.DedupeKey, &c.RequestID, &c.attempts)
			return c, err
		})
		if err != nil {
			return fmt.Errorf("find due messages: %w", err)
		}
		for _, c := range due {
			if c.attempts >= w.MaxAttempts {
				// Only a stale lease gets here: the worker making the last attempt stopped before
				// recording it. The message may or may not have gone; do not try again.
				if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', locked_until = NULL,
					last_error = $2 WHERE id = $1`, c.ID, "gave up: the last attempt's worker stopped before recording a result"); err != nil {
					return fmt.Errorf("fail message %d: %w", c.ID, err)
				}
				continue
			}
			c.attempts++
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sending', attempts = $2,
				locked_until = $3, next_attempt_at = $3 WHERE id = $1`, c.ID, c.attempts, lease); err != nil {
				return fmt.Errorf("claim message %d: %w", c.ID, err)
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// process sends one claimed message and records the result. It reports whether the provider
// accepted the message; the error is for recording the result.
func (w *Worker) process(ctx context.Context, c claimed) (bool, error) {
	p := w.sms
	if c.Channel == Email {
		p = w.email
	}
	sendCtx, cancel := context.WithTimeout(ctx, w.SendTimeout)
	providerID, sendErr := p.Send(sendCtx, c.Outgoing)
	cancel()
	if sendErr != nil && ctx.Err() != nil {
		// Shutting down: the attempt was cut short, not refused. Hand the message back.
		w.release(ctx, []claimed{c})
		return false, nil
	}

	// The result is recorded even if ctx ends now: the provider has answered, and forgetting a
	// successful send would send the message again after the lease.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer rcancel()
	now := dbTime(w.now())
	log := w.log.With("message", c.ID, "channel", c.Channel, "provider", p.Name(), "attempt", c.attempts)

	var res sql.Result
	var err error
	switch {
	case sendErr == nil:
		res, err = w.db.ExecContext(rctx, `UPDATE outbox SET status = 'sent', provider = $3,
			provider_message_id = $4, sent_at = $5, locked_until = NULL, last_error = ''
			WHERE id = $1 AND status = 'sending' AND attempts = $2`,
			c.ID, c.attempts, p.Name(), nullString(providerID), now)
		log = log.With("provider_message_id", providerID)
	case errors.Is(sendErr, ErrPermanent) || c.attempts >= w.MaxAttempts:
		res, err = w.db.ExecContext(rctx, `UPDATE outbox SET status = 'failed', provider = $3,
			locked_until = NULL, last_error = $4
			WHERE id = $1 AND status = 'sending' AND attempts = $2`,
			c.ID, c.attempts, p.Name(), truncate(sendErr.Error()))
	default:
		next := now.Add(Backoff(c.attempts))
		res, err = w.db.ExecContext(rctx, `UPDATE outbox SET status = 'pending', provider = $3,
			next_attempt_at = $4, locked_until = NULL, last_error = $5
			WHERE id = $1 AND status = 'sending' AND attempts = $2`,
			c.ID, c.attempts, p.Name(), next, truncate(sendErr.Error()))
		log = log.With("next_attempt_at", next)
	}
	if err != nil {
		return false, fmt.Errorf("record result of message %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// The lease ran out during Send and another worker has the message now.
		log.WarnContext(ctx, "notify: lease lost before the result was recorded; the message may go twice", "err", sendErr)
	}
	switch {
	case sendErr == nil:
		log.DebugContext(ctx, "notify: sent")
	case errors.Is(sendErr, ErrPermanent) || c.attempts >= w.MaxAttempts:
		log.WarnContext(ctx, "notify: message failed, not retrying", "err", sendErr)
	default:
		log.WarnContext(ctx, "notify: send failed, will retry", "err", sendErr)
	}
	return sendErr == nil, nil
}

// release hands claimed messages back unsent (on shutdown), undoing their claim.
func (w *Worker) release(ctx context.Context, cs []claimed) {
	if len(cs) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := dbTime(w.now())
	for _, c := range cs {
		if _, err := w.db.ExecContext(rctx, `UPDATE outbox SET status = 'pending', attempts = attempts - 1,
			next_attempt_at = $3, locked_until = NULL
			WHERE id = $1 AND status = 'sending' AND attempts = $2`, c.ID, c.attempts, now); err != nil {
			// The lease runs out and another round takes it; nothing is lost.
			w.log.WarnContext(rctx, "notify: releasing a claimed message", "message", c.ID, "err", err)
		}
	}
}

// Backoff is the pause after a failed attempt (1 for the first): 30s, 1m, 2m, 4m… at most an hour.
func Backoff(attempt int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// Stats counts the outbox by status, every status present; for metrics and the admin screen.
func (w *Worker) Stats(ctx context.Context) map[string]int {
	out := make(map[string]int, len(Statuses))
	for _, s := range Statuses {
		out[s] = 0
	}
	rows, err := w.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	type count struct {
		status string
		n      int
	}
	counts, err := db.Collect(rows, err, func(s db.Scanner) (count, error) {
		var c count
		return c, s.Scan(&c.status, &c.n)
	})
	if err != nil {
		w.log.ErrorContext(ctx, "notify: counting the outbox", "err", err)
	}
	for _, c := range counts {
		out[c.status] = c.n
	}
	return out
}

func truncate(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	// Cut on a rune boundary.
	cut := maxErrorLen
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
