package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
)

// screenshotDir is where browser tests leave their screenshots: HUDUMA_SCREENSHOTS, to look at
// them, or the test's own temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("HUDUMA_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// TestRegisteredKioskInBrowser: the centre manager registers a kiosk on the monitor (a desktop
// screen), opens the address it gives on the kiosk (a portrait touch screen), and the kiosk shows
// it is registered, in English and Kiswahili, and gives tickets.
func TestRegisteredKioskInBrowser(t *testing.T) {
	type css = chromedp.CSS
	h := newHarness(t, dbtest.SQLite(t))
	dir := screenshotDir(t)
	desk := browsertest.NewWithSize(t, 1366, 768)
	err := chromedp.Do(desk,
		chromedp.Navigate(h.srv.URL+"/signin?next=/staff/queue/HC-GPO"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), "gpo.manager"),
		chromedp.SendKeys(css("#password"), demo.DemoPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#kiosk-label")),
		chromedp.SendKeys(css("#kiosk-label"), "Hall, by the door"),
		chromedp.ScrollIntoView(css("#kiosks")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if overflow, _ := chromedp.Run(desk, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
		t.Error("the monitor scrolls sideways")
	}
	browsertest.Screenshot(t, desk, filepath.Join(dir, "monitor-kiosks-1366.png"))
	err = chromedp.Do(desk,
		chromedp.Submit(css("#kiosk-label")),
		chromedp.WaitVisible(css("code.secret-url")),
	)
	if err != nil {
		t.Fatal(err)
	}
	address, err := chromedp.Run(desk, chromedp.Text(css("code.secret-url")))
	if err != nil || !strings.Contains(address, "/centres/HC-GPO/kiosk?kiosk=") {
		t.Fatalf("kiosk address %q (%v)", address, err)
	}
	browsertest.Screenshot(t, desk, filepath.Join(dir, "kiosk-registered-1366.png"))

	kiosk := browsertest.NewWithSize(t, 1080, 1920)
	// The page shows the public address; the test server is where the kiosk really goes.
	path := address[strings.Index(address, "/centres/"):]
	err = chromedp.Do(kiosk,
		chromedp.Navigate(h.srv.URL+path),
		chromedp.WaitVisible(css(".kiosk-registered")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loc, _ := chromedp.Run(kiosk, chromedp.Location()); strings.Contains(loc, "key=") {
		t.Errorf("the kiosk's address still holds its secret: %s", loc)
	}
	for _, lang := range []string{"en", "sw"} {
		err = chromedp.Do(kiosk,
			chromedp.Navigate(h.srv.URL+"/centres/HC-GPO/kiosk?lang="+lang),
			chromedp.WaitVisible(css(".kiosk-registered")),
		)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if overflow, _ := chromedp.Run(kiosk, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); overflow {
			t.Errorf("%s: the kiosk scrolls sideways", lang)
		}
		browsertest.Screenshot(t, kiosk, filepath.Join(dir, "kiosk-registered-1080x1920-"+lang+".png"))
	}
	text, _ := chromedp.Run(kiosk, chromedp.Text(css(".kiosk-registered")))
	if text != "Kioski iliyosajiliwa" {
		t.Errorf("Kiswahili kiosk says %q", text)
	}
	err = chromedp.Do(kiosk,
		chromedp.Click(css(`button[value="NRB-01"]`)),
		chromedp.WaitVisible(css(".slip-number")),
	)
	if err != nil {
		t.Fatal(err)
	}
}
