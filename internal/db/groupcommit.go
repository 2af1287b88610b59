package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// SQLite writes one transaction at a time, and a commit costs about the same whether it carries
// one request's rows or twenty: most of it is writing each changed page to the log, and the pages
// near the end of each table and index are the same for every new request. So on SQLite the
// transactions of this process are run by one writer goroutine, which takes every transaction
// waiting when it is free and commits them together. Each runs inside its own savepoint: one
// that fails is rolled back alone and its caller gets its error; the others commit. Every caller
// returns only after the commit that carries its work, so nothing is acknowledged before it is
// stored. (PostgreSQL does this itself: its commits share WAL flushes.)
//
// A caller may go away while its transaction runs (a citizen closing the page cancels the
// request's context). SQLite answers an interrupted write by rolling back the whole transaction,
// which here is the whole group: one disconnect lost up to 31 other people's work. So the
// writer's connection does not interrupt a statement that is running (see detached in
// sqlitestmts.go; the statements are short, and the group waits for it anyway), and a caller whose
// context has ended by the time its work is done has its savepoint rolled back and gets its
// context's error: its work is undone, everyone else's commits.

// maxGroup bounds a group, so that the first caller of a long queue does not wait for all of it.
const maxGroup = 32

type writeTx struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

// startWriter starts the writer goroutine; stop ends it once the queue is empty.
func (d *DB) startWriter() (stop func()) {
	d.writes = make(chan *writeTx)
	quit := make(chan struct{})
	d.writerQuit = quit
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var first *writeTx
			select {
			case first = <-d.writes:
			case <-quit:
				return
			}
			group := []*writeTx{first}
		gather:
			for len(group) < maxGroup {
				select {
				case w := <-d.writes:
					group = append(group, w)
				default:
					break gather
				}
			}
			d.commitGroup(group)
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// inWriter hands fn to the writer goroutine and waits for the commit that carries it.
func (d *DB) inWriter(ctx context.Context, fn func(tx *sql.Tx) error) error {
	w := &writeTx{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case d.writes <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-d.writerQuit:
		return sql.ErrConnDone
	}
	return <-w.done
}

func (d *DB) commitGroup(group []*writeTx) {
	finish := func(err error) {
		for _, w := range group {
			if w != nil {
				w.done <- err
			}
		}
	}
	conn, err := d.DB.Conn(context.Background())
	if err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	defer conn.Close()
	if err := setDetached(conn, true); err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	defer setDetached(conn, false)
	tx, err := conn.BeginTx(context.Background(), nil)
	if err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	if len(group) == 1 { // alone: no savepoint needed
		if err := runFnTx(group[0], tx); err != nil {
			_ = tx.Rollback()
			finish(MapError(d.Engine, err))
			return
		}
		finish(MapError(d.Engine, commit(tx)))
		return
	}
	for i, w := range group {
		if _, err := tx.ExecContext(context.Background(), `SAVEPOINT write`); err != nil {
			_ = tx.Rollback()
			finish(fmt.Errorf("savepoint: %w", err))
			return
		}
		fnErr := runFnTx(w, tx)
		if fnErr == nil {
			_, err = tx.ExecContext(context.Background(), `RELEASE write`)
		} else {
			_, err = tx.ExecContext(context.Background(), `ROLLBACK TO write`)
			if err == nil {
				_, err = tx.ExecContext(context.Background(), `RELEASE write`)
			}
		}
		if err != nil { // the transaction itself is broken (an interrupted statement): nobody's work stands
			_ = tx.Rollback()
			finish(fmt.Errorf("write group: %w", errors.Join(err, fnErr)))
			return
		}
		if fnErr != nil {
			w.done <- MapError(d.Engine, fnErr)
			group[i] = nil
		}
	}
	finish(MapError(d.Engine, commit(tx)))
}

// runFnTx runs a caller's work; a caller that has gone away, before or during it, has it undone.
func runFnTx(w *writeTx, tx *sql.Tx) error {
	if err := w.ctx.Err(); err != nil {
		return err // given up before its turn
	}
	err := w.fn(tx)
	if cerr := w.ctx.Err(); cerr != nil {
		return cerr // gone while it ran: nobody is waiting for this work
	}
	return err
}

// setDetached tells the writer's connection to let running statements finish whatever happens
// to their callers' contexts (true), or to interrupt them again (false, back in the pool).
func setDetached(conn *sql.Conn, on bool) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stmtCachingConn)
		if !ok {
			return fmt.Errorf("writer: not a Huduma SQLite connection (%T)", dc)
		}
		c.detached = on
		return nil
	})
}

func commit(tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ExecContext runs one statement outside any transaction. On SQLite it goes through the writer
// like every transaction (as a transaction of one statement): a write from a connection of its
// own would have to win the write lock from the writer, which takes it back after every commit,
// and under a steady stream of transactions it waited out busy_timeout and failed with "database
// is locked". On PostgreSQL it is the pool's.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if d.writes == nil {
		return d.DB.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := d.inWriter(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
