package web_test

import (
	"context"
	"image"
	"image/color"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	qr "github.com/piglig/go-qr"
)

// kioskToken opens a public form page and returns its CSRF token (set in the client's cookie jar).
func kioskToken(t *testing.T, c *client, path string) string {
	t.Helper()
	res, body := c.get(path)
	wantStatus(t, res, body, http.StatusOK)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no CSRF token", path)
	}
	return m[1]
}

// press takes a ticket at the GPO kiosk and returns the ticket page's address.
func press(t *testing.T, c *client, service, phone, priority string) string {
	t.Helper()
	token := kioskToken(t, c, "/centres/HC-GPO/kiosk")
	res, body := c.post("/centres/HC-GPO/kiosk", url.Values{"csrf": {token}, "service": {service}, "phone": {phone}, "priority": {priority}})
	wantStatus(t, res, body, http.StatusSeeOther)
	return res.Header.Get("Location")
}

// ticketAt splits a ticket page's address into its id and key.
func ticketAt(t *testing.T, loc string) (int64, string) {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(u.Path, "/tickets/"), 10, 64)
	if err != nil || u.Query().Get("key") == "" {
		t.Fatalf("not a ticket page: %q", loc)
	}
	return id, u.Query().Get("key")
}

var qrRect = regexp.MustCompile(`<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1" fill="#000"/>`)
var qrViewBox = regexp.MustCompile(`<svg[^>]*class="qr" viewBox="0 0 (\d+) (\d+)"`)

// readQR draws the page's QR code SVG as an image and decodes it, as a phone's camera would.
func readQR(t *testing.T, body string) string {
	t.Helper()
	vb := qrViewBox.FindStringSubmatch(body)
	if vb == nil {
		t.Fatal("the page has no QR code <svg>")
	}
	dim, _ := strconv.Atoi(vb[1])
	const scale = 8
	img := image.NewGray(image.Rect(0, 0, dim*scale, dim*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, m := range qrRect.FindAllStringSubmatch(body, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for py := y * scale; py < (y+1)*scale; py++ {
			for px := x * scale; px < (x+w)*scale; px++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	text, err := qr.Decode(img)
	if err != nil {
		t.Fatalf("the QR code does not scan: %v", err)
	}
	return text
}

func TestKioskTicket(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()

		// The GPO kiosk lists the centre's services, by agency, as buttons; nothing it does not offer.
		res, body := c.get("/centres/HC-GPO/kiosk")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Huduma Centre GPO", `<h3>National Registration Bureau</h3>`, `name="service" value="NRB-01"`,
			"National ID card: first issue", `<h3>Kenya Revenue Authority</h3>`, `value="disability"`, "(optional)", `class="kiosk"`)
		nrb := body[strings.Index(body, "<h3>National Registration Bureau</h3>"):]
		nrb = nrb[:strings.Index(nrb[4:], "<h3>")+4]
		if !strings.Contains(nrb, `value="NRB-01"`) || !strings.Contains(nrb, `value="NRB-02"`) || strings.Contains(nrb, `value="KRA-`) {
			t.Errorf("the NRB group holds the wrong services:\n%s", nrb)
		}
		if strings.Contains(body, `value="KKG-ICT-03"`) {
			t.Error("the GPO kiosk offers a Kakamega county service")
		}
		if strings.Contains(body, " style=") || strings.Contains(body, "<script>") {
			t.Error("the kiosk has inline style or script, which the CSP refuses")
		}
		res, body = c.get("/centres/HC-GPO/kiosk?lang=sw")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Ofisi ya Taifa ya Usajili wa Watu", "Kitambulisho cha taifa: kutolewa mara ya kwanza", `action="/centres/HC-GPO/kiosk?lang=sw"`)
		res, body = c.get("/centres/NOPE/kiosk")
		wantStatus(t, res, body, http.StatusNotFound)

		// Pressing NRB-01 issues A001 and goes to its page.
		loc := press(t, c, "NRB-01", "0712 345 678", "")
		if !strings.HasPrefix(loc, "/tickets/") || !strings.Contains(loc, "from=kiosk") {
			t.Fatalf("redirect to %q", loc)
		}
		id, key := ticketAt(t, loc)
		var channel, number string
		if err := d.QueryRowContext(ctx, `SELECT channel, number FROM tickets WHERE id = $1`, id).Scan(&channel, &number); err != nil || channel != "kiosk" || number != "A001" {
			t.Errorf("the ticket: %s %s %v", number, channel, err)
		}
		res, body = c.get(loc)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, ">A001<", "National ID card: first issue", "Huduma Centre GPO", "2026-11-23 12:30",
			"Your place in line: <strong>1</strong>", "unknown: no counter is serving this now", "<svg", "2547••••5678",
			`href="/centres/HC-GPO/kiosk"`)
		for _, leak := range []string{"712 345 678", "712345678"} {
			if strings.Contains(body, leak) {
				t.Errorf("the ticket page shows the phone number (%s)", leak)
			}
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		if want := "https://huduma.test/tickets/" + strconv.FormatInt(id, 10) + "?key=" + key; readQR(t, body) != want {
			t.Errorf("the QR code reads %q, want %q", readQR(t, body), want)
		}
		// From a phone (no kiosk): the page reloads itself while waiting.
		follow := "/tickets/" + strconv.FormatInt(id, 10) + "?key=" + url.QueryEscape(key)
		_, body = h.anonymous().get(follow)
		wantContains(t, body, `<meta http-equiv="refresh" content="30">`, "A001")

		// With an officer at counter 3 for NRB-01, the next ticket has a known wait.
		officer, counter := h.signInCounter("gpo.officer", 3, "NRB-01")
		loc2 := press(t, c, "NRB-01", "", "")
		res, body = c.get(loc2)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, ">A002<", "Your place in line: <strong>2</strong>")
		if !regexp.MustCompile(`Expected wait: <strong>about \d+–\d+ minutes</strong>`).MatchString(body) || strings.Contains(body, "unknown") {
			t.Errorf("no known range on the second ticket:\n%s", body[strings.Index(body, "slip-status"):][:400])
		}

		// Called: the first ticket's page sends its holder to counter 3.
		if _, err := h.queue.CallNext(ctx, officer, counter); err != nil {
			t.Fatal(err)
		}
		_, body = h.anonymous().get(follow)
		wantContains(t, body, "Please go to counter 3")

		// A wrong or missing key, or no such ticket: the same 404, and nothing of the ticket.
		for _, path := range []string{
			"/tickets/" + strconv.FormatInt(id, 10) + "?key=wrong" + key,
			"/tickets/" + strconv.FormatInt(id, 10),
			"/tickets/999999?key=" + key,
			"/tickets/abc?key=" + key,
		} {
			res, body := h.anonymous().get(path)
			wantStatus(t, res, body, http.StatusNotFound)
			if strings.Contains(body, "A001") || strings.Contains(body, "National ID") {
				t.Errorf("%s shows the ticket", path)
			}
		}
	})
}

func TestKioskRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		gpo := centreID(t, h, "HC-GPO")
		nrb02, err := h.charters.ServiceByCode(ctx, "NRB-02")
		if err != nil {
			t.Fatal(err)
		}
		try := func(service, priority string) (*http.Response, string) {
			t.Helper()
			token := kioskToken(t, c, "/centres/HC-GPO/kiosk")
			return c.post("/centres/HC-GPO/kiosk", url.Values{"csrf": {token}, "service": {service}, "priority": {priority}})
		}

		// A stopped service: the reason, in plain words, on the kiosk; no ticket.
		if err := h.queue.Pause(ctx, audit.System, gpo, nrb02.ID, "the registration system is down"); err != nil {
			t.Fatal(err)
		}
		before := h.count("tickets")
		res, body := try("NRB-02", "")
		wantStatus(t, res, body, http.StatusConflict)
		wantContains(t, body, "Tickets for Replacement of a lost national ID card are stopped for now: the registration system is down.",
			"No ticket was issued.", `value="NRB-01"`, `content="60;url=/centres/HC-GPO/kiosk"`)

		// Over the day's quota.
		press(t, c, "NRB-01", "", "")
		nrb01, _ := h.charters.ServiceByCode(ctx, "NRB-01")
		st, err := h.queue.Settings(ctx, gpo, nrb01.ID)
		if err != nil {
			t.Fatal(err)
		}
		st.DailyQuota = 1
		if _, err := h.queue.SaveSettings(ctx, audit.System, st); err != nil {
			t.Fatal(err)
		}
		res, body = try("NRB-01", "")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "All of today&#39;s 1 tickets for National ID card: first issue have been given out.", "No ticket was issued.")

		// Not offered here, a made-up priority, no service at all.
		res, body = try("KKG-ICT-03", "")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "is not offered at Huduma Centre GPO")
		res, body = try("KRA-01", "vip")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Choose a priority group from the list, or none.")
		res, body = try("", "")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Choose a service.")
		if got := h.count("tickets"); got != before+1 {
			t.Errorf("%d tickets, want %d: a refusal issued one", got, before+1)
		}

		// Closed: after hours the kiosk says so up front, and a press is refused.
		h.now = time.Date(2026, 11, 23, 16, 0, 0, 0, time.UTC) // 19:00 in Nairobi
		res, body = c.get("/centres/HC-GPO/kiosk")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Huduma Centre GPO is closed now; it opens 2026-11-24 08:00.")
		res, body = try("KRA-01", "")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "is closed now", "No ticket was issued.")
		if got := h.count("tickets"); got != before+1 {
			t.Errorf("%d tickets after a closed press, want %d", got, before+1)
		}
	})
}

func TestJoinFromPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		c := h.anonymous()
		res, body := c.get("/centres/HC-GPO/join")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `<optgroup label="National Registration Bureau">`, `<option value="NRB-01"`, `name="phone"`, "required", "Older member of society")
		join := func(phone, priority string) (*http.Response, string) {
			t.Helper()
			token := kioskToken(t, c, "/centres/HC-GPO/join")
			return c.post("/centres/HC-GPO/join", url.Values{"csrf": {token}, "service": {"NRB-02"}, "phone": {phone}, "priority": {priority}})
		}
		before := h.count("tickets")
		res, body = join("", "")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter your mobile number: we send you an SMS when your turn is near.", `<option value="NRB-02" selected>`)
		res, body = join("12345", "elderly")
		wantStatus(t, res, body, http.StatusUnprocessableEntity)
		wantContains(t, body, "Enter a Kenyan mobile number, such as 0712 345 678.", `<option value="elderly" selected>`)
		if h.count("tickets") != before {
			t.Fatal("an invalid form issued a ticket")
		}
		res, body = join("+254 722 000 111", "elderly")
		wantStatus(t, res, body, http.StatusSeeOther)
		loc := res.Header.Get("Location")
		if strings.Contains(loc, "from=kiosk") {
			t.Errorf("a phone is sent to the kiosk's ticket page: %q", loc)
		}
		id, _ := ticketAt(t, loc)
		var channel, priority string
		if err := d.QueryRowContext(ctx, `SELECT channel, priority FROM tickets WHERE id = $1`, id).Scan(&channel, &priority); err != nil || channel != "web" || priority != "elderly" {
			t.Errorf("joined ticket: channel %q priority %q %v", channel, priority, err)
		}
		res, body = c.get(loc)
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Replacement of a lost national ID card", "Priority: Older member of society (60 years or over)", "2547••••0111",
			`href="/lang/sw?next=%2Ftickets%2F`)
		if strings.Contains(body, "722 000 111") || strings.Contains(body, "722000111") {
			t.Error("the ticket page shows the phone number")
		}
		// In Kiswahili, through the page's own language switch (which keeps the key).
		sw := regexp.MustCompile(`class="ticket-lang">.*?href="(/lang/sw\?next=[^"]+)"`).FindStringSubmatch(body)
		if sw == nil {
			t.Fatal("no language switch on the ticket page")
		}
		res, _ = c.get(strings.ReplaceAll(sw[1], "&amp;", "&"))
		wantStatus(t, res, "", http.StatusSeeOther)
		res, body = c.get(res.Header.Get("Location"))
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, "Kitambulisho cha taifa badala ya kilichopotea")
	})
}

// TestKioskInBrowser walks a citizen through the hall kiosk on a touch screen: press a service,
// see the number on the ticket page; and prints the ticket as the receipt printer would.
func TestKioskInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	const width, height = 1080, 1920 // a portrait kiosk screen
	b := browsertest.NewWithSize(t, width, height)
	if err := chromedp.Do(b, chromedp.EmulateViewport(width, height, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/centres/HC-GPO/kiosk"),
		chromedp.WaitVisible(chromedp.CSS(`button[value="NRB-01"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	header, err := chromedp.Run(b, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("header.top")).display === "none"`))
	if err != nil || !header {
		t.Errorf("the kiosk shows the site header (%v)", err)
	}
	small, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("button.kiosk-service, .chip, .keypad button")]
		.filter(e => e.getBoundingClientRect().height < 48).map(e => e.textContent.trim())`))
	if err != nil || len(small) > 0 {
		t.Errorf("touch targets under 48px: %q %v", small, err)
	}
	overflow, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if overflow {
		t.Error("the kiosk scrolls sideways")
	}
	// The number pad fills the phone field; a priority is one tap.
	err = chromedp.Do(b,
		chromedp.Tap(chromedp.CSS(`.keypad button[data-key="0"]`)),
		chromedp.Tap(chromedp.CSS(`.keypad button[data-key="7"]`)),
		chromedp.Tap(chromedp.CSS(`.keypad button[data-key="9"]`)),
		chromedp.Tap(chromedp.CSS(`.keypad button[data-key="del"]`)),
		chromedp.Tap(chromedp.CSS(`input[name="priority"][value="expectant"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	phone, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.getElementById("phone").value`))
	if phone != "07" {
		t.Errorf("the keypad typed %q, want 07", phone)
	}
	err = chromedp.Do(b,
		chromedp.SetValue(chromedp.CSS("#phone"), "0712 345 678"),
		chromedp.Tap(chromedp.CSS(`button[value="NRB-01"]`)),
		chromedp.WaitVisible(chromedp.CSS(".slip-number")),
	)
	if err != nil {
		t.Fatal(err)
	}
	number, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(".slip-number")))
	if err != nil || number != "A001" {
		t.Errorf("the ticket page shows %q (%v), want A001", number, err)
	}
	visible, _ := chromedp.Run(b, chromedp.Evaluate[bool](`!document.querySelector("[data-print]").hidden`))
	if !visible {
		t.Error("no Print button")
	}
	browsertest.Screenshot(t, b, t.TempDir()+"/ticket.png")

	// Printed: an 80 mm receipt, one page, with the ticket and without the site's header.
	pdf, err := chromedp.Run(b, chromedp.PrintToPDF(func(p *page.PrintToPDFParams) { p.PreferCSSPageSize = ptrTo(true) }))
	if err != nil {
		t.Fatal(err)
	}
	box := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`).FindSubmatch(pdf)
	if box == nil {
		t.Fatal("no page size in the PDF")
	}
	if w, _ := strconv.ParseFloat(string(box[1]), 64); w < 225 || w > 229 { // 80 mm = 226.8 pt
		t.Errorf("the printed ticket is %s pt wide, want 80 mm (226.8 pt)", box[1])
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the ticket prints on %d pages", pages)
	}
	err = chromedp.Do(b, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	printed, err := chromedp.Run(b, chromedp.Evaluate[map[string]bool](`({
		header: getComputedStyle(document.querySelector("header.top")).display !== "none",
		number: getComputedStyle(document.querySelector(".slip-number")).display !== "none",
		qr: document.querySelector(".slip-qr svg").getBoundingClientRect().width > 0,
		buttons: getComputedStyle(document.querySelector(".ticket-actions")).display !== "none",
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if printed["header"] || printed["buttons"] || !printed["number"] || !printed["qr"] {
		t.Errorf("printed, the page shows %v; want the number and QR code only", printed)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestJoinInBrowser joins the GPO queue from a phone: a missing number is asked for, then the
// ticket page fits the small screen and says where the citizen stands.
func TestJoinInBrowser(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t))
	b := browsertest.NewWithSize(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	err := chromedp.Do(b,
		chromedp.Navigate(h.srv.URL+"/centres/HC-GPO/join"),
		chromedp.SetValue(chromedp.CSS("#service"), "KRA-01"),
		chromedp.SetValue(chromedp.CSS("#phone"), "0712"),
		chromedp.Submit(chromedp.CSS("#phone")),
		chromedp.WaitVisible(chromedp.CSS(".ferr")),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS(".ferr")))
	if !strings.Contains(msg, "Kenyan mobile number") {
		t.Errorf("the phone mistake reads %q", msg)
	}
	err = chromedp.Do(b,
		chromedp.SetValue(chromedp.CSS("#phone"), "0712 345 678"),
		chromedp.Submit(chromedp.CSS("#phone")),
		chromedp.WaitVisible(chromedp.CSS(".slip-number")),
	)
	if err != nil {
		t.Fatal(err)
	}
	number, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS(".slip-number")))
	wait, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS(".slip-wait")))
	if number != "A001" || !strings.Contains(wait, "unknown") {
		t.Errorf("the ticket page shows %q, wait %q", number, wait)
	}
	overflow, _ := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if overflow {
		t.Error("the ticket page scrolls sideways on a phone")
	}
}
