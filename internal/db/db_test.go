package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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
