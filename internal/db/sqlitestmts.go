package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"

	"modernc.org/sqlite"
)

// SQLite parses each statement it is given afresh, and through database/sql every call is a new
// statement: parsing creation's four INSERTs took a fifth of the writer's time, and a request read
// with its joins is longer still. So SQLite connections are opened through this thin driver,
// which keeps each connection's prepared statements and reuses them (modernc resets a statement
// after each run). A query whose statement is still being read (rows open) is prepared afresh
// for the second reader rather than sharing it.

// sqliteConnector opens SQLite connections through stmtCachingDriver for sql.OpenDB, so that no
// driver has to be registered under a global name.
type sqliteConnector struct{ dsn string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return stmtCachingDriver{}.Open(c.dsn)
}

func (c sqliteConnector) Driver() driver.Driver { return stmtCachingDriver{} }

// maxCachedStmts bounds a connection's cache; the application has a few dozen distinct writes.
const maxCachedStmts = 256

type stmtCachingDriver struct{}

func (stmtCachingDriver) Open(name string) (driver.Conn, error) {
	c, err := (&sqlite.Driver{}).Open(name)
	if err != nil {
		return nil, err
	}
	inner, ok := c.(sqliteConn)
	if !ok {
		c.Close()
		return nil, errors.New("sqlite: the driver's connection lacks the context methods")
	}
	return &stmtCachingConn{sqliteConn: inner, stmts: map[string]driver.Stmt{}, inUse: map[driver.Stmt]bool{}}, nil
}

// sqliteConn is what modernc's connection offers and database/sql looks for.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type stmtCachingConn struct {
	sqliteConn
	stmts map[string]driver.Stmt
	inUse map[driver.Stmt]bool // queries whose rows are open
	// detached: the group-commit writer holds this connection. A statement then runs to its end
	// even if its caller's context ends, because SQLite would answer the interrupt by rolling back
	// the whole group's transaction (groupcommit.go).
	detached bool
}

// stmtCtx is the context a statement runs under: the caller's, without its cancellation while
// the connection is detached.
func (c *stmtCachingConn) stmtCtx(ctx context.Context) context.Context {
	if c.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// cached returns the connection's prepared statement for query, preparing it the first time.
func (c *stmtCachingConn) cached(ctx context.Context, query string) (driver.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxCachedStmts && len(c.inUse) == 0 {
		c.closeStmts()
	}
	c.stmts[query] = s
	return s, nil
}

// ExecContext runs a write through the connection's cached statement for it.
func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx = c.stmtCtx(ctx)
	if strings.Contains(query, ";") { // a script (migrations): as it is
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.(driver.StmtExecContext).ExecContext(ctx, args)
}

// QueryContext runs a query through the cached statement, unless that one is being read.
func (c *stmtCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx = c.stmtCtx(ctx)
	if strings.Contains(query, ";") {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.inUse[s] {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	c.inUse[s] = true
	return &cachedRows{Rows: rows, release: func() { delete(c.inUse, s) }}, nil
}

// cachedRows gives its statement back when closed.
type cachedRows struct {
	driver.Rows
	release func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

func (c *stmtCachingConn) closeStmts() {
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// Close finalises the cached statements, then closes the connection.
func (c *stmtCachingConn) Close() error {
	c.closeStmts()
	return c.sqliteConn.Close()
}
