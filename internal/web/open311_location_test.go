package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// A coordinate that is not a finite number in range is refused at the edge, on both engines: on
// PostgreSQL a NaN used to be stored, after which GET requests.json answered 200 with an empty
// body for everyone.
func TestOpen311RefusesBadCoordinates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		before := h.count("requests")
		for _, c := range []struct{ lat, long, want string }{
			{"NaN", "34.75", "lat: Enter a latitude"},
			{"0.28", "nan", "long: Enter a longitude"},
			{"+Inf", "34.75", "lat: Enter a latitude"},
			{"0.28", "-Infinity", "long: Enter a longitude"},
			{"1e400", "34.75", "lat: Enter a latitude"},
			{"90.5", "34.75", "lat: Enter a latitude"},
			{"0.28", "-180.01", "long: Enter a longitude"},
		} {
			for _, format := range []string{"json", "xml"} {
				f := o311Form(key)
				f.Set("lat", c.lat)
				f.Set("long", c.long)
				res, body := o311Post(h, "/open311/v2/requests."+format, f)
				t.Run(c.lat+","+c.long+"/"+format, func(t *testing.T) { wantO311Error(t, res, body, http.StatusBadRequest, c.want) })
			}
		}
		if h.count("requests") != before {
			t.Error("a request with a bad coordinate was stored")
		}
		// The feed still answers, with a body.
		var list []o311RequestDoc
		o311Get(t, h, "/open311/v2/requests.json", http.StatusOK, &list)
		if len(list) == 0 {
			t.Error("the feed is empty")
		}
	})
}

// The JSON API refuses a coordinate out of range in its own error format, naming the field.
func TestAPIRefusesBadCoordinates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("County ERP")
		api := h.withKey(secret)
		before := h.count("requests")
		for _, c := range []struct{ location, field, want string }{
			{`"lat": 91, "long": 34.75`, "lat", "Enter a latitude in degrees, from -90 to 90."},
			{`"lat": -90.5, "long": 34.75`, "lat", "Enter a latitude in degrees, from -90 to 90."},
			{`"lat": 0.28, "long": 180.5`, "long", "Enter a longitude in degrees, from -180 to 180."},
			{`"lat": 0.28`, "long", "Give both latitude and longitude, in degrees."},
			{`"long": 34.75`, "lat", "Give both latitude and longitude, in degrees."},
		} {
			body := `{"service_code":"KKG-ICT-03","citizen":{"name":"Finance Department","phone":"0700 123 456"},"description":"UPS beeping.",` + c.location + `}`
			res, out := api.send("POST", "/api/v1/requests", body)
			var e struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(out), &e); err != nil || res.StatusCode != http.StatusUnprocessableEntity ||
				e.Error.Code != "invalid" || e.Error.Fields[c.field] != c.want {
				t.Errorf("%s: %d %s", c.location, res.StatusCode, out)
			}
		}
		if h.count("requests") != before {
			t.Error("a request with a bad coordinate was stored")
		}
	})
}

// The public feed shows where a request is only when its sender published it by lodging it
// through Open311; a request lodged through the JSON API (or at a counter, on the web…) was told
// to no one else, so its coordinates stay private like its description and address.
func TestOpen311FeedHidesPrivateLocations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("County ERP")
		res, out := h.withKey(secret).send("POST", "/api/v1/requests",
			`{"service_code":"KKG-ICT-03","citizen":{"name":"Finance Department","phone":"0700 123 456"},"description":"UPS beeping.","lat":0.283917,"long":34.751862}`)
		wantStatus(t, res, out, http.StatusCreated)
		var created struct{ Request struct{ Reference string } }
		if err := json.Unmarshal([]byte(out), &created); err != nil {
			t.Fatal(err)
		}
		viaAPI := created.Request.Reference
		_, key := h.newAPIKey("County app")
		res, body := o311Post(h, "/open311/v2/requests.json", o311Form(key))
		viaOpen311 := o311Created(t, res, body).ID

		for _, path := range []string{
			"/open311/v2/requests.json", "/open311/v2/requests.xml",
			"/open311/v2/requests/" + viaAPI + ".json", "/open311/v2/requests/" + viaAPI + ".xml",
			"/open311/v2/requests.json?service_request_id=" + url.QueryEscape(viaAPI+","+viaOpen311),
		} {
			res, body := h.anonymous().get(path)
			wantStatus(t, res, body, http.StatusOK)
			if strings.Contains(body, "0.283917") || strings.Contains(body, "34.751862") || strings.Contains(body, "0.28391") {
				t.Errorf("%s shows the JSON API request's coordinates:\n%.2000s", path, body)
			}
			if strings.Contains(path, viaAPI+".") {
				continue
			}
			// The Open311 one keeps what its sender published.
			if !strings.Contains(body, "0.2827") || !strings.Contains(body, "34.7519") {
				t.Errorf("%s hides the Open311 request's coordinates:\n%.2000s", path, body)
			}
		}
		var list []o311RequestDoc
		o311Get(t, h, "/open311/v2/requests/"+viaAPI+".json", http.StatusOK, &list)
		if len(list) != 1 || list[0].Lat != nil || list[0].Long != nil {
			t.Errorf("JSON API request in the feed: %+v", list)
		}
	})
}

// A NaN that PostgreSQL kept before the channels refused it is no location: the feed still
// answers, with the request and without coordinates. (SQLite stores no NaN: it keeps NULL.)
func TestOpen311FeedSurvivesAStoredNaN(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		res, body := o311Post(h, "/open311/v2/requests.json", o311Form(key))
		ref := o311Created(t, res, body).ID
		if d.Engine == db.Postgres {
			if _, err := d.ExecContext(ctx, `UPDATE requests SET latitude = 'NaN'::float8, longitude = 'Infinity'::float8 WHERE reference = $1`, ref); err != nil {
				t.Fatal(err)
			}
		} else {
			if _, err := d.ExecContext(ctx, `UPDATE requests SET latitude = 9e999, longitude = -9e999 WHERE reference = $1`, ref); err != nil {
				t.Fatal(err)
			}
		}
		for _, path := range []string{"/open311/v2/requests.json", "/open311/v2/requests/" + ref + ".json"} {
			var list []o311RequestDoc
			o311Get(t, h, path, http.StatusOK, &list)
			found := false
			for _, r := range list {
				if r.ID == ref {
					found = true
					if r.Lat != nil || r.Long != nil {
						t.Errorf("%s: a non-finite coordinate shown as %v, %v", path, *r.Lat, *r.Long)
					}
				}
			}
			if !found {
				t.Errorf("%s: the request is missing", path)
			}
		}
	})
}
