package charter

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
)

const serviceColumns = `s.id, s.code, s.agency_id, a.code, a.name, s.position, s.name, s.name_sw, s.description, s.requirements,
	s.cost_kind, s.cost_cents, s.cost_text, s.timeline_kind, s.timeline, s.timeline_text, s.channels, s.is_demo, s.active,
	s.requires_approval, s.response_timeline, s.fields, s.created_at, s.updated_at, s.allow_anonymous`

const serviceFrom = ` FROM services s JOIN agencies a ON a.id = s.agency_id`

func scanService(row db.Scanner) (Service, error) {
	var s Service
	var reqs, chans stringList
	var fields fieldList
	err := row.Scan(&s.ID, &s.Code, &s.AgencyID, &s.AgencyCode, &s.AgencyName, &s.Position, &s.Name, &s.NameSw, &s.Description, &reqs,
		&s.Cost.Kind, &s.Cost.Cents, &s.Cost.Text, &s.Timeline.Kind, &s.Timeline.Span, &s.Timeline.Text, &chans, &s.Demo, &s.Active,
		&s.RequiresApproval, &s.ResponseTimeline, &fields, &s.CreatedAt, &s.UpdatedAt, &s.AllowAnonymous)
	s.Requirements, s.Channels, s.Fields = reqs, chans, fields
	return s, err
}

// ServiceFilter narrows the service list. Zero values mean "any".
type ServiceFilter struct {
	AgencyCode string
	CentreCode string
	Query      string // matches code, name (English or Kiswahili), agency name
	Channel    string
	ActiveOnly bool
	Limit      int // default 50, at most 500
	Offset     int
}

// ServicePage is one page of services, with the total for pagination.
type ServicePage struct {
	Services []Service
	Total    int
	Limit    int
	Offset   int
}

// Services lists services matching f, by agency then charter position.
func (s *Store) Services(ctx context.Context, f ServiceFilter) (ServicePage, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.AgencyCode != "" {
		where = append(where, "a.code = "+arg(strings.ToUpper(f.AgencyCode)))
	}
	if f.CentreCode != "" {
		where = append(where, "s.id IN (SELECT cs.service_id FROM centre_services cs JOIN centres c ON c.id = cs.centre_id WHERE c.code = "+arg(strings.ToUpper(f.CentreCode))+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + strings.ToLower(q) + "%")
		where = append(where, fmt.Sprintf("(LOWER(s.code) LIKE %[1]s OR LOWER(s.name) LIKE %[1]s OR LOWER(s.name_sw) LIKE %[1]s OR LOWER(a.name) LIKE %[1]s)", p))
	}
	if f.Channel != "" {
		where = append(where, "s.channels LIKE "+arg(`%"`+f.Channel+`"%`))
	}
	if f.ActiveOnly {
		where = append(where, "s.active = TRUE")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := ServicePage{Limit: f.Limit, Offset: max(f.Offset, 0)}
	if page.Limit <= 0 || page.Limit > 500 {
		page.Limit = 50
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+serviceFrom+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count services: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+serviceColumns+serviceFrom+cond+
		fmt.Sprintf(" ORDER BY a.name, s.position, s.code LIMIT %d OFFSET %d", page.Limit, page.Offset), args...)
	if page.Services, err = db.Collect(rows, err, scanService); err != nil {
		return page, fmt.Errorf("list services: %w", err)
	}
	return page, nil
}

// ServiceByCode finds a service by code.
func (s *Store) ServiceByCode(ctx context.Context, code string) (Service, error) {
	sv, err := scanService(s.db.QueryRowContext(ctx, `SELECT `+serviceColumns+serviceFrom+` WHERE s.code = $1`, strings.ToUpper(strings.TrimSpace(code))))
	return sv, notFound(err, "No service with code %q.", code)
}

// CentresOffering lists the centres that offer a service.
func (s *Store) CentresOffering(ctx context.Context, serviceID int64) ([]Centre, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+centreColumns+centreFrom+
		` WHERE c.id IN (SELECT centre_id FROM centre_services WHERE service_id = $1) ORDER BY c.county, c.name`, serviceID)
	out, err := db.Collect(rows, err, scanCentre)
	if err != nil {
		return nil, fmt.Errorf("centres offering: %w", err)
	}
	return out, nil
}

// SaveService creates (ID 0) or updates a service.
func (s *Store) SaveService(ctx context.Context, actor audit.Actor, sv Service) (Service, error) {
	if err := sv.normalise(); err != nil {
		return sv, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if sv.ID == 0 {
			if sv.Position == 0 {
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM services WHERE agency_id = $1`, sv.AgencyID).Scan(&sv.Position); err != nil {
					return err
				}
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO services (code, agency_id, position, name, name_sw, description, requirements,
				cost_kind, cost_cents, cost_text, timeline_kind, timeline, timeline_text, channels, is_demo, active, created_at, updated_at,
				requires_approval, response_timeline, fields, allow_anonymous)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, TRUE, $16, $17, $18, $19, $20, $21) RETURNING id`,
				sv.Code, sv.AgencyID, sv.Position, sv.Name, sv.NameSw, sv.Description, stringList(sv.Requirements),
				sv.Cost.Kind, sv.Cost.Cents, sv.Cost.Text, sv.Timeline.Kind, sv.Timeline.Span, sv.Timeline.Text,
				stringList(sv.Channels), sv.Demo, now, now, sv.RequiresApproval, sv.ResponseTimeline, fieldList(sv.Fields), sv.AllowAnonymous).Scan(&sv.ID)
			if err != nil {
				return conflictField(s.db.Kind(), err, "code", "A service with this code already exists.")
			}
			sv.Active, sv.CreatedAt, sv.UpdatedAt = true, now, now
			return audit.Record(ctx, tx, now, actor, "create", "service", sv.Code, "Created service "+sv.Name, nil, sv, sv.AgencyID, 0)
		}
		before, err := scanService(tx.QueryRowContext(ctx, `SELECT `+serviceColumns+serviceFrom+` WHERE s.id = $1`, sv.ID))
		if err != nil {
			return notFound(err, "No service with code %q.", idString(sv.ID))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE services SET code = $1, agency_id = $2, position = $3, name = $4, name_sw = $5,
			description = $6, requirements = $7, cost_kind = $8, cost_cents = $9, cost_text = $10, timeline_kind = $11,
			timeline = $12, timeline_text = $13, channels = $14, active = $15, updated_at = $16,
			requires_approval = $18, response_timeline = $19, fields = $20, allow_anonymous = $21 WHERE id = $17`,
			sv.Code, sv.AgencyID, sv.Position, sv.Name, sv.NameSw, sv.Description, stringList(sv.Requirements),
			sv.Cost.Kind, sv.Cost.Cents, sv.Cost.Text, sv.Timeline.Kind, sv.Timeline.Span, sv.Timeline.Text,
			stringList(sv.Channels), sv.Active, now, sv.ID, sv.RequiresApproval, sv.ResponseTimeline, fieldList(sv.Fields), sv.AllowAnonymous); err != nil {
			return conflictField(s.db.Kind(), err, "code", "A service with this code already exists.")
		}
		sv.CreatedAt, sv.UpdatedAt = before.CreatedAt, now
		return audit.Record(ctx, tx, now, actor, "update", "service", sv.Code, "Updated service "+sv.Name, before, sv, sv.AgencyID, 0)
	})
	s.directory.clear() // after the commit, so nobody rebuilds from the old row in between
	return sv, err
}
