package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// Every address and method under /open311/v2/ that Huduma does not serve answers in the spec's
// error format — JSON unless the address ends in .xml — with 404 for an unknown address and 405
// (and Allow) for a known one asked with the wrong method: never Huduma's HTML error page or Go's
// plain text.
func TestOpen311UnservedAnswersInTheSpecFormat(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		for _, c := range []struct {
			method, path string
			status       int
			want, allow  string
		}{
			{"GET", "/open311/v2/", 404, "Nothing is served at this address", ""},
			{"GET", "/open311/v2/nothing.json", 404, "Nothing is served at this address", ""},
			{"GET", "/open311/v2/nothing.xml", 404, "Nothing is served at this address", ""},
			{"GET", "/open311/v2/nothing", 404, "Nothing is served at this address", ""},
			{"GET", "/open311/v2/services/KKG-ICT-03/more.json", 404, "Nothing is served at this address", ""},
			{"POST", "/open311/v2/nothing.xml", 404, "Nothing is served at this address", ""},
			{"POST", "/open311/v2/services.json", 405, "This address answers GET only.", "GET, HEAD"},
			{"DELETE", "/open311/v2/requests.xml", 405, "This address answers GET and POST only.", "GET, HEAD, POST"},
			{"PUT", "/open311/v2/requests/ABCD-EFGH.json", 405, "This address answers GET only.", "GET, HEAD"},
			{"POST", "/open311/v2/discovery.xml", 405, "This address answers GET only.", "GET, HEAD"},
			{"PATCH", "/open311/v2/tokens/123.json", 405, "This address answers GET only.", "GET, HEAD"},
		} {
			req, _ := http.NewRequest(c.method, h.srv.URL+c.path, strings.NewReader(""))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, body := h.anonymous().do(req)
			t.Run(c.method+" "+c.path, func(t *testing.T) {
				wantO311Error(t, res, body, c.status, c.want)
				if got := res.Header.Get("Allow"); got != c.allow {
					t.Errorf("Allow %q, want %q", got, c.allow)
				}
			})
		}
		// In Kiswahili too.
		res, body := h.anonymous().get("/open311/v2/nothing.json", "Accept-Language", "sw")
		wantO311Error(t, res, body, http.StatusNotFound, "Hakuna kinachotolewa kwenye anwani hii")
	})
}

// A description is at most 4,000 characters, as the spec has it (characters, not bytes: Kiswahili
// and English are ASCII, but a name may not be).
func TestOpen311DescriptionLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("County app")
		f := o311Form(key)
		f.Set("description", strings.Repeat("é", 4000))
		res, body := o311Post(h, "/open311/v2/requests.json", f)
		o311Created(t, res, body)
		before := h.count("requests")
		for _, format := range []string{"json", "xml"} {
			f.Set("description", strings.Repeat("a", 4001))
			res, body := o311Post(h, "/open311/v2/requests."+format, f)
			wantO311Error(t, res, body, http.StatusBadRequest, "description: Write at most 4,000 characters.")
		}
		if h.count("requests") != before {
			t.Error("a description over 4,000 characters was stored")
		}
	})
}
