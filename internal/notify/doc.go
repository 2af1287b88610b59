// Package notify sends Huduma's outbound messages — SMS to citizens' phones, email when they gave an
// address — when a service request is acknowledged, changes status or is resolved.
//
// # Why an outbox
//
// A message must go if and only if the change it reports is committed, must not be lost when a
// provider is down, and must never hold up the request's transaction while an SMS gateway thinks.
// So a domain package does not send: it calls Enqueue with its own transaction, which inserts a row
// into the outbox table. If the transaction rolls back, the row was never there; if it commits, the
// row is there for a worker to send, however long the provider takes or stays down.
//
//	err := store.InTx(ctx, func(tx *sql.Tx) error {
//		// ... change the request, record the audit entry ...
//		return notify.Enqueue(ctx, tx, now, notify.Message{
//			Channel: notify.SMS, To: req.CitizenPhone, RequestID: req.ID,
//			Body:      "Huduma: your request " + req.Reference + " has been received.",
//			DedupeKey: fmt.Sprintf("request:%d:acknowledged:sms", req.ID),
//		})
//	})
//
// # Once per event
//
// An event enqueued twice (a retried handler, a job that runs again) must not reach the citizen
// twice. The DedupeKey names the event; the outbox has a unique index on it and Enqueue inserts with
// ON CONFLICT DO NOTHING, so the second enqueue adds nothing and is not an error — and, on
// PostgreSQL, does not abort the caller's transaction as a failed insert would.
//
// # The worker and its lease
//
// Worker.RunOnce claims due rows (pending, or whose retry time has come) in a short claim
// transaction: it sets status 'sending', counts the attempt, and sets locked_until (and
// next_attempt_at) to now plus the lease, one minute. On PostgreSQL the claim selects with FOR UPDATE
// SKIP LOCKED, so workers on several nodes take different rows without waiting on each other; on
// SQLite the transaction is IMMEDIATE, so claims run one after another. Either way no two workers
// hold the same row at once. The worker then calls the provider outside any transaction — a slow
// gateway holds no lock — with a deadline well inside the lease, and records the result: 'sent' with
// the provider's message id; 'pending' again with exponential backoff (30s, 1m, 2m, 4m… at most an
// hour) for a temporary failure; 'failed' for a permanent one (the provider's error wraps
// ErrPermanent: a refused number, refused credentials) or after ten attempts. The result is written
// only while the worker still holds its claim (the row is 'sending' with the attempt count it
// claimed), so a worker that lost its lease cannot overwrite its successor's result.
//
// If a worker dies between claiming and recording, its lease runs out and the row is due again: the
// message is retried, not lost. The price is that delivery to the provider is at-least-once — a
// worker that stopped after the provider accepted the message but before recording it causes a
// second send after the lease. That window is the length of one database write; the dedupe key and
// the lease close every other way of sending twice.
//
// # Delivery reports
//
// Africa's Talking reports what became of an SMS by calling back (AfricasTalkingDeliveryHandler);
// DeliveryReport moves 'sent' to 'delivered' or 'undeliverable' by the provider's message id.
//
// # Providers
//
// LogProvider (development: writes the message to the log), AfricasTalkingSMS (Africa's Talking's
// bulk SMS API), SMTPProvider (email through any SMTP server). Package fakeat is a local Africa's
// Talking for tests.
package notify
