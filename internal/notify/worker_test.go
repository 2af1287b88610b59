package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/notify/fakeat"
)

const (
	atUser = "huduma"
	atKey  = "atsk_0123456789abcdef"
)

func atProvider(at *fakeat.Server) AfricasTalkingSMS {
	return AfricasTalkingSMS{BaseURL: at.URL, Username: atUser, APIKey: atKey, From: "HUDUMA"}
}

// TestWorkerSendsThroughAfricasTalking: the worker hands SMS to Africa's Talking with the right
// parameters and header (the fake refuses anything else) and email to the SMTP server, and records
// what each answered.
func TestWorkerSendsThroughAfricasTalking(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		at := fakeat.Start(t, atUser, atKey)
		smtpSrv := startFakeSMTP(t, fakeSMTPOptions{})
		email := SMTPProvider{Addr: smtpSrv.addr, From: "Huduma <noreply@huduma.go.ke>"}
		w := NewWorker(d, c.Now, atProvider(at), email, quietLog())

		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712 345 678", Body: "Huduma: request HC-1/2026 received. Asante!", RequestID: 42, DedupeKey: "request:42:ack:sms"})
		enqueue(t, d, c.Now(), Message{Channel: Email, To: "citizen@example.com", Subject: "Request HC-1/2026", Body: "Received.", RequestID: 42, DedupeKey: "request:42:ack:email"})
		sendTime := c.Now()
		c.Advance(time.Second)

		n, err := w.RunOnce(ctx)
		if err != nil || n != 2 {
			t.Fatalf("RunOnce: sent %d, %v", n, err)
		}
		msgs := at.Messages()
		if len(msgs) != 1 {
			t.Fatalf("Africa's Talking got %d messages", len(msgs))
		}
		got := msgs[0]
		if got.To != "+254712345678" || got.Username != atUser || got.From != "HUDUMA" || got.Text != "Huduma: request HC-1/2026 received. Asante!" {
			t.Errorf("Africa's Talking got %+v", got)
		}
		mails := smtpSrv.mails()
		if len(mails) != 1 || mails[0].to[0] != "citizen@example.com" {
			t.Fatalf("SMTP got %+v", mails)
		}

		list, err := ForRequest(ctx, d, 42)
		if err != nil || len(list) != 2 {
			t.Fatalf("ForRequest: %v, %v", list, err)
		}
		smsRow, emailRow := list[0], list[1]
		if smsRow.Status != StatusSent || smsRow.Provider != "africastalking" || smsRow.ProviderMessageID != got.ID ||
			smsRow.Attempts != 1 || !smsRow.SentAt.Equal(dbTime(c.Now())) || smsRow.LastError != "" {
			t.Errorf("SMS row %+v (sent at %v)", smsRow, sendTime)
		}
		if emailRow.Status != StatusSent || emailRow.Provider != "smtp" || !strings.Contains(mails[0].data, "Message-ID: "+emailRow.ProviderMessageID) {
			t.Errorf("email row %+v", emailRow)
		}
		if r, err := Get(ctx, d, smsRow.ID); err != nil || r != smsRow {
			t.Errorf("Get: %+v, %v", r, err)
		}
		if _, err := Get(ctx, d, 9999); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("Get of a missing id: %v", err)
		}
		if s := w.Stats(ctx); s[StatusSent] != 2 || s[StatusPending] != 0 || len(s) != len(Statuses) {
			t.Errorf("Stats %v", s)
		}

		// Nothing is due any more.
		if n, err := w.RunOnce(ctx); err != nil || n != 0 || at.Calls() != 1 {
			t.Errorf("second RunOnce: %d, %v, calls %d", n, err, at.Calls())
		}
	})
}

// TestTemporaryFailureBacksOff: an outage at the provider means retries, 30s then 1m later, and the
// message goes once the provider is back.
func TestTemporaryFailureBacksOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		at := fakeat.Start(t, atUser, atKey)
		at.FailNext(2)
		w := NewWorker(d, c.Now, atProvider(at), nil, quietLog())
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "Your request is in progress."})

		step := func(wantCalls int, wantStatus string, wantAttempts int, wantNext time.Duration) {
			t.Helper()
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if at.Calls() != wantCalls {
				t.Fatalf("at %v: %d calls, want %d", c.Now(), at.Calls(), wantCalls)
			}
			r := only(t, d)
			if r.Status != wantStatus || r.Attempts != wantAttempts {
				t.Fatalf("at %v: %s after %d attempts, want %s after %d (%s)", c.Now(), r.Status, r.Attempts, wantStatus, wantAttempts, r.LastError)
			}
			if wantStatus == StatusPending && !r.NextAttemptAt.Equal(dbTime(c.Now()).Add(wantNext)) {
				t.Fatalf("next attempt %v, want now (%v) + %v", r.NextAttemptAt, c.Now(), wantNext)
			}
			if wantStatus == StatusPending && !strings.Contains(r.LastError, "HTTP 500") {
				t.Errorf("last error %q", r.LastError)
			}
		}
		step(1, StatusPending, 1, 30*time.Second)
		step(1, StatusPending, 1, 30*time.Second) // not due yet: no call
		c.Advance(29 * time.Second)
		if _, err := w.RunOnce(ctx); err != nil || at.Calls() != 1 {
			t.Fatalf("retried too early: %d calls, %v", at.Calls(), err)
		}
		c.Advance(time.Second)
		step(2, StatusPending, 2, time.Minute)
		c.Advance(time.Minute)
		step(3, StatusSent, 3, 0)
		if r := only(t, d); r.LastError != "" || len(at.Messages()) != 1 {
			t.Errorf("after success: %+v, %d messages", r, len(at.Messages()))
		}
	})
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := Backoff(1000); got != time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

// TestGivesUpAfterMaxAttempts: a message that keeps failing is marked failed after ten attempts.
func TestGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		sms := &recorder{name: "flaky", fail: func(Outgoing) error { return errFlaky }}
		w := NewWorker(d, c.Now, sms, nil, quietLog())
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "hello"})
		for i := 1; i <= 12; i++ {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			r := only(t, d)
			wantStatus := StatusPending
			if i >= DefaultMaxAttempts {
				wantStatus = StatusFailed
			}
			if want := min(i, DefaultMaxAttempts); r.Status != wantStatus || r.Attempts != want || len(sms.calls()) != want {
				t.Fatalf("round %d: %s, %d attempts, %d calls", i, r.Status, r.Attempts, len(sms.calls()))
			}
			if r.LastError != errFlaky.Error() {
				t.Errorf("last error %q", r.LastError)
			}
			c.Advance(time.Hour)
		}
		if s := w.Stats(ctx); s[StatusFailed] != 1 {
			t.Errorf("Stats %v", s)
		}
	})
}

// TestPermanentFailureNotRetried: a refused recipient or refused credentials fail the message at
// once; a temporary refusal (no balance) is retried.
func TestPermanentFailureNotRetried(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		at := fakeat.Start(t, atUser, atKey)
		at.SetStatus("+254711000001", 406) // UserInBlacklist
		at.SetStatus("+254711000003", 405) // InsufficientBalance
		good := NewWorker(d, c.Now, atProvider(at), nil, quietLog())
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0711000001", Body: "blacklisted"})
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0711000003", Body: "no balance"})
		if n, err := good.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("RunOnce: %d, %v", n, err)
		}

		badKey := atProvider(at)
		badKey.APIKey = "wrong"
		bad := NewWorker(d, c.Now, badKey, nil, quietLog())
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0711000002", Body: "bad key"})
		if n, err := bad.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("RunOnce: %d, %v", n, err)
		}

		list := all(t, d)
		if r := list[0]; r.Status != StatusFailed || r.Attempts != 1 || !strings.Contains(r.LastError, "406 UserInBlacklist") {
			t.Errorf("blacklisted: %+v", r)
		}
		if r := list[1]; r.Status != StatusPending || r.Attempts != 1 || !strings.Contains(r.LastError, "405 InsufficientBalance") {
			t.Errorf("no balance: %+v", r)
		}
		if r := list[2]; r.Status != StatusFailed || r.Attempts != 1 || !strings.Contains(r.LastError, "The supplied authentication is invalid") {
			t.Errorf("bad key: %+v", r)
		}
		calls := at.Calls()
		c.Advance(2 * time.Hour)
		at.SetStatus("+254711000003", 0) // topped up
		if n, err := good.RunOnce(ctx); err != nil || n != 1 || at.Calls() != calls+1 {
			t.Fatalf("later: sent %d, %v; calls %d → %d (only the temporary failure is retried)", n, err, calls, at.Calls())
		}
		if r := all(t, d)[1]; r.Status != StatusSent || r.Attempts != 2 {
			t.Errorf("topped up: %+v", r)
		}
	})
}

// slow hands each message on after a pause, so that concurrent workers overlap.
type slow struct{ Provider }

func (s slow) Send(ctx context.Context, m Outgoing) (string, error) {
	time.Sleep(time.Millisecond)
	return s.Provider.Send(ctx, m)
}

// TestTwoWorkersSendEachMessageOnce: workers running at the same time (two nodes) never send one
// message twice, and between them send every message.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		at := fakeat.Start(t, atUser, atKey)
		const total = 50
		for i := range total {
			enqueue(t, d, c.Now(), Message{Channel: SMS, To: fmt.Sprintf("07%08d", i), Body: fmt.Sprintf("message %d", i)})
		}
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			sent  [2]int
			errs  [2]error
		)
		for i := range 2 {
			w := NewWorker(d, c.Now, slow{atProvider(at)}, nil, quietLog())
			w.BatchSize = 3
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				sent[i], errs[i] = w.RunOnce(ctx)
			}()
		}
		close(start)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("RunOnce: %v, %v", errs[0], errs[1])
		}
		if sent[0]+sent[1] != total {
			t.Errorf("workers sent %d + %d, want %d in all", sent[0], sent[1], total)
		}
		t.Logf("worker 1 sent %d, worker 2 sent %d", sent[0], sent[1])
		count := map[string]int{}
		for _, m := range at.Messages() {
			count[m.Text]++
		}
		for i := range total {
			if n := count[fmt.Sprintf("message %d", i)]; n != 1 {
				t.Errorf("message %d sent %d times", i, n)
			}
		}
		for _, r := range all(t, d) {
			if r.Status != StatusSent || r.Attempts != 1 {
				t.Errorf("row %d: %s after %d attempts", r.ID, r.Status, r.Attempts)
			}
		}
	})
}

// TestExpiredLeaseIsTakenOver: a worker that stops after claiming does not lose the message: when its
// lease ends another worker sends it, and the first one's late result cannot overwrite that.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "hello"})
		first := &recorder{name: "first"}
		w1 := NewWorker(d, c.Now, first, nil, quietLog())
		claims, err := w1.claim(ctx)
		if err != nil || len(claims) != 1 {
			t.Fatalf("claim: %v, %v", claims, err)
		}
		r := only(t, d)
		if r.Status != StatusSending || r.Attempts != 1 || !r.NextAttemptAt.Equal(dbTime(c.Now()).Add(DefaultLease)) {
			t.Fatalf("claimed row %+v", r)
		}

		second := &recorder{name: "second"}
		w2 := NewWorker(d, c.Now, second, nil, quietLog())
		c.Advance(DefaultLease - time.Second)
		if n, err := w2.RunOnce(ctx); err != nil || n != 0 || len(second.calls()) != 0 {
			t.Fatalf("under lease: sent %d, %v", n, err)
		}
		c.Advance(time.Second)
		if n, err := w2.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after the lease: sent %d, %v", n, err)
		}
		// The first worker wakes up and finishes its attempt: its result is not recorded.
		if _, err := w1.process(ctx, claims[0]); err != nil {
			t.Fatal(err)
		}
		r = only(t, d)
		if r.Status != StatusSent || r.Provider != "second" || r.ProviderMessageID != "second-1" || r.Attempts != 2 {
			t.Errorf("after takeover %+v", r)
		}
	})
}

// TestLastAttemptLeaseExpiredFails: when the worker making the last allowed attempt stops, the
// message is marked failed rather than tried an eleventh time.
func TestLastAttemptLeaseExpiredFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "hello"})
		p := &recorder{name: "rec"}
		w := NewWorker(d, c.Now, p, nil, quietLog())
		w.MaxAttempts = 1
		if claims, err := w.claim(ctx); err != nil || len(claims) != 1 {
			t.Fatalf("claim: %v, %v", claims, err)
		}
		c.Advance(time.Hour)
		if n, err := w.RunOnce(ctx); err != nil || n != 0 || len(p.calls()) != 0 {
			t.Fatalf("RunOnce: %d, %v, %d calls", n, err, len(p.calls()))
		}
		if r := only(t, d); r.Status != StatusFailed || r.Attempts != 1 || !strings.Contains(r.LastError, "stopped") {
			t.Errorf("%+v", r)
		}
	})
}

// TestShutdownHandsMessagesBack: when the worker's context ends mid-round, the attempt cut short
// and the messages not yet tried go back to pending, as if never claimed.
func TestShutdownHandsMessagesBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		for i := range 3 {
			enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: fmt.Sprint("m", i)})
		}
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		p := &recorder{name: "rec", fail: func(Outgoing) error {
			cancel() // the node is shutting down while the first message is with the provider
			return context.Canceled
		}}
		w := NewWorker(d, c.Now, p, nil, quietLog())
		if n, err := w.RunOnce(rctx); !errors.Is(err, context.Canceled) || n != 0 {
			t.Fatalf("RunOnce: %d, %v", n, err)
		}
		for _, r := range all(t, d) {
			if r.Status != StatusPending || r.Attempts != 0 || !r.NextAttemptAt.Equal(dbTime(c.Now())) {
				t.Errorf("after shutdown %+v", r)
			}
		}
		if len(p.calls()) != 1 {
			t.Errorf("%d provider calls", len(p.calls()))
		}
	})
}

// TestRun: Run sends what is enqueued while it runs, and returns when its context ends.
func TestRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var out bufLog
		log := slog.New(slog.NewTextHandler(&out, nil))
		w := NewWorker(d, nil, nil, nil, log) // the defaults: real clock, log providers
		w.Interval = 10 * time.Millisecond
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { w.Run(rctx); close(done) }()
		enqueue(t, d, time.Now(), Message{Channel: Email, To: "a@example.com", Subject: "Hi", Body: "Karibu Huduma"})
		deadline := time.Now().Add(30 * time.Second)
		for w.Stats(ctx)[StatusSent] != 1 {
			if time.Now().After(deadline) {
				t.Fatal("Run did not send the message")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-done
		if r := only(t, d); r.Provider != "log" || r.ProviderMessageID != fmt.Sprint("log-", r.ID) {
			t.Errorf("%+v", r)
		}
		if s := out.String(); !strings.Contains(s, "Karibu Huduma") || !strings.Contains(s, "a@example.com") {
			t.Errorf("the log provider wrote %q", s)
		}
	})
}
