// Package db opens Huduma's database — an embedded SQLite file or a PostgreSQL server — applies the
// embedded migrations, and keeps the few differences between the two engines in one place
// (dialect.go). SQL everywhere else is portable and uses $1, $2 placeholders, which both drivers accept.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database handle that knows its engine.
type DB struct {
	*sql.DB
	Engine Engine
	// DSN as given, with any password masked; for logs and the start-up banner.
	Display string

	stopCheckpoints func()        // SQLite: stops the background checkpointer and waits for it
	stopWriter      func()        // SQLite: stops the writer goroutine (groupcommit.go)
	writes          chan *writeTx // SQLite: transactions waiting for the writer
	writerQuit      chan struct{} // SQLite: closed when the writer stops
}

// Close stops the background work and closes the pool.
func (d *DB) Close() error {
	if d.stopWriter != nil {
		d.stopWriter()
	}
	if d.stopCheckpoints != nil {
		d.stopCheckpoints()
	}
	return d.DB.Close()
}

// EngineOf tells which engine a DSN names: postgres:// and postgresql:// URLs are PostgreSQL,
// anything else is a SQLite file path (or a file: URI).
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to dsn and checks that the database answers. It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, apperr.New(apperr.Invalid, "no database given: pass --db with a SQLite file path or a postgres:// URL")
	}
	engine := EngineOf(dsn)
	var (
		sqldb *sql.DB
		err   error
	)
	switch engine {
	case Postgres:
		if _, perr := url.Parse(dsn); perr != nil {
			return nil, apperr.Wrap(perr, apperr.Invalid, "the PostgreSQL URL cannot be read: %v", perr)
		}
		sqldb, err = sql.Open("pgx", dsn)
		if err == nil {
			// A few connections keep the cores busy; more only make PostgreSQL's backends take turns
			// on them, which stretches every transaction (measured: 20 gave create p99 40 ms, 8 gave 26).
			sqldb.SetMaxOpenConns(8)
			sqldb.SetMaxIdleConns(8)
			sqldb.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		sqldb, err = sql.OpenDB(sqliteConnector{sqliteDSN(dsn)}), nil
		if err == nil {
			// One writer at a time is SQLite's rule; _txlock=immediate makes writers queue on
			// busy_timeout instead of failing with SQLITE_BUSY half-way through a transaction.
			sqldb.SetMaxOpenConns(8)
			sqldb.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "the database address %q cannot be used: %v", mask(dsn), err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, apperr.Wrap(err, apperr.Invalid, "cannot reach the database at %q: %v", mask(dsn), err)
	}
	d := &DB{DB: sqldb, Engine: engine, Display: mask(dsn)}
	if engine == SQLite {
		d.stopCheckpoints = checkpointInBackground(sqldb, time.Second)
		d.stopWriter = d.startWriter()
	}
	return d, nil
}

// checkpointInBackground copies SQLite's write-ahead log into the database every interval.
// Left to SQLite, the checkpoint runs inside whichever commit pushes the log past 1,000 pages,
// and that request waits for it. The connections are opened with automatic checkpoints off and
// this does the work between requests instead. PASSIVE never waits for readers or writers; a
// checkpoint it cannot finish is finished by a later one.
func checkpointInBackground(sqldb *sql.DB, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				_, _ = sqldb.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// sqliteDSN turns a file path into a modernc DSN whose pragmas apply to every pooled connection.
func sqliteDSN(path string) string {
	pragmas := "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)" +
		// temp_store MEMORY: the group commit's savepoints keep each page's first version in a
		// sub-journal, a temporary file written page by page otherwise (15% of the writer's time).
		// Checkpoints: see checkpointInBackground.
		"&_pragma=temp_store(2)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	if strings.HasPrefix(path, "file:") {
		if strings.Contains(path, "?") {
			return path + "&" + pragmas
		}
		return path + "?" + pragmas
	}
	return "file:" + path + "?" + pragmas
}

// mask hides a password in a URL DSN.
func mask(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Querier is what both *sql.DB and *sql.Tx offer; domain reads accept either.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in one transaction, committing if it returns nil and rolling back otherwise.
// Every state change in Huduma goes through here together with its audit record. On SQLite the
// transaction is run by the writer goroutine, possibly committed together with others that were
// waiting (groupcommit.go); fn's work stands or falls alone all the same.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.writes != nil {
		return d.inWriter(ctx, fn)
	}
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return MapError(d.Engine, err)
	}
	if err := tx.Commit(); err != nil {
		return MapError(d.Engine, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// Handle is what domain stores need: reads, and transactions. A *DB is one; so is a transaction
// already under way (Within), which lets several stores' changes share one transaction.
type Handle interface {
	Querier
	InTx(ctx context.Context, fn func(tx *sql.Tx) error) error
	WriteNew(ctx context.Context, table string, build func(id int64) ([]Stmt, error)) (int64, error)
	Kind() Engine
}

// Kind returns the engine.
func (d *DB) Kind() Engine { return d.Engine }

// Within returns a Handle over an open transaction: its InTx runs fn in that same transaction, so
// the caller's commit or rollback decides for everything done through it.
func Within(tx *sql.Tx, engine Engine) Handle { return txHandle{tx, engine} }

type txHandle struct {
	*sql.Tx
	engine Engine
}

func (t txHandle) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return MapError(t.engine, fn(t.Tx))
}

func (t txHandle) Kind() Engine { return t.engine }

// Scanner is a row: *sql.Row and *sql.Rows both are.
type Scanner interface{ Scan(dest ...any) error }

// Collect reads every row of a query with scan, closing the rows; it takes the query's error too,
// so callers write rows, err := q.QueryContext(...); list, err := db.Collect(rows, err, scanThing).
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PlanForValues returns what to put before a query's arguments so that PostgreSQL plans it for
// the values given, every time. pgx prepares and caches each statement, and after five runs
// PostgreSQL may settle on a generic plan made without the values; for the inbox's filters that
// plan can walk the wrong index (status = 'new' read 27,000 entries to find 25). Planning costs
// a fraction of a millisecond; a wrong plan costs tens. On SQLite, which plans each run, nothing.
func PlanForValues(engine Engine) []any {
	if engine == Postgres {
		return []any{pgx.QueryExecModeExec}
	}
	return nil
}
