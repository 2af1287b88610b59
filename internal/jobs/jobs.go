package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// Statuses of a job.
const (
	StatusPending   = "pending"   // waiting for run_at, or for a retry after a failed attempt
	StatusDone      = "done"      // its handler's work committed
	StatusFailed    = "failed"    // out of attempts, or no handler for its kind; not retried
	StatusCancelled = "cancelled" // cancelled before it ran
)

// Statuses lists every status, in lifecycle order (Stats reports each, zero or not).
var Statuses = []string{StatusPending, StatusDone, StatusFailed, StatusCancelled}

// Job is a job as its handler sees it.
type Job struct {
	ID      int64
	Kind    string // selects the handler, e.g. "request.escalate"
	Key     string // unique for ever, e.g. "escalate:request:42:step:1"
	RunAt   time.Time
	Payload json.RawMessage // the payload given to Schedule, as JSON
	// Attempts is how many attempts have failed before this one (0 on the first run).
	Attempts int
}

// Schedule adds a job inside the caller's transaction: it is scheduled if and only if the caller
// commits. payload is stored as JSON (json.Marshal). Scheduling is idempotent by key: a key that is
// pending, done or failed adds nothing and is not an error (the first schedule's run time and
// payload stand), so a replayed cause never runs its job twice, and a key that has run can never
// run again — put a generation in the key when an event may genuinely recur. A cancelled key is
// scheduled afresh (run time, payload, attempts): it never ran, so cancelling a request's jobs and
// scheduling the ones that still apply, in one transaction, keeps those whose keys are unchanged.
func Schedule(ctx context.Context, tx *sql.Tx, kind, key string, runAt time.Time, payload any) error {
	return ScheduleAll(ctx, tx, []New{{Kind: kind, Key: key, RunAt: runAt, Payload: payload}})
}

// New is a job to schedule with ScheduleAll.
type New struct {
	Kind, Key string
	RunAt     time.Time
	Payload   any
}

// ScheduleAll schedules several jobs in one statement, with Schedule's rules for each: a request's
// four SLA timers cost one round trip instead of four.
func ScheduleAll(ctx context.Context, tx *sql.Tx, list []New) error {
	if len(list) == 0 {
		return nil
	}
	st, err := ScheduleStmt(list)
	if err != nil {
		return err
	}
	if err := st.Exec(ctx, tx); err != nil {
		return fmt.Errorf("jobs: schedule %s…: %w", list[0].Key, err)
	}
	return nil
}

// ScheduleStmt is the statement ScheduleAll runs, for a caller that sends it with others
// (db.WriteNew). list must not be empty.
func ScheduleStmt(list []New) (db.Stmt, error) {
	if len(list) == 0 {
		return db.Stmt{}, errors.New("jobs: schedule: no jobs")
	}
	var values []string
	args := make([]any, 0, 4*len(list))
	for _, j := range list {
		if strings.TrimSpace(j.Kind) == "" || strings.TrimSpace(j.Key) == "" {
			return db.Stmt{}, fmt.Errorf("jobs: schedule: a job needs a kind and a key (kind %q, key %q)", j.Kind, j.Key)
		}
		if j.RunAt.IsZero() {
			return db.Stmt{}, fmt.Errorf("jobs: schedule %s: no run time", j.Key)
		}
		body, err := json.Marshal(j.Payload)
		if err != nil {
			return db.Stmt{}, fmt.Errorf("jobs: schedule %s: payload: %w", j.Key, err)
		}
		n := len(args)
		values = append(values, fmt.Sprintf("($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4))
		args = append(args, j.Kind, j.Key, dbTime(j.RunAt), string(body))
	}
	// ON CONFLICT (both engines) rather than catching the unique violation: on PostgreSQL a failed
	// statement would abort the caller's whole transaction.
	return db.Stmt{SQL: `INSERT INTO jobs (kind, key, run_at, payload) VALUES ` + strings.Join(values, ", ") + `
		ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, run_at = excluded.run_at, payload = excluded.payload,
			status = 'pending', attempts = 0, last_error = '', done_at = NULL
		WHERE jobs.status = 'cancelled'`, Args: args}, nil
}

// Reschedule moves the pending job with key to runAt (the SLA clock paused and resumed, a holiday
// was gazetted), keeping its attempts. A key with no pending job — never scheduled, or run,
// failed or cancelled already — is a not-found error. A job that a runner is running at that
// moment is waited for on PostgreSQL (its row is locked) and is then done, so not found.
func Reschedule(ctx context.Context, tx *sql.Tx, key string, runAt time.Time) error {
	if runAt.IsZero() {
		return fmt.Errorf("jobs: reschedule %s: no run time", key)
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET run_at = $2 WHERE key = $1 AND status = 'pending'`, key, dbTime(runAt))
	if err != nil {
		return fmt.Errorf("jobs: reschedule %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("jobs: reschedule %s: %w", key, err)
	} else if n == 0 {
		return apperr.Wrap(fmt.Errorf("jobs: no pending job has the key %q", key), apperr.NotFound, "Not found")
	}
	return nil
}

// CancelPrefix cancels every pending job whose key starts with keyPrefix — all of request 42's
// escalations when it is resolved: "escalate:request:42:" (end the prefix with the separator, or
// "…:4" would take 42 too) — and returns how many it cancelled. The prefix is matched literally and
// case-sensitively. A job that a runner is running at that moment is waited for on PostgreSQL and
// is then done, so not cancelled.
func CancelPrefix(ctx context.Context, tx *sql.Tx, keyPrefix string) (int, error) {
	if keyPrefix == "" {
		return 0, errors.New("jobs: cancel: an empty prefix would cancel every job")
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'cancelled', done_at = CURRENT_TIMESTAMP
		WHERE status = 'pending' AND `+hasPrefix, keyPrefix)
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel %s…: %w", keyPrefix, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel %s…: %w", keyPrefix, err)
	}
	return int(n), nil
}

// Cancel cancels the pending jobs with these exact keys — one lookup in the key's unique index
// each, where CancelPrefix reads every pending job — and returns how many it cancelled.
func Cancel(ctx context.Context, tx *sql.Tx, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	marks := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		marks[i], args[i] = fmt.Sprintf("$%d", i+1), k
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'cancelled', done_at = CURRENT_TIMESTAMP
		WHERE status = 'pending' AND key IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel %s: %w", keys[0], err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel %s: %w", keys[0], err)
	}
	return int(n), nil
}

// hasPrefix is true when key starts with $1. Not LIKE: SQLite's LIKE ignores case, and '_' and '%'
// in a key would be wildcards.
const hasPrefix = `substr(key, 1, length(CAST($1 AS TEXT))) = $1`

// Pending lists the pending jobs whose key starts with keyPrefix ("" for all), earliest first; for
// screens and tests.
func Pending(ctx context.Context, q db.Querier, keyPrefix string) ([]Job, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE status = 'pending' AND `+hasPrefix+` ORDER BY run_at, id`, keyPrefix)
	list, err := db.Collect(rows, err, scanJob)
	if err != nil {
		return nil, fmt.Errorf("jobs: list pending %s…: %w", keyPrefix, err)
	}
	return list, nil
}

// Stats counts the jobs by status, every status present; for metrics and the admin screen.
func Stats(ctx context.Context, q db.Querier) (map[string]int, error) {
	type count struct {
		status string
		n      int
	}
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM jobs GROUP BY status`)
	counts, err := db.Collect(rows, err, func(s db.Scanner) (count, error) {
		var c count
		return c, s.Scan(&c.status, &c.n)
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: count: %w", err)
	}
	out := make(map[string]int, len(Statuses))
	for _, s := range Statuses {
		out[s] = 0
	}
	for _, c := range counts {
		out[c.status] = c.n
	}
	return out, nil
}

const jobColumns = `id, kind, key, run_at, payload, attempts`

func scanJob(s db.Scanner) (Job, error) {
	var j Job
	var payload []byte
	if err := s.Scan(&j.ID, &j.Kind, &j.Key, &j.RunAt, &payload, &j.Attempts); err != nil {
		return j, err
	}
	j.RunAt = j.RunAt.UTC()
	j.Payload = json.RawMessage(payload)
	return j, nil
}

// dbTime is an instant as stored: UTC, to the microsecond (what PostgreSQL keeps), so that values
// compare and round-trip the same on both engines. On SQLite instants are text, which compares in
// time order only when every value is written the same way, in UTC: always pass instants through
// here.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
