package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/browsertest"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// boardDesk is the GPO officer at a counter, calling tickets of NRB-01 as the board's tests need.
type boardDesk struct {
	t       testing.TB
	q       *queue.Store
	officer queue.Officer
	counter int64
	current queue.Ticket
}

func (h *harness) boardDesk(n int) *boardDesk {
	o, counter := h.signInCounter("gpo.officer", n, "NRB-01")
	return &boardDesk{t: h.t, q: h.queue, officer: o, counter: counter}
}

// call issues a ticket (with a phone number: personal data the board must never show) and calls
// it, finishing the one before; it returns the number called.
func (k *boardDesk) call() string {
	k.t.Helper()
	if _, err := k.q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01", Phone: "0712 345 678"}); err != nil {
		k.t.Fatal(err)
	}
	if k.current.ID != 0 {
		if _, _, err := k.q.Complete(ctx, k.officer, k.current.ID, queue.Completion{}); err != nil {
			k.t.Fatal(err)
		}
	}
	t, err := k.q.CallNext(ctx, k.officer, k.counter)
	if err != nil {
		k.t.Fatal(err)
	}
	k.current = t
	return t.Number
}

func (k *boardDesk) recall() {
	k.t.Helper()
	if _, err := k.q.Recall(ctx, k.officer, k.counter); err != nil {
		k.t.Fatal(err)
	}
}

// lastCallID is the id of the centre's latest board call.
func (k *boardDesk) lastCallID() int64 {
	k.t.Helper()
	calls, err := k.q.Calls(ctx, k.officer.CentreID, 0, 1)
	if err != nil || len(calls) != 1 {
		k.t.Fatalf("latest call: %v %v", calls, err)
	}
	return calls[0].ID
}

var (
	boardNumbers = regexp.MustCompile(`data-number="([A-Z]+\d+)"`)
	boardAfter   = regexp.MustCompile(`data-after="(\d+)"`)
)

// TestBoardPage: the board is right before any script runs — today's latest call large, the 8
// before it below, each number once — and shows numbers and counters only.
func TestBoardPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		res, body := h.anonymous().get("/centres/HC-GPO/board")
		wantStatus(t, res, body, http.StatusOK)
		wantContains(t, body, `class="board"`, "No ticket has been called yet today.", `data-after="0"`,
			`data-stream="/centres/HC-GPO/board/events"`, "Huduma Centre GPO",
			`data-say-en="Ticket number {number}, please go to counter {counter}"`, "data-say-sw=", "/static/board.")
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
		}

		desk := h.boardDesk(5)
		var called []string
		for range 11 {
			called = append(called, desk.call())
		}
		desk.recall() // A011 again: shown once, marked
		res, body = h.anonymous().get("/centres/HC-GPO/board")
		wantStatus(t, res, body, http.StatusOK)
		var shown []string
		for _, m := range boardNumbers.FindAllStringSubmatch(body, -1) {
			shown = append(shown, m[1])
		}
		want := slices.Clone(called[2:])
		slices.Reverse(want)
		if !slices.Equal(shown, want) {
			t.Errorf("board shows %v, want the latest then the 8 before it: %v", shown, want)
		}
		if !strings.Contains(body, `class="call recall" data-id="`) || strings.Count(body, `class="call recall"`) != 1 {
			t.Error("the recalled ticket is not marked as called again")
		}
		if m := boardAfter.FindStringSubmatch(body); m == nil || m[1] != strconv.FormatInt(desk.lastCallID(), 10) {
			t.Errorf("the stream does not start after the latest call: %v, want %d", m, desk.lastCallID())
		}
		wantContains(t, body, "Now calling", "Previous calls", "Counter", "Called again", "Turn on sound")
		for _, private := range []string{"712", "+254", "National ID card"} {
			if strings.Contains(body, private) {
				t.Errorf("the public board shows %q", private)
			}
		}
		// The page's policy allows no inline script or style.
		if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle=|<style`).MatchString(body) {
			t.Error("the board has inline script or style")
		}

		// In Kiswahili, through ?lang=.
		_, body = h.anonymous().get("/centres/HC-GPO/board?lang=sw")
		wantContains(t, body, `lang="sw"`, `data-say-sw="`)

		res, body = h.anonymous().get("/centres/NOPE/board")
		wantStatus(t, res, body, http.StatusNotFound)
	})
}

// boardEvent is one server-sent event, or a retry field or comment on its own.
type boardEvent struct {
	ID, Event, Data, Retry, Comment string
}

// boardStream reads a board's event stream over HTTP, as a browser's EventSource would.
type boardStream struct {
	t      testing.TB
	res    *http.Response
	events chan boardEvent
	stop   context.CancelFunc
}

func openBoardStream(t testing.TB, client *http.Client, url string, header ...string) *boardStream {
	t.Helper()
	reqCtx, stop := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(reqCtx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	st := &boardStream{t: t, res: res, events: make(chan boardEvent, 1000), stop: stop}
	t.Cleanup(st.close)
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %.300s", url, res.StatusCode, b)
	}
	go func() {
		defer close(st.events)
		sc := bufio.NewScanner(res.Body)
		var ev boardEvent
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				if ev != (boardEvent{}) {
					st.events <- ev
				}
				ev = boardEvent{}
				continue
			}
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "":
				ev.Comment = value
			case "id":
				ev.ID = value
			case "event":
				ev.Event = value
			case "data":
				ev.Data += value
			case "retry":
				ev.Retry = value
			}
		}
	}()
	return st
}

func (st *boardStream) close() {
	st.stop()
	st.res.Body.Close()
}

// next is the stream's next event, skipping comments (heartbeats).
func (st *boardStream) next() boardEvent {
	st.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-st.events:
			if !ok {
				st.t.Fatal("the stream ended")
			}
			if ev.Comment != "" && ev.Data == "" {
				continue
			}
			return ev
		case <-timeout:
			st.t.Fatal("no event within 10 s")
		}
	}
}

// call is the next event, which must be a call; it returns the call's JSON fields.
func (st *boardStream) call() (id int64, number string, counter int, kind string) {
	st.t.Helper()
	ev := st.next()
	if ev.Event != "call" {
		st.t.Fatalf("event %+v, want a call", ev)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(ev.Data), &fields); err != nil {
		st.t.Fatalf("data %q: %v", ev.Data, err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !slices.Equal(keys, []string{"at", "counter", "id", "kind", "number"}) {
		st.t.Errorf("a call's data has %v: numbers and counters only", keys)
	}
	id = int64(fields["id"].(float64))
	if ev.ID != strconv.FormatInt(id, 10) {
		st.t.Errorf("event id %q, data id %d", ev.ID, id)
	}
	if _, err := time.Parse(time.RFC3339, fields["at"].(string)); err != nil {
		st.t.Errorf("at %v: %v", fields["at"], err)
	}
	return id, fields["number"].(string), int(fields["counter"].(float64)), fields["kind"].(string)
}

// TestBoardStream: a board connected after the page rendered gets the call made in between,
// then the live ones, a recall as a recall; one that reconnects with Last-Event-ID gets exactly
// the calls after it, nothing twice.
func TestBoardStream(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		desk := h.boardDesk(5)
		desk.call()
		_, body := h.anonymous().get("/centres/HC-GPO/board")
		after := boardAfter.FindStringSubmatch(body)[1]
		between := desk.call() // after the page rendered, before its script connected

		url := h.srv.URL + "/centres/HC-GPO/board/events"
		st := openBoardStream(t, http.DefaultClient, url+"?after="+after)
		if ct := st.res.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := st.res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if ev := st.next(); ev.Retry != "2000" {
			t.Errorf("first field %+v, want retry: 2000", ev)
		}
		firstID, number, counter, kind := st.call()
		if number != between || counter != 5 || kind != "call" {
			t.Errorf("call made before connecting: %s at %d (%s), want %s at 5", number, counter, kind, between)
		}
		live := desk.call()
		liveID, number, _, kind := st.call()
		if number != live || kind != "call" || liveID <= firstID {
			t.Errorf("live call: %d %s %s, want %s after %d", liveID, number, kind, live, firstID)
		}
		desk.recall()
		recallID, number, counter, kind := st.call()
		if number != live || counter != 5 || kind != "recall" {
			t.Errorf("recall: %s at %d (%s)", number, counter, kind)
		}

		// A board that lost its connection after the live call comes back with Last-Event-ID: it
		// gets the recall and nothing before it; a call made next reaches both boards, once.
		back := openBoardStream(t, http.DefaultClient, url+"?after="+after, "Last-Event-ID", strconv.FormatInt(liveID, 10))
		back.next() // retry
		if id, number, _, kind := back.call(); id != recallID || number != live || kind != "recall" {
			t.Errorf("after reconnecting: %d %s %s, want the recall %d", id, number, kind, recallID)
		}
		next := desk.call()
		for _, s := range []*boardStream{st, back} {
			if _, number, _, kind := s.call(); number != next || kind != "call" {
				t.Errorf("then %s (%s), want %s: a call repeated or missed", number, kind, next)
			}
		}
		// From the latest, with nothing missed: only what comes next.
		latest := openBoardStream(t, http.DefaultClient, url, "Last-Event-ID", strconv.FormatInt(desk.lastCallID(), 10))
		latest.next()
		last := desk.call()
		if _, number, _, _ := latest.call(); number != last {
			t.Errorf("from the latest: %s, want %s", number, last)
		}

		for _, c := range []struct {
			path, lastID string
			status       int
		}{
			{"/centres/NOPE/board/events", "", http.StatusNotFound},
			{"/centres/HC-GPO/board/events", "yesterday", http.StatusUnprocessableEntity},
			{"/centres/HC-GPO/board/events?after=-4", "", http.StatusUnprocessableEntity},
		} {
			res, body := h.anonymous().get(c.path, "Last-Event-ID", c.lastID)
			if res.StatusCode != c.status {
				t.Errorf("%s (Last-Event-ID %q): %d, want %d: %.200s", c.path, c.lastID, res.StatusCode, c.status, body)
			}
		}
	})
}

// TestBoardStreamLastsAndStops: a stream outlives the server's read and write timeouts (boards
// stay connected all day), and ends at once when the server shuts down.
func TestBoardStreamLastsAndStops(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		desk := h.boardDesk(2)
		desk.call()
		hs := httptest.NewUnstartedServer(h.srv.Config.Handler)
		hs.Config.ReadTimeout, hs.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
		hs.Start()
		t.Cleanup(hs.Close)
		st := openBoardStream(t, hs.Client(), hs.URL+"/centres/HC-GPO/board/events", "Last-Event-ID", strconv.FormatInt(desk.lastCallID(), 10))
		st.next() // retry
		time.Sleep(1200 * time.Millisecond)
		number := desk.call()
		if _, got, _, _ := st.call(); got != number {
			t.Fatalf("after the timeouts: %s, want %s", got, number)
		}

		shutCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := hs.Config.Shutdown(shutCtx); err != nil {
			t.Fatalf("shutdown with a board connected: %v", err)
		}
		select {
		case ev, ok := <-st.events:
			if ok {
				t.Fatalf("after shutdown: %+v", ev)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the stream did not end at shutdown")
		}
	})
}

// TestBoardManyScreens: one call reaches every board of the centre once; another centre's boards
// hear nothing of it.
func TestBoardManyScreens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		desk := h.boardDesk(1)
		desk.call()
		from := strconv.FormatInt(desk.lastCallID(), 10)
		var streams []*boardStream
		for range 100 {
			st := openBoardStream(t, http.DefaultClient, h.srv.URL+"/centres/HC-GPO/board/events?after="+from)
			st.next()
			streams = append(streams, st)
		}
		other := openBoardStream(t, http.DefaultClient, h.srv.URL+"/centres/HC-KAKAMEGA/board/events?after="+from)
		other.next()
		a, b := desk.call(), desk.call()
		for i, st := range streams {
			for _, want := range []string{a, b} {
				if _, got, _, _ := st.call(); got != want {
					t.Fatalf("board %d: %s, want %s", i, got, want)
				}
			}
		}
		select {
		case ev := <-other.events:
			if ev.Data != "" {
				t.Errorf("another centre's board got %+v", ev)
			}
		case <-time.After(100 * time.Millisecond):
		}
	})
}

// TestBoardInBrowser: the board in headless Chromium — full screen without the site's header, a
// ticket called at a counter appears without a reload, with its announcement in both languages.
func TestBoardInBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		desk := h.boardDesk(5)
		first := desk.call()
		browser := browsertest.New(t)
		err := chromedp.Do(browser,
			chromedp.Navigate(h.srv.URL+"/centres/HC-GPO/board"),
			chromedp.WaitVisible(chromedp.CSS("#board-latest .call-number")))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("#board-latest .call-number"))); err != nil || got != first {
			t.Fatalf("rendered latest %q (%v), want %s", got, err, first)
		}
		// The clock is the centre's (Nairobi, the server's time), whatever the screen's clock says.
		if got, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("#board-clock"))); err != nil || got != "12:30" {
			t.Errorf("clock %q (%v), want 12:30", got, err)
		}
		chrome, err := chromedp.Run(browser, chromedp.Evaluate[[]string](`[".top", ".foot"].map(s => getComputedStyle(document.querySelector(s)).display)`))
		if err != nil || !slices.Equal(chrome, []string{"none", "none"}) {
			t.Errorf("site header and footer on the hall board: %v %v", chrome, err)
		}
		// Wait for the stream to be open (its script connects after load), then call.
		if _, err := chromedp.Run(browser, chromedp.Poll[bool](`document.getElementById("board").dataset.state === "live"`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("the board did not connect: %v", err)
		}
		second := desk.call()
		latest := func(want string, recall bool) {
			t.Helper()
			js := fmt.Sprintf(`(() => { const c = document.querySelector("#board-latest .call"); return !!c && c.querySelector(".call-number").textContent === %q && c.classList.contains("recall") === %t; })()`, want, recall)
			if _, err := chromedp.Run(browser, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
				got, _ := chromedp.Run(browser, chromedp.Evaluate[string](`document.getElementById("board-latest").innerText`))
				t.Fatalf("the board shows %q, want %s (recall %t): %v", got, want, recall, err)
			}
		}
		latest(second, false)
		prev, err := chromedp.Run(browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#board-previous .call-number")].map(n => n.textContent)`))
		if err != nil || !slices.Equal(prev, []string{first}) {
			t.Errorf("previous calls %v (%v), want [%s]", prev, err, first)
		}
		said, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.getElementById("board").dataset.lastSaid || ""`))
		if err != nil || !strings.Contains(said, "Ticket number A 2, please go to counter 5") || !strings.Contains(said, " | ") {
			t.Errorf("announcement %q (%v)", said, err)
		}
		// A recall comes up again, marked, and is announced again; the number is not listed twice.
		desk.recall()
		latest(second, true)
		prev, _ = chromedp.Run(browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".call-number")].map(n => n.textContent).filter(Boolean)`))
		if !slices.Equal(prev, []string{second, first}) {
			t.Errorf("numbers on the board after the recall: %v", prev)
		}
		// Sound on: the button goes (the click is the gesture browsers want for audio).
		if err := chromedp.Do(browser, chromedp.Click(chromedp.CSS("#board-sound")), chromedp.WaitNotVisible(chromedp.CSS("#board-sound"))); err != nil {
			t.Errorf("turning the sound on: %v", err)
		}
		third := desk.call()
		latest(third, false)
		browsertest.Screenshot(t, browser, filepath.Join(t.TempDir(), "board.png"))
	})
}

// BenchmarkBoardFanout connects 1,000 boards to a centre's stream over loopback and measures,
// per call, the time from the start of CallNext (its transaction and commit included) until each
// board has read the event. Reported: the p50, p99 and maximum over every board and call, and the
// mean time CallNext itself took. The boards' readers run in this process, on the same cores as
// the server, so the figures are an upper bound.
//
//	go test ./internal/web/ -run '^$' -bench BoardFanout -benchtime 20x
func BenchmarkBoardFanout(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(engine.name, func(b *testing.B) { benchFanout(b, engine.open(b), 1000) })
	}
}

func benchFanout(b *testing.B, d *db.DB, boards int) {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) // Monday 12:30 in Nairobi: open
	clock := func() time.Time { return now }
	cs, us := charter.NewStore(d, clock), auth.NewStore(d, clock, bcrypt.MinCost)
	rs := requests.NewStore(d, clock, cs, requests.Config{})
	if _, err := demo.Install(ctx, d, cs, us, rs); err != nil {
		b.Fatal(err)
	}
	qs := queue.NewStore(d, clock, cs, rs, queue.Config{})
	s, err := web.NewServer(web.Config{}, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock,
		Charters: cs, Auth: us, Requests: rs, Queue: qs})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	u, err := us.UserByUsername(ctx, "gpo.officer")
	if err != nil {
		b.Fatal(err)
	}
	gpo, _ := cs.CentreByCode(ctx, "HC-GPO")
	sv, _ := cs.ServiceByCode(ctx, "NRB-01")
	counters, err := qs.Counters(ctx, gpo.ID)
	if err != nil {
		b.Fatal(err)
	}
	officer := queue.Officer{ID: u.ID, Name: u.Name, CentreID: gpo.ID}
	if _, err := qs.SignIn(ctx, officer, counters[0].ID, []int64{sv.ID}); err != nil {
		b.Fatal(err)
	}
	desk := &boardDesk{t: b, q: qs, officer: officer, counter: counters[0].ID}
	desk.call()
	from := strconv.FormatInt(desk.lastCallID(), 10)

	// Each board reads its stream in its own goroutine, as a separate screen would, and notes
	// when each call's data line arrives.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: boards}}
	defer client.CloseIdleConnections()
	arrivals := make([]chan time.Time, boards)
	var readers sync.WaitGroup
	stopCtx, stop := context.WithCancel(context.Background())
	defer func() { stop(); readers.Wait() }()
	ready := make(chan error, boards)
	connect := make(chan struct{}, 32) // connect 32 at a time
	for i := range boards {
		arrivals[i] = make(chan time.Time, 16)
		readers.Add(1)
		connect <- struct{}{}
		go func(got chan<- time.Time) {
			defer readers.Done()
			req, _ := http.NewRequestWithContext(stopCtx, http.MethodGet, srv.URL+"/centres/HC-GPO/board/events?after="+from, nil)
			res, err := client.Do(req)
			<-connect
			if err != nil {
				ready <- err
				return
			}
			defer res.Body.Close()
			r := bufio.NewReader(res.Body)
			first := true
			for {
				line, err := r.ReadSlice('\n')
				if err != nil {
					if first {
						ready <- err
					}
					return
				}
				if first && strings.HasPrefix(string(line), "retry:") {
					first = false
					ready <- nil // subscribed: the handler writes retry after Subscribe
				}
				if len(line) > 5 && string(line[:5]) == "data:" {
					got <- time.Now()
				}
			}
		}(arrivals[i])
	}
	for range boards {
		if err := <-ready; err != nil {
			b.Fatal(err)
		}
	}

	var latencies []time.Duration
	var calling time.Duration // CallNext itself: its transaction and commit
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := qs.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: "NRB-01"}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := qs.Complete(ctx, officer, desk.current.ID, queue.Completion{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		t, err := qs.CallNext(ctx, officer, desk.counter)
		if err != nil {
			b.Fatal(err)
		}
		calling += time.Since(start)
		desk.current = t
		for _, got := range arrivals {
			select {
			case at := <-got:
				latencies = append(latencies, at.Sub(start))
			case <-time.After(10 * time.Second):
				b.Fatal("a board did not get the call within 10 s")
			}
		}
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(boards), "boards")
	b.ReportMetric(float64(calling.Microseconds())/1000/float64(b.N), "callnext-ms")
	b.ReportMetric(pct(.50), "p50-ms")
	b.ReportMetric(pct(.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}
