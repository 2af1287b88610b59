package web

import (
	"net/http"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// route is one entry of the route table: a method and path pattern, the permission it needs, and the
// handler. Scope (which agency or centre) is checked again inside the handler against the record.
type route struct {
	pattern string // "METHOD /path/{param}"
	perm    auth.Permission
	api     bool // JSON API: errors as JSON, rate-limited, no redirects to sign-in
	handle  handlerFunc
}

// table is every route Huduma serves. Keep it the one place to look.
func (s *Server) table() []route {
	return []route{
		// Public pages.
		{"GET /{$}", auth.Public, false, s.home},
		{"GET /charters", auth.Public, false, s.chartersList},
		{"GET /charters/agency/{code}", auth.Public, false, s.agencyCharter},
		{"GET /charters/centre/{code}", auth.Public, false, s.centreCharter},
		{"GET /services", auth.Public, false, s.servicesList},
		{"GET /services/{code}", auth.Public, false, s.servicePage},
		{"GET /centres", auth.Public, false, s.centresList},
		{"GET /centres/{code}/figures", auth.Public, false, s.centreFigures}, // counts only: nothing personal
		{"GET /lang/{code}", auth.Public, false, s.setLanguage},

		// Citizens: lodging and tracking requests.
		{"GET /services/{code}/request", auth.Public, false, s.requestForm},
		{"POST /services/{code}/request", auth.Public, false, s.requestSubmit},
		{"GET /track", auth.Public, false, s.trackForm},
		{"POST /track", auth.Public, false, s.trackLookup},
		{"GET /track/{ref}", auth.Public, false, s.trackLink},
		{"GET /rate/{ref}", auth.Public, false, s.rateForm},
		{"POST /rate/{ref}", auth.Public, false, s.rateSubmit},

		// Walk-in queues: the hall board (public: ticket numbers and counters only).
		{"GET /centres/{code}/board", auth.Public, false, s.boardPage},
		{"GET /centres/{code}/board/events", auth.Public, false, s.boardEvents},

		// Walk-in queues: the kiosk, joining from a phone, following a ticket.
		{"GET /centres/{code}/kiosk", auth.Public, false, s.kiosk},
		{"POST /centres/{code}/kiosk", auth.Public, false, s.kioskSubmit},
		{"GET /centres/{code}/join", auth.Public, false, s.joinForm},
		{"POST /centres/{code}/join", auth.Public, false, s.joinSubmit},
		{"GET /tickets/{id}", auth.Public, false, s.ticketPage}, // needs ?key=: a wrong or missing one is a 404
		{"POST /tickets/{id}/rate", auth.Public, false, s.ticketRate},

		// Appointments.
		{"GET /centres/{code}/book", auth.Public, false, s.bookForm},
		{"POST /centres/{code}/book", auth.Public, false, s.bookSubmit},
		{"GET /centres/{code}/checkin", auth.Public, false, s.checkInForm},
		{"POST /centres/{code}/checkin", auth.Public, false, s.checkInSubmit},
		{"GET /appointments/{code}", auth.Public, false, s.appointmentPage},           // needs ?key=: a wrong or missing one is a 404
		{"POST /appointments/{code}/cancel", auth.Public, false, s.appointmentCancel}, // the key in the form
		{"POST /appointments/{code}/reschedule", auth.Public, false, s.appointmentReschedule},

		// The counter's feedback tablet (public, with the secret in its address).
		{"GET /devices/{id}", auth.Public, false, s.deviceFaces},
		{"POST /devices/{id}/press", auth.Public, false, s.devicePress},
		{"POST /devices/{id}/reason", auth.Public, false, s.deviceReason},

		// Complaints and compliments: lodging, and the complainant's page (the key from the link, or
		// the phone number or e-mail address, in the form; a wrong key is a 404).
		{"GET /complaints/new", auth.Public, false, s.complaintForm},
		{"POST /complaints/new", auth.Public, false, s.complaintSubmit},
		{"GET /complaints/{ref}", auth.Public, false, s.complaintTrack},
		{"POST /complaints/{ref}", auth.Public, false, s.complaintLookup},
		{"POST /complaints/{ref}/confirm", auth.Public, false, s.complaintConfirm},
		{"POST /complaints/{ref}/reopen", auth.Public, false, s.complaintReopen},

		// Signing in and out.
		{"GET /signin", auth.Public, false, s.signInForm},
		{"POST /signin", auth.Public, false, s.signInSubmit},
		{"POST /signout", auth.SignedIn, false, s.signOut},
		// The second step of a two-step sign-in: open only to a browser holding the challenge
		// cookie that the right password gave it (signin_code.go); it grants nothing else.
		{"GET /signin/code", auth.Public, false, s.signInCodeForm},
		{"POST /signin/code", auth.Public, false, s.signInCodeSubmit},

		// The signed-in user's own account: two-step sign-in (any account may turn it on).
		{"GET /account/two-factor", auth.SignedIn, false, s.accountTwoFactor},
		{"POST /account/two-factor/setup", auth.SignedIn, false, s.twoFactorSetup},
		{"POST /account/two-factor/confirm", auth.SignedIn, false, s.twoFactorConfirm},
		{"POST /account/two-factor/disable", auth.SignedIn, false, s.twoFactorDisable},

		// Forgot password: always the same answer, whether or not an account matches; limited as
		// sign-in is. The link it sends (and an invitation's) opens /password?t=….
		{"GET /signin/forgot", auth.Public, false, s.forgotForm},
		{"POST /signin/forgot", auth.Public, false, s.forgotSubmit},
		{"GET /password", auth.Public, false, s.passwordLinkForm},
		{"POST /password", auth.Public, false, s.passwordLinkSubmit},

		// Each person's own account: details, password, sessions.
		{"GET /account", auth.SignedIn, false, s.account},
		{"POST /account", auth.SignedIn, false, s.accountUpdate},
		{"POST /account/password", auth.SignedIn, false, s.accountPassword},
		{"POST /account/sessions", auth.SignedIn, false, s.accountSessions},

		// Staff.
		{"GET /staff", auth.SignedIn, false, s.staffHome},
		{"POST /staff/duty", auth.HandleRequests, false, s.dutyToggle},

		// The counter screen: officers serving tickets at their centre.
		{"GET /staff/counter", auth.ServeCounter, false, s.counterScreen},
		{"POST /staff/counter/signin", auth.ServeCounter, false, s.counterSignIn},
		{"POST /staff/counter/signout", auth.ServeCounter, false, s.counterSignOut},
		{"POST /staff/counter/call", auth.ServeCounter, false, s.counterCall},
		{"POST /staff/counter/recall", auth.ServeCounter, false, s.counterRecall},
		{"POST /staff/counter/noshow", auth.ServeCounter, false, s.counterNoShow},
		{"POST /staff/counter/start", auth.ServeCounter, false, s.counterStart},
		{"POST /staff/counter/park", auth.ServeCounter, false, s.counterPark},
		{"POST /staff/counter/resume", auth.ServeCounter, false, s.counterResume},
		{"POST /staff/counter/transfer", auth.ServeCounter, false, s.counterTransfer},
		{"POST /staff/counter/complete", auth.ServeCounter, false, s.counterComplete},

		// The centre monitor (scope: centre managers their own centre).
		{"GET /staff/queue", auth.MonitorQueue, false, s.queueMonitorHome},
		{"GET /staff/queue/{code}", auth.MonitorQueue, false, s.queueMonitor},
		{"POST /staff/queue/{code}/pause", auth.ManageQueue, false, s.queuePause},
		{"GET /staff/queue/{code}/services/{service}", auth.ManageQueue, false, s.queueSettings},
		{"POST /staff/queue/{code}/devices", auth.ManageQueue, false, s.bindDevice},
		{"POST /staff/queue/{code}/kiosks", auth.ManageQueue, false, s.registerKiosk},
		{"POST /staff/queue/{code}/services/{service}", auth.ManageQueue, false, s.queueSettings},

		// Quality: CSAT and the happiness index (scope: centre managers their centre, agency admins
		// their agency's figures), and the alerts they raise (acknowledged by the alert's centre).
		{"GET /staff/quality", auth.ViewQuality, false, s.qualityNational},
		{"GET /staff/quality/{code}", auth.ViewQuality, false, s.qualityCentre},
		{"GET /staff/alerts", auth.MonitorQueue, false, s.alertsList},
		{"POST /staff/alerts/{id}/acknowledge", auth.ManageQueue, false, s.alertAcknowledge},
		// Alert rules (scope: centre managers their centre's own rules; the rules for every centre
		// are the national admins'). Switching off asks first: it closes the rule's live alerts.
		{"GET /staff/alerts/rules", auth.MonitorQueue, false, s.alertRules},
		{"POST /staff/alerts/rules", auth.ManageQueue, false, s.alertRuleCreate},
		{"GET /staff/alerts/rules/{id}/off", auth.ManageQueue, false, s.alertRuleOffConfirm},
		{"POST /staff/alerts/rules/{id}/active", auth.ManageQueue, false, s.alertRuleActive},

		// Service requests (scope checked against each request).
		{"GET /staff/requests", auth.ViewRequests, false, s.inbox},
		{"GET /staff/workload", auth.ViewRequests, false, s.workload},
		{"GET /staff/requests/new", auth.HandleRequests, false, s.staffIntakeForm},
		{"POST /staff/requests/new", auth.HandleRequests, false, s.staffIntakeSubmit},
		{"GET /staff/requests/{ref}", auth.ViewRequests, false, s.requestPage},
		{"GET /staff/requests/{ref}/files/{id}", auth.ViewRequests, false, s.requestFile},
		{"POST /staff/requests/{ref}/status", auth.HandleRequests, false, s.requestStatus},
		{"POST /staff/requests/{ref}/comment", auth.HandleRequests, false, s.requestComment},
		{"POST /staff/requests/{ref}/assign", auth.HandleRequests, false, s.requestAssign},
		{"POST /staff/requests/{ref}/refer", auth.HandleRequests, false, s.requestRefer},
		{"POST /staff/requests/{ref}/decide", auth.ApproveRequests, false, s.requestDecide},
		{"POST /staff/requests/{ref}/link", auth.HandleRequests, false, s.requestLink},
		{"POST /staff/requests/{ref}/attach", auth.HandleRequests, false, s.requestAttach},

		// Complaints and compliments (scope checked against each: bribe reports for integrity officers only).
		{"GET /staff/complaints", auth.ViewComplaints, false, s.complaintsInbox},
		{"GET /staff/complaints/new", auth.LodgeComplaints, false, s.staffComplaintForm},
		{"POST /staff/complaints/new", auth.LodgeComplaints, false, s.staffComplaintSubmit},
		{"GET /staff/complaints/{ref}", auth.ViewComplaints, false, s.complaintPage},
		{"POST /staff/complaints/{ref}/assign", auth.HandleComplaints, false, s.complaintAssign},
		{"POST /staff/complaints/{ref}/note", auth.HandleComplaints, false, s.complaintNote},
		{"POST /staff/complaints/{ref}/answer", auth.HandleComplaints, false, s.complaintAnswer},
		{"POST /staff/complaints/{ref}/refer", auth.HandleComplaints, false, s.complaintRefer},
		{"POST /staff/complaints/{ref}/close", auth.HandleComplaints, false, s.complaintClose},

		// Administration: agencies.
		{"GET /admin/agencies", auth.EditOwnAgency, false, s.adminAgencies},
		{"GET /admin/agencies/new", auth.ManageAgencies, false, s.agencyNewForm},
		{"POST /admin/agencies/new", auth.ManageAgencies, false, s.agencyCreate},
		{"GET /admin/agencies/{code}/edit", auth.EditOwnAgency, false, s.agencyEditForm},
		{"POST /admin/agencies/{code}/edit", auth.EditOwnAgency, false, s.agencyUpdate},

		// Administration: centres and the services they offer.
		{"GET /admin/centres", auth.EditOwnCentre, false, s.adminCentres},
		{"GET /admin/centres/new", auth.ManageCentres, false, s.centreNewForm},
		{"POST /admin/centres/new", auth.ManageCentres, false, s.centreCreate},
		{"GET /admin/centres/{code}/edit", auth.EditOwnCentre, false, s.centreEditForm},
		{"POST /admin/centres/{code}/edit", auth.EditOwnCentre, false, s.centreUpdate},
		{"POST /admin/centres/{code}/services", auth.EditOwnCentre, false, s.centreServicesUpdate},

		// Administration: services.
		{"GET /admin/services", auth.ManageServices, false, s.adminServices},
		{"GET /admin/services/new", auth.ManageServices, false, s.serviceNewForm},
		{"POST /admin/services/new", auth.ManageServices, false, s.serviceCreate},
		{"GET /admin/services/{code}/edit", auth.ManageServices, false, s.serviceEditForm},
		{"POST /admin/services/{code}/edit", auth.ManageServices, false, s.serviceUpdate},

		// Administration: charters.
		{"GET /admin/charters/{owner}/{code}", auth.EditCharter, false, s.charterEditForm},
		{"POST /admin/charters/{owner}/{code}", auth.EditCharter, false, s.charterUpdate},

		// Administration: staff accounts (scope: auth.User.CanManageUser and GrantErrors — the
		// secretariat everyone, agency admins their agency's staff, centre managers their officers;
		// an account out of scope is a 404). Disabling asks first.
		{"GET /admin/users", auth.ManageUsers, false, s.adminUsers},
		{"GET /admin/users/new", auth.ManageUsers, false, s.userNewForm},
		{"POST /admin/users/new", auth.ManageUsers, false, s.userCreate},
		{"GET /admin/users/{username}", auth.ManageUsers, false, s.userEditForm},
		{"POST /admin/users/{username}", auth.ManageUsers, false, s.userUpdate},
		{"POST /admin/users/{username}/reset", auth.ManageUsers, false, s.userReset},
		{"GET /admin/users/{username}/disable", auth.ManageUsers, false, s.userDisableConfirm},
		{"POST /admin/users/{username}/disable", auth.ManageUsers, false, s.userDisable},
		{"POST /admin/users/{username}/enable", auth.ManageUsers, false, s.userEnable},

		// Administration: holidays.
		{"GET /admin/holidays", auth.ViewHolidays, false, s.adminHolidays},
		{"POST /admin/holidays", auth.ManageHolidays, false, s.holidayCreate},
		{"GET /admin/holidays/{id}/delete", auth.ManageHolidays, false, s.holidayDeleteConfirm},
		{"POST /admin/holidays/{id}/delete", auth.ManageHolidays, false, s.holidayDelete},

		// Administration: ready answers for replies.
		{"GET /admin/replies", auth.ManageServices, false, s.adminReplies},
		{"POST /admin/replies", auth.ManageServices, false, s.replyCreate},

		// Administration: staff accounts. Unlocking an account locked after failed sign-ins: the
		// permission of those who manage staff (national and agency admins, centre managers), and
		// the scope checked against the account (auth.User.CanUnlock).
		{"POST /admin/users/{id}/unlock", auth.ManageUsers, false, s.userUnlock},

		// Oversight.
		{"GET /admin/audit", auth.ViewAudit, false, s.auditLog},

		// JSON API (docs/api.md).
		{"GET /api/v1/agencies", auth.Public, true, s.apiAgencies},
		{"GET /api/v1/centres", auth.Public, true, s.apiCentres},
		{"GET /api/v1/services", auth.Public, true, s.apiServices},
		{"GET /api/v1/services/{code}", auth.Public, true, s.apiService},
		{"GET /api/v1/services/{code}/due", auth.Public, true, s.apiServiceDue},
		// The requests API: systems with an API key (huduma apikey create).
		{"POST /api/v1/requests", auth.APIKeyHolder, true, s.apiCreateRequest},
		{"GET /api/v1/requests", auth.APIKeyHolder, true, s.apiListRequests},
		{"GET /api/v1/requests/{reference}", auth.APIKeyHolder, true, s.apiGetRequest},
		// The queue API: kiosks, counter systems and boards of other makes (docs/api.md).
		{"POST /api/v1/tickets", auth.APIKeyHolder, true, s.apiIssueTicket},
		{"GET /api/v1/tickets/{id}", auth.APIKeyHolder, true, s.apiGetTicket},
		{"POST /api/v1/tickets/{id}/complete", auth.APIKeyHolder, true, s.apiCompleteTicket},
		{"GET /api/v1/centres/{code}/queue", auth.APIKeyHolder, true, s.apiCentreQueue},
		{"POST /api/v1/counters/{id}/call-next", auth.APIKeyHolder, true, s.apiCallNext},
		// Feedback: ratings of a visit or a request (docs/api.md).
		{"POST /api/v1/feedback", auth.APIKeyHolder, true, s.apiFeedback},
		// Complaints and compliments (docs/api.md).
		{"POST /api/v1/complaints", auth.APIKeyHolder, true, s.apiCreateComplaint},
		{"GET /api/v1/complaints/{reference}", auth.APIKeyHolder, true, s.apiGetComplaint},

		// Open311 GeoReport v2 (docs/open311.md), JSON or XML by extension; {file} is
		// "{code}.{fmt}". Reading is public and shows no personal data. Posting is Public to the
		// guard (an API route: no cookies, no CSRF) because the handler checks the form's api_key
		// itself: the spec answers a bad key with 403 in its own format (open311.go).
		{"GET /open311/v2/discovery.json", auth.Public, true, s.open311(s.o311Discovery)},
		{"GET /open311/v2/discovery.xml", auth.Public, true, s.open311(s.o311Discovery)},
		{"GET /open311/v2/services.json", auth.Public, true, s.open311(s.o311ServiceList)},
		{"GET /open311/v2/services.xml", auth.Public, true, s.open311(s.o311ServiceList)},
		{"GET /open311/v2/services/{file}", auth.Public, true, s.open311(s.o311ServiceDefinition)},
		{"GET /open311/v2/requests.json", auth.Public, true, s.open311(s.o311Requests)},
		{"GET /open311/v2/requests.xml", auth.Public, true, s.open311(s.o311Requests)},
		{"POST /open311/v2/requests.json", auth.Public, true, s.open311(s.o311CreateRequest)},
		{"POST /open311/v2/requests.xml", auth.Public, true, s.open311(s.o311CreateRequest)},
		{"GET /open311/v2/requests/{file}", auth.Public, true, s.open311(s.o311Request)},
		{"GET /open311/v2/tokens/{file}", auth.Public, true, s.open311(s.o311Token)},
		// Anything else under /open311/v2/, any method: the spec's 404 or 405, not an HTML page.
		{"/open311/v2/", auth.Public, true, s.o311Unserved},

		// Operations.
		{"GET /healthz", auth.Public, false, s.healthz},
	}
}

// ownRecordPages are the public pages that show one citizen's own record, opened by its secret
// (or, for a complaint, the contact it was lodged with): like staff pages, never stored by a
// browser's cache or a proxy (mustNotStore).
var ownRecordPages = map[string]bool{
	"GET /track/{ref}": true, "GET /rate/{ref}": true, "GET /tickets/{id}": true, "GET /appointments/{code}": true,
	"GET /complaints/{ref}": true, "GET /devices/{id}": true,
}

func (s *Server) routes(reg *prometheus.Registry, callbacks map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	// Provider callbacks (SMS delivery reports): POST only, outside sessions and CSRF.
	for path, h := range callbacks {
		mux.Handle("POST "+path, s.metrics.instrument("POST "+path, h))
	}
	for _, rt := range s.table() {
		mux.Handle(rt.pattern, s.metrics.instrument(rt.pattern, s.guard(rt)))
	}
	mux.Handle("GET /static/{file}", s.assets)
	// Public like /healthz, for the monitoring system; keep it off the internet at the proxy
	// (docs/operations.md). It reveals counts and latencies, never personal data.
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/", s.metrics.instrument("not found", http.HandlerFunc(s.notFound)))

	// Outermost first: recover, log, headers, compression, cross-origin refusal, session.
	var h http.Handler = mux
	h = s.withSession(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginRefused))
	h = cop.Handler(h)
	h = newCompressor().handler(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	h = s.bodyDeadlines(h) // each body's read deadline (upload.go)
	if s.cfg.TrustProxy {
		h = trustProxy(h)
	}
	return h
}
