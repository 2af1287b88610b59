package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/secret"
	"golang.org/x/crypto/bcrypt"
)

// Two-step sign-in: after the right password, an account with TOTP turned on is asked for the
// code its authenticator app shows (or one of its single-use recovery codes) before a session
// exists. In between, the browser holds only a challenge: a random token in a cookie, stored
// hashed, good for ChallengeLifetime and ChallengeAttempts tries, that opens nothing else.
const (
	ChallengeLifetime = 5 * time.Minute
	ChallengeAttempts = 5
	RecoveryCodeCount = 10
	// TOTPIssuer names the account in the authenticator app.
	TOTPIssuer = "Huduma"
)

// ErrBadCode is the answer to a wrong, old or already used second-step code.
var ErrBadCode = apperr.New(apperr.Unauthorised, "That code is not right, or it has been used already. Enter the code your app shows now, or a recovery code.")

// ErrChallengeEnded is the answer when the second step has expired or run out of tries.
var ErrChallengeEnded = apperr.New(apperr.Unauthorised, "Your sign-in has expired. Please sign in again.")

// TwoFactor is an account's two-step sign-in, as its holder may see it.
type TwoFactor struct {
	Enabled   bool
	EnabledAt time.Time
	// Pending is the secret of an enrolment begun and not yet confirmed: shown until the holder
	// confirms it with a code, never after.
	Pending      string
	RecoveryLeft int // recovery codes not yet used
}

// TwoFactorOf reads an account's two-step sign-in.
func (s *Store) TwoFactorOf(ctx context.Context, userID int64) (TwoFactor, error) {
	var tf TwoFactor
	var secretText string
	var enabledAt sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at,
		(SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL)
		FROM users u WHERE id = $1`, userID).Scan(&secretText, &enabledAt, &tf.RecoveryLeft)
	if errors.Is(err, sql.ErrNoRows) {
		return tf, apperr.New(apperr.NotFound, "No such account.")
	}
	if err != nil {
		return tf, err
	}
	if enabledAt.Valid {
		tf.Enabled, tf.EnabledAt = true, enabledAt.Time
	} else if secretText != "" {
		tf.Pending, err = s.openTOTP(userID, secretText)
	}
	return tf, err
}

// BeginTwoFactor starts an enrolment: a new secret, pending until ConfirmTwoFactor. Starting again
// replaces a pending secret (a QR code scanned by nobody, or lost).
func (s *Store) BeginTwoFactor(ctx context.Context, u User, ip string) (string, error) {
	now := s.now().UTC()
	key := newTOTPSecret()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_last_step = 0, updated_at = $2 WHERE id = $3 AND totp_enabled_at IS NULL`,
			s.sealTOTP(u.ID, key), now, u.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.New(apperr.Conflict, "Two-step sign-in is already on for this account.")
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "two_factor_begin", "user", u.Username, u.Username+" began setting up two-step sign-in", nil, nil, u.AgencyID, u.CentreID)
	})
	return key, err
}

// ConfirmTwoFactor turns two-step sign-in on once the holder proves, with a code from their app,
// that it holds the pending secret. It returns the recovery codes, in clear this once (only their
// hashes are kept).
func (s *Store) ConfirmTwoFactor(ctx context.Context, u User, code, ip string) ([]string, error) {
	now := s.now().UTC()
	var codes []string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var pending string
		var enabledAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1`, u.ID).Scan(&pending, &enabledAt); err != nil {
			return err
		}
		if enabledAt.Valid {
			return apperr.New(apperr.Conflict, "Two-step sign-in is already on for this account.")
		}
		if pending == "" {
			return apperr.New(apperr.Conflict, "Start setting up two-step sign-in first.")
		}
		plain, err := s.openTOTP(u.ID, pending)
		if err != nil {
			return err
		}
		key, err := decodeSecret(plain)
		if err != nil {
			return err
		}
		step := matchTOTP(key, normaliseCode(code), now, 0)
		if step == 0 {
			return &apperr.Error{Code: apperr.Invalid, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"code": "That code is not right. Enter the 6 digits your app shows now."}}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled_at = $1, totp_last_step = $2, updated_at = $1
			WHERE id = $3 AND totp_enabled_at IS NULL AND totp_secret = $4`, now, step, u.ID, pending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.New(apperr.Conflict, "Two-step sign-in is already on for this account.")
		}
		if codes, err = replaceRecoveryCodes(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "two_factor_on", "user", u.Username, u.Username+" turned on two-step sign-in", nil, nil, u.AgencyID, u.CentreID)
	})
	return codes, err
}

// DisableTwoFactor turns two-step sign-in off: it takes the account's password and a current code
// (or a recovery code), so a browser left signed in is not enough. A wrong password counts
// against the account like a failed sign-in.
func (s *Store) DisableTwoFactor(ctx context.Context, u User, password, code, ip string) error {
	now := s.now().UTC()
	var wrong map[string]string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`+s.db.Kind().Lock("FOR UPDATE"), u.ID).Scan(&hash); err != nil {
			return err
		}
		if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
			wrong = map[string]string{"password": "That is not your password."}
			_, err := s.recordFailure(ctx, tx, now, u, ip)
			return err // committed: the failure counts
		}
		ok, usedRecovery, err := s.useSecondFactor(ctx, tx, now, u.ID, code)
		if err != nil {
			return err
		}
		if !ok {
			wrong = map[string]string{"code": "That code is not right, or it has been used already."}
			_, err := s.recordFailure(ctx, tx, now, u, ip)
			return err
		}
		if usedRecovery {
			if err := audit.Record(ctx, tx, now, u.Actor(ip), "recovery_code_used", "user", u.Username, u.Username+" used a recovery code", nil, nil, u.AgencyID, u.CentreID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0, updated_at = $1 WHERE id = $2`, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "two_factor_off", "user", u.Username, u.Username+" turned off two-step sign-in", nil, nil, u.AgencyID, u.CentreID)
	})
	if err == nil && wrong != nil {
		return apperr.InvalidFields(wrong)
	}
	return err
}

// useSecondFactor checks code — six digits from the app, or a recovery code — for an account with
// two-step sign-in on, and uses it up: the app code's step is remembered so neither it nor an
// earlier one works again, a recovery code is marked used. Both are conditional updates, so two
// requests racing with one code cannot both win.
func (s *Store) useSecondFactor(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, code string) (ok, recovery bool, err error) {
	code = normaliseCode(code)
	var secretText string
	var lastStep int64
	var enabledAt sql.NullTime
	if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step, totp_enabled_at FROM users WHERE id = $1`, userID).Scan(&secretText, &lastStep, &enabledAt); err != nil {
		return false, false, err
	}
	if !enabledAt.Valid {
		return false, false, nil
	}
	if len(code) == TOTPDigits {
		plain, err := s.openTOTP(userID, secretText)
		if err != nil {
			return false, false, err
		}
		key, err := decodeSecret(plain)
		if err != nil {
			return false, false, err
		}
		step := matchTOTP(key, code, now, lastStep)
		if step == 0 {
			return false, false, nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return false, false, err
		}
		n, err := res.RowsAffected()
		return n == 1, false, err
	}
	if len(code) != recoveryCodeLength {
		return false, false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, now, userID, secret.Hash(code))
	if err != nil {
		return false, false, err
	}
	n, err := res.RowsAffected()
	return n == 1, n == 1, err
}

// normaliseCode takes a code as people type it: spaces and hyphens ignored, any case.
func normaliseCode(code string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
}

// Recovery codes: ten characters from an alphabet without the look-alikes 0/O and 1/I (50 bits
// each), shown as two groups of five.
const (
	recoveryAlphabet   = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	recoveryCodeLength = 10
)

func newRecoveryCode() string {
	b := make([]byte, recoveryCodeLength)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	for i := range b {
		b[i] = recoveryAlphabet[b[i]&31] // 32 letters: every byte value maps evenly
	}
	return string(b[:5]) + "-" + string(b[5:])
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, secret.Hash(normaliseCode(codes[i]))); err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// StartChallenge begins the second step for u, whose password was right: the token for the
// browser's cookie (only its hash is stored).
func (s *Store) StartChallenge(ctx context.Context, u User, ip string) (string, error) {
	now := s.now().UTC()
	token := randomToken()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE user_id = $1 AND expires_at <= $2`, u.ID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in_challenges (token_hash, user_id, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5)`,
			hashToken(token), u.ID, now, now.Add(ChallengeLifetime), ip)
		return err
	})
	return token, err
}

// ChallengeOpen reports whether token is a second step still open (not expired, tries left).
func (s *Store) ChallengeOpen(ctx context.Context, token string) bool {
	if token == "" {
		return false
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3`,
		hashToken(token), s.now().UTC(), ChallengeAttempts).Scan(&n)
	return err == nil && n == 1
}

// CompleteChallenge takes the second step: with the right code a session starts (and the
// challenge ends); a wrong code uses up one of the challenge's tries and counts against the
// account like a wrong password.
func (s *Store) CompleteChallenge(ctx context.Context, token, code, userAgent, ip string) (User, Session, error) {
	now := s.now().UTC()
	var u User
	var sess Session
	var refusal error
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		refusal = nil
		var userID int64
		// One try used, atomically: two requests with the same token cannot both have the last one.
		err := tx.QueryRowContext(ctx, `UPDATE sign_in_challenges SET attempts = attempts + 1
			WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3 RETURNING user_id`, hashToken(token), now, ChallengeAttempts).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			refusal = ErrChallengeEnded
			return nil
		}
		if err != nil {
			return err
		}
		var lockedUntil sql.NullTime
		// The account's row is held until this transaction ends (PostgreSQL; SQLite serialises
		// writers anyway): two second steps with one code, on two nodes, check and use it in turn.
		u, err = scanUserWithHash(tx.QueryRowContext(ctx, `SELECT `+userColumns+`, '', locked_until FROM users WHERE id = $1`+s.db.Kind().Lock("FOR UPDATE"),
			userID), new(string), &lockedUntil)
		if err != nil {
			return err
		}
		if !u.Active || (lockedUntil.Valid && lockedUntil.Time.After(now)) {
			refusal = ErrLocked
			if !u.Active {
				refusal = ErrChallengeEnded
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE token_hash = $1`, hashToken(token))
			return err
		}
		ok, recovery, err := s.useSecondFactor(ctx, tx, now, u.ID, code)
		if err != nil {
			return err
		}
		if !ok {
			refusal = ErrBadCode
			locked, err := s.recordFailure(ctx, tx, now, u, ip)
			if locked {
				refusal = ErrLocked
			}
			return err // committed: the try and the failure count
		}
		if recovery {
			if err := audit.Record(ctx, tx, now, u.Actor(ip), "recovery_code_used", "user", u.Username, u.Username+" signed in with a recovery code", nil, nil, u.AgencyID, u.CentreID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_challenges WHERE token_hash = $1`, hashToken(token)); err != nil {
			return err
		}
		sess = newSession(u, now)
		return startSession(ctx, tx, now, u, sess, trimAgent(userAgent), ip)
	})
	if err != nil {
		return User{}, Session{}, err
	}
	if refusal != nil {
		return User{}, Session{}, refusal
	}
	return u, sess, nil
}
