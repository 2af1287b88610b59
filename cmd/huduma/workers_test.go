package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWorkersStopWaits: stop returns only once a worker that takes a while to wind down (a
// write to finish) has returned, and gives up at the deadline on one that never does, naming it.
func TestWorkersStopWaits(t *testing.T) {
	w := newWorkers()
	var finished atomic.Bool
	w.Go("slow", func(ctx context.Context) {
		<-ctx.Done()
		time.Sleep(200 * time.Millisecond) // its last write
		finished.Store(true)
	})
	deadline, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.stop(deadline); err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("stop returned before the worker finished")
	}

	stuck := newWorkers()
	release := make(chan struct{})
	defer close(release)
	stuck.Go("deaf", func(context.Context) { <-release })
	stuck.Go("quick", func(ctx context.Context) { <-ctx.Done() })
	short, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	err := stuck.stop(short)
	if err == nil || !strings.Contains(err.Error(), "deaf") || strings.Contains(err.Error(), "quick") {
		t.Fatalf("stop of a worker that ignores it: %v, want an error naming deaf only", err)
	}
}
