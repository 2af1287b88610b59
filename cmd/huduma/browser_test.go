package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/browsertest"
)

// TestCharterPageInBrowser starts Huduma as `huduma serve` does and reads the Kakamega charter in
// headless Chromium, as a citizen would: the service matrix row by row, then in Kiswahili, then
// on a phone-sized screen; and a staff member signs in.
func TestCharterPageInBrowser(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "huduma.db"), nil)
	ctx := browsertest.New(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/charters/agency/KKG-ICT")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "ICT Department Service Charter") {
		t.Errorf("heading = %q", title)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("table.matrix tbody tr")].map(tr => [...tr.cells].map(td => td.innerText.trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 {
		t.Fatalf("the service matrix shows %d rows, want the charter's 11", len(rows))
	}
	repair := rows[2]
	if repair[1] != "ICT equipment Repair" || !strings.Contains(repair[2], "Log on the help desk") ||
		repair[3] != "Equipment cost and budget" || repair[4] != "Within 10 working days." {
		t.Errorf("row 3 reads %q", repair)
	}
	if rows[1][3] != "Free" || rows[1][4] != "Within 30 minutes." {
		t.Errorf("row 2 reads %q", rows[1])
	}
	if rows[6][3] != "Not stated" {
		t.Errorf("a row whose cost the charter leaves empty reads %q", rows[6][3])
	}
	browsertest.Screenshot(t, ctx, filepath.Join(t.TempDir(), "charter.png"))

	// Printed, the charter takes its size from the page's own A4 rule and leaves the site's header
	// and footer off the paper.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { p.PreferCSSPageSize = ptr(true) }))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 594.95996 841.91998]")) {
		t.Error("the printed charter is not on A4 paper (595 x 842 pt)")
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.styleSheets].flatMap(s => [...s.cssRules])
		.some(r => r.media && r.media.mediaText === "print" && /\.top[^{]*\{[^}]*display: none/.test(r.cssText))`))
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("the print styles do not hide the site header")
	}

	// Kiswahili, through the language switch in the header.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[hreflang="sw"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="sw"] h2#matrix`))); err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h2#matrix")))
	if err != nil {
		t.Fatal(err)
	}
	if heading == "Service matrix" || heading == "" {
		t.Errorf("matrix heading in Kiswahili = %q", heading)
	}
	free, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll("table.matrix tbody tr")[1].cells[3].innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if free != "Bure" {
		t.Errorf("'Free' in Kiswahili = %q, want Bure", free)
	}

	// On a phone every page fits the screen: nothing scrolls sideways, and the matrix reads as
	// one card a service.
	phone := browsertest.NewWithSize(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	for _, path := range []string{"/charters/agency/KKG-ICT", "/charters/agency/NRK-ICT", "/services/KKG-ICT-03", "/services", "/centres", "/"} {
		if err := chromedp.Do(phone, chromedp.Navigate(s.url+path)); err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow {
			t.Errorf("%s scrolls sideways on a 360px phone", path)
		}
	}

	// A centre manager signs in through the form and lands on the staff page.
	staff := browsertest.New(t)
	err = chromedp.Do(staff,
		chromedp.Navigate(s.url+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#username"), "gpo.manager"),
		chromedp.SendKeys(chromedp.CSS("#password"), "karibu-huduma"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/centres"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	who, err := chromedp.Run(staff, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(who, "Grace Muthoni") {
		t.Errorf("staff page greets %q", who)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCitizenRequestInBrowser is a citizen's whole walk on the real server: from a service's page
// to its form, a mistake shown and corrected, the reference, and the tracking page.
func TestCitizenRequestInBrowser(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "huduma.db"), nil)
	ctx := browsertest.NewWithSize(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.url+"/services/KKG-ICT-03"),
		chromedp.Click(chromedp.CSS(`a[href="/services/KKG-ICT-03/request"]`)),
		chromedp.WaitVisible(chromedp.CSS("#description")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Achieng Odhiambo"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "0712 34"),
		chromedp.SendKeys(chromedp.CSS("#description"), "The registry printer jams on every page."),
		chromedp.Submit(chromedp.CSS("#description")),
		chromedp.WaitVisible(chromedp.CSS(".ferr")),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".ferr")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "Kenyan mobile number") {
		t.Errorf("the phone mistake reads %q", msg)
	}
	kept, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("description").value`))
	if kept != "The registry printer jams on every page." {
		t.Errorf("the description was lost: %q", kept)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#phone"), "0712 345 678"),
		chromedp.Submit(chromedp.CSS("#description")),
		chromedp.WaitVisible(chromedp.CSS(".ref")),
	)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".ref")))
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != 9 || ref[4] != '-' {
		t.Fatalf("reference %q", ref)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.button")), chromedp.WaitVisible(chromedp.CSS(".timeline")))
	if err != nil {
		t.Fatal(err)
	}
	heading, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".status")))
	if !strings.Contains(heading, ref) || status != "New" {
		t.Errorf("tracking page: %q, status %q", heading, status)
	}
	overflow, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if overflow {
		t.Error("the tracking page scrolls sideways on a phone")
	}
	// Later, from another phone: the tracking form with reference and number.
	other := browsertest.NewWithSize(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	err = chromedp.Do(other,
		chromedp.Navigate(s.url+"/track"),
		chromedp.SendKeys(chromedp.CSS("#ref"), strings.ToLower(ref)),
		chromedp.SendKeys(chromedp.CSS("#phone"), "+254712345678"),
		chromedp.Submit(chromedp.CSS("#phone")),
		chromedp.WaitVisible(chromedp.CSS(".timeline")),
	)
	if err != nil {
		t.Fatal(err)
	}
}
