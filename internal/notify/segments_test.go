package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGSMAlphabetIsComplete(t *testing.T) {
	// 128 code points less the escape to the extension table.
	if n := utf8.RuneCountInString(gsmBasic); n != 127 {
		t.Errorf("default alphabet has %d characters, want 127", n)
	}
	if n := utf8.RuneCountInString(gsmExtension); n != 10 {
		t.Errorf("extension table has %d characters, want 10", n)
	}
}

func TestCountSegments(t *testing.T) {
	for _, c := range []struct {
		name  string
		body  string
		enc   string
		units int
		count int
	}{
		{"empty", "", GSM7, 0, 0},
		{"plain", "Huduma: ombi lako limepokelewa.", GSM7, 31, 1},
		{"160 GSM-7 is one segment", strings.Repeat("a", 160), GSM7, 160, 1},
		{"161 GSM-7 is two", strings.Repeat("a", 161), GSM7, 161, 2},
		{"306 GSM-7 is two", strings.Repeat("a", 306), GSM7, 306, 2},
		{"307 GSM-7 is three", strings.Repeat("a", 307), GSM7, 307, 3},
		{"GSM-7 accents stay one septet", "éèùìòÇØøÅåÄÖÑÜäöñüà£¥§¿¡", GSM7, 24, 1},
		{"extension characters count two", "[]{}~^|\\€", GSM7, 18, 1},
		{"80 euro signs fill one segment", strings.Repeat("€", 80), GSM7, 160, 1},
		{"one more extension character makes two", strings.Repeat("a", 159) + "€", GSM7, 161, 2},
		{"an escape pair does not straddle parts", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 10), GSM7, 164, 2},
		{"straddling pair pushes a third part", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), GSM7, 306, 3},
		{"70 UCS-2 is one segment", strings.Repeat("ж", 70), UCS2, 70, 1},
		{"71 UCS-2 is two", strings.Repeat("ж", 71), UCS2, 71, 2},
		{"134 UCS-2 is two", strings.Repeat("ж", 134), UCS2, 134, 2},
		{"135 UCS-2 is three", strings.Repeat("ж", 135), UCS2, 135, 3},
		{"a curly quote makes the whole message UCS-2", "Huduma: it’s ready", UCS2, 18, 1},
		{"an en dash forces UCS-2", strings.Repeat("a", 70) + "–", UCS2, 71, 2},
		{"an emoji is a surrogate pair", "ok 👍", UCS2, 5, 1},
		{"a surrogate pair does not straddle parts", strings.Repeat("ж", 66) + "👍" + strings.Repeat("ж", 5), UCS2, 73, 2},
	} {
		got := CountSegments(c.body)
		if got.Encoding != c.enc || got.Units != c.units || got.Count != c.count {
			t.Errorf("%s: CountSegments = %+v, want {%s %d %d}", c.name, got, c.enc, c.units, c.count)
		}
	}
}
