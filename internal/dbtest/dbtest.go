// Package dbtest gives tests a fresh, migrated Huduma database on each engine, so that every storage
// and HTTP test runs on SQLite and on PostgreSQL:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		dbtest.Each(t, func(t *testing.T, d *db.DB) { ... })
//	}
//
// SQLite databases are files under t.TempDir(). PostgreSQL databases are created on one server per
// test binary, by cloning a migrated template (CREATE DATABASE ... TEMPLATE), and dropped when the test
// ends. The server is the one named by HUDUMA_TEST_POSTGRES (a postgres:// URL of a role that may
// create databases) or, when that is unset, a throwaway server that dbtest starts from the installed
// PostgreSQL binaries on a free loopback port and that Main stops when the tests finish.
//
// When PostgreSQL cannot be had, PostgreSQL tests are skipped, except under CI=true, where they fail:
// a skipped database test in CI is a failure.
package dbtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// EnvPostgres names the environment variable with the URL of a PostgreSQL server to use instead of a
// throwaway one. Its role must be allowed to create databases.
const EnvPostgres = "HUDUMA_TEST_POSTGRES"

// Main runs the tests of a package and then stops the PostgreSQL server they used, if dbtest started
// one. Every package that calls Each or Postgres must call it from its TestMain:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
func Main(m *testing.M) {
	pg.mainCalled.Store(true)
	code := m.Run()
	if err := pg.close(); err != nil {
		// The tests have passed or failed already; a server that would not stop is reported, and
		// the next test binary sweeps its directory away.
		os.Stderr.WriteString("dbtest: stopping the test PostgreSQL server: " + err.Error() + "\n")
	}
	os.Exit(code)
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on a fresh, migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run(string(db.SQLite), func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run(string(db.Postgres), func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a fresh, migrated SQLite database in a file under t.TempDir(), closed when the test
// ends.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "huduma.db"))
}

// Postgres returns a fresh, migrated PostgreSQL database, closed and dropped when the test ends. It
// skips the test when PostgreSQL is not available (fails under CI=true), and fails it when the
// server is there but does not work.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	srv := pgServer(t)
	name := newDatabase(t, srv, (*server).createDatabase)
	d := open(t, srv.dsn(name))
	if d.Engine != db.Postgres {
		t.Fatalf("dbtest: %s opened as %s", d.Display, d.Engine)
	}
	return d
}

// PostgresEmpty returns the URL of a fresh, empty (unmigrated) PostgreSQL database, dropped when
// the test ends: for tests of migration itself, such as two nodes starting at once. It skips or
// fails as Postgres does.
func PostgresEmpty(t testing.TB) string {
	t.Helper()
	srv := pgServer(t)
	return srv.dsn(newDatabase(t, srv, (*server).createEmptyDatabase))
}

// pgServer returns the test PostgreSQL server, skipping the test when there is none (failing it
// under CI=true).
func pgServer(t testing.TB) *server {
	t.Helper()
	if !pg.mainCalled.Load() {
		t.Fatal("dbtest: PostgreSQL tests need this package to stop the server when they finish; add\n" +
			"\tfunc TestMain(m *testing.M) { dbtest.Main(m) }")
	}
	srv, err := pg.get()
	if err != nil {
		var na *unavailableError
		if errors.As(err, &na) {
			msg := "PostgreSQL not available: " + na.reason + "; install postgresql or set " + EnvPostgres
			if inCI() {
				t.Fatal(msg + " (CI=true: a skipped database test is a failure)")
			}
			t.Skip(msg)
		}
		t.Fatalf("dbtest: PostgreSQL: %v", err)
	}
	return srv
}

// newDatabase makes a database with create and drops it when the test ends.
func newDatabase(t testing.TB, srv *server, create func(*server, context.Context) (string, error)) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := create(srv, ctx)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	// Cleanups run last-registered first: a Close registered after this runs before the DROP.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.dropDatabase(ctx, name); err != nil {
			t.Errorf("dbtest: %v", err)
		}
	})
	return name
}

// open opens and migrates dsn and closes it when the test ends. A database cloned from the template
// is migrated already, and Migrate then applies nothing; a migration added since the template was
// made would still be applied.
func open(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("dbtest: %v", err) // names the database, without a password
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("dbtest: close %s: %v", d.Display, err)
		}
	})
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", d.Display, err)
	}
	return d
}

// inCI reports whether CI is set to true (as CI systems do), where skipping is not allowed.
func inCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// unavailableError means PostgreSQL is not there at all (a skip), as opposed to there and broken (a
// failure).
type unavailableError struct{ reason string }

func (e *unavailableError) Error() string { return "PostgreSQL not available: " + e.reason }
