package web_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/web"
)

// requireTwoFactor restarts the harness's server with HUDUMA_REQUIRE_2FA=admins.
func (h *harness) requireTwoFactor() {
	h.t.Helper()
	s, err := web.NewServer(web.Config{Version: "test", SignInPerMinute: 1000, APIPerSecond: 1000, IntakePerMinute: 1000, RequireTwoFactor: web.RequireTwoFactorAdmins},
		web.Deps{DB: h.d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return h.now }, Charters: h.charters, Auth: h.users,
			Requests: h.requests, Queue: h.queue})
	if err != nil {
		h.t.Fatal(err)
	}
	h.srv.Close()
	h.srv = httptest.NewServer(s)
	h.t.Cleanup(h.srv.Close)
}

// signInPassword posts the sign-in form as a person would, in a fresh browser.
func (h *harness) signInPassword(username, password string, c *client) (*http.Response, string) {
	h.t.Helper()
	_, form := c.get("/signin")
	m := csrfField.FindStringSubmatch(form)
	if m == nil {
		h.t.Fatal("no CSRF token on the sign-in form")
	}
	return c.post("/signin", url.Values{"csrf": {m[1]}, "username": {username}, "password": {password}, "next": {"/staff/requests"}})
}

// secretOnPage reads the key the enrolment page shows for typing.
var secretOnPage = regexp.MustCompile(`<code class="secret" id="secret">([A-Z2-7 ]+)</code>`)
var recoveryOnPage = regexp.MustCompile(`<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>`)

// enrolOverHTTP sets up two-step sign-in for a signed-in client and returns the secret and the
// recovery codes, checking what the pages show on the way.
func enrolOverHTTP(t *testing.T, h *harness, c *client) (string, []string) {
	t.Helper()
	res, body := c.get("/account/two-factor")
	wantStatus(t, res, body, http.StatusOK)
	wantContains(t, body, `id="setup"`)
	res, body = c.submit("/account/two-factor/setup", nil)
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = c.get("/account/two-factor")
	wantStatus(t, res, body, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the enrolment page (with the secret) may be cached: %q", res.Header.Get("Cache-Control"))
	}
	m := secretOnPage.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `<svg`) {
		t.Fatalf("no QR code or key on the enrolment page: %.600s", body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	// A wrong code is refused on the field, and the key is still there to try again.
	res, body = c.submit("/account/two-factor/confirm", url.Values{"code": {"12345"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity)
	wantContains(t, body, "That code is not right.", m[1])
	code, _ := auth.TOTPCode(secret, h.now)
	res, body = c.submit("/account/two-factor/confirm", url.Values{"code": {code}})
	wantStatus(t, res, body, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the recovery codes may be cached: %q", res.Header.Get("Cache-Control"))
	}
	var codes []string
	for _, m := range recoveryOnPage.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown: %.800s", len(codes), body)
	}
	// Never shown again.
	_, body = c.get("/account/two-factor")
	if strings.Contains(body, secret[:8]) || strings.Contains(body, m[1]) || strings.Contains(body, codes[0]) {
		t.Error("the secret or a recovery code is shown again after enrolment")
	}
	wantContains(t, body, "Recovery codes left: 10 of 10.")
	return secret, codes
}

func TestTwoFactorSignInOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		officer := h.as("gpo.officer")
		secret, codes := enrolOverHTTP(t, h, officer)
		res, body := officer.get("/account/two-factor")
		wantContains(t, body, `id="disable-form"`)

		// The password alone gives no session: only the second step's form.
		c := h.anonymous()
		res, body = h.signInPassword("gpo.officer", demo.DemoPassword, c)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/signin/code?next=") {
			t.Fatalf("after the password: to %q", loc)
		}
		var challenge string
		for _, ck := range res.Cookies() {
			if ck.Name == "huduma_session" && ck.MaxAge >= 0 {
				t.Fatal("a session cookie was set before the second step")
			}
			if ck.Name == "huduma_2fa" {
				challenge = ck.Value
				if !ck.HttpOnly || ck.Path != "/signin/code" {
					t.Errorf("challenge cookie %+v", ck)
				}
			}
		}
		if challenge == "" {
			t.Fatal("no challenge cookie")
		}
		for _, path := range []string{"/staff", "/staff/requests", "/account/two-factor"} {
			res, _ := c.get(path)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
				t.Errorf("half signed in, %s: %d %s", path, res.StatusCode, res.Header.Get("Location"))
			}
		}
		// Nor is the challenge a session if put in the session's cookie.
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/staff", nil)
		req.AddCookie(&http.Cookie{Name: "huduma_session", Value: challenge})
		if res, _ := h.anonymous().do(req); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the challenge token as a session: %d", res.StatusCode)
		}
		res, body = c.get("/signin/code?next=/staff/requests")
		wantStatus(t, res, body, http.StatusOK)
		token := csrfField.FindStringSubmatch(body)[1]
		// Another browser, without the challenge cookie, gets nowhere with a right code.
		other := h.anonymous()
		_, otherForm := other.get("/signin")
		now, _ := auth.TOTPCode(secret, h.now.Add(auth.TOTPStep))
		res, _ = other.post("/signin/code", url.Values{"csrf": {csrfField.FindStringSubmatch(otherForm)[1]}, "code": {now}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
			t.Errorf("the second step without the challenge: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// The code used to enrol (same 30 seconds) is refused; the next one works.
		used, _ := auth.TOTPCode(secret, h.now)
		res, body = c.post("/signin/code", url.Values{"csrf": {token}, "code": {used}, "next": {"/staff/requests"}})
		wantStatus(t, res, body, http.StatusUnauthorized)
		wantContains(t, body, "That code is not right, or it has been used already.")
		h.now = h.now.Add(auth.TOTPStep)
		res, body = c.post("/signin/code", url.Values{"csrf": {token}, "code": {now}, "next": {"/staff/requests"}})
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/staff/requests" {
			t.Errorf("after the code: to %q", loc)
		}
		res, body = c.get("/staff")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Peter Kamau")

		// A recovery code signs in once.
		c2 := h.anonymous()
		h.signInPassword("gpo.officer", demo.DemoPassword, c2)
		_, body = c2.get("/signin/code")
		token2 := csrfField.FindStringSubmatch(body)[1]
		res, body = c2.post("/signin/code", url.Values{"csrf": {token2}, "code": {strings.ToLower(codes[0])}})
		wantStatus(t, res, body, http.StatusSeeOther)
		c3 := h.anonymous()
		h.signInPassword("gpo.officer", demo.DemoPassword, c3)
		_, body = c3.get("/signin/code")
		res, body = c3.post("/signin/code", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "code": {codes[0]}})
		wantStatus(t, res, body, http.StatusUnauthorized)
		var audited int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('two_factor_on', 'recovery_code_used') AND entity_id = 'gpo.officer'`).Scan(&audited)
		if audited != 2 {
			t.Errorf("%d audit records of enrolment and recovery-code use, want 2", audited)
		}

		// Turning it off needs the password and a code.
		h.now = h.now.Add(auth.TOTPStep)
		code, _ := auth.TOTPCode(secret, h.now)
		res, body = officer.submit("/account/two-factor/disable", url.Values{"password": {"not the password"}, "code": {code}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "That is not your password.")
		res, body = officer.submit("/account/two-factor/disable", url.Values{"password": {demo.DemoPassword}, "code": {"000000"}})
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		res, body = officer.submit("/account/two-factor/disable", url.Values{"password": {demo.DemoPassword}, "code": {code}})
		wantStatus(t, res, body, http.StatusSeeOther)
		h.as("gpo.officer") // the password alone signs in again
	})
}

// lockedMessage is the refusal while an account is locked, in both languages.
const (
	lockedEN = "This account is locked for 15 minutes after too many failed sign-ins."
	lockedSW = "Akaunti hii imefungwa kwa dakika 15"
)

func TestLockoutOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		officer, err := h.users.UserByUsername(ctx, "gpo.officer")
		if err != nil {
			t.Fatal(err)
		}
		// Ten wrong passwords from different addresses' worth of browsers: the account counts them all.
		var res *http.Response
		var body string
		for i := 0; i < auth.LockAfterFailures; i++ {
			res, body = h.signInPassword("gpo.officer", "guess number "+strconv.Itoa(i), h.anonymous())
			if i < auth.LockAfterFailures-1 {
				wantStatus(t, res, body, http.StatusUnauthorized)
			}
		}
		wantStatus(t, res, body, http.StatusTooManyRequests)
		wantContains(t, body, lockedEN)
		// The right password is refused with the same answer as a wrong one, in Kiswahili too.
		res, right := h.signInPassword("gpo.officer", demo.DemoPassword, h.anonymous())
		wantStatus(t, res, right, http.StatusTooManyRequests)
		res, wrong := h.signInPassword("gpo.officer", "still guessing", h.anonymous())
		wantStatus(t, res, wrong, http.StatusTooManyRequests)
		if strip(right) != strip(wrong) {
			t.Error("while locked, the right password gets a different page from a wrong one")
		}
		sw := h.anonymous()
		sw.get("/lang/sw")
		res, body = h.signInPassword("gpo.officer", demo.DemoPassword, sw)
		wantStatus(t, res, body, http.StatusTooManyRequests)
		wantContains(t, body, lockedSW)
		// The holder was told by e-mail.
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE recipient = 'gpo.officer@huduma.example' AND body LIKE '%locked for 15 minutes%'`).Scan(&n)
		if n != 1 {
			t.Errorf("%d lock messages to the officer, want 1", n)
		}
		unlock := "/admin/users/" + strconv.FormatInt(officer.ID, 10) + "/unlock"
		// Out of scope: another agency's admin, and officers, may not unlock.
		res, body = h.as("kakamega.ict").submit(unlock, nil)
		wantStatus(t, res, body, http.StatusForbidden)
		res, body = h.as("kakamega.officer").submit(unlock, nil)
		wantStatus(t, res, body, http.StatusForbidden)
		if res, body := h.signInPassword("gpo.officer", demo.DemoPassword, h.anonymous()); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("unlocked by someone out of scope: %d %.300s", res.StatusCode, body)
		}
		// The officer's centre manager may.
		res, body = h.as("gpo.manager").submit(unlock, nil)
		wantStatus(t, res, body, http.StatusSeeOther)
		h.as("gpo.officer")
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('lock', 'unlock') AND entity_id = 'gpo.officer'`).Scan(&n)
		if n != 2 {
			t.Errorf("%d audit records of the lock and unlock, want 2", n)
		}
	})
}

// strip drops what differs between any two renderings of a page (form tokens).
func strip(page string) string {
	return csrfField.ReplaceAllString(html.UnescapeString(page), "")
}

func TestRequireTwoFactorForAdmins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		h.requireTwoFactor()
		c := h.anonymous()
		res, body := h.signInPassword("admin", demo.DemoPassword, c)
		wantStatus(t, res, body, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/account/two-factor" {
			t.Fatalf("an admin without two-step sign-in, after the password: to %q", loc)
		}
		res, body = c.get("/account/two-factor")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Your account needs two-step sign-in.")
		c.csrf = csrfField.FindStringSubmatch(body)[1]
		// Nothing else until enrolled.
		for _, path := range []string{"/staff", "/admin/audit", "/staff/requests"} {
			res, _ := c.get(path)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/two-factor" {
				t.Errorf("before enrolling, %s: %d %q", path, res.StatusCode, res.Header.Get("Location"))
			}
		}
		before := h.count("holidays")
		res, body = c.submit("/admin/holidays", url.Values{"day": {"2026-12-30"}, "name": {"Extra day"}})
		wantStatus(t, res, body, http.StatusForbidden)
		if h.count("holidays") != before {
			t.Error("an admin who has not enrolled changed something")
		}
		// Officers are not held.
		res, body = h.as("gpo.officer").get("/staff")
		wantStatus(t, res, body, http.StatusOK)
		// After enrolling, the admin goes about their work, and cannot turn it off.
		secret, _ := enrolOverHTTP(t, h, c)
		res, body = c.get("/staff")
		wantStatus(t, res, body, http.StatusOK)
		h.now = h.now.Add(auth.TOTPStep)
		code, _ := auth.TOTPCode(secret, h.now)
		res, body = c.submit("/account/two-factor/disable", url.Values{"password": {demo.DemoPassword}, "code": {code}})
		wantStatus(t, res, body, http.StatusForbidden)
	})
}
