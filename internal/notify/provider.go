package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// Provider sends a message through one service (Africa's Talking, an SMTP server, the log).
//
// Send returns the provider's id for the message (used to match delivery reports; may be empty).
// An error wrapping ErrPermanent means the provider refused the message for good — a rejected
// recipient, bad credentials — and the worker marks it failed without retrying; any other error is
// temporary and the message is retried with backoff. Send must honour ctx: the worker gives it a
// deadline well inside the message's lease.
type Provider interface {
	Name() string
	Send(ctx context.Context, m Outgoing) (providerMessageID string, err error)
}

// ErrPermanent marks a failure that retrying will not cure.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error {
	if err == nil || errors.Is(err, ErrPermanent) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// LogProvider "sends" by writing the message to the log, and always succeeds. It is the default for
// development: with it, the message text (and the citizen's number or address) goes to the log.
type LogProvider struct {
	Log *slog.Logger // nil: slog.Default()
}

func (LogProvider) Name() string { return "log" }

func (p LogProvider) Send(ctx context.Context, m Outgoing) (string, error) {
	log := p.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notify: message (log provider, not really sent)",
		"id", m.ID, "channel", m.Channel, "to", m.To, "subject", m.Subject, "body", m.Body)
	return fmt.Sprintf("log-%d", m.ID), nil
}
