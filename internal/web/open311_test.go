package web_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// Mirrors of the Open311 documents, read back with encoding/json and encoding/xml. The XML ones
// name their root element, so Unmarshal fails when the root is wrong.

type o311Err struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

type o311ErrorsXML struct {
	XMLName xml.Name  `xml:"errors"`
	Errors  []o311Err `xml:"error"`
}

type o311DiscoveryDoc struct {
	XMLName    xml.Name `json:"-" xml:"discovery"`
	Changeset  string   `json:"changeset" xml:"changeset"`
	Contact    string   `json:"contact" xml:"contact"`
	KeyService string   `json:"key_service" xml:"key_service"`
	Endpoints  []struct {
		Specification string   `json:"specification" xml:"specification"`
		URL           string   `json:"url" xml:"url"`
		Changeset     string   `json:"changeset" xml:"changeset"`
		Type          string   `json:"type" xml:"type"`
		Formats       []string `json:"formats" xml:"formats>format"`
	} `json:"endpoints" xml:"endpoints>endpoint"`
}

type o311ServiceDoc struct {
	Code        string `json:"service_code" xml:"service_code"`
	Name        string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type o311ServicesXML struct {
	XMLName  xml.Name         `xml:"services"`
	Services []o311ServiceDoc `xml:"service"`
}

type o311DefinitionDoc struct {
	XMLName    xml.Name `json:"-" xml:"service_definition"`
	Code       string   `json:"service_code" xml:"service_code"`
	Attributes []struct {
		Variable            bool   `json:"variable" xml:"variable"`
		Code                string `json:"code" xml:"code"`
		Datatype            string `json:"datatype" xml:"datatype"`
		Required            bool   `json:"required" xml:"required"`
		DatatypeDescription string `json:"datatype_description" xml:"datatype_description"`
		Order               int    `json:"order" xml:"order"`
		Description         string `json:"description" xml:"description"`
	} `json:"attributes" xml:"attributes>attribute"`
}

type o311RequestDoc struct {
	ID                string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	AccountID         string   `json:"account_id" xml:"account_id"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  *string  `json:"expected_datetime" xml:"expected_datetime"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Lat               *float64 `json:"lat" xml:"lat"`
	Long              *float64 `json:"long" xml:"long"`
}

type o311RequestsXML struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []o311RequestDoc `xml:"request"`
}

// o311Get fetches an Open311 document and decodes it by the address's extension: into v for JSON,
// into x (the XML mirror with the root element) for XML.
func o311Get(t *testing.T, h *harness, path string, status int, v any) string {
	t.Helper()
	res, body := h.anonymous().get(path)
	wantStatus(t, res, body, status)
	o311Decode(t, res, body, v)
	return body
}

func o311Decode(t *testing.T, res *http.Response, body string, v any) {
	t.Helper()
	ct := res.Header.Get("Content-Type")
	var err error
	if strings.HasSuffix(res.Request.URL.Path, ".xml") {
		if ct != "text/xml; charset=utf-8" || !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
			t.Errorf("%s: Content-Type %q, body starts %.60q", res.Request.URL.Path, ct, body)
		}
		err = xml.Unmarshal([]byte(body), v)
	} else {
		if ct != "application/json; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", res.Request.URL.Path, ct)
		}
		err = json.Unmarshal([]byte(body), v)
	}
	if err != nil {
		t.Fatalf("%s: %v\n%.600s", res.Request.URL.Path, err, body)
	}
}

// o311Errors reads a spec error document of either format.
func o311Errors(t *testing.T, res *http.Response, body string) []o311Err {
	t.Helper()
	if strings.HasSuffix(res.Request.URL.Path, ".xml") {
		var x o311ErrorsXML
		o311Decode(t, res, body, &x)
		return x.Errors
	}
	var list []o311Err
	o311Decode(t, res, body, &list)
	return list
}

// wantO311Error checks an error answer: the HTTP status, the same code in every error, and a
// description containing want.
func wantO311Error(t *testing.T, res *http.Response, body string, status int, want string) {
	t.Helper()
	wantStatus(t, res, body, status)
	errs := o311Errors(t, res, body)
	if len(errs) == 0 {
		t.Fatalf("%s: no errors in %s", res.Request.URL.Path, body)
	}
	found := false
	for _, e := range errs {
		if e.Code != status {
			t.Errorf("%s: error code %d in a %d answer", res.Request.URL.Path, e.Code, status)
		}
		found = found || strings.Contains(e.Description, want)
	}
	if !found {
		t.Errorf("%s: no error mentions %q: %s", res.Request.URL.Path, want, body)
	}
}

// o311Post posts a form as an Open311 client does, with extra headers in pairs.
func o311Post(h *harness, path string, form url.Values, header ...string) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return h.anonymous().do(req)
}

// o311Created reads a POST answer and returns the one service_request_id.
func o311Created(t *testing.T, res *http.Response, body string) o311RequestDoc {
	t.Helper()
	wantStatus(t, res, body, http.StatusOK)
	var list []o311RequestDoc
	if strings.HasSuffix(res.Request.URL.Path, ".xml") {
		var x o311RequestsXML
		o311Decode(t, res, body, &x)
		list = x.Requests
	} else {
		o311Decode(t, res, body, &list)
	}
	if len(list) != 1 || list[0].ID == "" {
		t.Fatalf("POST answer: %s", body)
	}
	return list[0]
}

func TestOpen311Discovery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		var j, x o311DiscoveryDoc
		o311Get(t, h, "/open311/v2/discovery.json", http.StatusOK, &j)
		o311Get(t, h, "/open311/v2/discovery.xml", http.StatusOK, &x)
		for _, doc := range []o311DiscoveryDoc{j, x} {
			if len(doc.Endpoints) != 1 {
				t.Fatalf("endpoints: %+v", doc)
			}
			e := doc.Endpoints[0]
			if e.Specification != "http://wiki.open311.org/GeoReport_v2" || e.URL != "https://huduma.test/open311/v2" || e.Type != "production" ||
				!slices.Equal(e.Formats, []string{"text/xml", "application/json"}) {
				t.Errorf("endpoint: %+v", e)
			}
			if _, err := time.Parse(time.RFC3339, doc.Changeset); err != nil || !strings.HasSuffix(doc.Changeset, "+03:00") {
				t.Errorf("changeset %q is not a Nairobi W3C date-time", doc.Changeset)
			}
			if doc.Contact == "" || !strings.Contains(doc.KeyService, "API key") {
				t.Errorf("contact %q, key_service %q", doc.Contact, doc.KeyService)
			}
		}
		// A format Huduma does not offer is the spec's 404, in JSON.
		res, body := h.anonymous().get("/open311/v2/services/KKG-ICT-03.csv")
		wantO311Error(t, res, body, http.StatusNotFound, ".json or .xml")
	})
}

func TestOpen311Services(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		find := func(list []o311ServiceDoc, code string) o311ServiceDoc {
			t.Helper()
			for _, s := range list {
				if s.Code == code {
					return s
				}
			}
			t.Fatalf("service %s not listed", code)
			return o311ServiceDoc{}
		}
		var j []o311ServiceDoc
		var x o311ServicesXML
		o311Get(t, h, "/open311/v2/services.json?jurisdiction_id=ke", http.StatusOK, &j)
		o311Get(t, h, "/open311/v2/services.xml", http.StatusOK, &x)
		all, err := h.charters.Services(ctx, charter.ServiceFilter{ActiveOnly: true, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(j) != all.Total || len(x.Services) != all.Total {
			t.Errorf("%d services in JSON, %d in XML, %d active", len(j), len(x.Services), all.Total)
		}
		for _, got := range []o311ServiceDoc{find(j, "KKG-ICT-03"), find(x.Services, "KKG-ICT-03")} {
			if got.Name != sv.Name || got.Group != sv.AgencyName || got.Type != "realtime" || got.Metadata || !strings.Contains(got.Keywords, "KKG-ICT") {
				t.Errorf("KKG-ICT-03 listed as %+v", got)
			}
		}

		// A service with questions of its own: metadata true, its fields as attributes.
		sv.Fields = []charter.Field{{Code: "asset_tag", Label: "Asset tag", Required: true}, {Code: "floor", Label: "Floor or office"}}
		if _, err := h.charters.SaveService(ctx, audit.System, sv); err != nil {
			t.Fatal(err)
		}
		o311Get(t, h, "/open311/v2/services.json", http.StatusOK, &j)
		if !find(j, "KKG-ICT-03").Metadata {
			t.Error("a service with fields has metadata false")
		}
		var dj, dx o311DefinitionDoc
		o311Get(t, h, "/open311/v2/services/KKG-ICT-03.json", http.StatusOK, &dj)
		o311Get(t, h, "/open311/v2/services/kkg-ict-03.xml", http.StatusOK, &dx)
		for _, def := range []o311DefinitionDoc{dj, dx} {
			if def.Code != "KKG-ICT-03" || len(def.Attributes) != 2 {
				t.Fatalf("definition: %+v", def)
			}
			a, b := def.Attributes[0], def.Attributes[1]
			if !a.Variable || a.Code != "asset_tag" || a.Datatype != "string" || !a.Required || a.Order != 1 || a.Description != "Asset tag" ||
				b.Code != "floor" || b.Required || b.Order != 2 || b.Description != "Floor or office" {
				t.Errorf("attributes: %+v", def.Attributes)
			}
		}
		// A service without fields has an empty list of attributes.
		var none o311DefinitionDoc
		body := o311Get(t, h, "/open311/v2/services/KKG-ICT-02.json", http.StatusOK, &none)
		if none.Code != "KKG-ICT-02" || !strings.Contains(body, `"attributes": []`) {
			t.Errorf("definition without fields: %s", body)
		}
		for _, path := range []string{"/open311/v2/services/NOPE-01.json", "/open311/v2/services/NOPE-01.xml"} {
			res, body := h.anonymous().get(path)
			wantO311Error(t, res, body, http.StatusNotFound, `No service with code "NOPE-01".`)
		}
	})
}

// o311Form is a valid request for KKG-ICT-03 from Amina Odhiambo, whose description names her
// and gives her phone and e-mail (which a public feed must not show).
func o311Form(key string) url.Values {
	return url.Values{
		"api_key": {key}, "service_code": {"KKG-ICT-03"}, "first_name": {"Amina"}, "last_name": {"Odhiambo"},
		"phone": {"0712 345 678"}, "email": {"amina@example.org"}, "account_id": {"acct-9"}, "device_id": {"phone-1"},
		"description":    {"Laptop screen cracked. Call Amina Odhiambo on 0712 345 678 or amina@example.org."},
		"address_string": {"Finance block, 2nd floor"}, "lat": {"0.2827"}, "long": {"34.7519"},
	}
}

func TestOpen311PostRequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		sv.Fields = []charter.Field{{Code: "asset_tag", Label: "Asset tag", Required: true}}
		if _, err := h.charters.SaveService(ctx, audit.System, sv); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"json", "xml"} {
			t.Run(format, func(t *testing.T) {
				form := o311Form(key)
				form.Set("attribute[asset_tag]", "KKG/ICT/0777")
				form.Set("media_url", "https://img.example.org/screen.jpg")
				res, body := o311Post(h, "/open311/v2/requests."+format, form)
				created := o311Created(t, res, body)
				if created.ServiceNotice != sv.Timeline.Text || created.AccountID != "acct-9" {
					t.Errorf("POST answer: %+v", created)
				}

				// What the store holds: the channel, the citizen, the attribute, the location.
				req, err := h.requests.ByReference(ctx, created.ID)
				if err != nil {
					t.Fatal(err)
				}
				if req.Channel != "open311" || req.Citizen.Name != "Amina Odhiambo" || req.Citizen.Phone != "+254712345678" ||
					req.Citizen.Email != "amina@example.org" || req.Fields["asset_tag"] != "KKG/ICT/0777" || req.Address != "Finance block, 2nd floor" ||
					req.Latitude == nil || *req.Latitude != 0.2827 || req.Longitude == nil || *req.Longitude != 34.7519 ||
					req.MediaURL != "https://img.example.org/screen.jpg" || strings.Contains(req.Description, "img.example.org") {
					t.Errorf("stored: %+v", req)
				}

				// The deadline: the charter's 10 working days on the centre's calendar, from now.
				cal, err := h.charters.WorkCalendar(ctx, req.CalendarID)
				if err != nil {
					t.Fatal(err)
				}
				span, err := worktime.ParseSpan(sv.Timeline.Span)
				if err != nil {
					t.Fatal(err)
				}
				due := cal.Due(req.CreatedAt, span)
				if req.ResolutionDue == nil || !req.ResolutionDue.Equal(due) {
					t.Fatalf("store's deadline %v, charter deadline %v", req.ResolutionDue, due)
				}

				// Reading it back, in both formats: the deadline as expected_datetime, no personal data.
				for _, f := range []string{"json", "xml"} {
					var got o311RequestDoc
					path := "/open311/v2/requests/" + strings.ToLower(created.ID) + "." + f
					var body string
					if f == "xml" {
						var x o311RequestsXML
						body = o311Get(t, h, path, http.StatusOK, &x)
						if len(x.Requests) != 1 {
							t.Fatalf("%s: %s", path, body)
						}
						got = x.Requests[0]
					} else {
						var list []o311RequestDoc
						body = o311Get(t, h, path, http.StatusOK, &list)
						if len(list) != 1 {
							t.Fatalf("%s: %s", path, body)
						}
						got = list[0]
					}
					if got.ExpectedDatetime == nil {
						t.Fatalf("%s: no expected_datetime: %s", path, body)
					}
					expected, err := time.Parse(time.RFC3339, *got.ExpectedDatetime)
					if err != nil || !expected.Equal(*req.ResolutionDue) || !strings.HasSuffix(*got.ExpectedDatetime, "+03:00") {
						t.Errorf("%s: expected_datetime %q, store says %v", path, *got.ExpectedDatetime, req.ResolutionDue)
					}
					requested, err := time.Parse(time.RFC3339, got.RequestedDatetime)
					if err != nil || !requested.Equal(req.CreatedAt.Truncate(time.Second)) {
						t.Errorf("%s: requested_datetime %q, created %v", path, got.RequestedDatetime, req.CreatedAt)
					}
					if got.ID != created.ID || got.Status != "open" || got.ServiceCode != "KKG-ICT-03" || got.ServiceName != sv.Name ||
						got.AgencyResponsible != sv.AgencyName || got.ServiceNotice != sv.Timeline.Text || got.StatusNotes != "Request received by Open311." ||
						got.Address != "Finance block, 2nd floor" || got.AddressID != req.CentreCode || got.Lat == nil || *got.Lat != 0.2827 {
						t.Errorf("%s: %+v", path, got)
					}
					if !strings.HasPrefix(got.Description, "Laptop screen cracked. Call *** on *** or ***.") {
						t.Errorf("%s: description %q", path, got.Description)
					}
					for _, personal := range []string{"Amina", "Odhiambo", "0712", "345 678", "254712345678", "amina@example.org"} {
						if strings.Contains(body, personal) {
							t.Errorf("%s shows %q", path, personal)
						}
					}
				}
			})
		}
		if n := h.count("requests WHERE channel = 'open311'"); n != 2 {
			t.Errorf("%d Open311 requests stored, want 2", n)
		}
	})
}

func TestOpen311PostErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		sv.Fields = []charter.Field{{Code: "asset_tag", Label: "Asset tag", Required: true}}
		if _, err := h.charters.SaveService(ctx, audit.System, sv); err != nil {
			t.Fatal(err)
		}
		with := func(change func(url.Values)) url.Values {
			f := o311Form(key)
			f.Set("attribute[asset_tag]", "KKG/ICT/0777")
			change(f)
			return f
		}
		before := h.count("requests")
		for _, c := range []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{"no api_key", with(func(f url.Values) { f.Del("api_key") }), 403, "A valid API key is required."},
			{"bad api_key", with(func(f url.Values) { f.Set("api_key", "hk_notakeyatall_xxxxxxxxxxxx") }), 403, "A valid API key is required."},
			{"unknown service_code", with(func(f url.Values) { f.Set("service_code", "NOPE-01") }), 400, `No service with code "NOPE-01".`},
			{"no service_code", with(func(f url.Values) { f.Del("service_code") }), 400, "service_code: This field is required."},
			{"no description", with(func(f url.Values) { f.Del("description") }), 400, "description: This field is required."},
			{"no name", with(func(f url.Values) { f.Del("first_name"); f.Del("last_name") }), 400, "first_name or last_name: This field is required."},
			{"bad phone", with(func(f url.Values) { f.Set("phone", "12345") }), 400, "phone: Enter a Kenyan mobile number"},
			{"no phone or email", with(func(f url.Values) { f.Del("phone"); f.Del("email") }), 400, "phone: Give a phone number or an e-mail address"},
			{"half a location", with(func(f url.Values) { f.Del("long") }), 400, "long: Give both latitude and longitude"},
			{"latitude not a number", with(func(f url.Values) { f.Set("lat", "north") }), 400, "lat: Enter a latitude in degrees, from -90 to 90."},
			{"missing attribute", with(func(f url.Values) { f.Del("attribute[asset_tag]") }), 400, "attribute[asset_tag]: This field is required."},
			{"unknown attribute", with(func(f url.Values) { f.Set("attribute[colour]", "red") }), 400, "attribute[colour]: This service does not ask for this."},
			{"unknown address_id", with(func(f url.Values) { f.Set("address_id", "NOWHERE") }), 400, `No centre with code "NOWHERE".`},
			{"bad media_url", with(func(f url.Values) { f.Set("media_url", "javascript:alert(1)") }), 400, "media_url: Enter a web address"},
		} {
			for _, format := range []string{"json", "xml"} {
				res, body := o311Post(h, "/open311/v2/requests."+format, c.form)
				t.Run(c.name+"/"+format, func(t *testing.T) { wantO311Error(t, res, body, c.status, c.want) })
			}
		}
		if h.count("requests") != before {
			t.Error("a refused POST stored a request")
		}
		// The JSON API's headers carry a key too, for clients that prefer them.
		f := with(func(f url.Values) { f.Del("api_key") })
		res, body := o311Post(h, "/open311/v2/requests.json", f, "X-API-Key", key)
		o311Created(t, res, body)
		// Several wrong parameters: one error each.
		res, body = o311Post(h, "/open311/v2/requests.json", with(func(f url.Values) { f.Del("description"); f.Set("phone", "12") }))
		if errs := o311Errors(t, res, body); res.StatusCode != 400 || len(errs) != 2 {
			t.Errorf("two bad parameters: %d %s", res.StatusCode, body)
		}
	})
}

func TestOpen311Idempotency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		_, other := h.newAPIKey("Another app")
		res, body := o311Post(h, "/open311/v2/requests.json", o311Form(key), "Idempotency-Key", "app-42")
		first := o311Created(t, res, body)
		res, body = o311Post(h, "/open311/v2/requests.xml", o311Form(key), "Idempotency-Key", "app-42")
		again := o311Created(t, res, body)
		if again.ID != first.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry gave %s (replayed %q), first %s", again.ID, res.Header.Get("Idempotent-Replayed"), first.ID)
		}
		if n := h.count("requests WHERE channel = 'open311'"); n != 1 {
			t.Errorf("%d requests after a retry, want 1", n)
		}
		// Keys are scoped to the API key: another client's "app-42" is its own request.
		res, body = o311Post(h, "/open311/v2/requests.json", o311Form(other), "Idempotency-Key", "app-42")
		if o311Created(t, res, body).ID == first.ID {
			t.Error("another API key's Idempotency-Key returned the first key's request")
		}
		if n := h.count("requests WHERE channel = 'open311'"); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
}

func TestOpen311ListRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		// The demo requests, lodged at h.now; the DCI one is resolved.
		demo, err := h.requests.List(ctx, requests.Filter{Limit: 200})
		if err != nil || len(demo.Requests) < 5 {
			t.Fatalf("demo requests: %v", err)
		}
		byService := map[string]string{}
		var personal []string
		for _, r := range demo.Requests {
			byService[r.ServiceCode] = r.Reference
			personal = append(personal, r.Citizen.Name, r.Citizen.Phone, strings.TrimPrefix(r.Citizen.Phone, "+254"))
			if r.Citizen.Email != "" {
				personal = append(personal, r.Citizen.Email)
			}
			if r.Citizen.IDNumber != "" {
				personal = append(personal, r.Citizen.IDNumber)
			}
		}
		personal = append(personal, "Wanjiku", "0711 000 303", "Amina", "Odhiambo", "0712 345 678")
		// One request lodged 120 days ago (outside the default window), one 30 days ago: in that
		// order, as the clock only moves forward (the rate limiter counts on it).
		now := h.now
		lodge := func(at time.Time, code string) string {
			h.now = at
			defer func() { h.now = now }()
			f := o311Form(key)
			f.Set("service_code", code)
			res, body := o311Post(h, "/open311/v2/requests.json", f)
			return o311Created(t, res, body).ID
		}
		old := lodge(now.AddDate(0, 0, -120), "KKG-ICT-07")
		month := lodge(now.AddDate(0, 0, -30), "KKG-ICT-07")

		ids := func(path string) []string {
			t.Helper()
			var list []o311RequestDoc
			var body string
			if strings.Contains(path, ".xml") {
				var x o311RequestsXML
				body = o311Get(t, h, path, http.StatusOK, &x)
				list = x.Requests
			} else {
				body = o311Get(t, h, path, http.StatusOK, &list)
			}
			for _, p := range personal {
				if p != "" && strings.Contains(body, p) {
					t.Errorf("%s shows personal data %q", path, p)
				}
			}
			var out []string
			for _, r := range list {
				out = append(out, r.ID)
			}
			slices.Sort(out)
			return out
		}
		want := func(refs ...string) []string { slices.Sort(refs); return refs }
		all := want(month, byService["KKG-ICT-03"], byService["KKG-ICT-07"], byService["KKG-ICT-02"], byService["DCI-01"], byService["NRB-02"])
		for _, c := range []struct {
			path string
			want []string
		}{
			{"/open311/v2/requests.json", all},
			{"/open311/v2/requests.xml?jurisdiction_id=ke", all},
			{"/open311/v2/requests.json?service_code=KKG-ICT-03,KKG-ICT-02", want(byService["KKG-ICT-03"], byService["KKG-ICT-02"])},
			{"/open311/v2/requests.json?service_code=KKG-ICT-07", want(month, byService["KKG-ICT-07"])},
			{"/open311/v2/requests.json?status=closed", want(byService["DCI-01"])},
			{"/open311/v2/requests.xml?status=open&service_code=DCI-01", nil},
			{"/open311/v2/requests.json?status=open,closed&service_code=DCI-01", want(byService["DCI-01"])},
			// 30 days ago is 2026-10-24 (12:30 in Nairobi).
			{"/open311/v2/requests.json?start_date=2026-10-24T00:00:00%2B03:00&end_date=2026-10-25T00:00:00%2B03:00", want(month)},
			{"/open311/v2/requests.json?start_date=2026-10-24&end_date=2026-10-24", want(month)},
			{"/open311/v2/requests.json?start_date=2026-10-25&end_date=2026-11-22", nil},
			{"/open311/v2/requests.json?end_date=2026-10-24", want(month)},
			// An unencoded + reads as a space: still understood.
			{"/open311/v2/requests.json?start_date=2026-07-01T00:00:00+03:00&end_date=2026-09-01T00:00:00+03:00", want(old)},
			// service_request_id overrides every other parameter, the date window included.
			{"/open311/v2/requests.json?service_request_id=" + old + "," + strings.ToLower(month) + "&status=closed", want(old, month)},
			{"/open311/v2/requests.xml?service_request_id=NONE-NONE", nil},
		} {
			if got := ids(c.path); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.path, got, c.want)
			}
		}

		// What a request shows: the status mapped to open/closed and the latest public note.
		var list []o311RequestDoc
		o311Get(t, h, "/open311/v2/requests.json?service_request_id="+byService["KKG-ICT-03"]+","+byService["DCI-01"], http.StatusOK, &list)
		for _, r := range list {
			switch r.ID {
			case byService["KKG-ICT-03"]:
				if r.Status != "open" || r.StatusNotes != "A technician is on the way." {
					t.Errorf("in-progress request: %+v", r)
				}
			case byService["DCI-01"]:
				if r.Status != "closed" || r.StatusNotes != "Fingerprints taken; collect the certificate with your reference." {
					t.Errorf("resolved request: %+v", r)
				}
			}
		}

		for _, c := range []struct{ path, want string }{
			{"/open311/v2/requests.json?status=pending", "status must be open, closed"},
			{"/open311/v2/requests.xml?start_date=yesterday", "start_date must be a W3C date-time"},
			{"/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-11-01", "at most 90 days"},
			{"/open311/v2/requests.json?start_date=2026-11-01&end_date=2026-10-01", "start_date must be before end_date"},
			{"/open311/v2/requests.xml?service_code=NOPE-01", `No service with code "NOPE-01".`},
		} {
			res, body := h.anonymous().get(c.path)
			wantO311Error(t, res, body, http.StatusBadRequest, c.want)
		}
		for _, path := range []string{"/open311/v2/requests/NONE-NONE.json", "/open311/v2/requests/NONE-NONE.xml"} {
			res, body := h.anonymous().get(path)
			wantO311Error(t, res, body, http.StatusNotFound, "No request with that reference.")
		}
	})
}

func TestOpen311Tokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		for _, path := range []string{"/open311/v2/tokens/12345.json", "/open311/v2/tokens/12345.xml"} {
			res, body := h.anonymous().get(path)
			wantO311Error(t, res, body, http.StatusNotFound, "Huduma issues no tokens")
		}
	})
}
