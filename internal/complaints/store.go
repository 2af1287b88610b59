package complaints

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/refcode"
	"github.com/huduma-ke/huduma/internal/secret"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Config tunes the complaint clock and its ladder.
type Config struct {
	// AnswerWithin is the working time a complaint is to be answered in ("5d"), from its lodging,
	// and again from each reopening.
	AnswerWithin string
	// WarnShare is the share of that time after which the owner is warned (0.75).
	WarnShare float64
	// EscalateAfter is the working time between the breach (the agency admin, or the national
	// admins where there is none) and the next step (the national admins): "1d".
	EscalateAfter string
	// PublicURL is where tracking links point, e.g. https://huduma.example.go.ke.
	PublicURL string
}

func (c *Config) defaults() {
	if _, err := worktime.ParseSpan(c.AnswerWithin); err != nil {
		c.AnswerWithin = "5d"
	}
	if c.WarnShare <= 0 || c.WarnShare >= 1 {
		c.WarnShare = 0.75
	}
	if _, err := worktime.ParseSpan(c.EscalateAfter); err != nil {
		c.EscalateAfter = "1d"
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
}

// Store keeps complaints and compliments.
type Store struct {
	db       db.Handle
	now      func() time.Time
	charters *charter.Store
	cfg      Config
}

// NewStore returns a Store.
func NewStore(d db.Handle, now func() time.Time, charters *charter.Store, cfg Config) *Store {
	if now == nil {
		now = time.Now
	}
	cfg.defaults()
	return &Store{db: d, now: now, charters: charters, cfg: cfg}
}

// WithTx returns a Store whose changes join the open transaction tx.
func (s *Store) WithTx(tx *sql.Tx) *Store {
	c := *s
	c.db = db.Within(tx, s.db.Kind())
	c.charters = s.charters.WithTx(tx)
	return &c
}

// Config returns the store's configuration.
func (s *Store) Config() Config { return s.cfg }

// NewComplaint is what intake gives.
type NewComplaint struct {
	Kind        string // complaint (default) or compliment
	Category    string // a complaint's: Categories
	Channel     string
	CentreCode  string // required: the centre's manager is the first owner
	ServiceCode string // optional
	OfficerID   int64  // optional: the officer it is about (staff choose)
	OfficerText string // optional: the citizen's words for the officer
	TicketID    int64  // optional: the visit it is about (its officer and service are taken)
	RequestRef  string // optional: the service request it is about
	Description string
	Anonymous   bool // a report of a request for a bribe may be anonymous
	Contact     Contact
	// IdempotencyKey makes a retry return the first complaint and store nothing new.
	IdempotencyKey string
	// TrackingKey is the link's secret when the caller derives it (see LinkKey); "" for a random one.
	TrackingKey string
}

// Created is the result of intake: the complaint, its tracking key (for the link; "" when an
// idempotent retry found the first complaint and no TrackingKey was given), and whether this call
// created it.
type Created struct {
	Complaint   Complaint
	TrackingKey string
	New         bool
}

// LinkKey derives a tracking key from a form's idempotency key, so that a form sent twice shows
// the same link again. Only for keys the server made at random and gave to one browser (a web
// form's hidden field): a key a caller chose could be guessed.
func LinkKey(formKey string) string {
	sum := sha256.Sum256([]byte("huduma complaint link\x00" + formKey))
	return base64.RawURLEncoding.EncodeToString(sum[:18])
}

// TrackingPath is the tracking page's path on this site: with the key, straight to the
// complaint; without it, the page asks for the phone number or e-mail address it was lodged with.
func TrackingPath(ref, key string) string {
	if key == "" {
		return "/complaints/" + ref
	}
	return "/complaints/" + ref + "?key=" + key
}

// TrackingURL is TrackingPath as a full address, for messages.
func (s *Store) TrackingURL(ref, key string) string { return s.cfg.PublicURL + TrackingPath(ref, key) }

const maxDescription = 5000

// Create takes a complaint or a compliment in: it validates it, computes a complaint's deadline on
// the centre's calendar, and stores it with its first event, its first ladder job, the
// complainant's acknowledgement, the owner's notice and the audit record — one transaction.
func (s *Store) Create(ctx context.Context, actor audit.Actor, n NewComplaint) (Created, error) {
	c, err := s.validate(ctx, &n)
	if err != nil {
		return Created{}, err
	}
	key, hash := n.TrackingKey, ""
	if key == "" {
		key, hash = secret.New(18)
	} else {
		hash = secret.Hash(key)
	}
	var cal *worktime.Calendar
	if c.Kind == KindComplaint {
		if cal, err = s.charters.WorkCalendar(ctx, c.CalendarID); err != nil {
			return Created{}, err
		}
	}
	var out Created
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC().Truncate(time.Microsecond)
		c.CreatedAt, c.UpdatedAt = now, now
		if cal != nil {
			c.DueAt, c.WarnAt = s.deadlines(cal, now)
		}
		for attempt := 0; ; attempt++ {
			c.Reference = newReference()
			err := tx.QueryRowContext(ctx, `INSERT INTO complaints (reference, kind, category, channel, centre_id, agency_id, service_id,
				officer_id, officer_text, ticket_id, request_id, description, anonymous, contact_name, contact_phone, contact_email, key_hash,
				owner, status, due_at, warn_at, idempotency_key, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24)
				ON CONFLICT DO NOTHING RETURNING id`,
				c.Reference, c.Kind, c.Category, c.Channel, c.CentreID, nullID(c.AgencyID), nullID(c.ServiceID), nullID(c.OfficerID),
				c.OfficerText, nullID(c.TicketID), nullID(c.RequestID), c.Description, c.Anonymous, c.Contact.Name, c.Contact.Phone,
				c.Contact.Email, hash, c.Owner, string(c.Status), timeArg(c.DueAt), timeArg(c.WarnAt), nullString(n.IdempotencyKey),
				nullID(actor.ID), now).Scan(&c.ID)
			if err == nil {
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			// Nothing inserted: a retry of a complaint already stored, or (1 in 10^12) a reference taken.
			if n.IdempotencyKey != "" {
				first, err := getComplaint(ctx, tx, "k.idempotency_key = $1", n.IdempotencyKey)
				if err == nil {
					out = Created{Complaint: first}
					if n.TrackingKey != "" {
						out.TrackingKey = n.TrackingKey
					}
					return nil
				} else if !apperr.Is(err, apperr.NotFound) {
					return err
				}
			}
			if attempt == 5 {
				return errors.New("complaints: no free reference after 6 tries")
			}
		}
		body := fmt.Sprintf("Complaint received by %s.", channelWords[c.Channel])
		if c.Kind == KindCompliment {
			body = fmt.Sprintf("Compliment received by %s.", channelWords[c.Channel])
		}
		if _, err := addEvent(ctx, tx, c.ID, now, actor, "created", true, body, map[string]string{"channel": c.Channel}); err != nil {
			return err
		}
		if cal != nil {
			if err := s.scheduleNext(ctx, tx, c, cal); err != nil {
				return err
			}
		}
		if err := s.acknowledge(ctx, tx, c, key, cal); err != nil {
			return err
		}
		if err := s.tellOwnerNew(ctx, tx, c); err != nil {
			return err
		}
		out = Created{Complaint: c, TrackingKey: key, New: true}
		return s.audit(ctx, tx, now, actor, "create", c, fmt.Sprintf("%s %s lodged (%s)", titleKind(c.Kind), c.Reference, c.Channel))
	})
	if err != nil {
		return Created{}, err
	}
	if !out.New {
		return out, nil
	}
	// Read back the names the joins give (centre, officer, request).
	stored, err := s.ByID(ctx, out.Complaint.ID)
	if err != nil {
		return Created{}, err
	}
	out.Complaint = stored
	return out, nil
}

var channelWords = map[string]string{"web": "web form", "counter": "counter", "phone": "phone", "email": "email", "sms": "SMS", "api": "API"}

func titleKind(kind string) string {
	if kind == KindCompliment {
		return "Compliment"
	}
	return "Complaint"
}

// validate checks a new complaint, normalises it and returns the complaint to store.
func (s *Store) validate(ctx context.Context, n *NewComplaint) (Complaint, error) {
	f := map[string]string{}
	n.Kind = strings.TrimSpace(n.Kind)
	if n.Kind == "" {
		n.Kind = KindComplaint
	}
	c := Complaint{Kind: n.Kind, Channel: n.Channel, Anonymous: n.Anonymous, Status: New, Owner: OwnerCentre}
	switch n.Kind {
	case KindComplaint:
		if !validCategory(n.Category) {
			f["category"] = "Choose what the complaint is about."
		}
		c.Category = n.Category
	case KindCompliment:
		c.Category, c.Status, c.Anonymous = "", Recorded, false
	default:
		f["kind"] = "Choose a complaint or a compliment."
	}
	if c.Category == Bribe {
		c.Owner = OwnerIntegrity
	}
	if !slices.Contains(Channels, n.Channel) {
		f["channel"] = "Choose how it came in."
	}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return c, err
	}
	centre, ok := dir.Centre(strings.ToUpper(strings.TrimSpace(n.CentreCode)))
	if !ok {
		f["centre"] = "Choose the centre it is about."
	}
	c.CentreID, c.CentreCode, c.CentreName, c.CalendarID, c.AgencyID = centre.ID, centre.Code, centre.Name, centre.CalendarID, centre.AgencyID
	if code := strings.TrimSpace(n.ServiceCode); code != "" {
		if sv, ok := dir.Service(strings.ToUpper(code)); ok {
			c.ServiceID, c.AgencyID = sv.ID, sv.AgencyID
		} else {
			f["service"] = "No service with that code."
		}
	}
	c.Description = strings.TrimSpace(n.Description)
	if c.Description == "" {
		f["description"] = "This field is required."
	} else if len(c.Description) > maxDescription {
		f["description"] = "This is too long."
	}
	c.OfficerText = strings.TrimSpace(n.OfficerText)
	if len(c.OfficerText) > 200 {
		f["officer_text"] = "This is too long."
	}
	// The complainant.
	contact := Contact{Name: strings.TrimSpace(n.Contact.Name), Phone: strings.TrimSpace(n.Contact.Phone), Email: strings.TrimSpace(n.Contact.Email)}
	if len(contact.Name) > 120 {
		f["name"] = "This is too long."
	}
	if contact.Phone != "" {
		phone, err := notify.NormalisePhone(contact.Phone)
		if err != nil {
			f["phone"] = "Enter a Kenyan mobile number, such as 0712 345 678."
		}
		contact.Phone = phone
	}
	if contact.Email != "" {
		if a, err := mail.ParseAddress(contact.Email); err != nil || a.Address != contact.Email {
			f["email"] = "Enter a valid e-mail address."
		}
	}
	switch {
	case c.Anonymous && c.Category != Bribe:
		f["anonymous"] = "Only a report of a request for a bribe can be anonymous. For anything else, give a phone number or an e-mail address so that we can answer you."
	case c.Anonymous:
		contact = Contact{} // kept nowhere, even if typed before ticking "anonymous"
	case c.Kind == KindComplaint && contact.Phone == "" && contact.Email == "" && f["phone"] == "" && f["email"] == "":
		f["phone"] = "Give a phone number or an e-mail address so that we can tell you what was done. Only a report of a request for a bribe can be anonymous."
	}
	c.Contact = contact
	if len(f) > 0 {
		return c, apperr.InvalidFields(f)
	}
	// What it relates to: a visit (its officer and service), a request (its assignee and service).
	if n.TicketID != 0 {
		var centreID, serviceID int64
		var officer sql.NullInt64
		err := s.db.QueryRowContext(ctx, `SELECT centre_id, service_id, officer_id FROM tickets WHERE id = $1`, n.TicketID).Scan(&centreID, &serviceID, &officer)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && centreID != c.CentreID) {
			return c, apperr.InvalidFields(map[string]string{"ticket": "No such ticket at this centre."})
		} else if err != nil {
			return c, err
		}
		c.TicketID = n.TicketID
		if c.ServiceID == 0 {
			if sv, ok := dir.ServiceByID(serviceID); ok {
				c.ServiceID, c.AgencyID = sv.ID, sv.AgencyID
			}
		}
		if n.OfficerID == 0 {
			c.OfficerID = officer.Int64
		}
	}
	if ref := strings.TrimSpace(n.RequestRef); ref != "" {
		var serviceID, agencyID int64
		var assignee sql.NullInt64
		err := s.db.QueryRowContext(ctx, `SELECT id, service_id, agency_id, assignee_id FROM requests WHERE reference = $1`,
			normaliseRequestRef(ref)).Scan(&c.RequestID, &serviceID, &agencyID, &assignee)
		if errors.Is(err, sql.ErrNoRows) {
			return c, apperr.InvalidFields(map[string]string{"request": "No request with that reference."})
		} else if err != nil {
			return c, err
		}
		if c.ServiceID == 0 {
			c.ServiceID, c.AgencyID = serviceID, agencyID
		}
		if n.OfficerID == 0 && c.OfficerID == 0 {
			c.OfficerID = assignee.Int64
		}
	}
	if n.OfficerID != 0 {
		var active bool
		var centreID sql.NullInt64
		err := s.db.QueryRowContext(ctx, `SELECT active, centre_id FROM users WHERE id = $1`, n.OfficerID).Scan(&active, &centreID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (!active || centreID.Int64 != c.CentreID)) {
			return c, apperr.InvalidFields(map[string]string{"officer": "Choose an officer of this centre."})
		} else if err != nil {
			return c, err
		}
		c.OfficerID = n.OfficerID
	}
	return c, nil
}

// newReference is a complaint's reference, "C-7Q4M-2X9P": a C, so that nobody takes it for a
// request's (internal/refcode).
func newReference() string { return refcode.New("C-") }

// NormaliseReference accepts what a citizen types: lower case, spaces, missing or extra dashes.
func NormaliseReference(s string) string { return refcode.Normalise(s, "C-") }

// normaliseRequestRef is how a request's reference is typed (requests.NormaliseReference).
func normaliseRequestRef(s string) string { return refcode.Normalise(s, "") }

// audit records a change. A report for the integrity officers is recorded with no centre or agency
// scope and no content, so that centre managers and agency admins browsing their audit trail do not
// learn of it (only its reference and what was done).
func (s *Store) audit(ctx context.Context, tx *sql.Tx, now time.Time, actor audit.Actor, action string, c Complaint, summary string) error {
	if c.Integrity() {
		return audit.Record(ctx, tx, now, actor, action, "complaint", c.Reference, summary, nil, nil, 0, 0)
	}
	after := map[string]any{"kind": c.Kind, "category": c.Category, "status": c.Status, "channel": c.Channel}
	return audit.Record(ctx, tx, now, actor, action, "complaint", c.Reference, summary, nil, after, c.AgencyID, c.CentreID)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
