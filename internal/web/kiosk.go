package web

import (
	"fmt"
	"html"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/i18n"
	"github.com/huduma-ke/huduma/internal/queue"
	qr "github.com/piglig/go-qr"
)

// The kiosk in a centre's hall, joining a queue from a phone, and the ticket page both lead to.
// All three are public: a ticket is personal only through its follow link's secret key, and the
// ticket page shows nothing but the ticket itself (never the phone number in full).

// Refresh intervals, in seconds. The ticket page reloads itself while the ticket is open; a kiosk
// goes back to its start page for the next citizen, and reloads that now and then so a long-open
// page picks up a new form token and the default language.
const (
	ticketRefresh      = 30
	kioskIdleRefresh   = 300
	kioskRefusalReturn = 60
)

// serviceGroup is one agency's services, as the kiosk shows them: under the agency's name.
type serviceGroup struct {
	Agency   charter.Agency
	Services []charter.Service
}

// choice is one option of a list, its label already translated.
type choice struct {
	Value, Label string
}

// takeTicketPage is what the kiosk and the join page show.
type takeTicketPage struct {
	Centre     charter.Centre
	Groups     []serviceGroup
	Priorities []choice
	Closed     string // "closed now; opens ..." when the centre is closed, translated
	Token      string // the public form's CSRF token
	Action     string // where the form posts
	Refresh    string // a meta refresh's content, "" for none
	// What was posted, shown again after a refusal.
	Service, Priority, Phone string
	Errors                   map[string]string
	Refusal                  string // why no ticket was issued, translated
	// Registered: the kiosk is a registered one (kiosk_register.go), said in small print so that
	// the manager setting it up sees it took.
	Registered bool
}

// kiosk is the hall kiosk's start page: the centre's services as large buttons.
func (s *Server) kiosk(w http.ResponseWriter, r *http.Request) error {
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("kiosk") { // the registration address, opened on the kiosk (kiosk_register.go)
		return s.kioskSetUp(w, r, centre)
	}
	return s.showTakeTicket(w, r, http.StatusOK, "kiosk", centre, takeTicketPage{})
}

// kioskSubmit issues a ticket from the kiosk.
func (s *Server) kioskSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.takeTicket(w, r, "kiosk")
}

// joinForm lets a citizen join a centre's queue from a phone: the service and a mobile number,
// for the SMS that says their turn is near.
func (s *Server) joinForm(w http.ResponseWriter, r *http.Request) error {
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	return s.showTakeTicket(w, r, http.StatusOK, "join", centre, takeTicketPage{})
}

// joinSubmit issues a ticket joined from the web.
func (s *Server) joinSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.takeTicket(w, r, "web")
}

func (s *Server) centreParam(r *http.Request) (charter.Centre, error) {
	dir, err := s.charters.Directory(r.Context())
	if err != nil {
		return charter.Centre{}, err
	}
	c, ok := dir.Centre(r.PathValue("code"))
	if !ok {
		return charter.Centre{}, apperr.New(apperr.NotFound, "No centre with code %q.", r.PathValue("code"))
	}
	return c, nil
}

// takeTicket issues a ticket from the kiosk (channel kiosk) or the join page (channel web) and
// sends the citizen to its page. A refusal (closed, stopped, after the cut-off, over the quota,
// not offered) is shown on the same page, and nothing is issued.
func (s *Server) takeTicket(w http.ResponseWriter, r *http.Request, channel string) error {
	centre, err := s.centreParam(r)
	if err != nil {
		return err
	}
	// A script must not empty a centre's daily quota; a person takes one ticket at a time. A
	// registered kiosk serves a hall of people and has its own limit (kiosk_register.go).
	allowed := false
	if k, ok := s.registeredKiosk(r, centre); ok && channel == "kiosk" {
		allowed = s.kiosks.allow("kiosk:" + strconv.FormatInt(k.ID, 10))
	} else {
		allowed = s.intake.allow(clientIP(r))
	}
	if !allowed {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	page := "kiosk"
	if channel == "web" {
		page = "join"
	}
	form := takeTicketPage{Service: r.PostFormValue("service"), Priority: r.PostFormValue("priority"), Phone: r.PostFormValue("phone")}
	fields := map[string]string{}
	if strings.TrimSpace(form.Service) == "" {
		fields["service"] = "Choose a service."
	}
	if channel == "web" && strings.TrimSpace(form.Phone) == "" {
		fields["phone"] = "Enter your mobile number: we send you an SMS when your turn is near."
	}
	if len(fields) > 0 {
		err = apperr.InvalidFields(fields)
	} else {
		var is queue.Issued
		is, err = s.queue.Issue(r.Context(), audit.Actor{Name: "citizen (" + channel + ")", IP: clientIP(r)}, queue.NewTicket{
			CentreCode: centre.Code, ServiceCode: form.Service, Priority: form.Priority, Phone: form.Phone, Channel: channel})
		if err == nil {
			to := ticketPath(is.Ticket.JourneyID, is.Key)
			if channel == "kiosk" {
				// The kiosk's language carries on to the ticket; the page then leads back to the
				// kiosk's start for the next citizen.
				to += "&from=kiosk&lang=" + info(r).lang
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
	}
	if f, ok := formErrors(err); ok {
		form.Errors = f
		return s.showTakeTicket(w, r, http.StatusUnprocessableEntity, page, centre, form)
	}
	switch code := apperr.CodeOf(err); code {
	case apperr.NotFound, apperr.Invalid, apperr.Conflict:
		msg, args := apperr.MessageOf(err)
		form.Refusal = s.tr.T(info(r).lang, msg, args...)
		return s.showTakeTicket(w, r, statusOf(code), page, centre, form)
	}
	return err
}

// showTakeTicket renders the kiosk or the join page for a centre, with form's posted values,
// field errors and refusal.
func (s *Server) showTakeTicket(w http.ResponseWriter, r *http.Request, status int, page string, centre charter.Centre, form takeTicketPage) error {
	ctx := r.Context()
	lang := info(r).lang
	services, err := s.charters.Services(ctx, charter.ServiceFilter{CentreCode: centre.Code, ActiveOnly: true, Limit: 500})
	if err != nil {
		return err
	}
	agencies, err := s.charters.Agencies(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]charter.Agency, len(agencies))
	for _, a := range agencies {
		byID[a.ID] = a
	}
	// Services come ordered by agency, then by their place in its charter.
	for _, sv := range services.Services {
		if n := len(form.Groups); n == 0 || form.Groups[n-1].Agency.ID != sv.AgencyID {
			a, ok := byID[sv.AgencyID]
			if !ok {
				a = charter.Agency{ID: sv.AgencyID, Code: sv.AgencyCode, Name: sv.AgencyName}
			}
			form.Groups = append(form.Groups, serviceGroup{Agency: a})
		}
		g := &form.Groups[len(form.Groups)-1]
		g.Services = append(g.Services, sv)
	}
	form.Centre = centre
	form.Priorities = s.priorityChoices(lang)
	form.Token = s.publicFormToken(w, r)
	cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return err
	}
	// Said up front, so nobody presses in vain; after a refusal, the refusal says it already.
	if now := s.now(); form.Refusal == "" && !cal.IsOpen(now) {
		form.Closed = s.tr.T(lang, "%s is closed now; it opens %s.", centre.Name,
			cal.NextOpening(now).In(cal.Location()).Format("2006-01-02 15:04"))
	}
	base := "/centres/" + url.PathEscape(centre.Code) + "/" + page
	form.Action = base
	title := "Join the queue"
	if page == "kiosk" {
		title = "Take a ticket"
		// The kiosk keeps its language in the address, not in a cookie: the next citizen at the
		// same screen starts again in the default language.
		form.Action = base + "?lang=" + lang
		_, form.Registered = s.registeredKiosk(r, centre)
		form.Refresh = fmt.Sprintf("%d;url=%s", kioskIdleRefresh, base)
		if form.Refusal != "" || form.Errors != nil {
			form.Refresh = fmt.Sprintf("%d;url=%s", kioskRefusalReturn, base)
		}
	}
	s.render(w, r, status, page, title, form)
	return nil
}

// priorityChoices are the priority groups in the law's words, in lang.
func (s *Server) priorityChoices(lang string) []choice {
	out := make([]choice, 0, len(queue.Priorities))
	for _, p := range queue.Priorities {
		out = append(out, choice{Value: p, Label: s.priorityLabel(lang, p)})
	}
	return out
}

// priorityLabel names a priority group: the Constitution's and the Persons with Disabilities
// Act's words, so a citizen recognises the right they are using.
func (s *Server) priorityLabel(lang, p string) string {
	switch p {
	case "disability":
		return s.tr.T(lang, "Person with a disability")
	case "elderly":
		return s.tr.T(lang, "Older member of society (60 years or over)")
	case "expectant":
		return s.tr.T(lang, "Expectant mother")
	case "infant":
		return s.tr.T(lang, "Parent carrying an infant")
	}
	return p
}

// ticketPath is the follow link of a visit: its first leg's id and the link's secret key.
func ticketPath(journeyID int64, key string) string {
	return "/tickets/" + strconv.FormatInt(journeyID, 10) + "?key=" + url.QueryEscape(key)
}

// ticketView is what the ticket page shows.
type ticketView struct {
	Ticket      queue.Ticket
	Centre      charter.Centre
	ServiceName string
	Taken       string // when the ticket was taken, in the centre's time
	State       string // waiting, called, serving, parked, served, request, no_show, cancelled, finished
	Position    int
	Wait        string // the estimate in words
	Priority    string // the priority group's name, "" for none
	Phone       string // masked
	Request     string // the reference of the service request the visit continues as
	QR          template.HTML
	Link        string // this page's own absolute address
	Kiosk       bool   // shown on the hall kiosk: leads back to its start
	KioskURL    string
	Refresh     string
	Every       int        // seconds between the page's own reloads
	LangLinks   []langLink // a language switch that keeps the key
	// The last step, once the visit is finished: the four faces (Rating non-nil), or thanks for
	// the rating given (Rated), here or on the counter's tablet.
	Rating     *ratingForm
	Rated      bool
	RateAction string
	Key        string
	Token      string
	Refusal    string // why a rating was not taken, translated
}

// langLink is one entry of a language switch.
type langLink struct {
	i18n.Lang
	URL     string
	Current bool
}

// ticketPage is the ticket's own page, by its follow link: the number, where it stands and, once
// called, the counter to go to; once finished, the four faces to rate the visit. A wrong key and
// a missing ticket get the same 404.
func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request) error {
	id, t, key, err := s.followParam(r, r.URL.Query().Get("key"))
	if err != nil {
		return err
	}
	return s.showTicket(w, r, http.StatusOK, id, key, t, nil, "")
}

// followParam finds the visit of a follow link: its journey id in the path, and key.
func (s *Server) followParam(r *http.Request, key string) (int64, queue.Ticket, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, queue.Ticket{}, "", apperr.New(apperr.NotFound, "No such ticket.")
	}
	t, err := s.queue.Follow(r.Context(), id, key)
	return id, t, key, err
}

// ticketRate is the ticket page's last step: the citizen rates the finished visit (source web),
// joined to its counter, officer, service and agency. A visit rated already — here or on the
// counter's tablet — gets the thanks and nothing new is stored; a visit not finished is refused.
func (s *Server) ticketRate(w http.ResponseWriter, r *http.Request) error {
	if !s.intake.allow(clientIP(r)) {
		return apperr.New(apperr.RateLimited, "Too many requests. Please wait a moment and try again.")
	}
	id, t, key, err := s.followParam(r, r.PostFormValue("key"))
	if err != nil {
		return err
	}
	form, press := postedRating(r)
	_, err = s.feedback.Rate(r.Context(), "web", t.ID, 0, press)
	if err == nil || (apperr.Is(err, apperr.Conflict) && t.Status == queue.Done) {
		// Rated, now or before: the page (by its address, so a reload sends nothing) says thanks.
		http.Redirect(w, r, ticketPath(id, key), http.StatusSeeOther)
		return nil
	}
	if f, ok := formErrors(err); ok {
		form.Errors = f
		return s.showTicket(w, r, http.StatusUnprocessableEntity, id, key, t, &form, "")
	}
	if msg, ok := s.refusal(r, err); ok {
		return s.showTicket(w, r, statusOf(apperr.CodeOf(err)), id, key, t, nil, msg)
	}
	return err
}

// showTicket renders the ticket page of visit t (journey id, key), with the rating form's posted
// values and errors, or a refusal.
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, status int, id int64, key string, t queue.Ticket, form *ratingForm, refusal string) error {
	ctx := r.Context()
	lang := info(r).lang
	dir, err := s.charters.Directory(ctx)
	if err != nil {
		return err
	}
	centre, ok := dir.CentreByID(t.CentreID)
	if !ok {
		return apperr.New(apperr.NotFound, "No such ticket.")
	}
	cal, err := s.charters.WorkCalendar(ctx, centre.CalendarID)
	if err != nil {
		return err
	}
	v := ticketView{Ticket: t, Centre: centre, ServiceName: t.ServiceName, Taken: t.ArrivedAt.In(cal.Location()).Format("2006-01-02 15:04"),
		State: string(t.Status), Phone: maskPhone(t.Phone), Link: s.publicBase(r) + ticketPath(id, key), Every: ticketRefresh}
	if lang == "sw" && t.ServiceNameSw != "" {
		v.ServiceName = t.ServiceNameSw
	}
	if t.Priority != "" {
		v.Priority = s.priorityLabel(lang, t.Priority)
	}
	switch t.Status {
	case queue.Waiting:
		e, err := s.queue.Estimate(ctx, t)
		if err != nil {
			return err
		}
		v.Position, v.Wait = e.Position, s.waitWords(lang, e)
	case queue.Done:
		v.State = "finished"
		switch t.Outcome {
		case queue.OutcomeServed:
			v.State = "served"
		case queue.OutcomeRequest:
			v.State = "request"
			if req, err := s.requests.ByID(ctx, t.RequestID); err == nil {
				v.Request = req.Reference
			} else if !isNotFound(err) {
				return err
			}
		}
	}
	if v.QR, err = qrSVG(v.Link, s.tr.T(lang, "QR code of this page's address")); err != nil {
		return err
	}
	v.Kiosk = r.URL.Query().Get("from") == "kiosk"
	v.KioskURL = "/centres/" + url.PathEscape(centre.Code) + "/kiosk"
	v.Refusal = refusal
	if t.Status == queue.Done && !v.Kiosk { // the hall kiosk is everyone's screen: no rating there
		if v.Rated, err = s.feedback.Rated(ctx, t.ID, 0); err != nil {
			return err
		}
		if !v.Rated {
			if form == nil {
				form = &ratingForm{Reasons: feedback.Reasons}
			}
			v.Rating, v.Key, v.Token = form, key, s.publicFormToken(w, r)
			v.RateAction = "/tickets/" + strconv.FormatInt(id, 10) + "/rate"
		}
	}
	switch {
	case v.Kiosk:
		v.Refresh = fmt.Sprintf("%d;url=%s", ticketRefresh, v.KioskURL)
	case t.Open():
		v.Refresh = strconv.Itoa(ticketRefresh)
	}
	// The site header's language switch forgets the address's key; this one keeps it.
	self := ticketPath(id, key)
	for _, l := range i18n.Languages {
		v.LangLinks = append(v.LangLinks, langLink{Lang: l, URL: "/lang/" + l.Code + "?next=" + url.QueryEscape(self), Current: l.Code == lang})
	}
	// The address holds the key: keep it out of caches and other sites' logs.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, status, "ticket", "Your ticket", v)
	return nil
}

// waitWords says an estimate as a range a person can plan with: "about 10–15 minutes".
func (s *Server) waitWords(lang string, e queue.Estimate) string {
	if !e.Known {
		return s.tr.T(lang, "unknown: no counter is serving this now")
	}
	lo := int(e.Low / time.Minute)
	hi := int((e.High + time.Minute - 1) / time.Minute)
	switch {
	case hi <= 1:
		return s.tr.T(lang, "about a minute")
	case lo >= 90:
		loH, hiH := lo/60, (hi+59)/60
		if hiH <= loH {
			hiH = loH + 1
		}
		return s.tr.T(lang, "about %d–%d hours", loH, hiH)
	}
	if lo >= 10 { // nobody can promise the minute of a long wait
		lo, hi = lo/5*5, (hi+4)/5*5
	}
	switch {
	case lo == 0:
		return s.tr.Plural(lang, hi, "up to about %d minute", "up to about %d minutes")
	case lo >= hi:
		return s.tr.Plural(lang, hi, "about %d minute", "about %d minutes")
	}
	return s.tr.T(lang, "about %d–%d minutes", lo, hi)
}

// maskPhone shows enough of a number for its owner to recognise it and no more: +2547••••5678.
func maskPhone(p string) string {
	r := []rune(p)
	if len(r) == 0 {
		return ""
	}
	if len(r) < 10 {
		return "••••"
	}
	return string(r[:5]) + "••••" + string(r[len(r)-4:])
}

// publicBase is the address citizens reach Huduma at, for links that leave the page (the QR
// code is read by a phone, not by the browser showing it): the configured public URL, unless
// that is only this machine's own name (HUDUMA_PUBLIC_URL unset), when the address the browser
// used is the better guess — a kiosk on the centre's network reaches Huduma as phones there do.
func (s *Server) publicBase(r *http.Request) string {
	base := strings.TrimRight(s.requests.Config().PublicURL, "/")
	if u, err := url.Parse(base); err == nil && u.Host != "" && !localHost(u.Hostname()) {
		return base
	}
	scheme := "http"
	if r.TLS != nil || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// localHost reports whether host names only the machine itself.
func localHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// qrSVG draws text as a QR code: an inline SVG of black rectangles (one per run of dark modules
// in a row) on white, with the four-module quiet zone scanners need. Colours are attributes, not
// style: the pages' Content-Security-Policy allows no inline style.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	const quiet = 4
	n := code.Size()
	dim := n + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		dim, dim, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, dim, dim)
	for y := 0; y < n; y++ {
		for x := 0; x < n; {
			if !code.Module(x, y) {
				x++
				continue
			}
			start := x
			for x < n && code.Module(x, y) {
				x++
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="1" fill="#000"/>`, start+quiet, y+quiet, x-start)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), nil // numbers and an escaped label only
}
