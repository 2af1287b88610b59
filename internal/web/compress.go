package web

import (
	"bufio"
	"compress/gzip"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Pages, JSON and style sheets shrink to a fifth or less with gzip, which on a 2G/3G link is most of
// the time a page takes. compress gzips a response when the client accepts it and its type is text
// (HTML, JSON, CSS, JavaScript, XML, SVG); types compressed already (images, PDF, archives) and the
// boards' event stream are passed through untouched — a stream must reach the board event by
// event, and gzip would hold events back in its window.
type compressor struct {
	writers sync.Pool // *gzip.Writer, reused: each costs a few hundred KB to make
}

// compressible lists the media types worth compressing.
var compressible = map[string]bool{
	"text/html": true, "text/css": true, "text/plain": true, "text/csv": true, "text/xml": true,
	"text/javascript": true, "application/javascript": true, "application/json": true,
	"application/xml": true, "image/svg+xml": true, "application/geo+json": true,
}

func newCompressor() *compressor {
	return &compressor{writers: sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
		return zw
	}}}
}

func (c *compressor) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, c: c, accepts: acceptsGzip(r.Header.Get("Accept-Encoding"))}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a quality above zero.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			q, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		return q > 0
	}
	return false
}

// compressWriter decides at the response's first byte (or header) whether to compress it.
type compressWriter struct {
	http.ResponseWriter
	c       *compressor
	accepts bool
	decided bool
	zw      *gzip.Writer // nil: passed through
}

func (w *compressWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if !compressible[mediaType] {
		return
	}
	// Caches keep one copy per encoding, whether or not this client takes gzip.
	h.Add("Vary", "Accept-Encoding")
	if !w.accepts || h.Get("Content-Encoding") != "" || status < 200 || status == http.StatusNoContent ||
		status == http.StatusNotModified || status == http.StatusPartialContent {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		h.Set("ETag", "W/"+etag) // the same content, not the same bytes
	}
	w.zw = w.c.writers.Get().(*gzip.Writer)
	w.zw.Reset(w.ResponseWriter)
}

func (w *compressWriter) WriteHeader(status int) {
	if status >= 100 && status < 200 { // informational: the real answer is still to come
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.decide(status)
	w.ResponseWriter.WriteHeader(status)
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			// What net/http would sniff, decided here so that sniffed HTML is compressed too.
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.zw != nil {
		return w.zw.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (a gzipped response may still be flushed).
func (w *compressWriter) Flush() {
	if w.zw != nil {
		_ = w.zw.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// FlushError is what http.ResponseController calls.
func (w *compressWriter) FlushError() error {
	if w.zw != nil {
		if err := w.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack lets a handler take the connection over, as net/http's own writer does.
func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) close() {
	if w.zw == nil {
		return
	}
	_ = w.zw.Close()
	w.zw.Reset(io.Discard)
	w.c.writers.Put(w.zw)
	w.zw = nil
}
