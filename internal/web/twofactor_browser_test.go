package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
)

// TestTwoFactorInBrowser: in Chromium, an officer sets up two-step sign-in from the QR page (the
// test plays the phone, computing the code from the key the page shows), keeps the recovery codes,
// signs out, and signs in again with the password and then a code. The enrolment and code pages are
// photographed at phone and desktop size in both languages (HUDUMA_SCREENSHOTS=dir keeps them) and
// must not scroll sideways.
func TestTwoFactorInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	shots := os.Getenv("HUDUMA_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	browser := browsertest.NewWithSize(t, 1366, 768)
	b, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	type css = chromedp.CSS
	fail := func(err error) {
		t.Helper()
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	// photograph shows the current page at both sizes in both languages; wait is what must be on it.
	photograph := func(name, path, wait string) {
		t.Helper()
		for _, lang := range []string{"en", "sw"} {
			if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/lang/"+lang+"?next="+path), chromedp.WaitVisible(css(wait))); err != nil {
				fail(err)
			}
			for _, size := range []struct {
				name string
				w, h int64
			}{{"phone", 360, 740}, {"desktop", 1366, 768}} {
				if err := chromedp.Do(b, chromedp.EmulateViewport(size.w, size.h)); err != nil {
					fail(err)
				}
				overflow, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if overflow {
					t.Errorf("%s (%s, %s) scrolls sideways", name, lang, size.name)
				}
				browsertest.Screenshot(t, b, filepath.Join(shots, name+"-"+lang+"-"+size.name+".png"))
			}
		}
		if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/lang/en?next="+path), chromedp.WaitVisible(css(wait))); err != nil {
			fail(err)
		}
	}
	signIn := func() {
		t.Helper()
		err := chromedp.Do(b,
			chromedp.Navigate(h.srv.URL+"/signin"),
			chromedp.WaitVisible(css("#username")),
			chromedp.SendKeys(css("#username"), "gpo.officer"),
			chromedp.SendKeys(css("#password"), demo.DemoPassword),
			chromedp.Submit(css("#password")),
		)
		if err != nil {
			fail(err)
		}
	}

	signIn()
	err := chromedp.Do(b,
		chromedp.WaitVisible(css(`a[href="/account/two-factor"]`)),
		chromedp.Click(css(`a[href="/account/two-factor"]`)),
		chromedp.WaitVisible(css("#setup")),
		chromedp.Click(css("#setup")),
		chromedp.WaitVisible(css("#secret")),
		chromedp.WaitVisible(css(".enrol-qr svg")),
	)
	if err != nil {
		fail(err)
	}
	photograph("two-factor-enrol", "/account/two-factor", "#secret")
	shown, _ := chromedp.Run(b, chromedp.Text(css("#secret")))
	secret := strings.ReplaceAll(shown, " ", "")
	code, err := auth.TOTPCode(secret, h.now)
	if err != nil {
		t.Fatalf("the key on the page %q: %v", shown, err)
	}
	err = chromedp.Do(b,
		chromedp.SendKeys(css("#code"), code),
		chromedp.Submit(css("#code")),
		chromedp.WaitVisible(css("#recovery-codes")),
	)
	if err != nil {
		fail(err)
	}
	codes, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#recovery-codes li").length`))
	if codes != auth.RecoveryCodeCount {
		t.Errorf("%d recovery codes on the page", codes)
	}
	browsertest.Screenshot(t, b, filepath.Join(shots, "two-factor-recovery-codes-en-desktop.png"))
	err = chromedp.Do(b,
		chromedp.Click(css("#continue")),
		chromedp.WaitVisible(css(`form[action="/signout"] button`)),
		chromedp.Click(css(`form[action="/signout"] button`)),
		chromedp.WaitVisible(css(`a[href="/signin"]`)),
	)
	if err != nil {
		fail(err)
	}

	// Signing in again: the password, then the code step.
	signIn()
	if err := chromedp.Do(b, chromedp.WaitVisible(css("#code"))); err != nil {
		fail(err)
	}
	photograph("two-factor-code", "/signin/code", "#code")
	// Still no way into staff pages from here.
	if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/staff"), chromedp.WaitVisible(css("#username"))); err != nil {
		fail(err)
	}
	h.now = h.now.Add(auth.TOTPStep) // the enrolment's code is spent; the phone shows the next one
	code, _ = auth.TOTPCode(secret, h.now)
	err = chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/signin/code"),
		chromedp.WaitVisible(css("#code")),
		chromedp.SendKeys(css("#code"), code),
		chromedp.Submit(css("#code")),
		chromedp.WaitVisible(css(`form[action="/signout"]`)),
	)
	if err != nil {
		fail(err)
	}
	if heading, _ := chromedp.Run(b, chromedp.Text(css("h1"))); !strings.Contains(heading, "Peter Kamau") {
		t.Errorf("after the code the browser shows %q", heading)
	}
}
