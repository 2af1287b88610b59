package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// SMTPProvider sends email through an SMTP server (a submission port, usually 587). It upgrades the
// connection with STARTTLS whenever the server offers it, and authenticates with PLAIN when a
// Username is set — which net/smtp allows only over TLS or to a server on this machine.
type SMTPProvider struct {
	Addr     string // host:port
	From     string // "Huduma <noreply@huduma.go.ke>" or a bare address
	Username string // "" for no authentication
	Password string
	// TLSConfig for STARTTLS; nil verifies the server's certificate against the system roots
	// with the host of Addr.
	TLSConfig *tls.Config
}

func (SMTPProvider) Name() string { return "smtp" }

// Send delivers one message and returns its Message-ID. A 5xx answer (unknown mailbox, refused
// credentials) is permanent; 4xx answers and network failures are temporary.
func (p SMTPProvider) Send(ctx context.Context, m Outgoing) (string, error) {
	from, err := mail.ParseAddress(p.From)
	if err != nil {
		return "", Permanent(fmt.Errorf("smtp: the sender address %q: %w", p.From, err))
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return "", Permanent(fmt.Errorf("smtp: the recipient address: %w", err))
	}
	host, _, err := net.SplitHostPort(p.Addr)
	if err != nil {
		return "", Permanent(fmt.Errorf("smtp: the server address %q: %w", p.Addr, err))
	}
	msgID := newMessageID(m.ID, from.Address)
	data := buildEmail(from, to, m.Subject, m.Body, time.Now(), msgID)

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return "", fmt.Errorf("smtp: %w", err)
	}
	// net/smtp knows no context: close the connection when ctx ends, and keep to its deadline.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return "", smtpError("greeting", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host}
		if p.TLSConfig != nil {
			cfg = p.TLSConfig.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return "", smtpError("STARTTLS", err)
		}
	}
	if p.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return "", Permanent(errors.New("smtp: a username is configured but the server offers no AUTH"))
		}
		if err := c.Auth(smtp.PlainAuth("", p.Username, p.Password, host)); err != nil {
			// Refused credentials, or net/smtp refusing to send them in the clear: permanent,
			// unless the server says "try later".
			var te *textproto.Error
			if errors.As(err, &te) && te.Code < 500 {
				return "", fmt.Errorf("smtp: AUTH: %w", err)
			}
			return "", Permanent(fmt.Errorf("smtp: AUTH: %w", err))
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return "", smtpError("MAIL FROM", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return "", smtpError("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return "", smtpError("DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return "", smtpError("DATA", err)
	}
	if err := w.Close(); err != nil {
		return "", smtpError("DATA", err)
	}
	// The message is accepted once DATA is; a failed QUIT does not change that.
	_ = c.Quit()
	return msgID, nil
}

// smtpError classifies an SMTP failure: 5xx replies are permanent.
func smtpError(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(fmt.Errorf("smtp: %s: %w", step, err))
	}
	return fmt.Errorf("smtp: %s: %w", step, err)
}

// newMessageID makes a Message-ID: <huduma.ID.RANDOM@sender's domain>.
func newMessageID(id int64, from string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	domain := "huduma.localhost"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return fmt.Sprintf("<huduma.%d.%s@%s>", id, hex.EncodeToString(b[:]), domain)
}

// buildEmail writes a plain-text UTF-8 message: headers (the subject RFC 2047-encoded when it is
// not ASCII) and a quoted-printable body with CRLF line ends.
func buildEmail(from, to *mail.Address, subject, body string, date time.Time, msgID string) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	subject = strings.Join(strings.Fields(subject), " ") // no line breaks into the header
	header("From", from.String())
	header("To", to.String())
	// Encoded words are at most 75 characters; fold between them to keep lines short.
	header("Subject", strings.ReplaceAll(mime.QEncoding.Encode("UTF-8", subject), "?= =?", "?=\r\n =?"))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", msgID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(body, "\r\n", "\n")))
	_ = qp.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
