package auth

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"golang.org/x/crypto/bcrypt"
)

// User is a staff account.
type User struct {
	ID       int64
	Username string
	Name     string
	Email    string
	Phone    string // a mobile number for alerts (+254…); may be empty
	Role     Role
	CentreID int64
	AgencyID int64
	Language string
	Active   bool
	// IntegrityOfficer marks the staff who receive corruption reports (a duty, not a role).
	IntegrityOfficer bool
	CreatedAt        time.Time
}

// Actor is the user as the audit trail names them.
func (u User) Actor(ip string) audit.Actor { return audit.Actor{ID: u.ID, Name: u.Username, IP: ip} }

// SessionLifetime is how long a sign-in lasts without activity limits: one working week.
const SessionLifetime = 7 * 24 * time.Hour

// MinPasswordLength follows NIST SP 800-63B's floor for user-chosen passwords.
const MinPasswordLength = 10

// Store keeps users and sessions.
type Store struct {
	db         db.Handle
	now        func() time.Time
	bcryptCost int
	dummyHash  []byte
	sealer     cipher.AEAD // seals TOTP keys at rest (totp_seal.go); nil: not sealed
}

// NewStore returns a Store. cost is the bcrypt cost (bcrypt.DefaultCost+2 in production; tests may
// pass bcrypt.MinCost to stay fast).
func NewStore(d db.Handle, now func() time.Time, cost int) *Store {
	if now == nil {
		now = time.Now
	}
	if cost == 0 {
		cost = 12
	}
	// A hash to compare against when the username is unknown, so a wrong username takes as long as a wrong password.
	dummy, _ := bcrypt.GenerateFromPassword([]byte("huduma-timing-equaliser"), cost)
	return &Store{db: d, now: now, bcryptCost: cost, dummyHash: dummy}
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// WithTx returns a Store whose changes join the open transaction tx.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	c := *s
	c.db = db.Within(tx, s.db.Kind())
	return &c
}

// NewUser is what it takes to create an account.
type NewUser struct {
	Username string
	Name     string
	Email    string
	Phone    string
	Role     Role
	CentreID int64
	AgencyID int64
	Password string
	// IntegrityOfficer gives the account the integrity officer's duty (corruption reports).
	IntegrityOfficer bool
}

// CreateUser creates an account and records it.
func (s *Store) CreateUser(ctx context.Context, actor audit.Actor, n NewUser) (User, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	n.Name, n.Email = strings.TrimSpace(n.Name), strings.TrimSpace(n.Email)
	f := map[string]string{}
	if !usernamePattern.MatchString(n.Username) {
		f["username"] = "Use 2 to 40 lower-case letters, digits, dots, hyphens or underscores."
	}
	if n.Name == "" {
		f["name"] = "This field is required."
	}
	if !n.Role.Valid() {
		f["role"] = "Choose one of the listed roles."
	}
	if (n.Role == Officer || n.Role == CentreManager) && n.CentreID == 0 {
		f["centre"] = "Officers and centre managers belong to a centre."
	}
	if n.Role == AgencyAdmin && n.AgencyID == 0 {
		f["agency"] = "Agency admins belong to an agency."
	}
	if len(n.Password) < MinPasswordLength {
		f["password"] = "Use a password of at least 10 characters."
	}
	if len(f) > 0 {
		return User{}, apperr.InvalidFields(f)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.bcryptCost)
	if err != nil {
		return User{}, apperr.Wrap(err, apperr.Invalid, "This password cannot be used.")
	}
	now := s.now().UTC()
	u := User{Username: n.Username, Name: n.Name, Email: n.Email, Phone: strings.TrimSpace(n.Phone), Role: n.Role, CentreID: n.CentreID, AgencyID: n.AgencyID,
		Language: "en", Active: true, IntegrityOfficer: n.IntegrityOfficer, CreatedAt: now}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, name, email, phone, password_hash, role, centre_id, agency_id, language, active,
			integrity_officer, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'en', TRUE, $9, $10, $10) RETURNING id`,
			u.Username, u.Name, u.Email, u.Phone, string(hash), string(u.Role), nullID(u.CentreID), nullID(u.AgencyID), u.IntegrityOfficer, now).Scan(&u.ID)
		if err != nil {
			if apperr.Is(db.MapError(s.db.Kind(), err), apperr.Conflict) {
				msg := "That username is taken."
				return &apperr.Error{Code: apperr.Conflict, Message: msg, Fields: map[string]string{"username": msg}, Err: err}
			}
			return db.MapError(s.db.Kind(), err)
		}
		return audit.Record(ctx, tx, now, actor, "create", "user", u.Username, fmt.Sprintf("Created %s account %s", u.Role, u.Username), nil, u, u.AgencyID, u.CentreID)
	})
	return u, err
}

const userColumns = `id, username, name, email, phone, role, COALESCE(centre_id, 0), COALESCE(agency_id, 0), language, active, integrity_officer, created_at`

// userColumnsU is userColumns for a query where the users table is aliased u.
const userColumnsU = `u.id, u.username, u.name, u.email, u.phone, u.role, COALESCE(u.centre_id, 0), COALESCE(u.agency_id, 0), u.language, u.active, u.integrity_officer, u.created_at`

func scanUser(row db.Scanner) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Email, &u.Phone, &role, &u.CentreID, &u.AgencyID, &u.Language, &u.Active, &u.IntegrityOfficer, &u.CreatedAt)
	u.Role = Role(role)
	return u, err
}

// UserByUsername finds an account.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, strings.ToLower(strings.TrimSpace(username))))
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.New(apperr.NotFound, "No account with username %q.", username)
	}
	return u, err
}

// Users lists accounts by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	return db.Collect(rows, err, scanUser)
}

// ErrBadCredentials is the one answer for a wrong username or password, so neither is revealed.
var ErrBadCredentials = apperr.New(apperr.Unauthorised, "Wrong username or password.")

// Authenticate checks a username and password.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	var hash string
	u, err := scanUserWithHash(s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`,
		strings.ToLower(strings.TrimSpace(username))), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || !u.Active {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// scanUserWithHash scans userColumns followed by the password hash and any further columns (extra).
func scanUserWithHash(row *sql.Row, hash *string, extra ...any) (User, error) {
	var u User
	var role string
	err := row.Scan(append([]any{&u.ID, &u.Username, &u.Name, &u.Email, &u.Phone, &role, &u.CentreID, &u.AgencyID, &u.Language, &u.Active, &u.IntegrityOfficer, &u.CreatedAt, hash}, extra...)...)
	u.Role = Role(role)
	return u, err
}

// Session is a signed-in browser.
type Session struct {
	Token     string // the cookie value; only its hash is stored
	CSRF      string // the token every form of this session must carry
	UserID    int64
	ExpiresAt time.Time
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the platform is broken; nothing is safe to do
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StartSession signs a user in: a new session (and audit record of the sign-in).
func (s *Store) StartSession(ctx context.Context, u User, userAgent, ip string) (Session, error) {
	now := s.now().UTC()
	sess := newSession(u, now)
	userAgent = trimAgent(userAgent)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error { return startSession(ctx, tx, now, u, sess, userAgent, ip) })
	return sess, err
}

// startSession writes a new session and its audit record in tx. A completed sign-in also clears
// the account's count of failed attempts (lockout.go).
func startSession(ctx context.Context, tx *sql.Tx, now time.Time, u User, sess Session, userAgent, ip string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2`, u.ID, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, user_agent, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, hashToken(sess.Token), u.ID, sess.CSRF, now, sess.ExpiresAt, userAgent, ip); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE user_id = $1`, u.ID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, u.Actor(ip), "sign_in", "user", u.Username, u.Username+" signed in", nil, nil, u.AgencyID, u.CentreID)
}

// newSession is a session for u starting at now (not yet written).
func newSession(u User, now time.Time) Session {
	return Session{Token: randomToken(), CSRF: randomToken(), UserID: u.ID, ExpiresAt: now.Add(SessionLifetime)}
}

// SessionUser returns the user and session for a cookie token, or Unauthorised.
func (s *Store) SessionUser(ctx context.Context, token string) (User, Session, error) {
	if token == "" {
		return User{}, Session{}, apperr.New(apperr.Unauthorised, "Please sign in.")
	}
	var sess Session
	var lastSeen sql.NullTime
	u, err := scanUserWithSession(s.db.QueryRowContext(ctx, `SELECT u.id, u.username, u.name, u.email, u.phone, u.role, COALESCE(u.centre_id, 0),
		COALESCE(u.agency_id, 0), u.language, u.active, u.integrity_officer, u.created_at, s.csrf_token, s.expires_at,
		s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, hashToken(token)), &sess, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, Session{}, apperr.New(apperr.Unauthorised, "Please sign in.")
	}
	if err != nil {
		return User{}, Session{}, err
	}
	if !sess.ExpiresAt.After(s.now()) || !u.Active {
		return User{}, Session{}, apperr.New(apperr.Unauthorised, "Your session has ended. Please sign in again.")
	}
	sess.Token, sess.UserID = token, u.ID
	// Last use to the minute is enough for the "your sessions" list: a busy session neither writes
	// nor even tries on every request.
	if now := s.now().UTC(); !lastSeen.Valid || now.Sub(lastSeen.Time) >= time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now, hashToken(token))
	}
	return u, sess, nil
}

func scanUserWithSession(row *sql.Row, sess *Session, lastSeen *sql.NullTime) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Email, &u.Phone, &role, &u.CentreID, &u.AgencyID, &u.Language, &u.Active, &u.IntegrityOfficer, &u.CreatedAt, &sess.CSRF, &sess.ExpiresAt, lastSeen)
	u.Role = Role(role)
	return u, err
}

// EndSession signs a browser out.
func (s *Store) EndSession(ctx context.Context, u User, token, ip string) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "sign_out", "user", u.Username, u.Username+" signed out", nil, nil, u.AgencyID, u.CentreID)
	})
}

func trimAgent(userAgent string) string {
	if len(userAgent) > 300 {
		return userAgent[:300]
	}
	return userAgent
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Colleagues lists the active staff who may be given a request of a centre and agency: the
// centre's officers and managers and the agency's admins.
func (s *Store) Colleagues(ctx context.Context, centreID, agencyID int64) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE active = TRUE
		AND ((centre_id = $1 AND role IN ('officer', 'centre_manager')) OR (agency_id = $2 AND role = 'agency_admin')) ORDER BY name`, centreID, agencyID)
	return db.Collect(rows, err, scanUser)
}

// OnDuty reports whether a user is on duty for round-robin assignment.
func (s *Store) OnDuty(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := s.db.QueryRowContext(ctx, `SELECT on_duty FROM users WHERE id = $1`, userID).Scan(&on)
	return on, err
}
