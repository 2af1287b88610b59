package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// Every JSON answer of every Open311 endpoint — successes and errors — validates against the
// GeoReport v2 schemas the Open311 project publishes (testdata/open311, ORIGIN.md says whence).
func TestOpen311ResponsesMatchTheSchemas(t *testing.T) {
	schemas := loadSchemas(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		sv.Fields = []charter.Field{{Code: "asset_tag", Label: "Asset tag", Required: true}, {Code: "floor", Label: "Floor"}}
		if _, err := h.charters.SaveService(ctx, audit.System, sv); err != nil {
			t.Fatal(err)
		}
		check := func(method, path string, form url.Values, schema string, status int) string {
			t.Helper()
			var res *http.Response
			var body string
			if method == http.MethodPost {
				res, body = o311Post(h, path, form)
			} else {
				req, _ := http.NewRequest(method, h.srv.URL+path, nil)
				res, body = h.anonymous().do(req)
			}
			wantStatus(t, res, body, status)
			for _, problem := range schemas.validate(t, schema, body) {
				t.Errorf("%s %s against %s: %s", method, path, schema, problem)
			}
			return body
		}

		// Lodged through Open311 with a picture and the longest description the spec allows;
		// one through the JSON API with a place (which the feed does not publish).
		f := o311Form(key)
		f.Set("attribute[asset_tag]", "KKG/ICT/0777")
		f.Set("media_url", "https://img.example.org/screen.jpg?size=large")
		f.Set("description", strings.Repeat("Skrini imevunjika. ", 250)[:3999]+"é")
		body := check(http.MethodPost, "/open311/v2/requests.json", f, "post-response.json", http.StatusOK)
		var created []struct {
			ID string `json:"service_request_id"`
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || len(created) != 1 {
			t.Fatalf("POST answer: %s", body)
		}
		_, secret := h.newAPIKey("County ERP")
		res, out := h.withKey(secret).send("POST", "/api/v1/requests",
			`{"service_code":"KKG-ICT-02","citizen":{"name":"Finance","phone":"0700 123 456"},"description":"UPS beeping.","lat":0.28,"long":34.75}`)
		wantStatus(t, res, out, http.StatusCreated)

		check(http.MethodGet, "/open311/v2/discovery.json", nil, "discovery.json", http.StatusOK)
		check(http.MethodGet, "/open311/v2/services.json", nil, "services.json", http.StatusOK)
		check(http.MethodGet, "/open311/v2/services/KKG-ICT-03.json", nil, "service-definition.json", http.StatusOK)
		check(http.MethodGet, "/open311/v2/services/KKG-ICT-02.json", nil, "service-definition.json", http.StatusOK)
		feed := check(http.MethodGet, "/open311/v2/requests.json", nil, "requests.json", http.StatusOK)
		if !strings.Contains(feed, created[0].ID) || !strings.Contains(feed, `"media_url": null`) {
			t.Errorf("the feed lacks the new request, or a request without media: %.1500s", feed)
		}
		check(http.MethodGet, "/open311/v2/requests.json?status=closed", nil, "requests.json", http.StatusOK)
		one := check(http.MethodGet, "/open311/v2/requests/"+created[0].ID+".json", nil, "requests.json", http.StatusOK)
		if !strings.Contains(one, `"media_url": "https://img.example.org/screen.jpg?size=large"`) {
			t.Errorf("media_url is not what the client sent: %.600s", one)
		}

		// Errors: each a list of {code, description}.
		bad := o311Form(key)
		bad.Del("description")
		check(http.MethodPost, "/open311/v2/requests.json", bad, "errors.json", http.StatusBadRequest)
		check(http.MethodPost, "/open311/v2/requests.json", url.Values{}, "errors.json", http.StatusForbidden)
		check(http.MethodGet, "/open311/v2/requests.json?status=pending", nil, "errors.json", http.StatusBadRequest)
		check(http.MethodGet, "/open311/v2/requests/NONE-NONE.json", nil, "errors.json", http.StatusNotFound)
		check(http.MethodGet, "/open311/v2/services/NOPE-01.json", nil, "errors.json", http.StatusNotFound)
		check(http.MethodGet, "/open311/v2/tokens/123.json", nil, "errors.json", http.StatusNotFound)
		check(http.MethodGet, "/open311/v2/services/KKG-ICT-03.csv", nil, "errors.json", http.StatusNotFound)
		check(http.MethodGet, "/open311/v2/nothing", nil, "errors.json", http.StatusNotFound)
		check(http.MethodDelete, "/open311/v2/requests.json", nil, "errors.json", http.StatusMethodNotAllowed)
	})
}

// The validator must catch what the schemas forbid, or the test above proves nothing.
func TestSchemaValidatorCatchesViolations(t *testing.T) {
	schemas := loadSchemas(t)
	good := `[{"service_request_id":"A","status":"open","service_code":"X","requested_datetime":"2026-11-23T12:30:00+03:00",` +
		`"lat":0.5,"long":null,"media_url":"https://x.example/a.jpg","description":"` + strings.Repeat("é", 4000) + `"}]`
	if problems := schemas.validate(t, "requests.json", good); len(problems) > 0 {
		t.Fatalf("a valid document is refused: %v", problems)
	}
	for _, c := range []struct{ schema, doc, want string }{
		{"requests.json", `{}`, "want array"},
		{"requests.json", `[{"status":"open","service_code":"X","requested_datetime":"2026-11-23T12:30:00Z"}]`, "service_request_id is required"},
		{"requests.json", `[{"service_request_id":"A","status":"pending","service_code":"X","requested_datetime":"2026-11-23T12:30:00Z"}]`, "not one of"},
		{"requests.json", `[{"service_request_id":"A","status":"open","service_code":"X","requested_datetime":"23/11/2026"}]`, "not a date-time"},
		{"requests.json", `[{"service_request_id":"A","status":"open","service_code":"X","requested_datetime":"2026-11-23T12:30:00Z","media_url":""}]`, "media_url"},
		{"requests.json", `[{"service_request_id":"A","status":"open","service_code":"X","requested_datetime":"2026-11-23T12:30:00Z","lat":"0.5"}]`, "lat"},
		{"requests.json", `[{"service_request_id":"A","status":"open","service_code":"X","requested_datetime":"2026-11-23T12:30:00Z","description":"` +
			strings.Repeat("a", 4001) + `"}]`, "description"},
		{"service-definition.json", `{"service_code":"X","attributes":[{"variable":true,"code":"a","datatype":"string","required":true,"order":1.5}]}`, "order"},
		{"errors.json", `[{"code":"400","description":"x"}]`, "want integer"},
		{"services.json", `[{"service_code":"X","service_name":"Y","metadata":"no","type":"realtime"}]`, "want boolean"},
	} {
		problems := schemas.validate(t, c.schema, c.doc)
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }) {
			t.Errorf("%s: %.120s: problems %v, want one mentioning %q", c.schema, c.doc, problems, c.want)
		}
	}
}

// schemaSet is the schemas of testdata/open311 by file name, and a validator for the keywords
// they use (JSON Schema draft 4 semantics: a keyword that does not apply to the value's type is
// ignored). A keyword it does not know fails the test rather than being skipped.
type schemaSet map[string]map[string]any

func loadSchemas(t *testing.T) schemaSet {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "open311", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas: %v", err)
	}
	set := schemaSet{}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s map[string]any
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set[filepath.Base(name)] = s
	}
	return set
}

func (set schemaSet) validate(t *testing.T, file, doc string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber() // to tell an integer from a number
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	schema, ok := set[file]
	if !ok {
		t.Fatalf("no schema %s", file)
	}
	var problems []string
	set.check(t, v, schema, "$", &problems)
	return problems
}

func (set schemaSet) check(t *testing.T, v any, schema map[string]any, at string, problems *[]string) {
	t.Helper()
	fail := func(format string, args ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, args...)) }
	for kw, arg := range schema {
		switch kw {
		case "description", "uniqueItems": // no constraint ("uniqueItems": false in every schema)
			if kw == "uniqueItems" && arg != false {
				t.Fatalf("uniqueItems %v is not supported", arg)
			}
		case "$ref":
			ref, _ := arg.(string)
			target, ok := set[ref]
			if !ok {
				t.Fatalf("%s: $ref %q: no such schema", at, ref)
			}
			set.check(t, v, target, at, problems)
		case "anyOf":
			var all []string
			matched := false
			for _, alt := range arg.([]any) {
				var p []string
				set.check(t, v, alt.(map[string]any), at, &p)
				if len(p) == 0 {
					matched = true
					break
				}
				all = append(all, p...)
			}
			if !matched {
				fail("matches none of anyOf: %s", strings.Join(all, "; "))
			}
		case "type":
			if want := arg.(string); !hasType(v, want) {
				fail("%s, want %s", typeName(v), want)
			}
		case "enum":
			if !slices.ContainsFunc(arg.([]any), func(e any) bool { return reflect.DeepEqual(e, v) }) {
				fail("%v is not one of %v", v, arg)
			}
		case "required":
			if obj, ok := v.(map[string]any); ok {
				for _, name := range arg.([]any) {
					if _, ok := obj[name.(string)]; !ok {
						fail("%s is required", name)
					}
				}
			}
		case "properties":
			if obj, ok := v.(map[string]any); ok {
				for name, sub := range arg.(map[string]any) {
					if pv, ok := obj[name]; ok {
						set.check(t, pv, sub.(map[string]any), at+"."+name, problems)
					}
				}
			}
		case "items":
			if list, ok := v.([]any); ok {
				for i, item := range list {
					set.check(t, item, arg.(map[string]any), fmt.Sprintf("%s[%d]", at, i), problems)
				}
			}
		case "minItems":
			if list, ok := v.([]any); ok && float64(len(list)) < arg.(float64) {
				fail("%d items, want at least %v", len(list), arg)
			}
		case "maxLength":
			if s, ok := v.(string); ok && float64(utf8.RuneCountInString(s)) > arg.(float64) {
				fail("%d characters, at most %v allowed", utf8.RuneCountInString(s), arg)
			}
		case "format":
			s, ok := v.(string)
			if !ok {
				break
			}
			switch arg {
			case "date-time":
				if _, err := time.Parse(time.RFC3339, s); err != nil {
					fail("%q is not a date-time", s)
				}
			case "uri":
				if u, err := url.Parse(s); err != nil || !u.IsAbs() {
					fail("%q is not a URI", s)
				}
			default:
				t.Fatalf("format %v is not supported", arg)
			}
		default:
			t.Fatalf("%s: keyword %q is not supported by the test's validator", at, kw)
		}
	}
}

func hasType(v any, want string) bool {
	switch want {
	case "integer":
		n, ok := v.(json.Number)
		return ok && !bytes.ContainsAny([]byte(n), ".eE")
	case "number":
		_, ok := v.(json.Number)
		return ok
	}
	return typeName(v) == want
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
