package notify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is a tiny SMTP server for tests: it speaks enough ESMTP for net/smtp (EHLO, STARTTLS,
// AUTH PLAIN, MAIL, RCPT, DATA, QUIT), checks the order of the conversation, and captures messages.
type fakeSMTP struct {
	addr string
	opts fakeSMTPOptions

	mu       sync.Mutex
	captured []capturedMail
	commands []string
	problems []string // conversation errors the server saw
}

type fakeSMTPOptions struct {
	tls        *tls.Config // offer STARTTLS, and require it before AUTH and MAIL
	user, pass string      // offer AUTH PLAIN, and require it before MAIL
	rejectRcpt string      // answer 550 to RCPT TO this address
	silent     bool        // never send the greeting
}

type capturedMail struct {
	from  string
	to    []string
	data  string
	tls   bool
	authd bool
}

func startFakeSMTP(t *testing.T, opts fakeSMTPOptions) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{addr: ln.Addr().String(), opts: opts}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, p := range f.problems {
			t.Errorf("fake SMTP server: %s", p)
		}
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
				f.serve(conn)
			}()
		}
	}()
	return f
}

func (f *fakeSMTP) mails() []capturedMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]capturedMail(nil), f.captured...)
}

func (f *fakeSMTP) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

func (f *fakeSMTP) problem(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

func (f *fakeSMTP) serve(conn net.Conn) {
	if f.opts.silent {
		_, _ = io.Copy(io.Discard, conn)
		return
	}
	tp := textproto.NewConn(conn)
	var (
		helo, tlsOn, authd bool
		m                  capturedMail
	)
	reply := func(format string, args ...any) { _ = tp.PrintfLine(format, args...) }
	reply("220 fake.test ESMTP ready")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		f.mu.Lock()
		if verb == "AUTH" {
			f.commands = append(f.commands, "AUTH "+strings.Fields(arg)[0]) // not the credentials
		} else {
			f.commands = append(f.commands, line)
		}
		f.mu.Unlock()
		switch verb {
		case "EHLO":
			helo = true
			ext := []string{"fake.test greets you", "8BITMIME"}
			if f.opts.tls != nil && !tlsOn {
				ext = append(ext, "STARTTLS")
			}
			if f.opts.user != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				reply("250%s%s", sep, e)
			}
		case "STARTTLS":
			if f.opts.tls == nil || tlsOn {
				reply("502 5.5.1 not offered")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(conn, f.opts.tls)
			if err := tc.Handshake(); err != nil {
				return // the client refused our certificate
			}
			conn, tp, tlsOn, helo, authd = tc, textproto.NewConn(tc), true, false, false
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			if f.opts.tls != nil && !tlsOn {
				f.problem("AUTH before STARTTLS")
				reply("530 5.7.0 Must issue a STARTTLS command first")
				continue
			}
			if !strings.EqualFold(mech, "PLAIN") || f.opts.user == "" {
				reply("504 5.5.4 unrecognised authentication type")
				continue
			}
			b, _ := base64.StdEncoding.DecodeString(initial)
			if string(b) != "\x00"+f.opts.user+"\x00"+f.opts.pass {
				reply("535 5.7.8 Authentication credentials invalid")
				continue
			}
			authd = true
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			switch {
			case !helo:
				f.problem("MAIL before EHLO")
				reply("503 5.5.1 EHLO first")
			case f.opts.tls != nil && !tlsOn:
				f.problem("MAIL before STARTTLS")
				reply("530 5.7.0 Must issue a STARTTLS command first")
			case f.opts.user != "" && !authd:
				f.problem("MAIL before AUTH")
				reply("530 5.7.0 Authentication required")
			default:
				m = capturedMail{from: angle(arg, "FROM:"), tls: tlsOn, authd: authd}
				reply("250 2.1.0 OK")
			}
		case "RCPT":
			to := angle(arg, "TO:")
			if m.from == "" {
				reply("503 5.5.1 MAIL first")
			} else if to == f.opts.rejectRcpt {
				reply("550 5.1.1 <%s>: Recipient address rejected: User unknown", to)
			} else {
				m.to = append(m.to, to)
				reply("250 2.1.5 OK")
			}
		case "DATA":
			if len(m.to) == 0 {
				reply("554 5.5.1 no valid recipients")
				continue
			}
			reply("354 End data with <CR><LF>.<CR><LF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				f.problem("DATA: %v", err)
				return
			}
			m.data = string(data)
			f.mu.Lock()
			f.captured = append(f.captured, m)
			f.mu.Unlock()
			m = capturedMail{}
			reply("250 2.0.0 Ok: queued")
		case "RSET", "NOOP":
			reply("250 2.0.0 OK")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			reply("500 5.5.2 unknown command")
		}
	}
}

// angle takes the address out of "FROM:<a@b>" (and any parameters after it).
func angle(arg, prefix string) string {
	arg = strings.TrimSpace(arg)
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return ""
	}
	arg = strings.TrimSpace(arg[len(prefix):])
	if i := strings.IndexByte(arg, '>'); strings.HasPrefix(arg, "<") && i > 0 {
		return arg[1:i]
	}
	return arg
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// checkMail parses a captured message and checks its headers and body.
func checkMail(t *testing.T, data, msgID, subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, data)
	}
	h := msg.Header
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Address != "noreply@huduma.go.ke" || from.Name != "Huduma Kenya" {
		t.Errorf("From %q (%v)", h.Get("From"), err)
	}
	if to, err := mail.ParseAddress(h.Get("To")); err != nil || to.Address != "wanjiku@example.co.ke" {
		t.Errorf("To %q (%v)", h.Get("To"), err)
	}
	raw := h.Get("Subject")
	for _, r := range raw {
		if r > 0x7e {
			t.Errorf("Subject header is not ASCII: %q", raw)
			break
		}
	}
	var dec mime.WordDecoder
	if got, err := dec.DecodeHeader(raw); err != nil || got != subject {
		t.Errorf("Subject %q decodes to %q (%v), want %q", raw, got, err, subject)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if h.Get("Message-ID") != msgID || !strings.HasPrefix(msgID, "<huduma.") || !strings.HasSuffix(msgID, "@huduma.go.ke>") {
		t.Errorf("Message-ID %q, Send returned %q", h.Get("Message-ID"), msgID)
	}
	if h.Get("MIME-Version") != "1.0" || h.Get("Content-Type") != "text/plain; charset=UTF-8" || h.Get("Content-Transfer-Encoding") != "quoted-printable" {
		t.Errorf("MIME headers %v", h)
	}
	got, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.ReplaceAll(string(got), "\r\n", "\n"); strings.TrimRight(g, "\n") != strings.TrimRight(body, "\n") {
		t.Errorf("body\n%q\nwant\n%q", g, body)
	}
	for i, r := range data {
		if r > 0x7e || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') {
			t.Errorf("byte %d of the message is not 7-bit text: %q", i, r)
			break
		}
	}
	for i, line := range strings.Split(data, "\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long", i+1, len(line))
		}
	}
}

func TestSMTPProvider(t *testing.T) {
	subject := "Ombi lako HC-1/2026 limepokelewa — Huduma"
	body := "Habari Wanjiku,\n\nOmbi lako limepokelewa. Tutakujulisha litakapokamilika; " +
		"this line is long enough to need a soft line break in quoted-printable encoding.\n" +
		".a line that starts with a dot\nAsante — Huduma Kenya\n"
	out := Outgoing{ID: 7, Message: Message{Channel: Email, To: "wanjiku@example.co.ke", Subject: subject, Body: body}}

	t.Run("auth without TLS on this machine", func(t *testing.T) {
		srv := startFakeSMTP(t, fakeSMTPOptions{user: "huduma", pass: "s3cret"})
		p := SMTPProvider{Addr: srv.addr, From: "Huduma Kenya <noreply@huduma.go.ke>", Username: "huduma", Password: "s3cret"}
		id, err := p.Send(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		mails := srv.mails()
		if len(mails) != 1 {
			t.Fatalf("%d messages captured", len(mails))
		}
		m := mails[0]
		if m.from != "noreply@huduma.go.ke" || len(m.to) != 1 || m.to[0] != "wanjiku@example.co.ke" || !m.authd || m.tls {
			t.Errorf("envelope %+v", m)
		}
		checkMail(t, m.data, id, subject, body)
		want := []string{"EHLO", "AUTH PLAIN", "MAIL FROM:<noreply@huduma.go.ke> BODY=8BITMIME", "RCPT TO:<wanjiku@example.co.ke>", "DATA", "QUIT"}
		if got := verbs(srv.seen()); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("conversation %q, want %q", got, want)
		}
	})

	t.Run("STARTTLS when offered", func(t *testing.T) {
		cfg, pool := selfSigned(t)
		srv := startFakeSMTP(t, fakeSMTPOptions{tls: cfg, user: "huduma", pass: "s3cret"})
		p := SMTPProvider{Addr: srv.addr, From: "Huduma Kenya <noreply@huduma.go.ke>", Username: "huduma", Password: "s3cret",
			TLSConfig: &tls.Config{RootCAs: pool}}
		id, err := p.Send(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		mails := srv.mails()
		if len(mails) != 1 || !mails[0].tls || !mails[0].authd {
			t.Fatalf("captured %+v", mails)
		}
		checkMail(t, mails[0].data, id, subject, body)
		want := []string{"EHLO", "STARTTLS", "EHLO", "AUTH PLAIN", "MAIL FROM:<noreply@huduma.go.ke> BODY=8BITMIME", "RCPT TO:<wanjiku@example.co.ke>", "DATA", "QUIT"}
		if got := verbs(srv.seen()); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("conversation %q, want %q", got, want)
		}

		// A certificate we do not trust: not sent, and retried (it may be fixed).
		p.TLSConfig = nil
		if _, err := p.Send(ctx, out); err == nil || errors.Is(err, ErrPermanent) {
			t.Errorf("untrusted certificate: %v", err)
		}
	})

	t.Run("no auth, ASCII subject", func(t *testing.T) {
		srv := startFakeSMTP(t, fakeSMTPOptions{})
		p := SMTPProvider{Addr: srv.addr, From: "noreply@huduma.go.ke"}
		if _, err := p.Send(ctx, Outgoing{ID: 1, Message: Message{To: "a@example.com", Subject: "Request HC-2", Body: "ok"}}); err != nil {
			t.Fatal(err)
		}
		data := srv.mails()[0].data
		if !strings.Contains(data, "\nSubject: Request HC-2\n") || !strings.Contains(data, "From: <noreply@huduma.go.ke>\n") {
			t.Errorf("headers:\n%s", data)
		}
	})

	t.Run("failures", func(t *testing.T) {
		srv := startFakeSMTP(t, fakeSMTPOptions{user: "huduma", pass: "s3cret", rejectRcpt: "nobody@example.com"})
		p := SMTPProvider{Addr: srv.addr, From: "noreply@huduma.go.ke", Username: "huduma", Password: "wrong"}
		if _, err := p.Send(ctx, out); !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "535") {
			t.Errorf("refused credentials: %v, want permanent", err)
		}
		p.Password = "s3cret"
		bad := out
		bad.To = "nobody@example.com"
		if _, err := p.Send(ctx, bad); !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "550") {
			t.Errorf("refused recipient: %v, want permanent", err)
		}
		if len(srv.mails()) != 0 {
			t.Errorf("captured %+v", srv.mails())
		}

		// Nobody listening: temporary.
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		if _, err := (SMTPProvider{Addr: addr, From: "noreply@huduma.go.ke"}).Send(ctx, out); err == nil || errors.Is(err, ErrPermanent) {
			t.Errorf("connection refused: %v, want temporary", err)
		}
		// A server that never answers: the context's deadline ends the attempt.
		silent := startFakeSMTP(t, fakeSMTPOptions{silent: true})
		tctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if _, err := (SMTPProvider{Addr: silent.addr, From: "noreply@huduma.go.ke"}).Send(tctx, out); err == nil || errors.Is(err, ErrPermanent) {
			t.Errorf("silent server: %v, want temporary", err)
		}
		// Misconfiguration: permanent.
		if _, err := (SMTPProvider{Addr: srv.addr, From: "not an address"}).Send(ctx, out); !errors.Is(err, ErrPermanent) {
			t.Errorf("bad From: %v", err)
		}
		if _, err := (SMTPProvider{Addr: "no-port", From: "noreply@huduma.go.ke"}).Send(ctx, out); !errors.Is(err, ErrPermanent) {
			t.Errorf("bad Addr: %v", err)
		}
	})
}

// verbs shortens the conversation to its commands (EHLO without its name).
func verbs(cmds []string) []string {
	var out []string
	for _, c := range cmds {
		if strings.HasPrefix(strings.ToUpper(c), "EHLO") {
			c = "EHLO"
		}
		out = append(out, c)
	}
	return out
}
