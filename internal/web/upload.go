package web

import (
	"errors"
	"io"
	"log"
	"mime"
	"net/http"
	"time"
)

// A 5 MB photo takes 40 seconds at 1 Mbit/s and several minutes on a poor 2G link, so no single
// read timeout suits every request: one short enough to shed a client that holds a connection
// open by sending a body slowly (slowloris) cuts off a citizen's upload, and the form is lost. So
// the server has no ReadTimeout (only ReadHeaderTimeout: headers are small), and each request's
// body gets its own read deadline, through http.ResponseController:
//   - an ordinary body (a form without files, JSON) must arrive within BodyTimeout, as before;
//   - an upload (a multipart form) may take as long as it keeps coming: never UploadStall without
//     a byte, and, after UploadStall, on average at least UploadMinRate bytes a second. A slowloris
//     trickling bytes is cut as soon as it falls below that rate; a slow but steady link is not.
// Once a body has arrived its read deadline is lifted (net/http reads on in the background to
// notice a client leaving, and a deadline passing then would cancel the request), and, for an
// upload, the write deadline is counted again from then: the server's WriteTimeout runs from
// the request's headers, and would have passed during a long upload.

// HTTPServer is the http.Server to serve s with, its timeouts set for Huduma.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: s.cfg.WriteTimeout,
		IdleTimeout: 120 * time.Second, ErrorLog: errorLog}
}

// bodyDeadlines gives each request body its read deadline.
func (s *Server) bodyDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b := &deadlineBody{ReadCloser: r.Body, rc: http.NewResponseController(w), start: time.Now(),
			ordinary: s.cfg.BodyTimeout, stall: s.cfg.UploadStall, minRate: float64(s.cfg.UploadMinRate), writeTimeout: s.cfg.WriteTimeout}
		if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "multipart/form-data" {
			b.upload = true
		} else {
			_ = b.rc.SetReadDeadline(b.start.Add(b.ordinary)) // a writer that cannot (tests' recorders): no deadline
		}
		r.Body = b
		next.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	rc                            *http.ResponseController
	start                         time.Time
	upload                        bool
	ordinary, stall, writeTimeout time.Duration
	minRate                       float64 // bytes a second
	read                          int64
	done                          bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	if b.upload && !b.done {
		now := time.Now()
		deadline := now.Add(b.stall)
		// The bytes read so far buy time at the minimum rate, after the first UploadStall.
		if byRate := b.start.Add(b.stall + time.Duration(float64(b.read)/b.minRate*float64(time.Second))); byRate.Before(deadline) {
			deadline = byRate
		}
		_ = b.rc.SetReadDeadline(deadline)
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if errors.Is(err, io.EOF) && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
		if b.upload {
			_ = b.rc.SetWriteDeadline(time.Now().Add(b.writeTimeout))
		}
	}
	return n, err
}
