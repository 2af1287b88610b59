package auth

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"
	"time"
)

// TestTOTPVectors: RFC 6238 Appendix B, every row (8 digits; SHA-1, SHA-256 and SHA-512 with the
// RFC's keys).
func TestTOTPVectors(t *testing.T) {
	keys := map[string][]byte{
		"SHA1":   []byte("12345678901234567890"),
		"SHA256": []byte("12345678901234567890123456789012"),
		"SHA512": []byte("1234567890123456789012345678901234567890123456789012345678901234"),
	}
	hashes := map[string]func() hash.Hash{"SHA1": sha1.New, "SHA256": sha256.New, "SHA512": sha512.New}
	for _, v := range []struct {
		unix int64
		mode string
		want string
	}{
		{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
	} {
		got := hotp(hashes[v.mode], keys[v.mode], uint64(totpStep(time.Unix(v.unix, 0))), 8)
		if got != v.want {
			t.Errorf("T=%d %s: %s, want %s", v.unix, v.mode, got, v.want)
		}
	}
	// The 6-digit code apps show is the last six digits of the same value (RFC 4226 Appendix D).
	secret := base32NoPad.EncodeToString(keys["SHA1"])
	if got, _ := TOTPCode(secret, time.Unix(59, 0)); got != "287082" {
		t.Errorf("6-digit code at T=59: %s, want 287082", got)
	}
}

func TestMatchTOTPWindowAndReuse(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	step := totpStep(now)
	code := func(s int64) string { return hotp(sha1.New, key, uint64(s), 6) }
	for _, c := range []struct {
		name     string
		code     string
		lastStep int64
		want     int64
	}{
		{"now", code(step), 0, step},
		{"one step early", code(step - 1), 0, step - 1},
		{"one step late", code(step + 1), 0, step + 1},
		{"two steps early", code(step - 2), 0, 0},
		{"two steps late", code(step + 2), 0, 0},
		{"the same code again", code(step), step, 0},
		{"an older code after a newer one", code(step - 1), step, 0},
		{"a newer code after an older one", code(step), step - 1, step},
		{"wrong", "000000", 0, 0},
		{"too short", code(step)[:5], 0, 0},
	} {
		if got := matchTOTP(key, c.code, now, c.lastStep); got != c.want {
			t.Errorf("%s: step %d, want %d", c.name, got, c.want)
		}
	}
}

func TestOTPAuthURI(t *testing.T) {
	got := OTPAuthURI("Huduma", "gpo.officer", "JBSWY3DPEHPK3PXP")
	want := "otpauth://totp/Huduma:gpo.officer?algorithm=SHA1&digits=6&issuer=Huduma&period=30&secret=JBSWY3DPEHPK3PXP"
	if got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	if s := newTOTPSecret(); len(s) != 32 {
		t.Errorf("secret %q: want 32 base32 characters (160 bits)", s)
	}
	if GroupSecret("JBSWY3DPEHPK3PXP") != "JBSW Y3DP EHPK 3PXP" {
		t.Error(GroupSecret("JBSWY3DPEHPK3PXP"))
	}
}
