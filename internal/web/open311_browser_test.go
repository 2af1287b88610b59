package web_test

import (
	"context"
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

// TestOpen311ScreensInBrowser: in Chromium, the agency admin ticks "Take anonymous reports
// through Open311" on the service form and saves; an anonymous Open311 report with a picture then
// shows on its officer's request page as anonymous, with the picture's link. Both screens are
// photographed at phone and desktop size in English and Kiswahili (HUDUMA_SCREENSHOTS=dir keeps
// them) and must not scroll sideways.
func TestOpen311ScreensInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	shots := os.Getenv("HUDUMA_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	type css = chromedp.CSS
	open := func(username string) (context.Context, func(error)) {
		browser := browsertest.NewWithSize(t, 1366, 768)
		b, cancel := context.WithTimeout(browser, 90*time.Second)
		t.Cleanup(cancel)
		fail := func(err error) {
			t.Helper()
			page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`location.href + " " + document.body.innerText.slice(0, 400)`))
			t.Fatalf("%v; the browser shows %s", err, page)
		}
		if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/signin"), chromedp.WaitVisible(css("#username")),
			chromedp.SendKeys(css("#username"), username), chromedp.SendKeys(css("#password"), demo.DemoPassword),
			chromedp.Submit(css("#password")), chromedp.WaitVisible(css(`form[action="/signout"]`))); err != nil {
			fail(err)
		}
		return b, fail
	}
	photograph := func(b context.Context, fail func(error), name, path, wait string) {
		t.Helper()
		for _, lang := range []string{"en", "sw"} {
			if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/lang/"+lang+"?next="+url.QueryEscape(path)), chromedp.WaitVisible(css(wait))); err != nil {
				fail(err)
			}
			for _, size := range []struct {
				name string
				w, h int64
			}{{"phone", 360, 740}, {"desktop", 1366, 768}} {
				if err := chromedp.Do(b, chromedp.EmulateViewport(size.w, size.h)); err != nil {
					fail(err)
				}
				if overflow, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
					t.Errorf("%s (%s, %s) scrolls sideways", name, lang, size.name)
				}
				browsertest.Screenshot(t, b, filepath.Join(shots, name+"-"+lang+"-"+size.name+".png"))
			}
		}
		if err := chromedp.Do(b, chromedp.Navigate(h.srv.URL+"/lang/en?next="+url.QueryEscape(path)), chromedp.WaitVisible(css(wait))); err != nil {
			fail(err)
		}
	}

	admin, fail := open("kakamega.ict")
	photograph(admin, fail, "service-form-anonymous", "/admin/services/KKG-ICT-03/edit", `input[name="allow_anonymous"]`)
	if err := chromedp.Do(admin, chromedp.Click(css(`input[name="allow_anonymous"]`)), chromedp.Click(css(`form.form button[type="submit"]`)),
		chromedp.WaitVisible(css(`p.notice`)), chromedp.WaitVisible(css(`input[name="allow_anonymous"]:checked`))); err != nil {
		fail(err)
	}
	if sv, err := h.charters.ServiceByCode(ctx, "KKG-ICT-03"); err != nil || !sv.AllowAnonymous {
		t.Fatalf("saved from the browser, the service does not take anonymous reports (%v)", err)
	}

	_, key := h.newAPIKey("Generic Open311 app")
	res, body := o311Post(h, "/open311/v2/requests.json", url.Values{"api_key": {key}, "service_code": {"KKG-ICT-03"},
		"description": {"The projector in the boardroom shows no picture."}, "media_url": {"https://img.example.org/projector.jpg"}})
	ref := o311Created(t, res, body).ID

	officer, fail := open("kakamega.officer")
	photograph(officer, fail, "staff-request-anonymous", "/staff/requests/"+ref, `a[href="https://img.example.org/projector.jpg"]`)
	text, _ := chromedp.Run(officer, chromedp.Text(css("main")))
	if !strings.Contains(text, "Anonymous: no name or contact given") || !strings.Contains(text, "Picture sent with the request") {
		t.Errorf("the officer's page: %.800s", text)
	}
}
