// Package events fans out, in process, items that the database records to the live pages that
// show them — the hall boards first. It knows nothing of queues: a Hub is given a function that
// reads a key's items after an id, and is told (Notify) after each commit that adds some.
//
// The database stays the record. A hub reads each key's new items once, however many pages
// watch the key, and hands them out; a page that falls behind is dropped rather than allowed to
// hold the others up, and catches up by subscribing again after the last id it saw.
package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Fetch reads key's items with an id greater than after, oldest first. It may return a page of
// them (see Options.Page); after 0 means the latest ones.
type Fetch[T any] func(ctx context.Context, key, after int64) ([]T, error)

// Options tune a Hub. The zero value is usable.
type Options struct {
	// Page is the most items one Fetch returns: a shorter page means the hub has them all. 0: the
	// hub reads on until a Fetch returns nothing (one query more each time).
	Page int
	// Buffer is how many items a subscriber may be behind before it is dropped (64).
	Buffer int
	// MaxReplay bounds what Subscribe hands over first: a subscriber that missed more than this
	// gets only the newest MaxReplay (1,000). A board back from a long outage needs the latest
	// calls, not a morning's worth of announcements.
	MaxReplay int
	// Timeout bounds each read the hub makes for a Notify (10 s).
	Timeout time.Duration
	// Log receives read failures (slog.Default()).
	Log *slog.Logger
}

// ErrClosed is returned by Subscribe once the hub is closed.
var ErrClosed = errors.New("events: hub closed")

// Hub hands each key's new items to that key's subscribers.
type Hub[T any] struct {
	fetch Fetch[T]
	id    func(T) int64
	opt   Options

	ctx    context.Context // reads made for Notify; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // running broadcasters

	mu     sync.Mutex
	closed bool
	topics map[int64]*topic[T]
}

// topic is one key's subscribers and broadcaster state, guarded by Hub.mu.
type topic[T any] struct {
	key     int64
	subs    map[*subscriber[T]]struct{}
	pending int    // Subscribes reading their replay, not yet joined
	cursor  int64  // the broadcaster's next read is after this id
	notices uint64 // Notify calls so far: a Subscribe that saw one during its replay asks for a read
	dirty   bool   // a Notify not yet answered by a read
	running bool   // a broadcaster goroutine is reading or delivering
}

type subscriber[T any] struct {
	ch   chan T
	last int64 // the highest id handed to ch: nothing at or below it is sent again
	stop func() bool
	gone bool
}

// New returns a hub that reads with fetch and identifies items by id (increasing per key).
func New[T any](fetch Fetch[T], id func(T) int64, opt Options) *Hub[T] {
	if opt.Buffer <= 0 {
		opt.Buffer = 64
	}
	if opt.MaxReplay <= 0 {
		opt.MaxReplay = 1000
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub[T]{fetch: fetch, id: id, opt: opt, ctx: ctx, cancel: cancel, topics: map[int64]*topic[T]{}}
}

// Notify tells the hub that key has new items, after their commit. It never blocks on the
// database: one goroutine per key reads and delivers, and Notify calls that arrive while it reads
// are answered by one more read.
func (h *Hub[T]) Notify(key int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topics[key]
	if h.closed || t == nil {
		return // nobody watches the key: the database has the items for whoever comes later
	}
	t.notices++
	t.dirty = true
	h.wake(t)
}

// Poll notifies every watched key each interval, until ctx ends: items recorded by another
// process or node, which cannot call Notify here, reach the subscribers within one interval.
// Each tick costs one read per watched key, and none for keys nobody watches.
func (h *Hub[T]) Poll(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.ctx.Done():
			return
		case <-t.C:
			h.mu.Lock()
			for _, tp := range h.topics {
				if len(tp.subs) > 0 {
					tp.notices++
					tp.dirty = true
					h.wake(tp)
				}
			}
			h.mu.Unlock()
		}
	}
}

// wake starts the key's broadcaster if there is work and nobody doing it. Called with h.mu held.
func (h *Hub[T]) wake(t *topic[T]) {
	if t.running || !t.dirty || len(t.subs) == 0 || h.closed {
		return
	}
	t.running = true
	h.wg.Add(1)
	go h.broadcast(t)
}

// broadcast reads what is new after the topic's cursor and delivers it, until no Notify is left
// unanswered.
func (h *Hub[T]) broadcast(t *topic[T]) {
	defer h.wg.Done()
	for {
		h.mu.Lock()
		if !t.dirty || len(t.subs) == 0 || h.closed {
			t.running = false
			h.mu.Unlock()
			return
		}
		t.dirty = false
		after := t.cursor
		h.mu.Unlock()

		ctx, cancel := context.WithTimeout(h.ctx, h.opt.Timeout)
		items, err := h.read(ctx, t.key, after)
		cancel()

		h.mu.Lock()
		if err != nil {
			if !h.closed {
				// Dropping the subscribers is the way back: each comes again with the last id it
				// saw and replays from the database, so none misses an item for one failed read.
				h.opt.Log.Error("events: reading new items", "key", t.key, "after", after, "subscribers", len(t.subs), "err", err)
				for s := range t.subs {
					h.leave(t, s)
				}
			}
		} else {
			h.deliver(t, items)
		}
		h.mu.Unlock()
	}
}

// deliver hands items (oldest first) to the topic's subscribers, dropping any whose buffer is
// full. Called with h.mu held; it never blocks.
func (h *Hub[T]) deliver(t *topic[T], items []T) {
	for _, it := range items {
		id := h.id(it)
		t.cursor = max(t.cursor, id)
		for s := range t.subs {
			if id <= s.last {
				continue // it had it from its replay
			}
			select {
			case s.ch <- it:
				s.last = id
			default:
				// Too far behind (a stalled connection): waiting for it would hold up every other
				// board of the key. Its client reconnects after its last id and misses nothing.
				h.leave(t, s)
			}
		}
	}
}

// Subscribe returns key's items with an id greater than after — first those already recorded,
// read from the database, then new ones as Notify announces them — in order of id, each once.
// The channel is closed when ctx ends, when the subscriber falls more than Options.Buffer items
// behind, when a read fails, or when the hub closes: the subscriber then comes again after the
// last id it received. after 0 starts from the key's latest items, as Fetch reads them.
func (h *Hub[T]) Subscribe(ctx context.Context, key, after int64) (<-chan T, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	t := h.topic(key)
	// Counted before the replay is read so that Notify calls during the read are seen: the topic
	// stays in the map, and its notices change.
	t.pending++
	h.mu.Unlock()

	s := &subscriber[T]{last: after}
	var replay []T
	for {
		h.mu.Lock()
		seen := t.notices
		h.mu.Unlock()

		items, err := h.read(ctx, key, s.last)
		if err != nil {
			h.abandon(t)
			return nil, fmt.Errorf("events: replaying key %d after %d: %w", key, s.last, err)
		}
		replay = append(replay, items...)
		if n := len(items); n > 0 {
			s.last = h.id(items[n-1])
		}

		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			h.mu.Unlock()
			h.abandon(t)
			return nil, err
		}
		if len(t.subs) > 0 && t.cursor > s.last {
			// The broadcaster has already handed out items this replay did not see (committed
			// after it read): read again from here rather than miss them.
			h.mu.Unlock()
			continue
		}
		// Join. Everything up to s.last is in the replay; the broadcaster's next read starts at
		// or before it and anything it finds above s.last is this subscriber's too.
		t.pending--
		if len(t.subs) == 0 {
			t.cursor = s.last
		}
		if len(replay) > h.opt.MaxReplay {
			replay = replay[len(replay)-h.opt.MaxReplay:]
		}
		s.ch = make(chan T, len(replay)+h.opt.Buffer)
		for _, it := range replay {
			s.ch <- it
		}
		t.subs[s] = struct{}{}
		s.stop = context.AfterFunc(ctx, func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.leave(t, s)
		})
		if t.notices != seen {
			// A Notify came while the replay was read: its items may be newer than the read.
			t.dirty = true
			h.wake(t)
		}
		h.mu.Unlock()
		return s.ch, nil
	}
}

// topic returns key's topic, making it. Called with h.mu held.
func (h *Hub[T]) topic(key int64) *topic[T] {
	t := h.topics[key]
	if t == nil {
		t = &topic[T]{key: key, subs: map[*subscriber[T]]struct{}{}}
		h.topics[key] = t
	}
	return t
}

// abandon undoes a Subscribe's pending count when it gives up.
func (h *Hub[T]) abandon(t *topic[T]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t.pending--
	h.forget(t)
}

// leave removes a subscriber and closes its channel, once. Called with h.mu held.
func (h *Hub[T]) leave(t *topic[T], s *subscriber[T]) {
	if s.gone {
		return
	}
	s.gone = true
	delete(t.subs, s)
	close(s.ch)
	if s.stop != nil {
		s.stop()
	}
	h.forget(t)
}

// forget drops a topic nobody watches; a broadcaster still running on it finds no subscribers and
// ends. Called with h.mu held.
func (h *Hub[T]) forget(t *topic[T]) {
	if len(t.subs) == 0 && t.pending == 0 && h.topics[t.key] == t {
		delete(h.topics, t.key)
	}
}

// read reads key's items after `after` page by page until it has them all, oldest first.
func (h *Hub[T]) read(ctx context.Context, key, after int64) ([]T, error) {
	var out []T
	for {
		items, err := h.fetch(ctx, key, after)
		if err != nil {
			return nil, err
		}
		more := false
		for _, it := range items {
			// Ids only go up: an item at or below the last one (a fetch that repeats) is skipped,
			// and a page with nothing new ends the reading rather than looping on it.
			if id := h.id(it); id > after {
				out = append(out, it)
				after, more = id, true
			}
		}
		if !more || (h.opt.Page > 0 && len(items) < h.opt.Page) {
			return out, nil
		}
	}
}

// Close ends every subscription (closing the channels), stops reads in flight and waits for the
// broadcasters to finish. Notify does nothing after it and Subscribe fails.
func (h *Hub[T]) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.cancel()
	for _, t := range h.topics {
		for s := range t.subs {
			h.leave(t, s)
		}
	}
	clear(h.topics)
	h.mu.Unlock()
	h.wg.Wait()
}
