package requests

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// PublicRequest is a request as anyone may see it — the public Open311 feed shows these. It has
// no citizen; its description, address and coordinates only when it was lodged through Open311;
// and its free text (description, address, latest public note) has the citizen's own
// name, phone, e-mail and ID number taken out, together with anything that looks like a Kenyan
// phone number or an e-mail address: the Data Protection Act forbids publishing them, and a
// citizen often writes "call me on 07…" into a description.
type PublicRequest struct {
	Reference   string
	ServiceCode string
	ServiceName string
	Commitment  string // the service's committed time in the charter's words ("Within 10 working days.")
	AgencyCode  string
	AgencyName  string
	CentreCode  string
	Status      Status
	Description string
	Address     string
	MediaURL    string // "" for none
	Note        string // the latest public note on the request (what the tracking page shows)
	Latitude    *float64
	Longitude   *float64
	// ResolutionDue is the charter deadline on the handling centre's calendar; nil where the
	// charter commits to no duration.
	ResolutionDue *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// PublicFilter selects requests for a public feed. It cannot select by citizen: a public feed must
// not be a way to find a person's requests. Zero values mean "any".
type PublicFilter struct {
	References []string // only these references (as typed; normalised here)
	ServiceIDs []int64  // any of these services
	Open       *bool    // true: still open; false: resolved or closed
	From       time.Time
	Before     time.Time // created at or after From and before Before
	Limit      int       // newest first; at most PublicLimit (the default)
}

// PublicLimit is the most requests one public query returns.
const PublicLimit = 1000

// ListPublic lists requests for a public feed, newest first, with personal data taken out.
func (s *Store) ListPublic(ctx context.Context, f PublicFilter) ([]PublicRequest, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.References) > 0 {
		ps := make([]string, 0, len(f.References))
		for _, ref := range f.References {
			ps = append(ps, arg(NormaliseReference(ref)))
		}
		where = append(where, "r.reference IN ("+strings.Join(ps, ", ")+")")
	}
	if len(f.ServiceIDs) > 0 {
		ps := make([]string, 0, len(f.ServiceIDs))
		for _, id := range f.ServiceIDs {
			ps = append(ps, arg(id))
		}
		where = append(where, "r.service_id IN ("+strings.Join(ps, ", ")+")")
	}
	if f.Open != nil {
		if *f.Open {
			where = append(where, "r.status NOT IN ('resolved', 'closed')")
		} else {
			where = append(where, "r.status IN ('resolved', 'closed')")
		}
	}
	if !f.From.IsZero() {
		where = append(where, "r.created_at >= "+arg(f.From.UTC()))
	}
	if !f.Before.IsZero() {
		where = append(where, "r.created_at < "+arg(f.Before.UTC()))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > PublicLimit {
		limit = PublicLimit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.reference, s.code, s.name, s.timeline_text, a.code, a.name, c.code, r.status,
		r.description, r.address, r.media_url, r.latitude, r.longitude, r.resolution_due_at, r.created_at, r.updated_at,
		r.citizen_name, r.citizen_phone, r.citizen_email, r.citizen_id_number, r.channel
		FROM requests r JOIN services s ON s.id = r.service_id JOIN centres c ON c.id = r.centre_id JOIN agencies a ON a.id = r.agency_id`+
		cond+fmt.Sprintf(` ORDER BY r.created_at DESC, r.id DESC LIMIT %d`, limit), args...)
	type row struct {
		id      int64
		pr      PublicRequest
		citizen Citizen
		channel string
	}
	list, err := db.Collect(rows, err, func(sc db.Scanner) (row, error) {
		var x row
		var status string
		var lat, lon sql.NullFloat64
		var due sql.NullTime
		err := sc.Scan(&x.id, &x.pr.Reference, &x.pr.ServiceCode, &x.pr.ServiceName, &x.pr.Commitment, &x.pr.AgencyCode, &x.pr.AgencyName,
			&x.pr.CentreCode, &status, &x.pr.Description, &x.pr.Address, &x.pr.MediaURL, &lat, &lon, &due, &x.pr.CreatedAt, &x.pr.UpdatedAt,
			&x.citizen.Name, &x.citizen.Phone, &x.citizen.Email, &x.citizen.IDNumber, &x.channel)
		x.pr.Status = Status(status)
		// A coordinate that is not a finite number in range (a NaN stored on PostgreSQL before
		// the channels refused it) is no location: one bad row must not break the feed.
		if lat.Valid && lon.Valid && ValidLatitude(lat.Float64) && ValidLongitude(lon.Float64) {
			x.pr.Latitude, x.pr.Longitude = &lat.Float64, &lon.Float64
		}
		x.pr.ResolutionDue = timePtr(due)
		x.pr.CreatedAt, x.pr.UpdatedAt = x.pr.CreatedAt.UTC(), x.pr.UpdatedAt.UTC()
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("list public requests: %w", err)
	}
	ids := make([]int64, 0, len(list))
	for _, x := range list {
		ids = append(ids, x.id)
	}
	notes, err := s.latestPublicNotes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]PublicRequest, 0, len(list))
	for _, x := range list {
		redact := personalRedactor(x.citizen)
		// Only what was lodged through Open311 — whose callers publish by design — shows its
		// own words and its place; a request made at a counter, by phone, on the web or through
		// the JSON API was told to no one else, so the public feed says only which service it is
		// for (Data Protection Act, 2019). Coordinates are personal data as much as an address:
		// a pin on a request for a birth certificate is somebody's home.
		if x.channel != "open311" {
			x.pr.Description, x.pr.Address = "", ""
			x.pr.Latitude, x.pr.Longitude, x.pr.MediaURL = nil, nil, ""
		}
		x.pr.Description, x.pr.Address, x.pr.Note = redact(x.pr.Description), redact(x.pr.Address), redact(notes[x.id])
		out = append(out, x.pr)
	}
	return out, nil
}

// latestPublicNotes is the body of each request's latest public event that has one, in one query.
func (s *Store) latestPublicNotes(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ps := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ps[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT request_id, body FROM request_events WHERE id IN
		(SELECT MAX(id) FROM request_events WHERE public = TRUE AND body <> '' AND request_id IN (`+strings.Join(ps, ", ")+`) GROUP BY request_id)`, args...)
	type note struct {
		id   int64
		body string
	}
	list, err := db.Collect(rows, err, func(sc db.Scanner) (note, error) {
		var n note
		return n, sc.Scan(&n.id, &n.body)
	})
	if err != nil {
		return nil, fmt.Errorf("latest public notes: %w", err)
	}
	for _, n := range list {
		out[n.id] = n.body
	}
	return out, nil
}

// redacted replaces personal data in public text.
const redacted = "***"

var (
	// Kenyan phone numbers as people write them: +254 7xx…, 254 1xx…, 07xx xxx xxx, 0712-345-678.
	phoneInText = regexp.MustCompile(`(?:\+?254|\b0)[ -]?[17]\d{2}[ -]?\d{3}[ -]?\d{3}\b`)
	emailInText = regexp.MustCompile(`[\w.%+-]+@[\w-]+(?:\.[\w-]+)+`)
)

// RedactPersonal takes personal data out of text that is about to be published: the citizen's
// full name (any case) and each word of it of three letters or more (as written, capitalised, so
// that "Health" in a department's name does not blank "health" in the text), their ID number, and
// every phone number and e-mail address. It is a safety net for free text, not a licence to
// publish it carelessly: other people's names typed into a description are not recognised.
func RedactPersonal(text string, c Citizen) string { return personalRedactor(c)(text) }

// personalRedactor is RedactPersonal for one citizen, its pattern compiled once for all of the
// request's texts.
func personalRedactor(c Citizen) func(string) string {
	var alts []string
	if name := strings.TrimSpace(c.Name); name != "" && name != AnonymousName {
		alts = append(alts, `(?i:`+regexp.QuoteMeta(name)+`)`)
		for _, part := range strings.Fields(name) {
			if part = strings.Trim(part, ".,;:()'\""); len([]rune(part)) >= 3 {
				alts = append(alts, `\b`+regexp.QuoteMeta(part)+`\b`)
			}
		}
	}
	if id := strings.TrimSpace(c.IDNumber); id != "" {
		alts = append(alts, `\b`+regexp.QuoteMeta(id)+`\b`)
	}
	var own *regexp.Regexp
	if len(alts) > 0 {
		own = regexp.MustCompile(strings.Join(alts, "|")) // quoted parts: always compiles
	}
	return func(text string) string {
		if text == "" {
			return ""
		}
		text = phoneInText.ReplaceAllString(text, redacted)
		text = emailInText.ReplaceAllString(text, redacted)
		if own != nil {
			text = own.ReplaceAllString(text, redacted)
		}
		return text
	}
}
