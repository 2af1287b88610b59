package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/i18n"
)

// handlerFunc is a handler that may fail; failures are shown by one function (errors.go).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// request is what the middleware learns about a request.
type request struct {
	user    auth.User // zero when nobody is signed in
	session auth.Session
	lang    string
}

type ctxKey struct{}

func info(r *http.Request) *request {
	if v, ok := r.Context().Value(ctxKey{}).(*request); ok {
		return v
	}
	return &request{lang: i18n.FromRequest(r)}
}

const sessionCookie = "huduma_session"

// withSession finds the signed-in user (if any) and the language.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &request{lang: i18n.FromRequest(r)}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, "/static/") {
			u, sess, err := s.auth.SessionUser(r.Context(), c.Value)
			switch {
			case err == nil:
				ri.user, ri.session = u, sess
				if _, err := r.Cookie("lang"); err != nil && r.URL.Query().Get("lang") == "" && i18n.Supported(u.Language) && u.Language != "en" {
					ri.lang = u.Language
				}
			case apperr.Is(err, apperr.Unauthorised):
				http.SetCookie(w, s.cookie(sessionCookie, "", -1))
			default:
				s.log.ErrorContext(r.Context(), "session lookup", "err", err)
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri)))
	})
}

// guard enforces a route's permission, CSRF on forms, rate limits on public endpoints, then runs it.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r)
		if mustNotStore(rt, r, ri) {
			w.Header().Set("Cache-Control", "no-store")
		}
		err := func() error {
			if rt.api && !s.api.allow(clientIP(r)) {
				return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
			}
			if rt.perm == auth.APIKeyHolder {
				key, err := s.apiKey(r)
				if err != nil {
					return err
				}
				r = r.WithContext(context.WithValue(r.Context(), apiKeyCtx{}, key))
			} else if rt.perm != auth.Public {
				if ri.user.ID == 0 {
					return apperr.New(apperr.Unauthorised, "Please sign in.")
				}
				if !ri.user.Can(rt.perm) {
					return apperr.New(apperr.Forbidden, "Your account is not allowed to do that.")
				}
				if !enrolmentRoutes[rt.pattern] && s.mustEnrol(r.Context(), ri.user) {
					// An admin who must use two-step sign-in and has not set it up yet.
					if r.Method == http.MethodGet {
						http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
						return nil
					}
					return apperr.New(apperr.Forbidden, "Set up two-step sign-in first: your account needs it.")
				}
			}
			if r.Method == http.MethodPost && !rt.api {
				if err := parseForm(w, r); err != nil {
					return err
				}
				// Every form carries a CSRF token: a signed-in form the session's, a public form
				// (lodging a request, signing in) the double-submit cookie's.
				want := ri.session.CSRF
				if rt.perm == auth.Public {
					if c, err := r.Cookie(formCookie); err == nil {
						want = c.Value
					} else {
						want = ""
					}
				}
				if want == "" || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(want)) != 1 {
					return apperr.New(apperr.Forbidden, "This form has expired. Go back, reload the page and try again.")
				}
			}
			return rt.handle(w, r)
		}()
		if err != nil {
			s.fail(w, r, rt.api, err)
		}
	})
}

// mustNotStore is true for answers that no browser cache or proxy may keep: everything behind a
// permission (staff, admin, account pages and the API with a key), every page seen while signed in
// (it carries the user's name), every answer to a form (it may carry a tracking link), and the
// public pages that show one citizen's own record (ownRecordPages).
func mustNotStore(rt route, r *http.Request, ri *request) bool {
	return rt.perm != auth.Public || ri.user.ID != 0 || (r.Method != http.MethodGet && r.Method != http.MethodHead) ||
		ownRecordPages[rt.pattern]
}

// formCookie holds the token of public forms (double-submit: the form's hidden field must match
// a cookie this site set, which another site cannot read or write).
const formCookie = "huduma_form"

// publicFormToken returns the token for a public form, setting its cookie the first time.
func (s *Server) publicFormToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := randomKey()
	http.SetCookie(w, s.cookie(formCookie, token, 24*3600))
	return token
}

// parseForm reads a posted form within the upload limit, so that an oversized upload is an
// answer about its size rather than a broken form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	err := r.ParseMultipartForm(8 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return apperr.New(apperr.Invalid, "The form is too large: attach at most five files of at most 5 MB each.")
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "The form could not be read. Please try again.")
	}
	return nil
}

func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// securityHeaders sets headers every response should carry. Pages load nothing from other hosts.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusRecorder) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", time.Since(start), "ip", clientIP(r))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, apperr.GenericMessage, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address rate limits and the audit trail use: the connection's remote address, or,
// when Huduma runs behind a reverse proxy it is told to trust (Config.TrustProxy), the last address
// in X-Forwarded-For — the one the proxy itself appended, which a client cannot forge.
func clientIP(r *http.Request) string {
	if v, ok := r.Context().Value(proxyKey{}).(bool); ok && v {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type proxyKey struct{}

// trustProxy marks requests so clientIP reads X-Forwarded-For.
func trustProxy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), proxyKey{}, true)))
	})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/staff"
	}
	return next
}
