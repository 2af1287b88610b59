package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// rawGet fetches path asking for gzip itself, so that the client hands back the bytes as sent.
func rawGet(t *testing.T, h *harness, path, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// TestResponsesCompressed: pages, JSON and style sheets go gzipped to a client that accepts gzip,
// smaller than they are, and whole; plain to one that does not; and say Vary: Accept-Encoding
// either way, so that a cache in between keeps the two apart.
func TestResponsesCompressed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		_, home := h.anonymous().get("/")
		css := regexp.MustCompile(`href="(/static/huduma[^"]+\.css)"`).FindStringSubmatch(home)
		if css == nil {
			t.Fatal("no style sheet link on the home page")
		}
		for _, c := range []struct{ path, contentType, contains string }{
			{"/", "text/html", "</html>"},
			{"/services", "text/html", "</html>"},
			{"/api/v1/services", "application/json", `"code"`},
			{"/open311/v2/services.json", "application/json", `"service_code"`},
			{css[1], "text/css", "{"},
		} {
			plainRes, plain := rawGet(t, h, c.path, "")
			if plainRes.StatusCode != http.StatusOK || plainRes.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s without Accept-Encoding: %d, Content-Encoding %q", c.path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
			}
			res, body := rawGet(t, h, c.path, "gzip, deflate, br")
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", c.path, res.StatusCode)
				continue
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), c.contentType) {
				t.Errorf("%s: Content-Type %q", c.path, res.Header.Get("Content-Type"))
			}
			for _, r := range []*http.Response{plainRes, res} {
				if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("%s: Vary %q, want Accept-Encoding", c.path, r.Header.Values("Vary"))
				}
			}
			if ce := res.Header.Get("Content-Encoding"); ce != "gzip" {
				t.Errorf("%s: Content-Encoding %q, want gzip", c.path, ce)
				continue
			}
			zr, err := gzip.NewReader(strings.NewReader(string(body)))
			if err != nil {
				t.Errorf("%s: not gzip: %v", c.path, err)
				continue
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil {
				t.Errorf("%s: broken gzip: %v", c.path, err)
			}
			if !strings.Contains(string(unzipped), c.contains) || len(unzipped) < len(plain)*9/10 {
				t.Errorf("%s: unzipped %d bytes (plain %d) without %q", c.path, len(unzipped), len(plain), c.contains)
			}
			if len(body) >= len(plain) {
				t.Errorf("%s: %d bytes gzipped, %d plain", c.path, len(body), len(plain))
			}
		}
		// gzip;q=0 is a refusal.
		if res, _ := rawGet(t, h, "/", "gzip;q=0"); res.Header.Get("Content-Encoding") != "" {
			t.Errorf("gzip;q=0 got Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
	})
}

// TestBoardStreamNotCompressed: a hall board's event stream is never gzipped, even when the
// browser accepts gzip, and each call reaches it as it is made.
func TestBoardStreamNotCompressed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		desk := h.boardDesk(5)
		client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		st := openBoardStream(t, client, h.srv.URL+"/centres/HC-GPO/board/events", "Accept-Encoding", "gzip")
		if ce := st.res.Header.Get("Content-Encoding"); ce != "" {
			t.Fatalf("event stream Content-Encoding %q", ce)
		}
		if ev := st.next(); ev.Retry != "2000" {
			t.Errorf("first field %+v, want retry", ev)
		}
		called := desk.call()
		if _, number, _, _ := st.call(); number != called {
			t.Errorf("streamed %s, want %s", number, called)
		}
	})
}
