package notify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/notify/fakeat"
)

// TestAfricasTalkingRequest: the provider's request is the one Africa's Talking documents.
func TestAfricasTalkingRequest(t *testing.T) {
	var got *http.Request
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(b))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: KES 0.8000","Recipients":[{"statusCode":101,"number":"+254711000111","status":"Success","cost":"KES 0.8000","messageId":"ATPid_SampleTxnId123"}]}}`)
	}))
	defer srv.Close()
	p := AfricasTalkingSMS{BaseURL: srv.URL + "/", Username: "sandbox", APIKey: "k3y", From: "HUDUMA"}
	id, err := p.Send(ctx, Outgoing{ID: 1, Message: Message{Channel: SMS, To: "+254711000111", Body: "Habari & karibu"}})
	if err != nil || id != "ATPid_SampleTxnId123" {
		t.Fatalf("Send: %q, %v", id, err)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/version1/messaging" || got.Header.Get("apiKey") != "k3y" ||
		got.Header.Get("Accept") != "application/json" || got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("request %s %s %v", got.Method, got.URL, got.Header)
	}
	want := url.Values{"username": {"sandbox"}, "to": {"+254711000111"}, "message": {"Habari & karibu"}, "from": {"HUDUMA"}}
	if fmt.Sprint(form) != fmt.Sprint(want) {
		t.Errorf("form %v, want %v", form, want)
	}
	// No sender ID: no from field.
	p.From = ""
	if _, err := p.Send(ctx, Outgoing{ID: 1, Message: Message{Channel: SMS, To: "+254711000111", Body: "x"}}); err != nil || form.Has("from") {
		t.Errorf("without From: %v, form %v", err, form)
	}
	if (AfricasTalkingSMS{}).Name() != "africastalking" {
		t.Error("name")
	}
}

// TestAfricasTalkingOutcomes: each answer is success, a temporary failure or a permanent one.
func TestAfricasTalkingOutcomes(t *testing.T) {
	at := fakeat.Start(t, atUser, atKey)
	send := func(p AfricasTalkingSMS, to string) (string, error) {
		return p.Send(ctx, Outgoing{ID: 1, Message: Message{Channel: SMS, To: to, Body: "hello"}})
	}
	const (
		ok = iota
		temporary
		permanent
	)
	outcome := func(err error) int {
		switch {
		case err == nil:
			return ok
		case errors.Is(err, ErrPermanent):
			return permanent
		}
		return temporary
	}
	names := []string{"success", "temporary", "permanent"}

	for code, want := range map[int]int{
		100: ok, 101: ok, 102: ok,
		401: temporary, 402: permanent, 403: permanent, 404: permanent, 405: temporary, 406: permanent,
		407: temporary, 409: permanent, 500: temporary, 501: temporary, 502: temporary,
	} {
		number := fmt.Sprintf("+2547110%05d", code)
		at.SetStatus(number, code)
		id, err := send(atProvider(at), number)
		if got := outcome(err); got != want {
			t.Errorf("status %d: %s (%v), want %s", code, names[got], err, names[want])
		}
		if want == ok && !strings.HasPrefix(id, "ATXid_") {
			t.Errorf("status %d: id %q", code, id)
		}
		if want != ok && !strings.Contains(err.Error(), fakeat.StatusNames[code]) {
			t.Errorf("status %d: error %q does not name it", code, err)
		}
	}

	// Not E.164 (Enqueue would have normalised it): refused for good.
	if _, err := send(atProvider(at), "0712345678"); outcome(err) != permanent {
		t.Errorf("bad number: %v", err)
	}
	// Wrong key or username: HTTP 401, permanent.
	p := atProvider(at)
	p.APIKey = "nope"
	if _, err := send(p, "+254712345678"); outcome(err) != permanent || !strings.Contains(err.Error(), "401") {
		t.Errorf("bad key: %v", err)
	}
	p = atProvider(at)
	p.Username = "someone-else"
	if _, err := send(p, "+254712345678"); outcome(err) != permanent {
		t.Errorf("bad username: %v", err)
	}
	// An outage: HTTP 500, temporary.
	at.FailNext(1)
	if _, err := send(atProvider(at), "+254712345678"); outcome(err) != temporary || !strings.Contains(err.Error(), "500") {
		t.Errorf("outage: %v", err)
	}
	// A mistyped base URL (404 from somebody's web server): temporary, so it can be fixed in time.
	p = atProvider(at)
	p.BaseURL = at.URL + "/wrong"
	if _, err := send(p, "+254712345678"); outcome(err) != temporary {
		t.Errorf("wrong base URL: %v", err)
	}
	// Nobody listening: temporary.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	p.BaseURL = "http://" + addr
	if _, err := send(p, "+254712345678"); outcome(err) != temporary {
		t.Errorf("connection refused: %v", err)
	}
	if strings.Contains(fmt.Sprint(at.Messages()), "nope") {
		t.Error("the key leaked")
	}

	// Refused before any recipient: the answer names why.
	for body, want := range map[string]int{
		`{"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}}`:                                                      permanent,
		`{"SMSMessageData":{"Message":"Something odd","Recipients":[]}}`:                                                        temporary,
		`<html>maintenance</html>`:                                                                                              temporary,
		`{"SMSMessageData":{"Recipients":[{"statusCode":101,"number":"+254712345678","status":"Success","messageId":"None"}]}}`: ok,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, body)
		}))
		_, err := send(AfricasTalkingSMS{BaseURL: srv.URL, Username: "u", APIKey: "k"}, "+254712345678")
		if got := outcome(err); got != want {
			t.Errorf("answer %s: %s (%v), want %s", body, names[got], err, names[want])
		}
		srv.Close()
	}
}
