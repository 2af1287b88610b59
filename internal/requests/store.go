package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/secret"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Config tunes the SLA clock and the escalation ladder.
type Config struct {
	// WarnShare is the share of the resolution time after which the assignee is warned (0.75).
	WarnShare float64
	// DefaultResponse is the first-response commitment where a service states none ("1h"); walk-in
	// and counter requests use WalkInResponse ("10m": "attend within 10 minutes of visit").
	DefaultResponse string
	WalkInResponse  string
	// EscalateAfter is the further working time between the ladder's steps after a breach:
	// centre manager at the breach, agency admin EscalateAfter later, secretariat after that.
	EscalateAfter string
	// OutOfHours lets escalation messages go out outside working hours (off by default).
	OutOfHours bool
	// PublicURL is where tracking links point, e.g. https://huduma.example.go.ke.
	PublicURL string
}

func (c *Config) defaults() {
	if c.WarnShare <= 0 || c.WarnShare >= 1 {
		c.WarnShare = 0.75
	}
	if c.DefaultResponse == "" {
		c.DefaultResponse = "1h"
	}
	if c.WalkInResponse == "" {
		c.WalkInResponse = "10m"
	}
	if c.EscalateAfter == "" {
		c.EscalateAfter = "4h"
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
}

// Actor is who acts on a request: a staff member (ID set), or a citizen or system (ID 0).
type Actor struct {
	ID   int64
	Name string
}

// Store keeps service requests.
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

// WithTx returns a Store whose changes join the open transaction tx (demo data loads this way).
func (s *Store) WithTx(tx *sql.Tx) *Store {
	c := *s
	c.db = db.Within(tx, s.db.Kind())
	c.charters = s.charters.WithTx(tx)
	return &c
}

// Config returns the store's configuration.
func (s *Store) Config() Config { return s.cfg }

// NewRequest is what intake gives.
type NewRequest struct {
	ServiceCode    string
	CentreCode     string // "" picks the first centre offering the service
	Channel        string
	Citizen        Citizen
	Subject        string
	Description    string
	Fields         map[string]string
	Latitude       *float64
	Longitude      *float64
	Address        string
	MediaURL       string // an http(s) address of a picture, kept as sent (Open311's media_url)
	IdempotencyKey string // a retry with the same key returns the first request
	Attachments    []NewAttachment
	ParentRef      string
}

// Created is the result of intake: the request, the tracking key (shown once, in the link), and
// whether this call created it (false when an idempotent retry found the first one).
type Created struct {
	Request     Request
	TrackingKey string
	New         bool
}

// TrackingURL is the citizen's link to this request, for messages sent outside the site.
func (s *Store) TrackingURL(ref, key string) string { return s.cfg.PublicURL + TrackingPath(ref, key) }

// TrackingPath is the link's path on this site: with the key, straight to the request; without
// it, the tracking form with the reference filled in.
func TrackingPath(ref, key string) string {
	if key == "" {
		return "/track?ref=" + ref
	}
	return "/track/" + ref + "?key=" + key
}

const (
	maxDescription = 5000
	maxSubject     = 200
)

// Create takes a request in: validates it, computes its deadlines, stores it with its first
// event, schedules its SLA timers and queues the citizen's acknowledgement — all in one
// transaction.
func (s *Store) Create(ctx context.Context, actor Actor, n NewRequest) (Created, error) {
	sv, centre, err := s.validate(ctx, &n)
	if err != nil {
		if n.IdempotencyKey != "" { // a retry of a request taken in before its service was switched off
			if r, err2 := s.byIdempotencyKey(ctx, n.IdempotencyKey); err2 == nil {
				return Created{Request: r}, nil
			}
		}
		return Created{}, err
	}
	cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return Created{}, err
	}
	// To the microsecond, as both databases keep it, so the request returned below is the one stored.
	now := s.now().UTC().Truncate(time.Microsecond)
	clock := sla{created: now, warnShare: s.cfg.WarnShare, response: s.responseSpan(sv.ResponseTimeline, n.Channel)}
	if sv.Timeline.Kind == charter.TimelineDuration {
		clock.resolution = sv.Timeline.Span
	}
	dl := clock.compute(cal)
	approval := "not_required"
	if sv.RequiresApproval {
		approval = "pending"
	}
	fields, _ := json.Marshal(n.Fields)
	key, keyHash := secret.New(18) // the tracking link's secret; only its hash is stored
	r := Request{ServiceID: sv.ID, ServiceCode: sv.Code, ServiceName: sv.Name, CentreID: centre.ID, CentreCode: centre.Code,
		CentreName: centre.Name, CalendarID: centre.CalendarID, AgencyID: sv.AgencyID, AgencyCode: sv.AgencyCode, Channel: n.Channel,
		Status: New, Approval: approval, Citizen: n.Citizen, Subject: n.Subject, Description: n.Description, Latitude: n.Latitude,
		Longitude: n.Longitude, Address: n.Address, MediaURL: n.MediaURL, ResponseDue: utcTime(dl.response), WarnAt: utcTime(dl.warn),
		ResolutionDue: utcTime(dl.resolution), CreatedAt: now, UpdatedAt: now}
	if len(n.Fields) > 0 {
		r.Fields = n.Fields
	}
	if n.ParentRef != "" {
		if err := s.db.QueryRowContext(ctx, `SELECT id FROM requests WHERE reference = $1`, NormaliseReference(n.ParentRef)).Scan(&r.ParentID); err != nil {
			return Created{}, apperr.New(apperr.Invalid, "No request with reference %q to attach this one to.", n.ParentRef)
		}
	}
	// The request, its first event, its attachments, its first SLA timer and the citizen's
	// acknowledgement: one transaction, on PostgreSQL one round trip (db.WriteNew). A retried
	// Idempotency-Key, or a reference already taken, fails the request's INSERT and so writes nothing.
	for attempt := 0; ; attempt++ {
		r.Reference = newReference()
		_, err = s.db.WriteNew(ctx, "requests", func(id int64) ([]db.Stmt, error) {
			r.ID = id
			stmts := []db.Stmt{{SQL: `INSERT INTO requests (id, reference, tracking_hash, service_id, centre_id, agency_id, channel, status,
				approval, citizen_name, citizen_phone, citizen_email, citizen_id_number, subject, description, fields, latitude, longitude,
				address, parent_id, response_due_at, warn_at, resolution_due_at, idempotency_key, created_by, created_at, updated_at, media_url)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, $26)`,
				Args: []any{id, r.Reference, keyHash, sv.ID, centre.ID, sv.AgencyID, n.Channel, approval, n.Citizen.Name, n.Citizen.Phone, n.Citizen.Email,
					n.Citizen.IDNumber, n.Subject, n.Description, string(fields), n.Latitude, n.Longitude, n.Address, nullID(r.ParentID),
					utcPtr(dl.response), utcPtr(dl.warn), utcPtr(dl.resolution), nullString(n.IdempotencyKey), nullID(actor.ID), now, n.MediaURL}},
				eventStmt(id, now, actor, "created", true, fmt.Sprintf("Request received by %s.", channelWords[n.Channel]), map[string]string{"channel": n.Channel}),
			}
			for _, a := range n.Attachments {
				stmts = append(stmts, attachmentStmt(id, 0, now, a))
			}
			if t := s.nextTimer(r, cal); t != nil {
				st, err := jobs.ScheduleStmt([]jobs.New{*t})
				if err != nil {
					return nil, err
				}
				stmts = append(stmts, st)
			}
			text := fmt.Sprintf("Huduma: we received your request %s for %s.%s Track it: %s",
				r.Reference, sv.Name, dueWords(r.ResolutionDue, cal), s.TrackingURL(r.Reference, key))
			for _, m := range citizenMessages(r, "created", text) {
				st, err := notify.EnqueueStmt(now, m)
				if err != nil {
					return nil, err
				}
				stmts = append(stmts, st)
			}
			return stmts, nil
		})
		if !apperr.Is(err, apperr.Conflict) {
			break
		}
		if n.IdempotencyKey != "" {
			if first, err2 := s.byIdempotencyKey(ctx, n.IdempotencyKey); err2 == nil {
				return Created{Request: first}, nil // a retry: the first request, nothing new written
			}
		}
		if attempt == 5 {
			break
		}
		// Otherwise the reference was taken: 1 in 10^12 per pair, but never fail a citizen for it.
	}
	if err != nil {
		return Created{}, err
	}
	return Created{Request: r, TrackingKey: key, New: true}, nil
}

var channelWords = map[string]string{
	"web": "web form", "counter": "counter", "walk_in": "walk-in", "phone": "phone", "email": "email", "letter": "letter",
	"social_media": "social media", "api": "API", "open311": "Open311", "ussd": "USSD", "sms": "SMS",
}

func dueWords(due *time.Time, cal *worktime.Calendar) string {
	if due == nil {
		return ""
	}
	return " Due by " + due.In(cal.Location()).Format("Mon 2 Jan 15:04") + "."
}

// responseSpan is the first-response commitment for a request arriving by channel, given the
// service's own commitment ("" when it states none).
func (s *Store) responseSpan(serviceResponse, channel string) string {
	if serviceResponse != "" {
		return serviceResponse
	}
	if channel == "counter" || channel == "walk_in" {
		return s.cfg.WalkInResponse
	}
	return s.cfg.DefaultResponse
}

// validate checks a new request and fills in the service and the centre.
func (s *Store) validate(ctx context.Context, n *NewRequest) (charter.Service, charter.Centre, error) {
	f := map[string]string{}
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return charter.Service{}, charter.Centre{}, err
	}
	sv, ok := dir.Service(n.ServiceCode)
	if !ok || !sv.Active {
		return sv, charter.Centre{}, apperr.New(apperr.NotFound, "No service with code %q.", n.ServiceCode)
	}
	var centre charter.Centre
	if n.CentreCode != "" {
		if centre, ok = dir.Centre(n.CentreCode); !ok {
			return sv, centre, apperr.New(apperr.NotFound, "No centre with code %q.", n.CentreCode)
		}
		if !dir.Offers(centre.ID, sv.ID) && centre.AgencyID != sv.AgencyID {
			return sv, centre, apperr.New(apperr.Invalid, "%s is not offered at %s.", sv.Name, centre.Name)
		}
	} else if centre, ok = dir.HomeCentre(sv); !ok {
		return sv, centre, apperr.New(apperr.Invalid, "%s is not offered at any centre yet.", sv.Name)
	}
	if !slices.Contains(Channels, n.Channel) {
		f["channel"] = "Choose how the request came in."
	}
	n.Citizen.Name = strings.TrimSpace(n.Citizen.Name)
	n.Citizen.Email = strings.TrimSpace(n.Citizen.Email)
	n.Citizen.IDNumber = strings.TrimSpace(n.Citizen.IDNumber)
	n.Subject, n.Description = strings.TrimSpace(n.Subject), strings.TrimSpace(n.Description)
	// A service may take Open311 reports without a name or a contact (generic Open311 apps send
	// none): the request is stored with AnonymousName and nobody is notified.
	anonymous := sv.AllowAnonymous && n.Channel == "open311"
	if anonymous && n.Citizen.Name == "" {
		n.Citizen.Name = AnonymousName
	}
	if n.Citizen.Name == "" {
		f["name"] = "This field is required."
	} else if len(n.Citizen.Name) > 120 {
		f["name"] = "This is too long."
	}
	if strings.TrimSpace(n.Citizen.Phone) != "" {
		phone, err := notify.NormalisePhone(n.Citizen.Phone)
		if err != nil {
			f["phone"] = "Enter a Kenyan mobile number, such as 0712 345 678."
		}
		n.Citizen.Phone = phone
	}
	if n.Citizen.Email != "" {
		if a, err := mail.ParseAddress(n.Citizen.Email); err != nil || a.Address != n.Citizen.Email {
			f["email"] = "Enter a valid e-mail address."
		}
	}
	if n.Citizen.Phone == "" && n.Citizen.Email == "" && f["phone"] == "" && !anonymous && (n.Channel == "web" || n.Channel == "api" || n.Channel == "open311") {
		f["phone"] = "Give a phone number or an e-mail address so that we can tell you what happens."
	}
	if n.Citizen.IDNumber != "" && !idNumber(n.Citizen.IDNumber) {
		f["id_number"] = "An ID number is 6 to 9 digits."
	}
	if n.Description == "" {
		f["description"] = "This field is required."
	} else if utf8.RuneCountInString(n.Description) > maxDescription {
		f["description"] = "This is too long."
	}
	if len(n.Subject) > maxSubject {
		f["subject"] = "This is too long."
	}
	clean := map[string]string{}
	for _, fd := range sv.Fields {
		v := strings.TrimSpace(n.Fields[fd.Code])
		if v == "" && fd.Required {
			f["field_"+fd.Code] = "This field is required."
		}
		if len(v) > 500 {
			f["field_"+fd.Code] = "This is too long."
		}
		if v != "" {
			clean[fd.Code] = v
		}
	}
	for code := range n.Fields {
		if !slices.ContainsFunc(sv.Fields, func(fd charter.Field) bool { return fd.Code == code }) && strings.TrimSpace(n.Fields[code]) != "" {
			f["field_"+code] = "This service does not ask for this."
		}
	}
	n.Fields = clean
	// The channels check coordinates first, naming the field; this is the store's own guard, for
	// every channel. A NaN fails every comparison, so it is checked by name: stored on
	// PostgreSQL it would break every feed that shows it.
	if (n.Latitude == nil) != (n.Longitude == nil) || (n.Latitude != nil && (!ValidLatitude(*n.Latitude) || !ValidLongitude(*n.Longitude))) {
		f["location"] = "Give both latitude and longitude, in degrees."
	}
	for i := range n.Attachments {
		if msg := n.Attachments[i].check(); msg != "" {
			f["attachment"] = msg
		}
	}
	if len(n.Attachments) > maxAttachmentsPerRequest {
		f["attachment"] = "Attach at most 5 files."
	}
	if len(f) > 0 {
		return sv, centre, apperr.InvalidFields(f)
	}
	return sv, centre, nil
}

// ValidLatitude and ValidLongitude say whether a coordinate is a finite number of degrees in
// range (WGS84): not NaN, not infinite.
func ValidLatitude(v float64) bool { return !math.IsNaN(v) && v >= -90 && v <= 90 }

// ValidLongitude: see ValidLatitude.
func ValidLongitude(v float64) bool { return !math.IsNaN(v) && v >= -180 && v <= 180 }

func idNumber(s string) bool {
	if len(s) < 6 || len(s) > 9 {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

func (s *Store) byIdempotencyKey(ctx context.Context, key string) (Request, error) {
	return getRequest(ctx, s.db, "r.idempotency_key = $1", key)
}

func utcTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
