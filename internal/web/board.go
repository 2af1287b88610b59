package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/queue"
)

// The hall board: a page for the big screen in a centre's hall, kept live by server-sent events.
// It shows ticket numbers and counters only — nothing about the people holding them — so it is
// public. Every call is a row of queue_calls; a board that reconnects says the last call id it
// showed (Last-Event-ID) and gets exactly the calls after it, from the database.
const (
	// boardPage is the most calls one read returns: the hub's page when it catches up.
	boardPage = 200
	// boardShown is how many calls the board shows: the latest, large, and the 8 before it.
	boardShown = 9
	// boardHeartbeat is how often an idle stream sends a comment, so that proxies and the
	// browser do not take a quiet hall for a dead connection, and a dead one is noticed.
	boardHeartbeat = 15 * time.Second
	// boardWriteWait bounds one write to a board; a screen that stops reading for longer is cut
	// off (it reconnects and loses nothing).
	boardWriteWait = 30 * time.Second
	// boardRetry is the reconnection delay the stream asks the browser for, in milliseconds.
	boardRetry = 2000
)

// boardCall is one call as the stream sends it.
type boardCall struct {
	ID      int64     `json:"id"`
	Number  string    `json:"number"`
	Counter int       `json:"counter"`
	Kind    string    `json:"kind"` // call or recall
	At      time.Time `json:"at"`
}

// boardCentre is the centre named in the path, from the directory snapshot: a thousand boards
// reconnecting at once after a restart must not each read the centres table.
func (s *Server) boardCentre(r *http.Request) (charter.Centre, error) {
	dir, err := s.charters.Directory(r.Context())
	if err != nil {
		return charter.Centre{}, fmt.Errorf("board: directory: %w", err)
	}
	code := r.PathValue("code")
	c, ok := dir.Centre(code)
	if !ok {
		return c, apperr.New(apperr.NotFound, "No centre with code %q.", code)
	}
	return c, nil
}

// boardPage shows a centre's hall board, with today's latest calls already on it so the screen is
// right before its script runs.
func (s *Server) boardPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	centre, err := s.boardCentre(r)
	if err != nil {
		return err
	}
	cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return fmt.Errorf("board %s: calendar: %w", centre.Code, err)
	}
	// More than are shown: a recall repeats a number, and the board shows each number once.
	calls, err := s.queue.Calls(ctx, centre.ID, 0, 4*boardShown)
	if err != nil {
		return fmt.Errorf("board %s: calls: %w", centre.Code, err)
	}
	now := s.now()
	loc := cal.Location()
	today := now.In(loc).Format(time.DateOnly)
	// The stream starts after the latest call, shown or not (yesterday's are not shown): the page
	// has everything up to it.
	var after int64
	if n := len(calls); n > 0 {
		after = calls[n-1].ID
	}
	var shown []queue.Call
	seen := map[string]bool{}
	for i := len(calls) - 1; i >= 0 && len(shown) < boardShown; i-- {
		c := calls[i]
		if seen[c.Number] || c.At.In(loc).Format(time.DateOnly) != today {
			continue
		}
		seen[c.Number] = true
		shown = append(shown, c)
	}
	data := map[string]any{
		"Centre": centre,
		"After":  after,
		"Stream": "/centres/" + centre.Code + "/board/events",
		// The announcement in both languages whatever the page's: English, then Kiswahili. The
		// script puts the number and counter in place of {number} and {counter}.
		"SayEn": s.tr.T("en", "Ticket number %s, please go to counter %s", "{number}", "{counter}"),
		"SaySw": s.tr.T("sw", "Ticket number %s, please go to counter %s", "{number}", "{counter}"),
		// The server's clock, so the screen can tell a fresh call (announced) from an old one
		// replayed after an outage (shown, not announced) whatever its own clock says.
		"Now":    now.UnixMilli(),
		"Offset": boardOffset(now.In(loc)),
		"Clock":  now.In(loc).Format("15:04"),
		"Blank":  queue.Call{Kind: "call"},
	}
	if len(shown) > 0 {
		data["Latest"], data["Previous"] = shown[0], shown[1:]
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "board", "Hall board", data)
	return nil
}

// boardOffset is the centre's offset from UTC in seconds, for the page's clock: the screen's own
// time zone may be anything, and Kenya keeps one offset all year.
func boardOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// boardEvents streams a centre's calls as server-sent events: each call once, in order, from
// after the Last-Event-ID the browser sends when it reconnects (or ?after=, the last call the
// page was rendered with), until the client goes away or the server shuts down.
func (s *Server) boardEvents(w http.ResponseWriter, r *http.Request) error {
	centre, err := s.boardCentre(r)
	if err != nil {
		return err
	}
	after, err := boardResumeAfter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	calls, err := s.board.Subscribe(ctx, centre.ID, after)
	if err != nil {
		if ctx.Err() != nil {
			return nil // the client left while its replay was read
		}
		return fmt.Errorf("board %s: subscribe after %d: %w", centre.Code, after, err)
	}

	// The server's ReadTimeout does not reach a stream (net/http lifts the read deadline once the
	// request is read); its WriteTimeout does, and send extends it for each write.
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on, do not buffer the stream
	w.WriteHeader(http.StatusOK)

	// send writes and flushes, extending the write deadline first: the server's WriteTimeout,
	// counted from the request, would otherwise cut every stream after that long.
	send := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(boardWriteWait))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send([]byte("retry: " + strconv.Itoa(boardRetry) + "\n\n")) {
		return nil
	}
	shutdown := s.shutdownOf(r)
	heartbeat := time.NewTicker(boardHeartbeat)
	defer heartbeat.Stop()
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-shutdown:
			return nil
		case <-heartbeat.C:
			if !send([]byte(": keep-alive\n\n")) {
				return nil
			}
		case c, ok := <-calls:
			if !ok {
				// Dropped (too far behind, or the hub's read failed): ending the response makes
				// the browser reconnect with the last id it got, and replay from the database.
				return nil
			}
			// Everything already waiting goes in one write and one flush.
			buf = appendBoardEvent(buf[:0], c)
			for more := true; more; {
				select {
				case c, ok := <-calls:
					if ok {
						buf = appendBoardEvent(buf, c)
					}
					more = ok // a closed channel is seen again by the outer select
				default:
					more = false
				}
			}
			if !send(buf) {
				return nil
			}
		}
	}
}

// appendBoardEvent appends one call as an SSE event: its id (what Last-Event-ID will say), its
// type, and its JSON.
func appendBoardEvent(b []byte, c queue.Call) []byte {
	data, _ := json.Marshal(boardCall{ID: c.ID, Number: c.Number, Counter: c.CounterNumber, Kind: c.Kind, At: c.At.UTC()})
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, "\nevent: call\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...)
}

// boardResumeAfter is the call id the stream starts after: the Last-Event-ID a reconnecting
// browser sends, else ?after= from the page, else 0 (the latest calls).
func boardResumeAfter(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	if v == "" {
		v = strings.TrimSpace(r.URL.Query().Get("after"))
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.Invalid, "Give the number of the last call the board showed, or nothing.")
	}
	return n, nil
}

// shutdownOf returns a channel closed when the http.Server serving r shuts down. Shutdown waits
// for handlers to return without cancelling their contexts, so an open stream would otherwise
// hold it until its deadline; the channel lets streams end at once (boards reconnect to the next
// server). Nil, which never fires, when r did not come through an http.Server.
func (s *Server) shutdownOf(r *http.Request) <-chan struct{} {
	hs, ok := r.Context().Value(http.ServerContextKey).(*http.Server)
	if !ok {
		return nil
	}
	if ch, ok := s.shutdowns.Load(hs); ok {
		return ch.(chan struct{})
	}
	ch := make(chan struct{})
	if got, loaded := s.shutdowns.LoadOrStore(hs, ch); loaded {
		return got.(chan struct{})
	}
	// The closed channel stays in the map: a stream that starts while the server is shutting
	// down must still see it closed. One entry per http.Server is nothing to keep.
	hs.RegisterOnShutdown(func() { close(ch) })
	return ch
}

// PollBoards looks for new calls for every watched centre each interval, until ctx ends: calls
// made by another process or node (huduma simulate, a second server) reach this server's boards
// within one interval; calls made here reach them at once.
func (s *Server) PollBoards(ctx context.Context, every time.Duration) { s.board.Poll(ctx, every) }
