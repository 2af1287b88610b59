package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
)

// twoFactorPage is the account's two-step sign-in: off (a button to set it up), being set up (the
// QR code and the secret, and a code to confirm), or on (how many recovery codes are left, and
// turning it off with the password and a code).
type twoFactorPage struct {
	State    auth.TwoFactor
	Required bool // this account may not go without it (HUDUMA_REQUIRE_2FA)
	QR       template.HTML
	Secret   string // grouped for typing, while setting up only
	Errors   map[string]string
}

func (s *Server) accountTwoFactor(w http.ResponseWriter, r *http.Request) error {
	return s.showTwoFactor(w, r, http.StatusOK, nil)
}

func (s *Server) showTwoFactor(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ri := info(r)
	tf, err := s.auth.TwoFactorOf(r.Context(), ri.user.ID)
	if err != nil {
		return err
	}
	p := twoFactorPage{State: tf, Required: s.requiresTwoFactor(ri.user), Errors: errs}
	if tf.Pending != "" {
		uri := auth.OTPAuthURI(auth.TOTPIssuer, ri.user.Username, tf.Pending)
		if p.QR, err = qrSVG(uri, s.tr.T(ri.lang, "QR code to scan with your authenticator app")); err != nil {
			return err
		}
		p.Secret = auth.GroupSecret(tf.Pending)
	}
	w.Header().Set("Cache-Control", "no-store") // the secret, while setting up
	s.render(w, r, status, "account_two_factor", "Two-step sign-in", p)
	return nil
}

// twoFactorSetup starts setting up: a new secret, shown on the page until confirmed.
func (s *Server) twoFactorSetup(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.auth.BeginTwoFactor(r.Context(), info(r).user, clientIP(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
	return nil
}

// twoFactorConfirm turns it on with a code from the app, and shows the recovery codes, once.
func (s *Server) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	codes, err := s.auth.ConfirmTwoFactor(r.Context(), ri.user, r.PostFormValue("code"), clientIP(r))
	if apperr.Is(err, apperr.Invalid) {
		return s.showTwoFactor(w, r, http.StatusUnprocessableEntity, apperr.FieldsOf(err))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "two_factor_codes", "Your recovery codes", map[string]any{"Codes": codes})
	return nil
}

// twoFactorDisable turns it off, with the password and a current code.
func (s *Server) twoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if s.requiresTwoFactor(ri.user) {
		return apperr.New(apperr.Forbidden, "Two-step sign-in is required for your account and cannot be turned off.")
	}
	err := s.auth.DisableTwoFactor(r.Context(), ri.user, r.PostFormValue("password"), r.PostFormValue("code"), clientIP(r))
	if apperr.Is(err, apperr.Invalid) {
		return s.showTwoFactor(w, r, http.StatusUnprocessableEntity, apperr.FieldsOf(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account/two-factor?notice=two_factor_off", http.StatusSeeOther)
	return nil
}

// requiresTwoFactor reports whether u may not go without two-step sign-in: with
// HUDUMA_REQUIRE_2FA=admins, national and agency admins.
func (s *Server) requiresTwoFactor(u auth.User) bool {
	return s.cfg.RequireTwoFactor == RequireTwoFactorAdmins && (u.Role == auth.NationalAdmin || u.Role == auth.AgencyAdmin)
}

// mustEnrol reports whether u is required to use two-step sign-in and has not set it up.
func (s *Server) mustEnrol(ctx context.Context, u auth.User) bool {
	if !s.requiresTwoFactor(u) {
		return false
	}
	tf, err := s.auth.TwoFactorOf(ctx, u.ID)
	return err != nil || !tf.Enabled // unknown is treated as not enrolled: the safe side
}

// enrolmentRoutes are all an admin who must enrol may use until they have.
var enrolmentRoutes = map[string]bool{
	"GET /account/two-factor":          true,
	"POST /account/two-factor/setup":   true,
	"POST /account/two-factor/confirm": true,
	"POST /signout":                    true,
}
