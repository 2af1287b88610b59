package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// workers are serve's background goroutines (jobs, outbox, board poller, rating watcher, the
// periodic sweep). They run under a context of their own, so they keep working while requests in
// flight finish; at shutdown stop cancels it and waits for every one to return, so that none
// touches the database after it is closed — a worker cut off half-way through a write by the
// process exiting, or failing on a closed pool, is what this prevents.
type workers struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]int // names of the workers not yet returned, for the shutdown log
}

func newWorkers() *workers {
	ctx, cancel := context.WithCancel(context.Background())
	return &workers{ctx: ctx, cancel: cancel, running: map[string]int{}}
}

// Go runs fn in a goroutine of its own; fn must return soon after ctx ends.
func (w *workers) Go(name string, fn func(ctx context.Context)) {
	w.mu.Lock()
	w.running[name]++
	w.mu.Unlock()
	w.wg.Go(func() {
		defer func() {
			w.mu.Lock()
			if w.running[name]--; w.running[name] == 0 {
				delete(w.running, name)
			}
			w.mu.Unlock()
		}()
		fn(w.ctx)
	})
}

// stop cancels the workers and waits for them until deadline ends; it names those still running
// when it gives up. It may be called more than once.
func (w *workers) stop(deadline context.Context) error {
	w.cancel()
	done := make(chan struct{})
	go func() {
		w.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-deadline.Done():
		w.mu.Lock()
		names := make([]string, 0, len(w.running))
		for n := range w.running {
			names = append(names, n)
		}
		w.mu.Unlock()
		slices.Sort(names)
		return fmt.Errorf("background workers still running at the shutdown deadline: %s", strings.Join(names, ", "))
	}
}
