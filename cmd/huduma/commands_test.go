package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestMigrate(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "m.db")
	ms, err := db.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("is at migration %d.", len(ms))
	out, _, err := runCmd(t, "", "migrate", "--db", dsn)
	if err != nil || !strings.Contains(out, want) {
		t.Fatalf("migrate: %q %v", out, err)
	}
	// Again: nothing to do, same answer.
	out, _, err = runCmd(t, "", "migrate", "--db", dsn)
	if err != nil || !strings.Contains(out, want) {
		t.Fatalf("second migrate: %q %v", out, err)
	}
}

func TestBadDatabaseIsAClearError(t *testing.T) {
	for _, dsn := range []string{
		filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"),
		"postgres://nobody@127.0.0.1:1/none?connect_timeout=2",
	} {
		_, _, err := runCmd(t, "", "migrate", "--db", dsn)
		if err == nil || !strings.Contains(err.Error(), "database") {
			t.Errorf("migrate --db %s: %v, want an error that names the database", dsn, err)
		}
	}
	_, _, err := runCmd(t, "", "migrate", "--db", "")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("empty --db: %v, want a usage error", err)
	}
}

func TestUserAdd(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "u.db")
	if _, _, err := runCmd(t, "", "migrate", "--db", dsn); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "a very long password\n", "user", "add", "--db", dsn, "--username", "Secretariat.Admin", "--name", "Jane Doe", "--role", "national_admin")
	if err != nil || !strings.Contains(out, `Created national_admin account "secretariat.admin"`) {
		t.Fatalf("user add: %q %v", out, err)
	}
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"a very long password\n", []string{"--username", "secretariat.admin", "--name", "Again", "--role", "auditor"}, "taken"},
		{"short\n", []string{"--username", "x.y", "--name", "X", "--role", "auditor"}, "at least 10 characters"},
		{"a very long password\n", []string{"--username", "o", "--name", "O", "--role", "officer"}, "--centre"},
		{"a very long password\n", []string{"--username", "c1", "--name", "C", "--role", "officer", "--centre", "HC-NOWHERE"}, "No centre"},
		{"a very long password\n", []string{"--username", "k", "--name", "K", "--role", "king"}, "--role"},
	}
	for _, c := range cases {
		_, _, err := runCmd(t, c.stdin, append([]string{"user", "add", "--db", dsn}, c.args...)...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("user add %v: %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	_, _, err := runCmd(t, "", "frobnicate")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("unknown command: %v", err)
	}
	out, _, err := runCmd(t, "", "help")
	if err != nil || !strings.Contains(out, "huduma calendar due") {
		t.Errorf("help: %q %v", out, err)
	}
}

// TestCalendarWithDatabaseHolidays: a holiday an admin entered moves the CLI's deadlines too.
func TestCalendarWithDatabaseHolidays(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "c.db")
	s := startServer(t, dsn, nil) // loads the demo data, which enters Idd-ul-Fitr 2026 (20 March)
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", "calendar", "holidays", "--year", "2026", "--db", dsn)
	if err != nil || !strings.Contains(out, "2026-03-20 Idd-ul-Fitr") {
		t.Fatalf("holidays with --db: %q %v", out, err)
	}
	out, _, _ = runCmd(t, "", "calendar", "holidays", "--year", "2026")
	if strings.Contains(out, "Idd-ul-Fitr") {
		t.Error("without --db the list should be the statutory one")
	}
	// Thursday 19 March 2026 10:00 + 1 working day skips Friday 20 March.
	out, _, err = runCmd(t, "", "calendar", "due", "--from", "2026-03-19T10:00:00+03:00", "--within", "1d", "--db", dsn)
	if err != nil || strings.TrimSpace(out) != "2026-03-23T10:00:00+03:00" {
		t.Errorf("due with --db: %q %v", out, err)
	}
}

func TestAPIKeyCreateAndRevoke(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "k.db")
	out, _, err := runCmd(t, "", "apikey", "create", "--db", dsn, "--name", "County ERP")
	if err != nil || !strings.Contains(out, "shown once") {
		t.Fatalf("create: %q %v", out, err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, "hk_") || len(secret) < 30 {
		t.Fatalf("printed key %q", secret)
	}
	if _, _, err := runCmd(t, "", "apikey", "create", "--db", dsn); err == nil {
		t.Error("a key without a name was created")
	}
	out, _, err = runCmd(t, "", "apikey", "revoke", "--db", dsn, "--prefix", secret[:11])
	if err != nil || !strings.Contains(out, "Revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if _, _, err := runCmd(t, "", "apikey", "revoke", "--db", dsn, "--prefix", secret[:11]); err == nil {
		t.Error("revoking twice succeeded")
	}
}

func TestSLASettingsFromTheEnvironment(t *testing.T) {
	cfg := func(env map[string]string) (config, error) {
		c, _, err := parseConfig("serve", nil, env2(env), nil)
		return c, err
	}
	c, err := cfg(map[string]string{"HUDUMA_WARN_AT": "80%", "HUDUMA_ESCALATE_AFTER": "2h", "HUDUMA_ESCALATE_OUT_OF_HOURS": "true"})
	if err != nil || c.sla.WarnShare != 0.8 || c.sla.EscalateAfter != "2h" || !c.sla.OutOfHours {
		t.Fatalf("settings read as %+v, %v", c.sla, err)
	}
	for k, v := range map[string]string{"HUDUMA_WARN_AT": "150", "HUDUMA_ESCALATE_AFTER": "soon", "HUDUMA_ESCALATE_OUT_OF_HOURS": "maybe", "HUDUMA_SMS_PROVIDER": "pigeon"} {
		var ue usageError
		if _, err := cfg(map[string]string{k: v}); !errors.As(err, &ue) || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want a usage error naming it", k, v, err)
		}
	}
}

func TestQueueSettingsFromTheEnvironment(t *testing.T) {
	cfg := func(env map[string]string) (config, error) {
		c, _, err := parseConfig("serve", nil, env2(env), nil)
		return c, err
	}
	c, err := cfg(map[string]string{"HUDUMA_QUEUE_PRIORITY_MINUTES": "20", "HUDUMA_QUEUE_LATE_MINUTES": "10",
		"HUDUMA_QUEUE_MAX_OVERTAKES": "3", "HUDUMA_QUEUE_MAX_RECALLS": "1", "HUDUMA_QUEUE_NEAR_POSITION": "0"})
	if err != nil || c.queue.PriorityAllowance != 20*time.Minute || c.queue.LateAfter != 10*time.Minute || c.queue.MaxOvertakes != 3 ||
		c.queue.MaxRecalls != 1 || c.queue.NearPosition != -1 {
		t.Fatalf("queue settings read as %+v, %v", c.queue, err)
	}
	for k, v := range map[string]string{"HUDUMA_QUEUE_PRIORITY_MINUTES": "0", "HUDUMA_QUEUE_LATE_MINUTES": "soon",
		"HUDUMA_QUEUE_MAX_OVERTAKES": "0", "HUDUMA_QUEUE_MAX_RECALLS": "-2", "HUDUMA_QUEUE_NEAR_POSITION": "many"} {
		var ue usageError
		if _, err := cfg(map[string]string{k: v}); !errors.As(err, &ue) || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want a usage error naming it", k, v, err)
		}
	}
}

func env2(m map[string]string) env {
	return env{getenv: func(k string) string { return m[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
}
