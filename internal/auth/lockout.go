package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/notify"
	"golang.org/x/crypto/bcrypt"
)

// Sign-in throttling per account (the per-address limit is the web layer's): after
// LockAfterFailures failed attempts within FailureWindow the account refuses every sign-in, even
// with the right password, for LockDuration or until an administrator unlocks it. Failures are
// rows in sign_in_failures, so every node counts the same ones.
const (
	LockAfterFailures = 10
	FailureWindow     = 15 * time.Minute
	LockDuration      = 15 * time.Minute
)

// ErrLocked is the answer while an account is locked, whatever password was given, so a lock
// tells an attacker nothing about the password they tried.
var ErrLocked = apperr.New(apperr.RateLimited, "This account is locked for 15 minutes after too many failed sign-ins. Try again later, or ask an administrator to unlock it.")

// SignIn checks a username and password as the sign-in form does: like Authenticate, and also
// refusing a locked account and counting a wrong password against the account.
func (s *Store) SignIn(ctx context.Context, username, password, ip string) (User, error) {
	var hash string
	var lockedUntil sql.NullTime
	u, err := scanUserWithHash(s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash, locked_until FROM users WHERE username = $1`,
		strings.ToLower(strings.TrimSpace(username))), &hash, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC()
	if lockedUntil.Valid && lockedUntil.Time.After(now) {
		// The same work as a real check, so the answer's timing does not tell either.
		_ = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
		return User{}, ErrLocked
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		if !u.Active {
			return User{}, ErrBadCredentials
		}
		var locked bool
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			locked, err = s.recordFailure(ctx, tx, now, u, ip)
			return err
		})
		if err != nil {
			return User{}, err
		}
		if locked {
			return User{}, ErrLocked
		}
		return User{}, ErrBadCredentials
	}
	if !u.Active {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// recordFailure counts a failed attempt (a wrong password or second-step code) against u in tx
// and, at the LockAfterFailures-th within FailureWindow, locks the account, tells its holder by
// SMS and e-mail in their language, and audits the lock. It reports whether this failure started
// a lock.
func (s *Store) recordFailure(ctx context.Context, tx *sql.Tx, now time.Time, u User, ip string) (bool, error) {
	// Failures for one account are counted one at a time (PostgreSQL holds the account's row;
	// SQLite serialises writers), so the tenth is the tenth on every node.
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`+s.db.Kind().Lock("FOR UPDATE"), u.ID).Scan(&id); err != nil {
		return false, err
	}
	since := now.Add(-FailureWindow)
	if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1 AND at < $2`, u.ID, since); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sign_in_failures (user_id, at, ip) VALUES ($1, $2, $3)`, u.ID, now, ip); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_in_failures f JOIN users u ON u.id = f.user_id
		WHERE f.user_id = $1 AND f.at >= $2 AND (u.failures_reset_at IS NULL OR f.at > u.failures_reset_at)`, u.ID, since).Scan(&n); err != nil {
		return false, err
	}
	if n < LockAfterFailures {
		return false, nil
	}
	until := now.Add(LockDuration)
	// Only the attempt that finds the account unlocked starts the lock: two nodes counting the
	// tenth failure at once lock it, tell its holder and audit it once.
	res, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1 WHERE id = $2 AND (locked_until IS NULL OR locked_until <= $3)`, until, u.ID, now)
	if err != nil {
		return false, err
	}
	if changed, err := res.RowsAffected(); err != nil || changed == 0 {
		return false, err
	}
	// A second step already under way is ended too.
	if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE user_id = $1`, u.ID); err != nil {
		return false, err
	}
	if err := tellLocked(ctx, tx, now, u, until); err != nil {
		return false, err
	}
	return true, audit.Record(ctx, tx, now, audit.Actor{Name: "system", IP: ip}, "lock", "user", u.Username,
		fmt.Sprintf("Locked %s for %d minutes after %d failed sign-ins", u.Username, int(LockDuration.Minutes()), n),
		nil, map[string]any{"locked_until": until, "failures": n}, u.AgencyID, u.CentreID)
}

// tellLocked queues the message that tells an account's holder it has been locked, by SMS and
// e-mail, whichever the account has, in the holder's language.
func tellLocked(ctx context.Context, tx *sql.Tx, now time.Time, u User, until time.Time) error {
	mins := int(LockDuration.Minutes())
	subject := "Huduma: your account is locked"
	body := fmt.Sprintf("Huduma: your account %s was locked for %d minutes after %d failed sign-ins. If this was not you, tell your administrator.",
		u.Username, mins, LockAfterFailures)
	if u.Language == "sw" {
		subject = "Huduma: akaunti yako imefungwa"
		body = fmt.Sprintf("Huduma: akaunti yako %s imefungwa kwa dakika %d baada ya majaribio %d ya kuingia yaliyoshindwa. Kama si wewe, mjulishe msimamizi wako.",
			u.Username, mins, LockAfterFailures)
	}
	for _, m := range []notify.Message{{Channel: notify.SMS, To: u.Phone, Body: body}, {Channel: notify.Email, To: u.Email, Subject: subject, Body: body}} {
		if strings.TrimSpace(m.To) == "" {
			continue
		}
		m.DedupeKey = fmt.Sprintf("user:%d:locked:%d:%s", u.ID, until.Unix(), m.Channel)
		// A number or address the outbox cannot use is not a reason to leave the account open.
		if err := notify.Enqueue(ctx, tx, now, m); err != nil && !apperr.Is(err, apperr.Invalid) {
			return err
		}
	}
	return nil
}

// AccountLock is an account as an unlock needs it: whether it is locked, and where it works.
type AccountLock struct {
	User        User
	LockedUntil time.Time // zero: not locked
	// CentreAgencyID is the agency that runs the account's centre (a county office), 0 for none:
	// that agency's admins manage the staff there.
	CentreAgencyID int64
}

// LockState reads an account's lock.
func (s *Store) LockState(ctx context.Context, userID int64) (AccountLock, error) {
	var until sql.NullTime
	var a AccountLock
	u, err := scanUserWithHash(s.db.QueryRowContext(ctx, `SELECT `+userColumnsU+`, '', u.locked_until, COALESCE(c.agency_id, 0)
		FROM users u LEFT JOIN centres c ON c.id = u.centre_id WHERE u.id = $1`, userID), new(string), &until, &a.CentreAgencyID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "No such account.")
	}
	if err != nil {
		return a, err
	}
	a.User = u
	if until.Valid && until.Time.After(s.now()) {
		a.LockedUntil = until.Time
	}
	return a, nil
}

// CanUnlock reports whether u may unlock the account: whoever manages it (CanManageUser, the
// one rule of who manages whom, in staff_scope.go).
func (u User) CanUnlock(a AccountLock) bool {
	return u.CanManageUser(Staff{User: a.User, CentreRunBy: a.CentreAgencyID})
}

// Unlock ends an account's lock at once and forgets the failures that led to it, for an
// administrator (whose scope the caller has checked). Unlocking an account that is not locked
// changes nothing and records nothing.
func (s *Store) Unlock(ctx context.Context, actor audit.Actor, userID int64) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "No such account.")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = NULL, failures_reset_at = $1 WHERE id = $2 AND locked_until > $1`, now, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "unlock", "user", u.Username, "Unlocked "+u.Username, nil, nil, u.AgencyID, u.CentreID)
	})
}
