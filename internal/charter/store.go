package charter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
)

// Store reads and changes charter data. Every change is one transaction with its audit record.
type Store struct {
	db        db.Handle
	now       func() time.Time
	calendars *calendarCache
	directory *directoryCache
}

// NewStore returns a Store; now is the clock (time.Now in production, a fixed clock in tests).
func NewStore(d db.Handle, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, now: now, calendars: newCalendarCache(), directory: &directoryCache{}}
}

// WithTx returns a Store whose changes join the open transaction tx.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	return &Store{db: db.Within(tx, s.db.Kind()), now: s.now, calendars: s.calendars, directory: s.directory}
}

// notFound turns "no rows" into a NotFound error with msg (a format taking the key, and a
// translation key: one per kind of record, so that Kiswahili reads whole).
func notFound(err error, msg, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, msg, key)
	}
	return err
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// ---- agencies ----

const agencyColumns = `id, code, name, name_sw, kind, county, email, phone, address, is_demo, created_at, updated_at`

func scanAgency(row db.Scanner) (Agency, error) {
	var a Agency
	err := row.Scan(&a.ID, &a.Code, &a.Name, &a.NameSw, &a.Kind, &a.County, &a.Email, &a.Phone, &a.Address, &a.Demo, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// Agencies lists every agency by name.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+agencyColumns+` FROM agencies ORDER BY name`)
	out, err := db.Collect(rows, err, scanAgency)
	if err != nil {
		return nil, fmt.Errorf("list agencies: %w", err)
	}
	return out, nil
}

// AgencyByCode finds an agency by its code.
func (s *Store) AgencyByCode(ctx context.Context, code string) (Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE code = $1`, strings.ToUpper(code)))
	return a, notFound(err, "No agency with code %q.", code)
}

// AgencyByID finds an agency by id.
func (s *Store) AgencyByID(ctx context.Context, id int64) (Agency, error) {
	a, err := scanAgency(s.db.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = $1`, id))
	return a, notFound(err, "No agency with code %q.", idString(id))
}

// SaveAgency creates the agency (ID 0) or updates it, and records the change.
func (s *Store) SaveAgency(ctx context.Context, actor audit.Actor, a Agency) (Agency, error) {
	if err := a.normalise(); err != nil {
		return a, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if a.ID == 0 {
			a.CreatedAt, a.UpdatedAt = now, now
			err := tx.QueryRowContext(ctx, `INSERT INTO agencies (code, name, name_sw, kind, county, email, phone, address, is_demo, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
				a.Code, a.Name, a.NameSw, a.Kind, a.County, a.Email, a.Phone, a.Address, a.Demo, now, now).Scan(&a.ID)
			if err != nil {
				return conflictField(s.db.Kind(), err, "code", "An agency with this code already exists.")
			}
			return audit.Record(ctx, tx, now, actor, "create", "agency", a.Code, "Created agency "+a.Name, nil, a, a.ID, 0)
		}
		before, err := scanAgency(tx.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = $1`, a.ID))
		if err != nil {
			return notFound(err, "No agency with code %q.", idString(a.ID))
		}
		a.CreatedAt, a.UpdatedAt = before.CreatedAt, now
		if _, err := tx.ExecContext(ctx, `UPDATE agencies SET code = $1, name = $2, name_sw = $3, kind = $4, county = $5,
			email = $6, phone = $7, address = $8, updated_at = $9 WHERE id = $10`,
			a.Code, a.Name, a.NameSw, a.Kind, a.County, a.Email, a.Phone, a.Address, now, a.ID); err != nil {
			return conflictField(s.db.Kind(), err, "code", "An agency with this code already exists.")
		}
		return audit.Record(ctx, tx, now, actor, "update", "agency", a.Code, "Updated agency "+a.Name, before, a, a.ID, 0)
	})
	s.directory.clear() // services and centres carry their agency's code and name
	return a, err
}

// conflictField turns a uniqueness violation into a field error on field.
func conflictField(engine db.Engine, err error, field, msg string) error {
	mapped := db.MapError(engine, err)
	if apperr.Is(mapped, apperr.Conflict) {
		return &apperr.Error{Code: apperr.Conflict, Message: msg, Fields: map[string]string{field: msg}, Err: err}
	}
	return mapped
}

// ---- centres ----

const centreColumns = `c.id, c.code, c.name, c.kind, c.county, c.address, c.calendar_id, k.name, c.counters,
	COALESCE(c.agency_id, 0), COALESCE(a.code, ''), c.is_demo, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM centre_services cs WHERE cs.centre_id = c.id)`

const centreFrom = ` FROM centres c JOIN calendars k ON k.id = c.calendar_id LEFT JOIN agencies a ON a.id = c.agency_id`

func scanCentre(row db.Scanner) (Centre, error) {
	var c Centre
	err := row.Scan(&c.ID, &c.Code, &c.Name, &c.Kind, &c.County, &c.Address, &c.CalendarID, &c.CalendarName, &c.Counters,
		&c.AgencyID, &c.AgencyCode, &c.Demo, &c.CreatedAt, &c.UpdatedAt, &c.ServiceCount)
	return c, err
}

// CentreFilter narrows the centre list.
type CentreFilter struct {
	County string
	Kind   string
	Query  string // matches name, code or county
}

// Centres lists centres by county then name.
func (s *Store) Centres(ctx context.Context, f CentreFilter) ([]Centre, error) {
	var where []string
	var args []any
	if f.County != "" {
		args = append(args, strings.ToLower(f.County))
		where = append(where, fmt.Sprintf("LOWER(c.county) = $%d", len(args)))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where = append(where, fmt.Sprintf("c.kind = $%d", len(args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.ToLower(q)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(LOWER(c.name) LIKE $%d OR LOWER(c.code) LIKE $%d OR LOWER(c.county) LIKE $%d)", n, n, n))
	}
	query := `SELECT ` + centreColumns + centreFrom
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY c.county, c.name"
	rows, err := s.db.QueryContext(ctx, query, args...)
	out, err := db.Collect(rows, err, scanCentre)
	if err != nil {
		return nil, fmt.Errorf("list centres: %w", err)
	}
	return out, nil
}

// CentreByCode finds a centre by code.
func (s *Store) CentreByCode(ctx context.Context, code string) (Centre, error) {
	c, err := scanCentre(s.db.QueryRowContext(ctx, `SELECT `+centreColumns+centreFrom+` WHERE c.code = $1`, strings.ToUpper(code)))
	return c, notFound(err, "No centre with code %q.", code)
}

// CentreByID finds a centre by id.
func (s *Store) CentreByID(ctx context.Context, id int64) (Centre, error) {
	c, err := scanCentre(s.db.QueryRowContext(ctx, `SELECT `+centreColumns+centreFrom+` WHERE c.id = $1`, id))
	return c, notFound(err, "No centre with code %q.", idString(id))
}

// SaveCentre creates (ID 0) or updates a centre.
func (s *Store) SaveCentre(ctx context.Context, actor audit.Actor, c Centre) (Centre, error) {
	if err := c.normalise(); err != nil {
		return c, err
	}
	now := s.now().UTC()
	agency := nullID(c.AgencyID)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if c.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO centres (code, name, kind, county, address, calendar_id, counters, agency_id, is_demo, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
				c.Code, c.Name, c.Kind, c.County, c.Address, c.CalendarID, c.Counters, agency, c.Demo, now, now).Scan(&c.ID)
			if err != nil {
				return conflictField(s.db.Kind(), err, "code", "A centre with this code already exists.")
			}
			c.CreatedAt, c.UpdatedAt = now, now
			return audit.Record(ctx, tx, now, actor, "create", "centre", c.Code, "Created centre "+c.Name, nil, c, c.AgencyID, c.ID)
		}
		before, err := scanCentre(tx.QueryRowContext(ctx, `SELECT `+centreColumns+centreFrom+` WHERE c.id = $1`, c.ID))
		if err != nil {
			return notFound(err, "No centre with code %q.", idString(c.ID))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE centres SET code = $1, name = $2, kind = $3, county = $4, address = $5,
			calendar_id = $6, counters = $7, agency_id = $8, updated_at = $9 WHERE id = $10`,
			c.Code, c.Name, c.Kind, c.County, c.Address, c.CalendarID, c.Counters, agency, now, c.ID); err != nil {
			return conflictField(s.db.Kind(), err, "code", "A centre with this code already exists.")
		}
		c.CreatedAt, c.UpdatedAt = before.CreatedAt, now
		return audit.Record(ctx, tx, now, actor, "update", "centre", c.Code, "Updated centre "+c.Name, before, c, c.AgencyID, c.ID)
	})
	s.directory.clear()
	return c, err
}

// SetCentreServices replaces the list of services a centre offers.
func (s *Store) SetCentreServices(ctx context.Context, actor audit.Actor, centreID int64, serviceIDs []int64) error {
	now := s.now().UTC()
	defer s.directory.clear() // after the commit, so nobody rebuilds from the old rows in between
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var code string
		if err := tx.QueryRowContext(ctx, `SELECT code FROM centres WHERE id = $1`, centreID).Scan(&code); err != nil {
			return notFound(err, "No centre with code %q.", idString(centreID))
		}
		before, err := centreServiceCodes(ctx, tx, centreID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM centre_services WHERE centre_id = $1`, centreID); err != nil {
			return err
		}
		for _, id := range serviceIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO centre_services (centre_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, centreID, id); err != nil {
				return err
			}
		}
		after, err := centreServiceCodes(ctx, tx, centreID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor, "update", "centre_services", code,
			fmt.Sprintf("Centre %s now offers %d services", code, len(after)), before, after, 0, centreID)
	})
}

func centreServiceCodes(ctx context.Context, q db.Querier, centreID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.code FROM centre_services cs JOIN services s ON s.id = cs.service_id WHERE cs.centre_id = $1 ORDER BY s.code`, centreID)
	return db.Collect(rows, err, func(r db.Scanner) (code string, err error) { return code, r.Scan(&code) })
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
