package requests_test

import (
	"testing"

	"github.com/huduma-ke/huduma/internal/requests"
)

func TestRedactPersonal(t *testing.T) {
	amina := requests.Citizen{Name: "Amina Odhiambo", Phone: "+254712345678", Email: "amina@example.org", IDNumber: "23456789"}
	health := requests.Citizen{Name: "Department of Health, Kakamega"}
	for _, c := range []struct {
		text    string
		citizen requests.Citizen
		want    string
	}{
		{"Call AMINA ODHIAMBO on 0712 345 678.", amina, "Call *** on ***."},
		{"Ask for Amina at the desk; Mr Odhiambo knows.", amina, "Ask for *** at the desk; Mr *** knows."},
		{"Phones: +254 712 345 678, 254-733-000-202, 0110123456, 0712-345-678.", amina, "Phones: ***, ***, ***, ***."},
		{"Mail amina@example.org or j.doe+x@county.go.ke", amina, "Mail *** or ***"},
		{"ID 23456789 and asset tag KKG/ICT/0451, ticket 2345678901", amina, "ID *** and asset tag KKG/ICT/0451, ticket 2345678901"},
		{"Aminata is someone else", amina, "Aminata is someone else"},
		{"The health records office of the Department of Health, Kakamega", health, "The health records office of the ***"},
		{"Printer in Kakamega town", health, "Printer in *** town"},
		{"", amina, ""},
		{"Nothing personal here.", requests.Citizen{}, "Nothing personal here."},
	} {
		if got := requests.RedactPersonal(c.text, c.citizen); got != c.want {
			t.Errorf("RedactPersonal(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
