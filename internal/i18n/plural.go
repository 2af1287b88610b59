package i18n

import "fmt"

// Plural translates a message that counts something, choosing the form the count needs in lang:
// one is the English singular ("%d service found"), other the plural ("%d services found"), and
// each form is its own key in sw.json ("huduma %d imepatikana", "huduma %d zimepatikana"). The
// count is the first fmt argument; args follow it. Templates call it as
// {{plural .N "%d service found" "%d services found"}}.
func (t *Translator) Plural(lang string, n int, one, other string, args ...any) string {
	msg := other
	if pluralForm(lang, n) == formOne {
		msg = one
	}
	return t.T(lang, msg, append([]any{n}, args...)...)
}

// Plural forms, as CLDR names them.
const (
	formOne   = "one"
	formOther = "other"
)

// pluralForm is CLDR's plural rule for lang. English and Kiswahili share it: "one" for exactly 1
// (the noun class of "huduma 1 imepatikana" agrees in the singular), "other" for every other count,
// 0 included ("huduma 0 zimepatikana", "0 services found"). A language added later with more forms
// (or none) gets its own case here, and its catalogue a key per form.
func pluralForm(lang string, n int) string {
	_ = lang // en and sw alike
	if n == 1 {
		return formOne
	}
	return formOther
}

// pluralCount turns a template's count (any integer type) into an int for Plural.
func pluralCount(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return int(n), nil
	case int32:
		return int(n), nil
	case uint:
		return int(n), nil
	case uint64:
		return int(n), nil
	}
	return 0, fmt.Errorf("plural: the count must be an integer, not %T", v)
}

// PluralFunc is the template function plural for lang: {{plural .N "one form" "other form" args…}}.
func (t *Translator) PluralFunc(lang string) func(n any, one, other string, args ...any) (string, error) {
	return func(n any, one, other string, args ...any) (string, error) {
		c, err := pluralCount(n)
		if err != nil {
			return "", err
		}
		return t.Plural(lang, c, one, other, args...), nil
	}
}
