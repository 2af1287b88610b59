package notify

import "unicode/utf16"

// SMS encodings. A message goes in the GSM 03.38 7-bit default alphabet when every character is in
// it (or in its extension table); one character outside it — a curly quote, an en dash, an emoji —
// sends the whole message in UCS-2, which fits fewer than half as many characters per segment.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Segment sizes: a single SMS carries 160 septets (GSM-7) or 70 UTF-16 units (UCS-2); in a
// concatenated message each part loses room to its header and carries 153 or 67.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsmBasic is the GSM 03.38 default alphabet (each character one septet; 0x1B, the escape to the
// extension table, is not a character of its own).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension are the characters sent as the escape septet and one more: two septets each.
const gsmExtension = "\f^{}\\[~]|€"

// Segments is how an SMS body travels: its encoding, its length in that encoding's units
// (septets or UTF-16 code units), and how many SMS segments it takes — what the citizen's
// operator delivers and the provider bills.
type Segments struct {
	Encoding string
	Units    int
	Count    int
}

// CountSegments counts the SMS segments body needs. A character never straddles two segments (an
// extension character's escape and its septet, or a UTF-16 surrogate pair, stay together), as
// handsets and gateways pack them, so a multipart count can exceed a plain division by one.
func CountSegments(body string) Segments {
	if body == "" {
		return Segments{Encoding: GSM7}
	}
	widths, enc := gsmWidths(body)
	single, part := gsmSingle, gsmPart
	if enc == UCS2 {
		widths = ucs2Widths(body)
		single, part = ucs2Single, ucs2Part
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	if total <= single {
		return Segments{Encoding: enc, Units: total, Count: 1}
	}
	count, room := 1, part
	for _, w := range widths {
		if w > room {
			count++
			room = part
		}
		room -= w
	}
	return Segments{Encoding: enc, Units: total, Count: count}
}

// gsmWidths gives each character's septets, or reports UCS2 at the first character outside the
// GSM-7 alphabet and its extension.
func gsmWidths(body string) ([]int, string) {
	var widths []int
	for _, r := range body {
		switch {
		case containsRune(gsmBasic, r):
			widths = append(widths, 1)
		case containsRune(gsmExtension, r):
			widths = append(widths, 2)
		default:
			return nil, UCS2
		}
	}
	return widths, GSM7
}

// ucs2Widths gives each character's UTF-16 code units: two for a character outside the Basic
// Multilingual Plane (most emoji), sent as a surrogate pair.
func ucs2Widths(body string) []int {
	var widths []int
	for _, r := range body {
		widths = append(widths, len(utf16.Encode([]rune{r})))
	}
	return widths
}

func containsRune(set string, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}
