package charter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
)

const charterColumns = `ch.id, COALESCE(ch.agency_id, 0), COALESCE(ch.centre_id, 0), COALESCE(a.code, c.code), COALESCE(a.name, c.name),
	ch.title, ch.preamble, ch.vision, ch.mission, ch.mandate, ch.core_values, ch.core_functions, ch.legislation, ch.commitments,
	ch.clients, ch.standards, ch.conduct, ch.client_obligations, ch.client_rights, ch.working_hours, ch.matrix_note,
	ch.complaints, ch.closing, ch.published, ch.is_demo, ch.updated_at`

const charterFrom = ` FROM charters ch LEFT JOIN agencies a ON a.id = ch.agency_id LEFT JOIN centres c ON c.id = ch.centre_id`

func scanCharter(row db.Scanner) (Charter, error) {
	var c Charter
	var values, functions, legislation, commitments, clients, standards, conduct, obligations, rights stringList
	err := row.Scan(&c.ID, &c.AgencyID, &c.CentreID, &c.OwnerCode, &c.OwnerName, &c.Title, &c.Preamble, &c.Vision, &c.Mission, &c.Mandate,
		&values, &functions, &legislation, &commitments, &clients, &standards, &conduct, &obligations, &rights,
		&c.WorkingHours, &c.MatrixNote, &c.Complaints, &c.Closing, &c.Published, &c.Demo, &c.UpdatedAt)
	c.CoreValues, c.CoreFunctions, c.Legislation, c.Commitments = values, functions, legislation, commitments
	c.Clients, c.Standards, c.Conduct, c.ClientObligations, c.ClientRights = clients, standards, conduct, obligations, rights
	return c, err
}

// Charters lists charters, agencies' first, by owner name. publishedOnly hides drafts.
func (s *Store) Charters(ctx context.Context, publishedOnly bool) ([]Charter, error) {
	q := `SELECT ` + charterColumns + charterFrom
	if publishedOnly {
		q += ` WHERE ch.published = TRUE`
	}
	q += ` ORDER BY CASE WHEN ch.agency_id IS NULL THEN 1 ELSE 0 END, COALESCE(a.name, c.name)`
	rows, err := s.db.QueryContext(ctx, q)
	out, err := db.Collect(rows, err, scanCharter)
	if err != nil {
		return nil, fmt.Errorf("list charters: %w", err)
	}
	return out, nil
}

// CharterOfAgency returns an agency's charter.
func (s *Store) CharterOfAgency(ctx context.Context, agencyID int64) (Charter, error) {
	c, err := scanCharter(s.db.QueryRowContext(ctx, `SELECT `+charterColumns+charterFrom+` WHERE ch.agency_id = $1`, agencyID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "This agency has not published a charter yet.")
	}
	return c, err
}

// CharterOfCentre returns a centre's charter.
func (s *Store) CharterOfCentre(ctx context.Context, centreID int64) (Charter, error) {
	c, err := scanCharter(s.db.QueryRowContext(ctx, `SELECT `+charterColumns+charterFrom+` WHERE ch.centre_id = $1`, centreID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.NotFound, "This centre has not published a charter yet.")
	}
	return c, err
}

// SaveCharter creates or replaces the charter of its owner (an agency or a centre).
func (s *Store) SaveCharter(ctx context.Context, actor audit.Actor, c Charter) (Charter, error) {
	if err := c.normalise(); err != nil {
		return c, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := scanCharter(tx.QueryRowContext(ctx, `SELECT `+charterColumns+charterFrom+
			` WHERE (ch.agency_id = $1 AND $1 <> 0) OR (ch.centre_id = $2 AND $2 <> 0)`, c.AgencyID, c.CentreID))
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		args := []any{c.Title, c.Preamble, c.Vision, c.Mission, c.Mandate, stringList(c.CoreValues), stringList(c.CoreFunctions),
			stringList(c.Legislation), stringList(c.Commitments), stringList(c.Clients), stringList(c.Standards), stringList(c.Conduct),
			stringList(c.ClientObligations), stringList(c.ClientRights), c.WorkingHours, c.MatrixNote, c.Complaints, c.Closing,
			c.Published, now}
		action := "update"
		if exists {
			c.ID = before.ID
			_, err = tx.ExecContext(ctx, `UPDATE charters SET title = $1, preamble = $2, vision = $3, mission = $4, mandate = $5,
				core_values = $6, core_functions = $7, legislation = $8, commitments = $9, clients = $10, standards = $11, conduct = $12,
				client_obligations = $13, client_rights = $14, working_hours = $15, matrix_note = $16, complaints = $17, closing = $18,
				published = $19, updated_at = $20 WHERE id = $21`, append(args, c.ID)...)
		} else {
			action = "create"
			err = tx.QueryRowContext(ctx, `INSERT INTO charters (title, preamble, vision, mission, mandate, core_values, core_functions,
				legislation, commitments, clients, standards, conduct, client_obligations, client_rights, working_hours, matrix_note,
				complaints, closing, published, updated_at, created_at, agency_id, centre_id, is_demo)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $22, $23) RETURNING id`,
				append(args, nullID(c.AgencyID), nullID(c.CentreID), c.Demo)...).Scan(&c.ID)
		}
		if err != nil {
			return err
		}
		c.UpdatedAt = now
		var beforeV any
		if exists {
			beforeV = before
		}
		return audit.Record(ctx, tx, now, actor, action, "charter", idString(c.ID), "Saved charter "+c.Title, beforeV, c, c.AgencyID, c.CentreID)
	})
	return c, err
}
