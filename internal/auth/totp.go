package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
)

// TOTP as RFC 6238 defines it, with the parameters every authenticator app accepts by default:
// HMAC-SHA1, 30-second steps from the Unix epoch, 6 digits. Written here rather than imported: it
// is a few lines over the standard library, and a dependency for it would be one more to audit.
const (
	TOTPStep   = 30 * time.Second
	TOTPDigits = 6
	// totpSkew is how many steps either side of now a code is accepted for: a phone's clock a
	// little off, or a code typed just as it changed.
	totpSkew = 1
)

// hotp is RFC 4226's HOTP value of counter under key, digits long, with the hash RFC 6238 lets
// one choose (SHA-1 for apps; the RFC's test vectors also use SHA-256 and SHA-512).
func hotp(newHash func() hash.Hash, key []byte, counter uint64, digits int) string {
	mac := hmac.New(newHash, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	// Dynamic truncation (RFC 4226 §5.3): four bytes at the offset the last nibble names.
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the RFC 6238 time counter T for instant t.
func totpStep(t time.Time) int64 { return t.Unix() / int64(TOTPStep/time.Second) }

// TOTPCode is the code an authenticator app shows at instant t for a base32 secret (as in the
// otpauth:// URI). Tests use it to act as the user's phone.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return hotp(sha1.New, key, uint64(totpStep(t)), TOTPDigits), nil
}

// matchTOTP returns the step of the code that matches within ±totpSkew steps of now and is later
// than lastStep (so a code, once used, and every earlier one, is refused), or 0.
func matchTOTP(key []byte, code string, now time.Time, lastStep int64) int64 {
	if len(code) != TOTPDigits {
		return 0
	}
	step := totpStep(now)
	var found int64
	for s := step - totpSkew; s <= step+totpSkew; s++ {
		// Compare every candidate in constant time, and keep looking after a match, so the time
		// taken says nothing about which step matched.
		if subtle.ConstantTimeCompare([]byte(hotp(sha1.New, key, uint64(s), TOTPDigits)), []byte(code)) == 1 && s > lastStep && found == 0 {
			found = s
		}
	}
	return found
}

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret returns a fresh 160-bit key (RFC 4226 recommends 160 bits) in base32, as apps
// expect it in the URI and as a person types it.
func newTOTPSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return base32NoPad.EncodeToString(b)
}

func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(secret))
	return base32NoPad.DecodeString(strings.TrimRight(s, "="))
}

// OTPAuthURI is the otpauth:// address an authenticator app reads from the QR code (the Key URI
// Format that Google Authenticator defined and other apps follow).
func OTPAuthURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// GroupSecret shows a secret in groups of four for typing by hand: "JBSW Y3DP EHPK 3PXP".
func GroupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
