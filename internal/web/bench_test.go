package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/huduma-ke/huduma/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// benchServer is the whole handler over a demo database, called in-process (no sockets), so the
// figure is Huduma's own cost per request: routing, session lookup, SQL, templates.
func benchServer(b *testing.B, d *db.DB) http.Handler {
	cs, us := charter.NewStore(d, nil), auth.NewStore(d, nil, bcrypt.MinCost)
	rs := requests.NewStore(d, nil, cs, requests.Config{})
	if _, err := demo.Install(ctx, d, cs, us, rs); err != nil {
		b.Fatal(err)
	}
	s, err := web.NewServer(web.Config{APIPerSecond: 1 << 30}, web.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Charters: cs, Auth: us, Requests: rs})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
	})
}

func BenchmarkPages(b *testing.B) {
	for _, engine := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		h := benchServer(b, engine.open(b))
		for _, path := range []string{"/charters/agency/KKG-ICT", "/services/KKG-ICT-03", "/services?q=certificate",
			"/api/v1/services?centre=HC-GPO", "/api/v1/services/KKG-ICT-03/due?from=2026-11-23T12:50:00%2B03:00"} {
			b.Run(engine.name+path, func(b *testing.B) { benchGet(b, h, path) })
		}
	}
}
