package browsertest

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

const page = `<!doctype html>
<html lang="sw"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Huduma</title></head>
<body style="margin:0;font-family:sans-serif">
<h1>Karibu Huduma</h1>
<p id="js">no script</p>
<div style="height:2000px;background:linear-gradient(#fff,#0a6)"></div>
<script>document.getElementById("js").textContent = "script ran"</script>
</body></html>`

func serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadsPageFromLocalServer(t *testing.T) {
	srv := serve(t)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]string{"h1": "Karibu Huduma", "#js": "script ran"} {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("text of %s = %q, want %q", sel, got, want)
		}
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width != DesktopWidth {
		t.Errorf("innerWidth = %d, want %d", width, DesktopWidth)
	}
}

func TestPhoneSize(t *testing.T) {
	srv := serve(t)
	ctx := NewWithSize(t, PhoneWidth, PhoneHeight)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[2]int](`[window.innerWidth, window.innerHeight]`))
	if err != nil {
		t.Fatal(err)
	}
	if size != [2]int{PhoneWidth, PhoneHeight} {
		t.Errorf("viewport = %v, want %dx%d", size, PhoneWidth, PhoneHeight)
	}
}

func TestScreenshotIsFullPagePNG(t *testing.T) {
	srv := serve(t)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shots", "home.png")
	Screenshot(t, ctx, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != DesktopWidth || cfg.Height <= DesktopHeight {
		t.Errorf("screenshot is %dx%d, want %d wide and taller than the %d-pixel viewport", cfg.Width, cfg.Height, DesktopWidth, DesktopHeight)
	}
}
