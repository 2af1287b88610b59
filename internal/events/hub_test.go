package events

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// item is what the fake store holds: an id (increasing across keys, as a table's would) and a key.
type item struct {
	ID  int64
	Key int64
}

func itemID(it item) int64 { return it.ID }

// fakeStore stands in for a table: Add commits an item and then notifies the hub, as a domain
// store does; fetch reads like queue.Store.Calls (after 0: the latest page), a page at a time.
type fakeStore struct {
	mu    sync.Mutex
	items []item
	next  int64
	page  int
	reads atomic.Int64 // fetches made
	// before, if set, runs at the start of each fetch (outside the lock): a hook to commit in the
	// middle of a read, or to fail it.
	before func(key, after int64) error
	hub    *Hub[item]
}

func newFake(t *testing.T, opt Options) *fakeStore {
	f := &fakeStore{page: opt.Page}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f.hub = New(f.fetch, itemID, opt)
	t.Cleanup(f.hub.Close)
	return f
}

func (f *fakeStore) commit(key int64) int64 {
	f.mu.Lock()
	f.next++
	id := f.next
	f.items = append(f.items, item{id, key})
	f.mu.Unlock()
	return id
}

// Add records an item for key and tells the hub, after the "commit".
func (f *fakeStore) Add(key int64) int64 {
	id := f.commit(key)
	f.hub.Notify(key)
	return id
}

func (f *fakeStore) fetch(ctx context.Context, key, after int64) ([]item, error) {
	f.reads.Add(1)
	if f.before != nil {
		if err := f.before(key, after); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	limit := f.page
	if limit <= 0 {
		limit = 50
	}
	var out []item
	for _, it := range f.items {
		if it.Key == key && it.ID > after {
			out = append(out, it)
		}
	}
	if after == 0 && len(out) > limit {
		return slices.Clone(out[len(out)-limit:]), nil
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return slices.Clone(out), nil
}

// receive reads n items from ch, failing after a few seconds.
func receive(t *testing.T, ch <-chan item, n int) []int64 {
	t.Helper()
	var ids []int64
	timeout := time.After(5 * time.Second)
	for len(ids) < n {
		select {
		case it, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed after %v, want %d items", ids, n)
			}
			ids = append(ids, it.ID)
		case <-timeout:
			t.Fatalf("got %v, still waiting for %d items", ids, n-len(ids))
		}
	}
	return ids
}

// quiet checks that nothing more arrives for a moment.
func quiet(t *testing.T, ch <-chan item) {
	t.Helper()
	select {
	case it, ok := <-ch:
		if ok {
			t.Fatalf("unexpected item %d", it.ID)
		}
		t.Fatal("channel closed unexpectedly")
	case <-time.After(50 * time.Millisecond):
	}
}

func closed(t *testing.T, ch <-chan item) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("channel still open")
		}
	}
}

func TestReplayThenLiveInOrder(t *testing.T) {
	f := newFake(t, Options{})
	a1, _, a2 := f.Add(1), f.Add(2), f.Add(1)
	ch, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 2); !slices.Equal(got, []int64{a1, a2}) {
		t.Fatalf("replay %v, want %v", got, []int64{a1, a2})
	}
	quiet(t, ch)
	a3, _, a4 := f.Add(1), f.Add(2), f.Add(1)
	if got := receive(t, ch, 2); !slices.Equal(got, []int64{a3, a4}) {
		t.Fatalf("live %v, want %v (key 2's item is not key 1's)", got, []int64{a3, a4})
	}
	quiet(t, ch)

	// A second subscriber resuming after a1 gets the rest, and nothing twice.
	ch2, err := f.hub.Subscribe(t.Context(), 1, a1)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch2, 3); !slices.Equal(got, []int64{a2, a3, a4}) {
		t.Fatalf("resumed after %d: %v", a1, got)
	}
	a5 := f.Add(1)
	if got := receive(t, ch2, 1); got[0] != a5 {
		t.Fatalf("live after resume: %v", got)
	}
	if got := receive(t, ch, 1); got[0] != a5 {
		t.Fatalf("first subscriber: %v", got)
	}
	quiet(t, ch)
	quiet(t, ch2)
}

// TestOneReadPerNotify: however many subscribers a key has, a Notify costs one read.
func TestOneReadPerNotify(t *testing.T) {
	f := newFake(t, Options{Page: 50})
	var chans []<-chan item
	for range 200 {
		ch, err := f.hub.Subscribe(t.Context(), 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		chans = append(chans, ch)
	}
	before := f.reads.Load()
	id := f.Add(7)
	for _, ch := range chans {
		if got := receive(t, ch, 1); got[0] != id {
			t.Fatalf("got %v, want %d", got, id)
		}
	}
	if n := f.reads.Load() - before; n != 1 {
		t.Errorf("%d reads for one Notify to 200 subscribers, want 1", n)
	}
	// Nobody watching key 8: its Notify reads nothing.
	before = f.reads.Load()
	f.Add(8)
	time.Sleep(20 * time.Millisecond)
	if n := f.reads.Load() - before; n != 0 {
		t.Errorf("%d reads for a key nobody watches", n)
	}
}

// TestCommitDuringReplay: an item committed while a subscriber reads its replay, and already
// handed by the broadcaster to the key's other subscribers, reaches the newcomer once.
func TestCommitDuringReplay(t *testing.T) {
	f := newFake(t, Options{})
	old, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	first := f.Add(1)
	receive(t, old, 1)

	realFetch := f.hub.fetch
	var armed atomic.Bool
	armed.Store(true)
	var during int64
	f.hub.fetch = func(ctx context.Context, key, after int64) ([]item, error) {
		items, err := realFetch(ctx, key, after)
		if armed.CompareAndSwap(true, false) {
			// This read is the newcomer's replay, done. An item commits now and the broadcaster
			// hands it to the old subscriber before the newcomer joins: the replay has not got it.
			during = f.Add(1)
			receive(t, old, 1)
		}
		return items, err
	}
	ch, err := f.hub.Subscribe(t.Context(), 1, first)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 1); got[0] != during {
		t.Fatalf("got %v, want %d", got, during)
	}
	quiet(t, ch)
	last := f.Add(1)
	if got := receive(t, ch, 1); got[0] != last {
		t.Fatalf("then %v, want %d", got, last)
	}
}

// TestNotifyDuringFirstReplay: the key's first subscriber, whose replay read misses an item
// committed as it reads, still gets it (the Notify arrived while nobody had joined yet).
func TestNotifyDuringFirstReplay(t *testing.T) {
	f := newFake(t, Options{})
	realFetch := f.hub.fetch
	var once sync.Once
	var during int64
	f.hub.fetch = func(ctx context.Context, key, after int64) ([]item, error) {
		items, err := realFetch(ctx, key, after)
		// Committed and announced just after the replay's read, before the subscriber joined.
		once.Do(func() { during = f.Add(1) })
		return items, err
	}
	ch, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 1); got[0] != during {
		t.Fatalf("got %v, want %d", got, during)
	}
	quiet(t, ch)
}

// TestConcurrentNoGapsNoRepeats: items committed continuously while subscribers come and go,
// each from some earlier id; every subscriber sees every later id exactly once, in order.
func TestConcurrentNoGapsNoRepeats(t *testing.T) {
	f := newFake(t, Options{Page: 3, Buffer: 10000, MaxReplay: 10000})
	const key = 1
	const total = 400
	for range 5 {
		f.Add(key)
	}
	stop := make(chan struct{})
	var writer sync.WaitGroup
	writer.Add(1)
	go func() {
		defer writer.Done()
		for i := range total {
			f.Add(key)
			if i%3 == 0 {
				f.Add(2) // another key's ids interleave, as other centres' calls do
			}
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		}
		close(stop)
	}()
	type result struct {
		after int64
		got   []int64
	}
	results := make(chan result, 64)
	var subs sync.WaitGroup
	for range 40 {
		subs.Add(1)
		go func() {
			defer subs.Done()
			time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
			f.mu.Lock()
			after := f.items[rand.IntN(len(f.items))].ID // resume from some id already seen
			f.mu.Unlock()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ch, err := f.hub.Subscribe(ctx, key, after)
			if err != nil {
				t.Error(err)
				return
			}
			var got []int64
			recv := func(it item, ok bool) bool {
				if !ok {
					t.Errorf("after %d: dropped", after)
					return false
				}
				got = append(got, it.ID)
				return true
			}
		live:
			for {
				select {
				case it, ok := <-ch:
					if !recv(it, ok) {
						break live
					}
				case <-stop:
					// Drain what is still on its way.
					for {
						select {
						case it, ok := <-ch:
							if !recv(it, ok) {
								break live
							}
						case <-time.After(200 * time.Millisecond):
							break live
						}
					}
				}
			}
			results <- result{after, got}
		}()
	}
	writer.Wait()
	subs.Wait()
	close(results)
	f.mu.Lock()
	var all []int64
	for _, it := range f.items {
		if it.Key == key {
			all = append(all, it.ID)
		}
	}
	f.mu.Unlock()
	for r := range results {
		var want []int64
		for _, id := range all {
			if id > r.after {
				want = append(want, id)
			}
		}
		if !slices.Equal(r.got, want) {
			t.Fatalf("after %d: got %d items %v\nwant %d items %v", r.after, len(r.got), r.got, len(want), want)
		}
	}
}

// TestSlowSubscriberDropped: one subscriber that does not read cannot hold up the others; it is
// dropped (its channel closed) once its buffer is full, and comes back after its last id.
func TestSlowSubscriberDropped(t *testing.T) {
	f := newFake(t, Options{Buffer: 2})
	slow, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for range 5 {
		ids = append(ids, f.Add(1))
		if got := receive(t, fast, 1); got[0] != ids[len(ids)-1] {
			t.Fatalf("fast subscriber got %v", got)
		}
	}
	var got []int64
	for it := range slow {
		got = append(got, it.ID)
	}
	if !slices.Equal(got, ids[:2]) {
		t.Fatalf("slow subscriber got %v before being dropped, want %v", got, ids[:2])
	}
	// It reconnects after the last id it saw and misses nothing.
	again, err := f.hub.Subscribe(t.Context(), 1, got[len(got)-1])
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, again, 3); !slices.Equal(got, ids[2:]) {
		t.Fatalf("after reconnecting: %v, want %v", got, ids[2:])
	}
	f.hub.mu.Lock()
	n := len(f.hub.topics[1].subs)
	f.hub.mu.Unlock()
	if n != 2 {
		t.Errorf("%d subscribers, want 2 (the fast one and the one back)", n)
	}
}

func TestUnsubscribeOnCancel(t *testing.T) {
	f := newFake(t, Options{})
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := f.hub.Subscribe(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.hub.Subscribe(t.Context(), 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	closed(t, ch)
	f.hub.mu.Lock()
	_, has1 := f.hub.topics[1]
	_, has2 := f.hub.topics[2]
	f.hub.mu.Unlock()
	if has1 || !has2 {
		t.Errorf("topics after cancelling key 1's only subscriber: key 1 %v, key 2 %v", has1, has2)
	}
	before := f.reads.Load()
	f.Add(1)
	time.Sleep(20 * time.Millisecond)
	if n := f.reads.Load() - before; n != 0 {
		t.Errorf("%d reads for a key whose subscriber left", n)
	}
	id := f.Add(2)
	if got := receive(t, other, 1); got[0] != id {
		t.Fatalf("key 2: %v", got)
	}

	// A context already ended: Subscribe fails and leaves nothing behind.
	done, cancelDone := context.WithCancel(t.Context())
	cancelDone()
	if _, err := f.hub.Subscribe(done, 3, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Subscribe with an ended context: %v", err)
	}
	f.hub.mu.Lock()
	_, has3 := f.hub.topics[3]
	f.hub.mu.Unlock()
	if has3 {
		t.Error("a failed Subscribe left its topic")
	}
}

func TestReadFailure(t *testing.T) {
	f := newFake(t, Options{})
	ch, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("database gone")
	f.before = func(int64, int64) error { return boom }
	if _, err := f.hub.Subscribe(t.Context(), 1, 0); !errors.Is(err, boom) {
		t.Errorf("Subscribe whose replay fails: %v", err)
	}
	id := f.Add(1) // the broadcaster's read fails: the subscriber is dropped to come back
	closed(t, ch)
	f.before = nil
	ch, err = f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, ch, 1); got[0] != id {
		t.Fatalf("after the database came back: %v", got)
	}
}

func TestPagesAndMaxReplay(t *testing.T) {
	f := newFake(t, Options{Page: 2, MaxReplay: 4})
	var ids []int64
	for range 7 {
		ids = append(ids, f.Add(1))
	}
	ch, err := f.hub.Subscribe(t.Context(), 1, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	// Six missed, read two a page; only the newest four are handed over.
	if got := receive(t, ch, 4); !slices.Equal(got, ids[3:]) {
		t.Fatalf("got %v, want %v", got, ids[3:])
	}
	quiet(t, ch)
	// Three new at once, read in two pages by one broadcast.
	var more []int64
	for range 3 {
		more = append(more, f.commit(1))
	}
	f.hub.Notify(1)
	if got := receive(t, ch, 3); !slices.Equal(got, more) {
		t.Fatalf("got %v, want %v", got, more)
	}
}

func TestClose(t *testing.T) {
	f := newFake(t, Options{})
	ch, err := f.hub.Subscribe(t.Context(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.hub.Close()
	closed(t, ch)
	if _, err := f.hub.Subscribe(t.Context(), 1, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after Close: %v", err)
	}
	f.Add(1) // Notify after Close does nothing, and does not panic
	f.hub.Close()
}

// TestPollFindsOtherWriters: items committed where no Notify reaches this hub (another process,
// another node) are delivered at the next poll, and only to keys someone watches.
func TestPollFindsOtherWriters(t *testing.T) {
	f := newFake(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := f.hub.Subscribe(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	id := f.commit(1) // no Notify
	f.commit(2)       // a key nobody watches
	quiet(t, ch)
	before := f.reads.Load()
	go f.hub.Poll(ctx, 20*time.Millisecond)
	if got := receive(t, ch, 1); got[0] != id {
		t.Fatalf("polled %v, want %d", got, id)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	if n := f.reads.Load() - before; n < 1 || n > 10 {
		t.Errorf("%d reads in about 5 polls of one watched key", n)
	}
}
