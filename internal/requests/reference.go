package requests

import (
	"crypto/rand"
	"strings"
)

// referenceAlphabet leaves out 0/O, 1/I/L so a reference read over the phone is not misheard.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newReference is a short human reference such as "7Q4M-2X9P": 8 characters of a 31-letter
// alphabet, about 40 bits, random so that references say nothing about volume or order.
func newReference() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	var sb strings.Builder
	for i, v := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(referenceAlphabet[int(v)%len(referenceAlphabet)])
	}
	return sb.String()
}

// NormaliseReference accepts what a citizen types: lower case, spaces, a missing or extra dash.
// (The alphabet has no 0/O or 1/I/L, so there is no look-alike to map.)
func NormaliseReference(s string) string {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.ToUpper(strings.TrimSpace(s)))
	if len(s) == 8 {
		return s[:4] + "-" + s[4:]
	}
	return s
}
