package requests

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/secret"
)

const requestColumns = `r.id, r.reference, r.service_id, s.code, s.name, r.centre_id, c.code, c.name, r.agency_id, a.code, r.channel,
	r.status, r.waiting_on, r.approval, r.citizen_name, r.citizen_phone, r.citizen_email, r.citizen_id_number, r.subject, r.description,
	r.fields, r.latitude, r.longitude, r.address, r.media_url, COALESCE(r.assignee_id, 0), COALESCE(u.name, ''), COALESCE(r.parent_id, 0),
	COALESCE(r.merged_into_id, 0), COALESCE(r.referred_from_agency_id, 0), r.response_due_at, r.warn_at, r.resolution_due_at,
	r.responded_at, r.resolved_at, r.closed_at, r.paused_at, r.escalation_level, r.created_at, r.updated_at, c.calendar_id`

const requestFrom = ` FROM requests r JOIN services s ON s.id = r.service_id JOIN centres c ON c.id = r.centre_id
	JOIN agencies a ON a.id = r.agency_id LEFT JOIN users u ON u.id = r.assignee_id`

func scanRequest(row db.Scanner) (Request, error) {
	var r Request
	var status, fields string
	var lat, lon sql.NullFloat64
	var respDue, warn, resDue, responded, resolved, closed, paused sql.NullTime
	err := row.Scan(&r.ID, &r.Reference, &r.ServiceID, &r.ServiceCode, &r.ServiceName, &r.CentreID, &r.CentreCode, &r.CentreName,
		&r.AgencyID, &r.AgencyCode, &r.Channel, &status, &r.WaitingOn, &r.Approval, &r.Citizen.Name, &r.Citizen.Phone, &r.Citizen.Email,
		&r.Citizen.IDNumber, &r.Subject, &r.Description, &fields, &lat, &lon, &r.Address, &r.MediaURL, &r.AssigneeID, &r.Assignee, &r.ParentID,
		&r.MergedInto, &r.ReferredFrom, &respDue, &warn, &resDue, &responded, &resolved, &closed, &paused, &r.Escalation,
		&r.CreatedAt, &r.UpdatedAt, &r.CalendarID)
	if err != nil {
		return r, err
	}
	r.Status = Status(status)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC() // the drivers differ; callers compare and format
	if fields != "" && fields != "{}" {
		if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
			return r, fmt.Errorf("request %d fields: %w", r.ID, err)
		}
	}
	if lat.Valid && lon.Valid {
		r.Latitude, r.Longitude = &lat.Float64, &lon.Float64
	}
	r.ResponseDue, r.WarnAt, r.ResolutionDue = timePtr(respDue), timePtr(warn), timePtr(resDue)
	r.RespondedAt, r.ResolvedAt, r.ClosedAt, r.PausedAt = timePtr(responded), timePtr(resolved), timePtr(closed), timePtr(paused)
	return r, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func getRequest(ctx context.Context, q db.Querier, cond string, args ...any) (Request, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+requestFrom+` WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.New(apperr.NotFound, "No request with that reference.")
	}
	return r, err
}

// ByReference finds a request by its reference (as a citizen may type it).
func (s *Store) ByReference(ctx context.Context, ref string) (Request, error) {
	return getRequest(ctx, s.db, "r.reference = $1", NormaliseReference(ref))
}

// ByID finds a request.
func (s *Store) ByID(ctx context.Context, id int64) (Request, error) {
	return getRequest(ctx, s.db, "r.id = $1", id)
}

// Track finds a request for a citizen: by reference and the tracking key from the link, or by
// reference and the phone number it was lodged with. Any mismatch is the same "not found", so
// the page cannot be used to learn which references exist.
func (s *Store) Track(ctx context.Context, ref, key, phone string) (Request, error) {
	notFound := apperr.New(apperr.NotFound, "We could not find a request with that reference and phone number.")
	r, err := s.ByReference(ctx, ref)
	if apperr.Is(err, apperr.NotFound) {
		return r, notFound
	} else if err != nil {
		return r, err
	}
	if key != "" {
		var hash string
		if err := s.db.QueryRowContext(ctx, `SELECT tracking_hash FROM requests WHERE id = $1`, r.ID).Scan(&hash); err != nil {
			return r, err
		}
		if secret.Matches(hash, key) {
			return r, nil
		}
		return Request{}, notFound
	}
	p, err := notify.NormalisePhone(phone)
	if err != nil || r.Citizen.Phone == "" || subtle.ConstantTimeCompare([]byte(p), []byte(r.Citizen.Phone)) != 1 {
		return Request{}, notFound
	}
	return r, nil
}

// SLAFilters are the SLA states a list can be narrowed to (Filter.SLA).
var SLAFilters = []SLAState{OnTrack, AtRisk, Breached, Paused, NoSLA}

// Filter narrows the staff inbox. Zero values mean "any".
type Filter struct {
	CentreID   int64
	AgencyID   int64
	AssigneeID int64
	Unassigned bool
	ServiceID  int64
	Channel    string
	Status     Status // one status; "" with OpenOnly for every open one
	OpenOnly   bool
	SLA        SLAState
	Query      string // reference, citizen name or phone, subject
	Escalated  bool
	Limit      int
	Offset     int
}

// CountCap is where the inbox stops counting exactly: "10,000+".
const CountCap = 10000

// Page is one page of the inbox.
type Page struct {
	Requests []Request
	Total    int  // exact up to CountCap
	Capped   bool // more than CountCap match
	Limit    int
	Offset   int
}

// List is the staff inbox: the most urgent first (the earliest resolution deadline), then the oldest.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	now := s.now().UTC()
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.CentreID != 0 {
		where = append(where, "r.centre_id = "+arg(f.CentreID))
	}
	if f.AgencyID != 0 {
		where = append(where, "r.agency_id = "+arg(f.AgencyID))
	}
	if f.AssigneeID != 0 {
		where = append(where, "r.assignee_id = "+arg(f.AssigneeID))
	}
	if f.Unassigned {
		where = append(where, "r.assignee_id IS NULL")
	}
	if f.ServiceID != 0 {
		where = append(where, "r.service_id = "+arg(f.ServiceID))
	}
	if f.Channel != "" {
		where = append(where, "r.channel = "+arg(f.Channel))
	}
	if f.Status != "" {
		where = append(where, "r.status = "+arg(string(f.Status)))
	} else if f.OpenOnly || f.SLA == OnTrack || f.SLA == AtRisk || f.SLA == Breached || f.SLA == Paused {
		where = append(where, "r.status NOT IN ('resolved', 'closed')")
	}
	if f.Escalated {
		where = append(where, "r.escalation_level > 0")
	}
	switch f.SLA {
	case Breached:
		where = append(where, "r.paused_at IS NULL AND r.resolution_due_at < "+arg(now))
	case AtRisk:
		p := arg(now)
		where = append(where, "r.paused_at IS NULL AND r.warn_at <= "+p+" AND r.resolution_due_at >= "+p)
	case OnTrack:
		where = append(where, "r.paused_at IS NULL AND r.warn_at > "+arg(now))
	case Paused:
		where = append(where, "r.paused_at IS NOT NULL")
	case NoSLA:
		where = append(where, "r.resolution_due_at IS NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if ref := NormaliseReference(q); len(ref) == 9 && ref[4] == '-' {
			where = append(where, "r.reference = "+arg(ref))
		} else if phone, err := notify.NormalisePhone(q); err == nil {
			where = append(where, "r.citizen_phone = "+arg(phone))
		} else {
			p := arg("%" + strings.ToLower(q) + "%")
			where = append(where, "(LOWER(r.citizen_name) LIKE "+p+" OR LOWER(r.subject) LIKE "+p+")")
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := Page{Limit: f.Limit, Offset: max(f.Offset, 0)}
	if page.Limit <= 0 || page.Limit > 200 {
		page.Limit = 25
	}
	// Count exactly up to the cap only: a count over a million rows on every page view is what
	// makes other help desks slow.
	args = append(db.PlanForValues(s.db.Kind()), args...)
	if err := s.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 FROM requests r%s LIMIT %d) capped`, cond, CountCap+1), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count requests: %w", err)
	}
	if page.Total > CountCap {
		page.Total, page.Capped = CountCap, true
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+requestFrom+cond+
		fmt.Sprintf(` ORDER BY CASE WHEN r.resolution_due_at IS NULL THEN 1 ELSE 0 END, r.resolution_due_at, r.id LIMIT %d OFFSET %d`, page.Limit, page.Offset), args...)
	if page.Requests, err = db.Collect(rows, err, scanRequest); err != nil {
		return page, fmt.Errorf("list requests: %w", err)
	}
	return page, nil
}

// Events is a request's history, oldest first; publicOnly for the citizen's view.
func (s *Store) Events(ctx context.Context, requestID int64, publicOnly bool) ([]Event, error) {
	q := `SELECT id, request_id, at, COALESCE(actor_id, 0), actor_name, kind, public, body, data FROM request_events WHERE request_id = $1`
	if publicOnly {
		q += ` AND public = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, requestID)
	return db.Collect(rows, err, func(r db.Scanner) (Event, error) {
		var e Event
		var data string
		if err := r.Scan(&e.ID, &e.RequestID, &e.At, &e.ActorID, &e.Actor, &e.Kind, &e.Public, &e.Body, &data); err != nil {
			return e, err
		}
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return e, err
			}
		}
		return e, nil
	})
}
