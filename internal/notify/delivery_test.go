package notify

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/notify/fakeat"
)

// TestDeliveryReportHandler: Africa's Talking's callbacks move sent messages to delivered or
// undeliverable; reports in transit change nothing; unknown ids are acknowledged (so they are not
// retried forever); malformed bodies are refused.
func TestDeliveryReportHandler(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		at := fakeat.Start(t, atUser, atKey)
		w := NewWorker(d, c.Now, atProvider(at), nil, quietLog())
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "one"})
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0722000000", Body: "two"})
		if n, err := w.RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("RunOnce: %d, %v", n, err)
		}
		msgs := at.Messages()
		var out bufLog
		srv := httptest.NewServer(AfricasTalkingDeliveryHandler(d, c.Now, newTextLog(&out)))
		defer srv.Close()
		callback := srv.URL + "/callbacks/africastalking/delivery"

		deliver := func(id, status, reason string) {
			t.Helper()
			code, err := at.Deliver(ctx, callback, id, status, reason)
			if err != nil || code != http.StatusOK {
				t.Fatalf("report %s %s: HTTP %d, %v", id, status, code, err)
			}
		}
		c.Advance(5 * time.Second)
		deliver(msgs[0].ID, "Buffered", "")
		if r := all(t, d)[0]; r.Status != StatusSent {
			t.Fatalf("after Buffered: %+v", r)
		}
		deliver(msgs[0].ID, "Success", "")
		deliver(msgs[0].ID, "Success", "") // a repeat changes nothing
		r := all(t, d)[0]
		if r.Status != StatusDelivered || !r.DeliveredAt.Equal(dbTime(c.Now())) {
			t.Fatalf("after Success: %+v", r)
		}
		deliver(msgs[0].ID, "Failed", "DeliveryFailure") // delivered stays delivered
		if r := all(t, d)[0]; r.Status != StatusDelivered {
			t.Fatalf("a late Failed undid delivered: %+v", r)
		}

		deliver(msgs[1].ID, "Failed", "UserIsInactive")
		if r := all(t, d)[1]; r.Status != StatusUndeliverable || r.LastError != "delivery report: Failed (UserIsInactive)" || !r.DeliveredAt.IsZero() {
			t.Fatalf("after Failed: %+v", r)
		}
		if s := w.Stats(ctx); s[StatusDelivered] != 1 || s[StatusUndeliverable] != 1 {
			t.Errorf("Stats %v", s)
		}

		// An id we never sent, and a status we do not know: acknowledged, logged.
		deliver("ATXid_unknown", "Success", "")
		deliver(msgs[1].ID, "Teleported", "")
		if l := out.String(); !strings.Contains(l, "ATXid_unknown") || !strings.Contains(l, "Teleported") {
			t.Errorf("not logged: %s", l)
		}

		post := func(method, contentType, body string) int {
			t.Helper()
			req, _ := http.NewRequestWithContext(ctx, method, callback, strings.NewReader(body))
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		form := "application/x-www-form-urlencoded"
		for _, tc := range []struct {
			method, contentType, body string
			want                      int
		}{
			{http.MethodPost, form, "", http.StatusBadRequest},
			{http.MethodPost, form, "status=Success", http.StatusBadRequest},
			{http.MethodPost, form, "id=ATXid_1", http.StatusBadRequest},
			{http.MethodPost, form, "id=%zz&status=Success", http.StatusBadRequest},
			{http.MethodPost, "application/json", `{"id":"x","status":"Success"}`, http.StatusBadRequest},
			{http.MethodPost, form, "id=" + strings.Repeat("x", 70<<10) + "&status=Success", http.StatusBadRequest},
			{http.MethodGet, "", "", http.StatusMethodNotAllowed},
			{http.MethodPost, form, "id=ATXid_other&status=Sent&phoneNumber=%2B254712345678&networkCode=63902&failureReason=&retryCount=0", http.StatusOK},
		} {
			if got := post(tc.method, tc.contentType, tc.body); got != tc.want {
				t.Errorf("%s %s %.60q: HTTP %d, want %d", tc.method, tc.contentType, tc.body, got, tc.want)
			}
		}
	})
}

func TestDeliveryReportErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := newClock().Now()
		if err := DeliveryReport(ctx, d, now, "ATXid_nope", "Success"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown id: %v", err)
		}
		if err := DeliveryReport(ctx, d, now, "ATXid_nope", "Buffered"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown id, in transit: %v", err)
		}
		if err := DeliveryReport(ctx, d, now, "", "Success"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("empty id: %v", err)
		}
		if err := DeliveryReport(ctx, d, now, "ATXid_nope", "Teleported"); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("unknown status: %v", err)
		}
	})
}
