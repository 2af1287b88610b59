package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var ctx = context.Background()

// harness is a real Huduma server over a real database loaded with the demo data.
type harness struct {
	t        *testing.T
	d        *db.DB
	srv      *httptest.Server
	web      *web.Server
	charters *charter.Store
	requests *requests.Store
	queue    *queue.Store
	users    *auth.Store
	now      time.Time
}

func newHarness(t *testing.T, d *db.DB) *harness {
	t.Helper()
	h := &harness{t: t, d: d, now: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}
	clock := func() time.Time { return h.now }
	h.charters = charter.NewStore(d, clock)
	users := auth.NewStore(d, clock, bcrypt.MinCost)
	h.requests = requests.NewStore(d, clock, h.charters, requests.Config{PublicURL: "https://huduma.test"})
	if _, err := demo.Install(ctx, d, h.charters, users, h.requests); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	h.users = users
	h.queue = queue.NewStore(d, clock, h.charters, h.requests, queue.Config{})
	s, err := web.NewServer(web.Config{Version: "test", SignInPerMinute: 1000, APIPerSecond: 1000, IntakePerMinute: 1000},
		web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock, Charters: h.charters, Auth: users, Requests: h.requests,
			Queue: h.queue})
	if err != nil {
		t.Fatal(err)
	}
	h.web = s
	h.srv = httptest.NewServer(s)
	t.Cleanup(h.srv.Close)
	return h
}

// client is a browser-like client: cookies kept, redirects not followed (tests look at them).
type client struct {
	h    *harness
	http *http.Client
	csrf string
}

func (h *harness) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// as signs in as a demo user through the sign-in form, as a person would.
func (h *harness) as(username string) *client {
	h.t.Helper()
	c := h.anonymous()
	_, body := c.get("/signin")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatal("no CSRF token on the sign-in form")
	}
	res, body := c.post("/signin", url.Values{"csrf": {m[1]}, "username": {username}, "password": {demo.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("sign in as %s: %d %s", username, res.StatusCode, body)
	}
	_, body = c.get("/staff")
	m = csrfField.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("signed in as %s but no sign-out form with a CSRF token", username)
	}
	c.csrf = m[1]
	return c
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.h.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *client) get(path string, header ...string) (*http.Response, string) {
	c.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.h.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// submit posts a form with the session's CSRF token.
func (c *client) submit(path string, form url.Values) (*http.Response, string) {
	c.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.post(path, form)
}

func (h *harness) count(table string) int {
	h.t.Helper()
	var n int
	if err := h.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func wantStatus(t *testing.T, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		if len(body) > 600 {
			body = body[:600]
		}
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

func wantContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page does not contain %q", p)
		}
	}
}

func centreID(t *testing.T, h *harness, code string) int64 {
	t.Helper()
	c, err := h.charters.CentreByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// newAPIKey creates a key as `huduma apikey create` does.
func (h *harness) newAPIKey(name string) (auth.APIKey, string) {
	h.t.Helper()
	k, secret, err := auth.NewStore(h.d, nil, bcrypt.MinCost).CreateAPIKey(ctx, audit.System, name, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	return k, secret
}

// apiClient calls the JSON API with a key.
type apiClient struct {
	h   *harness
	key string
}

func (h *harness) withKey(key string) *apiClient { return &apiClient{h, key} }

func (a *apiClient) send(method, path, body string, header ...string) (*http.Response, string) {
	a.h.t.Helper()
	req, _ := http.NewRequest(method, a.h.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.h.anonymous().do(req)
}
