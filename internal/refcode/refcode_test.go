package refcode_test

import (
	"regexp"
	"testing"

	"github.com/huduma-ke/huduma/internal/refcode"
)

func TestNew(t *testing.T) {
	shape := map[string]*regexp.Regexp{
		"":   regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`),
		"C-": regexp.MustCompile(`^C-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`),
	}
	seen := map[string]bool{}
	for prefix, re := range shape {
		for range 1000 {
			r := refcode.New(prefix)
			if !re.MatchString(r) {
				t.Fatalf("New(%q) = %q", prefix, r)
			}
			if seen[r] {
				t.Fatalf("New(%q) repeated %q within 2,000", prefix, r)
			}
			seen[r] = true
		}
	}
}

func TestNormalise(t *testing.T) {
	for _, c := range []struct{ in, prefix, want string }{
		{"7q4m2x9p", "", "7Q4M-2X9P"},
		{" 7Q4M - 2X9P ", "", "7Q4M-2X9P"},
		{"7Q4M--2X9P", "", "7Q4M-2X9P"},
		{"c7q4m2x9p", "C-", "C-7Q4M-2X9P"},
		{"C 7Q4M 2X9P", "C-", "C-7Q4M-2X9P"},
		{"c-7q4m-2x9p", "C-", "C-7Q4M-2X9P"},
		{"7Q4M2X9P", "C-", "7Q4M2X9P"}, // a request's reference is not a complaint's
		{"C7Q4M2X9P", "", "C7Q4M2X9P"}, // nor the other way round
		{"7Q4M2X9", "", "7Q4M2X9"},     // too short: cleaned, not reshaped
	} {
		if got := refcode.Normalise(c.in, c.prefix); got != c.want {
			t.Errorf("Normalise(%q, %q) = %q, want %q", c.in, c.prefix, got, c.want)
		}
	}
}
