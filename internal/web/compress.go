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
// the time a page takes. compress gzips a response when the client accepts it, its type is text
// (HTML, JSON, CSS, JavaScript, XML, SVG) and it has at least 1 KB; types compressed already
// (images, PDF, archives) and the boards' event stream are passed through untouched — a stream must reach the board event by
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

// minCompress is the smallest body worth gzipping: below it the header and the work cost more
// than they save (an API answer of a few hundred bytes), so the first bytes are held until there
// are this many, or the response ends.
const minCompress = 1024

// compressWriter decides, once it knows the response's type and that it is big enough, whether
// to compress it; until then it holds the status and the first bytes.
type compressWriter struct {
	http.ResponseWriter
	c       *compressor
	accepts bool
	decided bool
	status  int          // held until decided; 0: none yet
	held    []byte       // the first bytes of a compressible body, held until decided
	zw      *gzip.Writer // nil: passed through
}

// eligible reports whether the response is of a type to compress (and says Vary if so).
func (w *compressWriter) eligible() bool {
	h := w.Header()
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if !compressible[mediaType] {
		return false
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	return w.accepts && h.Get("Content-Encoding") == "" && status >= 200 && status != http.StatusNoContent &&
		status != http.StatusNotModified && status != http.StatusPartialContent
}

// decide settles the response: gzipped (compress) or as it is; then sends the status and what
// was held.
func (w *compressWriter) decide(compress bool) error {
	w.decided = true
	h := w.Header()
	if mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type")); compressible[mediaType] {
		// Caches keep one copy per encoding, whether or not this client takes gzip.
		h.Add("Vary", "Accept-Encoding")
	}
	if compress {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("ETag", "W/"+etag) // the same content, not the same bytes
		}
		w.zw = w.c.writers.Get().(*gzip.Writer)
		w.zw.Reset(w.ResponseWriter)
	}
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
	held := w.held
	w.held = nil
	if len(held) == 0 {
		return nil
	}
	var err error
	if w.zw != nil {
		_, err = w.zw.Write(held)
	} else {
		_, err = w.ResponseWriter.Write(held)
	}
	return err
}

func (w *compressWriter) WriteHeader(status int) {
	if status >= 100 && status < 200 { // informational: the real answer is still to come
		w.ResponseWriter.WriteHeader(status)
		return
	}
	if w.decided || w.status != 0 {
		return // as net/http: the first status counts
	}
	w.status = status
	if !w.eligible() {
		_ = w.decide(false)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.status == 0 {
			if w.Header().Get("Content-Type") == "" {
				// What net/http would sniff, decided here so that sniffed HTML is compressed too.
				w.Header().Set("Content-Type", http.DetectContentType(b))
			}
			w.status = http.StatusOK
		}
		if !w.eligible() {
			if err := w.decide(false); err != nil {
				return 0, err
			}
		} else {
			w.held = append(w.held, b...)
			if len(w.held) < minCompress {
				return len(b), nil
			}
			if err := w.decide(true); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	if w.zw != nil {
		return w.zw.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (a gzipped response may still be flushed).
func (w *compressWriter) Flush() {
	if !w.decided && w.status != 0 {
		_ = w.decide(len(w.held) >= minCompress && w.eligible())
	}
	if w.zw != nil {
		_ = w.zw.Flush()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// FlushError is what http.ResponseController calls.
func (w *compressWriter) FlushError() error {
	if !w.decided && w.status != 0 {
		if err := w.decide(len(w.held) >= minCompress && w.eligible()); err != nil {
			return err
		}
	}
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
	if !w.decided && w.status != 0 { // a small body, or a status alone: as it is
		_ = w.decide(false)
	}
	if w.zw == nil {
		return
	}
	_ = w.zw.Close()
	w.zw.Reset(io.Discard)
	w.c.writers.Put(w.zw)
	w.zw = nil
}
