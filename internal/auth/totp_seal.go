package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TOTP keys cannot be hashed like passwords: Huduma must compute the same codes as the phone. With a
// key set (HUDUMA_2FA_KEY, kept outside the database), they are stored sealed with AES-256-GCM,
// bound to their account, so a copy of the database (a backup) alone yields no codes. Without one
// they are stored as they are; a sealed value always needs the key.

// sealedPrefix marks a sealed TOTP key in users.totp_secret.
const sealedPrefix = "sealed1:"

// SetSecretKey sets the 32-byte key TOTP keys are sealed with (nil: stored unsealed).
func (s *Store) SetSecretKey(key []byte) error {
	if key == nil {
		s.sealer = nil
		return nil
	}
	if len(key) != 32 {
		return fmt.Errorf("the two-step sign-in key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	s.sealer, err = cipher.NewGCM(block)
	return err
}

// sealTOTP is what is stored for userID's TOTP key.
func (s *Store) sealTOTP(userID int64, secret string) string {
	if s.sealer == nil {
		return secret
	}
	nonce := make([]byte, s.sealer.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	sealed := s.sealer.Seal(nonce, nonce, []byte(secret), accountData(userID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed)
}

// openTOTP is userID's TOTP key from what is stored.
func (s *Store) openTOTP(userID int64, stored string) (string, error) {
	rest, sealed := strings.CutPrefix(stored, sealedPrefix)
	if !sealed {
		return stored, nil
	}
	if s.sealer == nil {
		return "", errors.New("a two-step sign-in key is sealed and HUDUMA_2FA_KEY is not set")
	}
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(b) < s.sealer.NonceSize() {
		return "", fmt.Errorf("sealed two-step sign-in key of account %d is malformed", userID)
	}
	plain, err := s.sealer.Open(nil, b[:s.sealer.NonceSize()], b[s.sealer.NonceSize():], accountData(userID))
	if err != nil {
		return "", fmt.Errorf("sealed two-step sign-in key of account %d does not open with HUDUMA_2FA_KEY: %w", userID, err)
	}
	return string(plain), nil
}

// accountData binds a sealed key to its account: copied to another row it does not open.
func accountData(userID int64) []byte {
	return []byte("huduma totp user " + strconv.FormatInt(userID, 10))
}
