package fakeat

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestChecksLikeTheRealAPI(t *testing.T) {
	s := Start(t, "huduma", "key")
	form := "application/x-www-form-urlencoded"
	good := url.Values{"username": {"huduma"}, "to": {"+254712345678"}, "message": {"hi"}}.Encode()
	do := func(method, path, key, contentType, accept, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		if key != "" {
			req.Header.Set("apiKey", key)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	cases := []struct {
		name                                         string
		method, path, key, contentType, accept, body string
		code                                         int
		text                                         string
	}{
		{"wrong path", "POST", "/version1/other", "key", form, "application/json", good, 404, ""},
		{"GET", "GET", Path, "key", "", "application/json", "", 405, ""},
		{"no key", "POST", Path, "", form, "application/json", good, 401, "The supplied authentication is invalid"},
		{"wrong key", "POST", Path, "nope", form, "application/json", good, 401, "The supplied authentication is invalid"},
		{"JSON body", "POST", Path, "key", "application/json", "application/json", `{"to":"+254712345678"}`, 415, ""},
		{"XML wanted", "POST", Path, "key", form, "application/xml", good, 406, ""},
		{"no to", "POST", Path, "key", form, "application/json", "username=huduma&message=hi", 400, "Request is missing required form field 'to'"},
		{"no message", "POST", Path, "key", form, "application/json", "username=huduma&to=%2B254712345678", 400, "Request is missing required form field 'message'"},
		{"wrong username", "POST", Path, "key", form, "application/json", "username=other&to=%2B254712345678&message=hi", 401, "The supplied authentication is invalid"},
	}
	for _, c := range cases {
		code, text := do(c.method, c.path, c.key, c.contentType, c.accept, c.body)
		if code != c.code || (c.text != "" && text != c.text) {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, text, c.code, c.text)
		}
	}
	if len(s.Messages()) != 0 {
		t.Fatalf("recorded %v", s.Messages())
	}

	// Two recipients, one not E.164: the real answer's shape, one message recorded.
	body := url.Values{"username": {"huduma"}, "to": {"+254712345678, 0712345678"}, "message": {"hi"}, "from": {"HUDUMA"}}.Encode()
	code, text := do("POST", Path, "key", form, "application/json", body)
	if code != http.StatusCreated {
		t.Fatalf("HTTP %d %s", code, text)
	}
	var resp struct {
		SMSMessageData struct {
			Message    string
			Recipients []struct {
				StatusCode                      int
				Number, Status, Cost, MessageID string
			}
		}
	}
	if err := json.Unmarshal([]byte(text), &resp); err != nil {
		t.Fatal(err)
	}
	d := resp.SMSMessageData
	if d.Message != "Sent to 1/2 Total Cost: KES 0.8000" || len(d.Recipients) != 2 {
		t.Fatalf("%s", text)
	}
	if r := d.Recipients[0]; r.StatusCode != 101 || r.Status != "Success" || r.Number != "+254712345678" || !strings.HasPrefix(r.MessageID, "ATXid_") || r.Cost != "KES 0.8000" {
		t.Errorf("first recipient %+v", r)
	}
	if r := d.Recipients[1]; r.StatusCode != 403 || r.Status != "InvalidPhoneNumber" || r.MessageID != "None" {
		t.Errorf("second recipient %+v", r)
	}
	msgs := s.Messages()
	if len(msgs) != 1 || msgs[0].ID != d.Recipients[0].MessageID || msgs[0].From != "HUDUMA" || msgs[0].To != "+254712345678" || msgs[0].Text != "hi" {
		t.Errorf("recorded %+v", msgs)
	}

	// FailNext: the next calls fail with 500, then it works again.
	s.FailNext(2)
	for i, want := range []int{500, 500, 201} {
		if code, _ := do("POST", Path, "key", form, "application/json", good); code != want {
			t.Errorf("call %d after FailNext(2): %d, want %d", i+1, code, want)
		}
	}
	if s.Calls() != 11 { // every POST to the messaging path: 7 refused, 1 with two recipients, these 3
		t.Errorf("Calls %d", s.Calls())
	}
}

func TestDeliver(t *testing.T) {
	s := Start(t, "huduma", "key")
	var got url.Values
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got = r.PostForm
	}))
	defer cb.Close()
	code, err := s.Deliver(context.Background(), cb.URL, "ATXid_1", "Failed", "UserIsInactive")
	if err != nil || code != 200 {
		t.Fatal(code, err)
	}
	for k, v := range map[string]string{"id": "ATXid_1", "status": "Failed", "failureReason": "UserIsInactive", "networkCode": "63902", "retryCount": "0"} {
		if got.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, got.Get(k), v)
		}
	}
	if !got.Has("phoneNumber") {
		t.Error("no phoneNumber")
	}
}

func TestSMSParts(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("a", 306), 2},
		{strings.Repeat("a", 307), 3},
		{strings.Repeat("é", 160), 1}, // in the GSM alphabet
		{strings.Repeat("€", 80), 1},  // two septets each
		{strings.Repeat("€", 81), 2},
		{strings.Repeat("—", 70), 1}, // UCS-2
		{strings.Repeat("—", 71), 2},
		{strings.Repeat("—", 135), 3},
	} {
		if got := smsParts(c.text); got != c.want {
			t.Errorf("%d × %q: %d parts, want %d", len([]rune(c.text)), c.text[:1], got, c.want)
		}
	}
}
