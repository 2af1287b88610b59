package main

import (
	"io"
	"strings"
	"testing"
)

// TestTwoFactorSettings: --require-2fa / HUDUMA_REQUIRE_2FA take "admins" or nothing, and
// HUDUMA_2FA_KEY must be 32 bytes in base64; anything else is a usage error naming the setting.
func TestTwoFactorSettings(t *testing.T) {
	parse := func(vars map[string]string, args ...string) (config, error) {
		e := env{getenv: func(k string) string { return vars[k] }, stderr: io.Discard, stdout: io.Discard}
		c, _, err := parseConfig("serve", args, e, nil)
		return c, err
	}
	if c, err := parse(map[string]string{"HUDUMA_REQUIRE_2FA": "admins"}); err != nil || c.require2FA != "admins" {
		t.Errorf("HUDUMA_REQUIRE_2FA=admins: %q %v", c.require2FA, err)
	}
	if c, err := parse(nil, "--require-2fa", "admins"); err != nil || c.require2FA != "admins" {
		t.Errorf("--require-2fa admins: %q %v", c.require2FA, err)
	}
	if _, err := parse(map[string]string{"HUDUMA_REQUIRE_2FA": "everyone"}); err == nil || !strings.Contains(err.Error(), "require-2fa") {
		t.Errorf("HUDUMA_REQUIRE_2FA=everyone: %v", err)
	}
	key := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	if c, err := parse(map[string]string{"HUDUMA_2FA_KEY": key}); err != nil || len(c.twoFactorKey) != 32 {
		t.Errorf("a 32-byte key: %d bytes, %v", len(c.twoFactorKey), err)
	}
	for _, bad := range []string{"c2hvcnQ=", "not base64!"} {
		if _, err := parse(map[string]string{"HUDUMA_2FA_KEY": bad}); err == nil || !strings.Contains(err.Error(), "HUDUMA_2FA_KEY") {
			t.Errorf("HUDUMA_2FA_KEY=%s: %v", bad, err)
		}
	}
}
