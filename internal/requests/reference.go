package requests

import "github.com/huduma-ke/huduma/internal/refcode"

// newReference is a short human reference such as "7Q4M-2X9P" (internal/refcode).
func newReference() string { return refcode.New("") }

// NormaliseReference accepts what a citizen types: lower case, spaces, a missing or extra dash.
func NormaliseReference(s string) string { return refcode.Normalise(s, "") }
