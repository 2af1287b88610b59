package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"modernc.org/sqlite"
)

// SQLite parses each statement it is given afresh, and through database/sql every Exec is a new
// statement: parsing creation's four INSERTs took a fifth of the writer's time. So SQLite
// connections are opened through this thin driver, which keeps each connection's prepared
// INSERT, UPDATE and DELETE statements and reuses them (modernc resets a statement after each
// run). Queries are passed through as they are: a statement reused while its rows are still
// being read would be a bug, and reads are not what the single writer waits on.

func init() { sql.Register("huduma-sqlite", stmtCachingDriver{}) }

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
	return &stmtCachingConn{sqliteConn: inner, stmts: map[string]driver.Stmt{}}, nil
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
}

// ExecContext runs a write through the connection's cached statement for it.
func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if strings.Contains(query, ";") { // a script (migrations): as it is
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	s, ok := c.stmts[query]
	if !ok {
		var err error
		if s, err = c.sqliteConn.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if len(c.stmts) >= maxCachedStmts {
			c.closeStmts()
		}
		c.stmts[query] = s
	}
	return s.(driver.StmtExecContext).ExecContext(ctx, args)
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
