package db

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// NoTransaction is the directive that, as the first line of a migration, runs it outside a
// transaction: for statements PostgreSQL refuses inside one, such as CREATE INDEX CONCURRENTLY.
// Its statements run one by one, each ending with a semicolon at the end of a line; it is recorded
// once they have all succeeded. A failure half-way leaves the statements before it applied, so
// such a migration is written to be run again (IF NOT EXISTS; and a CONCURRENTLY build that
// failed leaves an invalid index to DROP INDEX IF EXISTS first).
const NoTransaction = "-- huduma:no-transaction"

// migrationLockKey is the PostgreSQL advisory lock held while migrating ("huduma" in hex): two
// nodes starting at once take turns, and the second finds nothing left to do.
const migrationLockKey = 0x687564756d61

// Migration is one embedded SQL file, named NNNN_what.sql, or NNNN_what.postgres.sql for
// tuning that only PostgreSQL has (on SQLite its version is recorded and nothing run, so both
// engines count versions alike).
type Migration struct {
	Version int
	Name    string
	SQL     string
	Only    Engine // "" for both engines
	// NoTx: the file starts with the NoTransaction directive.
	NoTx bool
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) { return migrationsIn(migrationFiles) }

func migrationsIn(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and an underscore", name)
		}
		b, err := fs.ReadFile(fsys, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		m := Migration{Version: v, Name: name, SQL: string(b)}
		if strings.HasSuffix(name, ".postgres.sql") {
			m.Only = Postgres
		}
		first, _, _ := strings.Cut(m.SQL, "\n")
		m.NoTx = strings.TrimSpace(first) == NoTransaction
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every embedded migration not yet recorded, each in its own transaction together
// with its row in schema_migrations, so a failure leaves the database at the last good version.
// On PostgreSQL it holds an advisory lock throughout, so that nodes starting at once migrate one
// after another. It returns the names applied.
func (d *DB) Migrate(ctx context.Context) ([]string, error) { return d.migrateFS(ctx, migrationFiles) }

func (d *DB) migrateFS(ctx context.Context, fsys fs.FS) ([]string, error) {
	ms, err := migrationsIn(fsys)
	if err != nil {
		return nil, err
	}
	if d.Engine == Postgres {
		// The lock belongs to a session: it is taken and given back on one connection of its own,
		// held while the migrations run on the pool.
		conn, err := d.DB.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		// Given back even when ctx has ended; closing the connection would give it back too.
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
	}
	if _, err := d.ExecContext(ctx, Expand(d.Engine, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at {{TIME}} NOT NULL)`)); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done := map[int]bool{}
	rows, err := d.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		done[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if m.Only != "" && m.Only != d.Engine {
			m.SQL, m.NoTx = "SELECT 1", false // not for this engine: recorded, nothing run
		}
		if m.NoTx {
			err = d.applyOutsideTx(ctx, m)
		} else {
			err = d.applyInTx(ctx, m)
		}
		if err != nil {
			return applied, err
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}

func (d *DB) applyInTx(ctx context.Context, m Migration) error {
	tx, err := d.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, Expand(d.Engine, m.SQL)); err != nil {
		tx.Rollback()
		return fmt.Errorf("migration %s failed, nothing of it was applied: %w", m.Name, err)
	}
	if err := recordMigration(ctx, tx, m); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration %s: %w", m.Name, err)
	}
	return nil
}

// applyOutsideTx runs a no-transaction migration statement by statement (PostgreSQL runs a
// script sent at once as one implicit transaction), then records it.
func (d *DB) applyOutsideTx(ctx context.Context, m Migration) error {
	for i, stmt := range splitStatements(Expand(d.Engine, m.SQL)) {
		if _, err := d.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migration %s (no transaction) failed at statement %d; the statements before it stand: %w", m.Name, i+1, err)
		}
	}
	return recordMigration(ctx, d, m)
}

func recordMigration(ctx context.Context, q Querier, m Migration) error {
	if _, err := q.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, time.Now().UTC()); err != nil {
		return fmt.Errorf("record migration %s: %w", m.Name, err)
	}
	return nil
}

// splitStatements cuts a no-transaction migration at each line that ends with a semicolon,
// leaving out comment lines and empty statements.
func splitStatements(script string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, strings.TrimSuffix(s, ";"))
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
