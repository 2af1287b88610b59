package notify

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

func TestNormalisePhone(t *testing.T) {
	valid := []struct{ in, want string }{
		{"0712345678", "+254712345678"},
		{"0712 345 678", "+254712345678"},
		{"0712-345-678", "+254712345678"},
		{" 0722.000.111 ", "+254722000111"},
		{"+254712345678", "+254712345678"},
		{"+254 712 345 678", "+254712345678"},
		{"254712345678", "+254712345678"},
		{"254 712 345678", "+254712345678"},
		{"+254 (0)712 345 678", "+254712345678"},
		{"00254712345678", "+254712345678"},
		{"712345678", "+254712345678"},
		{"0110345678", "+254110345678"}, // Safaricom's 011x range
		{"+254 100 123 456", "+254100123456"},
		{"0100-123-456", "+254100123456"}, // Airtel's 010x range
	}
	for _, c := range valid {
		got, err := NormalisePhone(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	invalid := []string{
		"",
		"   ",
		"12345",
		"0202345678",      // a Nairobi landline
		"+255712345678",   // Tanzania
		"+1 202 555 0100", // not Kenya
		"07123456789",     // one digit too many
		"071234567",       // one too few
		"0812345678",      // no 08 mobile range
		"0712abc678",
		"0712/345/678",
		"++254712345678",
		"2547123456789",
		"+254 712 345 678 9",
		"254",
	}
	for _, in := range invalid {
		got, err := NormalisePhone(in)
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("NormalisePhone(%q) = %q, %v; want an invalid error", in, got, err)
			continue
		}
		if msg, _ := apperr.MessageOf(err); msg != "Enter a Kenyan mobile number, such as 0712 345 678." {
			t.Errorf("NormalisePhone(%q): message %q", in, msg)
		}
	}
}

// TestEnqueueValidates: bad recipients and bodies are refused with a clear, coded message, and
// nothing is added; good ones are stored normalised.
func TestEnqueueValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := newClock().Now()
		cases := []struct {
			m    Message
			want string // the apperr message
		}{
			{Message{Channel: SMS, To: "0202345678", Body: "hi"}, "Enter a Kenyan mobile number, such as 0712 345 678."},
			{Message{Channel: SMS, To: "", Body: "hi"}, "Enter a Kenyan mobile number, such as 0712 345 678."},
			{Message{Channel: Email, To: "not an address", Body: "hi"}, "Enter a valid email address, such as name@example.com."},
			{Message{Channel: Email, To: "", Body: "hi"}, "Enter a valid email address, such as name@example.com."},
			{Message{Channel: Email, To: "a@b.ke\r\nBcc: x@y.ke", Body: "hi"}, "Enter a valid email address, such as name@example.com."},
			{Message{Channel: SMS, To: "0712345678", Body: "  \n "}, "The message has no text."},
			{Message{Channel: SMS, To: "0712345678", Body: strings.Repeat("x", MaxSMSLength+1)}, "An SMS can have at most %d characters; this one has %d."},
			{Message{Channel: "fax", To: "0712345678", Body: "hi"}, "Messages go by SMS or email, not %q."},
		}
		for _, c := range cases {
			err := d.InTx(ctx, func(tx *sql.Tx) error { return Enqueue(ctx, tx, now, c.m) })
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%+v: %v, want invalid", c.m, err)
				continue
			}
			if msg, _ := apperr.MessageOf(err); msg != c.want {
				t.Errorf("%+v: message %q, want %q", c.m, msg, c.want)
			}
		}
		if n := len(all(t, d)); n != 0 {
			t.Fatalf("%d rows added by refused messages", n)
		}

		// At the limits, and normalised.
		enqueue(t, d, now, Message{Channel: SMS, To: "0712 345-678", Body: strings.Repeat("é", MaxSMSLength)})
		enqueue(t, d, now, Message{Channel: Email, To: "Wanjiku Kamau <wanjiku@example.co.ke>", Subject: "Ombi\r\nBcc: x@y.ke", Body: "hi"})
		list := all(t, d)
		if len(list) != 2 || list[0].To != "+254712345678" || list[1].To != "wanjiku@example.co.ke" {
			t.Fatalf("stored %+v", list)
		}
		if list[1].Subject != "Ombi Bcc: x@y.ke" {
			t.Errorf("subject stored as %q: a line break must not survive into a header", list[1].Subject)
		}
		r := list[0]
		if r.Status != StatusPending || r.Attempts != 0 || !r.NextAttemptAt.Equal(dbTime(now)) || !r.CreatedAt.Equal(dbTime(now)) ||
			r.DedupeKey != "" || r.RequestID != 0 || !r.SentAt.IsZero() {
			t.Errorf("new row %+v", r)
		}
	})
}

// TestEnqueueRolledBackSendsNothing: the message belongs to the caller's transaction.
func TestEnqueueRolledBackSendsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		boom := errors.New("the request change failed")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := Enqueue(ctx, tx, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "Your request was received."}); err != nil {
				return err
			}
			// Nobody else sees (or sends) a message whose transaction is still open.
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil || n != 0 {
				t.Errorf("outside the open transaction: %d rows, %v", n, err)
			}
			if d.Engine == db.Postgres { // on SQLite the open transaction holds the write lock
				sms := &recorder{name: "rec"}
				if n, err := NewWorker(d, c.Now, sms, sms, quietLog()).RunOnce(ctx); err != nil || n != 0 {
					t.Errorf("worker during the open transaction: sent %d, %v", n, err)
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		sms := &recorder{name: "rec"}
		n, err := NewWorker(d, c.Now, sms, sms, quietLog()).RunOnce(ctx)
		if err != nil || n != 0 || len(sms.calls()) != 0 || len(all(t, d)) != 0 {
			t.Fatalf("after rollback: sent %d (%v), provider calls %d, rows %d", n, err, len(sms.calls()), len(all(t, d)))
		}
	})
}

// TestEnqueueDedupe: an event enqueued twice — in two transactions or in one — is one message.
func TestEnqueueDedupe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		m := Message{Channel: SMS, To: "0712345678", Body: "Request HC-1 resolved.", DedupeKey: "request:1:resolved:sms", RequestID: 1}
		enqueue(t, d, c.Now(), m)
		enqueue(t, d, c.Now(), m)
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			for range 2 {
				if err := Enqueue(ctx, tx, c.Now(), m); err != nil {
					return err
				}
			}
			// The transaction is still usable afterwards (on PostgreSQL a failed insert would have
			// aborted it).
			return Enqueue(ctx, tx, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "Other event", DedupeKey: "request:1:acknowledged:sms", RequestID: 1})
		})
		if err != nil {
			t.Fatalf("duplicate enqueue: %v", err)
		}
		// Without a key there is no deduplication.
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "no key"})
		enqueue(t, d, c.Now(), Message{Channel: SMS, To: "0712345678", Body: "no key"})
		if n := len(all(t, d)); n != 4 {
			t.Fatalf("%d rows, want 4", n)
		}
		list, err := ForRequest(ctx, d, 1)
		if err != nil || len(list) != 2 || list[0].DedupeKey != m.DedupeKey || list[0].RequestID != 1 {
			t.Fatalf("ForRequest: %+v, %v", list, err)
		}

		sms := &recorder{name: "rec"}
		w := NewWorker(d, c.Now, sms, nil, quietLog())
		if n, err := w.RunOnce(ctx); err != nil || n != 4 {
			t.Fatalf("RunOnce: %d, %v", n, err)
		}
		// Enqueued again after it was sent: still nothing new.
		enqueue(t, d, c.Now(), m)
		if n, err := w.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("second RunOnce: %d, %v", n, err)
		}
		seen := map[string]int{}
		for _, o := range sms.calls() {
			seen[fmt.Sprint(o.DedupeKey, "/", o.Body)]++
		}
		if seen["request:1:resolved:sms/Request HC-1 resolved."] != 1 || seen["/no key"] != 2 {
			t.Errorf("sent %v", seen)
		}
	})
}
