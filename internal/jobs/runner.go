package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// Defaults and limits of a Runner.
const (
	// MaxAttempts is how many failed attempts a job gets before it is marked failed.
	MaxAttempts = 8
	// DefaultTimeout is the longest one job's transaction (claim, handler, completion) may take.
	DefaultTimeout = 10 * time.Second
	// DefaultInterval is Run's pause between polls when it is given none.
	DefaultInterval = 5 * time.Second

	firstBackoff = time.Minute
	maxBackoff   = time.Hour
	maxErrorLen  = 1000
)

// Handler does a job's work inside tx, the transaction that also marks the job done: the work and
// the completion commit together, or neither does. It must not commit or roll back tx, and must not
// do external I/O (send an SMS, call an agency's API): a rolled-back attempt cannot take that back.
// Messages go to the outbox (notify.Enqueue) in tx instead. An error, or a panic, rolls the work
// back and the job is retried after a backoff.
type Handler func(ctx context.Context, tx *sql.Tx, job Job) error

// Runner runs due jobs with the handlers registered for their kinds. Any number of runners, in one
// process or on many nodes sharing a database, may run at once: each job's work commits once.
type Runner struct {
	db        *db.DB
	now       func() time.Time
	log       *slog.Logger
	claimSQL  string
	handlerMu sync.RWMutex
	handlers  map[string]Handler

	// Timeout bounds one job's transaction, handler included; a handler that overruns it fails
	// that attempt. On SQLite the transaction holds the database's write lock throughout, so keep
	// handlers short.
	Timeout time.Duration
}

// NewRunner returns a runner over d with no handlers. A nil clock is time.Now; a nil logger is
// slog.Default().
func NewRunner(d *db.DB, now func() time.Time, log *slog.Logger) *Runner {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Runner{db: d, now: now, log: log, claimSQL: claimSQL(d.Engine),
		handlers: map[string]Handler{}, Timeout: DefaultTimeout}
}

// claimSQL selects the earliest due job and holds it for the claiming transaction. It is the one
// difference between the engines. PostgreSQL: FOR UPDATE locks the row until the transaction ends,
// and SKIP LOCKED lets concurrent claimers pass over rows other runners hold rather than wait for
// them (or, under READ COMMITTED, take a row that has just been done: a locked row is re-read
// before it is returned, and must still be pending). SQLite: db.Open begins every transaction
// IMMEDIATE, so the claiming transaction holds the database's write lock from its start and claims
// are serialised; other runners wait on busy_timeout.
func claimSQL(engine db.Engine) string {
	return `SELECT ` + jobColumns + ` FROM jobs WHERE status = 'pending' AND run_at <= $1 ORDER BY run_at, id LIMIT 1` +
		engine.Lock("FOR UPDATE SKIP LOCKED")
}

// Handle registers h for jobs of kind. Register every kind before Run: a runner fails a job whose
// kind it has no handler for. Registering a kind twice panics, as http.ServeMux does.
func (r *Runner) Handle(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Handle needs a kind and a handler")
	}
	r.handlerMu.Lock()
	defer r.handlerMu.Unlock()
	if _, dup := r.handlers[kind]; dup {
		panic(fmt.Sprintf("jobs: a handler for %q is registered already", kind))
	}
	r.handlers[kind] = h
}

func (r *Runner) handler(kind string) Handler {
	r.handlerMu.RLock()
	defer r.handlerMu.RUnlock()
	return r.handlers[kind]
}

// Run polls for due jobs every interval (DefaultInterval if it is not positive) and runs them,
// until ctx is done. A job runs at most about one interval after its run_at. Errors are logged,
// and the next poll tries again.
func (r *Runner) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "jobs: running due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs every job due now, earliest first, each in a transaction of its own, and returns how
// many it took: done, retried later or failed. Handler errors are recorded on their jobs, not
// returned; the error is the database's, or ctx's.
func (r *Runner) RunDue(ctx context.Context) (ran int, err error) {
	// Look first, outside any transaction: an idle poll then takes no lock (on SQLite a claiming
	// transaction takes the database's write lock).
	var id int64
	err = r.db.QueryRowContext(ctx, `SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $1 ORDER BY run_at, id LIMIT 1`,
		dbTime(r.now())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("jobs: look for due jobs: %w", err)
	}
	for ctx.Err() == nil {
		took, err := r.runOne(ctx)
		if took {
			ran++
		}
		if err != nil || !took {
			return ran, err
		}
	}
	return ran, ctx.Err()
}

// savepoint separates a handler's work from its job's claim, so that a failed attempt undoes the
// work and records the failure in the claiming transaction, before another runner can claim the
// job again.
const savepoint = "jobs_handler"

// runOne claims the earliest due job, if there is one, and runs it; it reports whether it took one.
func (r *Runner) runOne(ctx context.Context) (took bool, err error) {
	now := dbTime(r.now())
	jctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	tx, err := r.db.BeginTx(jctx, nil)
	if err != nil {
		return false, fmt.Errorf("jobs: begin: %w", err)
	}
	defer tx.Rollback() // after Commit, a no-op

	job, err := scanJob(tx.QueryRowContext(jctx, r.claimSQL, now))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // another runner took the last one
	}
	if err != nil {
		return false, fmt.Errorf("jobs: claim: %w", err)
	}

	h := r.handler(job.Kind)
	if h == nil {
		return true, r.fail(ctx, tx, job, now, fmt.Errorf("no handler for kind %q on this node", job.Kind), false)
	}
	if _, err := tx.ExecContext(jctx, "SAVEPOINT "+savepoint); err != nil {
		return true, fmt.Errorf("jobs: job %d: savepoint: %w", job.ID, err)
	}
	herr := r.call(jctx, tx, h, job)
	if herr == nil {
		if herr = r.complete(jctx, tx, job, now); herr == nil {
			r.log.DebugContext(ctx, "jobs: done", "job", job.ID, "kind", job.Kind, "key", job.Key, "attempt", job.Attempts+1)
			return true, nil
		}
	}
	if ctx.Err() != nil {
		// Shutting down: the attempt was cut short, not failed. It rolls back, and the job is due
		// again for the next runner, its attempts unchanged.
		return true, ctx.Err()
	}
	return true, r.fail(ctx, tx, job, now, herr, true)
}

// complete marks the claimed job done and commits it with its handler's work. Its failure fails
// the attempt: a handler that left the transaction unusable (on PostgreSQL, a statement error it
// swallowed), or work the database refuses at commit (a deferred constraint). If a COMMIT's reply
// is lost, the runner cannot tell whether it happened, but the work and the completion went
// together either way; fail records nothing for a job no longer pending.
func (r *Runner) complete(ctx context.Context, tx *sql.Tx, job Job, now time.Time) error {
	// The status condition is a second guard: the claim already excludes every other runner.
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'done', done_at = $2, last_error = ''
		WHERE id = $1 AND status = 'pending'`, job.ID, now)
	if err != nil {
		return fmt.Errorf("completing the job: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("completing the job: it was no longer pending (%d rows, %v)", n, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing the job's work: %w", err)
	}
	return nil
}

// call runs h, turning a panic into an error.
func (r *Runner) call(ctx context.Context, tx *sql.Tx, h Handler, job Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.log.ErrorContext(ctx, "jobs: handler panicked", "job", job.ID, "kind", job.Kind, "key", job.Key,
				"panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, tx, job)
}

// fail records a failed attempt: pending again after Backoff, or failed for good once the job is
// out of attempts (or retry is false). Undoing the handler's work (ROLLBACK TO SAVEPOINT) keeps
// the claiming transaction, so the record commits while the job is still held. When that
// transaction is lost — the handler overran Timeout, the connection dropped, a handler broke the
// rules and ended it — the record goes in a small transaction of its own, and only if no other
// runner has taken the job since.
func (r *Runner) fail(ctx context.Context, tx *sql.Tx, job Job, now time.Time, cause error, retry bool) error {
	attempts := job.Attempts + 1
	status, runAt, doneAt := StatusPending, now.Add(Backoff(attempts)), sql.NullTime{}
	if !retry || attempts >= MaxAttempts {
		status, runAt, doneAt = StatusFailed, job.RunAt, sql.NullTime{Time: now, Valid: true}
	}
	const record = `UPDATE jobs SET status = $3, attempts = $4, run_at = $5, last_error = $6, done_at = $7
		WHERE id = $1 AND status = 'pending' AND attempts = $2`
	args := []any{job.ID, job.Attempts, status, attempts, dbTime(runAt), truncate(cause.Error()), doneAt}

	err := func() error {
		if retry {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+savepoint); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, record, args...); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		_ = tx.Rollback()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		res, err2 := r.db.ExecContext(rctx, record, args...)
		if err2 != nil {
			// The job stays pending, its attempt uncounted, and runs again at the next poll.
			return fmt.Errorf("jobs: record failed attempt of job %d (%v): %w", job.ID, cause, errors.Join(err, err2))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r.log.WarnContext(ctx, "jobs: attempt failed, and the job has moved on since (taken by another runner, or done by this attempt's lost commit); nothing recorded",
				"job", job.ID, "kind", job.Kind, "key", job.Key, "err", cause)
			return nil
		}
	}

	log := r.log.With("job", job.ID, "kind", job.Kind, "key", job.Key, "attempt", attempts, "err", cause)
	if status == StatusFailed {
		log.ErrorContext(ctx, "jobs: job failed, not retrying")
	} else {
		log.WarnContext(ctx, "jobs: attempt failed, will retry", "run_at", runAt)
	}
	return nil
}

// Backoff is the pause after failed attempt n (1 for the first): 1m, 2m, 4m… at most an hour.
func Backoff(n int) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

func truncate(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	cut := maxErrorLen
	for cut > 0 && s[cut]&0xC0 == 0x80 { // on a rune boundary
		cut--
	}
	return s[:cut] + "…"
}
