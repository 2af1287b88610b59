package db

import (
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

// Migration is one embedded SQL file, named NNNN_what.sql, or NNNN_what.postgres.sql for
// tuning that only PostgreSQL has (on SQLite its version is recorded and nothing run, so both
// engines count versions alike).
type Migration struct {
	Version int
	Name    string
	SQL     string
	Only    Engine // "" for both engines
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
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
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		m := Migration{Version: v, Name: name, SQL: string(b)}
		if strings.HasSuffix(name, ".postgres.sql") {
			m.Only = Postgres
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every embedded migration not yet recorded, each in its own transaction together
// with its row in schema_migrations, so a failure leaves the database at the last good version.
// It returns the names applied.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
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
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		tx, err := d.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if m.Only != "" && m.Only != d.Engine {
			m.SQL = "SELECT 1" // not for this engine: recorded, nothing run
		}
		if _, err := tx.ExecContext(ctx, Expand(d.Engine, m.SQL)); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s failed, nothing of it was applied: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.Version, m.Name, time.Now().UTC()); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("record migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("commit migration %s: %w", m.Name, err)
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}
