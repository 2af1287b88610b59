// Package i18n translates Huduma's user-facing text between English and Kiswahili.
//
// Messages are keyed by their English text (as gettext does), so code and templates stay readable
// and a missing translation falls back to English rather than to a bare key. The Kiswahili catalogue
// is sw.json; a test checks that every key used in templates and code has an entry.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

//go:embed *.json
var catalogues embed.FS

// Languages offered, in the order shown in the language switch.
var Languages = []Lang{{"en", "English"}, {"sw", "Kiswahili"}}

// Lang is a language code and its own name.
type Lang struct{ Code, Name string }

// Translator holds the catalogues. English needs a catalogue only for the few keys that are codes
// rather than sentences (state_department, help_desk): en.json gives them their display words.
type Translator struct {
	sw map[string]string
	en map[string]string
}

// New loads the embedded catalogues.
func New() (*Translator, error) {
	t := &Translator{}
	for name, dst := range map[string]*map[string]string{"sw.json": &t.sw, "en.json": &t.en} {
		b, err := catalogues.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
	}
	return t, nil
}

// T translates msg into lang and formats it with args (fmt verbs), falling back to English.
func (t *Translator) T(lang, msg string, args ...any) string {
	cat := t.en
	if lang == "sw" {
		cat = t.sw
	}
	if s, ok := cat[msg]; ok && s != "" {
		msg = s
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the Kiswahili catalogue has msg.
func (t *Translator) Has(msg string) bool { _, ok := t.sw[msg]; return ok }

// Keys returns the Kiswahili catalogue's keys.
func (t *Translator) Keys() []string {
	out := make([]string, 0, len(t.sw))
	for k := range t.sw {
		out = append(out, k)
	}
	return out
}

// Supported reports whether code is an offered language.
func Supported(code string) bool { return code == "en" || code == "sw" }

// FromRequest picks the language: ?lang=, then the "lang" cookie, then Accept-Language, then English.
func FromRequest(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); Supported(l) {
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && Supported(c.Value) {
		return c.Value
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns the first supported language in the header, honouring q=0 refusals.
func fromAcceptLanguage(h string) string {
	best, bestQ := "en", -1.0
	for i, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		q -= float64(i) * 1e-6 // earlier wins a tie
		if Supported(base) && q > 0 && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
