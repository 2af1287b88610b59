package auth

import (
	"context"
	"database/sql"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"golang.org/x/crypto/bcrypt"
)

// A person's own account (/account): their name, phone and language, their password, and the
// browsers signed in as them.

// UpdateProfile changes the user's own name, mobile number (normalised to +254…) and language.
func (s *Store) UpdateProfile(ctx context.Context, u User, ip, name, phone, language string) (User, error) {
	after := u
	after.Name = name
	if f := profileErrors(&after, phone, language); len(f) > 0 {
		return after, apperr.InvalidFields(f)
	}
	if after.Name == u.Name && after.Phone == u.Phone && after.Language == u.Language {
		return after, nil
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, phone = $2, language = $3, updated_at = $4 WHERE id = $5`,
			after.Name, after.Phone, after.Language, now, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "update", "user", u.Username, u.Username+" changed their details",
			map[string]any{"name": u.Name, "phone": u.Phone, "language": u.Language},
			map[string]any{"name": after.Name, "phone": after.Phone, "language": after.Language}, u.AgencyID, u.CentreID)
	})
	return after, err
}

// ChangePassword sets the user's own password; the current one must be given. Every other
// session of the account ends; the one making the change (sessionToken) stays signed in.
func (s *Store) ChangePassword(ctx context.Context, u User, sessionToken, ip, current, password, confirm string) error {
	var hash string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return apperr.InvalidFields(map[string]string{"current": "That is not your current password."})
	}
	if f := passwordErrors(u.Username, password, confirm); len(f) > 0 {
		return apperr.InvalidFields(f)
	}
	if password == current {
		return apperr.InvalidFields(map[string]string{"password": "Choose a password different from your current one."})
	}
	newHash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "This password cannot be used.")
	}
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.setPasswordTx(ctx, tx, u.ID, string(newHash), hashToken(sessionToken), now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "password_set", "user", u.Username, u.Username+" changed their password", nil, nil, u.AgencyID, u.CentreID)
	})
}

// SessionInfo is one browser signed in to an account, as its owner sees it.
type SessionInfo struct {
	ID        string // the stored hash of the session's token: names it without being it
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
	Current   bool // the browser looking at the list
}

// Sessions lists the user's live sessions, the most recently used first.
func (s *Store) Sessions(ctx context.Context, u User, currentToken string) ([]SessionInfo, error) {
	current := hashToken(currentToken)
	rows, err := s.db.QueryContext(ctx, `SELECT token_hash, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY COALESCE(last_seen_at, created_at) DESC, created_at DESC`, u.ID, s.now().UTC())
	return db.Collect(rows, err, func(r db.Scanner) (SessionInfo, error) {
		var si SessionInfo
		var seen sql.NullTime
		err := r.Scan(&si.ID, &si.CreatedAt, &seen, &si.ExpiresAt, &si.IP, &si.UserAgent)
		si.LastSeen, si.Current = si.CreatedAt, si.ID == current
		if seen.Valid {
			si.LastSeen = seen.Time
		}
		return si, err
	})
}

// EndSessions signs the user's other browsers out: the one named id, or, with id "", every one
// but the browser making the request (currentToken).
func (s *Store) EndSessions(ctx context.Context, u User, currentToken, ip, id string) (int, error) {
	now := s.now().UTC()
	current := hashToken(currentToken)
	if id == current {
		return 0, apperr.New(apperr.Invalid, "To end this session, sign out.")
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if id == "" {
			res, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, current)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2`, u.ID, id)
		}
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			return nil // already gone: nothing to record
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "sign_out", "user", u.Username, u.Username+" signed out other sessions",
			nil, map[string]any{"sessions": n}, u.AgencyID, u.CentreID)
	})
	return int(n), err
}
