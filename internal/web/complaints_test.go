package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
)

var (
	complaintRef  = regexp.MustCompile(`class="ref">(C-[0-9A-Z]{4}-[0-9A-Z]{4})<`)
	complaintLink = regexp.MustCompile(`href="(/complaints/C-[^"]+\?key=[^"]+)"`)
	formKey       = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)
)

// lodgeComplaint fills the public form as a citizen would and returns the page.
func lodgeComplaint(t *testing.T, c *client, fields url.Values) (*http.Response, string) {
	t.Helper()
	_, form := c.get("/complaints/new?centre=HC-GPO")
	fields.Set("csrf", csrfField.FindStringSubmatch(form)[1])
	if fields.Get("idempotency_key") == "" {
		fields.Set("idempotency_key", formKey.FindStringSubmatch(form)[1])
	}
	return c.post("/complaints/new", fields)
}

// TestComplaintOnTheWebAndInTheStaffScreens: a complaint with no way to answer it is re-shown with
// a clear message and nothing written; sent again correctly it is lodged once, followed by its link
// (a wrong key is a 404) or by phone; the centre manager cannot close it before answering, answers
// it, and the complainant reads the action taken.
func TestComplaintOnTheWebAndInTheStaffScreens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		citizen := h.anonymous()
		_, form := citizen.get("/complaints/new?centre=HC-GPO")
		wantContains(t, form, `value="HC-GPO" selected`, "Request for a bribe")
		key := formKey.FindStringSubmatch(form)[1]
		messages := h.count("outbox") // the demo requests' own
		fields := url.Values{"idempotency_key": {key}, "kind": {"complaint"}, "centre": {"HC-GPO"}, "category": {"delay"},
			"description": {"I waited four hours for my certificate of good conduct."}, "name": {"Otieno Were"}}
		res, body := lodgeComplaint(t, citizen, fields)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Give a phone number or an e-mail address so that we can tell you what was done.", "I waited four hours")
		if n := h.count("complaints") + h.count("outbox") - messages; n != 0 {
			t.Fatalf("a refused complaint wrote %d rows", n)
		}

		fields.Set("phone", "0722 000 111")
		res, body = lodgeComplaint(t, citizen, fields)
		wantStatus(t, res, body, http.StatusCreated)
		ref := complaintRef.FindStringSubmatch(body)[1]
		link := html.UnescapeString(complaintLink.FindStringSubmatch(body)[1])
		res, again := lodgeComplaint(t, citizen, fields) // a reload of the answer
		wantStatus(t, res, again, http.StatusCreated)
		if complaintRef.FindStringSubmatch(again)[1] != ref || html.UnescapeString(complaintLink.FindStringSubmatch(again)[1]) != link ||
			!strings.Contains(again, "This form was sent before") {
			t.Errorf("the same form sent twice: %s, want %s and the same link", complaintRef.FindStringSubmatch(again)[1], ref)
		}
		if h.count("complaints") != 1 {
			t.Errorf("%d complaints stored, want 1", h.count("complaints"))
		}

		res, page := h.anonymous().get(link)
		wantStatus(t, res, page, http.StatusOK)
		wantContains(t, page, ref, "Delay", "To be answered by")
		res, _ = h.anonymous().get(strings.Replace(link, "key=", "key=x", 1))
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong key: %d, want 404", res.StatusCode)
		}
		other := h.anonymous()
		_, lookup := other.get("/complaints/" + ref)
		token := csrfField.FindStringSubmatch(lookup)[1]
		res, _ = other.post("/complaints/"+ref, url.Values{"csrf": {token}, "contact": {"0799 999 999"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a wrong phone number: %d, want 404", res.StatusCode)
		}
		res, page = other.post("/complaints/"+ref, url.Values{"csrf": {token}, "contact": {"+254722000111"}})
		wantStatus(t, res, page, http.StatusOK)
		wantContains(t, page, ref)

		manager := h.as("gpo.manager")
		_, inbox := manager.get("/staff/complaints")
		wantContains(t, inbox, ref)
		res, body = manager.submit("/staff/complaints/"+ref+"/close", nil)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "A complaint cannot be closed until the complainant has been told the action taken")
		res, body = manager.submit("/staff/complaints/"+ref+"/answer", url.Values{"action": {""}, "told_via": {"sms"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Say what was done about the complaint.")
		res, body = manager.submit("/staff/complaints/"+ref+"/answer", url.Values{"action": {"A second counter now issues certificates."}, "told_via": {"sms"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		_, page = h.anonymous().get(link)
		wantContains(t, page, "A second counter now issues certificates.", `action="/complaints/`+ref+`/reopen"`)
		var sms int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND recipient = '+254722000111' AND body LIKE '%second counter%'`).Scan(&sms)
		if sms != 1 {
			t.Errorf("%d SMS with the action taken, want 1", sms)
		}
		res, body = manager.submit("/staff/complaints/"+ref+"/close", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
	})
}

// TestComplaintScope: a bribe report is for the integrity officer alone — not the centre manager,
// not the secretariat, not the Ombudsman's auditor, not through the API; officers lodge complaints
// but do not read them; a compliment reaches the officer it names, on the staff home.
func TestComplaintScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		res, body := lodgeComplaint(t, h.anonymous(), url.Values{"kind": {"complaint"}, "centre": {"HC-GPO"}, "category": {"bribe"},
			"anonymous": {"on"}, "phone": {"0722 000 111"}, "description": {"The guard asked for 500 shillings to let me in first."}})
		wantStatus(t, res, body, http.StatusCreated)
		wantContains(t, body, "this link is the only way")
		bribe := complaintRef.FindStringSubmatch(body)[1]
		res, body = lodgeComplaint(t, h.anonymous(), url.Values{"kind": {"complaint"}, "centre": {"HC-GPO"}, "category": {"facilities"},
			"email": {"w@example.com"}, "description": {"No water in the washrooms."}})
		wantStatus(t, res, body, http.StatusCreated)
		plain := complaintRef.FindStringSubmatch(body)[1]

		for user, want := range map[string]map[string]int{
			"integrity":    {bribe: 200, plain: 200},
			"gpo.manager":  {bribe: 404, plain: 200},
			"admin":        {bribe: 404, plain: 200},
			"ombudsman":    {bribe: 404, plain: 200},
			"kakamega.ict": {bribe: 404, plain: 404},
			"gpo.officer":  {bribe: 403, plain: 403},
		} {
			c := h.as(user)
			for ref, status := range want {
				if res, _ := c.get("/staff/complaints/" + ref); res.StatusCode != status {
					t.Errorf("%s opening %s: %d, want %d", user, ref, res.StatusCode, status)
				}
			}
			if res, inbox := c.get("/staff/complaints"); res.StatusCode == http.StatusOK && strings.Contains(inbox, bribe) != (want[bribe] == 200) {
				t.Errorf("%s's inbox lists the bribe report: %v", user, strings.Contains(inbox, bribe))
			}
		}
		// The auditor reads but does not act, and sees no contact details.
		ombudsman := h.as("ombudsman")
		_, page := ombudsman.get("/staff/complaints/" + plain)
		if strings.Contains(page, "w@example.com") || strings.Contains(page, "/answer") {
			t.Error("the auditor sees the contact or the answer form")
		}
		res, _ = ombudsman.submit("/staff/complaints/"+plain+"/answer", url.Values{"action": {"x"}, "told_via": {"email"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("the auditor answering: %d, want 403", res.StatusCode)
		}
		// The integrity officer answers the anonymous report on its tracking page only, and refers it.
		integrity := h.as("integrity")
		res, body = integrity.submit("/staff/complaints/"+bribe+"/refer", url.Values{"body": {"eacc"}, "their_reference": {"EACC/2026/88"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = integrity.submit("/staff/complaints/"+bribe+"/answer", url.Values{"action": {"Referred to EACC."}, "told_via": {"sms"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "An anonymous complainant can only be told through their tracking page.")

		// An officer lodges a compliment naming a colleague; it reaches that colleague's home page.
		officer := h.as("gpo.officer")
		_, form := officer.get("/staff/complaints/new?kind=compliment")
		var colleague int64
		d.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'gpo.manager'`).Scan(&colleague)
		res, body = officer.submit("/staff/complaints/new", url.Values{"idempotency_key": {formKey.FindStringSubmatch(form)[1]}, "kind": {"compliment"},
			"channel": {"counter"}, "officer": {strconv.FormatInt(colleague, 10)}, "description": {"Grace sorted out my lost ID in ten minutes."}})
		wantStatus(t, res, body, http.StatusCreated)
		_, home := h.as("gpo.manager").get("/staff")
		wantContains(t, home, "Compliments for you", "Grace sorted out my lost ID in ten minutes.", `href="/staff/complaints"`)
		if _, home := officer.get("/staff"); strings.Contains(home, "Compliments for you") {
			t.Error("the compliment shows on the wrong officer's home")
		}
	})
}

// TestComplaintsAPI: lodging with a key, a retry with the same Idempotency-Key, clear refusals,
// and following by reference with nothing personal in the answer.
func TestComplaintsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, secret := h.newAPIKey("Call centre")
		api := h.withKey(secret)
		messages := h.count("outbox") // the demo requests' own
		res, out := api.send("POST", "/api/v1/complaints", `{"category":"delay","centre_code":"HC-GPO","description":"Waited all day."}`)
		wantStatus(t, res, out, http.StatusUnprocessableEntity)
		wantContains(t, out, `"phone": "Give a phone number or an e-mail address`)
		body := `{"category":"wrong_information","channel":"phone","centre_code":"HC-GPO","description":"Told the wrong fee.",
			"contact":{"name":"Mary","phone":"0711 222 333"}}`
		res, out = api.send("POST", "/api/v1/complaints", body, "Idempotency-Key", "call-77")
		wantStatus(t, res, out, http.StatusCreated)
		wantContains(t, out, `"status": "new"`, `"tracking_url": "https://huduma.test/complaints/C-`, `"due_at"`)
		ref := regexp.MustCompile(`"reference": "(C-[^"]+)"`).FindStringSubmatch(out)[1]
		res, again := api.send("POST", "/api/v1/complaints", body, "Idempotency-Key", "call-77")
		wantStatus(t, res, again, http.StatusOK)
		if res.Header.Get("Idempotent-Replayed") != "true" || !strings.Contains(again, ref) || strings.Contains(again, "tracking_url") {
			t.Errorf("a retry: %s", again)
		}
		if h.count("complaints") != 1 || h.count("outbox")-messages != 2 { // the caller's SMS, the manager's e-mail
			t.Errorf("%d complaints, %d messages after a retry; want 1 and 2", h.count("complaints"), h.count("outbox")-messages)
		}
		res, out = api.send("GET", "/api/v1/complaints/"+strings.ToLower(ref), "")
		wantStatus(t, res, out, http.StatusOK)
		wantContains(t, out, `"kind": "complaint"`, `"channel": "phone"`, `"events"`)
		if strings.Contains(out, "0711") || strings.Contains(out, "+254") || strings.Contains(out, "Mary") {
			t.Errorf("personal data in the API's answer: %s", out)
		}
		res, out = api.send("POST", "/api/v1/complaints", `{"category":"bribe","anonymous":true,"centre_code":"HC-GPO","description":"Asked for money."}`)
		wantStatus(t, res, out, http.StatusCreated)
		bribe := regexp.MustCompile(`"reference": "(C-[^"]+)"`).FindStringSubmatch(out)[1]
		if res, _ := api.send("GET", "/api/v1/complaints/"+bribe, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("a bribe report through the API: %d, want 404", res.StatusCode)
		}
		if res, _ := api.send("GET", "/api/v1/complaints/C-ZZZZ-ZZZZ", ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown reference: %d", res.StatusCode)
		}
		if res, _ := h.withKey("hk_wrong").send("POST", "/api/v1/complaints", body); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a wrong key: %d", res.StatusCode)
		}
		if res, out := api.send("POST", "/api/v1/complaints", `{"category":"delay","centre_code":"HC-GPO","surprise":1}`); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an unknown field: %d %s", res.StatusCode, out)
		}
	})
}

// TestComplainantAnsweredAndReopensInBrowser: in Chromium, a citizen lodges a complaint on the
// web; the centre manager answers it in the staff screen; the citizen reads the action taken on
// the tracking page and, not satisfied, reopens it with a reason.
func TestComplainantAnsweredAndReopensInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	browser := browsertest.NewWithSize(t, 1280, 900)
	b, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	fail := func(err error) {
		t.Helper()
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	type css = chromedp.CSS
	err := chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/complaints/new?centre=HC-GPO"),
		chromedp.WaitVisible(css("#description")),
		chromedp.SetValue(css("#category"), "staff_conduct"),
		chromedp.SendKeys(css("#description"), "The officer at counter 4 was rude and sent me away."),
		chromedp.SendKeys(css("#phone"), "0722 000 111"),
		chromedp.Submit(css("#description")),
		chromedp.WaitVisible(css("#tracking-link")),
	)
	if err != nil {
		fail(err)
	}
	ref, _ := chromedp.Run(b, chromedp.Text(css(".ref")))
	if err := chromedp.Do(b, chromedp.Click(css("#tracking-link")), chromedp.WaitVisible(css("#complaint-status"))); err != nil {
		fail(err)
	}
	trackURL, _ := chromedp.Run(b, chromedp.Location())
	if !strings.HasPrefix(ref, "C-") || !strings.Contains(trackURL, "key=") {
		t.Fatalf("reference %q, tracking page %q", ref, trackURL)
	}
	// The centre manager signs in and answers it in the staff screen.
	err = chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/signin?next=/staff/complaints"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "gpo.manager"),
		chromedp.SendKeys(css("#password"), demo.DemoPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(`a[href="/staff/complaints/`+ref+`"]`)),
		chromedp.Click(css(`a[href="/staff/complaints/`+ref+`"]`)),
		chromedp.WaitVisible(css("#action")),
		chromedp.SendKeys(css("#action"), "We spoke to the officer, who has apologised; he has been moved off the front counter."),
		chromedp.SetValue(css("#told_via"), "sms"),
		chromedp.Submit(css("#action")),
		chromedp.WaitNotPresent(css("#answer-form")),
	)
	if err != nil {
		fail(err)
	}
	if status, _ := chromedp.Run(b, chromedp.Text(css("#complaint-status"))); !strings.Contains(strings.ToLower(status), "answered") {
		t.Errorf("the staff screen says %q after answering", status)
	}
	// The citizen reads the action taken and, not satisfied, reopens it.
	err = chromedp.Do(b,
		chromedp.Navigate(trackURL),
		chromedp.WaitVisible(css("#action-taken")),
	)
	if err != nil {
		fail(err)
	}
	action, _ := chromedp.Run(b, chromedp.Text(css("#action-taken")))
	err = chromedp.Do(b,
		chromedp.SendKeys(css("#reason"), "He was at the front counter again today."),
		chromedp.Click(css("#reopen")),
		chromedp.WaitNotPresent(css("#reopen")),
	)
	if err != nil {
		fail(err)
	}
	status, _ := chromedp.Run(b, chromedp.Text(css("#complaint-status")))
	if !strings.Contains(action, "moved off the front counter") || !strings.Contains(strings.ToLower(status), "reopened") {
		t.Errorf("the tracking page showed the action %q and then the status %q", action, status)
	}
	var dbStatus string
	var reopens int
	if err := h.d.QueryRowContext(ctx, `SELECT status, reopen_count FROM complaints WHERE reference = $1`, ref).Scan(&dbStatus, &reopens); err != nil {
		t.Fatal(err)
	}
	if dbStatus != "reopened" || reopens != 1 {
		t.Errorf("stored %s, %d reopenings", dbStatus, reopens)
	}
}
