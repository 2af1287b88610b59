// Package web serves Huduma's pages and JSON API. Every route is listed in routes.go with the
// permission it needs; each screen or action has a file of its own.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/events"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/i18n"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is how the web layer is set up.
type Config struct {
	// SecureCookies marks cookies Secure (HTTPS only). On by default; turn off only for plain-HTTP
	// development on localhost.
	SecureCookies bool
	// Version is shown in the footer and /healthz.
	Version string
	// SignInPerMinute and APIPerSecond bound public endpoints per client address.
	SignInPerMinute int
	APIPerSecond    int
	IntakePerMinute int
	// KioskPerMinute bounds the tickets of one registered kiosk (kiosk_register.go); 0: 60.
	KioskPerMinute int
	// Request bodies (upload.go): BodyTimeout bounds the whole body of an ordinary request (0: 30 s);
	// an upload (a multipart form, with files) instead may take as long as it keeps arriving:
	// never UploadStall without a byte (0: 20 s), and on average at least UploadMinRate bytes a
	// second once UploadStall has passed (0: 8 KB/s, slower than a poor 2G link).
	BodyTimeout   time.Duration
	UploadStall   time.Duration
	UploadMinRate int
	// WriteTimeout bounds writing a response (0: 60 s), counted again once an upload has arrived.
	WriteTimeout time.Duration
	// TrustProxy makes Huduma take the client's address from X-Forwarded-For, as set by a reverse
	// proxy in front of it. Leave it off when clients reach Huduma directly: they could forge it.
	TrustProxy bool
	// RequireTwoFactor, when RequireTwoFactorAdmins, makes two-step sign-in compulsory for national
	// and agency admins (HUDUMA_REQUIRE_2FA): until they set it up they can do nothing else.
	RequireTwoFactor string
}

// RequireTwoFactorAdmins is the one value Config.RequireTwoFactor takes besides "" (optional for all).
const RequireTwoFactorAdmins = "admins"

// Server is the HTTP side of Huduma.
type Server struct {
	cfg        Config
	db         *db.DB
	log        *slog.Logger
	now        func() time.Time
	charters   *charter.Store
	auth       *auth.Store
	requests   *requests.Store
	queue      *queue.Store
	feedback   *feedback.Store
	complaints *complaints.Store
	tr         *i18n.Translator
	pages      *pageSet
	assets     *assets
	metrics    *metrics
	signIn     *limiter
	api        *limiter
	intake     *limiter
	kiosks     *limiter
	// board hands each centre's new calls to its hall boards (board.go); shutdowns holds, per
	// http.Server serving the boards, the channel closed when it shuts down.
	board     *events.Hub[queue.Call]
	shutdowns sync.Map
	handler   http.Handler
}

// Deps are the parts a Server is made of.
type Deps struct {
	DB         *db.DB
	Log        *slog.Logger
	Now        func() time.Time
	Charters   *charter.Store
	Auth       *auth.Store
	Requests   *requests.Store
	Queue      *queue.Store      // nil: one over Charters and Requests with the default rules
	Feedback   *feedback.Store   // nil: one with the default rules
	Complaints *complaints.Store // nil: one with the default rules, links to the requests' public address
	// Callbacks are provider callbacks (delivery reports) mounted at their paths, unauthenticated
	// by session: the provider authenticates them its own way.
	Callbacks map[string]http.Handler
	Registry  *prometheus.Registry // where HTTP metrics are registered; nil for a private one
}

// NewServer builds the handler.
func NewServer(cfg Config, d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if cfg.SignInPerMinute == 0 {
		cfg.SignInPerMinute = 10
	}
	if cfg.APIPerSecond == 0 {
		cfg.APIPerSecond = 50
	}
	if cfg.IntakePerMinute == 0 {
		cfg.IntakePerMinute = 20
	}
	if cfg.KioskPerMinute == 0 {
		cfg.KioskPerMinute = 60
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = 30 * time.Second
	}
	if cfg.UploadStall == 0 {
		cfg.UploadStall = 20 * time.Second
	}
	if cfg.UploadMinRate == 0 {
		cfg.UploadMinRate = 8 << 10
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 60 * time.Second
	}
	tr, err := i18n.New()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	if d.Feedback == nil {
		d.Feedback = feedback.NewStore(d.DB, d.Now, feedback.Config{})
	}
	if d.Complaints == nil {
		d.Complaints = complaints.NewStore(d.DB, d.Now, d.Charters, complaints.Config{PublicURL: d.Requests.Config().PublicURL})
	}
	if d.Queue == nil {
		d.Queue = queue.NewStore(d.DB, d.Now, d.Charters, d.Requests, queue.Config{})
	}
	reg := d.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, db: d.DB, log: d.Log, now: d.Now, charters: d.Charters, auth: d.Auth, requests: d.Requests, queue: d.Queue, feedback: d.Feedback, complaints: d.Complaints, tr: tr, assets: as,
		metrics: newMetrics(reg, d.DB),
		signIn:  newLimiter(float64(cfg.SignInPerMinute)/60, cfg.SignInPerMinute, d.Now),
		api:     newLimiter(float64(cfg.APIPerSecond), 2*cfg.APIPerSecond, d.Now),
		// Citizens' forms (lodging, tracking): a person needs a few a minute, a script many.
		intake: newLimiter(float64(cfg.IntakePerMinute)/60, cfg.IntakePerMinute, d.Now),
		// A registered kiosk: a hall's worth of people, one at a time (a ticket a second at most).
		kiosks: newLimiter(float64(cfg.KioskPerMinute)/60, cfg.KioskPerMinute, d.Now),
	}
	// One read of a centre's new calls per commit, however many boards watch it: the queue tells
	// the hub after each commit that adds a call.
	s.board = events.New(func(ctx context.Context, centreID, after int64) ([]queue.Call, error) {
		return d.Queue.Calls(ctx, centreID, after, boardPage)
	}, func(c queue.Call) int64 { return c.ID }, events.Options{Page: boardPage, Log: d.Log})
	d.Queue.OnCall(s.board.Notify)
	s.pages, err = loadPages(tr, as)
	if err != nil {
		return nil, err
	}
	s.handler = s.routes(reg, d.Callbacks)
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Sweep drops idle rate-limit buckets; the serve loop calls it every few minutes.
func (s *Server) Sweep(ctx context.Context) {
	s.signIn.sweep(10 * time.Minute)
	s.api.sweep(10 * time.Minute)
	s.intake.sweep(10 * time.Minute)
	s.kiosks.sweep(10 * time.Minute)
}
