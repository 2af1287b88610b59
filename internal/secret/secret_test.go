package secret_test

import (
	"testing"

	"github.com/huduma-ke/huduma/internal/secret"
)

func TestSecrets(t *testing.T) {
	a, ha := secret.New(15)
	b, _ := secret.New(15)
	if a == b || len(a) != 20 {
		t.Fatalf("secrets %q %q", a, b)
	}
	if !secret.Matches(ha, a) || secret.Matches(ha, b) || secret.Matches("", "") || secret.Matches(ha, "") {
		t.Error("Matches accepts the wrong secret or refuses the right one")
	}
}
