// Package browsertest starts a headless Chromium for end-to-end tests, driven with chromedp:
//
//	ctx := browsertest.New(t) // closed when the test ends
//	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.Click(chromedp.CSS("#book")))
//	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
//
// It uses the system's Chromium (Debian's chromium package), never a downloaded one, with the flags
// that keep it off the network: the tests talk only to servers on localhost. A machine without
// Chromium skips browser tests, except under CI=true, where that is a failure.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Viewport sizes, in CSS pixels.
const (
	DesktopWidth, DesktopHeight = 1280, 900
	PhoneWidth, PhoneHeight     = 360, 740 // a common Android phone: the smallest screen Huduma's pages must fit
)

// New returns a chromedp context on a fresh headless Chromium with a desktop-sized viewport
// (DesktopWidth x DesktopHeight). The browser is closed when the test ends.
func New(t testing.TB) context.Context {
	t.Helper()
	return NewWithSize(t, DesktopWidth, DesktopHeight)
}

// NewWithSize is New with a viewport of width x height CSS pixels, for example
// NewWithSize(t, PhoneWidth, PhoneHeight) to see a page as on a phone.
func NewWithSize(t testing.TB, width, height int) context.Context {
	t.Helper()
	exe, err := findChromium()
	if err != nil {
		msg := "Chromium not available: " + err.Error() + "; install chromium"
		if inCI() {
			t.Fatal(msg + " (CI=true: a skipped browser test is a failure)")
		}
		t.Skip(msg)
	}

	var output syncBuffer // what the browser prints, shown if it will not start
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Without these, Chromium keeps trying to reach Google's hosts, which the closed network
		// refuses, many connections at a time.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height),
		chromedp.CombinedOutput(&output),
		// No UserDataDir: chromedp then makes a fresh profile directory and, when the browser
		// stops, kills any child process still using it and removes it, which a directory of ours
		// under t.TempDir() would not get (its removal races with exiting child processes).
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		closeCtx, cancelClose := context.WithTimeout(ctx, 10*time.Second)
		defer cancelClose()
		if err := chromedp.Cancel(closeCtx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("browsertest: closing the browser: %v", err)
		}
		cancel()
		cancelAlloc() // waits for the browser process to end and its profile to be removed
	})

	// Start the browser and open its tab now, so a browser that cannot start fails here with its
	// output. The first Run's context lives as long as the browser, so it has no timeout.
	if err := chromedp.Do(ctx); err != nil {
		msg := err.Error()
		if out := strings.TrimSpace(output.String()); !strings.Contains(msg, out) {
			msg += "\n" + out
		}
		t.Fatalf("browsertest: start %s: %s", exe, msg)
	}
	// --window-size sizes the window, not the page; make the viewport exact, as a phone's is.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("browsertest: set the viewport to %dx%d: %v", width, height, err)
	}
	return ctx
}

// Screenshot writes a PNG of the whole page (beyond the viewport) to path, making its directory.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// findChromium returns the path of the system's Chromium or Chrome.
func findChromium() (string, error) {
	names := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	const debian = "/usr/bin/chromium"
	if fi, err := os.Stat(debian); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return debian, nil
	}
	return "", errors.New("none of " + strings.Join(names, ", ") + " on PATH, and no " + debian)
}

// inCI reports whether CI is set to true (as CI systems do), where skipping is not allowed.
func inCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// syncBuffer is a bytes.Buffer that the browser's output goroutine and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
