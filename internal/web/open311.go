package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/requests"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), under /open311/v2/, in JSON or
// XML chosen by the address's extension. docs/open311.md is the guide; Huduma's choices in short:
//
//   - Requests are created at once, so POST returns the service_request_id (the reference) and
//     Huduma issues no tokens: tokens/{id} is always 404.
//   - Reading is public, as the spec has it, but a public feed carries no personal data: requests
//     come from requests.ListPublic, which has no citizen and redacts free text.
//   - Posting needs an API key (huduma apikey create), sent as the form's api_key as the spec says
//     (the JSON API's headers work too). The route is auth.Public to the guard and the handler
//     checks the key itself, because the spec answers a bad key with 403 in the format asked for,
//     where the guard would answer 401 in Huduma's JSON. The route is an API route, so there are
//     no cookies and no CSRF token, and the API rate limit applies (its 429 is Huduma's JSON).
//   - Every error is in the spec's format — [{"code":400,"description":"..."}] or
//     <errors><error>…</error></errors> — with the matching HTTP status: the handlers return
//     errors to open311(), which writes them and returns nil to the guard.

const (
	o311JSON = "json"
	o311XML  = "xml"
	// o311Page is the most requests GET requests returns (the spec allows a server to return
	// fewer than 1000): narrow start_date/end_date to see more.
	o311Page = 200
	// o311Window is the spec's default and widest start_date–end_date span.
	o311Window = 90 * 24 * time.Hour
	o311Spec   = "http://wiki.open311.org/GeoReport_v2"
	// o311MaxDescription is the spec's limit on a description, in characters.
	o311MaxDescription = 4000
)

// o311Call is what an Open311 handler is asked: the format, and the resource's name without its
// extension (the service code, the request reference, the token, or "services").
type o311Call struct {
	format string
	name   string
}

// open311 adapts an Open311 handler to the route table: it reads the format from the extension of
// the address's last segment ("{service_code}.{fmt}": ServeMux cannot split one segment) and
// writes any error in the spec's format, returning nil so that the guard writes nothing more.
func (s *Server) open311(h func(w http.ResponseWriter, r *http.Request, c o311Call) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		last := r.PathValue("file") // as decoded by the mux, so an escaped "/" stays inside it
		if last == "" {
			last = r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		}
		c := o311Call{format: o311JSON, name: last}
		var err error
		if i := strings.LastIndexByte(last, '.'); i >= 0 && (strings.EqualFold(last[i+1:], o311JSON) || strings.EqualFold(last[i+1:], o311XML)) {
			c.format, c.name = strings.ToLower(last[i+1:]), last[:i]
			err = h(w, r, c)
		} else {
			err = apperr.New(apperr.NotFound, "Unsupported format: end the address with .json or .xml.")
		}
		if err != nil {
			s.o311Fail(w, r, c.format, err)
		}
		return nil
	}
}

// o311List is a list: a JSON array, or an XML root element (XMLName, set per list) holding one
// element per item (named by the item type's XMLName tag).
type o311List[T any] struct {
	XMLName xml.Name
	Items   []T
}

func o311Of[T any](root string, items []T) o311List[T] {
	return o311List[T]{XMLName: xml.Name{Local: root}, Items: items}
}

func (l o311List[T]) MarshalJSON() ([]byte, error) {
	if l.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(l.Items)
}

// o311Write writes v as JSON or XML (UTF-8, with the XML declaration the spec asks for). Like
// writeJSON it encodes the whole body before writing the status, and writes nothing when the
// encoder refuses v: the handler returns the error and open311() answers 500 in the spec's format.
func o311Write(w http.ResponseWriter, status int, format string, v any) error {
	if format != o311XML {
		return writeJSON(w, status, v)
	}
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the XML answer: %w", err)
	}
	writeRaw(w, status, "text/xml; charset=utf-8", append(append([]byte(xml.Header), b...), '\n'))
	return nil
}

type o311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// o311Status maps Huduma's error codes to the statuses the spec uses: 400 for bad parameters, 403
// for a bad api_key, 404 for what does not exist.
func o311Status(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Unauthorised, apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// o311Fail writes err in the spec's error format: one error per wrong parameter when the error
// names fields (described as "parameter: message"), else one error with the safe message.
func (s *Server) o311Fail(w http.ResponseWriter, r *http.Request, format string, err error) {
	s.o311FailWith(w, r, format, o311Status(apperr.CodeOf(err)), err)
}

// o311FailWith is o311Fail with the status given: 405, which no error code maps to, is only
// Open311's (o311Unserved).
func (s *Server) o311FailWith(w http.ResponseWriter, r *http.Request, format string, status int, err error) {
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	lang := info(r).lang
	var list []o311Error
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			list = append(list, o311Error{Code: status, Description: o311Param(k) + ": " + s.tr.T(lang, fields[k])})
		}
	} else {
		msg, args := apperr.MessageOf(err)
		list = []o311Error{{Code: status, Description: s.tr.T(lang, msg, args...)}}
	}
	dropSuccessHeaders(w)
	if err := o311Write(w, status, format, o311Of("errors", list)); err != nil {
		// Descriptions are plain strings and always encode; if one ever does not, still answer
		// in the spec's format rather than with nothing.
		s.log.ErrorContext(r.Context(), "open311 error response", "err", err)
		if format == o311XML {
			writeRaw(w, http.StatusInternalServerError, "text/xml; charset=utf-8", []byte(xml.Header+
				"<errors>\n  <error>\n    <code>500</code>\n    <description>"+apperr.GenericMessage+"</description>\n  </error>\n</errors>\n"))
		} else {
			writeRaw(w, http.StatusInternalServerError, "application/json; charset=utf-8",
				[]byte(`[{"code": 500, "description": "`+apperr.GenericMessage+`"}]`+"\n"))
		}
	}
}

// o311Param names one of the request store's form fields by the Open311 parameter that fills it.
func o311Param(field string) string {
	switch field {
	case "name":
		return "first_name or last_name"
	case "location":
		return "lat and long"
	case "centre":
		return "address_id"
	}
	if code, ok := strings.CutPrefix(field, "field_"); ok {
		return "attribute[" + code + "]"
	}
	return field
}

// asInvalid turns "not found" into "invalid": a service or centre named in a parameter that does
// not exist is a bad parameter (400), not a missing resource.
func asInvalid(err error) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.NotFound {
		c := *e
		c.Code = apperr.Invalid
		return &c
	}
	return err
}

// o311Time formats an instant as the spec's W3C date-time, in loc (Nairobi).
func o311Time(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// o311Zone is Africa/Nairobi, where every Huduma centre is. Load it once per response: it reads
// the zone database.
func o311Zone() *time.Location {
	if loc, err := time.LoadLocation("Africa/Nairobi"); err == nil {
		return loc
	}
	return time.FixedZone("EAT", 3*60*60) // Nairobi's offset since 1942, where no zone database is installed
}

// ---- discovery ----

type o311Discovery struct {
	XMLName    xml.Name       `json:"-" xml:"discovery"`
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []o311Endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

type o311Endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

// o311Discovery describes the endpoint. Its changeset is the last change to the service list,
// which is what a client caches.
func (s *Server) o311Discovery(w http.ResponseWriter, r *http.Request, c o311Call) error {
	services, err := s.o311Services(r)
	if err != nil {
		return err
	}
	var changed time.Time
	for _, sv := range services {
		if sv.UpdatedAt.After(changed) {
			changed = sv.UpdatedAt
		}
	}
	base := s.requests.Config().PublicURL
	changeset := o311Time(changed, o311Zone())
	return o311Write(w, http.StatusOK, c.format, o311Discovery{
		Changeset: changeset,
		Contact:   "Huduma; each agency's contacts are in its service charter: " + base + "/charters",
		KeyService: "Posting requests needs an API key, issued by the operator of this Huduma server " +
			"(huduma apikey create). Reading services and requests needs none.",
		Endpoints: []o311Endpoint{{Specification: o311Spec, URL: base + "/open311/v2", Changeset: changeset, Type: "production",
			Formats: []string{"text/xml", "application/json"}}},
	})
}

// ---- services ----

type o311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	Code        string   `json:"service_code" xml:"service_code"`
	Name        string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// o311Services is every active service, all pages of it. jurisdiction_id is accepted and ignored:
// a Huduma server is one jurisdiction.
func (s *Server) o311Services(r *http.Request) ([]charter.Service, error) {
	var all []charter.Service
	for offset := 0; ; offset += 500 {
		page, err := s.charters.Services(r.Context(), charter.ServiceFilter{ActiveOnly: true, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Services...)
		if len(page.Services) < 500 || offset+500 >= page.Total {
			return all, nil
		}
	}
}

func (s *Server) o311ServiceList(w http.ResponseWriter, r *http.Request, c o311Call) error {
	services, err := s.o311Services(r)
	if err != nil {
		return err
	}
	out := make([]o311Service, 0, len(services))
	for _, sv := range services {
		keywords := []string{sv.AgencyCode}
		if sv.NameSw != "" {
			keywords = append(keywords, sv.NameSw)
		}
		// "realtime": Huduma answers a POST with the request's reference at once.
		out = append(out, o311Service{Code: sv.Code, Name: sv.Name, Description: sv.Description, Metadata: len(sv.Fields) > 0,
			Type: "realtime", Keywords: strings.Join(keywords, ", "), Group: sv.AgencyName})
	}
	return o311Write(w, http.StatusOK, c.format, o311Of("services", out))
}

type o311Definition struct {
	XMLName    xml.Name        `json:"-" xml:"service_definition"`
	Code       string          `json:"service_code" xml:"service_code"`
	Attributes []o311Attribute `json:"attributes" xml:"attributes>attribute"`
}

type o311Attribute struct {
	Variable            bool   `json:"variable" xml:"variable"`
	Code                string `json:"code" xml:"code"`
	Datatype            string `json:"datatype" xml:"datatype"`
	Required            bool   `json:"required" xml:"required"`
	DatatypeDescription string `json:"datatype_description" xml:"datatype_description"`
	Order               int    `json:"order" xml:"order"`
	Description         string `json:"description" xml:"description"`
}

// o311ServiceDefinition lists the questions a service asks beyond the standard ones (its Fields):
// every one a free-text string.
func (s *Server) o311ServiceDefinition(w http.ResponseWriter, r *http.Request, c o311Call) error {
	sv, err := s.charters.ServiceByCode(r.Context(), c.name)
	if err != nil {
		return err
	}
	if !sv.Active {
		return apperr.New(apperr.NotFound, "No service with code %q.", c.name)
	}
	def := o311Definition{Code: sv.Code, Attributes: make([]o311Attribute, 0, len(sv.Fields))}
	for i, f := range sv.Fields {
		def.Attributes = append(def.Attributes, o311Attribute{Variable: true, Code: f.Code, Datatype: "string", Required: f.Required,
			Order: i + 1, Description: f.Label})
	}
	return o311Write(w, http.StatusOK, c.format, def)
}

// ---- posting a request ----

type o311Created struct {
	XMLName   xml.Name `json:"-" xml:"request"`
	ID        string   `json:"service_request_id" xml:"service_request_id"`
	Notice    string   `json:"service_notice" xml:"service_notice"`
	AccountID string   `json:"account_id" xml:"account_id"`
}

// o311CreateRequest lodges a request from a form-encoded POST. The citizen's name is first_name
// and last_name together; phone, email, description, attribute[code] and the location go where
// the web form's would. address_id, if given, is the code of the Huduma Centre or county office
// to handle the request (else the service's usual one). device_id is ignored; account_id is only
// echoed; media_url is kept as sent and given back in the feed (staff see it as a link). A retry
// with the same Idempotency-Key header (per API key) returns the first request.
func (s *Server) o311CreateRequest(w http.ResponseWriter, r *http.Request, c o311Call) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		err = r.ParseMultipartForm(64 << 10)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read. Please try again.")
	}
	var key auth.APIKey
	if secret := r.FormValue("api_key"); secret != "" {
		key, err = s.auth.CheckAPIKey(r.Context(), secret)
	} else {
		key, err = s.apiKey(r)
	}
	if err != nil {
		return err // no key or a bad one: Unauthorised, which Open311 answers with 403
	}
	idem, err := idempotencyKey(r, "open311", key.ID)
	if err != nil {
		return err
	}
	n := requests.NewRequest{
		ServiceCode: strings.TrimSpace(r.FormValue("service_code")),
		CentreCode:  strings.TrimSpace(r.FormValue("address_id")),
		Channel:     "open311",
		Citizen: requests.Citizen{Name: strings.TrimSpace(r.FormValue("first_name") + " " + r.FormValue("last_name")),
			Phone: r.FormValue("phone"), Email: r.FormValue("email")},
		Description:    strings.TrimSpace(r.FormValue("description")),
		Address:        strings.TrimSpace(r.FormValue("address_string")),
		Fields:         map[string]string{},
		IdempotencyKey: idem,
	}
	f := map[string]string{}
	if n.ServiceCode == "" {
		f["service_code"] = "This field is required."
	}
	if utf8.RuneCountInString(n.Description) > o311MaxDescription {
		f["description"] = "Write at most 4,000 characters."
	}
	n.Latitude, n.Longitude = parseCoordinates(r.FormValue("lat"), r.FormValue("long"), "lat", "long", f)
	if media := strings.TrimSpace(r.FormValue("media_url")); media != "" {
		u, err := url.Parse(media)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(media) > 500 {
			f["media_url"] = "Enter a web address starting with http:// or https://."
		} else {
			n.MediaURL = media // kept as sent, and given back as sent
		}
	}
	for name, values := range r.Form {
		code, ok := strings.CutPrefix(strings.TrimSuffix(name, "[]"), "attribute[")
		if !ok || !strings.HasSuffix(code, "]") {
			continue
		}
		// Huduma's attributes are strings; a list (attribute[code][]) is kept as one, comma-separated.
		n.Fields[strings.ToLower(strings.TrimSuffix(code, "]"))] = strings.Join(values, ", ")
	}
	if len(f) > 0 {
		return apperr.InvalidFields(f)
	}
	created, err := s.requests.Create(r.Context(), requests.Actor{Name: "Open311 key " + key.Name}, n)
	if err != nil {
		return asInvalid(err) // an unknown service_code or address_id is a bad parameter
	}
	notice := ""
	if sv, err := s.charters.ServiceByCode(r.Context(), created.Request.ServiceCode); err == nil {
		notice = sv.Timeline.Text
	}
	if !created.New {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	// 200 either way: the spec shows no other status, and clients check for it.
	return o311Write(w, http.StatusOK, c.format, o311Of("service_requests", []o311Created{{
		ID: created.Request.Reference, Notice: notice, AccountID: r.FormValue("account_id")}}))
}

// ---- reading requests ----

type o311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ID                string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime,omitempty"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Zipcode           string   `json:"zipcode" xml:"zipcode"`
	Lat               *float64 `json:"lat" xml:"lat,omitempty"`
	Long              *float64 `json:"long" xml:"long,omitempty"`
	MediaURL          *string  `json:"media_url" xml:"media_url,omitempty"` // null/absent for none
}

func toO311Request(p requests.PublicRequest, loc *time.Location) o311Request {
	status := "open"
	if !p.Status.Open() {
		status = "closed"
	}
	out := o311Request{ID: p.Reference, Status: status, StatusNotes: p.Note, ServiceName: p.ServiceName, ServiceCode: p.ServiceCode,
		Description: p.Description, AgencyResponsible: p.AgencyName, ServiceNotice: p.Commitment,
		RequestedDatetime: o311Time(p.CreatedAt, loc), UpdatedDatetime: o311Time(p.UpdatedAt, loc),
		Address: p.Address, AddressID: p.CentreCode, Lat: p.Latitude, Long: p.Longitude}
	if p.ResolutionDue != nil {
		due := o311Time(*p.ResolutionDue, loc)
		out.ExpectedDatetime = &due
	}
	if p.MediaURL != "" {
		out.MediaURL = &p.MediaURL
	}
	// The spec's limit, for requests lodged before Open311 kept to it (the store allows more).
	if utf8.RuneCountInString(out.Description) > o311MaxDescription {
		out.Description = string([]rune(out.Description)[:o311MaxDescription-1]) + "…"
	}
	return out
}

// o311Requests answers GET requests: service_request_id (a comma-separated list of references,
// which overrides every other parameter), or service_code (comma-separated), status (open,
// closed), start_date and end_date (at most 90 days apart; the last 90 days by default). Newest
// first, at most o311Page.
func (s *Server) o311Requests(w http.ResponseWriter, r *http.Request, c o311Call) error {
	q := r.URL.Query()
	f := requests.PublicFilter{Limit: o311Page}
	if ids := splitList(q.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > o311Page {
			return apperr.New(apperr.Invalid, "Ask for at most %d service_request_id values at once.", o311Page)
		}
		f.References = ids
	} else {
		for _, code := range splitList(q.Get("service_code")) {
			sv, err := s.charters.ServiceByCode(r.Context(), code)
			if err != nil {
				return asInvalid(err)
			}
			f.ServiceIDs = append(f.ServiceIDs, sv.ID)
		}
		open, closed := false, false
		for _, st := range splitList(q.Get("status")) {
			switch strings.ToLower(st) {
			case "open":
				open = true
			case "closed":
				closed = true
			default:
				return apperr.New(apperr.Invalid, "status must be open, closed or both (open,closed).")
			}
		}
		if open != closed {
			f.Open = &open
		}
		var err error
		if f.From, f.Before, err = o311Dates(q, s.now()); err != nil {
			return err
		}
	}
	list, err := s.requests.ListPublic(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]o311Request, 0, len(list))
	loc := o311Zone()
	for _, p := range list {
		out = append(out, toO311Request(p, loc))
	}
	return o311Write(w, http.StatusOK, c.format, o311Of("service_requests", out))
}

// o311Dates reads start_date and end_date into [from, before): whole seconds, end_date included
// (a date without a time is the whole day, in Nairobi); at most 90 days; the last 90 days when
// neither is given, 90 days from start_date or up to end_date when one is.
func o311Dates(q url.Values, now time.Time) (from, before time.Time, err error) {
	start, hasStart, err := o311ParseTime(q, "start_date", false)
	if err != nil {
		return from, before, err
	}
	end, hasEnd, err := o311ParseTime(q, "end_date", true)
	if err != nil {
		return from, before, err
	}
	switch {
	case hasStart && hasEnd:
		from, before = start, end
	case hasStart:
		from, before = start, start.Add(o311Window)
	case hasEnd:
		from, before = end.Add(-o311Window), end
	default:
		before = now.Truncate(time.Second).Add(time.Second)
		from = before.Add(-o311Window)
	}
	if !from.Before(before) || before.Sub(from) > o311Window+24*time.Hour {
		return from, before, apperr.New(apperr.Invalid, "start_date must be before end_date, and at most 90 days before it.")
	}
	return from, before, nil
}

// o311ParseTime reads a W3C date-time (RFC 3339), or a date alone (in Nairobi). For an end, the
// instant returned is just after it: the next second, or the next midnight for a date.
func o311ParseTime(q url.Values, name string, end bool) (time.Time, bool, error) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return time.Time{}, false, nil
	}
	// An unencoded "+03:00" arrives as " 03:00": take it as meant.
	v = strings.Replace(v, " ", "+", 1)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		t = t.Truncate(time.Second)
		if end {
			t = t.Add(time.Second)
		}
		return t, true, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, o311Zone()); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, true, nil
	}
	return time.Time{}, false, apperr.New(apperr.Invalid, "%s must be a W3C date-time with its offset, e.g. 2026-11-23T09:30:00+03:00.", name)
}

// splitList splits a comma-separated parameter, dropping blanks.
func splitList(v string) []string {
	var out []string
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// o311Request answers GET requests/{service_request_id}: a list of one, as the spec has it.
func (s *Server) o311Request(w http.ResponseWriter, r *http.Request, c o311Call) error {
	list, err := s.requests.ListPublic(r.Context(), requests.PublicFilter{References: []string{c.name}, Limit: 1})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return apperr.New(apperr.NotFound, "No request with that reference.")
	}
	return o311Write(w, http.StatusOK, c.format, o311Of("service_requests", []o311Request{toO311Request(list[0], o311Zone())}))
}

// o311Token answers GET tokens/{token_id}: Huduma creates requests at once and hands out no tokens.
func (s *Server) o311Token(w http.ResponseWriter, r *http.Request, c o311Call) error {
	return apperr.New(apperr.NotFound, "Huduma issues no tokens: a request's service_request_id is returned as soon as it is posted.")
}

// o311Unserved answers every address and method under /open311/v2/ that no other route serves,
// in the spec's error format (XML when the address ends in .xml, else JSON) rather than Huduma's
// HTML page or Go's plain text: 405 with Allow when the address is served for other methods, 404
// when it is not served at all. The Open311 routes of the table say which is which.
func (s *Server) o311Unserved(w http.ResponseWriter, r *http.Request) error {
	format := o311JSON
	if last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]; strings.HasSuffix(strings.ToLower(last), "."+o311XML) {
		format = o311XML
	}
	served := http.NewServeMux()
	for _, rt := range s.table() {
		if method, path, ok := strings.Cut(rt.pattern, " "); ok && method != "" && strings.HasPrefix(path, "/open311/v2/") {
			served.Handle(rt.pattern, http.NotFoundHandler())
		}
	}
	var allow []string
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, pattern := served.Handler(probe); pattern != "" {
			allow = append(allow, method)
		}
	}
	if len(allow) == 0 {
		s.o311Fail(w, r, format, apperr.New(apperr.NotFound, "Nothing is served at this address: the services are listed at /open311/v2/services.json."))
		return nil
	}
	header := allow
	if allow[0] == http.MethodGet {
		header = append([]string{http.MethodGet, http.MethodHead}, allow[1:]...)
	}
	w.Header().Set("Allow", strings.Join(header, ", "))
	msg := "This address answers GET only."
	if len(allow) == 2 {
		msg = "This address answers GET and POST only."
	} else if allow[0] == http.MethodPost {
		msg = "This address answers POST only."
	}
	s.o311FailWith(w, r, format, http.StatusMethodNotAllowed, apperr.New(apperr.Invalid, msg))
	return nil
}
