package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
)

// TestStaffInvitationInBrowser: in Chromium, the national admin adds an officer; the invitation's
// link (read from the outbox, as the officer would from their mail) sets the officer's password;
// the officer signs in with it. The staff list, the edit page and the account page are shot at
// desktop (1366×768) and phone (360×740) sizes in English and Kiswahili, and must not scroll
// sideways. HUDUMA_SCREENSHOTS=dir keeps the pictures.
func TestStaffInvitationInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	browser := browsertest.NewWithSize(t, 1366, 768)
	b, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	fail := func(err error) {
		t.Helper()
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
		t.Fatalf("%v; the browser shows %s", err, page)
	}
	type css = chromedp.CSS
	shots := os.Getenv("HUDUMA_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	shoot := func(name string) {
		t.Helper()
		for _, lang := range []string{"en", "sw"} {
			for _, size := range []struct {
				name string
				w, h int64
			}{{"desktop", 1366, 768}, {"phone", 360, 740}} {
				here, _ := chromedp.Run(b, chromedp.Location())
				path := strings.TrimPrefix(here, h.srv.URL)
				if err := chromedp.Do(b, chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(h.srv.URL+"/lang/"+lang+"?next="+url.QueryEscape(path)), chromedp.WaitVisible(css("main h1"))); err != nil {
					fail(err)
				}
				overflow, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
				if overflow {
					t.Errorf("%s (%s, %s) scrolls sideways", name, lang, size.name)
				}
				browsertest.Screenshot(t, b, filepath.Join(shots, fmt.Sprintf("%s-%s-%s.png", name, size.name, lang)))
			}
		}
		if err := chromedp.Do(b, chromedp.EmulateViewport(1366, 768)); err != nil {
			fail(err)
		}
		here, _ := chromedp.Run(b, chromedp.Location())
		if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/lang/en?next="+url.QueryEscape(strings.TrimPrefix(here, h.srv.URL))), chromedp.WaitVisible(css("main h1"))); err != nil {
			fail(err)
		}
	}

	gpo := centreID(t, h, "HC-GPO")
	err := chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/signin?next=/admin/users"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "admin"),
		chromedp.SendKeys(css("#password"), demo.DemoPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(`a[href="/admin/users/new"]`)),
	)
	if err != nil {
		fail(err)
	}
	shoot("users-list")
	err = chromedp.Do(b,
		chromedp.Click(css(`a[href="/admin/users/new"]`)),
		chromedp.WaitVisible(css("#name")),
		chromedp.SendKeys(css("#username"), "achieng.o"),
		chromedp.SendKeys(css("#name"), "Achieng Owino"),
		chromedp.SendKeys(css("#email"), "achieng@huduma.example"),
		chromedp.SendKeys(css("#phone"), "0733 100 200"),
		chromedp.SetValue(css("#language"), "sw"),
		chromedp.SetValue(css("#role"), "officer"),
		chromedp.SetValue(css("#centre"), fmt.Sprint(gpo)),
		chromedp.Submit(css("#name")),
		chromedp.WaitVisible(css(".notice")),
	)
	if err != nil {
		fail(err)
	}
	if notice, _ := chromedp.Run(b, chromedp.Text(css(".notice"))); !strings.Contains(notice, "invitation") {
		t.Errorf("after adding: %q", notice)
	}
	shoot("user-edit")
	if err := chromedp.Do(b, chromedp.Click(css(`a[href="/admin/users/achieng.o/disable"]`)), chromedp.WaitVisible(css("button.danger"))); err != nil {
		fail(err)
	}
	shoot("user-disable")

	// The invitation, opened in a browser with nobody signed in.
	token := h.linkTo("achieng@huduma.example")
	err = chromedp.Do(b,
		chromedp.Click(css(`header .who button`)), // the admin signs out
		chromedp.WaitVisible(css(`a[href="/signin"]`)),
		chromedp.Navigate(h.srv.URL+"/password?t="+token),
		chromedp.WaitVisible(css("#password")),
	)
	if err != nil {
		fail(err)
	}
	shoot("password-link")
	err = chromedp.Do(b,
		chromedp.SendKeys(css("#password"), "jua kali la mchana"),
		chromedp.SendKeys(css("#confirm"), "jua kali la mchana"),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#username")),
	)
	if err != nil {
		fail(err)
	}
	if notice, _ := chromedp.Run(b, chromedp.Text(css(".notice"))); !strings.Contains(notice, "password is set") {
		t.Errorf("after setting the password: %q", notice)
	}
	err = chromedp.Do(b,
		chromedp.SendKeys(css("#username"), "achieng.o"),
		chromedp.SendKeys(css("#password"), "jua kali la mchana"),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(`.who a[href="/account"]`)),
		chromedp.Click(css(`.who a[href="/account"]`)),
		chromedp.WaitVisible(css("#sessions")),
	)
	if err != nil {
		fail(err)
	}
	if who, _ := chromedp.Run(b, chromedp.Text(css(".who a"))); who != "Achieng Owino" {
		t.Errorf("signed in as %q", who)
	}
	shoot("account")
	// The pages of a spent link and of "Forgot password?".
	if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/password?t="+token), chromedp.WaitVisible(css("main h1"))); err != nil {
		fail(err)
	}
	if text, _ := chromedp.Run(b, chromedp.Text(css("main"))); !strings.Contains(text, "already been used") {
		t.Errorf("a spent link shows %q", text)
	}
	shoot("password-link-used")
	if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/signin/forgot"), chromedp.WaitVisible(css("#who"))); err != nil {
		fail(err)
	}
	shoot("forgot-password")
}
