package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// config is everything the server is told at start: flags first, then HUDUMA_* variables, then defaults.
type config struct {
	addr          string
	dsn           string
	demo          bool
	secureCookies bool
	logLevel      slog.Level
	bcryptCost    int
	trustProxy    bool
	require2FA    string
	twoFactorKey  []byte // seals TOTP keys at rest (HUDUMA_2FA_KEY); nil: not sealed
	apiRate       int
	// Public limits per client address (forms, sign-in) and per registered kiosk, per minute.
	formsPerMinute, signInPerMinute, kioskPerMinute int
	publicURL                                       string
	smsProvider                                     string
	at                                              notify.AfricasTalkingSMS
	smtp                                            notify.SMTPProvider
	workers                                         bool
	sla                                             requests.Config
	queue                                           queue.Config
}

// parseConfig reads flags (for the subcommands that serve or touch the database).
func parseConfig(name string, args []string, e env, extra func(*flag.FlagSet)) (config, *flag.FlagSet, error) {
	c := config{
		addr:          envOr(e, "HUDUMA_ADDR", "localhost:8080"),
		dsn:           envOr(e, "HUDUMA_DB", "huduma.db"),
		demo:          true,
		secureCookies: true,
		bcryptCost:    12,
	}
	var err error
	if v := e.getenv("HUDUMA_DEMO"); v != "" {
		if c.demo, err = strconv.ParseBool(v); err != nil {
			return c, nil, usagef("HUDUMA_DEMO=%q: use true or false", v)
		}
	}
	if v := e.getenv("HUDUMA_SECURE_COOKIES"); v != "" {
		if c.secureCookies, err = strconv.ParseBool(v); err != nil {
			return c, nil, usagef("HUDUMA_SECURE_COOKIES=%q: use true or false", v)
		}
	}
	if v := e.getenv("HUDUMA_TRUST_PROXY"); v != "" {
		if c.trustProxy, err = strconv.ParseBool(v); err != nil {
			return c, nil, usagef("HUDUMA_TRUST_PROXY=%q: use true or false", v)
		}
	}
	if v := e.getenv("HUDUMA_API_RATE"); v != "" {
		if c.apiRate, err = strconv.Atoi(v); err != nil || c.apiRate < 1 {
			return c, nil, usagef("HUDUMA_API_RATE=%q: use a whole number of requests per second per client, e.g. 50", v)
		}
	}
	c.require2FA = e.getenv("HUDUMA_REQUIRE_2FA")
	if v := e.getenv("HUDUMA_2FA_KEY"); v != "" {
		if c.twoFactorKey, err = base64.StdEncoding.DecodeString(v); err != nil || len(c.twoFactorKey) != 32 {
			return c, nil, usagef("HUDUMA_2FA_KEY: 32 random bytes in base64, e.g. from: openssl rand -base64 32")
		}
	}
	for _, l := range []struct {
		name, what string
		dst        *int
	}{{"HUDUMA_FORMS_PER_MINUTE", "citizens' forms (requests, complaints, tickets, tracking) a minute per client address, e.g. 20", &c.formsPerMinute},
		{"HUDUMA_SIGNIN_PER_MINUTE", "sign-in attempts a minute per client address, e.g. 10", &c.signInPerMinute},
		{"HUDUMA_KIOSK_PER_MINUTE", "tickets a minute per registered kiosk, e.g. 60", &c.kioskPerMinute}} {
		if v := e.getenv(l.name); v != "" {
			if *l.dst, err = strconv.Atoi(v); err != nil || *l.dst < 1 || *l.dst > 100000 {
				return c, nil, usagef("%s=%q: a whole number of %s", l.name, v, l.what)
			}
		}
	}
	c.publicURL = envOr(e, "HUDUMA_PUBLIC_URL", "")
	c.smsProvider = envOr(e, "HUDUMA_SMS_PROVIDER", "log")
	if c.smsProvider != "log" && c.smsProvider != "africastalking" {
		return c, nil, usagef("HUDUMA_SMS_PROVIDER=%q: use log or africastalking", c.smsProvider)
	}
	c.at = notify.AfricasTalkingSMS{BaseURL: e.getenv("HUDUMA_AT_BASE_URL"), Username: e.getenv("HUDUMA_AT_USERNAME"),
		APIKey: e.getenv("HUDUMA_AT_API_KEY"), From: e.getenv("HUDUMA_AT_SENDER_ID")}
	if c.smsProvider == "africastalking" && (c.at.Username == "" || c.at.APIKey == "") {
		return c, nil, usagef("HUDUMA_SMS_PROVIDER=africastalking needs HUDUMA_AT_USERNAME and HUDUMA_AT_API_KEY")
	}
	c.smtp = notify.SMTPProvider{Addr: e.getenv("HUDUMA_SMTP_ADDR"), From: envOr(e, "HUDUMA_SMTP_FROM", "Huduma <noreply@huduma.localhost>"),
		Username: e.getenv("HUDUMA_SMTP_USERNAME"), Password: e.getenv("HUDUMA_SMTP_PASSWORD")}
	c.sla.EscalateAfter = e.getenv("HUDUMA_ESCALATE_AFTER")
	if c.sla.EscalateAfter != "" {
		if _, err := worktime.ParseSpan(c.sla.EscalateAfter); err != nil {
			return c, nil, usagef("HUDUMA_ESCALATE_AFTER=%q: %s", c.sla.EscalateAfter, worktime.SpanSyntax)
		}
	}
	if v := e.getenv("HUDUMA_WARN_AT"); v != "" {
		pct, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil || pct < 1 || pct > 99 {
			return c, nil, usagef("HUDUMA_WARN_AT=%q: a percentage of the committed time from 1 to 99, e.g. 75", v)
		}
		c.sla.WarnShare = float64(pct) / 100
	}
	if v := e.getenv("HUDUMA_ESCALATE_OUT_OF_HOURS"); v != "" {
		if c.sla.OutOfHours, err = strconv.ParseBool(v); err != nil {
			return c, nil, usagef("HUDUMA_ESCALATE_OUT_OF_HOURS=%q: use true or false", v)
		}
	}
	// The queue's rules (docs/queues.md): minutes for durations, counts for the rest.
	for _, q := range []struct {
		name string
		dst  *time.Duration
		max  int
	}{{"HUDUMA_QUEUE_PRIORITY_MINUTES", &c.queue.PriorityAllowance, 120}, {"HUDUMA_QUEUE_LATE_MINUTES", &c.queue.LateAfter, 240}} {
		if v := e.getenv(q.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > q.max {
				return c, nil, usagef("%s=%q: minutes from 1 to %d", q.name, v, q.max)
			}
			*q.dst = time.Duration(n) * time.Minute
		}
	}
	for _, q := range []struct {
		name string
		dst  *int
		max  int
	}{{"HUDUMA_QUEUE_MAX_OVERTAKES", &c.queue.MaxOvertakes, 100}, {"HUDUMA_QUEUE_MAX_RECALLS", &c.queue.MaxRecalls, 10},
		{"HUDUMA_QUEUE_NEAR_POSITION", &c.queue.NearPosition, 50}} {
		if v := e.getenv(q.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > q.max || (n == 0 && q.name != "HUDUMA_QUEUE_NEAR_POSITION") {
				return c, nil, usagef("%s=%q: a number from 1 to %d", q.name, v, q.max)
			}
			if n == 0 { // "your turn is near" off
				n = -1
			}
			*q.dst = n
		}
	}
	c.workers = true
	if v := e.getenv("HUDUMA_WORKERS"); v != "" {
		if c.workers, err = strconv.ParseBool(v); err != nil {
			return c, nil, usagef("HUDUMA_WORKERS=%q: use true or false", v)
		}
	}
	if v := e.getenv("HUDUMA_LOG_LEVEL"); v != "" {
		if err := c.logLevel.UnmarshalText([]byte(v)); err != nil {
			return c, nil, usagef("HUDUMA_LOG_LEVEL=%q: use debug, info, warn or error", v)
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&c.dsn, "db", c.dsn, "database: a SQLite file path or a postgres:// URL (HUDUMA_DB)")
	if extra != nil {
		extra(fs)
	}
	if name == "serve" {
		fs.StringVar(&c.addr, "addr", c.addr, "listen address HOST:PORT (HUDUMA_ADDR)")
		fs.BoolVar(&c.demo, "demo", c.demo, "load the demo data into an empty database (HUDUMA_DEMO)")
		fs.BoolVar(&c.secureCookies, "secure-cookies", c.secureCookies, "mark cookies Secure, sent over HTTPS only; browsers accept them on http://localhost (HUDUMA_SECURE_COOKIES)")
		fs.StringVar(&c.require2FA, "require-2fa", c.require2FA, "admins: national and agency admins must use two-step sign-in (HUDUMA_REQUIRE_2FA)")
	}
	if err := fs.Parse(args); err != nil {
		return c, fs, usagef("%v", err)
	}
	if c.require2FA != "" && c.require2FA != "admins" {
		return c, fs, usagef("--require-2fa=%q: use admins, or leave it empty for two-step sign-in optional for everyone", c.require2FA)
	}
	if strings.TrimSpace(c.dsn) == "" {
		return c, fs, usagef("--db is empty: give a SQLite file path or a postgres:// URL")
	}
	return c, fs, nil
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func (c config) String() string { return fmt.Sprintf("addr=%s db=%s demo=%v", c.addr, c.dsn, c.demo) }
