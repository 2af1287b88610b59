package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/dbtest"
)

// TestCancelledCallerCostsNobodyElse: on SQLite the transactions waiting for the writer are
// committed together. A caller whose context ends while its statement runs (a citizen closing the
// page) must lose only its own write: SQLite rolls back the whole transaction when a write is
// interrupted, and every other caller of the group used to get an error and lose theirs.
func TestCancelledCallerCostsNobodyElse(t *testing.T) {
	d := dbtest.SQLite(t)
	if _, err := d.ExecContext(ctx, `CREATE TABLE group_writes (caller INTEGER NOT NULL, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const callers = 32
	cancelled := func(i int) bool { return i%4 == 1 }

	// The first caller holds the writer until every other one is queued behind it, so that they
	// are gathered into groups together.
	release := make(chan struct{})
	holding := make(chan struct{})
	var hold sync.WaitGroup
	hold.Go(func() {
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			close(holding)
			<-release
			return nil
		})
		if err != nil {
			t.Errorf("holder: %v", err)
		}
	})
	<-holding

	var wg sync.WaitGroup
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			errs[i] = d.InTx(cctx, func(tx *sql.Tx) error {
				if !cancelled(i) {
					_, err := tx.ExecContext(cctx, `INSERT INTO group_writes (caller, n) VALUES ($1, 1)`, i)
					return err
				}
				// A long write, cut short by its caller going away while it runs.
				time.AfterFunc(5*time.Millisecond, cancel)
				_, err := tx.ExecContext(cctx, `WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000)
					INSERT INTO group_writes (caller, n) SELECT $1, n FROM c`, i)
				return err
			})
		})
	}
	time.Sleep(200 * time.Millisecond) // every caller is waiting on the writer
	close(release)
	wg.Wait()
	hold.Wait()

	for i, err := range errs {
		switch {
		case cancelled(i) && !errors.Is(err, context.Canceled):
			t.Errorf("cancelled caller %d: err %v, want context.Canceled", i, err)
		case !cancelled(i) && err != nil:
			t.Errorf("caller %d lost its write to another's disconnect: %v", i, err)
		}
	}
	rows, err := d.QueryContext(ctx, `SELECT caller, COUNT(*) FROM group_writes GROUP BY caller`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[int]int{}
	for rows.Next() {
		var c, n int
		if err := rows.Scan(&c, &n); err != nil {
			t.Fatal(err)
		}
		stored[c] = n
	}
	for i := range callers {
		want := 1
		if cancelled(i) {
			want = 0
		}
		if stored[i] != want {
			t.Errorf("caller %d: %d rows stored, want %d", i, stored[i], want)
		}
	}
	if t.Failed() {
		t.Log(fmt.Sprint("stored: ", stored))
	}
}
