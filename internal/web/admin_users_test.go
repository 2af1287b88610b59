package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/web"
)

// passwordLink finds the one-time link in the newest outbox message to recipient.
var passwordLinkPattern = regexp.MustCompile(`/password\?t=([A-Za-z0-9_-]+)`)

func (h *harness) lastMessage(recipient string) (channel, subject, body string) {
	h.t.Helper()
	if err := h.d.QueryRowContext(ctx, `SELECT channel, subject, body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1`, recipient).
		Scan(&channel, &subject, &body); err != nil {
		h.t.Fatalf("no message to %s: %v", recipient, err)
	}
	return channel, subject, body
}

func (h *harness) linkTo(recipient string) string {
	h.t.Helper()
	_, _, body := h.lastMessage(recipient)
	m := passwordLinkPattern.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no password link in the message to %s: %q", recipient, body)
	}
	return m[1]
}

func (h *harness) countWhere(query string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.d.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// signIn signs in through the form with a password; it reports the status of the attempt.
func (h *harness) signIn(username, password string) (*client, int) {
	c := h.anonymous()
	_, form := c.get("/signin")
	token := csrfField.FindStringSubmatch(form)[1]
	res, _ := c.post("/signin", url.Values{"csrf": {token}, "username": {username}, "password": {password}})
	if res.StatusCode == http.StatusSeeOther {
		_, body := c.get("/staff")
		if m := csrfField.FindStringSubmatch(body); m != nil {
			c.csrf = m[1]
		}
	}
	return c, res.StatusCode
}

// publicForm is a public form's token for an anonymous client.
func publicForm(c *client, path string) string {
	_, body := c.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestInvitationSetsThePassword: an admin adds an account; the invitation (in the staff member's
// language) carries a one-time link; the new person chooses a password and signs in with it; the
// link then works no more, and nobody else ever knew the password.
func TestInvitationSetsThePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		admin := h.as("admin")
		res, body := admin.get("/admin/users/new")
		wantStatus(t, res, body, http.StatusOK)
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("staff form Cache-Control %q, want no-store", res.Header.Get("Cache-Control"))
		}
		gpo := centreID(t, h, "HC-GPO")
		form := url.Values{"username": {"Wanjiku.O"}, "name": {"Wanjiku Otieno"}, "email": {"wanjiku@huduma.example"}, "phone": {"0712 345 678"},
			"language": {"sw"}, "role": {"officer"}, "centre": {fmt.Sprint(gpo)}}
		// Missing name: nothing written, what was typed is kept.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("name", "")
		users, outbox := h.count("users"), h.count("outbox")
		res, body = admin.submit("/admin/users/new", bad)
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "This field is required.", `value="wanjiku@huduma.example"`)
		if h.count("users") != users || h.count("outbox") != outbox {
			t.Error("a refused account was written")
		}
		res, body = admin.submit("/admin/users/new", form)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/admin/users/wanjiku.o?notice=invited" {
			t.Fatalf("after adding: Location %q", loc)
		}
		st, err := h.users.StaffByUsername(ctx, "wanjiku.o")
		if err != nil || !st.Invited || st.Phone != "+254712345678" || st.Language != "sw" {
			t.Fatalf("stored account %+v (%v)", st, err)
		}
		// Submitting the same form again (a double click) adds and sends nothing more; another
		// person under the same username is refused.
		res, body = admin.submit("/admin/users/new", form)
		wantStatus(t, res, body, http.StatusSeeOther)
		if h.count("users") != users+1 || h.count("outbox") != outbox+1 {
			t.Errorf("the repeated form added %d accounts and %d messages", h.count("users")-users, h.count("outbox")-outbox)
		}
		other := url.Values{}
		for k, v := range form {
			other[k] = v
		}
		other.Set("name", "Wanjiku Kamau")
		res, body = admin.submit("/admin/users/new", other)
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "That username is taken.", `value="Wanjiku Kamau"`)

		channel, subject, msg := h.lastMessage("wanjiku@huduma.example")
		if channel != "email" || !strings.Contains(subject, "akaunti yako") || !strings.Contains(msg, "Weka nenosiri lako ndani ya saa 72") {
			t.Errorf("the invitation is not in Kiswahili by e-mail: %s %q %q", channel, subject, msg)
		}
		token := h.linkTo("wanjiku@huduma.example")
		if !strings.Contains(msg, "https://huduma.test/password?t=") {
			t.Errorf("the link does not start with the public address: %q", msg)
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM password_tokens WHERE token_hash = $1`, token); n != 0 {
			t.Error("the invitation token is stored in clear")
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = 'wanjiku.o' AND action IN ('create', 'password_link')`); n != 2 {
			t.Errorf("%d audit records of the invitation, want 2", n)
		}
		// The address was mistyped: correcting it ends the link sent there and invites again.
		fix := url.Values{}
		for k, v := range form {
			fix[k] = v
		}
		fix.Set("email", "wanjiku.otieno@huduma.example")
		res, body = admin.submit("/admin/users/wanjiku.o", fix)
		wantStatus(t, res, body, http.StatusSeeOther)
		res, body = h.anonymous().get("/password?t=" + token)
		wantStatus(t, res, body, http.StatusGone)
		token = h.linkTo("wanjiku.otieno@huduma.example")
		// Not yet usable: an invited account has no password anyone could guess or know.
		if _, status := h.signIn("wanjiku.o", ""); status != http.StatusUnauthorized {
			t.Errorf("invited account signed in with an empty password: %d", status)
		}

		// The link, opened by the new officer.
		newcomer := h.anonymous()
		res, body = newcomer.get("/password?t=" + token)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Welcome to Huduma", "wanjiku.o")
		csrf := csrfField.FindStringSubmatch(body)[1]
		res, body = newcomer.post("/password", url.Values{"csrf": {csrf}, "t": {token}, "password": {"mvua ya masika 2026"}, "confirm": {"mvua ya masika"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "The two passwords are not the same.")
		res, body = newcomer.post("/password", url.Values{"csrf": {csrf}, "t": {token}, "password": {"mvua ya masika 2026"}, "confirm": {"mvua ya masika 2026"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if _, status := h.signIn("wanjiku.o", "mvua ya masika 2026"); status != http.StatusSeeOther {
			t.Errorf("the new password does not sign in: %d", status)
		}
		// Used: the same link no longer works, and says so in both languages.
		res, body = h.anonymous().get("/password?t=" + token)
		wantStatus(t, res, body, http.StatusGone)
		wantContains(t, body, "This link has already been used.")
		res, body = h.anonymous().get("/password?t="+token, "Accept-Language", "sw")
		wantStatus(t, res, body, http.StatusGone)
		wantContains(t, body, "Kiungo hiki kimeshatumika.")
		res, body = newcomer.post("/password", url.Values{"csrf": {csrf}, "t": {token}, "password": {"another password"}, "confirm": {"another password"}})
		wantStatus(t, res, body, http.StatusGone)
		if _, status := h.signIn("wanjiku.o", "another password"); status == http.StatusSeeOther {
			t.Error("a used link set the password a second time")
		}
		res, body = h.anonymous().get("/password?t=forged")
		wantStatus(t, res, body, http.StatusNotFound)

		// An administrator's reset link expires after 72 hours.
		res, body = admin.submit("/admin/users/wanjiku.o/reset", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		reset := h.linkTo("wanjiku.otieno@huduma.example")
		h.now = h.now.Add(72*time.Hour + time.Minute)
		res, body = h.anonymous().get("/password?t=" + reset)
		wantStatus(t, res, body, http.StatusGone)
		wantContains(t, body, "This link has expired.")
	})
}

// TestStaffScope: each administrator manages only the accounts in their care, cannot grant
// above their own role or outside their scope, and a refusal writes nothing.
func TestStaffScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		kakamega := h.as("kakamega.ict")
		_, body := kakamega.get("/admin/users")
		wantContains(t, body, "kakamega.officer")
		for _, other := range []string{"gpo.officer", "narok.ict", "admin", "ombudsman"} {
			if strings.Contains(body, ">"+other+"<") {
				t.Errorf("the Kakamega admin's staff list shows %s", other)
			}
		}
		// Another agency's or centre's accounts do not exist for them.
		for _, path := range []string{"/admin/users/narok.ict", "/admin/users/gpo.officer", "/admin/users/admin", "/admin/users/narok.ict/disable"} {
			res, body := kakamega.get(path)
			wantStatus(t, res, body, http.StatusNotFound)
		}
		manager := h.as("gpo.manager")
		audits, outbox, users := h.count("audit_log"), h.count("outbox"), h.count("users")
		for _, path := range []string{"/admin/users/narok.ict/disable", "/admin/users/narok.ict/reset", "/admin/users/narok.ict"} {
			res, body := kakamega.submit(path, url.Values{"name": {"Taken over"}, "role": {"agency_admin"}, "language": {"en"}})
			wantStatus(t, res, body, http.StatusNotFound)
		}
		if st, _ := h.users.StaffByUsername(ctx, "narok.ict"); !st.Active || st.Name == "Taken over" {
			t.Error("the Kakamega admin changed the Narok admin's account")
		}
		hq, gpo := centreID(t, h, "KKG-ICT-HQ"), centreID(t, h, "HC-GPO")
		kkg, _ := h.charters.AgencyByCode(ctx, "KKG-ICT")
		nrk, _ := h.charters.AgencyByCode(ctx, "NRK-ICT")
		add := func(c *client, role string, centre, agency int64, extra ...string) (int, string) {
			form := url.Values{"username": {"new." + role}, "name": {"New Person"}, "email": {"new@huduma.example"}, "language": {"en"},
				"role": {role}, "centre": {fmt.Sprint(centre)}, "agency": {fmt.Sprint(agency)}}
			for i := 0; i+1 < len(extra); i += 2 {
				form.Set(extra[i], extra[i+1])
			}
			res, body := c.submit("/admin/users/new", form)
			return res.StatusCode, body
		}
		refusals := []struct {
			who, role      string
			centre, agency int64
			want           string
			extra          []string
		}{
			{"kakamega.ict", "national_admin", 0, 0, "You cannot give this role.", nil},
			{"kakamega.ict", "auditor", 0, 0, "You cannot give this role.", nil},
			{"kakamega.ict", "agency_admin", 0, nrk.ID, "You can only manage the staff of your own agency.", nil},
			{"kakamega.ict", "officer", gpo, nrk.ID, "You can only manage the staff of your own agency.", nil},
			{"kakamega.ict", "centre_manager", gpo, kkg.ID, "are appointed by the national admin", nil},
			{"kakamega.ict", "officer", hq, kkg.ID, "Only a national admin can give or take the integrity officer", []string{"integrity", "on"}},
			{"gpo.manager", "centre_manager", gpo, 0, "You cannot give this role.", nil},
			{"gpo.manager", "officer", hq, 0, "You can only manage the officers of your own centre.", nil},
		}
		clients := map[string]*client{"kakamega.ict": kakamega, "gpo.manager": manager}
		for _, c := range refusals {
			status, body := add(clients[c.who], c.role, c.centre, c.agency, c.extra...)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
				t.Errorf("%s adding a %s: %d, want 422 with %q", c.who, c.role, status, c.want)
			}
			if !strings.Contains(body, `value="New Person"`) {
				t.Errorf("%s adding a %s: the refused form lost what was typed", c.who, c.role)
			}
		}
		if h.count("audit_log") != audits || h.count("outbox") != outbox || h.count("users") != users {
			t.Error("a refused change was written")
		}
		// Within scope: allowed.
		if status, body := add(kakamega, "officer", hq, kkg.ID); status != http.StatusSeeOther {
			t.Errorf("the Kakamega admin adding an officer at their own office: %d %.300s", status, body)
		}
		// Raising one's own officer above one's own role is refused, and the account is unchanged.
		res, body := kakamega.submit("/admin/users/kakamega.officer", url.Values{"name": {"Mercy Akinyi"}, "role": {"national_admin"}, "language": {"en"},
			"email": {"helpdesk@kakamega.example"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "You cannot give this role.")
		if st, _ := h.users.StaffByUsername(ctx, "kakamega.officer"); st.Role != "officer" {
			t.Errorf("kakamega.officer is now %s", st.Role)
		}
		// The centre manager manages their officers, not themselves nor their peers.
		res, body = manager.get("/admin/users/gpo.officer")
		wantStatus(t, res, body, http.StatusOK)
		for _, path := range []string{"/admin/users/gpo.manager", "/admin/users/kakamega.officer", "/admin/users/admin"} {
			res, body := manager.get(path)
			wantStatus(t, res, body, http.StatusNotFound)
		}
		// Unknown filter values are refused, not ignored; wildcards match themselves.
		res, body = h.as("admin").get("/admin/users?role=king")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		_, body = h.as("admin").get("/admin/users?q=%25")
		wantContains(t, body, "0 accounts")
		_, body = h.as("admin").get("/admin/users?q=GPO&state=active&role=officer")
		wantContains(t, body, "gpo.officer", "1 account<")
	})
}

// TestDisableEndsSessionsAndFreesTheCounter: the centre manager disables an officer who is
// serving a citizen. The officer is signed out at once, the counter is free, the citizen's ticket
// goes back to the front of the queue, and re-enabling lets the officer back in.
func TestDisableEndsSessionsAndFreesTheCounter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		officer := h.as("gpo.officer")
		nrb, _ := h.charters.ServiceByCode(ctx, "NRB-01")
		is, err := h.queue.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"})
		if err != nil {
			t.Fatal(err)
		}
		officer.submit("/staff/counter/signin", url.Values{"counter": {"4"}, "service": {fmt.Sprint(nrb.ID)}})
		res, body := officer.submit("/staff/counter/call", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		officer.submit("/staff/counter/start", nil)

		gpoOfficer, _ := h.users.UserByUsername(ctx, "gpo.officer")
		if err := h.requests.SetOnDuty(ctx, gpoOfficer.ID, true); err != nil {
			t.Fatal(err)
		}
		manager := h.as("gpo.manager")
		res, body = manager.get("/admin/users/gpo.officer/disable")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "They are signed in at counter 4", "Ticket "+is.Ticket.Number+" goes back to the front of the queue")
		if st, _ := h.users.StaffByUsername(ctx, "gpo.officer"); !st.Active {
			t.Fatal("asking for confirmation disabled the account")
		}
		res, body = manager.submit("/admin/users/gpo.officer/disable", nil)
		wantStatus(t, res, body, http.StatusSeeOther)

		res, _ = officer.get("/staff")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("the disabled officer's session still works: %d", res.StatusCode)
		}
		if on, _ := h.users.OnDuty(ctx, gpoOfficer.ID); on {
			t.Error("the disabled officer is still on duty for requests in turn")
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM sessions WHERE user_id = $1`, gpoOfficer.ID); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM counter_sessions WHERE user_id = $1 AND ended_at IS NULL`, gpoOfficer.ID); n != 0 {
			t.Error("the counter is still taken")
		}
		tk, _ := h.queue.Ticket(ctx, is.Ticket.ID)
		if tk.Status != queue.Waiting || tk.CounterID != 0 {
			t.Errorf("the citizen's ticket is %s at counter %d, want waiting", tk.Status, tk.CounterID)
		}
		if _, status := h.signIn("gpo.officer", "karibu-huduma"); status != http.StatusUnauthorized {
			t.Errorf("a disabled account signed in: %d", status)
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM audit_log WHERE action = 'disable' AND entity_id = 'gpo.officer'`); n != 1 {
			t.Errorf("%d audit records of the disabling", n)
		}
		// Another officer signs in at counter 4 and calls the returned ticket first.
		h.users.CreateUser(ctx, audit.System, newOfficer(centreID(t, h, "HC-GPO")))
		other, _ := h.signIn("relief.officer", "relief officer password")
		other.submit("/staff/counter/signin", url.Values{"counter": {"4"}, "service": {fmt.Sprint(nrb.ID)}})
		res, body = other.submit("/staff/counter/call", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		if tk, _ := h.queue.Ticket(ctx, is.Ticket.ID); tk.Status != queue.Called {
			t.Errorf("the returned ticket was not called first: %s", tk.Status)
		}
		// Disabling twice is one change; re-enabling lets the officer in again.
		res, _ = manager.submit("/admin/users/gpo.officer/disable", nil)
		wantStatus(t, res, "", http.StatusSeeOther)
		if n := h.countWhere(`SELECT COUNT(*) FROM audit_log WHERE action = 'disable' AND entity_id = 'gpo.officer'`); n != 1 {
			t.Errorf("a repeated disabling was recorded again (%d)", n)
		}
		res, body = manager.submit("/admin/users/gpo.officer/enable", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		if _, status := h.signIn("gpo.officer", "karibu-huduma"); status != http.StatusSeeOther {
			t.Errorf("the re-enabled officer cannot sign in: %d", status)
		}
	})
}

// TestForgotPassword: the answer is the same whether or not an account matches, the link arrives
// for an account that does, and asking again at once sends nothing more.
func TestForgotPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, body := h.anonymous().get("/signin")
		wantContains(t, body, `href="/signin/forgot"`)
		ask := func(who string) (int, string) {
			c := h.anonymous()
			token := publicForm(c, "/signin/forgot")
			res, body := c.post("/signin/forgot", url.Values{"csrf": {token}, "who": {who}})
			return res.StatusCode, strings.ReplaceAll(body, token, "")
		}
		before := h.count("outbox")
		s1, known := ask("gpo.officer@huduma.example")
		s2, unknown := ask("nobody@huduma.example")
		if s1 != http.StatusOK || s2 != http.StatusOK || strings.ReplaceAll(known, "gpo.officer@huduma.example", "X") != strings.ReplaceAll(unknown, "nobody@huduma.example", "X") {
			t.Errorf("the answers differ: %d and %d", s1, s2)
		}
		wantContains(t, known, "If an account matches")
		if h.count("outbox") != before+1 {
			t.Fatalf("%d messages sent, want 1", h.count("outbox")-before)
		}
		token := h.linkTo("gpo.officer@huduma.example")
		_, _, msg := h.lastMessage("gpo.officer@huduma.example")
		wantContains(t, msg, "within 1 hour:")
		ask("GPO.Officer")
		if h.count("outbox") != before+1 {
			t.Error("asking again at once sent another message")
		}
		// The reset signs out whoever knew the old password.
		old := h.as("gpo.officer")
		c := h.anonymous()
		_, form := c.get("/password?t=" + token)
		csrf := csrfField.FindStringSubmatch(form)[1]
		res, body := c.post("/password", url.Values{"csrf": {csrf}, "t": {token}, "password": {"gpo.officer"}, "confirm": {"gpo.officer"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Your password cannot be your username.")
		res, body = c.post("/password", url.Values{"csrf": {csrf}, "t": {token}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if res, _ := old.get("/staff"); res.StatusCode != http.StatusSeeOther {
			t.Error("a session with the old password survived the reset")
		}
		if _, status := h.signIn("gpo.officer", "karibu-huduma"); status != http.StatusUnauthorized {
			t.Error("the old password still works")
		}
	})
}

func newOfficer(centreID int64) auth.NewUser {
	return auth.NewUser{Username: "relief.officer", Name: "Relief Officer", Role: auth.Officer, CentreID: centreID, Password: "relief officer password"}
}

// TestAccountPage: a person changes their own details, sees where they are signed in, signs the
// other browsers out, and changes their password (which needs the current one).
func TestAccountPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		me := h.as("gpo.officer")
		phone := h.as("gpo.officer") // a second browser: the phone
		res, body := me.get("/account")
		wantStatus(t, res, body, http.StatusOK)
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("account page Cache-Control %q", res.Header.Get("Cache-Control"))
		}
		wantContains(t, body, "Where you are signed in", "This browser", "Sign out all other sessions")
		// A bad number is refused and kept as typed; a good one is stored as +254….
		res, body = me.submit("/account", url.Values{"name": {"Peter Kamau"}, "phone": {"12345"}, "language": {"en"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter a Kenyan mobile number", `value="12345"`)
		res, body = me.submit("/account", url.Values{"name": {"Peter N. Kamau"}, "phone": {"0722 000 111"}, "language": {"sw"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		u, _ := h.users.UserByUsername(ctx, "gpo.officer")
		if u.Name != "Peter N. Kamau" || u.Phone != "+254722000111" || u.Language != "sw" {
			t.Errorf("stored %+v", u)
		}
		_, body = me.get("/account")
		wantContains(t, body, "Akaunti yako") // the pages follow the new language
		// Sign out the phone only.
		var phoneSession string
		if err := h.d.QueryRowContext(ctx, `SELECT token_hash FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, token_hash LIMIT 1`, u.ID).Scan(&phoneSession); err != nil {
			t.Fatal(err)
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID); n != 2 {
			t.Fatalf("%d sessions, want 2", n)
		}
		// Another person's session cannot be ended from here.
		admin := h.as("admin")
		var adminSession string
		h.d.QueryRowContext(ctx, `SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'admin' LIMIT 1`).Scan(&adminSession)
		me.submit("/account/sessions", url.Values{"session": {adminSession}})
		if res, _ := admin.get("/staff"); res.StatusCode != http.StatusOK {
			t.Error("an officer signed the admin out")
		}
		res, body = me.submit("/account/sessions", nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		if res, _ := phone.get("/staff"); res.StatusCode != http.StatusSeeOther {
			t.Error("the other browser is still signed in")
		}
		if res, _ := me.get("/staff"); res.StatusCode != http.StatusOK {
			t.Error("signing the others out signed this browser out too")
		}
		// The password: the current one is needed.
		phone = h.as("gpo.officer")
		res, body = me.submit("/account/password", url.Values{"current": {"wrong"}, "password": {"new password 2026"}, "confirm": {"new password 2026"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Hilo si nenosiri lako la sasa.")
		res, body = me.submit("/account/password", url.Values{"current": {"karibu-huduma"}, "password": {"new password 2026"}, "confirm": {"new password 2026"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if res, _ := phone.get("/staff"); res.StatusCode != http.StatusSeeOther {
			t.Error("the other browser survived the password change")
		}
		if res, _ := me.get("/staff"); res.StatusCode != http.StatusOK {
			t.Error("changing the password signed this browser out")
		}
		if _, status := h.signIn("gpo.officer", "new password 2026"); status != http.StatusSeeOther {
			t.Error("the new password does not sign in")
		}
		if n := h.countWhere(`SELECT COUNT(*) FROM audit_log WHERE entity_id = 'gpo.officer' AND action IN ('update', 'password_set', 'sign_out')`); n < 3 {
			t.Errorf("%d audit records of the account changes, want at least 3", n)
		}
	})
}

// TestForgotPasswordIsRateLimited: "Forgot password?" is limited per address as sign-in is, so a
// script cannot fill people's phones and mailboxes or probe for accounts at speed.
func TestForgotPasswordIsRateLimited(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	s, err := web.NewServer(web.Config{Version: "test", SignInPerMinute: 2, APIPerSecond: 1000, IntakePerMinute: 1000},
		web.Deps{DB: h.d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return h.now }, Charters: h.charters,
			Auth: h.users, Requests: h.requests, Queue: h.queue})
	if err != nil {
		t.Fatal(err)
	}
	limited := *h
	limited.srv = httptest.NewServer(s)
	defer limited.srv.Close()
	c := limited.anonymous()
	token := publicForm(c, "/signin/forgot")
	var statuses []int
	for i := 0; i < 3; i++ {
		res, _ := c.post("/signin/forgot", url.Values{"csrf": {token}, "who": {fmt.Sprintf("someone%d", i)}})
		statuses = append(statuses, res.StatusCode)
	}
	if statuses[0] != http.StatusOK || statuses[2] != http.StatusTooManyRequests {
		t.Errorf("statuses %v, want 200 first and 429 past the limit", statuses)
	}
}

// TestStaffListQueryAgreesWithTheRule: the list's SQL scope and auth.User.SeesStaff are the same
// rule — for every demo account, the list shows exactly the accounts the rule says they see —
// and the list pages.
func TestStaffListQueryAgreesWithTheRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.users.CreateUser(ctx, audit.System, newOfficer(centreID(t, h, "KKG-ICT-HQ")))
		all, err := h.users.ListAllStaff(ctx, auth.StaffFilter{PerPage: 200})
		if err != nil || all.Total < 9 {
			t.Fatalf("all staff: %d %v", all.Total, err)
		}
		for _, viewer := range all.Staff {
			page, err := h.users.ListStaff(ctx, viewer.User, auth.StaffFilter{PerPage: 200})
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]bool{}
			for _, st := range page.Staff {
				listed[st.Username] = true
			}
			for _, st := range all.Staff {
				if viewer.SeesStaff(st) != listed[st.Username] {
					t.Errorf("%s: the rule says %v for %s, the list %v", viewer.Username, viewer.SeesStaff(st), st.Username, listed[st.Username])
				}
			}
		}
		p, err := h.users.ListAllStaff(ctx, auth.StaffFilter{PerPage: 4, Page: 3})
		if err != nil || p.Pages != (all.Total+3)/4 || len(p.Staff) != all.Total-8 || p.Total != all.Total {
			t.Errorf("page 3 of 4 a page: %d of %d pages, %d rows of %d (%v)", p.Page, p.Pages, len(p.Staff), p.Total, err)
		}
	})
}
