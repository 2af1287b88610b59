// Package fakeat is a local stand-in for Africa's Talking's SMS API, for tests: an httptest server
// that checks a request as the real POST /version1/messaging does — the apiKey header, the
// username, a form body, E.164 recipients, a message — records what it accepts and answers in the
// real JSON shape with generated message ids. It can fail the next calls with HTTP 500, answer a
// chosen status code for a number, and post delivery reports to a callback as Africa's Talking
// does.
//
//	at := fakeat.Start(t, "huduma", "secret-key")
//	p := notify.AfricasTalkingSMS{BaseURL: at.URL, Username: "huduma", APIKey: "secret-key"}
//	...
//	msgs := at.Messages()
//	at.Deliver(ctx, callbackURL, msgs[0].ID, "Success", "")
package fakeat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Path is the messaging endpoint under the base URL.
const Path = "/version1/messaging"

// Status codes and names of the messaging API's per-recipient answers.
var StatusNames = map[int]string{
	100: "Processed",
	101: "Success", // the real API reports 101 "Sent" as status "Success"
	102: "Queued",
	401: "RiskHold",
	402: "InvalidSenderId",
	403: "InvalidPhoneNumber",
	404: "UnsupportedNumberType",
	405: "InsufficientBalance",
	406: "UserInBlacklist",
	407: "CouldNotRoute",
	409: "DoNotDisturbRejection",
	500: "InternalServerError",
	501: "GatewayError",
	502: "RejectedByGateway",
}

// Message is one SMS the server accepted (one per recipient).
type Message struct {
	ID       string // the messageId it answered, e.g. ATXid_3f2c...
	Username string
	To       string // E.164
	From     string // the sender ID asked for, "" for the default
	Text     string
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	URL      string // the base URL: pass it as AfricasTalkingSMS.BaseURL
	Username string
	APIKey   string

	srv      *httptest.Server
	mu       sync.Mutex
	messages []Message
	calls    int
	failNext int
	statuses map[string]int
}

// Start runs a fake that accepts username and apiKey, closed when the test ends.
func Start(t testing.TB, username, apiKey string) *Server {
	t.Helper()
	s := &Server{Username: username, APIKey: apiKey, statuses: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server (Start arranges it for the end of the test too).
func (s *Server) Close() { s.srv.Close() }

// Messages returns the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Calls counts the requests to the messaging endpoint, failed ones included.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// FailNext makes the next n messaging calls answer HTTP 500, as during an outage.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// SetStatus makes the server answer code (a key of StatusNames) for number from now on, e.g. 406
// UserInBlacklist or 405 InsufficientBalance; 0 restores the normal answer.
func (s *Server) SetStatus(number string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.statuses, number)
		return
	}
	s.statuses[number] = code
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	s.calls++
	fail := s.failNext > 0
	if fail {
		s.failNext--
	}
	s.mu.Unlock()
	if fail {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	if r.Header.Get("apiKey") != s.APIKey || s.APIKey == "" {
		http.Error(w, "The supplied authentication is invalid", http.StatusUnauthorized)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		http.Error(w, "Request body must be application/x-www-form-urlencoded", http.StatusUnsupportedMediaType)
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "application/json") {
		// The real API answers XML then; our clients always ask for JSON.
		http.Error(w, "Accept: application/json expected", http.StatusNotAcceptable)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Malformed request body", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	for _, k := range []string{"username", "to", "message"} {
		if strings.TrimSpace(f.Get(k)) == "" {
			http.Error(w, fmt.Sprintf("Request is missing required form field '%s'", k), http.StatusBadRequest)
			return
		}
	}
	if f.Get("username") != s.Username {
		http.Error(w, "The supplied authentication is invalid", http.StatusUnauthorized)
		return
	}
	text := f.Get("message")
	parts := smsParts(text)

	type recipient struct {
		StatusCode int    `json:"statusCode"`
		Number     string `json:"number"`
		Status     string `json:"status"`
		Cost       string `json:"cost"`
		MessageID  string `json:"messageId"`
	}
	var (
		recipients []recipient
		sent       int
		total      float64
	)
	s.mu.Lock()
	for _, to := range strings.Split(f.Get("to"), ",") {
		to = strings.TrimSpace(to)
		code := 101
		if !e164.MatchString(to) {
			code = 403
		} else if c, ok := s.statuses[to]; ok {
			code = c
		}
		rc := recipient{StatusCode: code, Number: to, Status: StatusNames[code], Cost: "0", MessageID: "None"}
		if code >= 100 && code <= 102 {
			cost := 0.8 * float64(parts)
			rc.Cost = fmt.Sprintf("KES %.4f", cost)
			rc.MessageID = newID()
			total += cost
			sent++
			s.messages = append(s.messages, Message{ID: rc.MessageID, Username: f.Get("username"), To: to, From: f.Get("from"), Text: text})
		}
		recipients = append(recipients, rc)
	}
	s.mu.Unlock()

	var resp struct {
		SMSMessageData struct {
			Message    string      `json:"Message"`
			Recipients []recipient `json:"Recipients"`
		} `json:"SMSMessageData"`
	}
	resp.SMSMessageData.Message = fmt.Sprintf("Sent to %d/%d Total Cost: KES %.4f", sent, len(recipients), total)
	resp.SMSMessageData.Recipients = recipients
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(resp)
}

// gsmBasic is the GSM 03.38 default alphabet; gsmExtended are the characters that take two septets.
const (
	gsmBasic    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtended = "^{}\\[~]|€\f"
)

// smsParts counts the parts a message is sent in: 160 GSM septets in one, 153 each when
// concatenated; 70 and 67 characters when it needs UCS-2.
func smsParts(text string) int {
	septets := 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtended, r):
			septets += 2
		default:
			n := utf8.RuneCountInString(text)
			if n <= 70 {
				return 1
			}
			return (n + 66) / 67
		}
	}
	if septets <= 160 {
		return 1
	}
	return (septets + 152) / 153
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "ATXid_" + hex.EncodeToString(b[:])
}

// Deliver posts a delivery report to callbackURL as Africa's Talking does: a form with id, status
// (Success, Failed, Rejected, Sent, Submitted, Buffered…), phoneNumber, networkCode, failureReason
// and retryCount. It returns the HTTP status the callback answered.
func (s *Server) Deliver(ctx context.Context, callbackURL, messageID, status, failureReason string) (int, error) {
	var phone string
	s.mu.Lock()
	for _, m := range s.messages {
		if m.ID == messageID {
			phone = m.To
		}
	}
	s.mu.Unlock()
	form := url.Values{
		"id":            {messageID},
		"status":        {status},
		"phoneNumber":   {phone},
		"networkCode":   {"63902"}, // Safaricom
		"failureReason": {failureReason},
		"retryCount":    {"0"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callbackURL, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
