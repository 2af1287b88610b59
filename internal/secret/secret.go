// Package secret makes the secrets that links carry (a ticket's follow link, a request's tracking
// link, a feedback tablet's address, an appointment's manage link) and checks them. Only a
// secret's hash is stored, so a copy of the database opens no link.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// New returns a fresh secret of n random bytes (URL-safe text) and its hash.
func New(n int) (key, hash string) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // the system's randomness failing is not recoverable
	}
	key = base64.RawURLEncoding.EncodeToString(b)
	return key, Hash(key)
}

// Hash is a secret's stored form.
func Hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// Matches reports, in constant time, whether key is the secret whose hash is stored.
func Matches(hash, key string) bool {
	return hash != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(Hash(key))) == 1
}
