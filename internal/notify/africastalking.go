package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Africa's Talking API hosts.
const (
	AfricasTalkingProductionURL = "https://api.africastalking.com"
	AfricasTalkingSandboxURL    = "https://api.sandbox.africastalking.com"
)

// AfricasTalkingSMS sends SMS through Africa's Talking's bulk messaging API:
// POST {BaseURL}/version1/messaging with the apiKey header and a form body of username, to,
// message and (optionally) from.
type AfricasTalkingSMS struct {
	BaseURL    string // "" means AfricasTalkingProductionURL; AfricasTalkingSandboxURL for the sandbox
	Username   string // the application's username ("sandbox" in the sandbox)
	APIKey     string
	From       string       // an approved sender ID or short code; "" for Africa's Talking's default
	HTTPClient *http.Client // nil: a client with a 20-second timeout
}

func (AfricasTalkingSMS) Name() string { return "africastalking" }

var defaultATClient = &http.Client{Timeout: 20 * time.Second}

// atResponse is the JSON answer of /version1/messaging.
type atResponse struct {
	SMSMessageData struct {
		Message    string `json:"Message"`
		Recipients []struct {
			StatusCode int    `json:"statusCode"`
			Number     string `json:"number"`
			Status     string `json:"status"`
			Cost       string `json:"cost"`
			MessageID  string `json:"messageId"`
		} `json:"Recipients"`
	} `json:"SMSMessageData"`
}

// Per-recipient status codes that retrying will not cure: the recipient or the sender ID is
// refused. The others — 401 RiskHold (an account review), 405 InsufficientBalance (until a top-up),
// 407 CouldNotRoute, 500 InternalServerError, 501 GatewayError, 502 RejectedByGateway, and any code
// not listed — are retried with backoff: they clear on their own or once the account is sorted
// out, and ten bounded attempts cost little.
var atPermanentCodes = map[int]string{
	402: "InvalidSenderId",
	403: "InvalidPhoneNumber",
	404: "UnsupportedNumberType",
	406: "UserInBlacklist",
	409: "DoNotDisturbRejection",
}

// Send sends one SMS and returns Africa's Talking's messageId.
func (p AfricasTalkingSMS) Send(ctx context.Context, m Outgoing) (string, error) {
	base := strings.TrimRight(p.BaseURL, "/")
	if base == "" {
		base = AfricasTalkingProductionURL
	}
	form := url.Values{"username": {p.Username}, "to": {m.To}, "message": {m.Body}}
	if p.From != "" {
		form.Set("from", p.From)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/version1/messaging", strings.NewReader(form.Encode()))
	if err != nil {
		return "", Permanent(fmt.Errorf("africastalking: %w", err))
	}
	req.Header.Set("apiKey", p.APIKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := p.HTTPClient
	if client == nil {
		client = defaultATClient
	}
	resp, err := client.Do(req)
	if err != nil {
		// The url.Error names the URL, which holds no secret (the key is a header).
		return "", fmt.Errorf("africastalking: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("africastalking: reading the answer: %w", err)
	}
	text := strings.TrimSpace(string(body))
	if len(text) > 200 {
		text = text[:200]
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		// Wrong username or API key: no retry will help.
		return "", Permanent(fmt.Errorf("africastalking: HTTP %d %s", resp.StatusCode, text))
	case resp.StatusCode == http.StatusBadRequest:
		// The request itself is refused (a missing or malformed field); it would be refused again.
		return "", Permanent(fmt.Errorf("africastalking: HTTP %d %s", resp.StatusCode, text))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// 5xx, 429, a proxy in the way, a mistyped base URL: retried with backoff.
		return "", fmt.Errorf("africastalking: HTTP %d %s", resp.StatusCode, text)
	}
	var r atResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("africastalking: unreadable answer (HTTP %d, %q): %w", resp.StatusCode, text, err)
	}
	data := r.SMSMessageData
	if len(data.Recipients) == 0 {
		// Refused before any recipient was tried, e.g. {"Message":"InvalidSenderId","Recipients":[]}.
		err := fmt.Errorf("africastalking: no recipient accepted: %s", data.Message)
		for _, name := range atPermanentCodes {
			if strings.Contains(data.Message, name) {
				return "", Permanent(err)
			}
		}
		return "", err
	}
	rc := data.Recipients[0]
	for _, x := range data.Recipients {
		if x.Number == m.To {
			rc = x
			break
		}
	}
	switch {
	case rc.StatusCode >= 100 && rc.StatusCode <= 102: // Processed, Sent, Queued
		if rc.MessageID == "None" {
			// Accepted all the same; sending it again would send it twice. No delivery report
			// will match it.
			return "", nil
		}
		return rc.MessageID, nil
	case atPermanentCodes[rc.StatusCode] != "":
		return "", Permanent(fmt.Errorf("africastalking: %d %s", rc.StatusCode, rc.Status))
	default:
		return "", fmt.Errorf("africastalking: %d %s", rc.StatusCode, rc.Status)
	}
}
