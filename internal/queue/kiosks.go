package queue

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/secret"
)

// Kiosk is a hall kiosk its centre's manager has registered. A registered kiosk is known by the
// secret its browser holds, and has a ticket limit of its own; an unregistered kiosk page is a
// public page like any other, limited per network address.
type Kiosk struct {
	ID       int64
	CentreID int64
	Label    string
}

// AddKiosk registers a kiosk at a centre and returns its secret, shown once.
func (s *Store) AddKiosk(ctx context.Context, actor audit.Actor, centreID int64, label string) (Kiosk, string, error) {
	label = strings.TrimSpace(label)
	if len(label) > 100 {
		return Kiosk{}, "", apperr.InvalidFields(map[string]string{"label": "This is too long."})
	}
	key, hash := secret.New(15)
	now := s.now().UTC()
	k := Kiosk{CentreID: centreID, Label: label}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO kiosks (centre_id, label, key_hash, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, centreID, label, hash, now).Scan(&k.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "create", "kiosk", strconv.FormatInt(k.ID, 10), "Kiosk registered", nil, k, 0, centreID)
	})
	return k, key, err
}

// KioskByKey finds a registered, unrevoked kiosk by its id and secret; a wrong secret, a revoked
// kiosk and a missing one are all not found.
func (s *Store) KioskByKey(ctx context.Context, id int64, key string) (Kiosk, error) {
	var k Kiosk
	var hash string
	var revoked sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, centre_id, label, key_hash, revoked_at FROM kiosks WHERE id = $1`, id).
		Scan(&k.ID, &k.CentreID, &k.Label, &hash, &revoked)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, err
	}
	if err != nil || revoked.Valid || !secret.Matches(hash, key) {
		return Kiosk{}, apperr.New(apperr.NotFound, "No such kiosk.")
	}
	return k, nil
}

// Kiosks lists a centre's registered kiosks.
func (s *Store) Kiosks(ctx context.Context, centreID int64) ([]Kiosk, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, centre_id, label FROM kiosks WHERE centre_id = $1 AND revoked_at IS NULL ORDER BY id`, centreID)
	return db.Collect(rows, err, func(r db.Scanner) (Kiosk, error) {
		var k Kiosk
		return k, r.Scan(&k.ID, &k.CentreID, &k.Label)
	})
}
