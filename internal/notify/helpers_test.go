package notify

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// clock is a time source the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at a Monday morning in Nairobi, with nanoseconds the database will not keep.
func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.FixedZone("EAT", 3*3600))}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTextLog(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// bufLog is a logger whose output the test can read.
type bufLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *bufLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *bufLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// enqueue adds m in a transaction of its own.
func enqueue(t *testing.T, d *db.DB, now time.Time, m Message) {
	t.Helper()
	if err := d.InTx(ctx, func(tx *sql.Tx) error { return Enqueue(ctx, tx, now, m) }); err != nil {
		t.Fatalf("enqueue %+v: %v", m, err)
	}
}

// all returns every outbox row, oldest first.
func all(t *testing.T, d *db.DB) []Record {
	t.Helper()
	rows, err := d.QueryContext(ctx, `SELECT `+recordColumns+` FROM outbox ORDER BY id`)
	list, err := db.Collect(rows, err, scanRecord)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// only returns the one outbox row, failing unless there is exactly one.
func only(t *testing.T, d *db.DB) Record {
	t.Helper()
	list := all(t, d)
	if len(list) != 1 {
		t.Fatalf("outbox has %d rows, want 1: %+v", len(list), list)
	}
	return list[0]
}

// recorder is a provider that records what it is given and answers with fail (nil: success).
type recorder struct {
	name string
	mu   sync.Mutex
	sent []Outgoing
	fail func(m Outgoing) error
}

func (r *recorder) Name() string { return r.name }

func (r *recorder) Send(ctx context.Context, m Outgoing) (string, error) {
	r.mu.Lock()
	r.sent = append(r.sent, m)
	n := len(r.sent)
	fail := r.fail
	r.mu.Unlock()
	if fail != nil {
		if err := fail(m); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s-%d", r.name, n), nil
}

func (r *recorder) calls() []Outgoing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Outgoing(nil), r.sent...)
}

var errFlaky = errors.New("gateway timeout")
