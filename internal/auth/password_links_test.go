package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/notify"
	"github.com/huduma-ke/huduma/internal/secret"
)

// TestPasswordSMSFitsTwoSegments: an invitation or a reset by SMS, with its link, stays in the
// GSM-7 alphabet and within two segments in both languages, even for the longest username.
func TestPasswordSMSFitsTwoSegments(t *testing.T) {
	token, _ := secret.New(24)
	link := "https://huduma.kakamega.go.ke" + PasswordLinkPath + "?t=" + token
	username := strings.Repeat("w", 40)
	for _, lang := range []string{"en", "sw"} {
		for _, c := range []struct {
			purpose  string
			lifetime time.Duration
		}{{PurposeInvite, InvitationLifetime}, {PurposeReset, InvitationLifetime}, {PurposeReset, SelfResetLifetime}} {
			m := passwordMessage(User{Username: username, Phone: "+254712345678", Language: lang}, c.purpose, link, c.lifetime)
			seg := notify.CountSegments(m.Body)
			if m.Channel != notify.SMS || seg.Encoding != notify.GSM7 || seg.Count > 2 || !strings.Contains(m.Body, link) {
				t.Errorf("%s %s %v: %s, %s in %d segments: %q", lang, c.purpose, c.lifetime, m.Channel, seg.Encoding, seg.Count, m.Body)
			}
		}
	}
}
