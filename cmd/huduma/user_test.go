package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserCommands: list, passwd, disable and enable from the shell; bad input is a usage error
// (exit status 2) that names the flag at fault.
func TestUserCommands(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "u.db")
	if _, _, err := runCmd(t, "a very long password\n", "user", "add", "--db", dsn, "--username", "jane", "--name", "Jane Doe", "--role", "national_admin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, "another long password\n", "user", "add", "--db", dsn, "--username", "ombud", "--name", "O. Person", "--role", "auditor"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "", "user", "list", "--db", dsn)
	if err != nil || !strings.Contains(out, "jane") || !strings.Contains(out, "ombud") || !strings.Contains(out, "2 accounts") {
		t.Fatalf("user list: %q %v", out, err)
	}
	out, _, err = runCmd(t, "", "user", "list", "--db", dsn, "--role", "auditor")
	if err != nil || strings.Contains(out, "jane") || !strings.Contains(out, "1 account\n") {
		t.Errorf("user list --role auditor: %q %v", out, err)
	}
	out, _, err = runCmd(t, "a new long password\n", "user", "passwd", "--db", dsn, "--username", "jane")
	if err != nil || !strings.Contains(out, `Password of "jane" set`) {
		t.Errorf("user passwd: %q %v", out, err)
	}
	a, err := openApp(context.Background(), config{dsn: dsn, bcryptCost: 4}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.auth.Authenticate(context.Background(), "jane", "a new long password"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	out, _, err = runCmd(t, "", "user", "disable", "--db", dsn, "--username", "ombud")
	if err != nil || !strings.Contains(out, `"ombud" disabled`) {
		t.Errorf("user disable: %q %v", out, err)
	}
	if _, err := a.auth.Authenticate(context.Background(), "ombud", "another long password"); err == nil {
		t.Error("a disabled account signs in")
	}
	out, _, _ = runCmd(t, "", "user", "list", "--db", dsn, "--state", "disabled")
	if !strings.Contains(out, "ombud") || !strings.Contains(out, "disabled") || strings.Contains(out, "jane") {
		t.Errorf("user list --state disabled: %q", out)
	}
	out, _, err = runCmd(t, "", "user", "enable", "--db", dsn, "--username", "ombud")
	if err != nil || !strings.Contains(out, `"ombud" enabled`) {
		t.Errorf("user enable: %q %v", out, err)
	}
	if _, err := a.auth.Authenticate(context.Background(), "ombud", "another long password"); err != nil {
		t.Errorf("a re-enabled account cannot sign in: %v", err)
	}
	a.db.Close()

	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"user"}, "huduma user passwd"},
		{"", []string{"user", "frobnicate"}, `unknown user command "frobnicate"`},
		{"", []string{"user", "list", "--role", "king"}, "--role"},
		{"", []string{"user", "list", "--state", "asleep"}, "--state"},
		{"", []string{"user", "list", "--centre", "HC-NOWHERE"}, "--centre"},
		{"", []string{"user", "list", "--agency", "NOWHERE"}, "--agency"},
		{"", []string{"user", "list", "--colour", "red"}, "-colour"},
		{"long enough password\n", []string{"user", "passwd"}, "--username is required"},
		{"long enough password\n", []string{"user", "passwd", "--username", "nobody"}, "--username"},
		{"short\n", []string{"user", "passwd", "--username", "jane"}, "password on standard input: Use a password of at least 10 characters."},
		{"", []string{"user", "passwd", "--username", "jane"}, "no password given on standard input"},
		{"", []string{"user", "disable", "--username", "nobody"}, "--username"},
		{"", []string{"user", "enable"}, "--username is required"},
		{"a very long password\n", []string{"user", "add", "--username", "o", "--name", "O", "--role", "officer"}, "--centre: Officers and centre managers belong to a centre."},
	}
	for _, c := range cases {
		args := append(c.args[:len(c.args):len(c.args)], "--db", dsn)
		if len(c.args) < 2 {
			args = c.args
		}
		_, _, err := runCmd(t, c.stdin, args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want a usage error (exit status 2) mentioning %q", c.args, err, c.want)
		}
	}
}
