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
	"github.com/huduma-ke/huduma/internal/secret"
	"golang.org/x/crypto/bcrypt"
)

// Password links: an invitation for a new account, or a reset. The link carries a random token
// (internal/secret); only its hash is stored. It works once, until it expires; a newer link for
// the same account, a password set another way, or disabling the account ends it.

// Purposes of a password link.
const (
	PurposeInvite = "invite"
	PurposeReset  = "reset"
)

const (
	// InvitationLifetime is how long an invitation, or a reset an administrator sends, stays
	// valid: long enough for a weekend between the invitation and the first day at work.
	InvitationLifetime = 72 * time.Hour
	// SelfResetLifetime is how long a reset the user asked for stays valid: they are waiting for it.
	SelfResetLifetime = time.Hour
	// resetQuiet is the least time between two resets a user asks for, so that nobody can fill
	// someone's phone or mailbox by asking again and again.
	resetQuiet = 5 * time.Minute
	// MaxPasswordLength is bcrypt's limit (72 bytes).
	MaxPasswordLength = 72
)

// Refusals of a password link, each with its own page.
var (
	ErrLinkUnknown = apperr.New(apperr.NotFound, "This link is not valid. Check that you opened the whole link from the message.")
	ErrLinkUsed    = apperr.New(apperr.Conflict, "This link has already been used. Sign in with your password, or ask for a new link.")
	ErrLinkExpired = apperr.New(apperr.Conflict, "This link has expired. Ask for a new one with “Forgot password?” or from your administrator.")
)

// PasswordLinkPath is where a link leads; the token follows in ?t= (a query, so that request logs,
// which record paths, never hold it).
const PasswordLinkPath = "/password"

// PasswordLink is a valid link's account and purpose.
type PasswordLink struct {
	User      User
	Purpose   string
	ExpiresAt time.Time
}

// sendPasswordLink makes a link for u and queues the message that carries it, inside tx: by
// e-mail when the account has an address, else by SMS; in the account's language. Earlier
// unused links of the account stop working. createdBy is the administrator (0: the user).
func (s *Store) sendPasswordLink(ctx context.Context, tx *sql.Tx, actor audit.Actor, createdBy int64, u User, purpose, base string, now time.Time) error {
	lifetime := InvitationLifetime
	if purpose == PurposeReset && createdBy == 0 {
		lifetime = SelfResetLifetime
	}
	if u.Email == "" && u.Phone == "" {
		return apperr.New(apperr.Invalid, "This account has no e-mail address or mobile number: add one first.")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, u.ID); err != nil {
		return err
	}
	// 24 random bytes (192 bits) keep the link short enough for one or two SMS segments.
	token, hash := secret.New(24)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO password_tokens (user_id, purpose, token_hash, created_at, expires_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, u.ID, purpose, hash, now, now.Add(lifetime), nullID(createdBy)).Scan(&id); err != nil {
		return err
	}
	link := strings.TrimRight(base, "/") + PasswordLinkPath + "?t=" + token
	m := passwordMessage(u, purpose, link, lifetime)
	m.DedupeKey = fmt.Sprintf("password_token:%d:%s", id, m.Channel)
	if err := notify.Enqueue(ctx, tx, now, m); err != nil {
		if f := apperr.FieldsOf(err); f != nil {
			return apperr.New(apperr.Invalid, "The account's e-mail address or mobile number cannot receive messages: correct it first.")
		}
		return err
	}
	summary := fmt.Sprintf("Sent a password reset link to %s by %s", u.Username, m.Channel)
	if purpose == PurposeInvite {
		summary = fmt.Sprintf("Sent an invitation to %s by %s", u.Username, m.Channel)
	}
	return audit.Record(ctx, tx, now, actor, "password_link", "user", u.Username, summary, nil,
		map[string]any{"purpose": purpose, "channel": m.Channel, "expires_at": now.Add(lifetime)}, u.AgencyID, u.CentreID)
}

// passwordMessage is the invitation or reset, in the account's language. The SMS stays within two
// segments with its link.
func passwordMessage(u User, purpose, link string, lifetime time.Duration) notify.Message {
	sw := u.Language == "sw"
	within := fmt.Sprintf("%d hours", int(lifetime.Hours()))
	switch {
	case sw && lifetime == time.Hour:
		within = "saa moja"
	case sw:
		within = fmt.Sprintf("saa %d", int(lifetime.Hours()))
	case lifetime == time.Hour:
		within = "1 hour"
	}
	var subject, text string
	switch {
	case purpose == PurposeInvite && sw:
		subject = "Huduma: akaunti yako ya mfanyakazi"
		text = fmt.Sprintf("Huduma: akaunti %s imefunguliwa kwa ajili yako. Weka nenosiri lako ndani ya %s: %s", u.Username, within, link)
	case purpose == PurposeInvite:
		subject = "Huduma: your staff account"
		text = fmt.Sprintf("Huduma: an account %s has been made for you. Set your password within %s: %s", u.Username, within, link)
	case sw:
		subject = "Huduma: weka nenosiri jipya"
		text = fmt.Sprintf("Huduma: weka nenosiri jipya la %s ndani ya %s: %s Kama hukuomba, puuza ujumbe huu.", u.Username, within, link)
	default:
		subject = "Huduma: set a new password"
		text = fmt.Sprintf("Huduma: set a new password for %s within %s: %s If you did not ask, ignore this message.", u.Username, within, link)
	}
	if u.Email != "" {
		body := text + "\n\n"
		if sw {
			body += "Kiungo hiki kinatumika mara moja tu. Hakuna mtu mwingine, hata msimamizi, atakayejua nenosiri lako."
		} else {
			body += "The link works once. Nobody else, not even your administrator, will know your password."
		}
		return notify.Message{Channel: notify.Email, To: u.Email, Subject: subject, Body: body}
	}
	return notify.Message{Channel: notify.SMS, To: u.Phone, Body: text}
}

// SendPasswordReset sends an account the user manages a reset link (valid InvitationLifetime);
// for an account still invited, a fresh invitation.
func (s *Store) SendPasswordReset(ctx context.Context, by User, ip, username, base string) (Staff, error) {
	var st Staff
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = staffWhere(ctx, tx, "u.username = $1", strings.ToLower(strings.TrimSpace(username))); err != nil {
			return err
		}
		if !by.CanManageUser(st) {
			st = Staff{}
			return apperr.New(apperr.NotFound, "No such staff account.")
		}
		if !st.Active {
			return apperr.New(apperr.Conflict, "This account is disabled: re-enable it first.")
		}
		purpose := PurposeReset
		if st.Invited {
			purpose = PurposeInvite
		}
		return s.sendPasswordLink(ctx, tx, by.Actor(ip), by.ID, st.User, purpose, base, s.now().UTC())
	})
	return st, err
}

// RequestPasswordReset is "Forgot password?": it sends a reset link to each active account whose
// username or e-mail address is who. It never says whether one exists — the caller answers the
// same whatever happened — and sends at most one link per account every few minutes.
func (s *Store) RequestPasswordReset(ctx context.Context, who, ip, base string) error {
	who = strings.ToLower(strings.TrimSpace(who))
	if who == "" || len(who) > 200 {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE active = TRUE AND (username = $1 OR (email <> '' AND LOWER(email) = $1))`, who)
	users, err := collectUsers(rows, err)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for _, u := range users {
		if u.Email == "" && u.Phone == "" {
			continue // nowhere to send it: their administrator can help
		}
		err := s.db.InTx(ctx, func(tx *sql.Tx) error {
			var recent int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_tokens WHERE user_id = $1 AND created_by IS NULL AND purpose = 'reset' AND created_at > $2`,
				u.ID, now.Add(-resetQuiet)).Scan(&recent); err != nil {
				return err
			}
			if recent > 0 {
				return nil
			}
			return s.sendPasswordLink(ctx, tx, audit.Actor{Name: u.Username, IP: ip}, 0, u, PurposeReset, base, now)
		})
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			return err
		}
	}
	return nil
}

func collectUsers(rows *sql.Rows, err error) ([]User, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CheckPasswordLink finds the account a link is for, or says why it no longer works.
func (s *Store) CheckPasswordLink(ctx context.Context, token string) (PasswordLink, error) {
	var l PasswordLink
	var userID int64
	var used sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT user_id, purpose, expires_at, used_at FROM password_tokens WHERE token_hash = $1`,
		secret.Hash(strings.TrimSpace(token))).Scan(&userID, &l.Purpose, &l.ExpiresAt, &used)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return l, ErrLinkUnknown
	} else if err != nil {
		return l, err
	}
	if used.Valid {
		return l, ErrLinkUsed
	}
	if !s.now().Before(l.ExpiresAt) {
		return l, ErrLinkExpired
	}
	l.User, err = scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, userID))
	if err != nil {
		return l, err
	}
	if !l.User.Active {
		return l, ErrLinkUsed // a disabled account's links were ended when it was disabled
	}
	return l, nil
}

// passwordErrors checks a new password.
func passwordErrors(username, password, confirm string) map[string]string {
	f := map[string]string{}
	switch {
	case len([]rune(password)) < MinPasswordLength:
		f["password"] = "Use a password of at least 10 characters."
	case len(password) > MaxPasswordLength:
		f["password"] = "Use a password of at most 72 characters."
	case strings.EqualFold(strings.TrimSpace(password), username):
		f["password"] = "Your password cannot be your username."
	case password != confirm:
		f["confirm"] = "The two passwords are not the same."
	}
	return f
}

// UsePasswordLink sets the password through a link, once: the link is spent, the account's other
// links die, and every session of the account ends (whoever knew the old password is signed out).
func (s *Store) UsePasswordLink(ctx context.Context, token, password, confirm, ip string) (User, error) {
	l, err := s.CheckPasswordLink(ctx, token)
	if err != nil {
		return User{}, err
	}
	if f := passwordErrors(l.User.Username, password, confirm); len(f) > 0 {
		return l.User, apperr.InvalidFields(f)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return l.User, apperr.Wrap(err, apperr.Invalid, "This password cannot be used.")
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Spend the link first: of two submissions at once, only one finds it unspent.
		res, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1`,
			now, secret.Hash(strings.TrimSpace(token)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrLinkUsed
		}
		if err := s.setPasswordTx(ctx, tx, l.User.ID, string(hash), "", now); err != nil {
			return err
		}
		summary := l.User.Username + " set a new password with a reset link"
		if l.Purpose == PurposeInvite {
			summary = l.User.Username + " accepted the invitation and set a password"
		}
		return audit.Record(ctx, tx, now, audit.Actor{ID: l.User.ID, Name: l.User.Username, IP: ip}, "password_set", "user", l.User.Username,
			summary, nil, nil, l.User.AgencyID, l.User.CentreID)
	})
	return l.User, err
}

// setPasswordTx stores a new password hash, ends every other link of the account, and ends its
// sessions but keepSession (the hash of the token of the browser that made the change; "" for all).
func (s *Store) setPasswordTx(ctx context.Context, tx *sql.Tx, userID int64, hash, keepSession string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now, userID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keepSession)
	return err
}

// SetPassword sets an account's password from the operator's shell (huduma user passwd): every
// session of the account ends.
func (s *Store) SetPassword(ctx context.Context, actor audit.Actor, username, password string) (User, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return u, err
	}
	if f := passwordErrors(u.Username, password, password); len(f) > 0 {
		return u, apperr.InvalidFields(f)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return u, apperr.Wrap(err, apperr.Invalid, "This password cannot be used.")
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.setPasswordTx(ctx, tx, u.ID, string(hash), "", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "password_set", "user", u.Username, "Set the password of "+u.Username, nil, nil, u.AgencyID, u.CentreID)
	})
	return u, err
}
