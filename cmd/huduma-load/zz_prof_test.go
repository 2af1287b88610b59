package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
)

func TestZZSeedProfile(t *testing.T) {
	ctx := context.Background()
	a, err := openApp(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.db.Close()
	if _, err := seed(ctx, a, seedOptions{N: 10000, Seed: 1, Out: io.Discard}); err != nil {
		t.Fatal(err)
	}
}
