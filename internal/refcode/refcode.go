// Package refcode makes the short references people read out over the phone and type back: a
// service request's "7Q4M-2X9P", a complaint's "C-7Q4M-2X9P". Eight random characters (about 40
// bits) from an alphabet with no 0/O or 1/I/L, so a reference is not misheard and says nothing
// about volume or order; a prefix tells one kind of record from another.
package refcode

import (
	"crypto/rand"
	"strings"
)

// Alphabet leaves out 0/O and 1/I/L: there is no look-alike to confuse, or to map when typed.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// New returns prefix and eight random characters in two groups of four: New("") is "7Q4M-2X9P",
// New("C-") is "C-7Q4M-2X9P".
func New(prefix string) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // the platform is broken; nothing is safe to do
	}
	var sb strings.Builder
	sb.WriteString(prefix)
	for i, v := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(Alphabet[int(v)%len(Alphabet)])
	}
	return sb.String()
}

// Normalise accepts a reference as a person types it — lower case, spaces, missing or extra
// dashes — and returns it as New wrote it with prefix. Anything else comes back cleaned but not
// reshaped, so a lookup simply finds nothing.
func Normalise(s, prefix string) string {
	squash := strings.NewReplacer(" ", "", "-", "")
	s = squash.Replace(strings.ToUpper(strings.TrimSpace(s)))
	p := squash.Replace(prefix)
	if len(s) == len(p)+8 && strings.HasPrefix(s, p) {
		return prefix + s[len(p):len(p)+4] + "-" + s[len(p)+4:]
	}
	return s
}
