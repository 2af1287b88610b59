package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/jobs"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// t0 is the tests' starting instant: a Monday morning in Nairobi.
var t0 = time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func newRunner(t testing.TB, d *db.DB, c *clock) *jobs.Runner {
	return jobs.NewRunner(d, c.now, testLog(t))
}

// workTable makes the table the tests' handlers write their work to. It has no unique constraint,
// so work done twice shows as two rows.
func workTable(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := d.ExecContext(ctx, `CREATE TABLE job_work (job_id BIGINT NOT NULL, note TEXT NOT NULL DEFAULT '')`); err != nil {
		t.Fatal(err)
	}
}

// writeWork is a handler's work: one row for job.
func writeWork(ctx context.Context, tx *sql.Tx, job jobs.Job, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO job_work (job_id, note) VALUES ($1, $2)`, job.ID, note)
	return err
}

func workRows(t testing.TB, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_work`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func schedule(t testing.TB, d *db.DB, kind, key string, runAt time.Time, payload any) {
	t.Helper()
	if err := d.InTx(ctx, func(tx *sql.Tx) error { return jobs.Schedule(ctx, tx, kind, key, runAt, payload) }); err != nil {
		t.Fatal(err)
	}
}

func runDue(t testing.TB, r *jobs.Runner) int {
	t.Helper()
	n, err := r.RunDue(ctx)
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	return n
}

// row is a job as stored, for checking what the runner recorded.
type row struct {
	status    string
	attempts  int
	lastError string
	runAt     time.Time
	done      bool // done_at set
}

func jobRow(t testing.TB, d *db.DB, key string) row {
	t.Helper()
	var r row
	var doneAt sql.NullTime
	if err := d.QueryRowContext(ctx, `SELECT status, attempts, last_error, run_at, done_at FROM jobs WHERE key = $1`, key).
		Scan(&r.status, &r.attempts, &r.lastError, &r.runAt, &doneAt); err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	r.runAt, r.done = r.runAt.UTC(), doneAt.Valid
	return r
}

func stats(t testing.TB, d *db.DB) map[string]int {
	t.Helper()
	s, err := jobs.Stats(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduledInRolledBackTransactionNeverRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		var ran atomic.Int32
		r.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error { ran.Add(1); return nil })
		boom := errors.New("the request could not be saved")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := jobs.Schedule(ctx, tx, "k", "k:1", t0, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		c.set(t0.Add(24 * time.Hour))
		if n := runDue(t, r); n != 0 || ran.Load() != 0 {
			t.Errorf("ran %d jobs (%d handler calls), want none", n, ran.Load())
		}
		if s := stats(t, d); s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
	})
}

func TestSameKeyTwiceRunsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		var got []string
		r.Handle("warn", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			got = append(got, string(job.Payload))
			return nil
		})
		schedule(t, d, "warn", "warn:request:1", t0.Add(time.Hour), map[string]int{"step": 1})
		// Again, in another transaction, with another time and payload: nothing changes.
		schedule(t, d, "warn", "warn:request:1", t0, map[string]int{"step": 2})
		// Twice in one transaction: the second adds nothing and does not abort the transaction.
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			for range 2 {
				if err := jobs.Schedule(ctx, tx, "warn", "warn:request:2", t0.Add(time.Hour), nil); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `SELECT 1`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pending, err := jobs.Pending(ctx, d, "warn:")
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 2 || !pending[0].RunAt.Equal(t0.Add(time.Hour)) || string(pending[0].Payload) != `{"step":1}` {
			t.Fatalf("pending %+v", pending)
		}
		c.set(t0.Add(2 * time.Hour))
		if n := runDue(t, r); n != 2 {
			t.Errorf("ran %d, want 2", n)
		}
		if n := runDue(t, r); n != 0 {
			t.Errorf("second RunDue ran %d, want 0", n)
		}
		// A key that has run cannot be scheduled again.
		schedule(t, d, "warn", "warn:request:1", t0.Add(3*time.Hour), nil)
		c.set(t0.Add(4 * time.Hour))
		if n := runDue(t, r); n != 0 {
			t.Errorf("a done key scheduled again ran %d", n)
		}
		if want := []string{`{"step":1}`, `null`}; !slices.Equal(got, want) {
			t.Errorf("handler saw %q, want %q", got, want)
		}
	})
}

func TestRunsAtRunAtNotBefore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		type step struct {
			Request int64 `json:"request"`
			Step    int   `json:"step"`
		}
		var got []jobs.Job
		r.Handle("escalate", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			got = append(got, job)
			return nil
		})
		// Not a whole second, and not UTC: stored in UTC, to the microsecond.
		runAt := t0.Add(10*time.Minute + 123456789*time.Nanosecond).In(time.FixedZone("EAT", 3*3600))
		schedule(t, d, "escalate", "escalate:request:42:step:1", runAt, step{42, 1})
		schedule(t, d, "escalate", "escalate:request:42:step:2", t0.Add(time.Hour), step{42, 2})

		c.set(runAt.Add(-time.Microsecond))
		if n := runDue(t, r); n != 0 {
			t.Fatalf("ran %d a microsecond early", n)
		}
		c.set(runAt.Truncate(time.Microsecond))
		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d at run_at, want 1", n)
		}
		c.set(t0.Add(5 * time.Hour))
		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d after run_at, want 1", n)
		}
		if len(got) != 2 {
			t.Fatalf("handler calls %+v", got)
		}
		j := got[0]
		var s step
		if err := json.Unmarshal(j.Payload, &s); err != nil || s != (step{42, 1}) {
			t.Errorf("payload %s: %+v, %v", j.Payload, s, err)
		}
		if j.ID == 0 || j.Kind != "escalate" || j.Key != "escalate:request:42:step:1" || j.Attempts != 0 ||
			!j.RunAt.Equal(runAt.Truncate(time.Microsecond)) || j.RunAt.Location() != time.UTC {
			t.Errorf("job %+v", j)
		}
		if got := jobRow(t, d, j.Key); got.status != jobs.StatusDone || !got.done {
			t.Errorf("row %+v", got)
		}
		if s := stats(t, d); s[jobs.StatusDone] != 2 || s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
	})
}

// TestWorkAndCompletionAreAtomic: a failed attempt leaves none of its work, the job retries after
// the backoff, and the attempt that succeeds leaves its work once.
func TestWorkAndCompletionAreAtomic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		workTable(t, d)
		c := newClock()
		r := newRunner(t, d, c)
		calls := 0
		var attemptsSeen []int
		r.Handle("flaky", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			calls++
			attemptsSeen = append(attemptsSeen, job.Attempts)
			if err := writeWork(ctx, tx, job, fmt.Sprint("call ", calls)); err != nil {
				return err
			}
			if calls <= 2 {
				return fmt.Errorf("agency system down (call %d)", calls)
			}
			return nil
		})
		const key = "flaky:1"
		schedule(t, d, "flaky", key, t0, nil)

		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d", n)
		}
		got := jobRow(t, d, key)
		if got.status != jobs.StatusPending || got.attempts != 1 || got.lastError != "agency system down (call 1)" ||
			!got.runAt.Equal(t0.Add(time.Minute)) || got.done {
			t.Fatalf("after the first failure: %+v", got)
		}
		if n := workRows(t, d); n != 0 {
			t.Fatalf("a failed attempt left %d rows of work", n)
		}
		// Not before the backoff.
		c.set(t0.Add(time.Minute - time.Microsecond))
		if n := runDue(t, r); n != 0 {
			t.Fatalf("retried %d before the backoff", n)
		}
		c.set(t0.Add(time.Minute))
		if n := runDue(t, r); n != 1 {
			t.Fatalf("retry ran %d", n)
		}
		got = jobRow(t, d, key)
		if got.attempts != 2 || !got.runAt.Equal(t0.Add(3*time.Minute)) || workRows(t, d) != 0 {
			t.Fatalf("after the second failure: %+v", got)
		}
		c.set(t0.Add(3 * time.Minute))
		if n := runDue(t, r); n != 1 {
			t.Fatalf("third attempt ran %d", n)
		}
		c.set(t0.Add(48 * time.Hour))
		if n := runDue(t, r); n != 0 {
			t.Fatalf("a done job ran again: %d", n)
		}
		got = jobRow(t, d, key)
		if got.status != jobs.StatusDone || got.attempts != 2 || got.lastError != "" || !got.done {
			t.Errorf("done: %+v", got)
		}
		var n int
		var note string
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), MAX(note) FROM job_work`).Scan(&n, &note); err != nil {
			t.Fatal(err)
		}
		if n != 1 || note != "call 3" {
			t.Errorf("work rows %d (%q), want exactly the third call's", n, note)
		}
		if !slices.Equal(attemptsSeen, []int{0, 1, 2}) {
			t.Errorf("handler saw attempts %v", attemptsSeen)
		}
	})
}

func TestFailsAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		calls := 0
		r.Handle("doomed", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			calls++
			return errors.New(strings.Repeat("é", 800)) // 1600 bytes: stored cut short
		})
		schedule(t, d, "doomed", "doomed:1", t0, nil)
		at := t0
		for attempt := 1; attempt <= jobs.MaxAttempts; attempt++ {
			c.set(at)
			if n := runDue(t, r); n != 1 {
				t.Fatalf("attempt %d: ran %d", attempt, n)
			}
			got := jobRow(t, d, "doomed:1")
			if got.attempts != attempt {
				t.Fatalf("attempt %d recorded as %d", attempt, got.attempts)
			}
			if attempt < jobs.MaxAttempts {
				at = at.Add(jobs.Backoff(attempt))
				if got.status != jobs.StatusPending || !got.runAt.Equal(at) {
					t.Fatalf("attempt %d: %+v, want pending at %v", attempt, got, at)
				}
			} else if got.status != jobs.StatusFailed || !got.done || !strings.HasSuffix(got.lastError, "é…") || len(got.lastError) > 1010 {
				t.Fatalf("last attempt: %+v", got)
			}
		}
		c.set(at.Add(24 * time.Hour))
		if n := runDue(t, r); n != 0 || calls != jobs.MaxAttempts {
			t.Errorf("a failed job ran again: %d (calls %d)", n, calls)
		}
		if s := stats(t, d); s[jobs.StatusFailed] != 1 || s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
	})
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute,
		6: 32 * time.Minute, 7: time.Hour, 8: time.Hour, 50: time.Hour} {
		if got := jobs.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestRescheduleAndCancelPrefix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		var ran []string
		r.Handle("escalate", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			ran = append(ran, job.Key)
			return nil
		})
		for _, key := range []string{
			"escalate:request:42:step:1", "escalate:request:42:step:2", "escalate:request:42:step:3",
			"escalate:request:420:step:1", "escalate:request:43:step:1",
			"x_y:1", "xay:1", "X_Y:2", "50%:1", "500:1",
		} {
			schedule(t, d, "escalate", key, t0.Add(10*time.Minute), nil)
		}

		// The SLA clock paused: step 1 of request 43 moves on, later and then earlier.
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := jobs.Reschedule(ctx, tx, "escalate:request:43:step:1", t0.Add(2*time.Hour)); err != nil {
				return err
			}
			return jobs.Reschedule(ctx, tx, "escalate:request:43:step:1", t0.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error { return jobs.Reschedule(ctx, tx, "escalate:request:44:step:1", t0) })
		if !apperr.Is(err, apperr.NotFound) {
			t.Errorf("rescheduling an unknown key: %v, want not found", err)
		}

		// Request 42 is resolved: its escalations go, request 420's stay.
		var cancelled int
		err = d.InTx(ctx, func(tx *sql.Tx) (err error) {
			cancelled, err = jobs.CancelPrefix(ctx, tx, "escalate:request:42:")
			return err
		})
		if err != nil || cancelled != 3 {
			t.Fatalf("CancelPrefix: %d, %v", cancelled, err)
		}
		// A cancel in a rolled-back transaction cancels nothing.
		_ = d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := jobs.CancelPrefix(ctx, tx, "escalate:request:420:"); err != nil {
				return err
			}
			return errors.New("rolled back")
		})
		// The prefix is literal and case-sensitive: '_' and '%' are not wildcards.
		for prefix, want := range map[string]int{"x_": 1, "50%": 1, "escalate:request:42:": 0} {
			var n int
			err := d.InTx(ctx, func(tx *sql.Tx) (err error) {
				n, err = jobs.CancelPrefix(ctx, tx, prefix)
				return err
			})
			if err != nil || n != want {
				t.Errorf("CancelPrefix(%q) = %d, %v; want %d", prefix, n, err, want)
			}
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error { _, err := jobs.CancelPrefix(ctx, tx, ""); return err })
		if err == nil {
			t.Error("an empty prefix was accepted")
		}

		pending, err := jobs.Pending(ctx, d, "escalate:")
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, j := range pending {
			keys = append(keys, j.Key)
		}
		if want := []string{"escalate:request:420:step:1", "escalate:request:43:step:1"}; !slices.Equal(keys, want) {
			t.Errorf("pending %q, want %q (earliest first)", keys, want)
		}
		if all, _ := jobs.Pending(ctx, d, ""); len(all) != 5 {
			t.Errorf("all pending: %d, want 5", len(all))
		}

		c.set(t0.Add(30 * time.Minute))
		runDue(t, r)
		c.set(t0.Add(time.Hour))
		runDue(t, r)
		slices.Sort(ran)
		if want := []string{"500:1", "X_Y:2", "escalate:request:420:step:1", "escalate:request:43:step:1", "xay:1"}; !slices.Equal(ran, want) {
			t.Errorf("ran %q, want %q", ran, want)
		}
		// A job that has run cannot be moved.
		err = d.InTx(ctx, func(tx *sql.Tx) error { return jobs.Reschedule(ctx, tx, "escalate:request:43:step:1", t0) })
		if !apperr.Is(err, apperr.NotFound) {
			t.Errorf("rescheduling a done job: %v, want not found", err)
		}
		if got := jobRow(t, d, "escalate:request:42:step:1"); got.status != jobs.StatusCancelled || !got.done {
			t.Errorf("cancelled job: %+v", got)
		}
		if s := stats(t, d); s[jobs.StatusCancelled] != 5 || s[jobs.StatusDone] != 5 || s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
	})
}

func TestPanicIsRecovered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		workTable(t, d)
		c := newClock()
		r := newRunner(t, d, c)
		r.Handle("panics", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			if err := writeWork(ctx, tx, job, "before the panic"); err != nil {
				return err
			}
			var m map[string]int
			m["boom"]++ // assignment to entry in nil map
			return nil
		})
		r.Handle("fine", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error { return writeWork(ctx, tx, job, "fine") })
		schedule(t, d, "panics", "panics:1", t0, nil)
		schedule(t, d, "fine", "fine:1", t0.Add(time.Second), nil)
		c.set(t0.Add(time.Minute))
		if n := runDue(t, r); n != 2 {
			t.Fatalf("ran %d, want both jobs: a panic does not stop the runner", n)
		}
		got := jobRow(t, d, "panics:1")
		if got.status != jobs.StatusPending || got.attempts != 1 || !strings.Contains(got.lastError, "panic") ||
			!strings.Contains(got.lastError, "nil map") || !got.runAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("panicked job: %+v", got)
		}
		var notes []string
		rows, err := d.QueryContext(ctx, `SELECT note FROM job_work`)
		notes, err = db.Collect(rows, err, func(s db.Scanner) (string, error) { var n string; return n, s.Scan(&n) })
		if err != nil || !slices.Equal(notes, []string{"fine"}) {
			t.Errorf("work %q, %v: the panicking handler's row must be rolled back", notes, err)
		}
	})
}

func TestUnknownKindFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		r.Handle("known", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error { return nil })
		schedule(t, d, "mystery", "mystery:1", t0, nil)
		schedule(t, d, "known", "known:1", t0, nil)
		if n := runDue(t, r); n != 2 {
			t.Fatalf("ran %d", n)
		}
		got := jobRow(t, d, "mystery:1")
		if got.status != jobs.StatusFailed || got.attempts != 1 || !got.done || got.lastError != `no handler for kind "mystery" on this node` {
			t.Errorf("unknown kind: %+v", got)
		}
		if got := jobRow(t, d, "known:1"); got.status != jobs.StatusDone {
			t.Errorf("known kind: %+v", got)
		}
	})
}

// TestInterruptedAttemptRunsAgain: an attempt cut short (shutdown, or a crash: the transaction
// never commits) leaves no work and no record, and the job runs again, once.
func TestInterruptedAttemptRunsAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		workTable(t, d)
		c := newClock()
		first := newRunner(t, d, c)
		started := make(chan struct{})
		first.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			if err := writeWork(ctx, tx, job, "interrupted"); err != nil {
				return err
			}
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		schedule(t, d, "k", "k:1", t0, nil)
		rctx, cancel := context.WithCancel(ctx)
		go func() { <-started; cancel() }()
		if _, err := first.RunDue(rctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted RunDue: %v", err)
		}
		if got := jobRow(t, d, "k:1"); got.status != jobs.StatusPending || got.attempts != 0 || !got.runAt.Equal(t0) {
			t.Fatalf("after the interruption: %+v; want pending, the attempt not counted", got)
		}
		if n := workRows(t, d); n != 0 {
			t.Fatalf("the interrupted attempt left %d rows", n)
		}
		second := newRunner(t, d, c)
		second.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error { return writeWork(ctx, tx, job, "second") })
		if n := runDue(t, second); n != 1 || workRows(t, d) != 1 {
			t.Errorf("second runner ran %d, rows %d", n, workRows(t, d))
		}
	})
}

// TestHandlerTimeout: an attempt that overruns Runner.Timeout loses its transaction; the failure is
// recorded in a transaction of its own.
func TestHandlerTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		workTable(t, d)
		c := newClock()
		r := newRunner(t, d, c)
		r.Timeout = 50 * time.Millisecond
		r.Handle("slow", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			if err := writeWork(ctx, tx, job, "slow"); err != nil {
				return err
			}
			<-ctx.Done()
			return fmt.Errorf("waiting for the registry: %w", ctx.Err())
		})
		schedule(t, d, "slow", "slow:1", t0, nil)
		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d", n)
		}
		got := jobRow(t, d, "slow:1")
		if got.status != jobs.StatusPending || got.attempts != 1 || !strings.Contains(got.lastError, "deadline exceeded") ||
			!got.runAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("timed-out job: %+v", got)
		}
		if n := workRows(t, d); n != 0 {
			t.Errorf("the timed-out attempt left %d rows", n)
		}
	})
}

// TestManyRunnersRunEachJobExactlyOnce is the property the package exists for: runners racing over
// the same due jobs do each job's work once. On PostgreSQL they claim concurrently (SKIP LOCKED);
// on SQLite each runner has its own database handle on the file, as separate processes would, and
// they take turns at the write lock.
func TestManyRunnersRunEachJobExactlyOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const (
			numJobs    = 200
			numRunners = 4
		)
		workTable(t, d)
		c := newClock()
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			for i := range numJobs {
				// Half are due at once, a backlog; the rest fall due one by one as the clock
				// moves, and every runner races for each.
				runAt := t0.Add(time.Duration(i%7) * time.Millisecond)
				if i >= numJobs/2 {
					runAt = t0.Add(time.Duration(i-numJobs/2+1) * time.Second)
				}
				if err := jobs.Schedule(ctx, tx, "count", fmt.Sprintf("count:%d", i), runAt, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c.set(t0)

		var total, inFlight, maxInFlight atomic.Int64
		handler := func(runner int) jobs.Handler {
			return func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
				n := inFlight.Add(1)
				defer inFlight.Add(-1)
				for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
				}
				if err := writeWork(ctx, tx, job, fmt.Sprint(runner)); err != nil {
					return err
				}
				if d.Engine == db.Postgres {
					// Hold the claim a moment, so that runners overlap. (On SQLite that would only
					// lengthen the write lock's hold, and the runner holding it would keep it.)
					time.Sleep(200 * time.Microsecond)
				}
				return nil
			}
		}
		runners := make([]*jobs.Runner, numRunners)
		for i := range runners {
			h := d
			if d.Engine == db.SQLite {
				h = openFile(t, d.Display)
			}
			runners[i] = newRunner(t, h, c)
			runners[i].Handle("count", handler(i))
		}

		tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		perRunner := make([]int, numRunners)
		errs := make([]error, numRunners)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, r := range runners {
			wg.Go(func() {
				<-start
				for total.Load() < numJobs && tctx.Err() == nil {
					n, err := r.RunDue(tctx)
					perRunner[i] += n
					total.Add(int64(n))
					if err != nil {
						errs[i] = err
						return
					}
				}
			})
		}
		close(start)
		for i := range numJobs / 2 {
			c.set(t0.Add(time.Duration(i+1) * time.Second))
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("runners: %v", err)
		}
		t.Logf("jobs per runner %v; at most %d handlers at once", perRunner, maxInFlight.Load())

		if got := total.Load(); got != numJobs {
			t.Errorf("runners took %d jobs, want %d", got, numJobs)
		}
		var rows, distinct int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT job_id) FROM job_work`).Scan(&rows, &distinct); err != nil {
			t.Fatal(err)
		}
		if rows != numJobs || distinct != numJobs {
			t.Errorf("work rows %d for %d distinct jobs; want %d of each", rows, distinct, numJobs)
		}
		rs, err := d.QueryContext(ctx, `SELECT job_id FROM job_work GROUP BY job_id HAVING COUNT(*) > 1 ORDER BY job_id`)
		dupes, err := db.Collect(rs, err, func(s db.Scanner) (int64, error) { var id int64; return id, s.Scan(&id) })
		if err != nil || len(dupes) != 0 {
			t.Errorf("jobs whose work was done more than once: %v (%v)", dupes, err)
		}
		if s := stats(t, d); s[jobs.StatusDone] != numJobs || s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
		// Every job's work is there, and is that job's.
		var missing int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM job_work w WHERE w.job_id = j.id)`).Scan(&missing); err != nil || missing != 0 {
			t.Errorf("%d jobs without work (%v)", missing, err)
		}
	})
}

// openFile opens another handle on the SQLite file at path, as another process would.
func openFile(t testing.TB, path string) *db.DB {
	t.Helper()
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestRestart: a job scheduled before a restart runs after it, from a new handle and a new runner.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huduma.db")
	open := func() *db.DB {
		d, err := db.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return d
	}
	c := newClock()

	before := open()
	schedule(t, before, "escalate", "escalate:request:7:step:1", t0.Add(time.Hour), map[string]int{"request": 7})
	r := newRunner(t, before, c)
	r.Handle("escalate", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
		t.Error("ran before it was due")
		return nil
	})
	if n := runDue(t, r); n != 0 {
		t.Fatalf("ran %d before the restart", n)
	}
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}

	after := open()
	defer after.Close()
	workTable(t, after)
	c.set(t0.Add(2 * time.Hour))
	r = newRunner(t, after, c)
	var payload string
	r.Handle("escalate", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
		payload = string(job.Payload)
		return writeWork(ctx, tx, job, "after")
	})
	if n := runDue(t, r); n != 1 || payload != `{"request":7}` || workRows(t, after) != 1 {
		t.Errorf("after the restart: ran %d, payload %s, rows %d", n, payload, workRows(t, after))
	}
}

// TestHeldJobIsSkipped: on PostgreSQL a runner passes over a job another runner holds, rather than
// waiting for it, and takes the next.
func TestHeldJobIsSkipped(t *testing.T) {
	d := dbtest.Postgres(t)
	c := newClock()
	holding, release := make(chan struct{}), make(chan struct{})
	a := newRunner(t, d, c)
	a.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
		close(holding)
		<-release
		return nil
	})
	b := newRunner(t, d, c)
	var bRan []string
	b.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
		bRan = append(bRan, job.Key)
		return nil
	})
	schedule(t, d, "k", "k:1", t0, nil)
	aDone := make(chan error, 1)
	go func() {
		_, err := a.RunDue(ctx)
		aDone <- err
	}()
	<-holding
	schedule(t, d, "k", "k:2", t0, nil)
	n, err := b.RunDue(ctx) // returns while a still holds k:1
	close(release)
	if err != nil || n != 1 || !slices.Equal(bRan, []string{"k:2"}) {
		t.Errorf("second runner: ran %d %q, %v; want k:2 only", n, bRan, err)
	}
	if err := <-aDone; err != nil {
		t.Fatal(err)
	}
	if s := stats(t, d); s[jobs.StatusDone] != 2 {
		t.Errorf("stats %v", s)
	}
}

// TestRun: the poll loop runs jobs as they fall due and stops with its context.
func TestRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		ran := make(chan string, 10)
		r.Handle("k", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			ran <- job.Key
			return nil
		})
		rctx, cancel := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() { r.Run(rctx, 5*time.Millisecond); close(stopped) }()

		schedule(t, d, "k", "k:later", t0.Add(time.Hour), nil)
		schedule(t, d, "k", "k:now", t0, nil)
		select {
		case key := <-ran:
			if key != "k:now" {
				t.Errorf("ran %s first", key)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not run the due job")
		}
		c.set(t0.Add(time.Hour))
		select {
		case key := <-ran:
			if key != "k:later" {
				t.Errorf("ran %s", key)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not run the job when it fell due")
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not stop with its context")
		}
	})
}

func TestScheduleRejectsMistakes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for name, call := range map[string]func(tx *sql.Tx) error{
			"no kind": func(tx *sql.Tx) error { return jobs.Schedule(ctx, tx, "", "k:1", t0, nil) },
			"no key":  func(tx *sql.Tx) error { return jobs.Schedule(ctx, tx, "k", " ", t0, nil) },
			"no time": func(tx *sql.Tx) error { return jobs.Schedule(ctx, tx, "k", "k:1", time.Time{}, nil) },
			"bad payload": func(tx *sql.Tx) error {
				return jobs.Schedule(ctx, tx, "k", "k:1", t0, map[string]any{"c": make(chan int)})
			},
		} {
			if err := d.InTx(ctx, call); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if s := stats(t, d); s[jobs.StatusPending] != 0 {
			t.Errorf("stats %v", s)
		}
	})
}

func TestHandleRejectsDuplicates(t *testing.T) {
	r := jobs.NewRunner(&db.DB{Engine: db.SQLite}, nil, nil)
	r.Handle("k", func(context.Context, *sql.Tx, jobs.Job) error { return nil })
	defer func() {
		if recover() == nil {
			t.Error("a second handler for one kind was accepted")
		}
	}()
	r.Handle("k", func(context.Context, *sql.Tx, jobs.Job) error { return nil })
}

// TestRefusedCompletionFailsTheAttempt: work the database refuses only at commit (a deferred
// constraint), or a handler that swallows a statement's error (which on PostgreSQL leaves the
// transaction unusable), fails the attempt like a returned error: counted, retried, nothing kept.
func TestRefusedCompletionFailsTheAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, q := range []string{
			`CREATE TABLE parents (id BIGINT PRIMARY KEY)`,
			`CREATE TABLE children (parent_id BIGINT NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)`,
		} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		c := newClock()
		r := newRunner(t, d, c)
		r.Handle("orphan", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO children (parent_id) VALUES (99)`)
			return err // nil: the check waits for the commit
		})
		r.Handle("swallow", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			tx.ExecContext(ctx, `INSERT INTO parents (id) VALUES (1)`)
			tx.ExecContext(ctx, `INSERT INTO parents (id) VALUES (1)`) // a duplicate, its error ignored
			return nil
		})
		schedule(t, d, "orphan", "orphan:1", t0, nil)
		schedule(t, d, "swallow", "swallow:1", t0.Add(time.Second), nil)
		c.set(t0.Add(time.Second))
		if n := runDue(t, r); n != 2 {
			t.Fatalf("ran %d", n)
		}
		got := jobRow(t, d, "orphan:1")
		if got.status != jobs.StatusPending || got.attempts != 1 || !strings.Contains(got.lastError, "committing") {
			t.Errorf("orphan: %+v", got)
		}
		var children, parents int
		d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM children), (SELECT COUNT(*) FROM parents)`).Scan(&children, &parents)
		if children != 0 {
			t.Errorf("%d children kept", children)
		}
		got = jobRow(t, d, "swallow:1")
		switch d.Engine {
		case db.Postgres: // the failed INSERT aborted the transaction: nothing kept
			if got.status != jobs.StatusPending || got.attempts != 1 || !strings.Contains(got.lastError, "completing") || parents != 0 {
				t.Errorf("swallow: %+v, %d parents", got, parents)
			}
		case db.SQLite: // only the statement failed: the first INSERT and the completion commit
			if got.status != jobs.StatusDone || parents != 1 {
				t.Errorf("swallow: %+v, %d parents", got, parents)
			}
		}
		// The pool is sound afterwards: no connection was left inside a transaction.
		for range 10 {
			if err := d.InTx(ctx, func(tx *sql.Tx) error { return jobs.Schedule(ctx, tx, "x", "x:1", t0, nil) }); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestCancelledKeyIsScheduledAfresh: a cancelled job never ran, so its key may be scheduled again —
// "cancel the request's timers, schedule the ones that apply" in one transaction keeps a timer
// whose key is unchanged. A done key stays done.
func TestCancelledKeyIsScheduledAfresh(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(t, d, c)
		var payloads []string
		r.Handle("sla", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			payloads = append(payloads, string(job.Payload))
			return nil
		})
		reschedule := func(runAt time.Time, payload int) {
			t.Helper()
			err := d.InTx(ctx, func(tx *sql.Tx) error {
				if _, err := jobs.CancelPrefix(ctx, tx, "sla:42:"); err != nil {
					return err
				}
				return jobs.Schedule(ctx, tx, "sla", "sla:42:esc1", runAt, payload)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		reschedule(t0.Add(time.Hour), 1)
		reschedule(t0.Add(2*time.Hour), 2) // same key, recomputed: the new time and payload
		reschedule(t0.Add(2*time.Hour), 3)
		pending, err := jobs.Pending(ctx, d, "sla:42:")
		if err != nil || len(pending) != 1 || !pending[0].RunAt.Equal(t0.Add(2*time.Hour)) || string(pending[0].Payload) != "3" {
			t.Fatalf("pending %+v, %v", pending, err)
		}
		c.set(t0.Add(time.Hour))
		if n := runDue(t, r); n != 0 {
			t.Fatalf("ran %d at the cancelled time", n)
		}
		c.set(t0.Add(2 * time.Hour))
		if n := runDue(t, r); n != 1 {
			t.Fatalf("ran %d", n)
		}
		// Done: cancelling finds nothing, and scheduling again adds nothing.
		reschedule(t0.Add(3*time.Hour), 4)
		c.set(t0.Add(4 * time.Hour))
		if n := runDue(t, r); n != 0 || !slices.Equal(payloads, []string{"3"}) {
			t.Errorf("ran %d more; payloads %q", n, payloads)
		}
		if got := jobRow(t, d, "sla:42:esc1"); got.status != jobs.StatusDone || got.attempts != 0 {
			t.Errorf("row %+v", got)
		}
	})
}
