package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// server is Huduma started through run(), as `huduma serve` would be, on a free port.
type server struct {
	url  string
	out  *strings.Builder
	stop func() error
}

var listening = regexp.MustCompile(`serving on (http://\S+)`)

func startServer(t *testing.T, dsn string, extraEnv map[string]string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	getenv := func(k string) string {
		if v, ok := extraEnv[k]; ok {
			return v
		}
		return map[string]string{"HUDUMA_SECURE_COOKIES": "false", "HUDUMA_LOG_LEVEL": "warn"}[k]
	}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, getenv, strings.NewReader(""), pw, io.Discard)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	s := &server{out: &strings.Builder{}}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		s.out.WriteString(line + "\n")
		if m := listening.FindStringSubmatch(line); m != nil {
			s.url = m[1]
			break
		}
	}
	if s.url == "" {
		cancel()
		t.Fatalf("server did not start: %v\n%s", <-done, s.out)
	}
	// Keep reading so the server never blocks on its output.
	go func() {
		for sc.Scan() {
		}
	}()
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				stopErr = errors.New("server did not stop within 30s")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { s.stop() })
	return s
}

func TestServeCreatesDatabaseWithDemoAndShutsDownGracefully(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "huduma.db")
	s := startServer(t, dsn, nil)
	for _, want := range []string{"Demo sign-ins", "admin", "national_admin", "karibu-huduma"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("start-up banner lacks %q:\n%s", want, s.out)
		}
	}
	res, err := http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("healthz: %d", res.StatusCode)
	}
	res, err = http.Get(s.url + "/api/v1/services?agency=KKG-ICT")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"total": 11`) {
		t.Errorf("Kakamega services over HTTP: %.300s", b)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	// A second start on the same file keeps the data and does not load the demo twice.
	s2 := startServer(t, dsn, nil)
	res, err = http.Get(s2.url + "/api/v1/agencies")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(b), `"code": "KKG-ICT"`); n != 1 {
		t.Errorf("KKG-ICT listed %d times after a restart", n)
	}
}

func TestServeWithoutDemo(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "empty.db"), map[string]string{"HUDUMA_DEMO": "false"})
	if strings.Contains(s.out.String(), "Demo sign-ins") {
		t.Error("demo accounts printed with HUDUMA_DEMO=false")
	}
	res, err := http.Get(s.url + "/api/v1/agencies")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"agencies": []`) {
		t.Errorf("agencies on an empty database: %s", b)
	}
}
