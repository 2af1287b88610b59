package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// A service may take anonymous reports through Open311 — no name, no phone, no e-mail, as generic
// Open311 apps send them — when its agency admin allows it on the service form. Such a request has
// no citizen and nobody is notified. Where it is not allowed, the spec's error list says which
// parameters are required.
func TestOpen311AnonymousReports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, key := h.newAPIKey("Generic Open311 app")
		anonymous := url.Values{"api_key": {key}, "service_code": {"KKG-ICT-03"}, "description": {"Street light out by the ICT block."},
			"lat": {"0.2827"}, "long": {"34.7519"}}
		before := h.count("requests")

		// Not allowed (the default): each missing parameter named, in both formats.
		for _, format := range []string{"json", "xml"} {
			res, body := o311Post(h, "/open311/v2/requests."+format, anonymous)
			wantO311Error(t, res, body, http.StatusBadRequest, "first_name or last_name: This field is required.")
			wantO311Error(t, res, body, http.StatusBadRequest, "phone: Give a phone number or an e-mail address")
		}
		if h.count("requests") != before {
			t.Fatal("an anonymous report was stored for a service that does not take them")
		}

		// The agency admin allows it on the service form (the checkbox, in both languages).
		admin := h.as("kakamega.ict")
		_, form := admin.get("/admin/services/KKG-ICT-03/edit")
		wantContains(t, html.UnescapeString(form), `name="allow_anonymous"`, "Take anonymous reports through Open311")
		_, formSw := admin.get("/admin/services/KKG-ICT-03/edit?lang=sw")
		wantContains(t, html.UnescapeString(formSw), "Pokea ripoti zisizo na jina kupitia Open311")
		sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03")
		if err != nil {
			t.Fatal(err)
		}
		audits := h.count("audit_log")
		edit := url.Values{"code": {sv.Code}, "agency": {agencyID(t, h, "KKG-ICT")}, "name": {sv.Name}, "name_sw": {sv.NameSw},
			"description": {sv.Description}, "requirements": {strings.Join(sv.Requirements, "\n")}, "cost_kind": {sv.Cost.Kind},
			"cost_text": {sv.Cost.Text}, "timeline_kind": {sv.Timeline.Kind}, "timeline": {sv.Timeline.Span},
			"timeline_text": {sv.Timeline.Text}, "channels": sv.Channels, "active": {"on"}, "allow_anonymous": {"on"}}
		res, body := admin.submit("/admin/services/KKG-ICT-03/edit", edit)
		wantStatus(t, res, body, http.StatusSeeOther)
		if sv, err = h.charters.ServiceByCode(ctx, "KKG-ICT-03"); err != nil || !sv.AllowAnonymous {
			t.Fatalf("the service does not allow anonymous reports after saving: %v", err)
		}
		if h.count("audit_log") != audits+1 {
			t.Error("allowing anonymous reports was not audited")
		}
		_, form = admin.get("/admin/services/KKG-ICT-03/edit")
		if !strings.Contains(form, `name="allow_anonymous" checked`) {
			t.Error("the checkbox is not ticked after saving")
		}

		// Now the same POST is taken: no citizen, no notification queued.
		outbox := h.count("outbox")
		res, body = o311Post(h, "/open311/v2/requests.json", anonymous)
		created := o311Created(t, res, body)
		req, err := h.requests.ByReference(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !req.Anonymous() || req.Citizen.Phone != "" || req.Citizen.Email != "" || req.Channel != "open311" {
			t.Errorf("stored: %+v", req.Citizen)
		}
		if n := h.count("outbox"); n != outbox {
			t.Errorf("%d messages queued for an anonymous request, want none", n-outbox)
		}
		// Its officer sees that it is anonymous, in words.
		_, page := h.as("kakamega.officer").get("/staff/requests/" + created.ID)
		wantContains(t, html.UnescapeString(page), "Anonymous: no name or contact given")
		// A name without a contact is taken too, and still notifies nobody.
		named := url.Values{}
		for k, v := range anonymous {
			named[k] = v
		}
		named.Set("first_name", "Juma")
		res, body = o311Post(h, "/open311/v2/requests.xml", named)
		o311Created(t, res, body)
		if n := h.count("outbox"); n != outbox {
			t.Errorf("%d messages queued for requests without a contact, want none", n-outbox)
		}
		// A contact that is given must still be a good one.
		named.Set("phone", "12345")
		res, body = o311Post(h, "/open311/v2/requests.json", named)
		wantO311Error(t, res, body, http.StatusBadRequest, "phone: Enter a Kenyan mobile number")
		// The allowance is Open311's: the JSON API still needs a name and a contact.
		_, secret := h.newAPIKey("County ERP")
		res, out := h.withKey(secret).send("POST", "/api/v1/requests", `{"service_code":"KKG-ICT-03","description":"No name."}`)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, `"name"`) || !strings.Contains(out, `"phone"`) {
			t.Errorf("JSON API without a citizen: %d %s", res.StatusCode, out)
		}
	})
}
