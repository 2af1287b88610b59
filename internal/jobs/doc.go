// Package jobs runs durable scheduled work exactly once: a request's SLA warning at 75% of its
// time, its escalation to the centre manager at the deadline, to the agency admin and to the
// national secretariat after that. Jobs live in the jobs table, so they survive a restart; any
// number of runners, on any number of nodes sharing one PostgreSQL database (or processes sharing
// one SQLite file), may run at once.
//
// # Using it
//
// A domain change schedules the work it calls for in its own transaction, under a key naming the
// event:
//
//	jobs.Schedule(ctx, tx, "request.escalate", "escalate:request:42:step:1", due, step)
//	jobs.Reschedule(ctx, tx, "escalate:request:42:step:1", moved) // the clock paused and resumed
//	jobs.CancelPrefix(ctx, tx, "escalate:request:42:")           // resolved: no more escalations
//
// and the process that serves registers a handler per kind and runs the runner:
//
//	r := jobs.NewRunner(d, now, log)
//	r.Handle("request.escalate", func(ctx context.Context, tx *sql.Tx, j jobs.Job) error { ... })
//	go r.Run(ctx, 5*time.Second)
//
// # Why each job's work happens exactly once
//
// A job's effect is what its handler writes to the database. The handler runs inside the
// transaction that claims the job and marks it done (UPDATE … SET status = 'done' WHERE id = $1
// AND status = 'pending'), so:
//
//   - Scheduled iff the cause commits, and at most once: Schedule inserts in the caller's
//     transaction, and the key is UNIQUE, so a retried or replayed cause adds nothing (ON
//     CONFLICT: only a cancelled job, which never ran, is scheduled afresh).
//   - The work commits iff the job becomes done: they are one transaction. A handler error or
//     panic rolls the work back (to a savepoint taken after the claim) and records the failed
//     attempt; a crash, a lost connection or a shutdown rolls back everything, leaving the job
//     pending, and it runs again. There is no lease to expire: the database ends a dead client's
//     transaction and with it the claim. If a COMMIT's reply is lost, the runner cannot tell the
//     outcome, but the work and the completion went together either way.
//   - A job becomes done at most once: a job leaves 'pending' only by an UPDATE that requires
//     'pending', and concurrent claimers cannot both hold it. On PostgreSQL the claim is SELECT …
//     FOR UPDATE SKIP LOCKED: the row stays locked until the claimer commits, other runners skip
//     it and take the next due job, and one that reaches the row after the commit re-reads it,
//     finds it done and passes over it. On SQLite db.Open starts every transaction IMMEDIATE, so a
//     claiming transaction holds the database's write lock from its first statement and claimers
//     (in one process or several) take turns, waiting on busy_timeout.
//   - A pending job that is due is claimed at every poll until it is done, or fails MaxAttempts
//     times (backoff 1m, 2m, 4m … at most 1h between attempts), or has no handler; then it is
//     'failed', counted by Stats and not retried.
//
// # Limits
//
//   - Exactly once covers database work only. A handler must not do external I/O itself — send an
//     SMS, call an agency's API, write a file: an attempt that rolls back (or whose commit is lost)
//     cannot take that back, and the retry would do it again. It enqueues the effect in the same
//     transaction instead (notify.Enqueue with a dedupe key); the outbox worker then delivers at
//     least once, and its dedupe key keeps one event to one message.
//   - A handler works through the transaction it is given (stores take it through
//     db.Within(tx, engine)) and must not commit or roll it back, nor open another: on SQLite a
//     second transaction waits for the write lock the job's own transaction holds. It must be
//     short: it holds the job's row lock on PostgreSQL and, on SQLite, the write lock of the whole
//     database, so every other writer waits for it (busy_timeout is 10s). Runner.Timeout (default
//     10s) ends an attempt that overruns it; the attempt counts as failed. Work refused at commit
//     (a deferred constraint) fails the attempt too.
//   - A job runs at or after its run_at, up to one poll interval late (plus the queue ahead of it);
//     never early by the runner's clock. Nodes' clocks should agree (NTP): a fast clock fires early.
//   - Keys are for ever: once a key has run or failed, scheduling it again adds nothing. Put a
//     generation in the key when an event may genuinely recur (a reopened request:
//     "escalate:request:42:open:2:step:1"). A cancelled key can be scheduled again, so "cancel the
//     request's jobs, schedule those that still apply" in one transaction is safe.
//   - Every node must register every kind: a runner fails a job whose kind it has no handler for,
//     which during a rolling upgrade includes kinds only newer nodes know.
//   - Jobs run in run_at order within a runner, but runners overlap: do not rely on one job
//     finishing before another starts. Put the order in the data (step 2 is scheduled by step 1).
//   - On PostgreSQL a node that hangs (rather than dies) keeps its claim until its connection
//     drops; set idle_in_transaction_session_timeout and TCP keepalives on the server.
//   - Done, failed and cancelled rows stay in the table; they are the record that keeps keys
//     unique.
package jobs
