package web_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// uploadServer is Huduma served as `huduma serve` serves it (web.Server.HTTPServer, real
// connections and deadlines), with its body timings scaled down from seconds to fractions.
func uploadServer(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	clock := func() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
	charters := charter.NewStore(d, clock)
	users := auth.NewStore(d, clock, bcrypt.MinCost)
	reqs := requests.NewStore(d, clock, charters, requests.Config{PublicURL: "https://huduma.test"})
	if _, err := demo.Install(ctx, d, charters, users, reqs); err != nil {
		t.Fatal(err)
	}
	s, err := web.NewServer(web.Config{Version: "test", SignInPerMinute: 1000, APIPerSecond: 1000, IntakePerMinute: 1000,
		BodyTimeout: 400 * time.Millisecond, UploadStall: time.Second, UploadMinRate: 128 << 10, WriteTimeout: 15 * time.Second},
		web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock, Charters: charters, Auth: users, Requests: reqs})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Config = s.HTTPServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// throttled sends body in chunks of size bytes, pausing between them, and stalling once for
// stall after stallAt bytes (0: never).
type throttled struct {
	body          []byte
	size          int
	pause, stall  time.Duration
	stallAt, sent int
}

func (r *throttled) Read(p []byte) (int, error) {
	if r.sent >= len(r.body) {
		return 0, io.EOF
	}
	if r.sent > 0 {
		time.Sleep(r.pause)
	}
	if r.stallAt > 0 && r.sent >= r.stallAt {
		time.Sleep(r.stall)
		r.stallAt = 0
	}
	n := min(r.size, len(p), len(r.body)-r.sent)
	copy(p, r.body[r.sent:r.sent+n])
	r.sent += n
	return n, nil
}

// TestSlowUploadSucceeds: a citizen on a slow link sending a 5 MB photo with the request form
// gets their request lodged although the upload takes far longer than an ordinary body may (the
// old 30-second read timeout, here 0.4 s); one whose upload stops, or trickles in slower than the
// minimum rate (a slowloris), is cut off, and nothing is lodged.
func TestSlowUploadSucceeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ts := uploadServer(t, d)
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		res, err := client.Get(ts.URL + "/services/KKG-ICT-03/request")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		token := csrfField.FindSubmatch(page)[1]
		key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindSubmatch(page)[1]

		photo := append(bytes.Clone(pngBytes), make([]byte, 5<<20-len(pngBytes)-1)...)
		form := func(key string) (string, []byte) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k, v := range map[string]string{"csrf": string(token), "idempotency_key": key, "centre": "KKG-ICT-HQ",
				"name": "Achieng Odhiambo", "phone": "0712 345 678", "description": "The printer in the registry jams."} {
				mw.WriteField(k, v)
			}
			fw, _ := mw.CreateFormFile("attachment", "jam.png")
			fw.Write(photo)
			mw.Close()
			return mw.FormDataContentType(), buf.Bytes()
		}
		send := func(body io.Reader, ct string, length int) (int, error) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/services/KKG-ICT-03/request", body)
			req.Header.Set("Content-Type", ct)
			req.ContentLength = int64(length)
			res, err := client.Do(req)
			if err != nil {
				return 0, err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode, nil
		}
		lodged := func() int {
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE description = 'The printer in the registry jams.'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Stalled half-way for longer than UploadStall: cut.
		ct, body := form(string(key) + "-stalled")
		status, err := send(&throttled{body: body, size: 256 << 10, pause: 10 * time.Millisecond, stall: 3 * time.Second, stallAt: 2 << 20}, ct, len(body))
		if err == nil && status < 400 {
			t.Errorf("a stalled upload was accepted: %d", status)
		}
		// A trickle far below UploadMinRate, each piece well within UploadStall: cut too.
		ct, body = form(string(key) + "-trickle")
		status, err = send(&throttled{body: body, size: 4 << 10, pause: 100 * time.Millisecond}, ct, len(body))
		if err == nil && status < 400 {
			t.Errorf("a trickling upload was accepted: %d", status)
		}
		if n := lodged(); n != 0 {
			t.Fatalf("%d requests lodged from cut uploads", n)
		}

		// Slow but steady: 5 MB in 64 KB pieces, about 2 s in all — five times the body timeout.
		ct, body = form(string(key))
		start := time.Now()
		status, err = send(&throttled{body: body, size: 64 << 10, pause: 25 * time.Millisecond}, ct, len(body))
		took := time.Since(start)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("slow upload (%v): %d %v", took, status, err)
		}
		if took < time.Second {
			t.Errorf("the upload took %v: not slow enough to prove anything", took)
		}
		if n := lodged(); n != 1 {
			t.Fatalf("%d requests lodged, want 1", n)
		}
		var size int
		if err := d.QueryRowContext(ctx, `SELECT MAX(size) FROM attachments`).Scan(&size); err != nil || size != len(photo) {
			t.Errorf("stored attachment of %d bytes (%v), want %d", size, err, len(photo))
		}

		// An ordinary form whose body stops arriving is still cut at BodyTimeout.
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a")
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadAll(conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Error("an ordinary form whose body stopped held its connection for 5 s; the body timeout is 0.4 s")
		}
	})
}
