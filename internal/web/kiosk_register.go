package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/queue"
)

// Registered kiosks. Several kiosks in a hall reach Huduma from the centre's one public address,
// and the public limit on forms (20 a minute per address, a citizen's pace) refused tickets at
// the morning peak. A kiosk the centre's manager registers from the monitor gets an address with
// a secret; opened once on the kiosk, it leaves the secret in a cookie of that browser, kept for
// the kiosk page only, and the kiosk's tickets then count against the kiosk's own, higher limit
// (Config.KioskPerMinute). A kiosk page without a valid cookie still works, as a public page
// under the public limit: an unregistered or forgotten kiosk is slower at the peak, never shut.

// kioskCookie holds "id.secret" of the registered kiosk this browser is.
const kioskCookie = "huduma_kiosk"

// kioskCookieAge is as long as browsers keep a cookie (Chrome caps it at 400 days).
const kioskCookieAge = 400 * 24 * 3600

func kioskPath(code string) string { return "/centres/" + url.PathEscape(code) + "/kiosk" }

// registeredKiosk is the registered kiosk the request comes from, if it is one of centre's.
func (s *Server) registeredKiosk(r *http.Request, centre charter.Centre) (queue.Kiosk, bool) {
	c, err := r.Cookie(kioskCookie)
	if err != nil {
		return queue.Kiosk{}, false
	}
	idText, key, ok := strings.Cut(c.Value, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return queue.Kiosk{}, false
	}
	k, err := s.queue.KioskByKey(r.Context(), id, key)
	if err != nil || k.CentreID != centre.ID {
		return queue.Kiosk{}, false
	}
	return k, true
}

// kioskSetUp is the registration address opened on the kiosk (?kiosk=ID&key=SECRET): it keeps
// the secret in the browser's cookie and goes on to the plain kiosk page, so the secret leaves
// the address bar. A wrong or revoked secret says so, for the manager setting the kiosk up.
func (s *Server) kioskSetUp(w http.ResponseWriter, r *http.Request, centre charter.Centre) error {
	id, _ := strconv.ParseInt(r.URL.Query().Get("kiosk"), 10, 64)
	key := r.URL.Query().Get("key")
	k, err := s.queue.KioskByKey(r.Context(), id, key)
	if err != nil || k.CentreID != centre.ID {
		return apperr.New(apperr.NotFound, "This kiosk address is not valid at this centre: register the kiosk again from the centre's monitor.")
	}
	ck := s.cookie(kioskCookie, fmt.Sprintf("%d.%s", k.ID, key), kioskCookieAge)
	ck.Path = kioskPath(centre.Code)
	http.SetCookie(w, ck)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, kioskPath(centre.Code), http.StatusSeeOther)
	return nil
}

// registerKiosk: the centre's manager registers a kiosk and gets its address, once.
func (s *Server) registerKiosk(w http.ResponseWriter, r *http.Request) error {
	c, err := s.charters.CentreByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	u := info(r).user
	if !u.CanCentre(auth.ManageQueue, c.ID) {
		return apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	k, key, err := s.queue.AddKiosk(r.Context(), u.Actor(clientIP(r)), c.ID, r.PostFormValue("label"))
	if errs, ok := formErrors(err); ok {
		return s.showMonitor(w, r, http.StatusUnprocessableEntity, c, errs)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "kiosk_registered", "Kiosk registered", map[string]any{"Centre": c, "Kiosk": k,
		"URL": fmt.Sprintf("%s%s?kiosk=%d&key=%s", s.publicBase(r), kioskPath(c.Code), k.ID, url.QueryEscape(key))})
	return nil
}
