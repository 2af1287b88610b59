package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		applied, err := d.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
		ms, _ := db.Migrations()
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
		if n != len(ms) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
		}
	})
}

// TestPostgresOnlyMigration: a .postgres.sql migration tunes PostgreSQL and is only recorded on
// SQLite, so both engines stand at the same version.
func TestPostgresOnlyMigration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var recorded int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = '0007_requests_autovacuum.postgres.sql'`).Scan(&recorded); err != nil || recorded != 1 {
			t.Fatalf("0007 recorded %d times (%v), want once", recorded, err)
		}
		if d.Kind() != db.Postgres {
			return
		}
		var opts string
		if err := d.QueryRowContext(ctx, `SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'requests'`).Scan(&opts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(opts, "autovacuum_vacuum_insert_scale_factor=0.01") {
			t.Errorf("requests reloptions %q: the autovacuum tuning is missing", opts)
		}
	})
}

// TestConstraintsMapToCodes: the database enforces integrity, and its refusals become coded errors
// the same way on both engines.
func TestConstraintsMapToCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Now().UTC()
		insert := func(code string, calendar int64) error {
			return d.InTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO centres (code, name, kind, county, calendar_id, created_at, updated_at)
					VALUES ($1, 'Test', 'huduma_centre', 'Nairobi', $2, $3, $3)`, code, calendar, now)
				return err
			})
		}
		var cal int64
		if err := d.QueryRowContext(ctx, `INSERT INTO calendars (code, name, windows, created_at, updated_at) VALUES ('C', 'C', '[]', $1, $1) RETURNING id`, now).Scan(&cal); err != nil {
			t.Fatal(err)
		}
		if err := insert("HC-1", cal); err != nil {
			t.Fatal(err)
		}
		if err := insert("HC-1", cal); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate code: %v, want conflict", err)
		}
		if err := insert("HC-2", cal+1000); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("missing calendar: %v, want invalid", err)
		}
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO centres (code, name, kind, county, calendar_id, created_at, updated_at)
				VALUES ('HC-3', 'Test', 'castle', 'Nairobi', $1, $2, $2)`, cal, now)
			return err
		})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("kind outside the check: %v, want invalid", err)
		}
		// A failed transaction leaves nothing behind.
		boom := errors.New("boom")
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO centres (code, name, kind, county, calendar_id, created_at, updated_at)
				VALUES ('HC-4', 'Test', 'huduma_centre', 'Nairobi', $1, $2, $2)`, cal, now); err != nil {
				return err
			}
			return boom
		})
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM centres WHERE code = 'HC-4'`).Scan(&n)
		if !errors.Is(err, boom) || n != 0 {
			t.Errorf("rolled-back insert: err %v, rows %d", err, n)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	if _, err := db.Open(ctx, ""); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("empty DSN: %v", err)
	}
	_, err := db.Open(ctx, "postgres://huduma:secret@127.0.0.1:1/x?connect_timeout=1")
	if err == nil || !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("unreachable server: %v", err)
	}
	if msg := err.Error(); strings.Contains(msg, "secret") {
		t.Errorf("the password leaked into the error: %s", msg)
	}
}

// TestWriteNewIsOneTransaction: the statements of WriteNew see the id it took and all land, or,
// when one fails, none does — on PostgreSQL's pipelined batch as on SQLite's transaction, and
// inside a transaction already open.
func TestWriteNewIsOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Now().UTC()
		var cal int64
		if err := d.QueryRowContext(ctx, `INSERT INTO calendars (code, name, windows, created_at, updated_at) VALUES ('W', 'W', '[]', $1, $1) RETURNING id`, now).Scan(&cal); err != nil {
			t.Fatal(err)
		}
		centre := func(code string) func(id int64) ([]db.Stmt, error) {
			return func(id int64) ([]db.Stmt, error) {
				return []db.Stmt{
					{SQL: `INSERT INTO centres (id, code, name, kind, county, calendar_id, created_at, updated_at) VALUES ($1, $2, 'Test', 'huduma_centre', 'Nairobi', $3, $4, $4)`,
						Args: []any{id, code, cal, now}},
					{SQL: `INSERT INTO audit_log (at, actor_name, action, entity, entity_id, summary, before_json, after_json) VALUES ($1, 'test', 'create', 'centre', $2, 'made', '', '')`,
						Args: []any{now, code}},
				}, nil
			}
		}
		count := func(q string, args ...any) int {
			var n int
			if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		id, err := d.WriteNew(ctx, "centres", centre("WN-1"))
		if err != nil {
			t.Fatal(err)
		}
		if got := count(`SELECT COUNT(*) FROM centres WHERE id = $1 AND code = 'WN-1'`, id); got != 1 {
			t.Fatalf("the centre is not stored under the id WriteNew returned (%d)", id)
		}
		again, err := d.WriteNew(ctx, "centres", centre("WN-2"))
		if err != nil || again <= id {
			t.Fatalf("second id %d after %d (%v)", again, id, err)
		}
		// A taken code fails the first statement, and nothing is written.
		if _, err := d.WriteNew(ctx, "centres", centre("WN-1")); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("a taken code: %v, want conflict", err)
		}
		if got := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'centre' AND entity_id = 'WN-1'`); got != 1 {
			t.Errorf("%d audit rows for WN-1, want 1", got)
		}
		// The first statement succeeds and the last fails (an actor who does not exist): the first
		// is taken back.
		failing := func(id int64) ([]db.Stmt, error) {
			stmts, _ := centre("WN-4")(id)
			stmts[1].SQL = `INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id) VALUES ($1, 987654, 'ghost', 'create', 'centre', $2)`
			return stmts, nil
		}
		if _, err := d.WriteNew(ctx, "centres", failing); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a missing actor: %v, want invalid", err)
		}
		if got := count(`SELECT COUNT(*) FROM centres WHERE code = 'WN-4'`); got != 0 {
			t.Error("a failed WriteNew kept its first statement's row")
		}
		// Inside an open transaction, the caller's rollback takes it all back.
		_ = d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := db.Within(tx, d.Kind()).WriteNew(ctx, "centres", centre("WN-3")); err != nil {
				t.Fatal(err)
			}
			return errors.New("roll back")
		})
		if got := count(`SELECT COUNT(*) FROM centres WHERE code = 'WN-3'`); got != 0 {
			t.Error("a rolled-back transaction kept WriteNew's row")
		}
	})
}

// TestSQLiteCheckpointsInTheBackground: with SQLite's own checkpoints off (they made an unlucky
// commit wait for the whole log to be copied), the log still reaches the database file soon after
// the writes, with no request doing it.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.db")
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)`); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	err = d.InTx(ctx, func(tx *sql.Tx) error {
		for i := range 1500 { // 6 MB, past the 1,000 pages at which SQLite would checkpoint by itself
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (id, data) VALUES ($1, $2)`, i, make([]byte, 4096)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.Stat(path); now.Size() > before.Size()+1<<20 {
		t.Fatalf("the commit copied the log itself (%d → %d bytes): automatic checkpoints are on", before.Size(), now.Size())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		now, _ := os.Stat(path)
		if now.Size() >= 6<<20 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file is %d bytes 5 s after the writes: no checkpoint ran", now.Size())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestConcurrentTransactionsStandAlone: transactions running at once (on SQLite, committed
// together by the writer) keep their own fate: the failing ones leave nothing, the others all land.
func TestConcurrentTransactionsStandAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Now().UTC()
		var wg sync.WaitGroup
		errs := make([]error, 40)
		for i := range errs {
			wg.Go(func() {
				errs[i] = d.InTx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id) VALUES ($1, 'test', 'create', 'group', $2)`,
						now, fmt.Sprint(i)); err != nil {
						return err
					}
					if i%3 == 0 {
						return fmt.Errorf("transaction %d gives up", i)
					}
					return nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if (i%3 == 0) != (err != nil) {
				t.Errorf("transaction %d: %v", i, err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'group'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 26 { // 40 less the 14 multiples of 3
			t.Errorf("%d rows stored, want 26", n)
		}
	})
}

// TestReusedStatementsKeepNoState: SQLite writes reuse each connection's prepared statement; a
// run must not see the last one's values, and a failed run must not spoil the next.
func TestReusedStatementsKeepNoState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const insert = `INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id) VALUES ($1, $2, $3, 'create', 'reuse', $4)`
		now := time.Now().UTC()
		var admin int64
		if err := d.QueryRowContext(ctx, `INSERT INTO users (username, name, email, password_hash, role, created_at, updated_at)
			VALUES ('reuse', 'Reuse', '', 'x', 'national_admin', $1, $1) RETURNING id`, now).Scan(&admin); err != nil {
			t.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, insert, now, admin, "with actor", "1"); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insert, now, nil, "no actor", "2"); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, now, 987654, "ghost", "3")
			return err
		}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("an actor who does not exist: %v, want invalid", err)
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, now, nil, "after the failure", "4")
			return err
		}); err != nil {
			t.Fatalf("the statement after a failed run: %v", err)
		}
		rows, err := d.QueryContext(ctx, `SELECT entity_id, COALESCE(actor_id, 0), actor_name FROM audit_log WHERE entity = 'reuse' ORDER BY entity_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var id, name string
			var actor int64
			if err := rows.Scan(&id, &actor, &name); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s:%v:%s", id, actor == admin, name))
		}
		want := []string{"1:true:with actor", "2:false:no actor", "4:false:after the failure"}
		if !slices.Equal(got, want) {
			t.Errorf("stored %v, want %v", got, want)
		}
		// The same query read twice at once on one connection: each reader gets its own rows.
		// (PostgreSQL's protocol allows no second query while rows are open: SQLite only.)
		if d.Kind() != db.SQLite {
			return
		}
		const byEntity = `SELECT entity_id FROM audit_log WHERE entity = $1 ORDER BY entity_id`
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			outer, err := tx.QueryContext(ctx, byEntity, "reuse")
			if err != nil {
				return err
			}
			defer outer.Close()
			var pairs []string
			for outer.Next() {
				var a, b string
				if err := outer.Scan(&a); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, byEntity, "reuse").Scan(&b); err != nil {
					return err
				}
				pairs = append(pairs, a+b)
			}
			if !slices.Equal(pairs, []string{"11", "21", "41"}) {
				t.Errorf("nested reads of one query: %v", pairs)
			}
			return outer.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestWritesOutsideTransactionsWaitTheirTurn: single-statement writes (ExecContext) racing
// transactions all succeed and report the rows they changed (feedback's AddReason, for one, reads
// RowsAffected to tell a press too old). On SQLite such a write goes through the writer goroutine
// like every transaction: from a connection of its own it had to win the write lock from a writer
// that takes it back after every commit, and under a steady stream of transactions it lost for
// busy_timeout (10 s) and failed with "database is locked" — longer than a unit test runs; the
// feedback load run (`huduma-load feedback`, docs/BENCHMARKS.md) is what showed it.
func TestWritesOutsideTransactionsWaitTheirTurn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := d.ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id) VALUES ($1, 'test', 'create', 'race', 'row')`,
			time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 400)
		for g := range 8 {
			wg.Go(func() {
				for i := range 25 {
					res, err := d.ExecContext(ctx, `UPDATE audit_log SET summary = $1 WHERE entity = 'race' AND entity_id = 'row'`, fmt.Sprint(g, i))
					if err == nil {
						if n, _ := res.RowsAffected(); n != 1 {
							err = fmt.Errorf("the update reports %d rows changed, want 1", n)
						}
					}
					errs <- err
				}
			})
			wg.Go(func() {
				for i := range 25 {
					errs <- d.InTx(ctx, func(tx *sql.Tx) error {
						_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id) VALUES ($1, 'test', 'create', 'race', $2)`,
							time.Now().UTC(), fmt.Sprint(g, i))
						return err
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'race'`).Scan(&n); err != nil || n != 201 {
			t.Errorf("%d rows, %v; want 201", n, err)
		}
	})
}
