package i18n

import "testing"

func TestPlural(t *testing.T) {
	tr, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 services found."},
		{"en", 1, "1 service found."},
		{"en", 3, "3 services found."},
		{"sw", 0, "Huduma 0 zimepatikana."},
		{"sw", 1, "Huduma 1 imepatikana."},
		{"sw", 3, "Huduma 3 zimepatikana."},
		{"fr", 1, "1 service found."}, // an unknown language falls back to English
	} {
		if got := tr.Plural(c.lang, c.n, "%d service found.", "%d services found."); got != c.want {
			t.Errorf("Plural(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	// Further arguments follow the count.
	tr = &Translator{sw: map[string]string{"%d ticket at %s": "tiketi %d kwa %s", "%d tickets at %s": "tiketi %d kwa %s"}}
	if got := tr.Plural("en", 2, "%d ticket at %s", "%d tickets at %s", "GPO"); got != "2 tickets at GPO" {
		t.Errorf("with args: %q", got)
	}
	if got := tr.Plural("sw", 1, "%d ticket at %s", "%d tickets at %s", "GPO"); got != "tiketi 1 kwa GPO" {
		t.Errorf("sw with args: %q", got)
	}
}

func TestPluralFunc(t *testing.T) {
	tr, err := New()
	if err != nil {
		t.Fatal(err)
	}
	f := tr.PluralFunc("sw")
	for _, n := range []any{1, int64(1), int32(1), uint(1), uint64(1)} {
		if got, err := f(n, "%d service found.", "%d services found."); err != nil || got != "Huduma 1 imepatikana." {
			t.Errorf("%T: %q, %v", n, got, err)
		}
	}
	if _, err := f("3", "%d service found.", "%d services found."); err == nil {
		t.Error("a string count should be an error")
	}
}
