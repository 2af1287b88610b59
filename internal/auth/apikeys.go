package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
)

// APIKey is a key another system uses to lodge and read requests. The key itself is shown once,
// when created: Huduma keeps its prefix (to find it) and a hash (to check it).
type APIKey struct {
	ID        int64
	Name      string
	Prefix    string
	AgencyID  int64
	CreatedAt time.Time
	LastUsed  *time.Time
	Revoked   bool
}

// apiKeyPrefixLen characters of a key name it in lists and logs without revealing it.
const apiKeyPrefixLen = 8

// CreateAPIKey makes a key and returns it in full (the only time it is seen).
func (s *Store) CreateAPIKey(ctx context.Context, actor audit.Actor, name string, agencyID int64) (APIKey, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return APIKey{}, "", apperr.InvalidFields(map[string]string{"name": "Name the system that will use the key (at most 100 characters)."})
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return APIKey{}, "", err
	}
	secret := "hk_" + base64.RawURLEncoding.EncodeToString(b)
	k := APIKey{Name: name, Prefix: secret[:3+apiKeyPrefixLen], AgencyID: agencyID, CreatedAt: s.now().UTC()}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_keys (name, prefix, key_hash, agency_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			k.Name, k.Prefix, hashToken(secret), nullID(agencyID), k.CreatedAt).Scan(&k.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, k.CreatedAt, actor, "create", "api_key", k.Prefix, "Created API key "+k.Name, nil, k, agencyID, 0)
	})
	return k, secret, err
}

// ErrBadAPIKey is the one answer for a missing, unknown or revoked key.
var ErrBadAPIKey = apperr.New(apperr.Unauthorised, "A valid API key is required.")

// CheckAPIKey finds the key a request presents.
func (s *Store) CheckAPIKey(ctx context.Context, secret string) (APIKey, error) {
	secret = strings.TrimSpace(secret)
	if len(secret) < 3+apiKeyPrefixLen || !strings.HasPrefix(secret, "hk_") {
		return APIKey{}, ErrBadAPIKey
	}
	var k APIKey
	var hash string
	var agency sql.NullInt64
	var revoked, lastUsed sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, name, prefix, key_hash, agency_id, created_at, revoked_at, last_used_at FROM api_keys WHERE prefix = $1`,
		secret[:3+apiKeyPrefixLen]).Scan(&k.ID, &k.Name, &k.Prefix, &hash, &agency, &k.CreatedAt, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, ErrBadAPIKey
	} else if err != nil {
		return APIKey{}, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(hashToken(secret))) != 1 || revoked.Valid {
		return APIKey{}, ErrBadAPIKey
	}
	k.AgencyID = agency.Int64
	// Last use to the minute is enough: a busy key neither writes nor even tries on every call.
	if now := s.now().UTC(); !lastUsed.Valid || now.Sub(lastUsed.Time) >= time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, now, k.ID)
	}
	if lastUsed.Valid {
		t := lastUsed.Time
		k.LastUsed = &t
	}
	return k, nil
}

// RevokeAPIKey stops a key working.
func (s *Store) RevokeAPIKey(ctx context.Context, actor audit.Actor, prefix string) error {
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE prefix = $2 AND revoked_at IS NULL`, now, prefix)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "No active API key starts with %q.", prefix)
		}
		return audit.Record(ctx, tx, now, actor, "delete", "api_key", prefix, "Revoked API key "+prefix, nil, nil, 0, 0)
	})
}
