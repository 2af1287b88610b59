package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/jackc/pgx/v5/pgconn"
)

// pg is the PostgreSQL state of this test binary: the server every test database is created on, and
// the template they are cloned from. It is package state because Go offers no per-binary set-up hook
// that Each and Postgres could reach from a *testing.T; it is unexported, set up at most once (by the
// first test that needs it), and torn down by Main.
var pg suite

// suite starts the server and makes the template once, on first use, and stops the server in close.
type suite struct {
	mainCalled atomic.Bool

	once sync.Once
	srv  *server
	err  error
}

// get returns the server, starting it and making the template on first use. Every caller after the
// first gets the same server or the same error.
func (s *suite) get() (*server, error) {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s.srv, s.err = startServer(ctx)
	})
	return s.srv, s.err
}

// close stops the server if one was started. Main calls it after the last test.
func (s *suite) close() error {
	// If no test asked for PostgreSQL, use up the once so that nothing starts a server now.
	s.once.Do(func() { s.err = errors.New("dbtest: the tests have finished") })
	if s.srv == nil {
		return nil
	}
	return s.srv.close()
}

// server is a PostgreSQL server on which the role of base may create databases.
type server struct {
	base     *url.URL // connection URL; its path is replaced by the database name
	admin    *sql.DB  // connected to base's own database, for CREATE and DROP DATABASE
	template string   // migrated database that test databases are cloned from
	strategy string   // CREATE DATABASE option, or ""
	local    *localServer
}

func startServer(ctx context.Context) (*server, error) {
	srv := &server{}
	if dsn := os.Getenv(EnvPostgres); dsn != "" {
		u, err := url.Parse(dsn)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("%s must be a postgres:// URL", EnvPostgres) // not shown: it may hold a password
		}
		srv.base = u
	} else {
		local, err := startLocal(ctx)
		if err != nil {
			return nil, err
		}
		srv.local = local
		srv.base = local.url()
	}
	admin, err := sql.Open("pgx", srv.base.String())
	if err == nil {
		admin.SetMaxOpenConns(4)
		err = admin.PingContext(ctx)
	}
	if err != nil {
		srv.close()
		return nil, fmt.Errorf("connect to %s: %w", srv.base.Redacted(), err)
	}
	srv.admin = admin
	// On our own throwaway server, clone by copying files (PostgreSQL 15 and later; a checkpoint is
	// cheap there): about 10 ms a database on tmpfs, against 40 ms for the default WAL_LOG, which
	// suits a shared server better.
	var version int
	if err := admin.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&version); err != nil {
		srv.close()
		return nil, fmt.Errorf("server version: %w", err)
	}
	if srv.local != nil && version >= 150000 {
		srv.strategy = " STRATEGY FILE_COPY"
	}
	if srv.template, err = srv.makeTemplate(ctx); err != nil {
		srv.close()
		return nil, err
	}
	return srv, nil
}

func (s *server) close() error {
	var errs []error
	if s.admin != nil {
		errs = append(errs, s.admin.Close())
	}
	if s.local != nil {
		errs = append(errs, s.local.stop())
	}
	return errors.Join(errs...)
}

// dsn is the connection URL of database name on this server.
func (s *server) dsn(name string) string {
	u := *s.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// makeTemplate returns the name of a database migrated with the embedded migrations, making it if
// the server does not have it yet. Its name carries a hash of the migrations, so a shared server
// (HUDUMA_TEST_POSTGRES) keeps one template per schema and reuses it across runs and test binaries.
// It is built under a temporary name and renamed into place, so concurrent test binaries never
// clone a half-migrated template: the loser of the rename drops its copy and uses the winner's.
func (s *server) makeTemplate(ctx context.Context) (string, error) {
	ms, err := db.Migrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", m.Version, m.Name, db.Expand(db.Postgres, m.SQL))
	}
	name := "huduma_template_" + hex.EncodeToString(h.Sum(nil))[:16]

	var exists bool
	if err := s.admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for template %s: %w", name, err)
	}
	if exists {
		return name, nil
	}

	build := "huduma_build_" + randomHex(6)
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(build)); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	if err := s.migrate(ctx, build); err != nil {
		_ = s.dropDatabase(ctx, build)
		return "", err
	}
	err = retryBusy(ctx, func() error {
		_, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+quoteIdent(build)+" RENAME TO "+quoteIdent(name))
		return err
	})
	if err != nil {
		_ = s.dropDatabase(ctx, build)
		// Another test binary made it first: duplicate_database, or unique_violation when both
		// renames ran at once.
		if code := pgCode(err); code == "42P04" || code == "23505" {
			return name, nil
		}
		return "", fmt.Errorf("rename template into place: %w", err)
	}
	// Nobody may connect to the template: a connection would stop CREATE DATABASE ... TEMPLATE.
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+quoteIdent(name)+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("lock template %s: %w", name, err)
	}
	return name, nil
}

func (s *server) migrate(ctx context.Context, name string) error {
	d, err := db.Open(ctx, s.dsn(name))
	if err != nil {
		return fmt.Errorf("open template database: %w", err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return d.Close()
}

// createDatabase clones the template into a new database with a name unique on the server.
func (s *server) createDatabase(ctx context.Context) (string, error) {
	name := "huduma_test_" + randomHex(6)
	err := retryBusy(ctx, func() error {
		_, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE "+quoteIdent(s.template)+s.strategy)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create database %s from %s: %w", name, s.template, err)
	}
	return name, nil
}

// createEmptyDatabase makes a new database with nothing in it.
func (s *server) createEmptyDatabase(ctx context.Context) (string, error) {
	name := "huduma_test_" + randomHex(6)
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return name, nil
}

// dropDatabase drops name, ending any connection a test left open.
func (s *server) dropDatabase(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// retryBusy retries fn while PostgreSQL says the database is in use (55006, object_in_use): a
// backend of a connection just closed can take a moment to exit.
func retryBusy(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if err == nil || pgCode(err) != "55006" {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
