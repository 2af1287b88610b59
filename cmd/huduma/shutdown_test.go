package main

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// backgroundWork names the functions of serve's background workers as they appear in a
// goroutine's stack.
var backgroundWork = []string{
	"internal/jobs.(*Runner).Run", "internal/notify.(*Worker).Run", "internal/web.(*Server).PollBoards",
	"internal/feedback.(*Store).Watch", "main.runServe.func", "internal/db.checkpointInBackground",
	"internal/db.(*DB).startWriter",
}

// TestShutdownWaitsForWorkers: when serve returns, none of its background workers is still
// running: each was stopped and waited for before the database was closed, so none can touch a
// closed database (or a half-written one) afterwards.
func TestShutdownWaitsForWorkers(t *testing.T) {
	for range 3 {
		s := startServer(t, filepath.Join(t.TempDir(), "huduma.db"), nil)
		if err := s.stop(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		for _, g := range strings.Split(stacks, "\n\n") {
			for _, fn := range backgroundWork {
				if strings.Contains(g, fn) {
					t.Fatalf("after serve returned, a background worker (%s) still runs:\n%s", fn, g)
				}
			}
		}
	}
}
