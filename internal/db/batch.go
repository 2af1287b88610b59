package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Stmt is one SQL statement and its arguments, built before it is run.
type Stmt struct {
	SQL  string
	Args []any
}

// Exec runs the statement in tx.
func (s Stmt) Exec(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, s.SQL, s.Args...)
	return err
}

// nextID takes the id the next row of table will have: PostgreSQL's identity sequence, or on
// SQLite (inside the caller's write transaction, which holds the database's only write lock) one
// past the highest id AUTOINCREMENT has ever given.
func nextID(ctx context.Context, q Querier, engine Engine, table string) (int64, error) {
	var id int64
	var err error
	if engine == Postgres {
		err = q.QueryRowContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&id)
	} else {
		err = q.QueryRowContext(ctx, `SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0),
			COALESCE((SELECT MAX(rowid) FROM `+table+`), 0)) + 1`, table).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("next id of %s: %w", table, err)
	}
	return id, nil
}

// WriteNew writes a new row of table and the rows that hang on it as one transaction: it takes
// the row's id first, build makes every statement with it, and they run together. On PostgreSQL
// they go in one round trip (pgx's pipelined batch, whose statements share one implicit
// transaction: any failure writes nothing) — a new service request is four inserts, and the
// round trips, not the inserts, were most of what it cost. On SQLite, which has no network to
// save, they run one after another in a transaction. table is a constant of the caller's, never
// input.
func (d *DB) WriteNew(ctx context.Context, table string, build func(id int64) ([]Stmt, error)) (int64, error) {
	if d.Engine != Postgres {
		var id int64
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = writeNewIn(ctx, tx, d.Engine, table, build)
			return err
		})
		return id, err
	}
	id, err := nextID(ctx, d, d.Engine, table)
	if err != nil {
		return 0, err
	}
	stmts, err := build(id)
	if err != nil {
		return 0, err
	}
	conn, err := d.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("write %s: not a pgx connection (%T)", table, driverConn)
		}
		var b pgx.Batch
		for _, s := range stmts {
			b.Queue(s.SQL, s.Args...)
		}
		res := c.Conn().SendBatch(ctx, &b)
		for range stmts {
			if _, err := res.Exec(); err != nil {
				res.Close()
				return err
			}
		}
		return res.Close()
	})
	if err != nil {
		return 0, MapError(d.Engine, err)
	}
	return id, nil
}

func writeNewIn(ctx context.Context, tx *sql.Tx, engine Engine, table string, build func(id int64) ([]Stmt, error)) (int64, error) {
	id, err := nextID(ctx, tx, engine, table)
	if err != nil {
		return 0, err
	}
	stmts, err := build(id)
	if err != nil {
		return 0, err
	}
	for _, s := range stmts {
		if err := s.Exec(ctx, tx); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// WriteNew, inside a transaction already open: the statements join it, one after another.
func (t txHandle) WriteNew(ctx context.Context, table string, build func(id int64) ([]Stmt, error)) (int64, error) {
	id, err := writeNewIn(ctx, t.Tx, t.engine, table, build)
	return id, MapError(t.engine, err)
}
