package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCompressSkipsCompressedTypes: images, PDFs, responses that carry their own encoding and
// answers under 1 KB pass through as they are; only text is gzipped.
func TestCompressSkipsCompressedTypes(t *testing.T) {
	h := newCompressor().handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/photo":
			w.Header().Set("Content-Type", "image/jpeg")
		case "/pdf":
			w.Header().Set("Content-Type", "application/pdf")
		case "/encoded":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "br")
		case "/sniffed": // no Content-Type: sniffed as HTML
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id": 1}`))
			return
		}
		w.Write([]byte("<!DOCTYPE html><html><body>" + string(make([]byte, 2000)) + "</body></html>"))
	}))
	for path, want := range map[string]string{"/photo": "", "/pdf": "", "/encoded": "br", "/sniffed": "gzip", "/small": ""} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Content-Encoding"); got != want {
			t.Errorf("%s: Content-Encoding %q, want %q", path, got, want)
		}
		if path == "/small" {
			if rec.Code != http.StatusCreated || rec.Body.String() != `{"id": 1}` || rec.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("a small answer: %d %q, Vary %q", rec.Code, rec.Body.String(), rec.Header().Get("Vary"))
			}
			continue
		}
		if want == "" && rec.Body.Len() < 2000 {
			t.Errorf("%s: body changed (%d bytes)", path, rec.Body.Len())
		}
	}
}
