package complaints

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

const complaintColumns = `k.id, k.reference, k.kind, k.category, k.channel, k.centre_id, c.code, c.name, c.calendar_id,
	COALESCE(k.agency_id, 0), COALESCE(a.code, ''), COALESCE(k.service_id, 0), COALESCE(s.name, ''), COALESCE(k.officer_id, 0),
	COALESCE(o.name, ''), k.officer_text, COALESCE(k.ticket_id, 0), COALESCE(k.request_id, 0), COALESCE(r.reference, ''),
	k.description, k.anonymous, k.contact_name, k.contact_phone, k.contact_email, k.owner, COALESCE(k.assignee_id, 0),
	COALESCE(u.name, ''), k.status, k.due_at, k.warn_at, k.escalation_level, k.action_taken, k.answered_at, k.told_at, k.told_via,
	k.referred_eacc_at, k.eacc_reference, k.referred_ombudsman_at, k.ombudsman_reference, k.confirmed_at, k.reopen_count,
	k.created_at, k.updated_at, k.closed_at`

const complaintFrom = ` FROM complaints k JOIN centres c ON c.id = k.centre_id LEFT JOIN agencies a ON a.id = k.agency_id
	LEFT JOIN services s ON s.id = k.service_id LEFT JOIN users o ON o.id = k.officer_id LEFT JOIN users u ON u.id = k.assignee_id
	LEFT JOIN requests r ON r.id = k.request_id`

func scanComplaint(row db.Scanner) (Complaint, error) {
	var c Complaint
	var status string
	var due, warn, answered, told, eacc, ombudsman, confirmed, closed sql.NullTime
	err := row.Scan(&c.ID, &c.Reference, &c.Kind, &c.Category, &c.Channel, &c.CentreID, &c.CentreCode, &c.CentreName, &c.CalendarID,
		&c.AgencyID, &c.AgencyCode, &c.ServiceID, &c.ServiceName, &c.OfficerID, &c.Officer, &c.OfficerText, &c.TicketID, &c.RequestID,
		&c.RequestRef, &c.Description, &c.Anonymous, &c.Contact.Name, &c.Contact.Phone, &c.Contact.Email, &c.Owner, &c.AssigneeID,
		&c.Assignee, &status, &due, &warn, &c.Escalation, &c.ActionTaken, &answered, &told, &c.ToldVia, &eacc, &c.EACCReference,
		&ombudsman, &c.OmbudsmanReference, &confirmed, &c.Reopens, &c.CreatedAt, &c.UpdatedAt, &closed)
	if err != nil {
		return c, err
	}
	c.Status = Status(status)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.DueAt, c.WarnAt, c.AnsweredAt, c.ToldAt = timePtr(due), timePtr(warn), timePtr(answered), timePtr(told)
	c.ReferredEACCAt, c.ReferredOmbudsmanAt, c.ConfirmedAt, c.ClosedAt = timePtr(eacc), timePtr(ombudsman), timePtr(confirmed), timePtr(closed)
	return c, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

var errNotFound = apperr.New(apperr.NotFound, "No complaint with that reference.")

func getComplaint(ctx context.Context, q db.Querier, cond string, args ...any) (Complaint, error) {
	c, err := scanComplaint(q.QueryRowContext(ctx, `SELECT `+complaintColumns+complaintFrom+` WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNotFound
	}
	return c, err
}

// ByReference finds a complaint by its reference (as a person may type it). Callers check scope.
func (s *Store) ByReference(ctx context.Context, ref string) (Complaint, error) {
	return getComplaint(ctx, s.db, "k.reference = $1", NormaliseReference(ref))
}

// ByID finds a complaint.
func (s *Store) ByID(ctx context.Context, id int64) (Complaint, error) {
	return getComplaint(ctx, s.db, "k.id = $1", id)
}

// Track finds a complaint for the complainant: by reference and the key from the tracking link,
// or by reference and the phone number or e-mail address it was lodged with (an anonymous report
// has only its link). Every mismatch is the same "not found", so the page tells nobody which
// references exist.
func (s *Store) Track(ctx context.Context, ref, key, contact string) (Complaint, error) {
	notFound := apperr.New(apperr.NotFound, "We could not find a complaint with that reference.")
	c, err := s.ByReference(ctx, ref)
	if apperr.Is(err, apperr.NotFound) {
		return c, notFound
	} else if err != nil {
		return c, err
	}
	if key != "" {
		var hash string
		if err := s.db.QueryRowContext(ctx, `SELECT key_hash FROM complaints WHERE id = $1`, c.ID).Scan(&hash); err != nil {
			return c, err
		}
		if secret.Matches(hash, key) {
			return c, nil
		}
		return Complaint{}, notFound
	}
	contact = strings.TrimSpace(contact)
	if contact == "" {
		return Complaint{}, notFound
	}
	if p, err := notify.NormalisePhone(contact); err == nil && c.Contact.Phone != "" &&
		subtle.ConstantTimeCompare([]byte(p), []byte(c.Contact.Phone)) == 1 {
		return c, nil
	}
	if c.Contact.Email != "" && subtle.ConstantTimeCompare([]byte(strings.ToLower(contact)), []byte(strings.ToLower(c.Contact.Email))) == 1 {
		return c, nil
	}
	return Complaint{}, notFound
}

// Filter narrows the staff inbox. Who is looking decides the first part (what they may see); the
// rest are the filters they chose. Zero values mean "any".
type Filter struct {
	// SeeCentre: complaints owned by centres, limited to ScopeCentreID or ScopeAgencyID when set.
	SeeCentre     bool
	ScopeCentreID int64
	ScopeAgencyID int64
	// SeeIntegrity: reports of a request for a bribe (integrity officers only).
	SeeIntegrity bool

	CentreID  int64
	Kind      string
	Category  string
	Status    Status
	OpenOnly  bool
	Overdue   bool
	Reference string
	Limit     int
	Offset    int
}

// Page is one page of the inbox.
type Page struct {
	Complaints []Complaint
	Total      int
	Limit      int
	Offset     int
}

// List is the staff inbox: open complaints by deadline first, then the rest, newest first.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	var sees []string
	if f.SeeCentre {
		cond := "k.owner = 'centre'"
		if f.ScopeCentreID != 0 {
			cond += " AND k.centre_id = " + arg(f.ScopeCentreID)
		}
		if f.ScopeAgencyID != 0 {
			cond += " AND k.agency_id = " + arg(f.ScopeAgencyID)
		}
		sees = append(sees, "("+cond+")")
	}
	if f.SeeIntegrity {
		sees = append(sees, "k.owner = 'integrity'")
	}
	if len(sees) == 0 {
		return Page{Limit: f.Limit, Offset: f.Offset}, nil
	}
	where = append(where, "("+strings.Join(sees, " OR ")+")")
	if f.CentreID != 0 {
		where = append(where, "k.centre_id = "+arg(f.CentreID))
	}
	if f.Kind != "" {
		where = append(where, "k.kind = "+arg(f.Kind))
	}
	if f.Category != "" {
		where = append(where, "k.category = "+arg(f.Category))
	}
	switch {
	case f.Status != "":
		where = append(where, "k.status = "+arg(string(f.Status)))
	case f.OpenOnly || f.Overdue:
		where = append(where, "k.status IN ('new', 'in_progress', 'reopened')")
	}
	if f.Overdue {
		where = append(where, "k.due_at < "+arg(s.now().UTC()))
	}
	if ref := strings.TrimSpace(f.Reference); ref != "" {
		where = append(where, "k.reference = "+arg(NormaliseReference(ref)))
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	page := Page{Limit: f.Limit, Offset: max(f.Offset, 0)}
	if page.Limit <= 0 || page.Limit > 200 {
		page.Limit = 25
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints k`+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count complaints: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+complaintColumns+complaintFrom+cond+fmt.Sprintf(`
		ORDER BY CASE WHEN k.status IN ('new', 'in_progress', 'reopened') THEN 0 ELSE 1 END,
		CASE WHEN k.status IN ('new', 'in_progress', 'reopened') THEN k.due_at END, k.created_at DESC, k.id DESC LIMIT %d OFFSET %d`,
		page.Limit, page.Offset), args...)
	if page.Complaints, err = db.Collect(rows, err, scanComplaint); err != nil {
		return page, fmt.Errorf("list complaints: %w", err)
	}
	return page, nil
}

// Events is a complaint's history, oldest first; publicOnly for the complainant's view.
func (s *Store) Events(ctx context.Context, id int64, publicOnly bool) ([]Event, error) {
	q := `SELECT id, at, COALESCE(actor_id, 0), actor_name, kind, public, body, data FROM complaint_events WHERE complaint_id = $1`
	if publicOnly {
		q += ` AND public = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, id)
	return db.Collect(rows, err, func(r db.Scanner) (Event, error) {
		var e Event
		var data string
		if err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Kind, &e.Public, &e.Body, &data); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return e, err
			}
		}
		return e, nil
	})
}

// Compliment is a compliment as the officer it names sees it: what was said, not who said it.
type Compliment struct {
	Reference   string
	CentreName  string
	Description string
	At          time.Time
}

// Compliments lists the latest compliments naming an officer (at most limit), and how many there
// have been since since: the officer's record.
func (s *Store) Compliments(ctx context.Context, officerID int64, since time.Time, limit int) ([]Compliment, int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE officer_id = $1 AND kind = 'compliment' AND created_at >= $2`,
		officerID, since.UTC()).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`SELECT k.reference, c.name, k.description, k.created_at FROM complaints k
		JOIN centres c ON c.id = k.centre_id WHERE k.officer_id = $1 AND k.kind = 'compliment' ORDER BY k.created_at DESC, k.id DESC LIMIT %d`, max(limit, 1)), officerID)
	list, err := db.Collect(rows, err, func(r db.Scanner) (Compliment, error) {
		var c Compliment
		err := r.Scan(&c.Reference, &c.CentreName, &c.Description, &c.At)
		c.At = c.At.UTC()
		return c, err
	})
	return list, n, err
}

// Stats are a centre's complaint figures for the public: counts only, nothing personal. Reports of
// a request for a bribe appear as a number in ByCategory and nowhere else.
type Stats struct {
	Complaints     int
	Compliments    int
	ByCategory     map[string]int // every category, zero or not
	Answered       int            // answered (or closed after an answer)
	AnsweredInTime int            // of those, answered by the deadline
	Open           int            // not yet answered
	Overdue        int            // of the open ones, past the deadline
}

// Stats counts the complaints and compliments lodged about a centre since since.
func (s *Store) Stats(ctx context.Context, centreID int64, since time.Time) (Stats, error) {
	st := Stats{ByCategory: map[string]int{}}
	for _, c := range Categories {
		st.ByCategory[c] = 0
	}
	now := s.now().UTC()
	rows, err := s.db.QueryContext(ctx, `SELECT kind, category,
		COUNT(*),
		SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN answered_at IS NOT NULL AND due_at IS NOT NULL AND answered_at <= due_at THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('new', 'in_progress', 'reopened') THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('new', 'in_progress', 'reopened') AND due_at < $3 THEN 1 ELSE 0 END)
		FROM complaints WHERE centre_id = $1 AND created_at >= $2 GROUP BY kind, category`, centreID, since.UTC(), now)
	if err != nil {
		return st, fmt.Errorf("complaint stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, category string
		var n, answered, inTime, open, overdue int
		if err := rows.Scan(&kind, &category, &n, &answered, &inTime, &open, &overdue); err != nil {
			return st, err
		}
		if kind == KindCompliment {
			st.Compliments += n
			continue
		}
		st.Complaints += n
		st.ByCategory[category] += n
		st.Answered += answered
		st.AnsweredInTime += inTime
		st.Open += open
		st.Overdue += overdue
	}
	return st, rows.Err()
}
