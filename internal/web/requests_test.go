package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/requests"
)

var referenceOnPage = regexp.MustCompile(`class="ref">([0-9A-Z]{4}-[0-9A-Z]{4})<`)

// multipartForm builds a form as a browser sends it, with optional files.
func multipartForm(t *testing.T, fields url.Values, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("attachment", name)
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func (c *client) postMultipart(path string, fields url.Values, files map[string][]byte) (*http.Response, string) {
	c.h.t.Helper()
	ct, body := multipartForm(c.h.t, fields, files)
	req, _ := http.NewRequest(http.MethodPost, c.h.srv.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return c.do(req)
}

// pngBytes is a tiny valid PNG (1x1), for attachment tests.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// TestCitizenLodgesAndTracks follows a citizen with no account: the service's form, a mistake
// corrected, the reference, the link, tracking by reference and phone.
func TestCitizenLodgesAndTracks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		_, form := c.get("/services/KKG-ICT-03/request")
		token := csrfField.FindStringSubmatch(form)[1]
		key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(form)[1]
		wantContains(t, form, "Written Request;", "Kakamega County ICT Office")
		before := h.count("requests")

		fields := url.Values{"csrf": {token}, "idempotency_key": {key}, "centre": {"KKG-ICT-HQ"}, "name": {"Achieng Odhiambo"},
			"phone": {"07123"}, "description": {"The printer in the registry jams."}}
		res, body := c.postMultipart("/services/KKG-ICT-03/request", fields, nil)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter a Kenyan mobile number", "The printer in the registry jams.")
		if h.count("requests") != before {
			t.Fatal("a rejected form lodged a request")
		}

		fields.Set("phone", "0712 345 678")
		res, body = c.postMultipart("/services/KKG-ICT-03/request", fields, map[string][]byte{"jam.png": pngBytes})
		wantStatus(t, res, body, http.StatusCreated)
		ref := referenceOnPage.FindStringSubmatch(body)[1]
		link := regexp.MustCompile(`href="(/track/[^"]+)"`).FindStringSubmatch(html.UnescapeString(body))[1]

		// The same form sent again (a double click, a reload) is the same request.
		res, body = c.postMultipart("/services/KKG-ICT-03/request", fields, map[string][]byte{"jam.png": pngBytes})
		wantStatus(t, res, body, http.StatusCreated)
		if got := referenceOnPage.FindStringSubmatch(body)[1]; got != ref || !strings.Contains(body, "This form was sent before") {
			t.Errorf("resubmission gave %s", got)
		}
		if h.count("requests") != before+1 {
			t.Errorf("%d requests lodged, want 1", h.count("requests")-before)
		}
		r, err := h.requests.ByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := h.requests.Attachments(ctx, r.ID, false)
		if len(files) != 1 || files[0].ContentType != "image/png" {
			t.Errorf("attachments: %+v", files)
		}

		// The link in the SMS shows the request to anyone holding it, and nothing else.
		res, body = h.anonymous().get(html.UnescapeString(link))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, ref, "ICT equipment Repair", "Committed completion")
		if strings.Contains(body, "Achieng") || strings.Contains(body, "0712") {
			t.Error("the tracking page shows personal data")
		}
		res, _ = h.anonymous().get("/track/" + ref + "?key=guessed")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a guessed key: %d", res.StatusCode)
		}
		// By reference and phone.
		t2 := h.anonymous()
		_, page := t2.get("/track")
		tok := csrfField.FindStringSubmatch(page)[1]
		res, body = t2.post("/track", url.Values{"csrf": {tok}, "ref": {strings.ToLower(ref)}, "phone": {"+254712345678"}})
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, ref)
		res, body = t2.post("/track", url.Values{"csrf": {tok}, "ref": {ref}, "phone": {"0799999999"}})
		wantStatus(t, res, body, http.StatusNotFound)
		wantContains(t, body, "We could not find a request with that reference and phone number.")
	})
}

// TestOfficerWorksARequest: a counter officer opens a request for a walk-in citizen, and the
// centre works it — waiting on the citizen, a reply, assignment, resolution — all on the record.
func TestOfficerWorksARequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		officer := h.as("gpo.officer")
		_, form := officer.get("/staff/requests/new")
		key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(form)[1]
		res, body := officer.postMultipart("/staff/requests/new", url.Values{"csrf": {officer.csrf}, "idempotency_key": {key}, "service": {"NRB-02"},
			"channel": {"walk_in"}, "name": {"Ruth Chebet"}, "phone": {"0722 111 222"}, "description": {"Lost ID; has police abstract."}}, nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		ref := strings.TrimSuffix(strings.TrimPrefix(loc, "/staff/requests/"), "?notice=created")
		r, err := h.requests.ByReference(ctx, ref)
		if err != nil || r.Channel != "walk_in" || r.CentreCode != "HC-GPO" {
			t.Fatalf("lodged %+v %v", r, err)
		}

		_, inbox := officer.get("/staff/requests?q=0722111222")
		wantContains(t, inbox, ref, "Ruth Chebet")

		res, body = officer.submit("/staff/requests/"+ref+"/status", url.Values{"status": {"waiting"}, "waiting_on": {"citizen"}, "message": {"Bring a copy of your birth certificate."}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, page := officer.get("/staff/requests/" + ref)
		wantContains(t, html.UnescapeString(page), "sla-paused", "Bring a copy of your birth certificate.", "waiting on the citizen")

		res, body = officer.submit("/staff/requests/"+ref+"/status", url.Values{"status": {"resolved"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = officer.submit("/staff/requests/"+ref+"/status", url.Values{"status": {"waiting"}, "waiting_on": {"citizen"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "cannot become")

		res, body = officer.submit("/staff/requests/"+ref+"/comment", url.Values{"body": {"Your new ID is ready for collection."}, "public": {"on"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		var sms int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE request_id = $1 AND channel = 'sms'`, r.ID).Scan(&sms)
		if sms != 4 { // received, waiting, resolved, the reply
			t.Errorf("%d SMS queued for the citizen, want 4", sms)
		}

		// Another centre's officer may not see it; an auditor may, without the citizen's contacts.
		other := h.as("kakamega.officer")
		res, _ = other.get("/staff/requests/" + ref)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("another centre's officer: %d", res.StatusCode)
		}
		_, otherInbox := other.get("/staff/requests?all=1")
		if strings.Contains(otherInbox, ref) {
			t.Error("another centre's inbox lists the request")
		}
		auditor := h.as("ombudsman")
		res, page = auditor.get("/staff/requests/" + ref)
		wantStatus(t, res, page, http.StatusOK)
		if strings.Contains(page, "0722") || strings.Contains(page, "Ruth Chebet") || !strings.Contains(page, "R. C.") {
			t.Error("the auditor sees the citizen's personal data")
		}
		res, _ = auditor.submit("/staff/requests/"+ref+"/comment", url.Values{"body": {"x"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("auditor writing: %d", res.StatusCode)
		}
	})
}

func TestApprovalOnTheRequestPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		page, err := h.requests.List(ctx, requests.Filter{Query: "Communication Department"})
		if err != nil || len(page.Requests) != 1 || page.Requests[0].Approval != "pending" {
			t.Fatalf("demo website request: %+v %v", page, err)
		}
		ref := page.Requests[0].Reference
		officer := h.as("kakamega.officer")
		res, body := officer.submit("/staff/requests/"+ref+"/status", url.Values{"status": {"in_progress"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "This service needs approval before work starts.")
		res, _ = officer.submit("/staff/requests/"+ref+"/decide", url.Values{"decision": {"approve"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("an officer approving: %d", res.StatusCode)
		}
		admin := h.as("kakamega.ict")
		res, body = admin.submit("/staff/requests/"+ref+"/decide", url.Values{"decision": {"approve"}, "note": {"Cleared by Communications."}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, body = officer.get("/staff/requests/" + ref)
		wantContains(t, body, "Approved by Brian Otieno (Kakamega ICT). Cleared by Communications.")
		res, body = officer.submit("/staff/requests/"+ref+"/status", url.Values{"status": {"in_progress"}})
		wantStatus(t, res, body, http.StatusSeeOther)
	})
}

func TestRequestsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("County ERP")
		api := h.withKey(secret)
		body := `{"service_code":"KKG-ICT-03","citizen":{"name":"Finance Department","phone":"0700 123 456"},"description":"Server room UPS beeping.","subject":"UPS"}`
		res, out := api.send("POST", "/api/v1/requests", body, "Idempotency-Key", "erp-4711")
		wantStatus(t, res, out, http.StatusCreated)
		var created struct {
			Request struct {
				Reference, Status, SLA string
				ResolutionDue          string `json:"resolution_due"`
			}
			TrackingURL string `json:"tracking_url"`
		}
		json.Unmarshal([]byte(out), &created)
		if created.Request.Status != "new" || created.Request.SLA != "on_track" || created.TrackingURL == "" || created.Request.ResolutionDue == "" {
			t.Errorf("created: %s", out)
		}
		if strings.Contains(out, "0700") || strings.Contains(out, "Finance Department") {
			t.Error("the API answer carries personal data")
		}
		res, again := api.send("POST", "/api/v1/requests", body, "Idempotency-Key", "erp-4711")
		wantStatus(t, res, again, http.StatusOK)
		if res.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(again, created.Request.Reference) {
			t.Errorf("retry: %s", again)
		}
		if h.count("requests WHERE channel = 'api'") != 1 {
			t.Error("the retry lodged a second request")
		}
		for _, c := range []struct {
			body   string
			status int
			want   string
		}{
			{`{"service_code":"NOPE","citizen":{"name":"A","phone":"0712345678"},"description":"x"}`, 404, "No service with code"},
			{`{"service_code":"KKG-ICT-03","citizen":{"name":"A","phone":"0712"},"description":"x"}`, 422, "phone"},
			{`{"service_code":"KKG-ICT-03","citizen":{"name":"A","phone":"0712345678"},"description":"x","colour":"red"}`, 422, "colour"},
			{`not json`, 422, "JSON"},
		} {
			res, out := api.send("POST", "/api/v1/requests", c.body)
			if res.StatusCode != c.status || !strings.Contains(out, c.want) {
				t.Errorf("%s: %d %s", c.body, res.StatusCode, out)
			}
		}
		res, out = h.withKey("hk_notakeyatall_xxxxxxxxxxxx").send("POST", "/api/v1/requests", body)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(out, "A valid API key is required.") {
			t.Errorf("bad key: %d %s", res.StatusCode, out)
		}
		res, out = api.send("GET", "/api/v1/requests/"+created.Request.Reference, "")
		wantStatus(t, res, out, http.StatusOK)
		wantContains(t, out, `"kind": "created"`, `"reference": "`+created.Request.Reference)
		res, out = api.send("GET", "/api/v1/requests?service=KKG-ICT-03&limit=2", "")
		wantStatus(t, res, out, http.StatusOK)
		var list struct {
			Requests []struct {
				Service string `json:"service_code"`
			}
			Total int
		}
		json.Unmarshal([]byte(out), &list)
		if list.Total < 2 || len(list.Requests) != 2 || list.Requests[0].Service != "KKG-ICT-03" {
			t.Errorf("list: %s", out)
		}
		res, _ = api.send("GET", "/api/v1/requests?limit=5000", "")
		if res.StatusCode != 422 {
			t.Errorf("limit 5000: %d", res.StatusCode)
		}
	})
}

func TestWorkloadView(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		manager := h.as("gpo.manager")
		page, _ := h.requests.List(ctx, requests.Filter{CentreID: centreID(t, h, "HC-GPO"), OpenOnly: true})
		if _, err := h.requests.Assign(ctx, requests.Actor{Name: "test"}, page.Requests[0].ID, userID(t, h, "gpo.officer")); err != nil {
			t.Fatal(err)
		}
		res, body := manager.get("/staff/workload")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Peter Kamau (GPO counter officer)")
		if strings.Contains(body, "Mercy Akinyi") {
			t.Error("another centre's officer is on the GPO workload")
		}
	})
}

func userID(t *testing.T, h *harness, username string) int64 {
	t.Helper()
	var id int64
	if err := h.d.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestReadyAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.as("kakamega.ict")
		res, body := admin.submit("/admin/replies", url.Values{"title": {""}, "body": {""}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		res, body = admin.submit("/admin/replies", url.Values{"title": {"Password reset"}, "body": {"Bring your staff ID to the ICT office, ground floor."}})
		wantStatus(t, res, body, http.StatusSeeOther)
		page, _ := h.requests.List(ctx, requests.Filter{Query: "Joseph Wekesa"})
		_, body = h.as("kakamega.officer").get("/staff/requests/" + page.Requests[0].Reference)
		wantContains(t, body, "Password reset", "Bring your staff ID to the ICT office")
		_, body = h.as("narok.ict").get("/admin/replies")
		if strings.Contains(body, "Password reset") {
			t.Error("Narok sees Kakamega's ready answers")
		}
	})
}
